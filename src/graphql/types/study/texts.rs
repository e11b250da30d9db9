//! What a study publishes as text: quotes, seminars and findings. Visible with the study.

use super::release::FigureOrigin;
use crate::graphql::enums::{FindingKind, InterviewRole};
use crate::graphql::loaders::{AttendanceOf, load_list};
use crate::graphql::types::paging::page_args;
use crate::graphql::types::scalars::Date;
use crate::graphql::{db, ids, loaders};
use crate::services::studies::reads;
use async_graphql::connection::{Connection, EmptyFields};
use async_graphql::{Context, ID, Object, Result, SimpleObject};
use entity::{quote, seminar, study, study_finding};
use sea_orm::DatabaseConnection;

/// Extra fields of a study's quote list.
pub struct QuoteListInfo {
    pub db: DatabaseConnection,
    pub study_id: i32,
    pub theme: Option<String>,
}

/// Extra fields of a study's quote list.
#[Object]
impl QuoteListInfo {
    /// How many quotes match, across all pages.
    async fn total_count(&self) -> Result<u64> {
        Ok(reads::quote_count(&self.db, self.study_id, self.theme.as_deref()).await?)
    }
}

/// A page of quotes.
pub type QuoteConnection = Connection<String, Quote, QuoteListInfo, EmptyFields>;

/// Extra fields of a study's finding list.
pub struct FindingListInfo {
    pub db: DatabaseConnection,
    pub study_id: i32,
    pub kinds: Vec<&'static str>,
}

/// Extra fields of a study's finding list.
#[Object]
impl FindingListInfo {
    /// How many findings match, across all pages.
    async fn total_count(&self) -> Result<u64> {
        Ok(reads::finding_count(&self.db, self.study_id, &self.kinds).await?)
    }
}

/// A page of findings.
pub type StudyFindingConnection = Connection<String, StudyFinding, FindingListInfo, EmptyFields>;

/// Every finding of one kind, in order.
pub async fn all_findings(
    ctx: &Context<'_>,
    study_id: i32,
    kind: FindingKind,
) -> Result<Vec<StudyFinding>> {
    let args = page_args(Some(100), None, None, None);
    Ok(reads::findings(db(ctx)?, study_id, &[kind.as_str()], &args)
        .await?
        .items
        .into_iter()
        .map(|(_, f)| StudyFinding(f))
        .collect())
}

/// A quote as the study published it, with its coarse attribution; nothing links it to
/// an interview or a person.
pub struct Quote(pub quote::Model);

/// A quote as the study published it, with its coarse attribution; nothing links it to
/// an interview or a person.
#[Object]
impl Quote {
    /// Global id of the quote.
    pub async fn id(&self) -> ID {
        ids::encode("Quote", self.0.id)
    }

    /// The quote, verbatim.
    async fn text(&self) -> &str {
        &self.0.text
    }

    /// The attribution as printed, e.g. "Strateg, kommun".
    async fn attribution(&self) -> &str {
        &self.0.attribution
    }

    /// The role in the attribution.
    async fn role(&self) -> Option<InterviewRole> {
        InterviewRole::from_stored(&self.0.role)
    }

    /// The kind of organisation in the attribution, e.g. MUNICIPALITY.
    async fn organisation_kind(&self) -> &str {
        &self.0.organisation_kind
    }

    /// The section of the report it appears in.
    async fn section(&self) -> &str {
        &self.0.section
    }

    /// Theme keywords.
    async fn themes(&self) -> Vec<&str> {
        self.0.themes.split('|').filter(|t| !t.is_empty()).collect()
    }
}

/// How many attended a seminar from one group.
#[derive(SimpleObject)]
pub struct SeminarAttendance {
    /// The group, e.g. MUNICIPALITY, REGION, SKR.
    pub group: String,
    /// How many organisations it came from, if known.
    pub organisations: Option<i32>,
    /// Where the study's report printed the organisations; null when it did not.
    pub organisations_published_in: Option<String>,
    /// How many people, if known.
    pub participants: Option<i32>,
    /// Where the study's report printed the people; null when it did not (the 2021
    /// report gives 20 people from municipalities and regions together, not the split).
    pub participants_published_in: Option<String>,
    /// Where the counts come from: SOURCED when the report printed both, else
    /// RECONSTRUCTED (the 2021 study) or REPORTED (entered by researchers).
    pub origin: FigureOrigin,
}

/// An analysis seminar of a study.
pub struct Seminar {
    seminar: seminar::Model,
    /// The origin of what researchers entered for this study.
    origin: FigureOrigin,
}

impl Seminar {
    pub fn new(seminar: seminar::Model, study: &study::Model) -> Self {
        Self {
            seminar,
            origin: FigureOrigin::of_study(study),
        }
    }

    async fn citation(&self, ctx: &Context<'_>, key: &str) -> Result<Option<String>> {
        Ok(reads::source_citation(db(ctx)?, self.seminar.study_id, key).await?)
    }
}

/// An analysis seminar of a study.
#[Object]
impl Seminar {
    /// Global id of the seminar.
    pub async fn id(&self) -> ID {
        ids::encode("Seminar", self.seminar.id)
    }

    /// Its number within the study.
    async fn number(&self) -> i32 {
        self.seminar.number
    }

    /// When it was held.
    async fn held_on(&self) -> Option<Date> {
        Date::from_stored(self.seminar.held_on.as_deref())
    }

    /// Where the report printed the date; null when it did not (the 2021 study's dates
    /// are reconstructed).
    async fn held_on_published_in(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        self.citation(ctx, &format!("seminars/{}/heldOn", self.seminar.number))
            .await
    }

    /// What it was.
    async fn description(&self) -> &str {
        &self.seminar.description
    }

    /// Attendance per group.
    async fn attendance(&self, ctx: &Context<'_>) -> Result<Vec<SeminarAttendance>> {
        let rows: Vec<entity::seminar_attendance::Model> =
            load_list(loaders(ctx)?, AttendanceOf(self.seminar.id)).await?;
        let mut result = Vec::with_capacity(rows.len());
        for a in rows {
            let key = format!("seminars/{}/{}", self.seminar.number, a.group_name);
            let organisations_published_in =
                self.citation(ctx, &format!("{key}/organisations")).await?;
            let participants_published_in =
                self.citation(ctx, &format!("{key}/participants")).await?;
            let printed =
                |known: Option<i32>, cited: &Option<String>| known.is_none() || cited.is_some();
            let sourced = printed(a.organisations, &organisations_published_in)
                && printed(a.participants, &participants_published_in)
                && (a.organisations.is_some() || a.participants.is_some());
            result.push(SeminarAttendance {
                origin: if sourced {
                    FigureOrigin::Sourced
                } else {
                    self.origin
                },
                organisations_published_in,
                participants_published_in,
                group: a.group_name,
                organisations: a.organisations,
                participants: a.participants,
            });
        }
        Ok(result)
    }
}

/// A finding, recommendation or proposal of a study.
pub struct StudyFinding(pub study_finding::Model);

/// A finding, recommendation or proposal of a study.
#[Object]
impl StudyFinding {
    /// Global id of the finding.
    pub async fn id(&self) -> ID {
        ids::encode("StudyFinding", self.0.id)
    }

    /// What kind of statement it is.
    async fn kind(&self) -> Option<FindingKind> {
        FindingKind::from_stored(&self.0.kind)
    }

    /// Its number within its kind.
    async fn number(&self) -> i32 {
        self.0.number
    }

    /// Its title (recommendations: the heading as printed; proposals: the proposal).
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// Its text as printed (proposals: the explanation).
    async fn text(&self) -> &str {
        &self.0.text
    }

    /// The section of the report it comes from.
    async fn section(&self) -> &str {
        &self.0.section
    }
}
