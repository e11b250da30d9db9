//! The register's vocabulary and its derived statuses.
//!
//! **Signatory status** of an organisation: `SIGNED` when it has a current signature
//! that is not withdrawn, `WITHDRAWN` when its current signature is withdrawn,
//! `NEVER_SIGNED` otherwise.
//!
//! **Action plan status**, for an organisation whose current signature is not withdrawn
//! (null otherwise). The plans that count are those adopted on or after the first day
//! the current signing can have happened (any adopted plan when that day is unknown), so
//! a plan made under an earlier, withdrawn signature does not fulfil a new commitment:
//! - `FOLLOWED_UP`: a counting plan has at least one follow-up report;
//! - `ADOPTED`: a counting plan exists, none followed up;
//! - `OVERDUE`: no counting plan, the due date (`dates::action_plan_due_on`) has
//!   passed, and the register holds evidence that the plan is missing: the signature's
//!   `plan_missing_on` (a day after the due date) with its `plan_missing_source`;
//! - `NO_PLAN_ON_RECORD`: no counting plan and the due date has passed, but nothing says
//!   the plan is missing. The absence of a record is not the absence of a plan: the
//!   organisation may have one the register has not been told of;
//! - `NONE_DUE_YET`: no counting plan, and the due date is today or later.
//!
//! The SQL in `services::register::status` is the one implementation of these rules;
//! every list, filter, field and statistic goes through it.

stored_enum! {
    /// Whether an organisation is a signatory.
    pub enum SignatoryStatus {
        /// Its current signature stands.
        Signed => "SIGNED",
        /// It signed, then withdrew (frånträdde).
        Withdrawn => "WITHDRAWN",
        /// It has no signature on record.
        NeverSigned => "NEVER_SIGNED",
    }
}

stored_enum! {
    /// Where a signatory stands with the commitment to adopt an action plan within two
    /// years of signing.
    pub enum ActionPlanStatus {
        /// No plan yet, and the two years have not passed.
        NoneDueYet => "NONE_DUE_YET",
        /// The two years have passed and no plan is on record; whether one exists is
        /// not known.
        NoPlanOnRecord => "NO_PLAN_ON_RECORD",
        /// The two years have passed and a cited source says no plan was adopted.
        Overdue => "OVERDUE",
        /// A plan was adopted; no follow-up report yet.
        Adopted => "ADOPTED",
        /// A plan was adopted and followed up.
        FollowedUp => "FOLLOWED_UP",
    }
}

stored_enum! {
    /// How precisely the signing date is known.
    pub enum DatePrecision {
        /// The exact day.
        Day => "DAY",
        /// The month.
        Month => "MONTH",
        /// The year.
        Year => "YEAR",
        /// Unknown; only a date it happened not later than.
        Unknown => "UNKNOWN",
    }
}

stored_enum! {
    /// The political body that decided to sign or to adopt a plan.
    pub enum DecisionBody {
        /// The municipal council.
        Kommunfullmaktige => "KOMMUNFULLMAKTIGE",
        /// The municipal executive board.
        Kommunstyrelse => "KOMMUNSTYRELSE",
        /// The regional council.
        Regionfullmaktige => "REGIONFULLMAKTIGE",
        /// The regional executive board.
        Regionstyrelse => "REGIONSTYRELSE",
        /// Another body (e.g. a federation's board).
        Other => "OTHER",
        /// Not on record.
        Unknown => "UNKNOWN",
    }
}

stored_enum! {
    /// Who took the initiative to sign (categories of the 2021 follow-up).
    pub enum Initiative {
        /// Strategists or officials.
        Strategists => "STRATEGISTS",
        /// Politicians or parties.
        Politicians => "POLITICIANS",
        /// A municipal association or another regional actor.
        MunicipalAssociation => "MUNICIPAL_ASSOCIATION",
        /// SKR's recommendation.
        SkrRecommendation => "SKR_RECOMMENDATION",
        /// An SKR support programme.
        SupportProgramme => "SUPPORT_PROGRAMME",
        /// Someone else.
        Other => "OTHER",
        /// Not on record.
        Unknown => "UNKNOWN",
    }
}

stored_enum! {
    /// A motive for signing, as the 2021 follow-up categorised them.
    pub enum Motive {
        /// To scale up and systematise the equality work.
        ScaleUpAndSystematise => "SCALE_UP_AND_SYSTEMATISE",
        /// Confirmation of work already going on.
        ConfirmOngoingWork => "CONFIRM_ONGOING_WORK",
        /// A stance (ställningstagande).
        Stance => "STANCE",
        /// A commitment (åtagande).
        Commitment => "COMMITMENT",
        /// A shared norm, e.g. a whole county signing together.
        SharedNorm => "SHARED_NORM",
        /// Solidarity with other municipalities and countries.
        Solidarity => "SOLIDARITY",
        /// Insurance against future threats (a new majority, changed governance).
        InsuranceAgainstChange => "INSURANCE_AGAINST_CHANGE",
    }
}

stored_enum! {
    /// The text of the charter that was signed.
    pub enum CharterEdition {
        /// The 2006 charter with 30 articles.
        Charter2006 => "2006",
        /// The 2022 revision with articles 31–39 (signings from January 2023).
        Charter2022 => "2022",
    }
}

stored_enum! {
    /// Where a record comes from.
    pub enum DataOrigin {
        /// A documented fact with a citation in its `source`.
        Sourced => "SOURCED",
        /// Generated demonstration data: plausible, not true.
        Demo => "DEMO",
        /// Reported through the API by the organisation itself or an administrator.
        Reported => "REPORTED",
        /// Made up to be consistent with published aggregates, not the original records
        /// (the 2021 study's interview rows).
        Reconstructed => "RECONSTRUCTED",
    }
}
