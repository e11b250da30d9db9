//! Releases, provenance and codebooks.

use super::statistics::StudyStatistics;
use crate::domain::register::DataOrigin;
use crate::graphql::ids;
use crate::services::studies::releases::data;
use crate::services::studies::releases::figures::FigureOrigin as Origin;
use crate::services::studies::releases::{self, ReleaseStatus as Status};
use crate::services::studies::visibility;
use async_graphql::{Context, Enum, ID, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{study, study_release};

/// Where a figure comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum FigureOrigin {
    /// Printed in the study's own published report; `publishedIn` says where.
    Sourced,
    /// Computed from reconstructed records (the 2021 study): the report did not publish
    /// it, and it is not a fact about real interviewees.
    Reconstructed,
    /// Computed from the records researchers entered.
    Reported,
}

impl From<Origin> for FigureOrigin {
    fn from(origin: Origin) -> Self {
        match origin {
            Origin::Sourced => Self::Sourced,
            Origin::Reconstructed => Self::Reconstructed,
            Origin::Reported => Self::Reported,
        }
    }
}

impl FigureOrigin {
    /// The origin of what researchers entered for a study (not printed by a report).
    pub fn of_study(study: &study::Model) -> Self {
        if DataOrigin::from_stored(&study.data_origin) == Some(DataOrigin::Sourced) {
            Self::Reconstructed
        } else {
            Self::Reported
        }
    }
}

/// A release's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum ReleaseStatus {
    /// Public.
    Published,
    /// Withdrawn: kept, no longer served to the public.
    Withdrawn,
}

/// A numbered, frozen snapshot of a study's public statistics.
pub struct StudyRelease(pub study_release::Model);

/// A numbered, frozen snapshot of a study's public statistics.
#[Object]
impl StudyRelease {
    /// Global id of the release.
    pub async fn id(&self) -> ID {
        ids::encode("StudyRelease", self.0.id)
    }

    /// 1, 2, … within the study.
    async fn number(&self) -> i32 {
        self.0.number
    }

    /// PUBLISHED or WITHDRAWN.
    async fn status(&self) -> ReleaseStatus {
        match Status::of(&self.0) {
            Status::Published => ReleaseStatus::Published,
            Status::Withdrawn => ReleaseStatus::Withdrawn,
        }
    }

    /// When it was published.
    async fn published_at(&self) -> DateTime<Utc> {
        self.0.published_at
    }

    /// When it was withdrawn, if it was.
    async fn withdrawn_at(&self) -> Option<DateTime<Utc>> {
        self.0.withdrawn_at
    }

    /// Why it was withdrawn, if it was.
    async fn withdrawal_reason(&self) -> Option<&str> {
        self.0.withdrawal_reason.as_deref()
    }

    /// The minimum group size it was protected with.
    async fn minimum_group_size(&self) -> i32 {
        self.0.min_group_size
    }

    /// Its figures, exactly as published; null for a withdrawn release unless the caller
    /// is a researcher or administrator.
    async fn statistics(&self, ctx: &Context<'_>) -> Result<Option<StudyStatistics>> {
        if Status::of(&self.0) == Status::Withdrawn
            && !visibility::sees_drafts(crate::graphql::request(ctx)?)
        {
            return Ok(None);
        }
        let figures = releases::figures_of(&self.0)?;
        Ok(Some(StudyStatistics::released(&self.0, figures)))
    }
}

/// Who a coded dimension describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum CodebookLevel {
    /// Each interviewee answers for themselves; counted in persons.
    Person,
    /// A fact about the organisation; one value per organisation, counted in
    /// organisations.
    Organisation,
}

impl From<CodebookLevel> for crate::domain::codebook::CodebookLevel {
    fn from(level: CodebookLevel) -> Self {
        match level {
            CodebookLevel::Person => Self::Person,
            CodebookLevel::Organisation => Self::Organisation,
        }
    }
}

/// One allowed value of a codebook.
#[derive(SimpleObject)]
pub struct CodebookValue {
    /// The code interviews record, e.g. "TRUST_BASED".
    pub value: String,
    /// The Swedish label.
    pub label_sv: String,
    /// The English label.
    pub label_en: String,
}

/// A coded dimension of a study with its allowed values, in the order breakdowns list
/// them.
pub struct Codebook(pub data::Codebook);

/// A coded dimension of a study with its allowed values, in the order breakdowns list
/// them.
#[Object]
impl Codebook {
    /// The dimension, e.g. "RATING".
    async fn dimension(&self) -> &str {
        &self.0.book.dimension
    }

    /// PERSON or ORGANISATION.
    async fn level(&self) -> CodebookLevel {
        if self.0.book.level == crate::domain::codebook::CodebookLevel::Organisation.as_str() {
            CodebookLevel::Organisation
        } else {
            CodebookLevel::Person
        }
    }

    /// Whether one interview may give several values.
    async fn multiple(&self) -> bool {
        self.0.book.multiple
    }

    /// The Swedish label.
    async fn label_sv(&self) -> &str {
        &self.0.book.label_sv
    }

    /// The English label.
    async fn label_en(&self) -> &str {
        &self.0.book.label_en
    }

    /// The allowed values, in order.
    async fn values(&self) -> Vec<CodebookValue> {
        self.0
            .codes
            .iter()
            .map(|c| CodebookValue {
                value: c.value.clone(),
                label_sv: c.label_sv.clone(),
                label_en: c.label_en.clone(),
            })
            .collect()
    }
}
