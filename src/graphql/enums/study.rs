//! API enums of follow-up studies.

api_enum! {
    /// An interviewee's role.
    pub enum InterviewRole for crate::domain::study::InterviewRole, stored {
        /// A politician (kommunalråd, regionråd, chairs of councils).
        Politician = Politician,
        /// Management (municipal and regional directors, heads of administration).
        Management = Management,
        /// A strategist or coordinator (equality, human rights, sustainability).
        Strategist = Strategist,
        /// Any other role (e.g. SKR staff, experts).
        Other = Other,
    }
}

api_enum! {
    /// Gender as the study recorded it.
    pub enum RecordedGender for crate::domain::study::RecordedGender, stored {
        /// A woman.
        Woman = Woman,
        /// A man.
        Man = Man,
        /// Not recorded.
        NotRecorded = NotRecorded,
    }
}

api_enum! {
    /// A coded question of an interview.
    pub enum AnswerDimension for crate::domain::study::AnswerDimension, stored {
        /// The year the organisation signed, as the interviewee gave it.
        SigningYear = SigningYear,
        /// The charter's importance for the equality work, 1 (very small) to 5 (very large).
        Rating = Rating,
        /// Who took the initiative to sign (`Initiative` values).
        Initiative = Initiative,
        /// The governance model (`GovernanceModel` values).
        GovernanceModel = GovernanceModel,
        /// The organisation's action plan situation (`ActionPlanSituation` values).
        ActionPlanSituation = ActionPlanSituation,
        /// Awareness of the commitment (`Awareness` values).
        Awareness = Awareness,
        /// A motive for signing (`Motive` values); several per interview.
        Motive = Motive,
        /// Support wanted (`SupportWanted` values); several per interview.
        SupportWanted = SupportWanted,
    }
}

api_enum! {
    /// How the organisation is governed, as the interviewee described it.
    pub enum GovernanceModel for crate::domain::study::GovernanceModel, stored {
        /// Goal-and-results management (mål- och resultatstyrning).
        GoalAndResults = GoalAndResults,
        /// Trust-based management (tillitsbaserad styrning).
        TrustBased = TrustBased,
        /// A mix of both.
        Mixed = Mixed,
    }
}

api_enum! {
    /// The organisation's action plan, as the interviewees described it.
    pub enum ActionPlanSituation for crate::domain::study::ActionPlanSituation, stored {
        /// Drew one up and followed it up continuously.
        FollowedUp = FollowedUp,
        /// Drew one up but did not follow it up.
        NotFollowedUp = NotFollowedUp,
        /// Says it will draw one up.
        Intended = Intended,
        /// Has none.
        None = None,
        /// Could not say.
        Unknown = Unknown,
    }
}

api_enum! {
    /// Awareness of the commitment among leaders.
    pub enum Awareness for crate::domain::study::Awareness, stored {
        /// High.
        High = High,
        /// Low.
        Low = Low,
        /// None.
        None = None,
        /// Could not say.
        Unknown = Unknown,
    }
}

api_enum! {
    /// Support wanted from SKR and others (categories of the 2021 follow-up).
    pub enum SupportWanted for crate::domain::study::SupportWanted, stored {
        /// SKR should mainstream gender in all its support.
        MainstreamSkrSupport = MainstreamSkrSupport,
        /// Clearer co-planning between county boards, regions, municipalities, universities.
        CoPlanningBetweenActors = CoPlanningBetweenActors,
        /// Networks (vital for small municipalities).
        Networks = Networks,
        /// Collections of good examples.
        GoodExamples = GoodExamples,
        /// A "model administration" follow-on to Modellkonceptet.
        ModelAdministration = ModelAdministration,
        /// National regulatory wording.
        NationalRegulation = NationalRegulation,
    }
}

api_enum! {
    /// What kind of statement of a study a finding is.
    pub enum FindingKind for crate::domain::study::FindingKind, stored {
        /// A finding with a published figure.
        Figure = Figure,
        /// A point of a summary.
        SummaryPoint = SummaryPoint,
        /// A conclusion stated in prose.
        Conclusion = Conclusion,
        /// A recommendation to SKR.
        Recommendation = Recommendation,
        /// A proposal to CEMR from the interviewees.
        CemrProposal = CemrProposal,
    }
}
