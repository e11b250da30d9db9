//! Programme participation and county board support, as members and admins record them.

use crate::auth::policy;
use crate::domain::register::DataOrigin;
use crate::domain::support::{FocusArea, ParticipationRole, SupportAssessment};
use crate::error::{AppError, AppResult};
use crate::services::audit::{self, Change};
use crate::services::writing::{
    self, RequestContext, Validator, Versioned, check_version, save_versioned,
};
use crate::services::{geography, organisations, programmes};
use chrono::Utc;
use entity::{county_board_support, county_board_support_focus, programme_participation};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
};
use serde::Serialize;

const ALREADY_TAKES_PART: &str =
    "the organisation already takes part in the programme in these years";

/// Adds an organisation's participation in a programme.
pub async fn add_participation(
    db: &DatabaseConnection,
    request: &RequestContext,
    organisation_code: &str,
    programme_code: &str,
    from_year: i32,
    to_year: Option<i32>,
    role: ParticipationRole,
) -> AppResult<programme_participation::Model> {
    writing::transaction(db, async |txn| {
        policy::authenticated(&request.caller)?;
        let organisation = organisations::by_code(txn, organisation_code)
            .await?
            .ok_or_else(|| {
                AppError::invalid(
                    "organisationCode",
                    "NOT_FOUND",
                    format!("no organisation has the code {organisation_code:?}"),
                )
            })?;
        let actor = policy::may_write_organisation(&request.caller, organisation.id)?;
        // Overlapping years are a rule over several rows that no index expresses: the
        // organisation's lock makes the check below and the insert one step.
        writing::lock_organisation(txn, organisation.id).await?;
        let programme = programmes::programme_by_code(txn, programme_code)
            .await?
            .ok_or_else(|| {
                AppError::invalid(
                    "programmeCode",
                    "NOT_FOUND",
                    format!("no programme has the code {programme_code:?}"),
                )
            })?;
        let mut v = Validator::new();
        v.year("fromYear", from_year);
        v.check(
            from_year >= programme.start_year,
            "fromYear",
            "OUT_OF_RANGE",
            format!("the programme started in {}", programme.start_year),
        );
        if let Some(to) = to_year {
            v.year("toYear", to);
            v.check(
                to >= from_year,
                "toYear",
                "ORDER",
                "must not be before fromYear",
            );
            if let Some(end) = programme.end_year {
                v.check(
                    to <= end,
                    "toYear",
                    "OUT_OF_RANGE",
                    format!("the programme ended in {end}"),
                );
            }
        }
        let overlapping = programme_participation::Entity::find()
            .filter(programme_participation::Column::OrganisationId.eq(organisation.id))
            .filter(programme_participation::Column::ProgrammeId.eq(programme.id))
            .all(txn)
            .await?
            .into_iter()
            .any(|p| {
                p.to_year.is_none_or(|t| t >= from_year) && to_year.is_none_or(|t| t >= p.from_year)
            });
        v.check(!overlapping, "fromYear", "DUPLICATE", ALREADY_TAKES_PART);
        v.finish()?;
        let now = Utc::now();
        let created = programme_participation::ActiveModel {
            organisation_id: Set(organisation.id),
            programme_id: Set(programme.id),
            from_year: Set(from_year),
            to_year: Set(to_year),
            role: Set(role.as_str().to_owned()),
            data_origin: Set(DataOrigin::Reported.as_str().to_owned()),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await
        .map_err(writing::duplicate_on("fromYear", ALREADY_TAKES_PART))?;
        audit::record(
            txn,
            request,
            actor,
            Change::created(
                "programme_participation.add",
                "ProgrammeParticipation",
                created.id,
                &created,
            ),
        )
        .await?;
        Ok(created)
    })
    .await
}

/// Ends a participation in the given year.
pub async fn end_participation(
    db: &DatabaseConnection,
    request: &RequestContext,
    id: i32,
    version: i32,
    to_year: i32,
) -> AppResult<programme_participation::Model> {
    writing::transaction(db, async |txn| {
        policy::authenticated(&request.caller)?;
        let stored = programme_participation::Entity::find_by_id(id)
            .one(txn)
            .await?
            .ok_or_else(|| AppError::not_found(format!("no programme participation {id}")))?;
        let actor = policy::may_write_organisation(&request.caller, stored.organisation_id)?;
        check_version("programme participation", version, stored.version)?;
        let mut v = Validator::new();
        v.check(
            stored.to_year.is_none(),
            "id",
            "INVALID",
            "the participation has already ended",
        );
        v.year("toYear", to_year);
        v.check(
            to_year >= stored.from_year,
            "toYear",
            "ORDER",
            format!("must not be before {}", stored.from_year),
        );
        v.finish()?;
        let mut active: programme_participation::ActiveModel = stored.clone().into();
        active.to_year = Set(Some(to_year));
        let columns = Versioned {
            id: programme_participation::Column::Id,
            version: programme_participation::Column::Version,
            updated_at: programme_participation::Column::UpdatedAt,
        };
        let updated =
            save_versioned(txn, "programme participation", columns, active, id, version).await?;
        audit::record(
            txn,
            request,
            actor,
            Change::updated(
                "programme_participation.end",
                "ProgrammeParticipation",
                id,
                &stored,
                &updated,
            ),
        )
        .await?;
        Ok(updated)
    })
    .await
}

#[derive(Serialize)]
struct SupportSnapshot<'a> {
    #[serde(flatten)]
    support: &'a county_board_support::Model,
    focus_areas: Vec<&'static str>,
}

/// Records the support the county board of the organisation's county gave in a year,
/// and how the organisation assesses it.
pub async fn record_county_board_support(
    db: &DatabaseConnection,
    request: &RequestContext,
    organisation_code: &str,
    year: i32,
    focus_areas: Vec<FocusArea>,
    assessment: SupportAssessment,
    notes: Option<String>,
) -> AppResult<county_board_support::Model> {
    policy::authenticated(&request.caller)?;
    let organisation = organisations::by_code(db, organisation_code)
        .await?
        .ok_or_else(|| {
            AppError::invalid(
                "organisationCode",
                "NOT_FOUND",
                format!("no organisation has the code {organisation_code:?}"),
            )
        })?;
    let actor = policy::may_write_organisation(&request.caller, organisation.id)?;
    let board = match &organisation.county_code {
        Some(county) => geography::county_board_of(db, county).await?,
        None => None,
    }
    .ok_or_else(|| {
        AppError::invalid(
            "organisationCode",
            "INVALID",
            "the organisation lies in no county, so no county board serves it",
        )
    })?;
    let mut v = Validator::new();
    v.year("year", year);
    v.check(
        !focus_areas.is_empty(),
        "focusAreas",
        "REQUIRED",
        "name at least one focus area",
    );
    if let Some(notes) = &notes {
        v.check(
            notes.chars().count() <= 5000,
            "notes",
            "TOO_LONG",
            "at most 5000 characters",
        );
    }
    v.finish()?;
    let mut areas: Vec<FocusArea> = focus_areas;
    areas.sort_by_key(|a| a.as_str());
    areas.dedup();
    let txn = writing::begin(db).await?;
    let now = Utc::now();
    let created = county_board_support::ActiveModel {
        county_board_id: Set(board.id),
        organisation_id: Set(organisation.id),
        year: Set(year),
        assessment: Set(assessment.as_str().to_owned()),
        notes: Set(notes),
        data_origin: Set(DataOrigin::Reported.as_str().to_owned()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    for area in &areas {
        county_board_support_focus::ActiveModel {
            support_id: Set(created.id),
            focus_area: Set(area.as_str().to_owned()),
        }
        .insert(&txn)
        .await?;
    }
    let after = SupportSnapshot {
        support: &created,
        focus_areas: areas.iter().map(|a| a.as_str()).collect(),
    };
    let change = Change::created(
        "county_board_support.record",
        "CountyBoardSupport",
        created.id,
        &after,
    );
    audit::commit(txn, request, actor, change).await?;
    Ok(created)
}
