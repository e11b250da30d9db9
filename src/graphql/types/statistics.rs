//! Register statistics.

use crate::graphql::enums::OrganisationKind;
use crate::graphql::enums::{ActionPlanStatus, SignatoryStatus};
use crate::graphql::loaders;
use crate::graphql::loaders::CountyCode;
use crate::graphql::types::county::County;
use crate::graphql::types::programme::SupportProgramme;
use crate::services::statistics::{
    CountyStatusCount, KindStatusCount, RegisterStatistics as Stats,
};
use async_graphql::{Context, Object, Result, SimpleObject};

/// Counts over the organisations a filter selects, computed in the database.
pub struct RegisterStatistics(pub Stats);

/// A count of organisations of one kind and signatory status.
#[derive(SimpleObject)]
pub struct KindStatusCountItem {
    /// The kind. An organisation counts under every kind it acts as: Gotland under
    /// MUNICIPALITY and REGION.
    pub kind: OrganisationKind,
    /// The signatory status.
    pub status: SignatoryStatus,
    /// How many.
    pub count: u64,
}

/// Signings in one year.
#[derive(SimpleObject)]
pub struct YearCount {
    /// The signing year; null for signings whose year is unknown.
    pub year: Option<i32>,
    /// How many current signatures date from it.
    pub count: u64,
}

/// A count of organisations with one action plan status.
#[derive(SimpleObject)]
pub struct ActionPlanStatusCount {
    /// The action plan status.
    pub status: ActionPlanStatus,
    /// How many.
    pub count: u64,
}

/// Counts of one county.
pub struct CountyCounts {
    county_code: String,
    signed: u64,
    withdrawn: u64,
    never_signed: u64,
}

/// Counts of one county.
#[Object]
impl CountyCounts {
    /// The county.
    async fn county(&self, ctx: &Context<'_>) -> Result<Option<County>> {
        Ok(loaders(ctx)?
            .load_one(CountyCode(self.county_code.clone()))
            .await?
            .map(County))
    }

    /// Its two-digit code.
    async fn county_code(&self) -> &str {
        &self.county_code
    }

    /// Organisations whose signature stands.
    async fn signed(&self) -> u64 {
        self.signed
    }

    /// Organisations that withdrew.
    async fn withdrawn(&self) -> u64 {
        self.withdrawn
    }

    /// Organisations that never signed.
    async fn never_signed(&self) -> u64 {
        self.never_signed
    }
}

/// Signings that fell within a programme's years.
pub struct ProgrammeSignings {
    programme: SupportProgramme,
    count: u64,
}

/// Signings that fell within a programme's years.
#[Object]
impl ProgrammeSignings {
    /// The programme.
    async fn programme(&self) -> &SupportProgramme {
        &self.programme
    }

    /// How many current signatures have a signing year within the programme's years.
    async fn signings(&self) -> u64 {
        self.count
    }
}

/// Counts over the organisations a filter selects, computed in the database.
#[Object]
impl RegisterStatistics {
    /// How many organisations the filter selects.
    async fn organisations(&self) -> u64 {
        self.0.organisations
    }

    /// Counts by kind and signatory status.
    async fn by_kind_and_status(&self) -> Vec<KindStatusCountItem> {
        self.0
            .by_kind_and_status
            .iter()
            .map(
                |KindStatusCount {
                     kind,
                     status,
                     count,
                 }| KindStatusCountItem {
                    kind: (*kind).into(),
                    status: (*status).into(),
                    count: *count,
                },
            )
            .collect()
    }

    /// Current signatures per signing year, oldest first; unknown years last.
    async fn signings_per_year(&self) -> Vec<YearCount> {
        let mut years: Vec<YearCount> = self
            .0
            .signings_per_year
            .iter()
            .map(|(year, count)| YearCount {
                year: *year,
                count: *count,
            })
            .collect();
        years.sort_by_key(|y| (y.year.is_none(), y.year));
        years
    }

    /// Counts per county, in county code order.
    async fn by_county(&self) -> Vec<CountyCounts> {
        let mut counties: Vec<CountyCounts> = Vec::new();
        for CountyStatusCount {
            county_code,
            status,
            count,
        } in &self.0.by_county_and_status
        {
            let index = match counties.iter().position(|c| &c.county_code == county_code) {
                Some(index) => index,
                None => {
                    counties.push(CountyCounts {
                        county_code: county_code.clone(),
                        signed: 0,
                        withdrawn: 0,
                        never_signed: 0,
                    });
                    counties.len() - 1
                }
            };
            let entry = &mut counties[index];
            match SignatoryStatus::from(*status) {
                SignatoryStatus::Signed => entry.signed += count,
                SignatoryStatus::Withdrawn => entry.withdrawn += count,
                SignatoryStatus::NeverSigned => entry.never_signed += count,
            }
        }
        counties.sort_by(|a, b| a.county_code.cmp(&b.county_code));
        counties
    }

    /// Counts by action plan status (signatories that have not withdrawn).
    async fn action_plan_statuses(&self) -> Vec<ActionPlanStatusCount> {
        crate::domain::register::ActionPlanStatus::ALL
            .iter()
            .map(|status| ActionPlanStatusCount {
                status: (*status).into(),
                count: self
                    .0
                    .action_plan_statuses
                    .iter()
                    .find(|(s, _)| s == status)
                    .map_or(0, |(_, n)| *n),
            })
            .collect()
    }

    /// Per support programme: signings that fell within its years.
    async fn signings_within_programmes(&self) -> Vec<ProgrammeSignings> {
        self.0
            .signings_within_programmes
            .iter()
            .map(|(programme, count)| ProgrammeSignings {
                programme: SupportProgramme(programme.clone()),
                count: *count,
            })
            .collect()
    }
}
