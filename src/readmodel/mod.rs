//! The register in memory: an immutable snapshot of the public register, swapped whole
//! when the change feed moves, so that reads of organisations, counties and their nested
//! lists run no SQL.
//!
//! Correctness rests on the feed. A request uses the snapshot only when it includes
//! everything this replica's feed has applied (and, on PostgreSQL, only while the feed
//! hears other replicas' commits as they happen); otherwise the same request runs on
//! SQL, so a snapshot is never older than what this replica has told a client. A write
//! answers after its replica's snapshot includes it (read-your-writes, see
//! `feed::scope`), and `Min-Position` lets a client ask any replica for as much.
//!
//! A new snapshot is read in one transaction whenever the feed moves (bursts coalesce
//! into one read), when the day changes (statuses depend on it), and every
//! `READ_MODEL_REFRESH_SECS` for changes made outside the service.

pub mod lists;
pub mod snapshot;

use crate::feed::{Feed, Position};
use crate::services::register::status::today;
use sea_orm::{DatabaseConnection, DbBackend};
pub use snapshot::Snapshot;
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};
use std::sync::{Arc, RwLock};
use std::time::Duration;
use tokio::sync::watch;

/// The pause before reading a snapshot again after a read failed.
const RETRY: Duration = Duration::from_secs(1);

/// This replica's read model; cheap to clone.
#[derive(Clone)]
pub struct ReadModel {
    inner: Arc<Inner>,
}

struct Inner {
    db: DatabaseConnection,
    feed: Feed,
    current: RwLock<Served>,
    /// Numbers snapshot reads in the order they start, so a slow read never replaces a
    /// snapshot read after it.
    tickets: AtomicU64,
    /// The position of the snapshot being served.
    built: watch::Sender<Position>,
    refresh: Duration,
}

#[derive(Default)]
struct Served {
    ticket: u64,
    snapshot: Option<Arc<Snapshot>>,
}

/// The snapshot a request reads, fixed for the whole request so that its answer is
/// consistent; absent when the request reads SQL.
#[derive(Clone)]
pub struct Current(pub Arc<Snapshot>);

impl ReadModel {
    /// Starts keeping a snapshot current with `feed`; until the first is read, requests
    /// read SQL.
    pub fn open(db: DatabaseConnection, feed: Feed, refresh: Duration) -> Self {
        let (built, _) = watch::channel(Position(-1));
        let model = Self {
            inner: Arc::new(Inner {
                db,
                feed,
                current: RwLock::new(Served::default()),
                tickets: AtomicU64::new(0),
                built,
                refresh,
            }),
        };
        tokio::spawn(model.clone().keep_current());
        model
    }

    /// The snapshot to serve a read from now, if one is current: it includes what the
    /// feed has applied and whatever the request itself has committed so far (an earlier
    /// operation of a batch).
    pub fn current(&self) -> Option<Current> {
        let snapshot = self.inner.current.read().ok()?.snapshot.clone()?;
        let feed = &self.inner.feed;
        let own = crate::feed::scope::committed_so_far().unwrap_or_default();
        let fresh = snapshot.position >= feed.applied().max(own)
            && snapshot.today == today()
            && (self.inner.db.get_database_backend() != DbBackend::Postgres || feed.hearing());
        fresh.then_some(Current(snapshot))
    }

    /// Waits until the snapshot includes `position`, at most `limit`.
    pub async fn wait_for(&self, position: Position, limit: Duration) -> bool {
        let mut built = self.inner.built.subscribe();
        matches!(
            tokio::time::timeout(limit, built.wait_for(|p| *p >= position)).await,
            Ok(Ok(_))
        )
    }

    /// Reads a snapshot now and serves it (unless one read later is already served).
    /// For changes the feed does not carry: rows written to the database directly.
    pub async fn refresh(&self) -> crate::error::AppResult<Position> {
        let ticket = self.inner.tickets.fetch_add(1, AtomicOrdering::SeqCst) + 1;
        let mut snapshot = Snapshot::load(&self.inner.db).await?;
        snapshot.serial = ticket;
        let position = snapshot.position;
        if let Ok(mut served) = self.inner.current.write()
            && served.ticket < ticket
        {
            *served = Served {
                ticket,
                snapshot: Some(Arc::new(snapshot)),
            };
            self.inner.built.send_if_modified(|built| {
                let moved = *built < position;
                *built = (*built).max(position);
                moved
            });
        }
        Ok(position)
    }

    async fn keep_current(self) {
        let feed = self.inner.feed.clone();
        let stopping = feed.stopping();
        tokio::pin!(stopping);
        let mut applied = feed.watch_applied();
        loop {
            let wanted = *applied.borrow_and_update();
            match self.refresh().await {
                Ok(position) => {
                    tracing::debug!(%position, "read model current");
                    if position < wanted {
                        // The feed saw more than the snapshot's transaction: read again.
                        continue;
                    }
                }
                Err(e) => {
                    tracing::warn!(error = ?e, "the read model could not read the register; requests read SQL");
                    tokio::select! {
                        _ = tokio::time::sleep(RETRY) => continue,
                        _ = &mut stopping => return,
                    }
                }
            }
            tokio::select! {
                changed = applied.changed() => if changed.is_err() { return },
                _ = tokio::time::sleep(self.until_next_read()) => {}
                _ = &mut stopping => return,
            }
        }
    }

    /// The refresh interval, or less when the day ends sooner.
    fn until_next_read(&self) -> Duration {
        let now = chrono::Utc::now();
        let midnight = (now.date_naive() + chrono::Days::new(1))
            .and_hms_opt(0, 0, 0)
            .map(|t| t.and_utc());
        let to_midnight = midnight
            .and_then(|m| (m - now).to_std().ok())
            .unwrap_or(self.inner.refresh);
        self.inner
            .refresh
            .min(to_midnight + Duration::from_millis(10))
    }
}
