//! The charter's parts: the roles of local and regional government its articles group by.

stored_enum! {
    /// A part of the charter (Part III of the 2006 text groups its articles by role).
    pub enum CharterPart {
        /// Democratic accountability (article 1).
        DemocraticAccountability => "DEMOCRATIC_ACCOUNTABILITY",
        /// The political role (articles 2–7).
        PoliticalRole => "POLITICAL_ROLE",
        /// A general framework for equality (articles 8–10).
        GeneralFramework => "GENERAL_FRAMEWORK",
        /// The employer role (article 11).
        EmployerRole => "EMPLOYER_ROLE",
        /// Public procurement and contracts (article 12).
        PublicProcurement => "PUBLIC_PROCUREMENT",
        /// The service delivery role (articles 13–23).
        ServiceDelivery => "SERVICE_DELIVERY",
        /// Planning and sustainable development (articles 24–28).
        PlanningAndSustainableDevelopment => "PLANNING_AND_SUSTAINABLE_DEVELOPMENT",
        /// The regulatory role (article 29).
        RegulatoryRole => "REGULATORY_ROLE",
        /// Twinning and international cooperation (article 30).
        TwinningAndInternationalCooperation => "TWINNING_AND_INTERNATIONAL_COOPERATION",
    }
}

impl CharterPart {
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
