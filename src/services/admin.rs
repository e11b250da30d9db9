//! Administrators' upkeep of reference records: organisations, support programmes and
//! county board strategies.

use crate::auth::policy;
use crate::domain::names::{search_key, sort_key};
use crate::domain::organisation::OrganisationKind;
use crate::domain::register::DataOrigin;
use crate::error::{AppError, AppResult};
use crate::services::audit::{self, Change};
use crate::services::writing::{
    self, RequestContext, Validator, Versioned, check_version, save_versioned,
};
use crate::services::{geography, programmes};
use chrono::Utc;
use entity::{county_board_strategy, organisation, support_programme};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
};

/// An organisation's facts as an administrator gives them.
#[derive(Debug, Clone)]
pub struct OrganisationFacts {
    pub name: String,
    pub kind: OrganisationKind,
    pub county_code: Option<String>,
}

async fn validate_organisation(
    db: &DatabaseConnection,
    facts: &OrganisationFacts,
    v: &mut Validator,
) -> AppResult<()> {
    v.text("name", &facts.name, 200);
    if let Some(county) = &facts.county_code {
        v.check(
            geography::county(db, county).await?.is_some(),
            "countyCode",
            "NOT_FOUND",
            format!("no county has the code {county:?}"),
        );
    }
    Ok(())
}

fn code_taken(code: &str) -> String {
    format!("{code} is taken")
}

/// Adds an organisation that is not in the reference data (e.g. a municipal federation).
pub async fn create_organisation(
    db: &DatabaseConnection,
    request: &RequestContext,
    code: &str,
    facts: OrganisationFacts,
) -> AppResult<organisation::Model> {
    let actor = policy::may_administer(&request.caller)?;
    let code = code.trim().to_owned();
    let mut v = Validator::new();
    v.check(
        !code.is_empty()
            && code.len() <= 32
            && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
        "code",
        "INVALID",
        "1–32 letters, digits or hyphens",
    );
    v.check(
        !(code.len() == 2 || (code.len() == 4 && code.starts_with("00")))
            || !code.chars().all(|c| c.is_ascii_digit()),
        "code",
        "INVALID",
        "two-digit codes (and Kolada's 00xx) are the regions' codes",
    );
    validate_organisation(db, &facts, &mut v).await?;
    let txn = writing::begin(db).await?;
    let taken = organisation::Entity::find()
        .filter(organisation::Column::Code.eq(code.clone()))
        .one(&txn)
        .await?;
    v.check(taken.is_none(), "code", "DUPLICATE", code_taken(&code));
    v.finish()?;
    let now = Utc::now();
    let created = organisation::ActiveModel {
        code: Set(code.clone()),
        search_name: Set(search_key(&facts.name)),
        sort_key: Set(sort_key(&facts.name)),
        name: Set(facts.name.trim().to_owned()),
        kind: Set(facts.kind.as_str().to_owned()),
        county_code: Set(facts.county_code),
        regional_county_code: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(writing::duplicate_on("code", code_taken(&code)))?;
    audit::commit(
        txn,
        request,
        actor,
        Change::created(
            "organisation.create",
            "Organisation",
            &created.code,
            &created,
        ),
    )
    .await?;
    Ok(created)
}

/// Changes an organisation's name, kind or county.
pub async fn update_organisation(
    db: &DatabaseConnection,
    request: &RequestContext,
    code: &str,
    version: i32,
    facts: OrganisationFacts,
) -> AppResult<organisation::Model> {
    let actor = policy::may_administer(&request.caller)?;
    let mut v = Validator::new();
    validate_organisation(db, &facts, &mut v).await?;
    v.finish()?;
    let txn = writing::begin(db).await?;
    let stored = organisation::Entity::find()
        .filter(organisation::Column::Code.eq(code.trim()))
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found(format!("no organisation has the code {code:?}")))?;
    check_version("organisation", version, stored.version)?;
    let mut active: organisation::ActiveModel = stored.clone().into();
    active.search_name = Set(search_key(&facts.name));
    active.sort_key = Set(sort_key(&facts.name));
    active.name = Set(facts.name.trim().to_owned());
    active.kind = Set(facts.kind.as_str().to_owned());
    active.county_code = Set(facts.county_code);
    let columns = Versioned {
        id: organisation::Column::Id,
        version: organisation::Column::Version,
        updated_at: organisation::Column::UpdatedAt,
    };
    let updated = save_versioned(&txn, "organisation", columns, active, stored.id, version).await?;
    audit::commit(
        txn,
        request,
        actor,
        Change::updated(
            "organisation.update",
            "Organisation",
            &stored.code,
            &stored,
            &updated,
        ),
    )
    .await?;
    Ok(updated)
}

/// A programme's facts as an administrator gives them.
#[derive(Debug, Clone)]
pub struct ProgrammeFacts {
    pub name_sv: String,
    pub name_en: String,
    pub start_year: i32,
    pub end_year: Option<i32>,
    pub requires_political_commitment: bool,
    pub description: String,
}

fn validate_programme(facts: &ProgrammeFacts, v: &mut Validator) {
    v.text("name", &facts.name_sv, 200);
    v.text("nameEn", &facts.name_en, 200);
    v.year("startYear", facts.start_year);
    if let Some(end) = facts.end_year {
        v.year("endYear", end);
        v.check(
            end >= facts.start_year,
            "endYear",
            "ORDER",
            "must not be before startYear",
        );
    }
    v.check(
        facts.description.chars().count() <= 5000,
        "description",
        "TOO_LONG",
        "at most 5000 characters",
    );
}

fn apply_programme(active: &mut support_programme::ActiveModel, facts: ProgrammeFacts) {
    active.name_sv = Set(facts.name_sv.trim().to_owned());
    active.name_en = Set(facts.name_en.trim().to_owned());
    active.start_year = Set(facts.start_year);
    active.end_year = Set(facts.end_year);
    active.requires_political_commitment = Set(facts.requires_political_commitment);
    active.description = Set(facts.description);
}

/// Adds a support programme.
pub async fn create_programme(
    db: &DatabaseConnection,
    request: &RequestContext,
    code: &str,
    facts: ProgrammeFacts,
) -> AppResult<support_programme::Model> {
    let actor = policy::may_administer(&request.caller)?;
    let code = code.trim().to_uppercase();
    let mut v = Validator::new();
    v.check(
        !code.is_empty()
            && code.len() <= 40
            && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
        "code",
        "INVALID",
        "1–40 letters, digits or underscores",
    );
    validate_programme(&facts, &mut v);
    v.check(
        programmes::programme_by_code(db, &code).await?.is_none(),
        "code",
        "DUPLICATE",
        code_taken(&code),
    );
    v.finish()?;
    let txn = writing::begin(db).await?;
    let now = Utc::now();
    let mut active = support_programme::ActiveModel {
        code: Set(code.clone()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    apply_programme(&mut active, facts);
    let created = active
        .insert(&txn)
        .await
        .map_err(writing::duplicate_on("code", code_taken(&code)))?;
    audit::commit(
        txn,
        request,
        actor,
        Change::created(
            "support_programme.create",
            "SupportProgramme",
            &created.code,
            &created,
        ),
    )
    .await?;
    Ok(created)
}

/// Changes a support programme.
pub async fn update_programme(
    db: &DatabaseConnection,
    request: &RequestContext,
    code: &str,
    version: i32,
    facts: ProgrammeFacts,
) -> AppResult<support_programme::Model> {
    let actor = policy::may_administer(&request.caller)?;
    let mut v = Validator::new();
    validate_programme(&facts, &mut v);
    v.finish()?;
    let txn = writing::begin(db).await?;
    let stored = support_programme::Entity::find()
        .filter(support_programme::Column::Code.eq(code.trim().to_uppercase()))
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found(format!("no programme has the code {code:?}")))?;
    check_version("support programme", version, stored.version)?;
    let mut active: support_programme::ActiveModel = stored.clone().into();
    apply_programme(&mut active, facts);
    let columns = Versioned {
        id: support_programme::Column::Id,
        version: support_programme::Column::Version,
        updated_at: support_programme::Column::UpdatedAt,
    };
    let updated = save_versioned(
        &txn,
        "support programme",
        columns,
        active,
        stored.id,
        version,
    )
    .await?;
    audit::commit(
        txn,
        request,
        actor,
        Change::updated(
            "support_programme.update",
            "SupportProgramme",
            &stored.code,
            &stored,
            &updated,
        ),
    )
    .await?;
    Ok(updated)
}

/// A county board strategy as an administrator gives it.
#[derive(Debug, Clone)]
pub struct StrategyFacts {
    pub period_start_year: i32,
    pub period_end_year: i32,
    pub title: String,
    pub document_url: Option<String>,
    pub source: String,
}

/// Adds a county board's gender-mainstreaming strategy for a period.
pub async fn add_strategy(
    db: &DatabaseConnection,
    request: &RequestContext,
    county_code: &str,
    facts: StrategyFacts,
) -> AppResult<county_board_strategy::Model> {
    let actor = policy::may_administer(&request.caller)?;
    let board = geography::county_board_of(db, county_code.trim())
        .await?
        .ok_or_else(|| {
            AppError::invalid(
                "countyCode",
                "NOT_FOUND",
                format!("no county has the code {county_code:?}"),
            )
        })?;
    let mut v = Validator::new();
    v.period(
        ("periodStartYear", Some(facts.period_start_year)),
        ("periodEndYear", Some(facts.period_end_year)),
        None,
    );
    v.text("title", &facts.title, 300);
    v.text("source", &facts.source, 1000);
    if let Some(url) = &facts.document_url {
        v.check(
            url.starts_with("https://") || url.starts_with("http://"),
            "documentUrl",
            "INVALID",
            "must be an http(s) URL",
        );
    }
    v.finish()?;
    let txn = writing::begin(db).await?;
    let now = Utc::now();
    let created = county_board_strategy::ActiveModel {
        county_board_id: Set(board.id),
        period_start_year: Set(facts.period_start_year),
        period_end_year: Set(facts.period_end_year),
        title: Set(facts.title.trim().to_owned()),
        document_url: Set(facts.document_url),
        source: Set(facts.source.trim().to_owned()),
        data_origin: Set(DataOrigin::Reported.as_str().to_owned()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::commit(
        txn,
        request,
        actor,
        Change::created(
            "county_board_strategy.add",
            "CountyBoardStrategy",
            created.id,
            &created,
        ),
    )
    .await?;
    Ok(created)
}
