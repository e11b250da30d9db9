//! Documented register facts: the signatures public sources record, and the county
//! boards' 2018–2020 strategies. Sources: `src/seed/data/SOURCES.md`. A fact is added
//! once, recognised by its organisation and its source.

use super::reference::SyncReport;
use crate::domain::dates;
use crate::domain::register::{
    CharterEdition, DataOrigin, DatePrecision, DecisionBody, Initiative,
};
use anyhow::Context;
use chrono::Utc;
use entity::{county_board, county_board_strategy, organisation, signature};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter,
};
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Deserialize)]
struct KnownSignature {
    organisation_code: String,
    signed_on: Option<String>,
    signed_precision: String,
    not_later_than: Option<String>,
    decision_body: Option<String>,
    decision_date: Option<String>,
    note: Option<String>,
    source: String,
}

const STRATEGY_SOURCE: &str =
    "Jämställdhetsmyndigheten, rapport 2018:1, \"Ett uppdrag – 21 strategier\"";

pub(super) async fn load_facts(txn: &DatabaseTransaction) -> anyhow::Result<SyncReport> {
    let mut report = load_known_signatures(txn).await?;
    report.add(load_strategies(txn).await?);
    if super::studies::load(txn).await? {
        report.inserted += 1;
    }
    Ok(report)
}

/// The range of days a documented signing can have happened in.
fn signing_range(row: &KnownSignature) -> anyhow::Result<(Option<String>, String)> {
    let precision = DatePrecision::from_stored(&row.signed_precision)
        .with_context(|| format!("unknown precision {}", row.signed_precision))?;
    let signed = row.signed_on.as_deref().filter(|s| !s.is_empty());
    let (first, last) = match (precision, signed) {
        (DatePrecision::Day, Some(day)) => {
            let day = dates::parse(day).context("bad signing day")?;
            (Some(day), day)
        }
        (DatePrecision::Month, Some(month)) => {
            let day = dates::parse(&format!("{month}-01")).context("bad signing month")?;
            dates::month_bounds(chrono::Datelike::year(&day), chrono::Datelike::month(&day))
                .map(|(a, b)| (Some(a), b))
                .context("bad month")?
        }
        (DatePrecision::Year, Some(year)) => {
            let year: i32 = year.parse().context("bad signing year")?;
            dates::year_bounds(year)
                .map(|(a, b)| (Some(a), b))
                .context("bad year")?
        }
        (DatePrecision::Unknown, _) => {
            let last = row
                .not_later_than
                .as_deref()
                .and_then(dates::parse)
                .context("missing not_later_than")?;
            (None, last)
        }
        _ => anyhow::bail!("signed_on missing for precision {}", row.signed_precision),
    };
    Ok((first.map(dates::format), dates::format(last)))
}

async fn load_known_signatures(txn: &DatabaseTransaction) -> anyhow::Result<SyncReport> {
    let rows: Vec<KnownSignature> =
        csv::Reader::from_reader(include_str!("data/known_signatures.csv").as_bytes())
            .deserialize()
            .collect::<Result<_, _>>()
            .context("known_signatures.csv is malformed")?;
    let organisations: HashMap<String, organisation::Model> = organisation::Entity::find()
        .all(txn)
        .await?
        .into_iter()
        .map(|o| (o.code.clone(), o))
        .collect();
    let now = Utc::now();
    let mut report = SyncReport::default();
    for row in rows {
        let organisation = organisations.get(&row.organisation_code).with_context(|| {
            format!(
                "known signature of unknown organisation {}",
                row.organisation_code
            )
        })?;
        let already = signature::Entity::find()
            .filter(signature::Column::OrganisationId.eq(organisation.id))
            .filter(signature::Column::Source.eq(row.source.clone()))
            .one(txn)
            .await?;
        if already.is_some() {
            continue;
        }
        let has_current = signature::Entity::find()
            .filter(signature::Column::CurrentFor.eq(organisation.id))
            .one(txn)
            .await?
            .is_some();
        let (signed_on, not_later_than) = signing_range(&row)?;
        let decision_body = row
            .decision_body
            .as_deref()
            .and_then(DecisionBody::from_stored)
            .unwrap_or(DecisionBody::Unknown);
        signature::ActiveModel {
            organisation_id: Set(organisation.id),
            current_for: Set((!has_current).then_some(organisation.id)),
            signed_on: Set(signed_on),
            signed_precision: Set(row.signed_precision.clone()),
            not_later_than: Set(not_later_than),
            decided_on: Set(row.decision_date.filter(|d| !d.is_empty())),
            decision_body: Set(decision_body.as_str().to_owned()),
            decision_reference: Set(None),
            initiative: Set(Initiative::Unknown.as_str().to_owned()),
            charter_edition: Set(CharterEdition::Charter2006.as_str().to_owned()),
            new_articles_adopted_on: Set(None),
            withdrawn_on: Set(None),
            withdrawal_reason: Set(None),
            source: Set(row.source),
            note: Set(row.note.filter(|n| !n.is_empty())),
            data_origin: Set(DataOrigin::Sourced.as_str().to_owned()),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        report.inserted += 1;
    }
    Ok(report)
}

async fn load_strategies(txn: &DatabaseTransaction) -> anyhow::Result<SyncReport> {
    let boards = county_board::Entity::find().all(txn).await?;
    let existing: Vec<i32> = county_board_strategy::Entity::find()
        .filter(county_board_strategy::Column::Source.eq(STRATEGY_SOURCE))
        .all(txn)
        .await?
        .into_iter()
        .map(|s| s.county_board_id)
        .collect();
    let now = Utc::now();
    let mut report = SyncReport::default();
    for board in boards.into_iter().filter(|b| !existing.contains(&b.id)) {
        county_board_strategy::ActiveModel {
            county_board_id: Set(board.id),
            period_start_year: Set(2018),
            period_end_year: Set(2020),
            title: Set(format!(
                "Strategy for gender mainstreaming 2018–2020, {}",
                board.name
            )),
            document_url: Set(None),
            source: Set(STRATEGY_SOURCE.to_owned()),
            data_origin: Set(DataOrigin::Sourced.as_str().to_owned()),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        report.inserted += 1;
    }
    Ok(report)
}
