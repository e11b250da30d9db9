//! What one change is, who may see it, and the durable table's reads.

use crate::auth::{Caller, Role};
use crate::domain::stored_enum;
use crate::error::AppResult;
use entity::change_event;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

/// A place in the feed: every committed change has one, and they grow by one per change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Position(pub i64);

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl Position {
    /// Reads a position a client sent (a header, an argument): a whole number, not
    /// negative.
    pub fn parse(text: &str) -> Option<Self> {
        text.trim()
            .parse::<i64>()
            .ok()
            .filter(|v| *v >= 0)
            .map(Self)
    }
}

stored_enum! {
    /// What happened to the record.
    pub enum ChangeKind {
        /// The record was created.
        Created => "CREATED",
        /// The record's fields changed.
        Updated => "UPDATED",
        /// The record was deleted.
        Deleted => "DELETED",
        /// Something happened to the record that did not change it (a login).
        Noted => "NOTED",
        /// Reference data was reloaded: many records may have changed at once.
        Reloaded => "RELOADED",
    }
}

stored_enum! {
    /// Who may be told of a change: the same split as reads.
    pub enum Visibility {
        /// Register records, readable by anyone.
        Public => "PUBLIC",
        /// Accounts, tokens and study data.
        Restricted => "RESTRICTED",
    }
}

/// Record types of the public register; every other type is restricted, so a record
/// type added later stays private until someone decides otherwise.
const PUBLIC_RECORD_TYPES: &[&str] = &[
    "Organisation",
    "Signature",
    "ActionPlan",
    "FollowUpReport",
    "ProgrammeParticipation",
    "CountyBoardSupport",
    "CountyBoardStrategy",
    "SupportProgramme",
    "Register",
];

/// Study records researchers may read besides administrators.
const STUDY_RECORD_TYPES: &[&str] = &[
    "Study",
    "StudyCodebook",
    "StudyRelease",
    "StudyParticipant",
    "StudyFinding",
    "RespondentGroup",
    "Interview",
    "Quote",
    "Seminar",
];

impl Visibility {
    /// The visibility of changes to records of this type.
    pub fn of(record_type: &str) -> Self {
        if PUBLIC_RECORD_TYPES.contains(&record_type) {
            Self::Public
        } else {
            Self::Restricted
        }
    }
}

/// Whether the caller may be told of this change: anyone of public ones; restricted study
/// changes to researchers and administrators; other restricted ones to administrators.
pub fn readable_by(event: &change_event::Model, caller: &Caller) -> bool {
    if event.visibility == Visibility::Public.as_str() {
        return true;
    }
    match caller.principal().map(|p| p.role) {
        Some(Role::Admin) => true,
        Some(Role::Researcher) => STUDY_RECORD_TYPES.contains(&event.record_type.as_str()),
        _ => false,
    }
}

/// The position of a committed event (sealed rows always have one).
pub fn position_of(event: &change_event::Model) -> Position {
    Position(event.position.unwrap_or_default())
}

/// Committed events after `position`, in order, at most `limit`.
pub async fn after(
    db: &impl ConnectionTrait,
    position: Position,
    limit: u64,
) -> AppResult<Vec<change_event::Model>> {
    Ok(change_event::Entity::find()
        .filter(change_event::Column::Position.gt(position.0))
        .order_by_asc(change_event::Column::Position)
        .limit(limit)
        .all(db)
        .await?)
}

/// The last committed position (0 before the first change).
pub async fn last_position(db: &impl ConnectionTrait) -> AppResult<Position> {
    let last: Option<Option<i64>> = change_event::Entity::find()
        .select_only()
        .column_as(change_event::Column::Position.max(), "last")
        .into_tuple()
        .one(db)
        .await?;
    Ok(Position(last.flatten().unwrap_or(0)))
}
