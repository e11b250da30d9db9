//! One immutable copy of the public register, read in one transaction together with the
//! feed position it includes.
//!
//! Nested lists hold at most `MAX_NESTED` rows per parent, read by the same statements
//! (and so in the same order, on each engine) as the SQL loaders, with the full counts
//! beside them: a plan with 100,000 follow-ups costs the snapshot what one with 100 does.
//! The derived statuses are computed by the SQL rules at build time, for the day the
//! snapshot records; a snapshot of another day is not served.

use crate::error::AppResult;
use crate::feed::{Position, event};
use crate::services::capped::MAX_NESTED;
use crate::services::register::status::{self, StatusRow};
use crate::services::register::{action_plans, support};
use crate::services::{geography, programmes};
use chrono::NaiveDate;
use entity::{
    action_plan, county, county_board, follow_up_report, organisation, programme_participation,
    signature, support_programme,
};
use sea_orm::{
    AccessMode, DatabaseConnection, DbBackend, IsolationLevel, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};
use std::collections::{HashMap, HashSet};

/// An organisation with what every list reads beside it.
pub struct Entry {
    pub organisation: organisation::Model,
    pub signature: Option<signature::Model>,
    pub status: StatusRow,
    /// Codes of every programme it took part in (not capped: filters need them all).
    pub programme_codes: Vec<String>,
}

/// The register at one feed position.
pub struct Snapshot {
    /// Every change up to this position is included, none after it.
    pub position: Position,
    /// The day the derived statuses were computed for.
    pub today: NaiveDate,
    /// Which read this is: later reads have larger serials.
    pub serial: u64,
    counties: Vec<county::Model>,
    county_at: HashMap<String, usize>,
    boards: HashMap<String, county_board::Model>,
    /// In id order.
    entries: Vec<Entry>,
    entry_at: HashMap<i32, usize>,
    code_at: HashMap<String, usize>,
    region_at: HashMap<String, usize>,
    programmes: HashMap<i32, support_programme::Model>,
    plans: HashMap<i32, Vec<action_plan::Model>>,
    /// Every plan's id (the lists above hold at most `MAX_NESTED` per organisation).
    plan_ids: HashSet<i32>,
    follow_ups: HashMap<i32, Vec<follow_up_report::Model>>,
    follow_up_counts: HashMap<i32, i64>,
    participations: HashMap<i32, Vec<programme_participation::Model>>,
}

/// A consistent read: REPEATABLE READ on PostgreSQL, a deferred (reading) transaction on
/// SQLite, so no write lock is taken and writers are never held up.
fn read_options(backend: DbBackend) -> TransactionOptions {
    match backend {
        DbBackend::Postgres => TransactionOptions {
            isolation_level: Some(IsolationLevel::RepeatableRead),
            access_mode: Some(AccessMode::ReadOnly),
            sqlite_transaction_mode: None,
        },
        _ => TransactionOptions {
            isolation_level: None,
            access_mode: None,
            sqlite_transaction_mode: Some(SqliteTransactionMode::Deferred),
        },
    }
}

impl Snapshot {
    /// Reads the register as of now.
    pub async fn load(db: &DatabaseConnection) -> AppResult<Self> {
        let today = status::today();
        let txn = db
            .begin_with_options(read_options(db.get_database_backend()))
            .await?;
        // The position first: in one snapshot, whatever it names is visible, and the
        // rows read after it can only be as new or newer — never older.
        let read = async {
            let position = event::last_position(&txn).await?;
            let counties = geography::counties(&txn).await?;
            let boards = geography::county_boards(&txn).await?;
            let listed = status::organisations_with_statuses(&txn, today).await?;
            let programmes = programmes::programmes(&txn).await?;
            let taken_part = support::programme_codes_by_organisation(&txn).await?;
            let plans = action_plans::of_every_organisation(&txn, MAX_NESTED).await?;
            let plan_ids = action_plans::every_id(&txn).await?;
            let follow_ups = action_plans::first_follow_ups_of_every_plan(&txn, MAX_NESTED).await?;
            let follow_up_counts = action_plans::follow_up_counts_of_every_plan(&txn).await?;
            let participations =
                support::participations_of_every_organisation(&txn, MAX_NESTED).await?;
            AppResult::Ok(Parts {
                position,
                counties,
                boards,
                listed,
                programmes,
                taken_part,
                plans,
                plan_ids,
                follow_ups,
                follow_up_counts,
                participations,
            })
        }
        .await;
        // Only read: nothing to commit, whatever happened.
        txn.rollback().await?;
        Ok(read?.assemble(today))
    }

    pub fn counties(&self) -> &[county::Model] {
        &self.counties
    }

    pub fn county(&self, code: &str) -> Option<&county::Model> {
        self.county_at.get(code).map(|&i| &self.counties[i])
    }

    pub fn board_of(&self, county_code: &str) -> Option<&county_board::Model> {
        self.boards.get(county_code)
    }

    /// Every organisation, in id order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn entry(&self, organisation_id: i32) -> Option<&Entry> {
        self.entry_at
            .get(&organisation_id)
            .map(|&i| &self.entries[i])
    }

    /// The organisation a stored code names: its own code, or the county code of the
    /// region it is (the lowest id when both match, as the SQL look-up orders).
    pub fn by_code(&self, normalised: &str) -> Option<&Entry> {
        let own = self.code_at.get(normalised).copied();
        let region = self.region_at.get(normalised).copied();
        own.into_iter()
            .chain(region)
            .min()
            .map(|i| &self.entries[i])
    }

    pub fn programme(&self, id: i32) -> Option<&support_programme::Model> {
        self.programmes.get(&id)
    }

    /// The first `MAX_NESTED` plans of an organisation, in the loaders' order.
    pub fn plans_of(&self, organisation_id: i32) -> &[action_plan::Model] {
        self.plans.get(&organisation_id).map_or(&[], Vec::as_slice)
    }

    /// Whether the snapshot knows the plan (its follow-ups are then the snapshot's).
    pub fn has_plan(&self, plan_id: i32) -> bool {
        self.plan_ids.contains(&plan_id)
    }

    pub fn follow_ups_of(&self, plan_id: i32) -> &[follow_up_report::Model] {
        self.follow_ups.get(&plan_id).map_or(&[], Vec::as_slice)
    }

    pub fn follow_up_count(&self, plan_id: i32) -> i64 {
        self.follow_up_counts.get(&plan_id).copied().unwrap_or(0)
    }

    pub fn participations_of(&self, organisation_id: i32) -> &[programme_participation::Model] {
        self.participations
            .get(&organisation_id)
            .map_or(&[], Vec::as_slice)
    }
}

struct Parts {
    position: Position,
    counties: Vec<county::Model>,
    boards: Vec<county_board::Model>,
    listed: Vec<(organisation::Model, Option<signature::Model>, StatusRow)>,
    programmes: Vec<support_programme::Model>,
    taken_part: Vec<(i32, String)>,
    plans: Vec<action_plan::Model>,
    plan_ids: Vec<i32>,
    follow_ups: Vec<follow_up_report::Model>,
    follow_up_counts: Vec<(i32, i64)>,
    participations: Vec<programme_participation::Model>,
}

impl Parts {
    fn assemble(self, today: NaiveDate) -> Snapshot {
        let mut taken_part: HashMap<i32, Vec<String>> = HashMap::new();
        for (organisation_id, code) in self.taken_part {
            taken_part.entry(organisation_id).or_default().push(code);
        }
        let mut entries: Vec<Entry> = self
            .listed
            .into_iter()
            .map(|(organisation, signature, status)| Entry {
                programme_codes: taken_part.remove(&organisation.id).unwrap_or_default(),
                organisation,
                signature,
                status,
            })
            .collect();
        entries.sort_by_key(|e| e.organisation.id);
        let mut code_at = HashMap::new();
        let mut region_at = HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            code_at.entry(e.organisation.code.clone()).or_insert(i);
            if let Some(county) = &e.organisation.regional_county_code {
                region_at.entry(county.clone()).or_insert(i);
            }
        }
        Snapshot {
            position: self.position,
            today,
            serial: 0,
            county_at: index(&self.counties, |c| c.code.clone()),
            counties: self.counties,
            boards: self
                .boards
                .into_iter()
                .map(|b| (b.county_code.clone(), b))
                .collect(),
            entry_at: index(&entries, |e| e.organisation.id),
            code_at,
            region_at,
            entries,
            programmes: self.programmes.into_iter().map(|p| (p.id, p)).collect(),
            plans: group(self.plans, |p| p.organisation_id),
            plan_ids: self.plan_ids.into_iter().collect(),
            follow_ups: group(self.follow_ups, |f| f.action_plan_id),
            follow_up_counts: self.follow_up_counts.into_iter().collect(),
            participations: group(self.participations, |p| p.organisation_id),
        }
    }
}

fn index<T, K: std::hash::Hash + Eq>(rows: &[T], key: impl Fn(&T) -> K) -> HashMap<K, usize> {
    rows.iter().enumerate().map(|(i, r)| (key(r), i)).collect()
}

/// Rows grouped by parent, each group in the order read.
fn group<T, K: std::hash::Hash + Eq>(rows: Vec<T>, key: impl Fn(&T) -> K) -> HashMap<K, Vec<T>> {
    let mut groups: HashMap<K, Vec<T>> = HashMap::new();
    for row in rows {
        groups.entry(key(&row)).or_default().push(row);
    }
    groups
}
