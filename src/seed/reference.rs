//! The reference facts: counties and their administrative boards, regions, the 290
//! municipalities, the charter's principles and articles, and SKR's support programmes.
//! Sources: `src/seed/data/SOURCES.md`.
//!
//! Each table is synchronised by its natural key inside one transaction: missing rows are
//! inserted, changed rows updated (their version bumped), identical rows left alone, so
//! a second run writes nothing and `updated_at` only moves when a fact changed.

use crate::domain::charter::CharterPart;
use crate::domain::names::{search_key, sort_key};
use crate::domain::organisation::OrganisationKind;
use anyhow::Context;
use chrono::Utc;
use entity::{
    charter_article, charter_principle, county, county_board, organisation, support_programme,
};
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ActiveValue::Set, DatabaseConnection,
    DatabaseTransaction, EntityTrait, IntoActiveModel, TransactionTrait,
};
use serde::Deserialize;
use std::collections::HashMap;

/// Gotland is a municipality with the responsibilities of a region: the county's region
/// is this municipality, not a separate organisation.
pub const GOTLAND_MUNICIPALITY: &str = "0980";
pub const GOTLAND_COUNTY: &str = "09";
/// SKR's organisation code (it has no SCB code).
pub const SKR_CODE: &str = "SKR";

#[derive(Deserialize)]
struct CountyRow {
    code: String,
    name: String,
    county_board_name: String,
    region_name: String,
}

#[derive(Deserialize)]
struct MunicipalityRow {
    code: String,
    name: String,
    county_code: String,
}

#[derive(Deserialize)]
struct PrincipleRow {
    number: i32,
    text_en: String,
}

#[derive(Deserialize)]
struct ArticleRow {
    number: i32,
    title_en: String,
    title_sv: String,
    part: String,
    title_verified: bool,
}

#[derive(Deserialize)]
struct ProgrammeRow {
    code: String,
    name_sv: String,
    name_en: String,
    start_year: i32,
    end_year: Option<i32>,
    requires_political_commitment: bool,
    description: String,
}

/// What a reference load found and did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SyncReport {
    pub inserted: usize,
    pub updated: usize,
}

impl SyncReport {
    pub fn add(&mut self, other: SyncReport) {
        self.inserted += other.inserted;
        self.updated += other.updated;
    }
}

fn rows<T: for<'de> Deserialize<'de>>(name: &str, text: &str) -> anyhow::Result<Vec<T>> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .collect::<Result<Vec<T>, _>>()
        .with_context(|| format!("reference file {name} is malformed"))
}

/// Loads every reference table in one transaction.
pub async fn load(db: &DatabaseConnection) -> anyhow::Result<SyncReport> {
    let counties: Vec<CountyRow> = rows("counties.csv", include_str!("data/counties.csv"))?;
    let municipalities: Vec<MunicipalityRow> = rows(
        "municipalities.csv",
        include_str!("data/municipalities.csv"),
    )?;
    let principles: Vec<PrincipleRow> = rows(
        "charter_principles.csv",
        include_str!("data/charter_principles.csv"),
    )?;
    let articles: Vec<ArticleRow> = rows(
        "charter_articles.csv",
        include_str!("data/charter_articles.csv"),
    )?;
    let programmes: Vec<ProgrammeRow> = rows(
        "support_programmes.csv",
        include_str!("data/support_programmes.csv"),
    )?;

    // IMMEDIATE: a seed run beside a serving process queues for the write lock instead
    // of failing when its reads turn into writes.
    let txn = db
        .begin_with_options(crate::services::writing::WRITE_TRANSACTION)
        .await?;
    let mut report = SyncReport::default();
    report.add(sync_counties(&txn, &counties).await?);
    report.add(sync_county_boards(&txn, &counties).await?);
    report.add(sync_organisations(&txn, &counties, &municipalities).await?);
    report.add(sync_principles(&txn, &principles).await?);
    report.add(sync_articles(&txn, &articles).await?);
    report.add(sync_programmes(&txn, &programmes).await?);
    report.add(super::register::load_facts(&txn).await?);
    if report.inserted + report.updated > 0 {
        super::record_reload(&txn, "reference_data.load").await?;
    }
    crate::services::writing::commit(txn).await?;
    tracing::info!(
        inserted = report.inserted,
        updated = report.updated,
        "reference data loaded"
    );
    Ok(report)
}

async fn sync_counties(
    txn: &DatabaseTransaction,
    rows: &[CountyRow],
) -> anyhow::Result<SyncReport> {
    let existing: HashMap<String, county::Model> = county::Entity::find()
        .all(txn)
        .await?
        .into_iter()
        .map(|m| (m.code.clone(), m))
        .collect();
    let mut report = SyncReport::default();
    for row in rows {
        let wanted = county::Model {
            code: row.code.clone(),
            name: row.name.clone(),
            sort_key: sort_key(&row.name),
        };
        report.add(save::<county::ActiveModel>(txn, existing.get(&row.code), wanted).await?);
    }
    Ok(report)
}

async fn sync_county_boards(
    txn: &DatabaseTransaction,
    rows: &[CountyRow],
) -> anyhow::Result<SyncReport> {
    let existing: HashMap<String, county_board::Model> = county_board::Entity::find()
        .all(txn)
        .await?
        .into_iter()
        .map(|m| (m.county_code.clone(), m))
        .collect();
    let mut report = SyncReport::default();
    for row in rows {
        match existing.get(&row.code) {
            Some(board) if board.name == row.county_board_name => {}
            Some(board) => {
                let mut active = board.clone().into_active_model();
                active.name = Set(row.county_board_name.clone());
                active.update(txn).await?;
                report.updated += 1;
            }
            None => {
                county_board::ActiveModel {
                    county_code: Set(row.code.clone()),
                    name: Set(row.county_board_name.clone()),
                    ..Default::default()
                }
                .insert(txn)
                .await?;
                report.inserted += 1;
            }
        }
    }
    Ok(report)
}

/// The organisation facts that reference data owns.
struct OrganisationFacts {
    code: String,
    name: String,
    kind: OrganisationKind,
    county_code: Option<String>,
    regional_county_code: Option<String>,
}

async fn sync_organisations(
    txn: &DatabaseTransaction,
    counties: &[CountyRow],
    municipalities: &[MunicipalityRow],
) -> anyhow::Result<SyncReport> {
    let mut wanted: Vec<OrganisationFacts> = municipalities
        .iter()
        .map(|m| OrganisationFacts {
            code: m.code.clone(),
            name: m.name.clone(),
            kind: OrganisationKind::Municipality,
            county_code: Some(m.county_code.clone()),
            regional_county_code: (m.code == GOTLAND_MUNICIPALITY)
                .then(|| GOTLAND_COUNTY.to_owned()),
        })
        .collect();
    wanted.extend(
        counties
            .iter()
            .filter(|c| c.code != GOTLAND_COUNTY)
            .map(|c| OrganisationFacts {
                code: c.code.clone(),
                name: c.region_name.clone(),
                kind: OrganisationKind::Region,
                county_code: Some(c.code.clone()),
                regional_county_code: Some(c.code.clone()),
            }),
    );
    wanted.push(OrganisationFacts {
        code: SKR_CODE.to_owned(),
        name: "Sveriges Kommuner och Regioner".to_owned(),
        kind: OrganisationKind::NationalAssociation,
        county_code: None,
        regional_county_code: None,
    });

    let existing: HashMap<String, organisation::Model> = organisation::Entity::find()
        .all(txn)
        .await?
        .into_iter()
        .map(|m| (m.code.clone(), m))
        .collect();
    let now = Utc::now();
    let mut report = SyncReport::default();
    for facts in wanted {
        let search = search_key(&facts.name);
        let sort = sort_key(&facts.name);
        match existing.get(&facts.code) {
            Some(org)
                if org.name == facts.name
                    && org.kind == facts.kind.as_str()
                    && org.county_code == facts.county_code
                    && org.regional_county_code == facts.regional_county_code
                    && org.search_name == search
                    && org.sort_key == sort => {}
            Some(org) => {
                let mut active = org.clone().into_active_model();
                active.name = Set(facts.name);
                active.kind = Set(facts.kind.as_str().to_owned());
                active.county_code = Set(facts.county_code);
                active.regional_county_code = Set(facts.regional_county_code);
                active.search_name = Set(search);
                active.sort_key = Set(sort);
                active.version = Set(org.version + 1);
                active.updated_at = Set(now);
                active.update(txn).await?;
                report.updated += 1;
            }
            None => {
                organisation::ActiveModel {
                    code: Set(facts.code),
                    name: Set(facts.name),
                    kind: Set(facts.kind.as_str().to_owned()),
                    county_code: Set(facts.county_code),
                    regional_county_code: Set(facts.regional_county_code),
                    search_name: Set(search),
                    sort_key: Set(sort),
                    version: Set(1),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(txn)
                .await?;
                report.inserted += 1;
            }
        }
    }
    Ok(report)
}

async fn sync_principles(
    txn: &DatabaseTransaction,
    rows: &[PrincipleRow],
) -> anyhow::Result<SyncReport> {
    let existing: HashMap<i32, charter_principle::Model> = charter_principle::Entity::find()
        .all(txn)
        .await?
        .into_iter()
        .map(|m| (m.number, m))
        .collect();
    let mut report = SyncReport::default();
    for row in rows {
        let wanted = charter_principle::Model {
            number: row.number,
            text_en: row.text_en.clone(),
            edition: "2006".to_owned(),
        };
        report.add(
            save::<charter_principle::ActiveModel>(txn, existing.get(&row.number), wanted).await?,
        );
    }
    Ok(report)
}

async fn sync_articles(
    txn: &DatabaseTransaction,
    rows: &[ArticleRow],
) -> anyhow::Result<SyncReport> {
    let existing: HashMap<i32, charter_article::Model> = charter_article::Entity::find()
        .all(txn)
        .await?
        .into_iter()
        .map(|m| (m.number, m))
        .collect();
    let mut report = SyncReport::default();
    for row in rows {
        CharterPart::from_stored(&row.part)
            .with_context(|| format!("article {} has an unknown part {}", row.number, row.part))?;
        let wanted = charter_article::Model {
            number: row.number,
            title_en: row.title_en.clone(),
            title_sv: row.title_sv.clone(),
            part: row.part.clone(),
            edition: "2006".to_owned(),
            title_verified: row.title_verified,
        };
        report.add(
            save::<charter_article::ActiveModel>(txn, existing.get(&row.number), wanted).await?,
        );
    }
    Ok(report)
}

async fn sync_programmes(
    txn: &DatabaseTransaction,
    rows: &[ProgrammeRow],
) -> anyhow::Result<SyncReport> {
    let existing: HashMap<String, support_programme::Model> = support_programme::Entity::find()
        .all(txn)
        .await?
        .into_iter()
        .map(|m| (m.code.clone(), m))
        .collect();
    let now = Utc::now();
    let mut report = SyncReport::default();
    for row in rows {
        match existing.get(&row.code) {
            // Programmes are kept by admins once loaded; the seed only adds missing ones.
            Some(_) => {}
            None => {
                support_programme::ActiveModel {
                    code: Set(row.code.clone()),
                    name_sv: Set(row.name_sv.clone()),
                    name_en: Set(row.name_en.clone()),
                    start_year: Set(row.start_year),
                    end_year: Set(row.end_year),
                    requires_political_commitment: Set(row.requires_political_commitment),
                    description: Set(row.description.clone()),
                    version: Set(1),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(txn)
                .await?;
                report.inserted += 1;
            }
        }
    }
    Ok(report)
}

/// Inserts `wanted` when absent, replaces the stored row when it differs. For tables
/// whose every column is a reference fact (no surrogate id, no timestamps).
async fn save<A>(
    txn: &DatabaseTransaction,
    stored: Option<&<A::Entity as EntityTrait>::Model>,
    wanted: <A::Entity as EntityTrait>::Model,
) -> anyhow::Result<SyncReport>
where
    A: ActiveModelTrait + ActiveModelBehavior + Send,
    <A::Entity as EntityTrait>::Model: IntoActiveModel<A> + PartialEq,
{
    match stored {
        Some(stored) if *stored == wanted => Ok(SyncReport::default()),
        Some(_) => {
            wanted.into_active_model().reset_all().update(txn).await?;
            Ok(SyncReport {
                inserted: 0,
                updated: 1,
            })
        }
        None => {
            wanted.into_active_model().reset_all().insert(txn).await?;
            Ok(SyncReport {
                inserted: 1,
                updated: 0,
            })
        }
    }
}
