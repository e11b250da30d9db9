//! The codes a list filter names, resolved to their stored form before the list runs: a
//! region or county in Kolada's `00xx` form or with the zero a spreadsheet dropped
//! (`7` for `07`), a municipality as `764` for `0764`. A code that names nothing is bad
//! input: an empty list would say "none match" when the truth is "no such code".

use crate::domain::codes::{normalise_county_code, normalise_organisation_code};
use crate::error::{AppError, AppResult};
use entity::{county, organisation, support_programme};
use sea_orm::sea_query::Condition;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

/// County codes in their stored two-digit form; unknown ones are refused.
pub async fn county_codes(db: &impl ConnectionTrait, codes: &[String]) -> AppResult<Vec<String>> {
    let wanted: Vec<String> = codes.iter().map(|c| normalise_county_code(c)).collect();
    let known: Vec<String> = county::Entity::find()
        .select_only()
        .column(county::Column::Code)
        .filter(county::Column::Code.is_in(wanted.clone()))
        .into_tuple()
        .all(db)
        .await?;
    refuse_unknown(
        "county",
        codes,
        &wanted,
        &known,
        "01–25 (SCB) or 0001–0025 (Kolada)",
    )?;
    Ok(wanted)
}

/// Support programme codes as stored (upper case); unknown ones are refused.
pub async fn programme_codes(
    db: &impl ConnectionTrait,
    codes: &[String],
) -> AppResult<Vec<String>> {
    let wanted: Vec<String> = codes.iter().map(|c| c.trim().to_uppercase()).collect();
    let known: Vec<String> = support_programme::Entity::find()
        .select_only()
        .column(support_programme::Column::Code)
        .filter(support_programme::Column::Code.is_in(wanted.clone()))
        .into_tuple()
        .all(db)
        .await?;
    refuse_unknown("programme", codes, &wanted, &known, "e.g. MODELLKONCEPTET")?;
    Ok(wanted)
}

/// Organisation codes as stored; a region's county code (or Kolada form) names the
/// organisation with regional responsibility there, as look-ups by code do. Unknown
/// ones are refused.
pub async fn organisation_codes(
    db: &impl ConnectionTrait,
    codes: &[String],
) -> AppResult<Vec<String>> {
    let wanted: Vec<String> = codes
        .iter()
        .map(|c| normalise_organisation_code(c))
        .collect();
    let rows: Vec<(String, Option<String>)> = organisation::Entity::find()
        .select_only()
        .column(organisation::Column::Code)
        .column(organisation::Column::RegionalCountyCode)
        .filter(
            Condition::any()
                .add(organisation::Column::Code.is_in(wanted.clone()))
                .add(organisation::Column::RegionalCountyCode.is_in(wanted.clone())),
        )
        .into_tuple()
        .all(db)
        .await?;
    let stored_form = |code: &str| {
        rows.iter()
            .find(|(c, _)| c == code)
            .or_else(|| rows.iter().find(|(_, r)| r.as_deref() == Some(code)))
            .map(|(c, _)| c.clone())
    };
    let known: Vec<String> = wanted
        .iter()
        .filter_map(|c| stored_form(c).map(|_| c.clone()))
        .collect();
    refuse_unknown(
        "organisation",
        codes,
        &wanted,
        &known,
        "SCB's codes, e.g. 0180 or 25",
    )?;
    Ok(wanted.iter().filter_map(|c| stored_form(c)).collect())
}

fn refuse_unknown(
    what: &str,
    given: &[String],
    wanted: &[String],
    known: &[String],
    hint: &str,
) -> AppResult<()> {
    let unknown: Vec<String> = given
        .iter()
        .zip(wanted)
        .filter(|(_, w)| !known.contains(w))
        .map(|(g, _)| format!("{:?}", g.trim()))
        .collect();
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(AppError::bad_input(format!(
            "unknown {what} code {}; {what} codes are {hint}",
            unknown.join(", ")
        )))
    }
}
