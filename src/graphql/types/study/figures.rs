//! The shapes of a release's figures: every count may be withheld and says where it
//! comes from.

use super::release::FigureOrigin;
use crate::services::studies::releases::figures::{DimensionFigures, Figure};
use async_graphql::SimpleObject;

/// A count that may be withheld, with its provenance.
#[derive(SimpleObject)]
pub struct Count {
    /// How many; null when withheld.
    pub count: Option<u64>,
    /// True when withheld to protect the persons counted.
    pub suppressed: bool,
    /// Where the figure comes from.
    pub origin: FigureOrigin,
    /// Where the study's report printed it; null when it did not.
    pub published_in: Option<String>,
}

impl From<&Figure> for Count {
    fn from(f: &Figure) -> Self {
        Self {
            count: f.count(),
            suppressed: f.suppressed,
            origin: f.origin.into(),
            published_in: f.published_in.clone(),
        }
    }
}

/// Any figure of a release, by key (e.g. `interviewees/MEMBER/STRATEGIST/WOMAN`,
/// `answers/RATING/_MEAN`).
#[derive(SimpleObject)]
pub struct StatisticFigure {
    /// The figure's key.
    pub key: String,
    /// Its value; null when withheld.
    pub value: Option<f64>,
    /// True when withheld.
    pub suppressed: bool,
    /// Where it comes from.
    pub origin: FigureOrigin,
    /// Where the study's report printed it; null when it did not.
    pub published_in: Option<String>,
}

/// A value of a codebook and how many gave it.
#[derive(SimpleObject)]
pub struct ValueCount {
    /// The coded value, e.g. "2008" or "FOLLOWED_UP".
    pub value: String,
    /// Its Swedish label.
    pub label_sv: String,
    /// Its English label.
    pub label_en: String,
    /// How many; null when withheld.
    pub count: Option<u64>,
    /// True when withheld.
    pub suppressed: bool,
    /// Where the figure comes from.
    pub origin: FigureOrigin,
    /// Where the study's report printed it; null when it did not.
    pub published_in: Option<String>,
}

/// The breakdown of a coded dimension: every codebook value, in codebook order, shown or
/// withheld alike, so which values occur is never told.
#[derive(SimpleObject)]
pub struct AnswerFrequencies {
    /// The dimension, e.g. "AWARENESS".
    pub dimension: String,
    /// Its Swedish label.
    pub label_sv: String,
    /// Its English label.
    pub label_en: String,
    /// PERSON (counted in interviewees) or ORGANISATION (counted in organisations).
    pub level: String,
    /// Whether one interviewee could give several values (counts then add up to more).
    pub multiple: bool,
    /// How many answered; null when withheld.
    pub base: Option<u64>,
    /// How many answered, with provenance.
    pub answered: Count,
    /// How many did not answer.
    pub not_answered: Count,
    /// Per value.
    pub values: Vec<ValueCount>,
}

impl From<&DimensionFigures> for AnswerFrequencies {
    fn from(d: &DimensionFigures) -> Self {
        Self {
            dimension: d.dimension.clone(),
            label_sv: d.label_sv.clone(),
            label_en: d.label_en.clone(),
            level: d.level.clone(),
            multiple: d.multiple,
            base: d.answered.count(),
            answered: (&d.answered).into(),
            not_answered: (&d.not_answered).into(),
            values: d
                .values
                .iter()
                .map(|v| ValueCount {
                    value: v.value.clone(),
                    label_sv: v.label_sv.clone(),
                    label_en: v.label_en.clone(),
                    count: v.count.count(),
                    suppressed: v.count.suppressed,
                    origin: v.count.origin.into(),
                    published_in: v.count.published_in.clone(),
                })
                .collect(),
        }
    }
}

/// A role's count within a respondent group.
#[derive(SimpleObject)]
pub struct RoleCount {
    /// The role: POLITICIAN, MANAGEMENT, STRATEGIST or OTHER.
    pub role: String,
    /// How many; null when withheld.
    pub count: Option<u64>,
    /// True when withheld.
    pub suppressed: bool,
    /// Where the figure comes from.
    pub origin: FigureOrigin,
    /// Where the study's report printed it; null when it did not.
    pub published_in: Option<String>,
}

/// A role and gender's count within a respondent group.
#[derive(SimpleObject)]
pub struct RoleGenderCount {
    /// The role.
    pub role: String,
    /// The gender as recorded: WOMAN, MAN or NOT_RECORDED.
    pub gender: String,
    /// How many; null when withheld.
    pub count: Option<u64>,
    /// True when withheld.
    pub suppressed: bool,
    /// Where the figure comes from.
    pub origin: FigureOrigin,
    /// Where the study's report printed it; null when it did not.
    pub published_in: Option<String>,
}

/// A respondent group as a release names it.
#[derive(SimpleObject)]
pub struct GroupLabel {
    /// Its code, e.g. "MEMBER".
    pub code: String,
    /// Its label, e.g. "Kommun/region".
    pub label: String,
}

/// One row of the interviewee table (the report's Table 1).
#[derive(SimpleObject)]
pub struct IntervieweeGroup {
    /// The respondent group.
    pub group: GroupLabel,
    /// How many interviewees it has.
    pub total: Count,
    /// By role.
    pub by_role: Vec<RoleCount>,
    /// By role and gender.
    pub by_role_and_gender: Vec<RoleGenderCount>,
}

/// Participating organisations of one kind.
#[derive(SimpleObject)]
pub struct ParticipantCount {
    /// MUNICIPALITY, REGION, or another kind.
    pub kind: String,
    /// How many took part.
    pub total: Count,
    /// How many were signatories at the time.
    pub signatories: Count,
    /// How many were not.
    pub non_signatories: Count,
}

/// The importance ratings.
#[derive(SimpleObject)]
pub struct RatingSummary {
    /// How many interviewees used the 1–5 scale; null when withheld.
    pub respondents: Option<u64>,
    /// True when the mean and median are withheld (fewer than the minimum rated, or
    /// they would give a withheld count away).
    pub suppressed: bool,
    /// The mean rating.
    pub mean: Option<f64>,
    /// The median rating.
    pub median: Option<f64>,
    /// Where the mean and median come from.
    pub origin: FigureOrigin,
    /// Where the study's report printed them; null when it did not.
    pub published_in: Option<String>,
    /// How many gave each rating.
    pub distribution: Vec<ValueCount>,
}

/// Organisations whose signing year fell within a support programme's years.
#[derive(SimpleObject)]
pub struct ProgrammeYearsCount {
    /// The programme's code.
    pub programme_code: String,
    /// How many organisations; null when withheld.
    pub organisations: Option<u64>,
    /// True when withheld.
    pub suppressed: bool,
    /// Where the figure comes from.
    pub origin: FigureOrigin,
    /// Where the study's report printed it; null when it did not.
    pub published_in: Option<String>,
}
