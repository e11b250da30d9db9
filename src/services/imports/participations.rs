//! Programme participation rows, keyed by organisation code, programme code and first
//! year, imported in two steps like action plans: every row is validated against the
//! programmes and the organisations' participations read once (no transaction), then
//! the new participations are inserted with multi-row statements and the ended ones
//! updated, in one short transaction.

use super::batch::{self, Outcome};
use super::prefetch::{self, Organisations};
use super::reader::Reader;
use super::source::{Columns, Record, RowError};
use super::{ImportFailure, Tally, pace, reported};
use crate::domain::register::DataOrigin;
use crate::domain::support::ParticipationRole;
use crate::error::{AppError, AppResult};
use crate::services::writing::{RequestContext, Validator};
use chrono::Utc;
use entity::{programme_participation, support_programme};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    QueryFilter, QuerySelect,
};
use std::collections::{BTreeSet, HashMap};

pub static COLUMNS: Columns = Columns {
    key: &["organisation_code", "programme_code", "from_year"],
    required: &["organisation_code", "programme_code", "from_year"],
    optional: &["to_year", "role"],
    read_only: &["organisation_name", "data_origin", "updated_at"],
};

const ALREADY_TAKES_PART: &str =
    "the organisation already takes part in the programme in these years";

/// A valid row that writes something.
enum Write {
    Create(programme_participation::Model),
    End {
        stored: programme_participation::Model,
        to_year: i32,
    },
}

/// Every row validated and compared: what the write step does.
pub struct Prepared {
    pub tally: Tally,
    pub organisation_ids: BTreeSet<i32>,
    /// Every participation of the organisations as read, by id with its version: the
    /// overlap rule spans rows no index covers, so any change among them means the rows
    /// must be checked again.
    seen: HashMap<i32, i32>,
    writes: Vec<Write>,
}

struct Row {
    line: usize,
    organisation_id: i32,
    programme_code: String,
    from_year: i32,
    to_year: Option<i32>,
    role: ParticipationRole,
}

/// One row's typed values, or its field errors.
fn read(record: &Record) -> AppResult<(String, String, i32, Option<i32>, ParticipationRole)> {
    let mut r = Reader::new(record);
    let code = r.required("organisation_code");
    let programme_code = r.required("programme_code");
    let from_year = r.int("from_year");
    let to_year = r.int("to_year");
    let role = r
        .code("role", ParticipationRole::from_stored)
        .unwrap_or(ParticipationRole::Participant);
    r.finish()?;
    let Some(from_year) = from_year else {
        return Err(AppError::invalid(
            "fromYear",
            "REQUIRED",
            "from_year is required",
        ));
    };
    Ok((code, programme_code, from_year, to_year, role))
}

/// Every programme by its code.
async fn programmes(
    db: &impl ConnectionTrait,
) -> AppResult<HashMap<String, support_programme::Model>> {
    Ok(support_programme::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.code.clone(), p))
        .collect())
}

/// Every participation of the organisations.
async fn participations_of(
    db: &impl ConnectionTrait,
    organisation_ids: &[i32],
) -> AppResult<Vec<programme_participation::Model>> {
    prefetch::in_slices_of(
        db,
        organisation_ids,
        prefetch::ORGANISATIONS_PER_READ,
        |slice| {
            programme_participation::Entity::find()
                .filter(programme_participation::Column::OrganisationId.is_in(slice))
                .into_model()
        },
    )
    .await
}

/// The checks `supporting::add_participation` makes of a new participation's years.
fn check_new(programme: &support_programme::Model, row: &Row) -> AppResult<()> {
    let mut v = Validator::new();
    v.year("fromYear", row.from_year);
    v.check(
        row.from_year >= programme.start_year,
        "fromYear",
        "OUT_OF_RANGE",
        format!("the programme started in {}", programme.start_year),
    );
    if let Some(to) = row.to_year {
        v.year("toYear", to);
        v.check(
            to >= row.from_year,
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
    v.finish()
}

/// The checks `supporting::end_participation` makes of an end year.
fn check_end(stored: &programme_participation::Model, to_year: i32) -> AppResult<()> {
    let mut v = Validator::new();
    v.year("toYear", to_year);
    v.check(
        to_year >= stored.from_year,
        "toYear",
        "ORDER",
        format!("must not be before {}", stored.from_year),
    );
    v.finish()
}

/// The first and, once ended, the last year of a participation.
type Years = (i32, Option<i32>);

fn overlaps(a: Years, b: Years) -> bool {
    a.1.is_none_or(|t| t >= b.0) && b.1.is_none_or(|t| t >= a.0)
}

/// Validates every row and decides what it writes, reading the organisations, the
/// programmes and the organisations' participations once. Row problems are all
/// collected; a row of an organisation the caller may not write refuses the whole import.
pub async fn prepare(
    db: &DatabaseConnection,
    request: &RequestContext,
    records: &[Record],
) -> Result<Prepared, ImportFailure> {
    let organisations = Organisations::load(db).await?;
    let mut errors: Vec<RowError> = Vec::new();
    let mut rows = Vec::with_capacity(records.len());
    for (i, record) in records.iter().enumerate() {
        pace(i).await;
        let outcome = read(record).and_then(|(code, programme_code, from_year, to_year, role)| {
            let (organisation_id, _) = organisations.writable(request, &code)?;
            Ok(Row {
                line: record.line,
                organisation_id,
                programme_code: programme_code.trim().to_uppercase(),
                from_year,
                to_year,
                role,
            })
        });
        match outcome {
            Ok(row) => rows.push(row),
            Err(err) => errors.extend(reported(record.line, err)?),
        }
    }
    if !errors.is_empty() {
        return Err(ImportFailure::Rejected(errors));
    }
    let organisation_ids: BTreeSet<i32> = rows.iter().map(|r| r.organisation_id).collect();
    let programmes = programmes(db).await?;
    let ids: Vec<i32> = organisation_ids.iter().copied().collect();
    let stored = participations_of(db, &ids).await?;
    let seen: HashMap<i32, i32> = stored.iter().map(|p| (p.id, p.version)).collect();
    // The years each organisation takes part in each programme once the import is
    // written: the stored participations (as ended by the import) and the new ones.
    let mut years: HashMap<(i32, i32), Vec<Years>> = HashMap::new();
    let mut by_key: HashMap<(i32, i32, i32), programme_participation::Model> = HashMap::new();
    for p in stored {
        years
            .entry((p.organisation_id, p.programme_id))
            .or_default()
            .push((p.from_year, p.to_year));
        by_key.insert((p.organisation_id, p.programme_id, p.from_year), p);
    }
    let mut tally = Tally {
        rows: records.len(),
        ..Default::default()
    };
    let mut first_line: HashMap<(i32, i32, i32), usize> = HashMap::new();
    let mut creates: Vec<(usize, programme_participation::Model)> = Vec::new();
    let mut writes = Vec::new();
    let now = Utc::now();
    for (i, row) in rows.into_iter().enumerate() {
        pace(i).await;
        let line = row.line;
        let Some(programme) = programmes.get(&row.programme_code) else {
            errors.extend(reported(
                line,
                AppError::invalid(
                    "programmeCode",
                    "NOT_FOUND",
                    format!("no programme has the code {:?}", row.programme_code),
                ),
            )?);
            continue;
        };
        let key = (row.organisation_id, programme.id, row.from_year);
        // Two codes can name one organisation (its code and its regional county code).
        if let Some(first) = first_line.insert(key, line) {
            errors.push(RowError::new(
                line,
                Some("from_year"),
                "DUPLICATE",
                format!("the same organisation, programme and first year as line {first}"),
            ));
            continue;
        }
        match by_key.remove(&key) {
            None => match check_new(programme, &row) {
                Ok(()) => creates.push((
                    line,
                    programme_participation::Model {
                        id: 0,
                        organisation_id: row.organisation_id,
                        programme_id: programme.id,
                        from_year: row.from_year,
                        to_year: row.to_year,
                        role: row.role.as_str().to_owned(),
                        data_origin: DataOrigin::Reported.as_str().to_owned(),
                        version: 1,
                        created_at: now,
                        updated_at: now,
                    },
                )),
                Err(err) => errors.extend(reported(line, err)?),
            },
            Some(stored) if stored.to_year == row.to_year && stored.role == row.role.as_str() => {
                tally.unchanged += 1;
            }
            Some(stored) if stored.to_year.is_none() && stored.role == row.role.as_str() => {
                let Some(to_year) = row.to_year else {
                    tally.unchanged += 1;
                    continue;
                };
                match check_end(&stored, to_year) {
                    Ok(()) => {
                        if let Some(range) = years
                            .get_mut(&(stored.organisation_id, stored.programme_id))
                            .and_then(|ranges| {
                                ranges
                                    .iter_mut()
                                    .find(|(from, to)| *from == stored.from_year && to.is_none())
                            })
                        {
                            range.1 = Some(to_year);
                        }
                        tally.updated += 1;
                        writes.push(Write::End { stored, to_year });
                    }
                    Err(err) => errors.extend(reported(line, err)?),
                }
            }
            Some(_) => errors.extend(reported(
                line,
                AppError::invalid(
                    "toYear",
                    "INVALID",
                    "an ended participation or its role cannot be changed by an import",
                ),
            )?),
        }
    }
    // The overlap rule, checked once every stored participation the import ends is
    // ended: a new participation overlaps neither a stored one nor an earlier row's.
    for (line, created) in creates {
        let range = (created.from_year, created.to_year);
        let ranges = years
            .entry((created.organisation_id, created.programme_id))
            .or_default();
        if ranges.iter().any(|other| overlaps(range, *other)) {
            errors.push(RowError::new(
                line,
                Some("from_year"),
                "DUPLICATE",
                ALREADY_TAKES_PART,
            ));
            continue;
        }
        ranges.push(range);
        tally.created += 1;
        writes.push(Write::Create(created));
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        return Err(ImportFailure::Rejected(errors));
    }
    Ok(Prepared {
        tally,
        organisation_ids,
        seen,
        writes,
    })
}

/// Whether the organisations' participations are still those the rows were checked
/// against (the caller holds the organisations' locks).
async fn unchanged_since(txn: &DatabaseTransaction, staged: &Staged) -> AppResult<bool> {
    let now: Vec<(i32, i32)> = prefetch::in_slices(txn, &staged.organisation_ids, |slice| {
        programme_participation::Entity::find()
            .select_only()
            .column(programme_participation::Column::Id)
            .column(programme_participation::Column::Version)
            .filter(programme_participation::Column::OrganisationId.is_in(slice))
            .into_tuple()
    })
    .await?;
    Ok(now.len() == staged.seen.len()
        && now
            .iter()
            .all(|(id, version)| staged.seen.get(id) == Some(version)))
}

/// What `prepare` decided, as rows ready to write.
pub struct Staged {
    organisation_ids: Vec<i32>,
    seen: HashMap<i32, i32>,
    rows: batch::Staged<programme_participation::Model>,
}

/// Builds the rows `prepare` decided on, and their audit entries (no database).
pub fn stage(prepared: Prepared) -> AppResult<Staged> {
    let now = Utc::now();
    let mut updates = Vec::new();
    let mut creates = Vec::new();
    for write in prepared.writes {
        match write {
            Write::Create(created) => creates.push(created),
            Write::End { stored, to_year } => {
                let updated = programme_participation::Model {
                    to_year: Some(to_year),
                    version: stored.version + 1,
                    updated_at: now,
                    ..stored.clone()
                };
                updates.push((stored, updated));
            }
        }
    }
    Ok(Staged {
        organisation_ids: prepared.organisation_ids.into_iter().collect(),
        seen: prepared.seen,
        rows: batch::Staged::new(updates, creates)?,
    })
}

/// Writes the staged rows. `Outcome::Moved` when the organisations' participations moved
/// since they were read: nothing may be committed then, and the import is prepared
/// again.
pub async fn write(
    txn: &DatabaseTransaction,
    request: &RequestContext,
    staged: Staged,
) -> AppResult<Outcome> {
    if !unchanged_since(txn, &staged).await? {
        return Ok(Outcome::Moved);
    }
    staged.rows.write(txn, request).await
}
