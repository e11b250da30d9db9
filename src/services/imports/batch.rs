//! The write step every batched import shares, inside the import's one transaction: the
//! version-checked updates and the inserts of new rows, each in as few multi-row
//! statements as the engine's limit on bound values allows, then the audit entries and
//! change-feed events of every written row. When another writer changed or created one
//! of the rows since the import read them, a step answers `false`: nothing may be
//! committed then, and the import is prepared again.
//!
//! The statements are written out here rather than built as entity models: one flat list
//! of values per row, gathered into one statement per chunk (`bulk::Chunk`: placeholders
//! on SQLite, one JSON parameter on PostgreSQL), the same SQL text for every full chunk,
//! so the driver prepares it once.

use crate::error::AppResult;
use crate::feed::Position;
use crate::services::audit::{self, Pending};
use crate::services::writing::RequestContext;
use crate::services::writing::bulk::Chunk;
use chrono::{DateTime, Utc};
use entity::{action_plan, follow_up_report, programme_participation};
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbErr, QueryResult, Value};
use serde::Serialize;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::hash::Hash;

/// A stored row an import creates or updates, as the batch writer writes it.
pub trait Stored: Serialize {
    const TABLE: &'static str;
    /// The record type in the audit log and the change feed.
    const RECORD_TYPE: &'static str;
    /// The audit actions of a created and of an updated row.
    const CREATED: &'static str;
    const UPDATED: &'static str;
    /// The columns an insert sets (all but the id), in `insert_values`' order.
    const COLUMNS: &'static [&'static str];
    /// The import key: the unique index an insert yields to, and what tells the inserted
    /// rows apart in its answer.
    const KEY: &'static [&'static str];
    /// The columns an update may change (besides the version), in `change_values`' order.
    const CHANGES: &'static [&'static str];
    type Key: Eq + Hash;

    fn id(&self) -> i32;
    fn set_id(&mut self, id: i32);
    fn version(&self) -> i32;
    fn key(&self) -> Self::Key;
    /// The key of a row an insert returned (its `KEY` columns follow the id).
    fn returned_key(row: &QueryResult) -> Result<Self::Key, DbErr>;
    fn insert_values(&self, values: &mut Vec<Value>);
    fn change_values(&self, values: &mut Vec<Value>);
}

/// Inserts new rows, skipping any whose key is taken, and gives each its id; `false` when
/// a key was taken (another writer created the row since it was read).
pub async fn insert_new<S: Stored>(txn: &impl ConnectionTrait, rows: &mut [S]) -> AppResult<bool> {
    let backend = txn.get_database_backend();
    let width = S::COLUMNS.len();
    let key = S::KEY.join(", ");
    let head = format!("INSERT INTO {} ({}) ", S::TABLE, S::COLUMNS.join(", "));
    let tail = format!(" ON CONFLICT ({key}) DO NOTHING RETURNING id, {key}");
    let mut values = Vec::with_capacity(width);
    let mut start = 0;
    while start < rows.len() {
        let mut chunk = Chunk::new(backend, width);
        let mut end = start;
        while end < rows.len() && !chunk.is_full() {
            rows[end].insert_values(&mut values);
            chunk.push(&mut values)?;
            end += 1;
        }
        let returned = txn.query_all_raw(chunk.statement(&head, &tail)?).await?;
        let sent = &mut rows[start..end];
        start = end;
        if returned.len() != sent.len() {
            return Ok(false);
        }
        let mut ids = HashMap::with_capacity(returned.len());
        for row in &returned {
            ids.insert(S::returned_key(row)?, row.try_get_by_index::<i32>(0)?);
        }
        for row in sent.iter_mut() {
            match ids.remove(&row.key()) {
                Some(id) => row.set_id(id),
                None => return Ok(false),
            }
        }
    }
    Ok(true)
}

/// Writes each `(stored, updated)` pair's changes where the stored row still has the
/// version it was read with, one statement per chunk
/// (`UPDATE … FROM (rows) AS v WHERE id = … AND version = …`); `false` when a row's
/// version moved (another writer changed it since it was read).
pub async fn update_versioned<S: Stored>(
    txn: &impl ConnectionTrait,
    pairs: &[(S, S)],
) -> AppResult<bool> {
    let backend = txn.get_database_backend();
    // The id, the version read, the new version, then the changed columns.
    let width = 3 + S::CHANGES.len();
    let mut set = String::from("version = v.column3");
    for (i, column) in S::CHANGES.iter().enumerate() {
        let _ = write!(set, ", {column} = v.column{}", i + 4);
    }
    let head = format!("UPDATE {table} SET {set} FROM (", table = S::TABLE);
    let tail = format!(
        ") AS v WHERE {table}.id = v.column1 AND {table}.version = v.column2",
        table = S::TABLE
    );
    let mut values = Vec::with_capacity(width);
    let mut pairs = pairs.iter().peekable();
    while pairs.peek().is_some() {
        let mut chunk = Chunk::new(backend, width);
        while !chunk.is_full()
            && let Some((stored, updated)) = pairs.next()
        {
            values.push(stored.id().into());
            values.push(stored.version().into());
            values.push(updated.version().into());
            updated.change_values(&mut values);
            chunk.push(&mut values)?;
        }
        let sent = chunk.len();
        let result = txn.execute_raw(chunk.statement(&head, &tail)?).await?;
        if result.rows_affected() != sent as u64 {
            return Ok(false);
        }
    }
    Ok(true)
}

/// A kind's rows ready to write, with their audit entries (and change-feed events)
/// already built: that work is done before the write transaction, so the database's
/// writers wait only for the statements. A new row's entry carries the id 0 until the
/// insert gives it one.
pub struct Staged<S> {
    updates: Vec<(S, S)>,
    creates: Vec<S>,
    /// The updates' entries, then the creates'.
    audit: Vec<Pending>,
}

impl<S: Stored> Staged<S> {
    /// Rows audited as they are stored.
    pub fn new(updates: Vec<(S, S)>, creates: Vec<S>) -> AppResult<Self> {
        let mut audit = Vec::with_capacity(updates.len() + creates.len());
        for (stored, updated) in &updates {
            audit.push(Pending::new(
                S::UPDATED,
                S::RECORD_TYPE,
                stored.id(),
                Some(stored),
                Some(updated),
            )?);
        }
        for created in &creates {
            audit.push(Pending::new(
                S::CREATED,
                S::RECORD_TYPE,
                created.id(),
                None,
                Some(created),
            )?);
        }
        Ok(Self {
            updates,
            creates,
            audit,
        })
    }

    /// Rows with entries their kind built (the updates', then the creates', in order).
    pub fn with_audit(updates: Vec<(S, S)>, creates: Vec<S>, audit: Vec<Pending>) -> Self {
        Self {
            updates,
            creates,
            audit,
        }
    }

    pub fn updates(&self) -> &[(S, S)] {
        &self.updates
    }

    pub fn creates(&self) -> &[S] {
        &self.creates
    }

    /// Runs the updates and inserts and gives the new rows' entries their ids; `false`
    /// when another writer moved a row since it was read.
    pub async fn write_rows(&mut self, txn: &impl ConnectionTrait) -> AppResult<bool> {
        if !update_versioned(txn, &self.updates).await?
            || !insert_new(txn, &mut self.creates).await?
        {
            return Ok(false);
        }
        for (entry, created) in self.audit[self.updates.len()..]
            .iter_mut()
            .zip(&self.creates)
        {
            entry.set_id(created.id())?;
        }
        Ok(true)
    }

    /// Appends the audit entries and feed events (after `write_rows`, as the write's
    /// last statements); the last feed position given.
    pub async fn record(
        self,
        txn: &DatabaseTransaction,
        request: &RequestContext,
    ) -> AppResult<Option<Position>> {
        let Some(actor) = request.caller.principal() else {
            return Ok(None);
        };
        let Self { audit, .. } = self;
        audit::record_all(txn, request, actor, audit).await
    }

    /// The whole write step of a kind without rows of its own beside it.
    pub async fn write(
        mut self,
        txn: &DatabaseTransaction,
        request: &RequestContext,
    ) -> AppResult<Outcome> {
        if !self.write_rows(txn).await? {
            return Ok(Outcome::Moved);
        }
        Ok(Outcome::Written(self.record(txn, request).await?))
    }
}

/// How a kind's write step ended.
pub enum Outcome {
    /// Another writer changed or created one of the rows since they were read: nothing
    /// may be committed, and the import is prepared again.
    Moved,
    /// Written, with the last change-feed position the rows were given.
    Written(Option<Position>),
}

/// The columns an import writes of a new row that every kind has.
fn origin_and_times(
    values: &mut Vec<Value>,
    data_origin: &str,
    version: i32,
    at: [DateTime<Utc>; 2],
) {
    values.push(data_origin.into());
    values.push(version.into());
    values.push(at[0].into());
    values.push(at[1].into());
}

/// The `Stored` accessors every entity model answers alike, from its `id` and `version`.
macro_rules! identity_and_version {
    () => {
        fn id(&self) -> i32 {
            self.id
        }
        fn set_id(&mut self, id: i32) {
            self.id = id;
        }
        fn version(&self) -> i32 {
            self.version
        }
    };
}

impl Stored for action_plan::Model {
    const TABLE: &'static str = "action_plan";
    const RECORD_TYPE: &'static str = "ActionPlan";
    const CREATED: &'static str = "action_plan.create";
    const UPDATED: &'static str = "action_plan.update";
    const COLUMNS: &'static [&'static str] = &[
        "organisation_id",
        "title",
        "title_key",
        "adopted_on",
        "decision_body",
        "period_start_year",
        "period_end_year",
        "priorities",
        "resources",
        "document_url",
        "data_origin",
        "version",
        "created_at",
        "updated_at",
    ];
    const KEY: &'static [&'static str] = &["organisation_id", "title_key"];
    const CHANGES: &'static [&'static str] = &[
        "title",
        "title_key",
        "adopted_on",
        "decision_body",
        "period_start_year",
        "period_end_year",
        "priorities",
        "resources",
        "document_url",
        "data_origin",
        "updated_at",
    ];
    type Key = (i32, String);

    identity_and_version!();
    fn key(&self) -> Self::Key {
        (self.organisation_id, self.title_key.clone())
    }
    fn returned_key(row: &QueryResult) -> Result<Self::Key, DbErr> {
        Ok((row.try_get_by_index(1)?, row.try_get_by_index(2)?))
    }
    fn insert_values(&self, values: &mut Vec<Value>) {
        values.push(self.organisation_id.into());
        values.push(self.title.as_str().into());
        values.push(self.title_key.as_str().into());
        values.push(self.adopted_on.as_deref().into());
        values.push(self.decision_body.as_str().into());
        values.push(self.period_start_year.into());
        values.push(self.period_end_year.into());
        values.push(self.priorities.as_str().into());
        values.push(self.resources.as_str().into());
        values.push(self.document_url.as_deref().into());
        origin_and_times(
            values,
            &self.data_origin,
            self.version,
            [self.created_at, self.updated_at],
        );
    }
    fn change_values(&self, values: &mut Vec<Value>) {
        values.push(self.title.as_str().into());
        values.push(self.title_key.as_str().into());
        values.push(self.adopted_on.as_deref().into());
        values.push(self.decision_body.as_str().into());
        values.push(self.period_start_year.into());
        values.push(self.period_end_year.into());
        values.push(self.priorities.as_str().into());
        values.push(self.resources.as_str().into());
        values.push(self.document_url.as_deref().into());
        values.push(self.data_origin.as_str().into());
        values.push(self.updated_at.into());
    }
}

impl Stored for follow_up_report::Model {
    const TABLE: &'static str = "follow_up_report";
    const RECORD_TYPE: &'static str = "FollowUpReport";
    const CREATED: &'static str = "follow_up_report.add";
    const UPDATED: &'static str = "follow_up_report.update";
    const COLUMNS: &'static [&'static str] = &[
        "action_plan_id",
        "reported_on",
        "summary",
        "data_origin",
        "version",
        "created_at",
        "updated_at",
    ];
    const KEY: &'static [&'static str] = &["action_plan_id", "reported_on"];
    const CHANGES: &'static [&'static str] = &["summary", "data_origin", "updated_at"];
    type Key = (i32, String);

    identity_and_version!();
    fn key(&self) -> Self::Key {
        (self.action_plan_id, self.reported_on.clone())
    }
    fn returned_key(row: &QueryResult) -> Result<Self::Key, DbErr> {
        Ok((row.try_get_by_index(1)?, row.try_get_by_index(2)?))
    }
    fn insert_values(&self, values: &mut Vec<Value>) {
        values.push(self.action_plan_id.into());
        values.push(self.reported_on.as_str().into());
        values.push(self.summary.as_str().into());
        origin_and_times(
            values,
            &self.data_origin,
            self.version,
            [self.created_at, self.updated_at],
        );
    }
    fn change_values(&self, values: &mut Vec<Value>) {
        values.push(self.summary.as_str().into());
        values.push(self.data_origin.as_str().into());
        values.push(self.updated_at.into());
    }
}

impl Stored for programme_participation::Model {
    const TABLE: &'static str = "programme_participation";
    const RECORD_TYPE: &'static str = "ProgrammeParticipation";
    const CREATED: &'static str = "programme_participation.add";
    const UPDATED: &'static str = "programme_participation.end";
    const COLUMNS: &'static [&'static str] = &[
        "organisation_id",
        "programme_id",
        "from_year",
        "to_year",
        "role",
        "data_origin",
        "version",
        "created_at",
        "updated_at",
    ];
    const KEY: &'static [&'static str] = &["organisation_id", "programme_id", "from_year"];
    const CHANGES: &'static [&'static str] = &["to_year", "updated_at"];
    type Key = (i32, i32, i32);

    identity_and_version!();
    fn key(&self) -> Self::Key {
        (self.organisation_id, self.programme_id, self.from_year)
    }
    fn returned_key(row: &QueryResult) -> Result<Self::Key, DbErr> {
        Ok((
            row.try_get_by_index(1)?,
            row.try_get_by_index(2)?,
            row.try_get_by_index(3)?,
        ))
    }
    fn insert_values(&self, values: &mut Vec<Value>) {
        values.push(self.organisation_id.into());
        values.push(self.programme_id.into());
        values.push(self.from_year.into());
        values.push(self.to_year.into());
        values.push(self.role.as_str().into());
        origin_and_times(
            values,
            &self.data_origin,
            self.version,
            [self.created_at, self.updated_at],
        );
    }
    fn change_values(&self, values: &mut Vec<Value>) {
        values.push(self.to_year.into());
        values.push(self.updated_at.into());
    }
}
