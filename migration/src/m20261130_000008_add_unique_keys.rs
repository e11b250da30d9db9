//! Unique indexes for the keys the register relies on, so that two concurrent writes (or
//! imports) of one key end in one row, whatever the engine:
//!
//! - an action plan's title per organisation, compared trimmed, with runs of white space
//!   as one space and in Unicode lower case (`title_key`, computed in Rust because
//!   SQLite's `lower()` folds ASCII only);
//! - a follow-up report's date per plan;
//! - a programme participation's first year per organisation and programme.
//!
//! A database written before these keys may hold duplicates; they are resolved here, each
//! change written to the audit log (actor `migration`) so nothing disappears unseen:
//!
//! - duplicate plan titles: the oldest plan keeps its title, later ones get " (2)",
//!   " (3)", … appended (plans have articles and follow-ups, so none is removed);
//! - duplicate follow-ups and participations: the most recently updated row stays, the
//!   others are deleted and their full values kept in the audit entry's `before`.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, QueryResult, Statement, Value};
use std::collections::HashSet;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The comparison form of a plan title. Frozen with this migration: the service computes
/// the same key (`domain::names::search_key`), and a test holds the two equal.
pub fn title_key(title: &str) -> String {
    title
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ActionPlan::Table)
                    .add_column(
                        ColumnDef::new(ActionPlan::TitleKey)
                            .string()
                            .not_null()
                            .default(""),
                    )
                    .to_owned(),
            )
            .await?;
        let db = Db::new(manager);
        key_plan_titles(&db).await?;
        remove_duplicates(
            &db,
            "follow_up_report",
            "FollowUpReport",
            &["action_plan_id", "reported_on"],
            "id, action_plan_id, reported_on, summary, data_origin, version, \
             CAST(created_at AS TEXT) AS created_at, CAST(updated_at AS TEXT) AS updated_at",
        )
        .await?;
        remove_duplicates(
            &db,
            "programme_participation",
            "ProgrammeParticipation",
            &["organisation_id", "programme_id", "from_year"],
            "id, organisation_id, programme_id, from_year, to_year, role, data_origin, version, \
             CAST(created_at AS TEXT) AS created_at, CAST(updated_at AS TEXT) AS updated_at",
        )
        .await?;
        for (name, table, columns) in unique_indexes() {
            let mut index = Index::create();
            index.name(name).table(table).unique();
            for column in columns {
                index.col(column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, _) in unique_indexes() {
            manager
                .drop_index(Index::drop().name(name).table(table).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(ActionPlan::Table)
                    .drop_column(ActionPlan::TitleKey)
                    .to_owned(),
            )
            .await
    }
}

fn unique_indexes() -> [(&'static str, DynIden, Vec<DynIden>); 3] {
    [
        (
            "uq_action_plan_title",
            ActionPlan::Table.into_iden(),
            vec![
                ActionPlan::OrganisationId.into_iden(),
                ActionPlan::TitleKey.into_iden(),
            ],
        ),
        (
            "uq_follow_up_plan_date",
            Alias::new("follow_up_report").into_iden(),
            vec![
                Alias::new("action_plan_id").into_iden(),
                Alias::new("reported_on").into_iden(),
            ],
        ),
        (
            "uq_participation_first_year",
            Alias::new("programme_participation").into_iden(),
            vec![
                Alias::new("organisation_id").into_iden(),
                Alias::new("programme_id").into_iden(),
                Alias::new("from_year").into_iden(),
            ],
        ),
    ]
}

/// The migration's connection with the statements it needs.
struct Db<'a, 'c> {
    manager: &'a SchemaManager<'c>,
    backend: DbBackend,
    now: chrono::DateTime<chrono::Utc>,
}

impl<'a, 'c> Db<'a, 'c> {
    fn new(manager: &'a SchemaManager<'c>) -> Self {
        Self {
            manager,
            backend: manager.get_database_backend(),
            now: chrono::Utc::now(),
        }
    }

    /// `$1, $2, …` on PostgreSQL, `?` on SQLite.
    fn sql(&self, text: &str, values: Vec<Value>) -> Statement {
        let mut sql = String::with_capacity(text.len());
        let mut n = 0;
        for c in text.chars() {
            if c == '?' && self.backend == DbBackend::Postgres {
                n += 1;
                sql.push_str(&format!("${n}"));
            } else {
                sql.push(c);
            }
        }
        Statement::from_sql_and_values(self.backend, sql, values)
    }

    async fn rows(&self, text: &str) -> Result<Vec<QueryResult>, DbErr> {
        self.manager
            .get_connection()
            .query_all_raw(self.sql(text, Vec::new()))
            .await
    }

    async fn run(&self, text: &str, values: Vec<Value>) -> Result<(), DbErr> {
        self.manager
            .get_connection()
            .execute_raw(self.sql(text, values))
            .await
            .map(|_| ())
    }

    async fn audit(
        &self,
        action: &str,
        record_type: &str,
        record_id: i64,
        before: &serde_json::Value,
        after: Option<&serde_json::Value>,
    ) -> Result<(), DbErr> {
        self.run(
            "INSERT INTO audit_entry (at, actor_sub, actor_role, actor_organisation_code, \
             credential, action, record_type, record_id, before, after, request_id) \
             VALUES (?, 'migration', 'SYSTEM', NULL, 'MIGRATION', ?, ?, ?, ?, ?, NULL)",
            vec![
                self.now.into(),
                action.into(),
                record_type.into(),
                record_id.to_string().into(),
                before.to_string().into(),
                after.map(ToString::to_string).into(),
            ],
        )
        .await
    }
}

/// Fills `title_key` and renames later plans whose key repeats an earlier one's.
async fn key_plan_titles(db: &Db<'_, '_>) -> Result<(), DbErr> {
    let plans = db
        .rows("SELECT id, organisation_id, title FROM action_plan ORDER BY organisation_id, id")
        .await?;
    let mut taken: HashSet<(i32, String)> = HashSet::new();
    for plan in plans {
        let id: i32 = plan.try_get("", "id")?;
        let organisation: i32 = plan.try_get("", "organisation_id")?;
        let title: String = plan.try_get("", "title")?;
        let mut new_title = title.trim().to_owned();
        let mut n = 1;
        while taken.contains(&(organisation, title_key(&new_title))) {
            n += 1;
            new_title = format!("{} ({n})", title.trim());
        }
        let key = title_key(&new_title);
        taken.insert((organisation, key.clone()));
        if n == 1 {
            db.run(
                "UPDATE action_plan SET title_key = ? WHERE id = ?",
                vec![key.into(), id.into()],
            )
            .await?;
            continue;
        }
        db.run(
            "UPDATE action_plan SET title = ?, title_key = ?, version = version + 1, \
             updated_at = ? WHERE id = ?",
            vec![
                new_title.clone().into(),
                key.into(),
                db.now.into(),
                id.into(),
            ],
        )
        .await?;
        db.audit(
            "action_plan.rename_duplicate",
            "ActionPlan",
            i64::from(id),
            &serde_json::json!({ "id": id, "title": title }),
            Some(&serde_json::json!({ "id": id, "title": new_title })),
        )
        .await?;
    }
    Ok(())
}

/// Deletes all but the most recently updated row of each key, keeping each deleted
/// row's values in the audit log.
async fn remove_duplicates(
    db: &Db<'_, '_>,
    table: &str,
    record_type: &str,
    key: &[&str],
    columns: &str,
) -> Result<(), DbErr> {
    let key_list = key.join(", ");
    let rows = db
        .rows(&format!(
            "SELECT {columns} FROM {table} WHERE ({key_list}) IN \
             (SELECT {key_list} FROM {table} GROUP BY {key_list} HAVING COUNT(*) > 1) \
             ORDER BY {key_list}, updated_at DESC, id DESC"
        ))
        .await?;
    let mut previous: Option<Vec<String>> = None;
    for row in rows {
        let values = row_json(&row, columns)?;
        let this_key: Vec<String> = key.iter().map(|k| values[*k].to_string()).collect();
        if previous.as_ref() == Some(&this_key) {
            let id: i32 = row.try_get("", "id")?;
            db.run(
                &format!("DELETE FROM {table} WHERE id = ?"),
                vec![id.into()],
            )
            .await?;
            db.audit(
                &format!("{table}.remove_duplicate"),
                record_type,
                i64::from(id),
                &values,
                None,
            )
            .await?;
        }
        previous = Some(this_key);
    }
    Ok(())
}

/// The selected columns of a row as JSON (integers, text or null).
fn row_json(row: &QueryResult, columns: &str) -> Result<serde_json::Value, DbErr> {
    let mut object = serde_json::Map::new();
    for column in columns.split(',') {
        let name = column
            .rsplit(" AS ")
            .next()
            .unwrap_or(column)
            .trim()
            .to_owned();
        let value = match row.try_get::<Option<i32>>("", &name) {
            Ok(number) => serde_json::json!(number),
            Err(_) => serde_json::json!(row.try_get::<Option<String>>("", &name)?),
        };
        object.insert(name, value);
    }
    Ok(serde_json::Value::Object(object))
}

#[derive(DeriveIden)]
enum ActionPlan {
    Table,
    OrganisationId,
    TitleKey,
}
