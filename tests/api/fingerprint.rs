//! The state of a whole database in one comparable value, for "a refused write changes
//! nothing". The tables and columns come from the database's own catalogue, so a table
//! added by a later migration is covered without anyone remembering to list it.

use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};

/// Columns that reading writes: authentication records when a token was last used and
/// when an account last logged in. A refused write may touch them; nothing else.
const BOOKKEEPING: &[(&str, &str)] = &[("api_token", "last_used_at"), ("account", "last_login_at")];

/// Tables of bookkeeping as a whole: the change feed, which tells of what the other
/// tables show (and of logins, which reading may record).
const BOOKKEEPING_TABLES: &[&str] = &["change_event"];

/// Every table's row count and a digest of all its rows' values (in any row order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint(BTreeMap<String, (usize, u64)>);

impl Fingerprint {
    /// The tables it covers.
    pub fn tables(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }
}

/// Fingerprints every table of the database: equal fingerprints mean nothing was written.
pub async fn fingerprint(db: &impl ConnectionTrait) -> Fingerprint {
    let mut tables = BTreeMap::new();
    for table in strings(db, list_tables(db.get_database_backend())).await {
        if BOOKKEEPING_TABLES.contains(&table.as_str()) {
            continue;
        }
        let columns: Vec<String> = strings(db, list_columns(db.get_database_backend(), &table))
            .await
            .into_iter()
            .filter(|c| !BOOKKEEPING.contains(&(table.as_str(), c.as_str())))
            .collect();
        let select = columns
            .iter()
            .map(|c| format!("CAST({} AS TEXT)", quote(c)))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!("SELECT {select} FROM {}", quote(&table));
        let mut rows: Vec<Vec<Option<String>>> = db
            .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
            .await
            .unwrap_or_else(|e| panic!("fingerprint of {table}: {e}"))
            .iter()
            .map(|row| {
                (0..columns.len())
                    .map(|i| {
                        row.try_get_by_index::<Option<String>>(i)
                            .expect("a text value")
                    })
                    .collect()
            })
            .collect();
        rows.sort();
        let mut hasher = DefaultHasher::new();
        rows.hash(&mut hasher);
        tables.insert(table, (rows.len(), hasher.finish()));
    }
    assert!(!tables.is_empty(), "the catalogue lists no table");
    Fingerprint(tables)
}

fn list_tables(backend: DatabaseBackend) -> String {
    match backend {
        DatabaseBackend::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
            .to_owned(),
        _ => "SELECT CAST(table_name AS TEXT) FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' \
             ORDER BY table_name"
            .to_owned(),
    }
}

fn list_columns(backend: DatabaseBackend, table: &str) -> String {
    let literal = table.replace('\'', "''");
    match backend {
        DatabaseBackend::Sqlite => {
            format!("SELECT name FROM pragma_table_info('{literal}') ORDER BY cid")
        }
        _ => format!(
            "SELECT CAST(column_name AS TEXT) FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = '{literal}' \
             ORDER BY ordinal_position"
        ),
    }
}

async fn strings(db: &impl ConnectionTrait, sql: String) -> Vec<String> {
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .expect("catalogue query")
        .iter()
        .map(|row| row.try_get_by_index::<String>(0).expect("a name"))
        .collect()
}

fn quote(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}
