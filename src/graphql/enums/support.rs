//! API enums of support to members.

api_enum! {
    /// An organisation's role in a support programme.
    pub enum ParticipationRole for crate::domain::support::ParticipationRole, stored {
        /// A participant.
        Participant = Participant,
        /// A model municipality (modellkommun) in Modellkonceptet.
        ModelMunicipality = ModelMunicipality,
        /// A model region (modellregion) in Modellkonceptet.
        ModelRegion = ModelRegion,
    }
}

api_enum! {
    /// What county board support was about.
    pub enum FocusArea for crate::domain::support::FocusArea, stored {
        /// Men's violence against women (the sixth national sub-goal).
        MensViolenceAgainstWomen = MensViolenceAgainstWomen,
        /// Honour-related violence and oppression.
        HonourRelatedViolence = HonourRelatedViolence,
        /// Gender mainstreaming.
        GenderMainstreaming = GenderMainstreaming,
        /// Agenda 2030.
        Agenda2030 = Agenda2030,
        /// Regional development.
        RegionalDevelopment = RegionalDevelopment,
        /// A gender-equality delegation.
        EqualityDelegation = EqualityDelegation,
        /// Something else.
        Other = Other,
    }
}

api_enum! {
    /// How the organisation judged the county board's support.
    pub enum SupportAssessment for crate::domain::support::SupportAssessment, stored {
        /// It works well.
        WellFunctioning = WellFunctioning,
        /// Limited or thinning out.
        Limited = Limited,
        /// No support to speak of.
        None = None,
        /// Not assessed.
        Unknown = Unknown,
    }
}
