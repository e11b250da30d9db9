//! The Swedish and English labels of every value of the API's register enums, so a
//! client shows `NO_PLAN_ON_RECORD` as "Ingen plan registrerad" without its own table.

use crate::domain::labels::Labelled;
use crate::graphql::enums;
use async_graphql::resolver_utils::EnumType;
use async_graphql::{OutputType, SimpleObject};

/// The labels of one enum's values.
#[derive(SimpleObject)]
pub struct EnumLabels {
    /// The enum's name in this schema, e.g. "ActionPlanStatus".
    pub name: String,
    /// Every value, in the schema's order.
    pub values: Vec<EnumValueLabel>,
}

/// The labels of one enum value.
#[derive(SimpleObject)]
pub struct EnumValueLabel {
    /// The value as the schema spells it, e.g. "NO_PLAN_ON_RECORD".
    pub value: String,
    /// Its Swedish label.
    pub label_sv: String,
    /// Its English label.
    pub label_en: String,
}

fn of<A, D>() -> EnumLabels
where
    A: EnumType + OutputType + Into<D>,
    D: Labelled,
{
    EnumLabels {
        name: A::type_name().into_owned(),
        values: A::items()
            .iter()
            .map(|item| {
                let domain: D = item.value.into();
                EnumValueLabel {
                    value: item.name.to_owned(),
                    label_sv: domain.label_sv().to_owned(),
                    label_en: domain.label_en().to_owned(),
                }
            })
            .collect(),
    }
}

/// Every labelled enum of the schema.
pub fn all() -> Vec<EnumLabels> {
    use crate::domain::{charter, organisation, register, support};
    vec![
        of::<enums::SignatoryStatus, register::SignatoryStatus>(),
        of::<enums::ActionPlanStatus, register::ActionPlanStatus>(),
        of::<enums::DatePrecision, register::DatePrecision>(),
        of::<enums::DecisionBody, register::DecisionBody>(),
        of::<enums::Initiative, register::Initiative>(),
        of::<enums::Motive, register::Motive>(),
        of::<enums::CharterEdition, register::CharterEdition>(),
        of::<enums::DataOrigin, register::DataOrigin>(),
        of::<enums::OrganisationKind, organisation::OrganisationKind>(),
        of::<enums::CharterPart, charter::CharterPart>(),
        of::<enums::ParticipationRole, support::ParticipationRole>(),
        of::<enums::FocusArea, support::FocusArea>(),
        of::<enums::SupportAssessment, support::SupportAssessment>(),
    ]
}
