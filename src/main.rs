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

/// jemalloc's settings, read once before the first allocation (`MALLOC_CONF` in the
/// environment still overrides them). By default jemalloc purges freed pages only while
/// it allocates, so an idle replica kept what its last burst freed: a background thread
/// returns them a second after they were freed, without waiting for the next request.
#[repr(transparent)]
pub struct MallocConf(*const std::ffi::c_char);

// SAFETY: a pointer to an immutable, 'static C string.
#[allow(unsafe_code)]
unsafe impl Sync for MallocConf {}

// jemalloc looks this symbol up by name; a C string it only reads.
#[allow(unsafe_code)]
#[unsafe(export_name = "malloc_conf")]
pub static MALLOC_CONF: MallocConf =
    MallocConf(c"background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0".as_ptr());

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    telemetry::init(&cli.settings.log)?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let app = Application::build(cli.settings).await?;
            startup::resident::release_start_up_pages();
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
