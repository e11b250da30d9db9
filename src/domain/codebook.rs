//! Codebooks: every coded dimension of a study lists its allowed values, each with a
//! Swedish and an English label, before any interview may use it. Public breakdowns list
//! every value of the codebook in this order, so the presence of a value reveals nothing.
//!
//! The dimensions the 2021 follow-up coded have standard codebooks, which every study gets
//! when it is created; their level and multiplicity are fixed, and their values must stay
//! valid for the dimension (e.g. `RATING` only 1–5). New dimensions are the researcher's.

use crate::domain::register::{Initiative, Motive};
use crate::domain::study::{
    ActionPlanSituation, AnswerDimension, Awareness, GovernanceModel, SupportWanted, is_code,
    valid_answer,
};

stored_enum! {
    /// Who a coded dimension describes.
    pub enum CodebookLevel {
        /// Each interviewee answers for themselves; counted in persons.
        Person => "PERSON",
        /// A fact about the interviewee's organisation (e.g. its signing year); one value
        /// per organisation, counted in organisations.
        Organisation => "ORGANISATION",
    }
}

/// One allowed value with its labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeDef {
    pub value: String,
    pub label_sv: String,
    pub label_en: String,
}

/// A codebook as defined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodebookDef {
    pub dimension: String,
    pub level: CodebookLevel,
    pub multiple: bool,
    pub label_sv: String,
    pub label_en: String,
    pub values: Vec<CodeDef>,
}

fn code(value: &str, label_sv: &str, label_en: &str) -> CodeDef {
    CodeDef {
        value: value.into(),
        label_sv: label_sv.into(),
        label_en: label_en.into(),
    }
}

/// The level and multiplicity a known dimension must have.
pub fn fixed_shape(dimension: &str) -> Option<(CodebookLevel, bool)> {
    use AnswerDimension as D;
    Some(match AnswerDimension::from_stored(dimension)? {
        D::SigningYear | D::ActionPlanSituation => (CodebookLevel::Organisation, false),
        D::Rating | D::Initiative | D::GovernanceModel | D::Awareness => {
            (CodebookLevel::Person, false)
        }
        D::Motive | D::SupportWanted => (CodebookLevel::Person, true),
    })
}

/// Whether `value` may be a code of the dimension's codebook.
pub fn valid_code(dimension: &str, value: &str) -> bool {
    is_code(dimension) && valid_answer(dimension, value)
}

/// Whether a dimension is numeric, so its mean and median are published.
pub fn numeric(dimension: &str) -> bool {
    dimension == AnswerDimension::Rating.as_str()
}

fn labelled<T: Copy>(
    all: &[T],
    stored: impl Fn(T) -> &'static str,
    labels: &[(&str, &str)],
) -> Vec<CodeDef> {
    all.iter()
        .zip(labels)
        .map(|(v, (sv, en))| code(stored(*v), sv, en))
        .collect()
}

/// The standard codebooks of the known dimensions; signing years run from the charter's
/// adoption (2006) to the study's year.
pub fn standard(study_year: i32) -> Vec<CodebookDef> {
    use AnswerDimension as D;
    let def = |dimension: D, label_sv: &str, label_en: &str, values: Vec<CodeDef>| {
        let (level, multiple) =
            fixed_shape(dimension.as_str()).unwrap_or((CodebookLevel::Person, false));
        CodebookDef {
            dimension: dimension.as_str().into(),
            level,
            multiple,
            label_sv: label_sv.into(),
            label_en: label_en.into(),
            values,
        }
    };
    let years = (2006..=study_year.max(2006))
        .map(|y| code(&y.to_string(), &y.to_string(), &y.to_string()))
        .collect();
    vec![
        def(
            D::SigningYear,
            "År för undertecknande",
            "Year of signing",
            years,
        ),
        def(
            D::Rating,
            "Deklarationens betydelse för jämställdhetsarbetet",
            "The charter's importance for the equality work",
            vec![
                code("1", "1 – mycket liten", "1 – very small"),
                code("2", "2 – liten", "2 – small"),
                code(
                    "3",
                    "3 – varken liten eller stor",
                    "3 – neither small nor large",
                ),
                code("4", "4 – stor", "4 – large"),
                code("5", "5 – mycket stor", "5 – very large"),
            ],
        ),
        def(
            D::Initiative,
            "Initiativ till undertecknandet",
            "Initiative to sign",
            labelled(
                Initiative::ALL,
                Initiative::as_str,
                &[
                    (
                        "Strateger eller tjänstepersoner",
                        "Strategists or officials",
                    ),
                    ("Politiker eller partier", "Politicians or parties"),
                    (
                        "Kommunalförbund eller annan regional aktör",
                        "A municipal association or another regional actor",
                    ),
                    ("SKR:s rekommendation", "SKR's recommendation"),
                    ("Ett av SKR:s stödprogram", "An SKR support programme"),
                    ("Annan", "Someone else"),
                    ("Vet inte", "Not known"),
                ],
            ),
        ),
        def(
            D::GovernanceModel,
            "Styrmodell",
            "Governance model",
            labelled(
                GovernanceModel::ALL,
                GovernanceModel::as_str,
                &[
                    ("Mål- och resultatstyrning", "Goal-and-results management"),
                    ("Tillitsbaserad styrning", "Trust-based management"),
                    ("Blandning", "A mix of both"),
                ],
            ),
        ),
        def(
            D::ActionPlanSituation,
            "Handlingsplan",
            "Action plan",
            labelled(
                ActionPlanSituation::ALL,
                ActionPlanSituation::as_str,
                &[
                    (
                        "Upprättad och kontinuerligt uppföljd",
                        "Drawn up and followed up continuously",
                    ),
                    (
                        "Upprättad men inte uppföljd",
                        "Drawn up but not followed up",
                    ),
                    ("Ska upprättas", "Will be drawn up"),
                    ("Saknas", "None"),
                    ("Vet inte", "Not known"),
                ],
            ),
        ),
        def(
            D::Awareness,
            "Medvetenhet om åtagandet",
            "Awareness of the commitment",
            labelled(
                Awareness::ALL,
                Awareness::as_str,
                &[
                    ("Hög", "High"),
                    ("Låg", "Low"),
                    ("Ingen", "None"),
                    ("Vet inte", "Not known"),
                ],
            ),
        ),
        def(
            D::Motive,
            "Motiv för undertecknandet",
            "Motives for signing",
            labelled(
                Motive::ALL,
                Motive::as_str,
                &[
                    (
                        "Växla upp och systematisera arbetet",
                        "Scale up and systematise the work",
                    ),
                    (
                        "Bekräftelse på pågående arbete",
                        "Confirmation of work already going on",
                    ),
                    ("Ett ställningstagande", "A stance"),
                    ("Ett åtagande", "A commitment"),
                    ("En gemensam norm", "A shared norm"),
                    ("Solidaritet", "Solidarity"),
                    (
                        "En försäkring mot framtida hot",
                        "Insurance against future threats",
                    ),
                ],
            ),
        ),
        def(
            D::SupportWanted,
            "Önskat stöd",
            "Support wanted",
            labelled(
                SupportWanted::ALL,
                SupportWanted::as_str,
                &[
                    (
                        "SKR jämställdhetsintegrerar allt sitt stöd",
                        "SKR mainstreams gender in all its support",
                    ),
                    (
                        "Tydligare samplanering mellan aktörer",
                        "Clearer co-planning between actors",
                    ),
                    ("Nätverk", "Networks"),
                    ("Goda exempel", "Good examples"),
                    ("Modellförvaltning", "A model administration"),
                    ("Nationella skrivningar", "National regulatory wording"),
                ],
            ),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_standard_code_is_valid_for_its_dimension() {
        for codebook in standard(2026) {
            assert!(!codebook.values.is_empty(), "{}", codebook.dimension);
            for value in &codebook.values {
                assert!(valid_code(&codebook.dimension, &value.value), "{value:?}");
                assert!(!value.label_sv.is_empty() && !value.label_en.is_empty());
            }
            assert_eq!(
                fixed_shape(&codebook.dimension),
                Some((codebook.level, codebook.multiple))
            );
        }
    }
}
