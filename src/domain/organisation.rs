//! Kinds of organisation that can sign the charter.

use async_graphql::Enum;

/// The kind of an organisation. Stored as text, so a new kind needs no migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Enum)]
pub enum OrganisationKind {
    /// A municipality (kommun).
    Municipality,
    /// A region (formerly landsting).
    Region,
    /// A municipal federation (kommunalförbund) or a similar joint body.
    MunicipalFederation,
    /// A national association of local and regional government (SKR).
    NationalAssociation,
    /// Any other body.
    Other,
}

impl OrganisationKind {
    pub const ALL: [Self; 5] = [
        Self::Municipality,
        Self::Region,
        Self::MunicipalFederation,
        Self::NationalAssociation,
        Self::Other,
    ];

    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Municipality => "MUNICIPALITY",
            Self::Region => "REGION",
            Self::MunicipalFederation => "MUNICIPAL_FEDERATION",
            Self::NationalAssociation => "NATIONAL_ASSOCIATION",
            Self::Other => "OTHER",
        }
    }

    /// Reads the stored form; text written by a newer version reads as `Other`.
    pub fn from_stored(value: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == value)
            .unwrap_or(Self::Other)
    }
}
