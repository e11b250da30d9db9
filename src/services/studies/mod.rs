//! Follow-up studies.
//!
//! The split that matters: what is **public** and what is **restricted**.
//! - Public: studies that have a published release, their texts (questions, quotes,
//!   seminars, findings), codebooks, and the figures of their releases, frozen at
//!   publication and protected by `disclosure` (`reads`, `releases`, `visibility`).
//! - Restricted (researchers and administrators, asked of `auth::policy` before any
//!   lookup): draft studies, participants, interview records and their answers
//!   (`restricted`), the preview of the next release, and every write (`recording`,
//!   `releases`).
//!
//! Anything that publishes study data elsewhere (a change feed, an export) takes it from
//! the public side only.

pub mod disclosure;
pub mod reads;
pub mod recording;
pub mod releases;
pub mod restricted;
pub mod visibility;
