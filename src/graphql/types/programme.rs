//! SKR's support programmes.

use crate::graphql::ids;
use async_graphql::{ID, Object};
use entity::support_programme;

/// A support programme run by SKR for its members, such as Program för hållbar
/// jämställdhet (2008–2013) or Modellkonceptet (since 2015).
pub struct SupportProgramme(pub support_programme::Model);

#[Object]
impl SupportProgramme {
    /// Global id of the programme.
    pub async fn id(&self) -> ID {
        ids::encode("SupportProgramme", &self.0.code)
    }

    /// A stable code, e.g. "MODELLKONCEPTET".
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// The programme's Swedish name.
    async fn name(&self) -> &str {
        &self.0.name_sv
    }

    /// The programme's name in English.
    async fn name_en(&self) -> &str {
        &self.0.name_en
    }

    /// The first year of the programme.
    async fn start_year(&self) -> i32 {
        self.0.start_year
    }

    /// The last year of the programme; null while it runs.
    async fn end_year(&self) -> Option<i32> {
        self.0.end_year
    }

    /// Whether taking part required a documented political commitment (signing the
    /// charter served as one).
    async fn requires_political_commitment(&self) -> bool {
        self.0.requires_political_commitment
    }

    /// What the programme is.
    async fn description(&self) -> &str {
        &self.0.description
    }

    /// Whether the given year falls within the programme's years.
    async fn covers_year(&self, year: i32) -> bool {
        year >= self.0.start_year && self.0.end_year.is_none_or(|end| year <= end)
    }
}
