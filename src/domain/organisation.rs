//! Kinds of organisation that can sign the charter.

stored_enum! {
    /// The kind of an organisation. Stored as text, so a new kind needs no migration.
    pub enum OrganisationKind {
        /// A municipality (kommun).
        Municipality => "MUNICIPALITY",
        /// A region (formerly landsting).
        Region => "REGION",
        /// A municipal federation (kommunalförbund) or a similar joint body.
        MunicipalFederation => "MUNICIPAL_FEDERATION",
        /// A national association of local and regional government (SKR).
        NationalAssociation => "NATIONAL_ASSOCIATION",
        /// Any other body.
        Other => "OTHER",
    }
}

impl OrganisationKind {
    /// Reads the stored form; text written by a newer version reads as `Other`.
    pub fn from_stored_or_other(value: &str) -> Self {
        Self::from_stored(value).unwrap_or(Self::Other)
    }
}
