use crate::error::AppError;
use crate::graphql::loaders::{
    ActionPlanId, FollowUpId, ParticipationId, SignatureId, StrategyId, StudyParticipantId,
    SupportId,
};
use crate::graphql::types::action_plan::{ActionPlan, FollowUpReport};
use crate::graphql::types::charter::{CharterArticle, CharterPrinciple};
use crate::graphql::types::county::{County, CountyBoard};
use crate::graphql::types::node::Node;
use crate::graphql::types::organisation::Organisation;
use crate::graphql::types::programme::SupportProgramme;
use crate::graphql::types::signature::Signature;
use crate::graphql::types::study::{
    Interview, Quote, RespondentGroup, Seminar, Study, StudyFinding, StudyParticipant, StudyRelease,
};
use crate::graphql::types::support::{
    CountyBoardStrategy, CountyBoardSupport, ProgrammeParticipation,
};
use crate::graphql::{db, ids, loaders, request};
use crate::services::studies::reads as studies;
use crate::services::studies::{releases, restricted};
use crate::services::{charter, geography, organisations, programmes};
use async_graphql::{Context, ID, Object, Result};

/// The most ids one `nodes` call resolves.
const MAX_NODES: usize = 100;

#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Any object by its global id; null if it does not exist.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Node>> {
        resolve(ctx, &id).await
    }

    /// Objects by their global ids, in the order given (at most 100); null for any that
    /// does not exist.
    async fn nodes(&self, ctx: &Context<'_>, ids: Vec<ID>) -> Result<Vec<Option<Node>>> {
        if ids.len() > MAX_NODES {
            return Err(AppError::bad_input(format!("at most {MAX_NODES} ids per call")).into());
        }
        let mut found = Vec::with_capacity(ids.len());
        for id in &ids {
            found.push(resolve(ctx, id).await?);
        }
        Ok(found)
    }
}

async fn resolve(ctx: &Context<'_>, id: &ID) -> Result<Option<Node>> {
    let invalid = || AppError::bad_input(format!("{:?} is not a valid id", id.as_str()));
    let (type_name, key) = ids::decode(id).ok_or_else(invalid)?;
    let number = || key.parse::<i32>().ok();
    let db = db(ctx)?;
    let loaders = loaders(ctx)?;
    let node = match type_name.as_str() {
        "County" => geography::county(db, &key)
            .await?
            .map(|m| Node::County(County(m))),
        "CountyBoard" => geography::county_board_of(db, &key)
            .await?
            .map(|m| Node::CountyBoard(CountyBoard(m))),
        "Organisation" => organisations::by_code(db, &key)
            .await?
            .filter(|m| m.code == key)
            .map(|m| Node::Organisation(Organisation::new(m))),
        "CharterPrinciple" => match number() {
            Some(n) => charter::principles(db)
                .await?
                .into_iter()
                .find(|p| p.number == n)
                .map(|m| Node::CharterPrinciple(CharterPrinciple(m))),
            None => None,
        },
        "CharterArticle" => match number() {
            Some(n) => charter::article(db, n)
                .await?
                .map(|m| Node::CharterArticle(CharterArticle(m))),
            None => None,
        },
        "SupportProgramme" => programmes::programme_by_code(db, &key)
            .await?
            .map(|m| Node::SupportProgramme(SupportProgramme(m))),
        "Signature" => match number() {
            Some(n) => loaders
                .load_one(SignatureId(n))
                .await?
                .map(|m| Node::Signature(Signature(m))),
            None => None,
        },
        "ActionPlan" => match number() {
            Some(n) => loaders
                .load_one(ActionPlanId(n))
                .await?
                .map(|m| Node::ActionPlan(ActionPlan(m))),
            None => None,
        },
        "FollowUpReport" => match number() {
            Some(n) => loaders
                .load_one(FollowUpId(n))
                .await?
                .map(|m| Node::FollowUpReport(FollowUpReport(m))),
            None => None,
        },
        "ProgrammeParticipation" => match number() {
            Some(n) => loaders
                .load_one(ParticipationId(n))
                .await?
                .map(|m| Node::ProgrammeParticipation(ProgrammeParticipation(m))),
            None => None,
        },
        "CountyBoardStrategy" => match number() {
            Some(n) => loaders
                .load_one(StrategyId(n))
                .await?
                .map(|m| Node::CountyBoardStrategy(CountyBoardStrategy(m))),
            None => None,
        },
        "CountyBoardSupport" => match number() {
            Some(n) => loaders
                .load_one(SupportId(n))
                .await?
                .map(|m| Node::CountyBoardSupport(CountyBoardSupport(m))),
            None => None,
        },
        "Study" => match number() {
            Some(n) => studies::study(db, request(ctx)?, n)
                .await?
                .map(|m| Node::Study(Study(m))),
            None => None,
        },
        "RespondentGroup" => match number() {
            Some(n) => studies::group(db, request(ctx)?, n)
                .await?
                .map(|m| Node::RespondentGroup(RespondentGroup(m))),
            None => None,
        },
        "StudyRelease" => match number() {
            Some(n) => releases::release(db, request(ctx)?, n)
                .await?
                .map(|m| Node::StudyRelease(StudyRelease(m))),
            None => None,
        },
        // Restricted: the policy is asked before the record is looked up, so nothing
        // reveals whether it exists.
        "StudyParticipant" => match number() {
            Some(n) => loaders
                .load_one(StudyParticipantId(n))
                .await?
                .map(|m| Node::StudyParticipant(StudyParticipant(m))),
            None => None,
        },
        "Interview" => match number() {
            Some(n) => restricted::interview(db, request(ctx)?, n)
                .await?
                .map(|m| Node::Interview(Interview(m))),
            None => None,
        },
        "Quote" => match number() {
            Some(n) => studies::quote(db, request(ctx)?, n)
                .await?
                .map(|m| Node::Quote(Quote(m))),
            None => None,
        },
        "Seminar" => match number() {
            Some(n) => match studies::seminar(db, request(ctx)?, n).await? {
                Some(m) => studies::study(db, request(ctx)?, m.study_id)
                    .await?
                    .map(|s| Node::Seminar(Seminar::new(m, &s))),
                None => None,
            },
            None => None,
        },
        "StudyFinding" => match number() {
            Some(n) => studies::finding(db, request(ctx)?, n)
                .await?
                .map(|m| Node::StudyFinding(StudyFinding(m))),
            None => None,
        },
        _ => None,
    };
    Ok(node)
}
