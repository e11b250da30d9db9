//! The command line: subcommands plus the settings every subcommand shares.

use crate::auth::Role;
use crate::config::Settings;
use clap::{Parser, Subcommand, ValueEnum};

/// National register and follow-up of the CEMR equality charter in Sweden.
#[derive(Debug, Parser)]
#[command(name = "cemr-api", version, about, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What to do; `serve` when none is given.
#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Migrate, load the reference data and serve HTTP (the default).
    Serve,
    /// Apply all pending migrations and exit.
    Migrate,
    /// Migrate, then load the reference data (idempotent) and, with `--demo`, the
    /// demonstration register; then exit.
    Seed,
    /// Print the GraphQL schema (SDL) to standard output; needs no database.
    ExportSchema,
    /// Print the REST API's OpenAPI document (JSON) to standard output; needs no
    /// database. `openapi.json` in the repository is this output.
    ExportOpenapi,
    /// Exit 0 when the service at BIND answers `GET /healthz` (for container health
    /// checks, where no HTTP client is installed).
    Healthcheck,
    /// Manage built-in accounts; `user create` bootstraps the first administrator.
    User {
        #[command(subcommand)]
        action: UserCommand,
    },
}

/// Account commands.
#[derive(Debug, Clone, Subcommand)]
pub enum UserCommand {
    /// Create an account. The password is read from the environment variable
    /// CEMR_USER_PASSWORD, or else from the first line of standard input.
    Create {
        /// The account's role.
        #[arg(long, value_enum)]
        role: CliRole,
        /// The login email.
        #[arg(long)]
        email: String,
        /// The member organisation's code (required for members).
        #[arg(long)]
        organisation: Option<String>,
    },
}

/// A role on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum CliRole {
    Admin,
    Member,
    Researcher,
}

impl From<CliRole> for Role {
    fn from(role: CliRole) -> Self {
        match role {
            CliRole::Admin => Role::Admin,
            CliRole::Member => Role::Member,
            CliRole::Researcher => Role::Researcher,
        }
    }
}
