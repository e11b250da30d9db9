//! The figures of a release (or of the preview of the next one), as stored: a withheld
//! figure is `count: null` with `suppressed: true`, never 0, and every figure says where
//! it comes from.

use super::figures::{
    AnswerFrequencies, GroupLabel, IntervieweeGroup, ParticipantCount, ProgrammeYearsCount,
    RatingSummary, RoleCount, RoleGenderCount, StatisticFigure,
};
use crate::domain::study::AnswerDimension;
use crate::error::AppError;
use crate::services::studies::releases::figures::{Figure, ReleaseFigures};
use async_graphql::{Object, Result};
use chrono::{DateTime, Utc};
use entity::study_release;

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
