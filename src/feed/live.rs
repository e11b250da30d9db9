//! One subscriber's view of the feed: the events after a position, replayed from the
//! durable table, then live from this replica's follower, with no gap and no repeat.
//!
//! Positions are consecutive, so the stream always knows the next one it owes: a live
//! event that is not it (the subscriber fell behind, or joined while the follower was
//! ahead of its replay) sends it back to the table for what it missed, and anything at
//! or before its last position is dropped.
//!
//! What the broadcast already holds for the subscriber is taken before the table is
//! asked: the follower publishes an event before it counts it applied, so a subscriber
//! still working through a burst would otherwise read each event again from the
//! database, and thousands of subscribers would queue for its connections.

use crate::feed::event::{self, Position, position_of};
use crate::feed::follower::{Event, Feed};
use futures_util::Stream;
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast::Receiver;
use tokio::sync::broadcast::error::{RecvError, TryRecvError};

/// Events read from the table per query during a replay.
const REPLAY_BATCH: u64 = 200;
/// The pause before reading the table again after it failed.
const RETRY: Duration = Duration::from_secs(1);

struct Cursor {
    feed: Feed,
    live: Receiver<Event>,
    last: Position,
    backlog: VecDeque<Event>,
    /// A live event showed a gap: the table has what is missing.
    behind: bool,
}

/// Every committed event after `after` (by default, after what this replica has
/// applied now), in position order, until the feed stops.
pub fn events(feed: Feed, after: Option<Position>) -> impl Stream<Item = Event> + Send {
    // Subscribe before reading the start, so nothing falls between the two.
    let live = feed.subscribe();
    let last = after.unwrap_or_else(|| feed.applied());
    let cursor = Cursor {
        feed,
        live,
        last,
        backlog: VecDeque::new(),
        behind: false,
    };
    futures_util::stream::unfold(cursor, |mut cursor| async move {
        let stopping = cursor.feed.stopping();
        tokio::pin!(stopping);
        tokio::select! {
            next = cursor.next() => next.map(|event| (event, cursor)),
            _ = &mut stopping => None,
        }
    })
}

impl Cursor {
    async fn next(&mut self) -> Option<Event> {
        loop {
            if let Some(event) = self.backlog.pop_front() {
                if position_of(&event) > self.last {
                    self.last = position_of(&event);
                    return Some(event);
                }
                continue;
            }
            if !self.behind {
                match self.live.try_recv() {
                    Ok(event) => {
                        if let Some(event) = self.take_live(event) {
                            return Some(event);
                        }
                        continue;
                    }
                    Err(TryRecvError::Lagged(_)) => {
                        self.behind = true;
                        continue;
                    }
                    Err(TryRecvError::Closed) => return None,
                    Err(TryRecvError::Empty) => {}
                }
            }
            if self.behind || self.last < self.feed.applied() {
                match event::after(self.feed.db(), self.last, REPLAY_BATCH).await {
                    Ok(rows) => {
                        self.behind = rows.len() as u64 == REPLAY_BATCH;
                        self.backlog.extend(rows.into_iter().map(Arc::new));
                    }
                    Err(e) => {
                        tracing::warn!(error = ?e, "a subscription could not read the feed; retrying");
                        tokio::time::sleep(RETRY).await;
                    }
                }
                continue;
            }
            match self.live.recv().await {
                Ok(event) => {
                    if let Some(event) = self.take_live(event) {
                        return Some(event);
                    }
                }
                // Dropped for lagging: the table fills it.
                Err(RecvError::Lagged(_)) => self.behind = true,
                Err(RecvError::Closed) => return None,
            }
        }
    }

    /// A live event if it is the next one owed; one already delivered is dropped, and
    /// one ahead of a gap sends the cursor to the table.
    fn take_live(&mut self, event: Event) -> Option<Event> {
        let position = position_of(&event);
        if position.0 == self.last.0 + 1 {
            self.last = position;
            return Some(event);
        }
        if position > self.last {
            self.behind = true;
        }
        None
    }
}
