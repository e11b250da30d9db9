//! Study statistics with small-group protection: a suppressed cell is `count: null`
//! with `suppressed: true`, never 0.

use crate::graphql::db;
use crate::graphql::enums::{AnswerDimension, InterviewRole, RecordedGender};
use crate::graphql::types::programme::SupportProgramme;
use crate::graphql::types::study::RespondentGroup;
use crate::services::programmes;
use crate::services::studies::statistics::{self as stats, Cell};
use async_graphql::{Context, Object, Result, SimpleObject};

/// Protected statistics of a study, for everyone.
pub struct StudyStatistics {
    pub study_id: i32,
    pub k: u64,
    /// Computed once for all the logistics fields of a request.
    logistics: tokio::sync::OnceCell<stats::Logistics>,
}

impl StudyStatistics {
    pub fn new(study_id: i32, k: u64) -> Self {
        Self {
            study_id,
            k,
            logistics: tokio::sync::OnceCell::new(),
        }
    }

    async fn logistics(&self, ctx: &Context<'_>) -> Result<stats::Logistics> {
        let db = db(ctx)?;
        Ok(*self
            .logistics
            .get_or_try_init(|| stats::logistics(db, self.study_id))
            .await?)
    }
}

/// A value with its count, or suppressed.
#[derive(SimpleObject)]
pub struct ValueCount {
    /// The coded value, e.g. "2008" or "FOLLOWED_UP".
    pub value: String,
    /// How many; null when suppressed.
    pub count: Option<u64>,
    /// True when the count is withheld because the group is smaller than the minimum.
    pub suppressed: bool,
}

/// How often each value of a coded answer was given.
#[derive(SimpleObject)]
pub struct AnswerFrequencies {
    /// How many interviews (or organisations) answered; always shown.
    pub base: u64,
    /// Per value.
    pub values: Vec<ValueCount>,
}

impl From<stats::Frequencies> for AnswerFrequencies {
    fn from(f: stats::Frequencies) -> Self {
        Self {
            base: f.base,
            values: f
                .values
                .into_iter()
                .map(|(value, Cell { count, suppressed })| ValueCount {
                    value,
                    count,
                    suppressed,
                })
                .collect(),
        }
    }
}

/// A role's count within a respondent group.
#[derive(SimpleObject)]
pub struct RoleCount {
    /// The role.
    pub role: InterviewRole,
    /// How many; null when suppressed.
    pub count: Option<u64>,
    /// True when withheld.
    pub suppressed: bool,
}

/// A role and gender's count within a respondent group.
#[derive(SimpleObject)]
pub struct RoleGenderCount {
    /// The role.
    pub role: InterviewRole,
    /// The gender as recorded.
    pub gender: RecordedGender,
    /// How many; null when suppressed.
    pub count: Option<u64>,
    /// True when withheld.
    pub suppressed: bool,
}

/// One row of the interviewee table (the report's Table 1).
#[derive(SimpleObject)]
pub struct IntervieweeGroup {
    /// The respondent group.
    pub group: RespondentGroup,
    /// How many interviewees it has; always shown.
    pub total: u64,
    /// By role.
    pub by_role: Vec<RoleCount>,
    /// By role and gender.
    pub by_role_and_gender: Vec<RoleGenderCount>,
}

/// Participating organisations of one kind.
#[derive(SimpleObject)]
pub struct ParticipantCount {
    /// MUNICIPALITY or REGION.
    pub kind: String,
    /// How many took part.
    pub total: u64,
    /// How many were signatories at the time.
    pub signatories: Option<u64>,
    /// True when the signatory count is withheld.
    pub suppressed: bool,
}

/// The importance ratings.
#[derive(SimpleObject)]
pub struct RatingSummary {
    /// How many interviewees used the 1–5 scale.
    pub respondents: u64,
    /// True when fewer than the minimum rated: then nothing else is shown.
    pub suppressed: bool,
    /// The mean rating.
    pub mean: Option<f64>,
    /// The median rating.
    pub median: Option<f64>,
    /// How many gave each rating.
    pub distribution: Vec<ValueCount>,
}

/// Signing years that fell within a support programme's years.
#[derive(SimpleObject)]
pub struct ProgrammeYearsCount {
    /// The programme.
    pub programme: SupportProgramme,
    /// How many organisations signed within its years; null when suppressed.
    pub organisations: Option<u64>,
    /// True when withheld.
    pub suppressed: bool,
}

/// Protected statistics of a study, for everyone.
#[Object]
impl StudyStatistics {
    /// The smallest group whose breakdowns are shown; smaller groups are suppressed.
    async fn minimum_group_size(&self) -> u64 {
        self.k
    }

    /// Interviews (interviewees), digital ones, sessions and group interviews, and the
    /// shortest and longest duration.
    async fn interviews(&self, ctx: &Context<'_>) -> Result<u64> {
        Ok(self.logistics(ctx).await?.interviews)
    }

    /// Interview sessions (interviewees interviewed together share one).
    async fn sessions(&self, ctx: &Context<'_>) -> Result<u64> {
        Ok(self.logistics(ctx).await?.sessions)
    }

    /// Sessions where several interviewees took part together.
    async fn group_interviews(&self, ctx: &Context<'_>) -> Result<u64> {
        Ok(self.logistics(ctx).await?.group_sessions)
    }

    /// Interviews held digitally.
    async fn digital_interviews(&self, ctx: &Context<'_>) -> Result<u64> {
        Ok(self.logistics(ctx).await?.digital)
    }

    /// The shortest interview, in minutes.
    async fn shortest_interview_minutes(&self, ctx: &Context<'_>) -> Result<Option<i32>> {
        Ok(self.logistics(ctx).await?.shortest_minutes)
    }

    /// The longest interview, in minutes.
    async fn longest_interview_minutes(&self, ctx: &Context<'_>) -> Result<Option<i32>> {
        Ok(self.logistics(ctx).await?.longest_minutes)
    }

    /// Participating organisations by kind, with how many were signatories.
    async fn participants(&self, ctx: &Context<'_>) -> Result<Vec<ParticipantCount>> {
        let rows = stats::participants(db(ctx)?, self.study_id).await?;
        let mut kinds: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
        kinds.dedup();
        Ok(kinds
            .into_iter()
            .map(|kind| {
                let total: u64 = rows.iter().filter(|r| r.0 == kind).map(|r| r.2).sum();
                let signatories: u64 = rows
                    .iter()
                    .filter(|r| r.0 == kind && r.1)
                    .map(|r| r.2)
                    .sum();
                let cell = Cell::of(signatories, total < self.k);
                ParticipantCount {
                    kind,
                    total,
                    signatories: cell.count,
                    suppressed: cell.suppressed,
                }
            })
            .collect())
    }

    /// The interviewee table: per respondent group, its total and its breakdown by role
    /// and by role and gender (suppressed for groups smaller than the minimum).
    async fn interviewees(&self, ctx: &Context<'_>) -> Result<Vec<IntervieweeGroup>> {
        let groups = stats::interviewees(db(ctx)?, self.study_id, self.k).await?;
        Ok(groups
            .into_iter()
            .map(|g| IntervieweeGroup {
                group: RespondentGroup(g.group),
                total: g.total,
                by_role: g
                    .by_role
                    .into_iter()
                    .map(|(role, c)| RoleCount {
                        role: role.into(),
                        count: c.count,
                        suppressed: c.suppressed,
                    })
                    .collect(),
                by_role_and_gender: g
                    .by_role_and_gender
                    .into_iter()
                    .map(|(role, gender, c)| RoleGenderCount {
                        role: role.into(),
                        gender: gender.into(),
                        count: c.count,
                        suppressed: c.suppressed,
                    })
                    .collect(),
            })
            .collect())
    }

    /// Signing years per organisation (those whose interviewees could say when).
    async fn signing_years(&self, ctx: &Context<'_>) -> Result<AnswerFrequencies> {
        Ok(stats::frequencies(
            db(ctx)?,
            self.study_id,
            AnswerDimension::SigningYear.as_str(),
            true,
            self.k,
        )
        .await?
        .into())
    }

    /// Organisations whose signing year fell within each support programme's years.
    async fn signings_within_programmes(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<ProgrammeYearsCount>> {
        let db = db(ctx)?;
        let years = stats::frequencies(
            db,
            self.study_id,
            AnswerDimension::SigningYear.as_str(),
            true,
            self.k,
        )
        .await?;
        let all = programmes::programmes(db).await?;
        Ok(stats::signings_within_programmes(&years, &all, self.k)
            .into_iter()
            .map(|(p, c)| ProgrammeYearsCount {
                programme: SupportProgramme(p),
                organisations: c.count,
                suppressed: c.suppressed,
            })
            .collect())
    }

    /// Action plan situations per organisation.
    async fn action_plan_situations(&self, ctx: &Context<'_>) -> Result<AnswerFrequencies> {
        Ok(stats::frequencies(
            db(ctx)?,
            self.study_id,
            AnswerDimension::ActionPlanSituation.as_str(),
            true,
            self.k,
        )
        .await?
        .into())
    }

    /// The importance ratings: respondents, mean, median, distribution.
    async fn ratings(&self, ctx: &Context<'_>) -> Result<RatingSummary> {
        let r = stats::ratings(db(ctx)?, self.study_id, self.k).await?;
        Ok(RatingSummary {
            respondents: r.respondents,
            suppressed: r.suppressed,
            mean: r.mean,
            median: r.median,
            distribution: r
                .distribution
                .into_iter()
                .map(|(rating, c)| ValueCount {
                    value: rating.to_string(),
                    count: c.count,
                    suppressed: c.suppressed,
                })
                .collect(),
        })
    }

    /// Motives for signing, per interview mentioning them.
    async fn motives(&self, ctx: &Context<'_>) -> Result<AnswerFrequencies> {
        Ok(stats::frequencies(
            db(ctx)?,
            self.study_id,
            AnswerDimension::Motive.as_str(),
            false,
            self.k,
        )
        .await?
        .into())
    }

    /// Support wanted, per interview mentioning it.
    async fn support_wanted(&self, ctx: &Context<'_>) -> Result<AnswerFrequencies> {
        Ok(stats::frequencies(
            db(ctx)?,
            self.study_id,
            AnswerDimension::SupportWanted.as_str(),
            false,
            self.k,
        )
        .await?
        .into())
    }

    /// Governance models described, per interview.
    async fn governance_models(&self, ctx: &Context<'_>) -> Result<AnswerFrequencies> {
        Ok(stats::frequencies(
            db(ctx)?,
            self.study_id,
            AnswerDimension::GovernanceModel.as_str(),
            false,
            self.k,
        )
        .await?
        .into())
    }

    /// Awareness of the commitment, per interview.
    async fn awareness(&self, ctx: &Context<'_>) -> Result<AnswerFrequencies> {
        Ok(stats::frequencies(
            db(ctx)?,
            self.study_id,
            AnswerDimension::Awareness.as_str(),
            false,
            self.k,
        )
        .await?
        .into())
    }

    /// Any coded answer, including dimensions a later study added; per organisation for
    /// organisation-level facts.
    async fn answers(
        &self,
        ctx: &Context<'_>,
        dimension: String,
        #[graphql(default)] per_organisation: bool,
    ) -> Result<AnswerFrequencies> {
        Ok(stats::frequencies(
            db(ctx)?,
            self.study_id,
            &dimension,
            per_organisation,
            self.k,
        )
        .await?
        .into())
    }
}
