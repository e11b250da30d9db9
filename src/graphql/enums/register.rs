//! API enums of the register: organisations, signatures, action plans, the charter.

api_enum! {
    /// Whether an organisation is a signatory.
    pub enum SignatoryStatus for crate::domain::register::SignatoryStatus, stored {
        /// Its current signature stands.
        Signed = Signed,
        /// It signed, then withdrew (frånträdde).
        Withdrawn = Withdrawn,
        /// It has no signature on record.
        NeverSigned = NeverSigned,
    }
}

api_enum! {
    /// Where a signatory stands with the commitment to adopt an action plan within two
    /// years of signing.
    pub enum ActionPlanStatus for crate::domain::register::ActionPlanStatus, stored {
        /// No plan yet, and the two years have not passed.
        NoneDueYet = NoneDueYet,
        /// The two years have passed and no plan is on record; whether one exists is
        /// not known (absence of a record is not absence of a plan).
        NoPlanOnRecord = NoPlanOnRecord,
        /// The two years have passed and a cited source says no plan was adopted
        /// (`signature.planMissingOn`, `signature.planMissingSource`).
        Overdue = Overdue,
        /// A plan was adopted; no follow-up report yet.
        Adopted = Adopted,
        /// A plan was adopted and followed up.
        FollowedUp = FollowedUp,
    }
}

api_enum! {
    /// How precisely the signing date is known.
    pub enum DatePrecision for crate::domain::register::DatePrecision, stored {
        /// The exact day.
        Day = Day,
        /// The month.
        Month = Month,
        /// The year.
        Year = Year,
        /// Unknown; only a date it happened not later than.
        Unknown = Unknown,
    }
}

api_enum! {
    /// The political body that decided to sign or to adopt a plan.
    pub enum DecisionBody for crate::domain::register::DecisionBody, stored {
        /// The municipal council.
        Kommunfullmaktige = Kommunfullmaktige,
        /// The municipal executive board.
        Kommunstyrelse = Kommunstyrelse,
        /// The regional council.
        Regionfullmaktige = Regionfullmaktige,
        /// The regional executive board.
        Regionstyrelse = Regionstyrelse,
        /// Another body (e.g. a federation's board).
        Other = Other,
        /// Not on record.
        Unknown = Unknown,
    }
}

api_enum! {
    /// Who took the initiative to sign (categories of the 2021 follow-up).
    pub enum Initiative for crate::domain::register::Initiative, stored {
        /// Strategists or officials.
        Strategists = Strategists,
        /// Politicians or parties.
        Politicians = Politicians,
        /// A municipal association or another regional actor.
        MunicipalAssociation = MunicipalAssociation,
        /// SKR's recommendation.
        SkrRecommendation = SkrRecommendation,
        /// An SKR support programme.
        SupportProgramme = SupportProgramme,
        /// Someone else.
        Other = Other,
        /// Not on record.
        Unknown = Unknown,
    }
}

api_enum! {
    /// A motive for signing, as the 2021 follow-up categorised them.
    pub enum Motive for crate::domain::register::Motive, stored {
        /// To scale up and systematise the equality work.
        ScaleUpAndSystematise = ScaleUpAndSystematise,
        /// Confirmation of work already going on.
        ConfirmOngoingWork = ConfirmOngoingWork,
        /// A stance (ställningstagande).
        Stance = Stance,
        /// A commitment (åtagande).
        Commitment = Commitment,
        /// A shared norm, e.g. a whole county signing together.
        SharedNorm = SharedNorm,
        /// Solidarity with other municipalities and countries.
        Solidarity = Solidarity,
        /// Insurance against future threats (a new majority, changed governance).
        InsuranceAgainstChange = InsuranceAgainstChange,
    }
}

api_enum! {
    /// The text of the charter that was signed.
    pub enum CharterEdition for crate::domain::register::CharterEdition, stored {
        /// The 2006 charter with 30 articles.
        Charter2006 = Charter2006,
        /// The 2022 revision with articles 31–39 (signings from January 2023).
        Charter2022 = Charter2022,
    }
}

api_enum! {
    /// Where a record comes from.
    pub enum DataOrigin for crate::domain::register::DataOrigin, stored {
        /// A documented fact with a citation in its `source`.
        Sourced = Sourced,
        /// Generated demonstration data: plausible, not true.
        Demo = Demo,
        /// Reported through the API by the organisation itself or an administrator.
        Reported = Reported,
        /// Made up to be consistent with published aggregates, not the original records
        /// (the 2021 study's interview rows).
        Reconstructed = Reconstructed,
    }
}

api_enum! {
    /// The kind of an organisation. Stored as text, so a new kind needs no migration.
    pub enum OrganisationKind for crate::domain::organisation::OrganisationKind, stored {
        /// A municipality (kommun).
        Municipality = Municipality,
        /// A region (formerly landsting).
        Region = Region,
        /// A municipal federation (kommunalförbund) or a similar joint body.
        MunicipalFederation = MunicipalFederation,
        /// A national association of local and regional government (SKR).
        NationalAssociation = NationalAssociation,
        /// Any other body.
        Other = Other,
    }
}

api_enum! {
    /// A part of the charter (Part III of the 2006 text groups its articles by role).
    pub enum CharterPart for crate::domain::charter::CharterPart, stored {
        /// Democratic accountability (article 1).
        DemocraticAccountability = DemocraticAccountability,
        /// The political role (articles 2–7).
        PoliticalRole = PoliticalRole,
        /// A general framework for equality (articles 8–10).
        GeneralFramework = GeneralFramework,
        /// The employer role (article 11).
        EmployerRole = EmployerRole,
        /// Public procurement and contracts (article 12).
        PublicProcurement = PublicProcurement,
        /// The service delivery role (articles 13–23).
        ServiceDelivery = ServiceDelivery,
        /// Planning and sustainable development (articles 24–28).
        PlanningAndSustainableDevelopment = PlanningAndSustainableDevelopment,
        /// The regulatory role (article 29).
        RegulatoryRole = RegulatoryRole,
        /// Twinning and international cooperation (article 30).
        TwinningAndInternationalCooperation = TwinningAndInternationalCooperation,
    }
}

api_enum! {
    /// The orderings of organisation lists.
    #[derive(Default)]
    pub enum OrganisationOrderField for crate::services::organisations::OrganisationOrderField {
        /// Swedish alphabetical order of the name (å, ä, ö after z), ties by code.
        #[default]
        Name = Name,
        /// Code order.
        Code = Code,
        /// Signing date (the last possible day where only a range is known), ties by code;
        /// organisations that never signed come last.
        SignedOn = SignedOn,
    }
}
