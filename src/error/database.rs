//! Database errors as client answers. A database error is a fault of the service only
//! when nothing better is known: a unique key that a concurrent write took first is a
//! `CONFLICT` (call sites that know the field turn it into a `DUPLICATE` field error), a
//! full disk is `STORAGE_FULL`, a read-only database `DATABASE_READ_ONLY`, and a database
//! that does not answer `DATABASE_UNAVAILABLE`: all of them 503 or 409, never 500.

use super::AppError;
use sea_orm::sqlx;
use sea_orm::{ConnAcquireErr, DbErr, RuntimeErr};

/// What a database error means for the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// A unique index refused the row (SQLSTATE 23505, SQLITE_CONSTRAINT_UNIQUE).
    UniqueViolation,
    /// Two transactions got in each other's way (serialization failure, deadlock), or an
    /// earlier statement already failed the transaction: nothing was written.
    Contention,
    /// No space left for the database (disk full, or SQLite's configured size cap).
    StorageFull,
    /// The database accepts no writes.
    ReadOnly,
    /// The database does not answer, or its storage fails.
    Unavailable,
    /// Anything else: a fault of the service.
    Other,
}

/// Classifies a database error.
pub fn classify(err: &DbErr) -> Fault {
    match err {
        DbErr::ConnectionAcquire(ConnAcquireErr::Timeout | ConnAcquireErr::ConnectionClosed) => {
            Fault::Unavailable
        }
        DbErr::Conn(RuntimeErr::SqlxError(e))
        | DbErr::Exec(RuntimeErr::SqlxError(e))
        | DbErr::Query(RuntimeErr::SqlxError(e)) => classify_sqlx(e),
        _ => Fault::Other,
    }
}

fn classify_sqlx(err: &sqlx::Error) -> Fault {
    match err {
        sqlx::Error::Database(db) => {
            if db.kind() == sqlx::error::ErrorKind::UniqueViolation {
                return Fault::UniqueViolation;
            }
            let code = db.code().unwrap_or_default();
            if db
                .try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
                .is_some()
            {
                postgres_fault(&code)
            } else if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                sqlite_fault(code.parse().unwrap_or_default())
            } else {
                Fault::Other
            }
        }
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => Fault::Unavailable,
        _ => Fault::Other,
    }
}

/// By SQLSTATE: <https://www.postgresql.org/docs/current/errcodes-appendix.html>.
fn postgres_fault(sqlstate: &str) -> Fault {
    match sqlstate {
        "53100" => Fault::StorageFull,
        "25006" => Fault::ReadOnly,
        "40001" | "40P01" | "25P02" | "55P03" => Fault::Contention,
        // Connection exceptions, shutdown and crash, too many connections, statement
        // timeout, out of memory.
        s if s.starts_with("08") => Fault::Unavailable,
        "57P01" | "57P02" | "57P03" | "57014" | "53000" | "53200" | "53300" => Fault::Unavailable,
        _ => Fault::Other,
    }
}

/// By SQLite's result code: <https://www.sqlite.org/rescode.html>. A failed write to the
/// file (no space, over quota, over the file size limit) is SQLITE_FULL or one of the
/// write-side SQLITE_IOERR codes; both mean the storage takes no more.
fn sqlite_fault(extended: i32) -> Fault {
    // IOERR_WRITE, IOERR_FSYNC, IOERR_DIR_FSYNC, IOERR_TRUNCATE, IOERR_SHMSIZE.
    if [778, 1034, 1290, 1546, 4874].contains(&extended) {
        return Fault::StorageFull;
    }
    match extended & 0xff {
        13 => Fault::StorageFull,               // SQLITE_FULL
        8 => Fault::ReadOnly,                   // SQLITE_READONLY
        5 | 6 => Fault::Unavailable,            // SQLITE_BUSY, SQLITE_LOCKED: no lock in time
        7 | 10 | 14 | 15 => Fault::Unavailable, // NOMEM, IOERR, CANTOPEN, PROTOCOL
        _ => Fault::Other,
    }
}

/// Whether the error is a unique index refusing a row.
pub fn is_unique_violation(err: &DbErr) -> bool {
    classify(err) == Fault::UniqueViolation
}

/// The answer for a database error that no call site handled.
pub fn to_app_error(err: DbErr) -> AppError {
    let fault = classify(&err);
    if !matches!(fault, Fault::Other) {
        // Not an internal error, so it is not logged as one: say here what happened.
        tracing::warn!(?fault, error = %err, "database error answered to the client");
    }
    match fault {
        Fault::UniqueViolation => AppError::Contention(
            "the write collides with an existing record with the same key; nothing was written"
                .into(),
        ),
        Fault::Contention => AppError::Contention(
            "a concurrent write got in the way; nothing was written, retry".into(),
        ),
        Fault::StorageFull => AppError::StorageFull(
            "the database cannot write to its storage (no space left); nothing was written. \
             Reads still work; retry the write later"
                .into(),
        ),
        Fault::ReadOnly => AppError::ReadOnly(
            "the database is read-only at the moment; nothing was written".into(),
        ),
        Fault::Unavailable => AppError::Unavailable(
            "the database is not available at the moment; retry shortly".into(),
        ),
        Fault::Other => AppError::Internal(err.into()),
    }
}
