//! Support to members: programme roles and county board support.

stored_enum! {
    /// An organisation's role in a support programme.
    pub enum ParticipationRole {
        /// A participant.
        Participant => "PARTICIPANT",
        /// A model municipality (modellkommun) in Modellkonceptet.
        ModelMunicipality => "MODEL_MUNICIPALITY",
        /// A model region (modellregion) in Modellkonceptet.
        ModelRegion => "MODEL_REGION",
    }
}

stored_enum! {
    /// What county board support was about.
    pub enum FocusArea {
        /// Men's violence against women (the sixth national sub-goal).
        MensViolenceAgainstWomen => "MENS_VIOLENCE_AGAINST_WOMEN",
        /// Honour-related violence and oppression.
        HonourRelatedViolence => "HONOUR_RELATED_VIOLENCE",
        /// Gender mainstreaming.
        GenderMainstreaming => "GENDER_MAINSTREAMING",
        /// Agenda 2030.
        Agenda2030 => "AGENDA_2030",
        /// Regional development.
        RegionalDevelopment => "REGIONAL_DEVELOPMENT",
        /// A gender-equality delegation.
        EqualityDelegation => "EQUALITY_DELEGATION",
        /// Something else.
        Other => "OTHER",
    }
}

stored_enum! {
    /// How the organisation judged the county board's support.
    pub enum SupportAssessment {
        /// It works well.
        WellFunctioning => "WELL_FUNCTIONING",
        /// Limited or thinning out.
        Limited => "LIMITED",
        /// No support to speak of.
        None => "NONE",
        /// Not assessed.
        Unknown => "UNKNOWN",
    }
}
