//! The command line: subcommands plus the settings every subcommand shares.

use crate::config::Settings;
use clap::{Parser, Subcommand};

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
#[derive(Debug, Clone, Copy, Subcommand)]
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
    /// Exit 0 when the service at BIND answers `GET /healthz` (for container health
    /// checks, where no HTTP client is installed).
    Healthcheck,
}
