//! The figures of a release (or of the preview of the next one), as stored: a withheld
//! figure is `count: null` with `suppressed: true`, never 0, and every figure says where
//! it comes from.

use super::release::FigureOrigin;
use crate::domain::study::AnswerDimension;
use crate::error::AppError;
use crate::services::studies::releases::figures::{DimensionFigures, Figure, ReleaseFigures};
use async_graphql::{Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::study_release;

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

/// The public figures of a study release (or of the preview of the next one).
pub struct StudyStatistics {
    release: Option<(i32, DateTime<Utc>)>,
    figures: ReleaseFigures,
}

impl StudyStatistics {
    /// The figures of a published release.
    pub fn released(release: &study_release::Model, figures: ReleaseFigures) -> Self {
        Self {
            release: Some((release.number, release.published_at)),
            figures,
        }
    }

    /// The figures the next release would show.
    pub fn preview(figures: ReleaseFigures) -> Self {
        Self {
            release: None,
            figures,
        }
    }

    fn dimension(&self, dimension: AnswerDimension) -> Option<AnswerFrequencies> {
        self.figures.dimension(dimension.as_str()).map(Into::into)
    }
}

/// The public figures of a study release (or of the preview of the next one). Every
/// count under the minimum group size is withheld, and more are withheld so that none can
/// be worked out from the others or from an earlier release.
#[Object]
impl StudyStatistics {
    /// The release's number; null for a preview.
    async fn release(&self) -> Option<i32> {
        self.release.map(|r| r.0)
    }

    /// When the release was published; null for a preview.
    async fn published_at(&self) -> Option<DateTime<Utc>> {
        self.release.map(|r| r.1)
    }

    /// The minimum group size: smaller counts are withheld.
    async fn minimum_group_size(&self) -> u64 {
        self.figures.min_group_size
    }

    /// Interviewees (one interview record is one person); null when withheld.
    async fn interviews(&self) -> Option<u64> {
        self.figures.interviews.count()
    }

    /// Participating organisations; null when withheld.
    async fn organisations(&self) -> Option<u64> {
        self.figures.organisations.count()
    }

    /// Interview sessions (interviewees interviewed together share one).
    async fn sessions(&self) -> Option<u64> {
        self.figures.sessions.count()
    }

    /// Sessions where several interviewees took part together.
    async fn group_interviews(&self) -> Option<u64> {
        self.figures.group_interviews.count()
    }

    /// Interviews held digitally.
    async fn digital_interviews(&self) -> Option<u64> {
        self.figures.digital_interviews.count()
    }

    /// The shortest interview, in minutes.
    async fn shortest_interview_minutes(&self) -> Option<u64> {
        self.figures.shortest_minutes.count()
    }

    /// The longest interview, in minutes.
    async fn longest_interview_minutes(&self) -> Option<u64> {
        self.figures.longest_minutes.count()
    }

    /// Participating organisations by kind, with how many were signatories.
    async fn participants(&self) -> Vec<ParticipantCount> {
        self.figures
            .participants
            .iter()
            .map(|p| ParticipantCount {
                kind: p.kind.clone(),
                total: (&p.total).into(),
                signatories: (&p.signatories).into(),
                non_signatories: (&p.non_signatories).into(),
            })
            .collect()
    }

    /// The interviewee table: per respondent group, its total and its breakdown by role
    /// and by role and gender.
    async fn interviewees(&self) -> Vec<IntervieweeGroup> {
        let cell = |f: &Figure| {
            (
                f.count(),
                f.suppressed,
                f.origin.into(),
                f.published_in.clone(),
            )
        };
        self.figures
            .interviewees
            .iter()
            .map(|g| IntervieweeGroup {
                group: GroupLabel {
                    code: g.code.clone(),
                    label: g.label.clone(),
                },
                total: (&g.total).into(),
                by_role: g
                    .by_role
                    .iter()
                    .map(|(role, f)| {
                        let (count, suppressed, origin, published_in) = cell(f);
                        RoleCount {
                            role: role.clone(),
                            count,
                            suppressed,
                            origin,
                            published_in,
                        }
                    })
                    .collect(),
                by_role_and_gender: g
                    .by_role_and_gender
                    .iter()
                    .map(|(role, gender, f)| {
                        let (count, suppressed, origin, published_in) = cell(f);
                        RoleGenderCount {
                            role: role.clone(),
                            gender: gender.clone(),
                            count,
                            suppressed,
                            origin,
                            published_in,
                        }
                    })
                    .collect(),
            })
            .collect()
    }

    /// Signing years, counted in organisations.
    async fn signing_years(&self) -> Option<AnswerFrequencies> {
        self.dimension(AnswerDimension::SigningYear)
    }

    /// Organisations whose signing year fell within each support programme's years.
    async fn signings_within_programmes(&self) -> Vec<ProgrammeYearsCount> {
        self.figures
            .programmes
            .iter()
            .map(|p| ProgrammeYearsCount {
                programme_code: p.code.clone(),
                organisations: p.organisations.count(),
                suppressed: p.organisations.suppressed,
                origin: p.organisations.origin.into(),
                published_in: p.organisations.published_in.clone(),
            })
            .collect()
    }

    /// Action plan situations, counted in organisations.
    async fn action_plan_situations(&self) -> Option<AnswerFrequencies> {
        self.dimension(AnswerDimension::ActionPlanSituation)
    }

    /// The importance ratings: respondents, mean, median, distribution.
    async fn ratings(&self) -> Option<RatingSummary> {
        let d = self.figures.dimension(AnswerDimension::Rating.as_str())?;
        let mean = d.mean.as_ref()?;
        let median = d.median.as_ref()?;
        let frequencies = AnswerFrequencies::from(d);
        Some(RatingSummary {
            respondents: d.answered.count(),
            suppressed: mean.suppressed,
            mean: mean.value,
            median: median.value,
            origin: mean.origin.into(),
            published_in: mean.published_in.clone(),
            distribution: frequencies.values,
        })
    }

    /// Motives for signing, counted in interviewees mentioning them.
    async fn motives(&self) -> Option<AnswerFrequencies> {
        self.dimension(AnswerDimension::Motive)
    }

    /// Support wanted, counted in interviewees mentioning it.
    async fn support_wanted(&self) -> Option<AnswerFrequencies> {
        self.dimension(AnswerDimension::SupportWanted)
    }

    /// Governance models described, counted in interviewees.
    async fn governance_models(&self) -> Option<AnswerFrequencies> {
        self.dimension(AnswerDimension::GovernanceModel)
    }

    /// Awareness of the commitment, counted in interviewees.
    async fn awareness(&self) -> Option<AnswerFrequencies> {
        self.dimension(AnswerDimension::Awareness)
    }

    /// Any coded dimension with a codebook, including those a later study added; counted
    /// in persons or organisations as its codebook says. `NOT_FOUND` for a dimension
    /// without a codebook in this release.
    async fn answers(&self, dimension: String) -> Result<AnswerFrequencies> {
        self.figures
            .dimension(&dimension)
            .map(Into::into)
            .ok_or_else(|| {
                AppError::not_found(format!("no codebook for {dimension:?} in this release")).into()
            })
    }

    /// Every coded dimension of the release, in the order its codebooks were defined.
    async fn dimensions(&self) -> Vec<AnswerFrequencies> {
        self.figures.dimensions.iter().map(Into::into).collect()
    }

    /// Every figure of the release, by key, with its provenance.
    async fn figures(&self) -> Vec<StatisticFigure> {
        self.figures
            .all()
            .into_iter()
            .map(|f| StatisticFigure {
                key: f.key.clone(),
                value: f.value,
                suppressed: f.suppressed,
                origin: f.origin.into(),
                published_in: f.published_in.clone(),
            })
            .collect()
    }

    /// Why whole parts of the release are withheld, in plain words.
    async fn notes(&self) -> &[String] {
        &self.figures.notes
    }
}
