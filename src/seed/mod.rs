//! Loading data into a migrated database: the reference facts every installation has.
//! Loaders are idempotent: running them again changes nothing unless the facts changed.

pub mod reference;
