//! This replica's view of the feed: a background task that follows the durable table
//! and hands each new committed event, in order, to whoever subscribed.
//!
//! It is woken by PostgreSQL notifications (a listener on a connection of its own), or in
//! process after a local commit, and it also polls: a notification only wakes it, the
//! table is the truth, so a missed or late wake-up delays an event and never loses it.

use crate::feed::event::{self, Position};
use crate::feed::sealing::CHANNEL;
use entity::change_event;
use sea_orm::{DatabaseConnection, DbBackend};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering as AtomicOrdering};
use std::time::Duration;
use tokio::sync::{Notify, broadcast, watch};

/// Events read from the table per query while catching up.
const BATCH: u64 = 500;
/// Events kept for subscribers that fall behind; one that falls further re-reads the
/// table from its last position.
const BUFFER: usize = 1024;
/// The pause before connecting the listener again after it failed.
const RECONNECT: Duration = Duration::from_secs(1);

/// A committed change as subscribers receive it.
pub type Event = Arc<change_event::Model>;

/// The feed of one replica; cheap to clone.
#[derive(Clone)]
pub struct Feed {
    inner: Arc<Inner>,
}

struct Inner {
    db: DatabaseConnection,
    /// The follower's own reads, on a connection of its own (`db::connect_background`).
    poller: DatabaseConnection,
    applied: watch::Sender<Position>,
    events: broadcast::Sender<Event>,
    wake: Notify,
    stop: watch::Sender<bool>,
    /// On PostgreSQL: the listener is connected, so other replicas' commits wake this
    /// one as they happen (otherwise only the poll finds them).
    hearing: AtomicBool,
}

impl Feed {
    /// Starts following the feed from its current end: the background task reads the
    /// last committed position, then follows. `database_url` gives PostgreSQL's
    /// listener its own connection; `poll` bounds how late an event can be. `db` serves
    /// subscribers' replays, `poller` the follower's own reads.
    pub fn open(
        db: DatabaseConnection,
        poller: DatabaseConnection,
        database_url: &str,
        poll: Duration,
    ) -> Self {
        let (applied, _) = watch::channel(Position(0));
        let (events, _) = broadcast::channel(BUFFER);
        let (stop, _) = watch::channel(false);
        let feed = Self {
            inner: Arc::new(Inner {
                db,
                poller,
                applied,
                events,
                wake: Notify::new(),
                stop,
                hearing: AtomicBool::new(false),
            }),
        };
        tokio::spawn(feed.clone().follow(poll.max(Duration::from_millis(10))));
        if feed.inner.db.get_database_backend() == DbBackend::Postgres {
            tokio::spawn(feed.clone().listen(database_url.to_owned()));
        }
        feed
    }

    /// The database the feed reads.
    pub fn db(&self) -> &DatabaseConnection {
        &self.inner.db
    }

    /// New events from now on, in position order.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.inner.events.subscribe()
    }

    /// The last position this replica has handed to subscribers.
    pub fn applied(&self) -> Position {
        *self.inner.applied.borrow()
    }

    /// Follows the last applied position as it moves.
    pub fn watch_applied(&self) -> watch::Receiver<Position> {
        self.inner.applied.subscribe()
    }

    /// Whether this replica hears other replicas' commits at once: always in one SQLite
    /// process, on PostgreSQL while its listener is connected.
    pub fn hearing(&self) -> bool {
        self.inner.db.get_database_backend() != DbBackend::Postgres
            || self.inner.hearing.load(AtomicOrdering::Acquire)
    }

    /// Asks the follower to read the table now (after a local commit).
    pub fn wake(&self) {
        self.inner.wake.notify_one();
    }

    /// Waits until this replica has applied `position`, at most `limit`; false when it
    /// has not by then (or the feed stopped).
    pub async fn wait_for(&self, position: Position, limit: Duration) -> bool {
        let mut applied = self.inner.applied.subscribe();
        self.wake();
        matches!(
            tokio::time::timeout(limit, applied.wait_for(|p| *p >= position)).await,
            Ok(Ok(_))
        )
    }

    /// Stops the background tasks and tells long-lived listeners (sockets) to close.
    pub fn stop(&self) {
        self.inner.stop.send_replace(true);
    }

    /// Resolves when the feed is stopping.
    pub fn stopping(&self) -> impl Future<Output = ()> + Send + 'static {
        let mut stop = self.inner.stop.subscribe();
        async move {
            let _ = stop.wait_for(|stopped| *stopped).await;
        }
    }

    async fn follow(self, poll: Duration) {
        let stopping = self.stopping();
        tokio::pin!(stopping);
        // Start at the end: history is for subscribers that ask for it (`after:`).
        loop {
            match event::last_position(&self.inner.poller).await {
                Ok(last) => {
                    self.inner.applied.send_replace(last);
                    break;
                }
                Err(e) => tracing::warn!(error = ?e, "the feed cannot read its last position"),
            }
            tokio::select! {
                _ = tokio::time::sleep(poll) => {}
                _ = &mut stopping => return,
            }
        }
        loop {
            tokio::select! {
                _ = self.inner.wake.notified() => {}
                _ = tokio::time::sleep(poll) => {}
                _ = &mut stopping => break,
            }
            if let Err(e) = self.catch_up().await {
                tracing::warn!(error = ?e, "the feed could not read new changes; retrying");
            }
        }
        tracing::debug!("feed follower stopped");
    }

    async fn catch_up(&self) -> crate::error::AppResult<()> {
        loop {
            let from = self.applied();
            let events = event::after(&self.inner.poller, from, BATCH).await?;
            let Some(last) = events.last().map(event::position_of) else {
                return Ok(());
            };
            let full = events.len() as u64 == BATCH;
            for event in events {
                // No subscriber is not an error: the event is in the table.
                let _ = self.inner.events.send(Arc::new(event));
            }
            self.inner.applied.send_replace(last);
            if !full {
                return Ok(());
            }
        }
    }

    async fn listen(self, database_url: String) {
        use sea_orm::sqlx::postgres::PgListener;
        let stopping = self.stopping();
        tokio::pin!(stopping);
        loop {
            match PgListener::connect(&database_url).await {
                Ok(mut listener) => match listener.listen(CHANNEL).await {
                    Ok(()) => {
                        self.inner.hearing.store(true, AtomicOrdering::Release);
                        // Whatever committed while it was not listening.
                        self.wake();
                        loop {
                            tokio::select! {
                                // `try_recv`, not `recv`: `recv` reconnects silently and
                                // drops what was notified meanwhile, so this replica would
                                // count itself as hearing while it missed commits.
                                received = listener.try_recv() => match received {
                                    Ok(Some(_)) => self.wake(),
                                    Ok(None) => {
                                        self.inner.hearing.store(false, AtomicOrdering::Release);
                                        tracing::warn!("feed listener lost its connection");
                                        break;
                                    }
                                    Err(e) => {
                                        self.inner.hearing.store(false, AtomicOrdering::Release);
                                        tracing::warn!(error = %e, "feed listener lost its connection");
                                        break;
                                    }
                                },
                                _ = &mut stopping => return,
                            }
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "feed listener could not LISTEN"),
                },
                Err(e) => tracing::warn!(error = %e, "feed listener could not connect"),
            }
            tokio::select! {
                _ = tokio::time::sleep(RECONNECT) => {}
                _ = &mut stopping => return,
            }
        }
    }
}
