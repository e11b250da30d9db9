//! Loading data into a migrated database: the reference facts every installation has.
//! Loaders are idempotent: running them again changes nothing unless the facts changed.
//! `demo` generates an optional demonstration register, every record marked DEMO.

pub mod demo;
pub mod reference;
mod register;
pub mod studies;
