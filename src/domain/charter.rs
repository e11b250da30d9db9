//! The charter's parts: the roles of local and regional government its articles group by.

use async_graphql::Enum;

/// A part of the charter (Part III of the 2006 text groups its articles by role).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Enum)]
pub enum CharterPart {
    /// Democratic accountability (article 1).
    DemocraticAccountability,
    /// The political role (articles 2–7).
    PoliticalRole,
    /// A general framework for equality (articles 8–10).
    GeneralFramework,
    /// The employer role (article 11).
    EmployerRole,
    /// Public procurement and contracts (article 12).
    PublicProcurement,
    /// The service delivery role (articles 13–23).
    ServiceDelivery,
    /// Planning and sustainable development (articles 24–28).
    PlanningAndSustainableDevelopment,
    /// The regulatory role (article 29).
    RegulatoryRole,
    /// Twinning and international cooperation (article 30).
    TwinningAndInternationalCooperation,
}

impl CharterPart {
    pub const ALL: [Self; 9] = [
        Self::DemocraticAccountability,
        Self::PoliticalRole,
        Self::GeneralFramework,
        Self::EmployerRole,
        Self::PublicProcurement,
        Self::ServiceDelivery,
        Self::PlanningAndSustainableDevelopment,
        Self::RegulatoryRole,
        Self::TwinningAndInternationalCooperation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::DemocraticAccountability => "DEMOCRATIC_ACCOUNTABILITY",
            Self::PoliticalRole => "POLITICAL_ROLE",
            Self::GeneralFramework => "GENERAL_FRAMEWORK",
            Self::EmployerRole => "EMPLOYER_ROLE",
            Self::PublicProcurement => "PUBLIC_PROCUREMENT",
            Self::ServiceDelivery => "SERVICE_DELIVERY",
            Self::PlanningAndSustainableDevelopment => "PLANNING_AND_SUSTAINABLE_DEVELOPMENT",
            Self::RegulatoryRole => "REGULATORY_ROLE",
            Self::TwinningAndInternationalCooperation => "TWINNING_AND_INTERNATIONAL_COOPERATION",
        }
    }

    pub fn from_stored(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|part| part.as_str() == value)
    }

    /// The part's English title as the charter writes it.
    pub fn title(self) -> &'static str {
        match self {
            Self::DemocraticAccountability => "Democratic accountability",
            Self::PoliticalRole => "The political role",
            Self::GeneralFramework => "General framework for equality",
            Self::EmployerRole => "The employer role",
            Self::PublicProcurement => "Public procurement and contracts",
            Self::ServiceDelivery => "The service delivery role",
            Self::PlanningAndSustainableDevelopment => "Planning and sustainable development",
            Self::RegulatoryRole => "The regulatory role",
            Self::TwinningAndInternationalCooperation => "Twinning and international cooperation",
        }
    }
}
