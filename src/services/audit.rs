//! The audit trail: every write records who (subject, role, organisation), when, which
//! record, and its values before and after, inside the write's own transaction, so a
//! failed write leaves no entry and an acknowledged one always has its entry.

use crate::auth::{Credential, Principal};
use crate::error::{AppError, AppResult};
use crate::feed::{self, ChangeKind, recording::Recorded};
use crate::services::pagination::{
    KeyValue, Ordering, Page, PageArgs, PagePlan, SortColumn, encode_cursor,
};
use crate::services::writing::{self, RequestContext};
use chrono::{DateTime, Utc};
use entity::audit_entry;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction,
    EntityTrait, QueryFilter,
};
use serde::Serialize;

/// What was written.
pub struct Change<'a, T: Serialize> {
    /// e.g. `signature.register`.
    pub action: &'a str,
    /// e.g. `Signature`.
    pub record_type: &'a str,
    pub record_id: String,
    pub before: Option<&'a T>,
    pub after: Option<&'a T>,
    /// What the change feed tells of it.
    pub kind: ChangeKind,
}

impl<'a, T: Serialize> Change<'a, T> {
    /// A record that did not exist before.
    pub fn created(
        action: &'a str,
        record_type: &'a str,
        record_id: impl ToString,
        after: &'a T,
    ) -> Self {
        Self {
            action,
            record_type,
            record_id: record_id.to_string(),
            before: None,
            after: Some(after),
            kind: ChangeKind::Created,
        }
    }

    /// A record changed from `before` to `after`.
    pub fn updated(
        action: &'a str,
        record_type: &'a str,
        record_id: impl ToString,
        before: &'a T,
        after: &'a T,
    ) -> Self {
        Self {
            action,
            record_type,
            record_id: record_id.to_string(),
            before: Some(before),
            after: Some(after),
            kind: ChangeKind::Updated,
        }
    }

    /// Something happened to a record without changing it (a login); `details` go to
    /// the audit log only.
    pub fn noted(
        action: &'a str,
        record_type: &'a str,
        record_id: impl ToString,
        details: &'a T,
    ) -> Self {
        Self {
            action,
            record_type,
            record_id: record_id.to_string(),
            before: None,
            after: Some(details),
            kind: ChangeKind::Noted,
        }
    }
}

fn credential_name(credential: &Credential) -> &'static str {
    match credential {
        Credential::Jwt { .. } => "JWT",
        Credential::ApiToken { .. } => "API_TOKEN",
        Credential::Password => "PASSWORD",
        Credential::CommandLine => "COMMAND_LINE",
    }
}

fn to_json<T: Serialize>(value: Option<&T>) -> AppResult<Option<String>> {
    value
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| AppError::Internal(e.into()))
}

fn to_value<T: Serialize>(value: Option<&T>) -> AppResult<Option<serde_json::Value>> {
    value
        .map(serde_json::to_value)
        .transpose()
        .map_err(|e| AppError::Internal(e.into()))
}

/// Appends an entry in the write's transaction, and its event to the change feed.
pub async fn record<T: Serialize>(
    txn: &DatabaseTransaction,
    request: &RequestContext,
    actor: &Principal,
    change: Change<'_, T>,
) -> AppResult<()> {
    let before = to_value(change.before)?;
    let after = to_value(change.after)?;
    feed::recording::record(
        txn,
        Recorded {
            action: change.action,
            record_type: change.record_type,
            record_id: &change.record_id,
            kind: change.kind,
            before: before.as_ref(),
            after: after.as_ref(),
        },
    )
    .await?;
    audit_entry::ActiveModel {
        at: Set(Utc::now()),
        actor_sub: Set(actor.sub.clone()),
        actor_role: Set(actor.role.as_str().to_owned()),
        actor_organisation_code: Set(actor.organisation.as_ref().map(|m| m.code.clone())),
        credential: Set(credential_name(&actor.credential).to_owned()),
        action: Set(change.action.to_owned()),
        record_type: Set(change.record_type.to_owned()),
        record_id: Set(change.record_id),
        before: Set(to_json(change.before)?),
        after: Set(to_json(change.after)?),
        request_id: Set(request.request_id.clone()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// An entry to append with others in one statement (`record_all`): bulk writes such as
/// imports audit every row without a round trip each.
pub struct Pending {
    action: &'static str,
    record_type: &'static str,
    record_id: String,
    before: Option<String>,
    after: Option<String>,
    event: feed::recording::Described,
}

impl Pending {
    pub fn new<T: Serialize>(
        action: &'static str,
        record_type: &'static str,
        record_id: impl ToString,
        before: Option<&T>,
        after: Option<&T>,
    ) -> AppResult<Self> {
        let record_id = record_id.to_string();
        let kind = match (before.is_some(), after.is_some()) {
            (false, true) => ChangeKind::Created,
            (true, true) => ChangeKind::Updated,
            (true, false) => ChangeKind::Deleted,
            (false, false) => ChangeKind::Noted,
        };
        let event = feed::recording::Described::new(Recorded {
            action,
            record_type,
            record_id: &record_id,
            kind,
            before: to_value(before)?.as_ref(),
            after: to_value(after)?.as_ref(),
        });
        Ok(Self {
            action,
            record_type,
            record_id,
            before: to_json(before)?,
            after: to_json(after)?,
            event,
        })
    }
}

impl Pending {
    /// Gives an entry prepared before its record was inserted (serialised with the id 0,
    /// so that it is built outside the write transaction) the id the insert gave.
    pub fn set_id(&mut self, id: i32) -> AppResult<()> {
        const UNSET: &str = "{\"id\":0,";
        let after = self
            .after
            .as_mut()
            .filter(|after| after.starts_with(UNSET))
            .ok_or_else(|| {
                AppError::Internal(anyhow::anyhow!(
                    "an audit entry of {} prepared without the id 0",
                    self.record_type
                ))
            })?;
        after.replace_range(..UNSET.len(), &format!("{{\"id\":{id},"));
        self.record_id = id.to_string();
        self.event.set_record_id(&self.record_id);
        Ok(())
    }
}

/// Appends many entries of one actor in the write's transaction, in a few multi-row
/// statements, and their change-feed events numbered as they are inserted (last, since
/// on PostgreSQL that holds the feed's order until the commit); returns the last
/// position given.
pub async fn record_all(
    txn: &DatabaseTransaction,
    request: &RequestContext,
    actor: &Principal,
    entries: Vec<Pending>,
) -> AppResult<Option<feed::Position>> {
    let at = Utc::now();
    let organisation = actor.organisation.as_ref().map(|m| m.code.as_str());
    let credential = credential_name(&actor.credential);
    let mut events = Vec::with_capacity(entries.len());
    let entries: Vec<_> = entries
        .into_iter()
        .map(|e| {
            events.push(e.event);
            (e.action, e.record_type, e.record_id, e.before, e.after)
        })
        .collect();
    writing::bulk::insert_rows(
        txn,
        "audit_entry",
        &[
            "at",
            "actor_sub",
            "actor_role",
            "actor_organisation_code",
            "credential",
            "action",
            "record_type",
            "record_id",
            "before",
            "after",
            "request_id",
        ],
        entries,
        |(action, record_type, record_id, before, after), values| {
            values.extend([
                at.into(),
                actor.sub.as_str().into(),
                actor.role.as_str().into(),
                organisation.into(),
                credential.into(),
                action.into(),
                record_type.into(),
                record_id.into(),
                before.into(),
                after.into(),
                request.request_id.as_deref().into(),
            ]);
        },
    )
    .await?;
    feed::recording::record_all_numbered(txn, events).await
}

/// Appends the entry and commits: for writes that own their transaction.
pub async fn commit<T: Serialize>(
    txn: DatabaseTransaction,
    request: &RequestContext,
    actor: &Principal,
    change: Change<'_, T>,
) -> AppResult<()> {
    record(&txn, request, actor, change).await?;
    writing::commit(txn).await
}

/// Which audit entries to list.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub record_type: Option<String>,
    pub record_id: Option<String>,
    pub actor_sub: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

fn filtered(filter: &AuditFilter) -> sea_orm::Select<audit_entry::Entity> {
    let mut select = audit_entry::Entity::find();
    if let Some(t) = &filter.record_type {
        select = select.filter(audit_entry::Column::RecordType.eq(t.clone()));
    }
    if let Some(id) = &filter.record_id {
        select = select.filter(audit_entry::Column::RecordId.eq(id.clone()));
    }
    if let Some(sub) = &filter.actor_sub {
        select = select.filter(audit_entry::Column::ActorSub.eq(sub.clone()));
    }
    if let Some(from) = filter.from {
        select = select.filter(audit_entry::Column::At.gte(from));
    }
    if let Some(to) = filter.to {
        select = select.filter(audit_entry::Column::At.lte(to));
    }
    select
}

/// A page of entries, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &AuditFilter,
    args: &PageArgs,
) -> AppResult<Page<(String, audit_entry::Model)>> {
    let ordering = Ordering {
        name: "audit:newest".to_owned(),
        columns: vec![SortColumn::with_direction(
            Expr::col(audit_entry::Column::Id),
            true,
        )],
    };
    let plan = PagePlan::new(args, &ordering)?;
    let rows = plan.apply(filtered(filter), &ordering).all(db).await?;
    let rows = rows
        .into_iter()
        .map(|row| {
            (
                encode_cursor(&ordering.name, vec![KeyValue::Int(row.id)]),
                row,
            )
        })
        .collect();
    Ok(plan.finish(rows))
}

pub async fn count(db: &impl ConnectionTrait, filter: &AuditFilter) -> AppResult<u64> {
    use sea_orm::PaginatorTrait;
    Ok(filtered(filter).count(db).await?)
}
