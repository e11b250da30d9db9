//! Swedish and English labels of the register's vocabulary, for a Swedish public site
//! and for exports a person reads. Every variant of every labelled enum has both (the
//! matches are exhaustive, so a new variant does not compile without its labels).
//!
//! The charter's articles have an official English title; an official Swedish title
//! only where a source gives one (`charter_article.title_sv`). Elsewhere
//! `article_title_sv` gives this service's own working translation, and the API says it
//! is not official.

use crate::domain::charter::CharterPart;
use crate::domain::organisation::OrganisationKind;
use crate::domain::register::{
    ActionPlanStatus, CharterEdition, DataOrigin, DatePrecision, DecisionBody, Initiative, Motive,
    SignatoryStatus,
};
use crate::domain::support::{FocusArea, ParticipationRole, SupportAssessment};

/// A language labels can be asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Swedish,
    English,
}

impl Language {
    /// Reads `sv` or `en` (case-insensitive).
    pub fn parse(code: &str) -> Option<Self> {
        match code.trim().to_ascii_lowercase().as_str() {
            "sv" => Some(Self::Swedish),
            "en" => Some(Self::English),
            _ => None,
        }
    }
}

/// A value with a Swedish and an English label.
pub trait Labelled: Copy {
    fn label_sv(self) -> &'static str;
    fn label_en(self) -> &'static str;

    fn label(self, language: Language) -> &'static str {
        match language {
            Language::Swedish => self.label_sv(),
            Language::English => self.label_en(),
        }
    }
}

macro_rules! labels {
    ($( $ty:ty { $( $variant:ident => $sv:literal, $en:literal; )+ } )+) => {
        $(
            impl Labelled for $ty {
                fn label_sv(self) -> &'static str {
                    match self { $( Self::$variant => $sv ),+ }
                }
                fn label_en(self) -> &'static str {
                    match self { $( Self::$variant => $en ),+ }
                }
            }
        )+
    };
}

labels! {
    SignatoryStatus {
        Signed => "Undertecknat", "Signed";
        Withdrawn => "Frånträtt", "Withdrawn";
        NeverSigned => "Aldrig undertecknat", "Never signed";
    }
    ActionPlanStatus {
        NoneDueYet => "Ännu inte förfallen", "Not due yet";
        NoPlanOnRecord => "Ingen plan registrerad", "No plan on record";
        Overdue => "Försenad (belagt)", "Overdue (documented)";
        Adopted => "Antagen", "Adopted";
        FollowedUp => "Antagen och följd upp", "Followed up";
    }
    DatePrecision {
        Day => "Dag", "Day";
        Month => "Månad", "Month";
        Year => "År", "Year";
        Unknown => "Okänt (senast ett visst datum)", "Unknown (not later than a date)";
    }
    DecisionBody {
        Kommunfullmaktige => "Kommunfullmäktige", "Municipal council";
        Kommunstyrelse => "Kommunstyrelsen", "Municipal executive board";
        Regionfullmaktige => "Regionfullmäktige", "Regional council";
        Regionstyrelse => "Regionstyrelsen", "Regional executive board";
        Other => "Annat organ", "Another body";
        Unknown => "Okänt", "Unknown";
    }
    Initiative {
        Strategists => "Strateger eller tjänstepersoner", "Strategists or officials";
        Politicians => "Politiker eller partier", "Politicians or parties";
        MunicipalAssociation => "Kommunförbund eller annan regional aktör", "A municipal association or another regional actor";
        SkrRecommendation => "SKR:s rekommendation", "SKR's recommendation";
        SupportProgramme => "Ett stödprogram från SKR", "An SKR support programme";
        Other => "Någon annan", "Someone else";
        Unknown => "Okänt", "Unknown";
    }
    Motive {
        ScaleUpAndSystematise => "Skala upp och systematisera arbetet", "Scale up and systematise the work";
        ConfirmOngoingWork => "Bekräfta pågående arbete", "Confirm work already going on";
        Stance => "Ett ställningstagande", "A stance";
        Commitment => "Ett åtagande", "A commitment";
        SharedNorm => "En gemensam norm", "A shared norm";
        Solidarity => "Solidaritet", "Solidarity";
        InsuranceAgainstChange => "En försäkring mot framtida hot", "Insurance against future threats";
    }
    CharterEdition {
        Charter2006 => "Deklarationen från 2006 (30 artiklar)", "The 2006 charter (30 articles)";
        Charter2022 => "Revideringen 2022 (artiklarna 31–39)", "The 2022 revision (articles 31–39)";
    }
    DataOrigin {
        Sourced => "Belagt med källa", "Sourced";
        Demo => "Demonstrationsdata", "Demonstration data";
        Reported => "Rapporterat", "Reported";
        Reconstructed => "Rekonstruerat", "Reconstructed";
    }
    OrganisationKind {
        Municipality => "Kommun", "Municipality";
        Region => "Region", "Region";
        MunicipalFederation => "Kommunalförbund", "Municipal federation";
        NationalAssociation => "Nationell sammanslutning", "National association";
        Other => "Annan", "Other";
    }
    CharterPart {
        DemocraticAccountability => "Demokratiskt ansvar", "Democratic accountability";
        PoliticalRole => "Den politiska rollen", "The political role";
        GeneralFramework => "Allmänt ramverk för jämställdhet", "General framework for equality";
        EmployerRole => "Arbetsgivarrollen", "The employer role";
        PublicProcurement => "Offentlig upphandling och avtal", "Public procurement and contracts";
        ServiceDelivery => "Rollen som tjänsteleverantör", "The service delivery role";
        PlanningAndSustainableDevelopment => "Planering och hållbar utveckling", "Planning and sustainable development";
        RegulatoryRole => "Den reglerande rollen", "The regulatory role";
        TwinningAndInternationalCooperation => "Vänortssamarbete och internationellt samarbete", "Twinning and international cooperation";
    }
    ParticipationRole {
        Participant => "Deltagare", "Participant";
        ModelMunicipality => "Modellkommun", "Model municipality";
        ModelRegion => "Modellregion", "Model region";
    }
    FocusArea {
        MensViolenceAgainstWomen => "Mäns våld mot kvinnor", "Men's violence against women";
        HonourRelatedViolence => "Hedersrelaterat våld och förtryck", "Honour-related violence and oppression";
        GenderMainstreaming => "Jämställdhetsintegrering", "Gender mainstreaming";
        Agenda2030 => "Agenda 2030", "Agenda 2030";
        RegionalDevelopment => "Regional utveckling", "Regional development";
        EqualityDelegation => "Jämställdhetsdelegation", "Gender equality delegation";
        Other => "Annat", "Other";
    }
    SupportAssessment {
        WellFunctioning => "Fungerar väl", "Works well";
        Limited => "Begränsat", "Limited";
        None => "Inget stöd", "No support";
        Unknown => "Okänt", "Unknown";
    }
}

/// This service's working Swedish translation of an article's English title, for
/// articles whose official Swedish title no source gives. Not official.
pub fn article_title_sv(number: i32) -> Option<&'static str> {
    Some(match number {
        1 => "Demokratiskt ansvar",
        2 => "Politisk representation",
        3 => "Deltagande i det politiska och medborgerliga livet",
        4 => "Offentligt åtagande för jämställdhet",
        5 => "Samarbete med partner för att främja jämställdhet",
        6 => "Att motverka stereotyper",
        7 => "God förvaltning och samråd",
        8 => "Allmänt åtagande",
        9 => "Jämställdhetsanalys",
        10 => "Flerfaldig diskriminering eller missgynnande",
        11 => "Arbetsgivarrollen",
        12 => "Offentlig upphandling och avtal",
        13 => "Utbildning och livslångt lärande",
        14 => "Hälsa",
        15 => "Social omsorg och sociala tjänster",
        16 => "Barnomsorg",
        17 => "Omsorg om andra anhöriga",
        18 => "Social inkludering",
        19 => "Bostäder",
        20 => "Kultur, idrott och fritid",
        21 => "Trygghet och säkerhet",
        22 => "Könsrelaterat våld",
        23 => "Människohandel",
        24 => "Hållbar utveckling",
        25 => "Stads- och samhällsplanering",
        26 => "Rörlighet och transporter",
        27 => "Ekonomisk utveckling",
        28 => "Miljö",
        29 => "Kommunen som reglerande myndighet",
        30 => "Vänortssamarbete och internationellt samarbete",
        _ => return None,
    })
}
