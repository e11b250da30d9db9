//! The vocabulary of follow-up studies. Coded answers are (dimension, value) pairs, so a
//! later study can code new questions without a migration; the dimensions the 2021 study
//! coded are known here and validated.

stored_enum! {
    /// An interviewee's role.
    pub enum InterviewRole {
        /// A politician (kommunalråd, regionråd, chairs of councils).
        Politician => "POLITICIAN",
        /// Management (municipal and regional directors, heads of administration).
        Management => "MANAGEMENT",
        /// A strategist or coordinator (equality, human rights, sustainability).
        Strategist => "STRATEGIST",
        /// Any other role (e.g. SKR staff, experts).
        Other => "OTHER",
    }
}

stored_enum! {
    /// Gender as the study recorded it.
    pub enum RecordedGender {
        /// A woman.
        Woman => "WOMAN",
        /// A man.
        Man => "MAN",
        /// Not recorded.
        NotRecorded => "NOT_RECORDED",
    }
}

stored_enum! {
    /// A coded question of an interview.
    pub enum AnswerDimension {
        /// The year the organisation signed, as the interviewee gave it.
        SigningYear => "SIGNING_YEAR",
        /// The charter's importance for the equality work, 1 (very small) to 5 (very large).
        Rating => "RATING",
        /// Who took the initiative to sign (`Initiative` values).
        Initiative => "INITIATIVE",
        /// The governance model (`GovernanceModel` values).
        GovernanceModel => "GOVERNANCE_MODEL",
        /// The organisation's action plan situation (`ActionPlanSituation` values).
        ActionPlanSituation => "ACTION_PLAN_SITUATION",
        /// Awareness of the commitment (`Awareness` values).
        Awareness => "AWARENESS",
        /// A motive for signing (`Motive` values); several per interview.
        Motive => "MOTIVE",
        /// Support wanted (`SupportWanted` values); several per interview.
        SupportWanted => "SUPPORT_WANTED",
    }
}

stored_enum! {
    /// How the organisation is governed, as the interviewee described it.
    pub enum GovernanceModel {
        /// Goal-and-results management (mål- och resultatstyrning).
        GoalAndResults => "GOAL_AND_RESULTS",
        /// Trust-based management (tillitsbaserad styrning).
        TrustBased => "TRUST_BASED",
        /// A mix of both.
        Mixed => "MIXED",
    }
}

stored_enum! {
    /// The organisation's action plan, as the interviewees described it.
    pub enum ActionPlanSituation {
        /// Drew one up and followed it up continuously.
        FollowedUp => "FOLLOWED_UP",
        /// Drew one up but did not follow it up.
        NotFollowedUp => "NOT_FOLLOWED_UP",
        /// Says it will draw one up.
        Intended => "INTENDED",
        /// Has none.
        None => "NONE",
        /// Could not say.
        Unknown => "UNKNOWN",
    }
}

stored_enum! {
    /// Awareness of the commitment among leaders.
    pub enum Awareness {
        /// High.
        High => "HIGH",
        /// Low.
        Low => "LOW",
        /// None.
        None => "NONE",
        /// Could not say.
        Unknown => "UNKNOWN",
    }
}

stored_enum! {
    /// Support wanted from SKR and others (categories of the 2021 follow-up).
    pub enum SupportWanted {
        /// SKR should mainstream gender in all its support.
        MainstreamSkrSupport => "MAINSTREAM_SKR_SUPPORT",
        /// Clearer co-planning between county boards, regions, municipalities, universities.
        CoPlanningBetweenActors => "CO_PLANNING_BETWEEN_ACTORS",
        /// Networks (vital for small municipalities).
        Networks => "NETWORKS",
        /// Collections of good examples.
        GoodExamples => "GOOD_EXAMPLES",
        /// A "model administration" follow-on to Modellkonceptet.
        ModelAdministration => "MODEL_ADMINISTRATION",
        /// National regulatory wording.
        NationalRegulation => "NATIONAL_REGULATION",
    }
}

stored_enum! {
    /// What kind of statement of a study a finding is.
    pub enum FindingKind {
        /// A finding with a published figure.
        Figure => "FIGURE",
        /// A point of a summary.
        SummaryPoint => "SUMMARY_POINT",
        /// A conclusion stated in prose.
        Conclusion => "CONCLUSION",
        /// A recommendation to SKR.
        Recommendation => "RECOMMENDATION",
        /// A proposal to CEMR from the interviewees.
        CemrProposal => "CEMR_PROPOSAL",
    }
}

/// Whether `value` is valid for a known dimension; unknown dimensions (coded by a later
/// study) accept any upper-case code.
pub fn valid_answer(dimension: &str, value: &str) -> bool {
    use crate::domain::register::{Initiative, Motive};
    match AnswerDimension::from_stored(dimension) {
        Some(AnswerDimension::SigningYear) => value
            .parse::<i32>()
            .is_ok_and(|y| (2006..=2100).contains(&y)),
        Some(AnswerDimension::Rating) => value.parse::<i32>().is_ok_and(|r| (1..=5).contains(&r)),
        Some(AnswerDimension::Initiative) => Initiative::from_stored(value).is_some(),
        Some(AnswerDimension::GovernanceModel) => GovernanceModel::from_stored(value).is_some(),
        Some(AnswerDimension::ActionPlanSituation) => {
            ActionPlanSituation::from_stored(value).is_some()
        }
        Some(AnswerDimension::Awareness) => Awareness::from_stored(value).is_some(),
        Some(AnswerDimension::Motive) => Motive::from_stored(value).is_some(),
        Some(AnswerDimension::SupportWanted) => SupportWanted::from_stored(value).is_some(),
        None => is_code(value),
    }
}

/// An upper-case code: letters, digits and underscores, 1–80 characters.
pub fn is_code(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 80
        && text
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}
