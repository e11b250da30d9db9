//! What a release publishes, as stored and served: every figure with its key, its value
//! (absent when withheld) and its provenance. Frozen at publication; every transport
//! renders these, none recomputes them.

use crate::domain::register::DataOrigin;
use serde::{Deserialize, Serialize};

/// Where a figure comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FigureOrigin {
    /// Printed in the study's own published report (`published_in` says where).
    Sourced,
    /// Computed from reconstructed records; the report did not publish it.
    Reconstructed,
    /// Computed from the records researchers entered.
    Reported,
}

impl FigureOrigin {
    /// The origin of figures computed from records of the given origin.
    pub fn of_records(records: Option<DataOrigin>) -> Self {
        match records {
            Some(DataOrigin::Reconstructed) => Self::Reconstructed,
            _ => Self::Reported,
        }
    }
}

/// One published figure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    pub key: String,
    /// The value; `None` when withheld.
    pub value: Option<f64>,
    pub suppressed: bool,
    pub origin: FigureOrigin,
    /// Where the source printed it, if it did.
    pub published_in: Option<String>,
}

impl Figure {
    /// The value as a count.
    pub fn count(&self) -> Option<u64> {
        self.value.map(|v| v.max(0.0) as u64)
    }
}

/// One respondent group's row of the interviewee table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupFigures {
    pub code: String,
    pub label: String,
    pub total: Figure,
    pub by_role: Vec<(String, Figure)>,
    pub by_role_and_gender: Vec<(String, String, Figure)>,
}

/// Participating organisations of one kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KindFigures {
    pub kind: String,
    pub total: Figure,
    pub signatories: Figure,
    pub non_signatories: Figure,
}

/// One value of a codebook and how many gave it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValueFigures {
    pub value: String,
    pub label_sv: String,
    pub label_en: String,
    pub count: Figure,
}

/// The breakdown of one coded dimension: every codebook value in codebook order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DimensionFigures {
    pub dimension: String,
    pub level: String,
    pub multiple: bool,
    pub label_sv: String,
    pub label_en: String,
    /// How many (persons or organisations) answered.
    pub answered: Figure,
    /// How many did not.
    pub not_answered: Figure,
    pub values: Vec<ValueFigures>,
    /// Mean and median, for a numeric scale.
    pub mean: Option<Figure>,
    pub median: Option<Figure>,
}

/// Organisations whose signing year lies within a support programme's years.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProgrammeFigures {
    pub code: String,
    pub organisations: Figure,
}

/// Everything a release publishes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReleaseFigures {
    pub min_group_size: u64,
    pub interviews: Figure,
    pub organisations: Figure,
    pub sessions: Figure,
    pub group_interviews: Figure,
    pub digital_interviews: Figure,
    pub shortest_minutes: Figure,
    pub longest_minutes: Figure,
    pub interviewees: Vec<GroupFigures>,
    pub participants: Vec<KindFigures>,
    pub dimensions: Vec<DimensionFigures>,
    pub programmes: Vec<ProgrammeFigures>,
    /// Why whole parts are withheld, in plain words.
    pub notes: Vec<String>,
}

impl ReleaseFigures {
    /// Every figure of the release, in a stable order.
    pub fn all(&self) -> Vec<&Figure> {
        let mut all = vec![
            &self.interviews,
            &self.organisations,
            &self.sessions,
            &self.group_interviews,
            &self.digital_interviews,
            &self.shortest_minutes,
            &self.longest_minutes,
        ];
        for g in &self.interviewees {
            all.push(&g.total);
            all.extend(g.by_role.iter().map(|r| &r.1));
            all.extend(g.by_role_and_gender.iter().map(|r| &r.2));
        }
        for p in &self.participants {
            all.extend([&p.total, &p.signatories, &p.non_signatories]);
        }
        for d in &self.dimensions {
            all.extend([&d.answered, &d.not_answered]);
            all.extend(d.values.iter().map(|v| &v.count));
            all.extend(d.mean.iter().chain(d.median.iter()));
        }
        all.extend(self.programmes.iter().map(|p| &p.organisations));
        all
    }

    /// A dimension's breakdown.
    pub fn dimension(&self, dimension: &str) -> Option<&DimensionFigures> {
        self.dimensions.iter().find(|d| d.dimension == dimension)
    }
}
