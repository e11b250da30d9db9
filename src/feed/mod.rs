//! The change feed: an ordered, durable sequence of committed changes, the one source of
//! truth for live updates.
//!
//! - `recording` writes a row in the write's own transaction (the audit trail calls it,
//!   so every audited write has its feed rows): unnumbered, or numbered at once for the
//!   many rows of a bulk write;
//! - `sealing` numbers the transaction's rows just before it commits (or gives a bulk
//!   write the feed's order as it inserts them), so positions are unique, gap-free and
//!   in commit order, and wakes the other replicas;
//! - `follower` keeps this replica up to date with the durable table (woken by
//!   PostgreSQL notifications or in process, and polling besides, so a lost wake-up
//!   loses nothing) and hands new events to subscribers;
//! - `scope` gives each request read-your-writes: its `Feed-Position`, and waiting for a
//!   position a client asks for.

pub mod event;
pub mod follower;
pub mod live;
pub mod recording;
pub mod scope;
pub mod sealing;

pub use event::{ChangeKind, Position, Visibility};
pub use follower::Feed;
