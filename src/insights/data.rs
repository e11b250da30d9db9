//! What the pages and charts show, read through the services layer: the same
//! `registerStatistics` the API answers, the counties, the programmes and how many of the
//! figures come from the demonstration register.

use crate::domain::organisation::OrganisationKind;
use crate::domain::register::DataOrigin;
use crate::error::AppResult;
use crate::services::organisations::{self, OrganisationFilter};
use crate::services::statistics::{self, RegisterStatistics};
use crate::services::{geography, programmes};
use entity::{county, organisation, signature, support_programme};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};

/// The register as the filter selects it.
pub struct Snapshot {
    pub statistics: RegisterStatistics,
    pub counties: Vec<county::Model>,
    pub programmes: Vec<support_programme::Model>,
    /// Per programme (in `programmes`' order), the filtered organisations that took part.
    pub participants: Vec<u64>,
    /// Organisations the filter selects whose current signature is demonstration data.
    pub demo_signatures: u64,
}

impl Snapshot {
    /// Reads the statistics of the filtered organisations.
    pub async fn load(db: &impl ConnectionTrait, filter: &OrganisationFilter) -> AppResult<Self> {
        let programmes = programmes::programmes(db).await?;
        Ok(Self {
            statistics: statistics::register(db, filter).await?,
            counties: geography::counties(db).await?,
            participants: participants(db, filter, &programmes).await?,
            programmes,
            demo_signatures: demo_signatures(db, filter).await?,
        })
    }

    /// Whether any figure counts demonstration data.
    pub fn is_demo(&self) -> bool {
        self.demo_signatures > 0
    }
}

/// The map's default: municipalities, unless the caller chose kinds.
pub fn municipalities_unless_chosen(filter: &OrganisationFilter) -> OrganisationFilter {
    let mut filter = filter.clone();
    if filter.kinds.is_empty() {
        filter.kinds = vec![OrganisationKind::Municipality];
    }
    filter
}

/// Per programme, how many of the filtered organisations took part in it.
async fn participants(
    db: &impl ConnectionTrait,
    filter: &OrganisationFilter,
    programmes: &[support_programme::Model],
) -> AppResult<Vec<u64>> {
    let mut counts = Vec::with_capacity(programmes.len());
    for programme in programmes {
        let mut within = filter.clone();
        within.programme_codes = vec![programme.code.clone()];
        counts.push(organisations::count(db, &within).await?);
    }
    Ok(counts)
}

async fn demo_signatures(db: &impl ConnectionTrait, filter: &OrganisationFilter) -> AppResult<u64> {
    Ok(filter
        .apply(organisation::Entity::find())
        .filter(
            Expr::col((signature::Entity, signature::Column::DataOrigin))
                .eq(DataOrigin::Demo.as_str()),
        )
        .count(db)
        .await?)
}
