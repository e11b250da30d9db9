//! Fault injection: what races, a full disk, a database that goes away and processes
//! starting together do to the service. Each module names the fault it injects; every
//! test asserts what a client relies on: nothing acknowledged is lost or duplicated, and
//! every refusal is a clear 4xx/503 with a code, never a 500.

mod cluster;
mod database_away;
mod disk_full;
mod duplicates_before_unique_keys;
mod process;
mod races;
mod startup;
