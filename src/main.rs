use cemr_api::cli::{Cli, Command};
use cemr_api::{db, graphql, http, seed, startup::Application, telemetry};
use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    telemetry::init(&cli.settings.log)?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let app = Application::build(cli.settings).await?;
            app.run_until_stopped().await?;
        }
        Command::Migrate => {
            db::connect_and_migrate(&cli.settings.database).await?;
        }
        Command::Seed => {
            let conn = db::connect_and_migrate(&cli.settings.database).await?;
            seed::reference::load(&conn).await?;
        }
        Command::ExportSchema => print!("{}", graphql::schema::sdl()),
        Command::Healthcheck => http::health::probe(&cli.settings.http.bind)?,
    }
    Ok(())
}
