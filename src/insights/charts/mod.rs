//! The charts: each is built from the register's statistics as a table (the CSV file and
//! the HTML table alternative) and drawn from that same table as SVG, so the picture,
//! the table and the download never disagree.

mod bars;
mod plans;
mod programmes;
mod signings;

pub use signings::programme_years;

use super::data::{self, Snapshot};
use super::i18n::Lang;
use super::map;
use crate::error::{AppError, AppResult};
use crate::services::organisations::OrganisationFilter;
use sea_orm::ConnectionTrait;

/// The embeddable charts, by the name in `/charts/{name}.svg`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    SigningsPerYear,
    CountyMap,
    ActionPlanStatus,
    ProgrammeParticipation,
}

impl ChartKind {
    /// Every chart, in the page's order.
    pub const ALL: [Self; 4] = [
        Self::CountyMap,
        Self::SigningsPerYear,
        Self::ActionPlanStatus,
        Self::ProgrammeParticipation,
    ];

    /// The name in the chart's URL and the SVG element's id.
    pub fn slug(self) -> &'static str {
        match self {
            Self::SigningsPerYear => "signings-per-year",
            Self::CountyMap => "county-map",
            Self::ActionPlanStatus => "action-plan-status",
            Self::ProgrammeParticipation => "programme-participation",
        }
    }

    /// The chart a URL names.
    pub fn from_slug(slug: &str) -> AppResult<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.slug() == slug)
            .ok_or_else(|| AppError::not_found(format!("no chart named {slug:?}")))
    }
}

/// A chart's figures as rows under a header; the first column names the row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// A drawn chart with its table alternative.
pub struct Chart {
    pub kind: ChartKind,
    pub title: String,
    /// The text alternative: what the chart shows, in a sentence or two.
    pub description: String,
    pub table: Table,
    pub svg: String,
    pub demo: bool,
}

/// Reads what one chart needs and draws it.
pub async fn load(
    db: &impl ConnectionTrait,
    kind: ChartKind,
    filter: &OrganisationFilter,
    lang: Lang,
) -> AppResult<Chart> {
    let filter = match kind {
        ChartKind::CountyMap => data::municipalities_unless_chosen(filter),
        _ => filter.clone(),
    };
    let snapshot = Snapshot::load(db, &filter).await?;
    Ok(draw(kind, &snapshot, lang))
}

/// Draws a chart from the register's figures.
pub fn draw(kind: ChartKind, snapshot: &Snapshot, lang: Lang) -> Chart {
    match kind {
        ChartKind::SigningsPerYear => signings::chart(snapshot, lang),
        ChartKind::CountyMap => map::chart(snapshot, lang),
        ChartKind::ActionPlanStatus => plans::chart(snapshot, lang),
        ChartKind::ProgrammeParticipation => programmes::chart(snapshot, lang),
    }
}

/// The sentence every demo chart's text alternative ends with.
pub fn demo_note(lang: Lang) -> &'static str {
    lang.pick(
        " Obs: bygger på demonstrationsdata, inte verkliga uppgifter.",
        " Note: built on demonstration data, not real records.",
    )
}

/// The label of the demonstration mark.
pub fn demo_label(lang: Lang) -> &'static str {
    lang.pick("DEMODATA", "DEMO DATA")
}
