use cemr_api::cli::{Cli, Command, UserCommand};
use cemr_api::startup::{self, Application};
use cemr_api::{graphql, http, rest, telemetry};
use clap::Parser;

// glibc's malloc keeps what a burst of requests freed (per-thread arenas, fragmented
// heaps), so resident memory stayed near its peak after the load; jemalloc gives freed
// pages back to the system within seconds and fragments less. Unprefixed, so the C code
// linked in (SQLite) allocates from it too.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

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
            startup::migrate_database(&cli.settings.database).await?;
        }
        Command::Seed => {
            startup::prepare_database(&cli.settings.database, cli.settings.demo).await?;
        }
        Command::ExportSchema => print!("{}", graphql::schema::sdl()),
        Command::ExportOpenapi => print!("{}", rest::openapi_json()?),
        Command::Healthcheck => http::health::probe(&cli.settings.http.bind)?,
        Command::User {
            action:
                UserCommand::Create {
                    role,
                    email,
                    organisation,
                },
        } => {
            let db = startup::prepare_database(&cli.settings.database, false).await?;
            let account = cemr_api::services::accounts::create_from_command_line(
                &db,
                &email,
                role.into(),
                organisation,
            )
            .await?;
            println!(
                "created account {} ({}) with role {}",
                account.id, account.email, account.role
            );
        }
    }
    Ok(())
}
