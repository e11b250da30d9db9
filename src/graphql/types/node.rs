//! The `Node` interface of global object identification.

use crate::graphql::types::action_plan::{ActionPlan, FollowUpReport};
use crate::graphql::types::charter::{CharterArticle, CharterPrinciple};
use crate::graphql::types::county::{County, CountyBoard};
use crate::graphql::types::organisation::Organisation;
use crate::graphql::types::programme::SupportProgramme;
use crate::graphql::types::signature::Signature;
use crate::graphql::types::study::{
    Interview, Quote, RespondentGroup, Seminar, Study, StudyFinding, StudyParticipant, StudyRelease,
};
use crate::graphql::types::support::{
    CountyBoardStrategy, CountyBoardSupport, ProgrammeParticipation,
};
use async_graphql::{ID, Interface};

/// An object with a global id that `node(id:)` finds again.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "An opaque, stable global id."))]
pub enum Node {
    County(County),
    CountyBoard(CountyBoard),
    Organisation(Organisation),
    CharterPrinciple(CharterPrinciple),
    CharterArticle(CharterArticle),
    SupportProgramme(SupportProgramme),
    Signature(Signature),
    ActionPlan(ActionPlan),
    FollowUpReport(FollowUpReport),
    ProgrammeParticipation(ProgrammeParticipation),
    CountyBoardStrategy(CountyBoardStrategy),
    CountyBoardSupport(CountyBoardSupport),
    Study(Study),
    StudyRelease(StudyRelease),
    RespondentGroup(RespondentGroup),
    StudyParticipant(StudyParticipant),
    Interview(Interview),
    Quote(Quote),
    Seminar(Seminar),
    StudyFinding(StudyFinding),
}
