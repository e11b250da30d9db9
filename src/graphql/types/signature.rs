//! Signatures of the charter.

use crate::domain::dates;
use crate::graphql::enums::{
    CharterEdition, DataOrigin, DatePrecision, DecisionBody, Initiative, Motive, SignatoryStatus,
};
use crate::graphql::loaders::{MotivesOf, OrganisationId, ProgrammesAtSigning, load_list};
use crate::graphql::types::organisation::Organisation;
use crate::graphql::types::programme::SupportProgramme;
use crate::graphql::types::scalars::Date;
use crate::graphql::{ids, loaders};
use async_graphql::{Context, ID, Object, Result};
use entity::signature;

/// An organisation's signature of the charter. An organisation has at most one current
/// signature; earlier ones (before a withdrawal and a new signing) stay as history.
pub struct Signature(pub signature::Model);

/// An organisation's signature of the charter. An organisation has at most one current
/// signature; earlier ones (before a withdrawal and a new signing) stay as history.
#[Object]
impl Signature {
    /// Global id of the signature.
    pub async fn id(&self) -> ID {
        ids::encode("Signature", self.0.id)
    }

    /// The organisation that signed.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        Ok(loaders(ctx)?
            .load_one(OrganisationId(self.0.organisation_id))
            .await?
            .map(Organisation::new))
    }

    /// Whether this is the organisation's current signature (false for history).
    async fn is_current(&self) -> bool {
        self.0.current_for.is_some()
    }

    /// SIGNED, or WITHDRAWN when the organisation has left.
    async fn status(&self) -> SignatoryStatus {
        if self.0.withdrawn_on.is_some() {
            SignatoryStatus::Withdrawn
        } else {
            SignatoryStatus::Signed
        }
    }

    /// The first day the signing can have happened: the day itself, the first of the
    /// month or year, or null when only `notLaterThan` is known.
    async fn signed_on(&self) -> Option<Date> {
        Date::from_stored(self.0.signed_on.as_deref())
    }

    /// How precisely the signing date is known.
    async fn signed_precision(&self) -> Option<DatePrecision> {
        DatePrecision::from_stored(&self.0.signed_precision)
    }

    /// The last day the signing can have happened.
    async fn not_later_than(&self) -> Option<Date> {
        Date::from_stored(Some(&self.0.not_later_than))
    }

    /// The year of signing, when known.
    async fn signed_year(&self) -> Option<i32> {
        self.0.signed_on.as_deref().and_then(dates::year_of)
    }

    /// The date of the political decision to sign, when on record.
    async fn decided_on(&self) -> Option<Date> {
        Date::from_stored(self.0.decided_on.as_deref())
    }

    /// The body that decided.
    async fn decision_body(&self) -> Option<DecisionBody> {
        DecisionBody::from_stored(&self.0.decision_body)
    }

    /// The decision's reference (diarienummer), when on record.
    async fn decision_reference(&self) -> Option<&str> {
        self.0.decision_reference.as_deref()
    }

    /// Who took the initiative.
    async fn initiative(&self) -> Option<Initiative> {
        Initiative::from_stored(&self.0.initiative)
    }

    /// The motives given for signing.
    async fn motives(&self, ctx: &Context<'_>) -> Result<Vec<Motive>> {
        load_list(loaders(ctx)?, MotivesOf(self.0.id)).await
    }

    /// The text signed: the 2006 charter, or the 2022 revision with articles 31–39.
    async fn charter_edition(&self) -> Option<CharterEdition> {
        CharterEdition::from_stored(&self.0.charter_edition)
    }

    /// For a signatory of the 2006 text: when it adopted the 2022 articles 31–39; null
    /// if it has not (or signed the 2022 text directly).
    async fn new_articles_adopted_on(&self) -> Option<Date> {
        Date::from_stored(self.0.new_articles_adopted_on.as_deref())
    }

    /// When the organisation withdrew (frånträdde), if it did.
    async fn withdrawn_on(&self) -> Option<Date> {
        Date::from_stored(self.0.withdrawn_on.as_deref())
    }

    /// Why the organisation withdrew, when on record.
    async fn withdrawal_reason(&self) -> Option<&str> {
        self.0.withdrawal_reason.as_deref()
    }

    /// The day the action plan is due: two years after the last possible signing day.
    async fn action_plan_due_on(&self) -> Option<Date> {
        dates::parse(&self.0.not_later_than).map(|d| Date(dates::action_plan_due_on(d)))
    }

    /// The support programmes whose years the signing fell in (none when the signing
    /// year is unknown).
    async fn signed_during_programmes(&self, ctx: &Context<'_>) -> Result<Vec<SupportProgramme>> {
        let rows = load_list(loaders(ctx)?, ProgrammesAtSigning(self.0.id)).await?;
        Ok(rows.into_iter().map(SupportProgramme).collect())
    }

    /// The citation this record rests on; lists from different sources disagree.
    async fn source(&self) -> &str {
        &self.0.source
    }

    /// The day on which the organisation was known to have no action plan, after the
    /// due date: the evidence behind an OVERDUE status. Null when nothing says so.
    async fn plan_missing_on(&self) -> Option<Date> {
        Date::from_stored(self.0.plan_missing_on.as_deref())
    }

    /// The citation saying the plan was missing.
    async fn plan_missing_source(&self) -> Option<&str> {
        self.0.plan_missing_source.as_deref()
    }

    /// A free-text note.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    /// SOURCED for documented facts, DEMO for generated demonstration data.
    async fn data_origin(&self) -> Option<DataOrigin> {
        DataOrigin::from_stored(&self.0.data_origin)
    }

    /// The record's version, incremented by every change.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// When the record last changed.
    async fn updated_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.updated_at
    }
}
