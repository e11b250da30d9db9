//! The page's two languages: Swedish by default, English with `?lang=en`. Every text the
//! pages and charts show is here, so a translation is one match away.

use crate::domain::organisation::OrganisationKind;
use crate::domain::register::{ActionPlanStatus, SignatoryStatus};
use crate::error::{AppError, AppResult};

/// A language of the public pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Swedish, the default.
    #[default]
    Sv,
    /// English.
    En,
}

impl Lang {
    /// Parses `?lang=`: absent is Swedish; anything but `sv` or `en` is refused.
    pub fn parse(value: Option<&str>) -> AppResult<Self> {
        match value.map(str::trim) {
            None | Some("") | Some("sv") => Ok(Self::Sv),
            Some("en") => Ok(Self::En),
            Some(other) => Err(AppError::bad_input(format!(
                "lang {other:?} is not supported: use sv or en"
            ))),
        }
    }

    /// The BCP 47 code for `lang` attributes.
    pub fn code(self) -> &'static str {
        match self {
            Self::Sv => "sv",
            Self::En => "en",
        }
    }

    /// The other language, for the switch link.
    pub fn other(self) -> Self {
        match self {
            Self::Sv => Self::En,
            Self::En => Self::Sv,
        }
    }

    /// The text in this language.
    pub fn pick(self, sv: &'static str, en: &'static str) -> &'static str {
        match self {
            Self::Sv => sv,
            Self::En => en,
        }
    }

    /// A signatory status.
    pub fn status(self, status: SignatoryStatus) -> &'static str {
        match status {
            SignatoryStatus::Signed => self.pick("Undertecknat", "Signed"),
            SignatoryStatus::Withdrawn => self.pick("Frånträtt", "Withdrawn"),
            SignatoryStatus::NeverSigned => self.pick("Aldrig undertecknat", "Never signed"),
        }
    }

    /// An action plan status.
    pub fn plan_status(self, status: ActionPlanStatus) -> &'static str {
        match status {
            ActionPlanStatus::NoneDueYet => self.pick("Ännu inte förfallen", "Not due yet"),
            ActionPlanStatus::NoPlanOnRecord => {
                self.pick("Ingen plan registrerad", "No plan on record")
            }
            ActionPlanStatus::Overdue => self.pick("Försenad (belagt)", "Overdue (documented)"),
            ActionPlanStatus::Adopted => self.pick("Antagen", "Adopted"),
            ActionPlanStatus::FollowedUp => self.pick("Antagen och följd upp", "Followed up"),
        }
    }

    /// An organisation kind.
    pub fn kind(self, kind: OrganisationKind) -> &'static str {
        match kind {
            OrganisationKind::Municipality => self.pick("Kommuner", "Municipalities"),
            OrganisationKind::Region => self.pick("Regioner", "Regions"),
            OrganisationKind::MunicipalFederation => {
                self.pick("Kommunalförbund", "Municipal federations")
            }
            OrganisationKind::NationalAssociation => {
                self.pick("Nationella förbund", "National associations")
            }
            OrganisationKind::Other => self.pick("Övriga", "Others"),
        }
    }

    /// A formatted share, Swedish with a decimal comma.
    pub fn percent(self, share: f64) -> String {
        let text = format!("{:.0} %", share * 100.0);
        match self {
            Self::Sv => text.replace('.', ","),
            Self::En => text.replace(' ', ""),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swedish_is_the_default_and_unknown_languages_are_refused() {
        assert_eq!(Lang::parse(None).ok(), Some(Lang::Sv));
        assert_eq!(Lang::parse(Some("en")).ok(), Some(Lang::En));
        assert!(Lang::parse(Some("de")).is_err());
    }
}
