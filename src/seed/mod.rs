//! Loading data into a migrated database: the reference facts every installation has.
//! Loaders are idempotent: running them again changes nothing unless the facts changed.
//! `demo` generates an optional demonstration register, every record marked DEMO.

pub mod demo;
pub mod reference;
mod register;
pub mod studies;

/// Tells the change feed that a loader changed many records at once, so that clients
/// following it reload instead of expecting one event per record.
async fn record_reload(txn: &sea_orm::DatabaseTransaction, action: &str) -> anyhow::Result<()> {
    use crate::feed::{ChangeKind, recording};
    recording::record(
        txn,
        recording::Recorded {
            action,
            record_type: "Register",
            record_id: "register",
            kind: ChangeKind::Reloaded,
            before: None,
            after: None,
        },
    )
    .await?;
    Ok(())
}
