//! Studies and what they publish. A study is visible to the public once it has a
//! published release; participants, interviews and the preview of the next release are
//! for researchers and administrators only.

mod figures;
mod records;
mod release;
mod statistics;
mod texts;

pub use records::{Interview, InterviewAnswer, RespondentGroup, StudyParticipant};
pub use release::{Codebook, CodebookLevel, StudyRelease};
pub use statistics::StudyStatistics;
pub use texts::{Quote, Seminar, StudyFinding};

use crate::graphql::enums::{DataOrigin, FindingKind};
use crate::graphql::types::paging::page_args;
use crate::graphql::{db, ids, request};
use crate::services::studies::releases::{self, data};
use crate::services::studies::{reads, restricted, visibility};
use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, Enum, ID, Object, Result};
use entity::study;

/// Where a study stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum StudyStatus {
    /// Being entered; invisible to the public until a release is published.
    Draft,
    /// A release is published: the study and its current release are public.
    Published,
    /// Every release was withdrawn: the study is invisible to the public again.
    Withdrawn,
}

/// A follow-up study of the charter, such as the 2021–2022 national follow-up.
pub struct Study(pub study::Model);

/// Builds a connection from a page of the services and extra fields.
pub(crate) fn connection<M, T, E>(
    page: crate::services::pagination::Page<(String, M)>,
    extra: E,
    wrap: impl Fn(M) -> T,
) -> Connection<String, T, E, async_graphql::connection::EmptyFields>
where
    T: async_graphql::OutputType,
    E: async_graphql::ObjectType,
{
    let mut connection =
        Connection::with_additional_fields(page.has_previous, page.has_next, extra);
    connection.edges.extend(
        page.items
            .into_iter()
            .map(|(cursor, row)| Edge::new(cursor, wrap(row))),
    );
    connection
}

/// A follow-up study of the charter, such as the 2021–2022 national follow-up.
#[Object]
impl Study {
    /// Global id of the study.
    pub async fn id(&self) -> ID {
        ids::encode("Study", self.0.id)
    }

    /// A stable, readable key, e.g. "cemr-followup-2021".
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// The study's title.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// The year of publication.
    async fn year(&self) -> i32 {
        self.0.year
    }

    /// The period the study covers, e.g. "2021-2022".
    async fn period(&self) -> &str {
        &self.0.period
    }

    /// Who commissioned it.
    async fn commissioned_by(&self) -> &str {
        &self.0.commissioned_by
    }

    /// Who performed it.
    async fn performed_by(&self) -> &str {
        &self.0.performed_by
    }

    /// How it was done.
    async fn method(&self) -> &str {
        &self.0.method
    }

    /// What the data are; for the 2021 study, that its records are a reconstruction
    /// consistent with the published figures, not the original records.
    async fn description(&self) -> &str {
        &self.0.description
    }

    /// SOURCED for a published study (its texts are the report's), REPORTED for one
    /// entered by researchers. The origin of its figures is given figure by figure.
    async fn data_origin(&self) -> Option<DataOrigin> {
        DataOrigin::from_stored(&self.0.data_origin)
    }

    /// DRAFT until a release is published, then PUBLISHED (WITHDRAWN when every release
    /// was withdrawn).
    async fn status(&self, ctx: &Context<'_>) -> Result<StudyStatus> {
        Ok(match visibility::status(db(ctx)?, self.0.id).await? {
            visibility::StudyStatus::Draft => StudyStatus::Draft,
            visibility::StudyStatus::Published => StudyStatus::Published,
            visibility::StudyStatus::Withdrawn => StudyStatus::Withdrawn,
        })
    }

    /// Every release, oldest first, withdrawn ones included (their figures are no
    /// longer served to the public).
    async fn releases(&self, ctx: &Context<'_>) -> Result<Vec<StudyRelease>> {
        Ok(releases::releases(db(ctx)?, self.0.id)
            .await?
            .into_iter()
            .map(StudyRelease)
            .collect())
    }

    /// The release the public sees: the latest one still published.
    async fn current_release(&self, ctx: &Context<'_>) -> Result<Option<StudyRelease>> {
        Ok(releases::current(db(ctx)?, self.0.id)
            .await?
            .map(StudyRelease))
    }

    /// What the next release would show if published now, with the same protection
    /// (researchers and administrators only).
    async fn release_preview(&self, ctx: &Context<'_>) -> Result<StudyStatistics> {
        let k = ctx
            .data::<crate::graphql::query::StudyPrivacy>()?
            .min_group_size;
        let figures = releases::preview(db(ctx)?, request(ctx)?, self.0.id, k).await?;
        Ok(StudyStatistics::preview(figures))
    }

    /// The codebooks: every coded dimension with its allowed values, in order.
    async fn codebooks(&self, ctx: &Context<'_>) -> Result<Vec<Codebook>> {
        Ok(data::codebooks(db(ctx)?, self.0.id)
            .await?
            .into_iter()
            .map(Codebook)
            .collect())
    }

    /// The study's questions, in order.
    async fn questions(&self, ctx: &Context<'_>) -> Result<Vec<String>> {
        Ok(reads::questions(db(ctx)?, self.0.id)
            .await?
            .into_iter()
            .map(|q| q.text)
            .collect())
    }

    /// The respondent groups (members' representatives, SKR, experts); their ids are
    /// what `recordInterview` takes.
    async fn respondent_groups(&self, ctx: &Context<'_>) -> Result<Vec<RespondentGroup>> {
        Ok(reads::groups(db(ctx)?, self.0.id)
            .await?
            .into_iter()
            .map(RespondentGroup)
            .collect())
    }

    /// The participating organisations, under pseudonyms (researchers and
    /// administrators only).
    async fn participants(&self, ctx: &Context<'_>) -> Result<Vec<StudyParticipant>> {
        Ok(restricted::participants(db(ctx)?, request(ctx)?, self.0.id)
            .await?
            .into_iter()
            .map(StudyParticipant)
            .collect())
    }

    /// The individual interview records: personal data, for researchers and
    /// administrators only. Everyone else reads `studyStatistics`.
    async fn interviews(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<records::InterviewConnection> {
        let db = db(ctx)?;
        let request = request(ctx)?;
        let page = restricted::interviews(
            db,
            request,
            self.0.id,
            &page_args(first, after, last, before),
        )
        .await?;
        let extra = records::InterviewListInfo {
            db: db.clone(),
            request: request.clone(),
            study_id: self.0.id,
        };
        Ok(connection(page, extra, Interview))
    }

    /// Quotes as the study published them, optionally only those of one theme.
    async fn quotes(
        &self,
        ctx: &Context<'_>,
        theme: Option<String>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<texts::QuoteConnection> {
        let db = db(ctx)?;
        let page = reads::quotes(
            db,
            self.0.id,
            theme.as_deref(),
            &page_args(first, after, last, before),
        )
        .await?;
        let extra = texts::QuoteListInfo {
            db: db.clone(),
            study_id: self.0.id,
            theme,
        };
        Ok(connection(page, extra, Quote))
    }

    /// The analysis seminars.
    async fn seminars(&self, ctx: &Context<'_>) -> Result<Vec<Seminar>> {
        Ok(reads::seminars(db(ctx)?, self.0.id)
            .await?
            .into_iter()
            .map(|s| Seminar::new(s, &self.0))
            .collect())
    }

    /// Findings, conclusions and summary points (filter by `kinds`; recommendations
    /// and proposals have fields of their own).
    async fn findings(
        &self,
        ctx: &Context<'_>,
        kinds: Option<Vec<FindingKind>>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<texts::StudyFindingConnection> {
        let kinds: Vec<&'static str> = match &kinds {
            Some(kinds) => kinds.iter().map(|k| k.as_str()).collect(),
            None => vec![
                FindingKind::Figure.as_str(),
                FindingKind::SummaryPoint.as_str(),
                FindingKind::Conclusion.as_str(),
            ],
        };
        let db = db(ctx)?;
        let page = reads::findings(
            db,
            self.0.id,
            &kinds,
            &page_args(first, after, last, before),
        )
        .await?;
        let extra = texts::FindingListInfo {
            db: db.clone(),
            study_id: self.0.id,
            kinds,
        };
        Ok(connection(page, extra, StudyFinding))
    }

    /// The study's recommendations to SKR, in order.
    async fn recommendations(&self, ctx: &Context<'_>) -> Result<Vec<StudyFinding>> {
        texts::all_findings(ctx, self.0.id, FindingKind::Recommendation).await
    }

    /// The interviewees' proposals to CEMR, in order.
    async fn cemr_proposals(&self, ctx: &Context<'_>) -> Result<Vec<StudyFinding>> {
        texts::all_findings(ctx, self.0.id, FindingKind::CemrProposal).await
    }
}
