//! Column shapes shared by several tables, written once so both engines get the same types.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

/// A text column compared byte by byte on every engine.
///
/// Sort keys are computed in Rust (Swedish alphabet order); PostgreSQL would otherwise
/// re-order them by the database's locale collation, SQLite already compares bytes.
pub fn sort_key<T: IntoIden>(backend: DbBackend, name: T) -> ColumnDef {
    let mut def = ColumnDef::new(name);
    def.string().not_null();
    if backend == DbBackend::Postgres {
        def.extra("COLLATE \"C\"");
    }
    def
}

/// Record timestamps, always bound from Rust (never `CURRENT_TIMESTAMP`) so that text
/// storage in SQLite and `timestamptz` in PostgreSQL compare the same way.
pub fn timestamp<T: IntoIden>(name: T) -> ColumnDef {
    let mut def = ColumnDef::new(name);
    def.timestamp_with_time_zone().not_null();
    def
}

/// The optimistic-concurrency counter of a mutable record.
pub fn version<T: IntoIden>(name: T) -> ColumnDef {
    let mut def = ColumnDef::new(name);
    def.integer().not_null().default(1);
    def
}
