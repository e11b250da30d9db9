//! Organisations that can sign the charter, and their paginated lists.

use crate::graphql::enums::OrganisationKind;
use crate::graphql::enums::OrganisationOrderField;
use crate::graphql::enums::{ActionPlanStatus, DataOrigin, SignatoryStatus};
use crate::graphql::loaders::{
    ActionPlansOf, CountyCode, CurrentSignatureOf, ParticipationsOf, SignaturesOf, StatusOf,
    SupportTo, load_list,
};
use crate::graphql::snapshot;
use crate::graphql::types::action_plan::ActionPlan;
use crate::graphql::types::county::County;
use crate::graphql::types::paging::{NESTED_FIRST, SortDirection, first_of, nested_first};
use crate::graphql::types::signature::Signature;
use crate::graphql::types::support::{CountyBoardSupport, ProgrammeParticipation};
use crate::graphql::{db, ids, loaders};
use crate::readmodel::Snapshot;
use crate::readmodel::lists;
use crate::readmodel::snapshot::Entry;
use crate::services::organisations::{self, OrganisationFilter};
use crate::services::pagination::{Cursor, PageArgs};
use async_graphql::connection::{Connection, Edge, EmptyFields};
use async_graphql::{Context, ID, InputObject, Object, Result};
use entity::{organisation, signature};
use sea_orm::DatabaseConnection;

/// A municipality, a region, or another body that can sign the charter; with its current
/// signature when the statement that found it read that too (`None`: not read).
pub struct Organisation(pub organisation::Model, Option<Option<signature::Model>>);

impl Organisation {
    pub fn new(row: organisation::Model) -> Self {
        Self(row, None)
    }

    /// An organisation whose current signature (or its absence) is already known.
    pub fn with_signature(row: organisation::Model, signature: Option<signature::Model>) -> Self {
        Self(row, Some(signature))
    }
}

impl Organisation {
    /// The request's snapshot, when it holds this organisation.
    fn snapshot<'a>(&self, ctx: &Context<'a>) -> Option<&'a Snapshot> {
        snapshot(ctx).filter(|s| s.entry(self.0.id).is_some())
    }

    fn entry<'a>(&self, ctx: &Context<'a>) -> Option<&'a Entry> {
        snapshot(ctx).and_then(|s| s.entry(self.0.id))
    }
}

/// A municipality, a region, or another body that can sign the charter.
#[Object]
impl Organisation {
    /// Global id of the organisation.
    pub async fn id(&self) -> ID {
        ids::encode("Organisation", &self.0.code)
    }

    /// The organisation's code: SCB's four digits for a municipality ("0180"), the
    /// county's two digits for a region ("01"), a stable code for other bodies.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// The name: SCB's short name for a municipality ("Stockholm"), the region's name
    /// ("Region Stockholm").
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// What kind of organisation this is.
    async fn kind(&self) -> OrganisationKind {
        crate::domain::organisation::OrganisationKind::from_stored_or_other(&self.0.kind).into()
    }

    /// True for regions and for a municipality that carries a region's responsibilities
    /// (Gotland): such an organisation is listed both as a municipality and as a region.
    async fn has_regional_responsibility(&self) -> bool {
        self.0.regional_county_code.is_some()
    }

    /// The county the organisation lies in.
    async fn county(&self, ctx: &Context<'_>) -> Result<Option<County>> {
        let Some(code) = &self.0.county_code else {
            return Ok(None);
        };
        if let Some(snapshot) = snapshot(ctx) {
            return Ok(snapshot.county(code).cloned().map(County));
        }
        Ok(loaders(ctx)?
            .load_one(CountyCode(code.clone()))
            .await?
            .map(County))
    }

    /// SIGNED, WITHDRAWN or NEVER_SIGNED, from its current signature.
    async fn signatory_status(&self, ctx: &Context<'_>) -> Result<SignatoryStatus> {
        if let Some(entry) = self.entry(ctx) {
            return Ok(entry.status.signatory_status().into());
        }
        let row = loaders(ctx)?.load_one(StatusOf(self.0.id)).await?;
        Ok(row.map_or(SignatoryStatus::NeverSigned, |r| {
            r.signatory_status().into()
        }))
    }

    /// Where the organisation stands with its action plan commitment; null unless it
    /// is a signatory that has not withdrawn. The rule: a plan adopted on or after the
    /// signing counts; FOLLOWED_UP when such a plan has a follow-up report, ADOPTED when
    /// it has none; otherwise NONE_DUE_YET until `signature.actionPlanDueOn`, and from
    /// the day after it OVERDUE when a cited source says the plan is missing
    /// (`signature.planMissingOn`), NO_PLAN_ON_RECORD when nothing does (the register
    /// has no plan, which does not mean the organisation has none).
    async fn action_plan_status(&self, ctx: &Context<'_>) -> Result<Option<ActionPlanStatus>> {
        if let Some(entry) = self.entry(ctx) {
            return Ok(entry.status.action_plan_status().map(Into::into));
        }
        let row = loaders(ctx)?.load_one(StatusOf(self.0.id)).await?;
        Ok(row.and_then(|r| r.action_plan_status()).map(Into::into))
    }

    /// The current signature, if the organisation has signed.
    async fn signature(&self, ctx: &Context<'_>) -> Result<Option<Signature>> {
        if let Some(known) = &self.1 {
            return Ok(known.clone().map(Signature));
        }
        if let Some(entry) = self.entry(ctx) {
            return Ok(entry.signature.clone().map(Signature));
        }
        Ok(loaders(ctx)?
            .load_one(CurrentSignatureOf(self.0.id))
            .await?
            .map(Signature))
    }

    /// Every signature on record, newest first (the current one and earlier ones).
    async fn signature_history(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default_with = "NESTED_FIRST",
            desc = "How many (0 to 100; 100 when not given)."
        )]
        first: i32,
    ) -> Result<Vec<Signature>> {
        let rows = load_list(loaders(ctx)?, SignaturesOf(self.0.id)).await?;
        Ok(nested_first(rows, first)?
            .into_iter()
            .map(Signature)
            .collect())
    }

    /// Action plans, newest first; intended plans (not yet adopted) last.
    async fn action_plans(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default_with = "NESTED_FIRST",
            desc = "How many (0 to 100; 100 when not given)."
        )]
        first: i32,
    ) -> Result<Vec<ActionPlan>> {
        if let Some(snapshot) = self.snapshot(ctx) {
            return first_of(snapshot.plans_of(self.0.id), first, ActionPlan);
        }
        let rows = load_list(loaders(ctx)?, ActionPlansOf(self.0.id)).await?;
        Ok(nested_first(rows, first)?
            .into_iter()
            .map(ActionPlan)
            .collect())
    }

    /// Participation in SKR's support programmes, oldest first.
    async fn programme_participations(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default_with = "NESTED_FIRST",
            desc = "How many (0 to 100; 100 when not given)."
        )]
        first: i32,
    ) -> Result<Vec<ProgrammeParticipation>> {
        if let Some(snapshot) = self.snapshot(ctx) {
            return first_of(
                snapshot.participations_of(self.0.id),
                first,
                ProgrammeParticipation,
            );
        }
        let rows = load_list(loaders(ctx)?, ParticipationsOf(self.0.id)).await?;
        Ok(nested_first(rows, first)?
            .into_iter()
            .map(ProgrammeParticipation)
            .collect())
    }

    /// Support received from the county administrative board, newest first.
    async fn county_board_support(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default_with = "NESTED_FIRST",
            desc = "How many (0 to 100; 100 when not given)."
        )]
        first: i32,
    ) -> Result<Vec<CountyBoardSupport>> {
        let rows = load_list(loaders(ctx)?, SupportTo(self.0.id)).await?;
        Ok(nested_first(rows, first)?
            .into_iter()
            .map(CountyBoardSupport)
            .collect())
    }

    /// The record's version, incremented by every change.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// When the record last changed (RFC 3339, UTC).
    async fn updated_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.updated_at
    }
}

/// Which organisations to list. Every given criterion must hold; a list criterion
/// matches any of its values.
#[derive(Debug, Clone, Default, InputObject)]
pub struct OrganisationFilterInput {
    /// Any of these kinds. `REGION` includes municipalities with regional responsibility.
    pub kinds: Option<Vec<OrganisationKind>>,
    /// In any of these counties (two-digit SCB codes).
    pub county_codes: Option<Vec<String>>,
    /// The name contains this text, ignoring case (Swedish letters included).
    pub name_contains: Option<String>,
    /// Any of these signatory statuses.
    pub statuses: Option<Vec<SignatoryStatus>>,
    /// Signed in this year or later. Signings whose date is unknown match no year range.
    pub signed_from_year: Option<i32>,
    /// Signed in this year or earlier.
    pub signed_to_year: Option<i32>,
    /// Any of these action plan statuses.
    pub action_plan_statuses: Option<Vec<ActionPlanStatus>>,
    /// Took part in any of these support programmes (codes, e.g. "MODELLKONCEPTET").
    pub programme_codes: Option<Vec<String>>,
    /// Only organisations whose current signature has one of these origins, e.g.
    /// `[SOURCED, REPORTED]` to leave demonstration data out of lists and statistics.
    /// Organisations without a signature on record match none.
    pub data_origins: Option<Vec<DataOrigin>>,
}

impl OrganisationFilterInput {
    pub fn into_filter(self) -> OrganisationFilter {
        OrganisationFilter {
            kinds: domain_values(self.kinds),
            county_codes: self.county_codes.unwrap_or_default(),
            name_contains: self.name_contains,
            statuses: domain_values(self.statuses),
            signed_from_year: self.signed_from_year,
            signed_to_year: self.signed_to_year,
            action_plan_statuses: domain_values(self.action_plan_statuses),
            programme_codes: self.programme_codes.unwrap_or_default(),
            data_origins: domain_values(self.data_origins),
            signatories_only: false,
            updated_since: None,
        }
    }
}

/// The domain values of an optional list of API values.
fn domain_values<A: Into<D>, D>(values: Option<Vec<A>>) -> Vec<D> {
    values
        .unwrap_or_default()
        .into_iter()
        .map(Into::into)
        .collect()
}

/// How to order organisations.
#[derive(Debug, Clone, Copy, Default, InputObject)]
pub struct OrganisationOrder {
    /// The field to order by; ties are broken by code.
    pub field: OrganisationOrderField,
    /// The direction.
    #[graphql(default)]
    pub direction: SortDirection,
}

/// Extra fields of an organisation list.
pub enum OrganisationListInfo {
    /// Counted by the database when asked for.
    Sql {
        db: DatabaseConnection,
        filter: Box<OrganisationFilter>,
    },
    /// Counted in the snapshot the list came from.
    Counted(u64),
}

/// Extra fields of an organisation list.
#[Object]
impl OrganisationListInfo {
    /// How many organisations match the filter, across all pages. Counted only when
    /// asked for.
    async fn total_count(&self) -> Result<u64> {
        match self {
            Self::Sql { db, filter } => Ok(organisations::count(db, filter).await?),
            Self::Counted(total) => Ok(*total),
        }
    }
}

/// A page of organisations.
pub type OrganisationConnection =
    Connection<Cursor, Organisation, OrganisationListInfo, EmptyFields>;

/// Runs an organisation list query and shapes it as a connection.
pub async fn organisation_connection(
    ctx: &Context<'_>,
    filter: OrganisationFilter,
    order_by: Option<OrganisationOrder>,
    args: PageArgs,
) -> Result<OrganisationConnection> {
    let db = db(ctx)?;
    let order = order_by.unwrap_or_default();
    let (field, descending) = (order.field.into(), order.direction.is_descending());
    let listed = snapshot(ctx).and_then(|s| lists::list(s, &filter, field, descending, &args));
    let (page, info) = match listed {
        Some(listed) => {
            let listed = listed?;
            (listed.page, OrganisationListInfo::Counted(listed.total))
        }
        None => {
            let page =
                organisations::list_with_signatures(db, &filter, field, descending, &args).await?;
            let info = OrganisationListInfo::Sql {
                db: db.clone(),
                filter: Box::new(filter),
            };
            (page, info)
        }
    };
    let mut connection = Connection::with_additional_fields(page.has_previous, page.has_next, info);
    connection
        .edges
        .extend(page.items.into_iter().map(|listed| {
            Edge::new(
                listed.cursor,
                Organisation::with_signature(listed.organisation, listed.signature),
            )
        }));
    Ok(connection)
}
