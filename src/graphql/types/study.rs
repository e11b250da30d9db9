//! Studies and what they publish; participants and interviews are restricted.

use crate::graphql::enums::{
    ActionPlanSituation, AnswerDimension, Awareness, FindingKind, GovernanceModel, InterviewRole,
    RecordedGender, SupportWanted,
};
use crate::graphql::enums::{DataOrigin, Initiative, Motive};
use crate::graphql::loaders::{
    AnswersOf, AttendanceOf, RespondentGroupId, SessionSizesOf, StudyParticipantId, load_list,
};
use crate::graphql::types::paging::page_args;
use crate::graphql::types::scalars::Date;
use crate::graphql::{db, ids, loaders, request};
use crate::services::studies::reads;
use async_graphql::connection::{Connection, Edge, EmptyFields};
use async_graphql::{Context, ID, Object, Result, SimpleObject};
use entity::{
    interview, interview_answer, quote, respondent_group, seminar, study, study_finding,
    study_participant,
};

/// A follow-up study of the charter, such as the 2021–2022 national follow-up.
pub struct Study(pub study::Model);

/// A page of interviews.
pub type InterviewConnection = Connection<String, Interview, EmptyFields, EmptyFields>;
/// A page of quotes.
pub type QuoteConnection = Connection<String, Quote, EmptyFields, EmptyFields>;
/// A page of findings.
pub type StudyFindingConnection = Connection<String, StudyFinding, EmptyFields, EmptyFields>;

fn connection<M, T>(
    page: crate::services::pagination::Page<(String, M)>,
    wrap: impl Fn(M) -> T,
) -> Connection<String, T, EmptyFields, EmptyFields>
where
    T: async_graphql::OutputType,
{
    let mut connection = Connection::new(page.has_previous, page.has_next);
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

    /// SOURCED for a published study, REPORTED for one entered by researchers.
    async fn data_origin(&self) -> Option<DataOrigin> {
        DataOrigin::from_stored(&self.0.data_origin)
    }

    /// The study's questions, in order.
    async fn questions(&self, ctx: &Context<'_>) -> Result<Vec<String>> {
        Ok(reads::questions(db(ctx)?, self.0.id)
            .await?
            .into_iter()
            .map(|q| q.text)
            .collect())
    }

    /// The respondent groups (members' representatives, SKR, experts).
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
        Ok(reads::participants(db(ctx)?, request(ctx)?, self.0.id)
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
    ) -> Result<InterviewConnection> {
        let page = reads::interviews(
            db(ctx)?,
            request(ctx)?,
            self.0.id,
            &page_args(first, after, last, before),
        )
        .await?;
        Ok(connection(page, Interview))
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
    ) -> Result<QuoteConnection> {
        let page = reads::quotes(
            db(ctx)?,
            self.0.id,
            theme.as_deref(),
            &page_args(first, after, last, before),
        )
        .await?;
        Ok(connection(page, Quote))
    }

    /// The analysis seminars.
    async fn seminars(&self, ctx: &Context<'_>) -> Result<Vec<Seminar>> {
        Ok(reads::seminars(db(ctx)?, self.0.id)
            .await?
            .into_iter()
            .map(Seminar)
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
    ) -> Result<StudyFindingConnection> {
        let kinds: Vec<&str> = match &kinds {
            Some(kinds) => kinds.iter().map(|k| k.as_str()).collect(),
            None => vec![
                FindingKind::Figure.as_str(),
                FindingKind::SummaryPoint.as_str(),
                FindingKind::Conclusion.as_str(),
            ],
        };
        let page = reads::findings(
            db(ctx)?,
            self.0.id,
            &kinds,
            &page_args(first, after, last, before),
        )
        .await?;
        Ok(connection(page, StudyFinding))
    }

    /// The study's recommendations to SKR, in order.
    async fn recommendations(&self, ctx: &Context<'_>) -> Result<Vec<StudyFinding>> {
        let args = page_args(Some(100), None, None, None);
        Ok(reads::findings(
            db(ctx)?,
            self.0.id,
            &[FindingKind::Recommendation.as_str()],
            &args,
        )
        .await?
        .items
        .into_iter()
        .map(|(_, f)| StudyFinding(f))
        .collect())
    }

    /// The interviewees' proposals to CEMR, in order.
    async fn cemr_proposals(&self, ctx: &Context<'_>) -> Result<Vec<StudyFinding>> {
        let args = page_args(Some(100), None, None, None);
        Ok(reads::findings(
            db(ctx)?,
            self.0.id,
            &[FindingKind::CemrProposal.as_str()],
            &args,
        )
        .await?
        .items
        .into_iter()
        .map(|(_, f)| StudyFinding(f))
        .collect())
    }
}

/// A group of respondents: the member organisations' representatives, or a group that is
/// not a member (SKR, experts).
pub struct RespondentGroup(pub respondent_group::Model);

/// A group of respondents: the member organisations' representatives, or a group that is
/// not a member (SKR, experts).
#[Object]
impl RespondentGroup {
    /// A code, e.g. "MEMBER", "SKR", "EXPERTS".
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// The label the study used, e.g. "Sakkunniga".
    async fn label(&self) -> &str {
        &self.0.label
    }

    /// What the group is.
    async fn description(&self) -> &str {
        &self.0.description
    }

    /// Whether its respondents represent member organisations.
    async fn is_member(&self) -> bool {
        self.0.is_member
    }
}

/// An organisation in a study, under a pseudonym (researchers and administrators only).
pub struct StudyParticipant(pub study_participant::Model);

/// An organisation in a study, under a pseudonym (researchers and administrators only).
#[Object]
impl StudyParticipant {
    /// Global id of the participant.
    pub async fn id(&self) -> ID {
        ids::encode("StudyParticipant", self.0.id)
    }

    /// The study's own reference, e.g. "P01".
    async fn reference(&self) -> &str {
        &self.0.reference
    }

    /// The pseudonym, e.g. "Kommun A".
    async fn pseudonym(&self) -> &str {
        &self.0.pseudonym
    }

    /// MUNICIPALITY or REGION.
    async fn kind(&self) -> &str {
        &self.0.kind
    }

    /// Whether it was a signatory at the time of the study.
    async fn signatory_at_study(&self) -> bool {
        self.0.signatory_at_study
    }

    /// E.g. "never signed" or "withdrawn".
    async fn signatory_note(&self) -> Option<&str> {
        self.0.signatory_note.as_deref()
    }
}

/// One interviewee's interview: personal data, for researchers and administrators only.
pub struct Interview(pub interview::Model);

impl Interview {
    async fn answers_in(
        &self,
        ctx: &Context<'_>,
        dimension: AnswerDimension,
    ) -> Result<Vec<String>> {
        let answers: Vec<interview_answer::Model> =
            load_list(loaders(ctx)?, AnswersOf(self.0.id)).await?;
        Ok(answers
            .into_iter()
            .filter(|a| a.dimension == dimension.as_str())
            .map(|a| a.value)
            .collect())
    }

    async fn answer(
        &self,
        ctx: &Context<'_>,
        dimension: AnswerDimension,
    ) -> Result<Option<String>> {
        Ok(self.answers_in(ctx, dimension).await?.into_iter().next())
    }
}

/// A coded answer of an interview.
#[derive(SimpleObject)]
pub struct InterviewAnswer {
    /// The coded question, e.g. "RATING" or a dimension a later study added.
    pub dimension: String,
    /// The coded value.
    pub value: String,
}

/// One interviewee's interview: personal data, for researchers and administrators only.
#[Object]
impl Interview {
    /// Global id of the interview.
    pub async fn id(&self) -> ID {
        ids::encode("Interview", self.0.id)
    }

    /// The study's own reference, e.g. "I01".
    async fn reference(&self) -> &str {
        &self.0.reference
    }

    /// The respondent group.
    async fn respondent_group(&self, ctx: &Context<'_>) -> Result<Option<RespondentGroup>> {
        Ok(loaders(ctx)?
            .load_one(RespondentGroupId(self.0.respondent_group_id))
            .await?
            .map(RespondentGroup))
    }

    /// The participating organisation (member groups only).
    async fn participant(&self, ctx: &Context<'_>) -> Result<Option<StudyParticipant>> {
        let Some(id) = self.0.participant_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)?
            .load_one(StudyParticipantId(id))
            .await?
            .map(StudyParticipant))
    }

    /// Interviewees interviewed together share a session.
    async fn session(&self) -> &str {
        &self.0.session
    }

    /// Whether several interviewees took part together.
    async fn group_interview(&self, ctx: &Context<'_>) -> Result<bool> {
        let sizes = loaders(ctx)?
            .load_one(SessionSizesOf(self.0.study_id))
            .await?
            .unwrap_or_default();
        Ok(sizes.get(&self.0.session).is_some_and(|n| *n > 1))
    }

    /// The interviewee's role.
    async fn role(&self) -> Option<InterviewRole> {
        InterviewRole::from_stored(&self.0.role)
    }

    /// Gender as recorded.
    async fn gender(&self) -> Option<RecordedGender> {
        RecordedGender::from_stored(&self.0.gender)
    }

    /// When the interview was held.
    async fn held_on(&self) -> Option<Date> {
        Date::from_stored(Some(&self.0.held_on))
    }

    /// How long it took.
    async fn duration_minutes(&self) -> i32 {
        self.0.duration_minutes
    }

    /// Whether it was held digitally.
    async fn digital(&self) -> bool {
        self.0.digital
    }

    /// The signing year the interviewee gave, if known.
    async fn signing_year(&self, ctx: &Context<'_>) -> Result<Option<i32>> {
        Ok(self
            .answer(ctx, AnswerDimension::SigningYear)
            .await?
            .and_then(|v| v.parse().ok()))
    }

    /// The charter's importance for the equality work, 1 (very small) to 5 (very large).
    async fn rating(&self, ctx: &Context<'_>) -> Result<Option<i32>> {
        Ok(self
            .answer(ctx, AnswerDimension::Rating)
            .await?
            .and_then(|v| v.parse().ok()))
    }

    /// Who took the initiative to sign.
    async fn initiative(&self, ctx: &Context<'_>) -> Result<Option<Initiative>> {
        Ok(self
            .answer(ctx, AnswerDimension::Initiative)
            .await?
            .as_deref()
            .and_then(Initiative::from_stored))
    }

    /// The governance model described.
    async fn governance_model(&self, ctx: &Context<'_>) -> Result<Option<GovernanceModel>> {
        Ok(self
            .answer(ctx, AnswerDimension::GovernanceModel)
            .await?
            .as_deref()
            .and_then(GovernanceModel::from_stored))
    }

    /// The organisation's action plan situation.
    async fn action_plan_situation(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<ActionPlanSituation>> {
        Ok(self
            .answer(ctx, AnswerDimension::ActionPlanSituation)
            .await?
            .as_deref()
            .and_then(ActionPlanSituation::from_stored))
    }

    /// Awareness of the commitment.
    async fn awareness(&self, ctx: &Context<'_>) -> Result<Option<Awareness>> {
        Ok(self
            .answer(ctx, AnswerDimension::Awareness)
            .await?
            .as_deref()
            .and_then(Awareness::from_stored))
    }

    /// Motives for signing.
    async fn motives(&self, ctx: &Context<'_>) -> Result<Vec<Motive>> {
        Ok(self
            .answers_in(ctx, AnswerDimension::Motive)
            .await?
            .iter()
            .filter_map(|v| Motive::from_stored(v))
            .collect())
    }

    /// Support wanted.
    async fn support_wanted(&self, ctx: &Context<'_>) -> Result<Vec<SupportWanted>> {
        Ok(self
            .answers_in(ctx, AnswerDimension::SupportWanted)
            .await?
            .iter()
            .filter_map(|v| SupportWanted::from_stored(v))
            .collect())
    }

    /// Every coded answer, including dimensions a later study added.
    async fn answers(&self, ctx: &Context<'_>) -> Result<Vec<InterviewAnswer>> {
        let answers: Vec<interview_answer::Model> =
            load_list(loaders(ctx)?, AnswersOf(self.0.id)).await?;
        Ok(answers
            .into_iter()
            .map(|a| InterviewAnswer {
                dimension: a.dimension,
                value: a.value,
            })
            .collect())
    }
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
    /// How many organisations it came from, if published.
    pub organisations: Option<i32>,
    /// How many people, if published.
    pub participants: Option<i32>,
}

/// An analysis seminar of a study.
pub struct Seminar(pub seminar::Model);

/// An analysis seminar of a study.
#[Object]
impl Seminar {
    /// Global id of the seminar.
    pub async fn id(&self) -> ID {
        ids::encode("Seminar", self.0.id)
    }

    /// Its number within the study.
    async fn number(&self) -> i32 {
        self.0.number
    }

    /// When it was held.
    async fn held_on(&self) -> Option<Date> {
        Date::from_stored(self.0.held_on.as_deref())
    }

    /// What it was.
    async fn description(&self) -> &str {
        &self.0.description
    }

    /// Attendance per group.
    async fn attendance(&self, ctx: &Context<'_>) -> Result<Vec<SeminarAttendance>> {
        let rows: Vec<entity::seminar_attendance::Model> =
            load_list(loaders(ctx)?, AttendanceOf(self.0.id)).await?;
        Ok(rows
            .into_iter()
            .map(|a| SeminarAttendance {
                group: a.group_name,
                organisations: a.organisations,
                participants: a.participants,
            })
            .collect())
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
