//! Writing a change into the feed, inside the change's own transaction: unnumbered for
//! an ordinary write (`sealing` numbers it at commit), numbered as it is inserted for a
//! bulk write. A rollback takes it away with the change either way.

use crate::error::AppResult;
use crate::feed::{ChangeKind, Position, Visibility, sealing};
use chrono::Utc;
use entity::organisation;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use serde_json::Value;
use std::collections::HashMap;

/// One change as the audit trail saw it.
pub struct Recorded<'a> {
    pub action: &'a str,
    pub record_type: &'a str,
    pub record_id: &'a str,
    pub kind: ChangeKind,
    pub before: Option<&'a Value>,
    pub after: Option<&'a Value>,
}

/// The record's organisation as a change names it.
enum Owner {
    None,
    Code(String),
    Id(i32),
}

/// A change ready for the feed but for its organisation's code, which `record_all`
/// looks up for many changes at once.
pub struct Described {
    action: String,
    record_type: String,
    record_id: String,
    kind: ChangeKind,
    owner: Owner,
    /// The changed fields' API names as a JSON array, as the feed stores them.
    fields: String,
}

impl Described {
    /// Takes what the feed keeps of a change: an organisation is its own (its code is
    /// its record id); other records name theirs by `organisation_id`.
    pub fn new(change: Recorded<'_>) -> Self {
        let owner = if change.record_type == "Organisation" {
            Owner::Code(change.record_id.to_owned())
        } else {
            [change.after, change.before]
                .into_iter()
                .flatten()
                .find_map(|value| value.get("organisation_id").and_then(Value::as_i64))
                .and_then(|id| i32::try_from(id).ok())
                .map_or(Owner::None, Owner::Id)
        };
        Self {
            action: change.action.to_owned(),
            record_type: change.record_type.to_owned(),
            record_id: change.record_id.to_owned(),
            kind: change.kind,
            owner,
            fields: Value::from(changed_fields(change.kind, change.before, change.after))
                .to_string(),
        }
    }
}

impl Described {
    /// The record's id, once an insert gave it.
    pub fn set_record_id(&mut self, id: &str) {
        id.clone_into(&mut self.record_id);
    }
}

/// Organisation ids per look-up statement.
const IDS_PER_STATEMENT: usize = 500;

/// Appends an unnumbered event in the transaction.
pub async fn record(txn: &impl ConnectionTrait, change: Recorded<'_>) -> AppResult<()> {
    record_all(txn, vec![Described::new(change)]).await
}

/// Appends many unnumbered events in the transaction, in order, with a few statements.
pub async fn record_all(txn: &impl ConnectionTrait, events: Vec<Described>) -> AppResult<()> {
    insert(txn, events, None).await
}

/// Appends many events in the transaction, in order, numbered as they are inserted (the
/// feed's order is taken now and held until the commit, so call it last), and returns
/// the last position given, or None without events. For bulk writes: numbering at
/// commit would rewrite every row once more.
pub async fn record_all_numbered(
    txn: &impl ConnectionTrait,
    events: Vec<Described>,
) -> AppResult<Option<Position>> {
    if events.is_empty() {
        return Ok(None);
    }
    let count = events.len() as i64;
    let Position(base) = sealing::take_order(txn).await?;
    insert(txn, events, Some(base)).await?;
    let last = Position(base + count);
    sealing::announce(txn, last).await?;
    Ok(Some(last))
}

/// Inserts the events, unnumbered or numbered from `base + 1` on.
async fn insert(
    txn: &impl ConnectionTrait,
    events: Vec<Described>,
    base: Option<i64>,
) -> AppResult<()> {
    let mut ids: Vec<i32> = events
        .iter()
        .filter_map(|e| match e.owner {
            Owner::Id(id) => Some(id),
            _ => None,
        })
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let mut codes: HashMap<i32, String> = HashMap::new();
    for slice in ids.chunks(IDS_PER_STATEMENT) {
        let rows: Vec<(i32, String)> = organisation::Entity::find()
            .select_only()
            .column(organisation::Column::Id)
            .column(organisation::Column::Code)
            .filter(organisation::Column::Id.is_in(slice.to_vec()))
            .into_tuple()
            .all(txn)
            .await?;
        codes.extend(rows);
    }
    let now = Utc::now();
    let transaction_start = base.map(|base| base + 1);
    let committed_at = base.map(|_| now);
    let mut position = base;
    crate::services::writing::bulk::insert_rows(
        txn,
        "change_event",
        &[
            "position",
            "transaction_start",
            "organisation_code",
            "kind",
            "changed_fields",
            "visibility",
            "record_type",
            "record_id",
            "action",
            "created_at",
            "committed_at",
        ],
        events,
        |e, values| {
            let organisation_code = match e.owner {
                Owner::None => None,
                Owner::Code(code) => Some(code),
                Owner::Id(id) => codes.get(&id).cloned(),
            };
            position = position.map(|p| p + 1);
            values.extend([
                position.into(),
                transaction_start.into(),
                organisation_code.into(),
                e.kind.as_str().into(),
                e.fields.into(),
                Visibility::of(&e.record_type).as_str().into(),
                e.record_type.into(),
                e.record_id.into(),
                e.action.into(),
                now.into(),
                committed_at.into(),
            ]);
        },
    )
    .await
}

/// The API names (camelCase) of the fields the change set or altered: every field of a
/// created record, the differing ones of an updated record, none otherwise.
fn changed_fields(kind: ChangeKind, before: Option<&Value>, after: Option<&Value>) -> Vec<String> {
    let after = after.and_then(Value::as_object);
    let before = before.and_then(Value::as_object);
    let mut names: Vec<String> = match (kind, before, after) {
        (ChangeKind::Created, _, Some(after)) => after.keys().map(|k| camel(k)).collect(),
        (ChangeKind::Updated, Some(before), Some(after)) => after
            .iter()
            .filter(|(key, value)| before.get(key.as_str()) != Some(value))
            .map(|(key, _)| camel(key))
            .chain(
                before
                    .keys()
                    .filter(|key| !after.contains_key(key.as_str()))
                    .map(|k| camel(k)),
            )
            .collect(),
        _ => Vec::new(),
    };
    names.sort();
    names.dedup();
    names
}

fn camel(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_update_names_only_the_fields_that_differ() {
        let before = json!({ "signed_on": "2008-01-01", "version": 1, "source": "x" });
        let after = json!({ "signed_on": "2009-01-01", "version": 2, "source": "x" });
        assert_eq!(
            changed_fields(ChangeKind::Updated, Some(&before), Some(&after)),
            ["signedOn", "version"]
        );
    }

    #[test]
    fn a_creation_names_every_field() {
        let after = json!({ "organisation_id": 3, "title": "Plan" });
        assert_eq!(
            changed_fields(ChangeKind::Created, None, Some(&after)),
            ["organisationId", "title"]
        );
    }
}
