//! Organisations that can sign the charter, and their paginated lists.

use crate::domain::organisation::OrganisationKind;
use crate::graphql::loaders::{CountyCode, Loaders};
use crate::graphql::types::county::County;
use crate::graphql::types::paging::SortDirection;
use crate::graphql::{db, ids};
use crate::services::geography::{self, OrganisationFilter, OrganisationOrderField};
use crate::services::pagination::PageArgs;
use async_graphql::connection::{Connection, Edge, EmptyFields};
use async_graphql::{Context, ID, InputObject, Object, Result};
use entity::organisation;
use sea_orm::DatabaseConnection;

/// A municipality, a region, or another body that can sign the charter.
pub struct Organisation(pub organisation::Model);

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
        OrganisationKind::from_stored(&self.0.kind)
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
        let loaders = ctx.data::<Loaders>()?;
        Ok(loaders
            .load_one(CountyCode(code.clone()))
            .await?
            .map(County))
    }

    /// When the record last changed (RFC 3339, UTC).
    async fn updated_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.updated_at
    }
}

/// Which organisations to list. Every given criterion must hold.
#[derive(Debug, Clone, Default, InputObject)]
pub struct OrganisationFilterInput {
    /// Any of these kinds. `REGION` includes municipalities with regional responsibility.
    pub kinds: Option<Vec<OrganisationKind>>,
    /// In any of these counties (two-digit SCB codes).
    pub county_codes: Option<Vec<String>>,
    /// The name contains this text, ignoring case (Swedish letters included).
    pub name_contains: Option<String>,
}

impl OrganisationFilterInput {
    pub fn into_filter(self) -> OrganisationFilter {
        OrganisationFilter {
            kinds: self.kinds.unwrap_or_default(),
            county_codes: self.county_codes.unwrap_or_default(),
            name_contains: self.name_contains,
        }
    }
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
pub struct OrganisationListInfo {
    db: DatabaseConnection,
    filter: OrganisationFilter,
}

#[Object]
impl OrganisationListInfo {
    /// How many organisations match the filter, across all pages. Counted only when
    /// asked for.
    async fn total_count(&self) -> Result<u64> {
        Ok(geography::count_organisations(&self.db, &self.filter).await?)
    }
}

/// A page of organisations.
pub type OrganisationConnection =
    Connection<String, Organisation, OrganisationListInfo, EmptyFields>;

/// Runs an organisation list query and shapes it as a connection.
pub async fn organisation_connection(
    ctx: &Context<'_>,
    filter: OrganisationFilter,
    order_by: Option<OrganisationOrder>,
    args: PageArgs,
) -> Result<OrganisationConnection> {
    let db = db(ctx)?;
    let order = order_by.unwrap_or_default();
    let page = geography::organisations(
        db,
        &filter,
        order.field,
        order.direction.is_descending(),
        &args,
    )
    .await?;
    let info = OrganisationListInfo {
        db: db.clone(),
        filter,
    };
    let mut connection = Connection::with_additional_fields(page.has_previous, page.has_next, info);
    connection.edges.extend(
        page.items
            .into_iter()
            .map(|(cursor, row)| Edge::new(cursor, Organisation(row))),
    );
    Ok(connection)
}
