//! The register: signatures (with their history), action plans with the articles they
//! address and their follow-up reports, programme participation, county board strategies
//! and county board support.
//!
//! Dates are ISO-8601 text (`YYYY-MM-DD`): they compare correctly as text and `substr`
//! gives the year on both engines. Enumerations are text, so new values need no
//! migration. Sets (motives, articles, focus areas) are join tables, not arrays.

use crate::columns::{timestamp, version};
use crate::m20261126_000001_create_geography::{CountyBoard, Organisation};
use crate::m20261126_000003_create_support_programmes::SupportProgramme;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn date<T: IntoIden>(name: T) -> ColumnDef {
    string_len(name, 10)
}

fn date_null<T: IntoIden>(name: T) -> ColumnDef {
    string_len_null(name, 10)
}

fn fk(
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
    cascade: bool,
) -> ForeignKeyCreateStatement {
    let mut key = ForeignKey::create();
    key.from(from.0, from.1).to(to.0, to.1);
    if cascade {
        key.on_delete(ForeignKeyAction::Cascade);
    }
    key.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Signature::Table)
                    .col(pk_auto(Signature::Id))
                    .col(integer(Signature::OrganisationId))
                    // Equal to organisation_id on the current signature, NULL on history:
                    // the unique index allows one current signature per organisation.
                    .col(integer_null(Signature::CurrentFor).unique_key())
                    .col(date_null(Signature::SignedOn))
                    .col(string_len(Signature::SignedPrecision, 16))
                    .col(date(Signature::NotLaterThan))
                    .col(date_null(Signature::DecidedOn))
                    .col(string_len(Signature::DecisionBody, 32))
                    .col(string_null(Signature::DecisionReference))
                    .col(string_len(Signature::Initiative, 32))
                    .col(string_len(Signature::CharterEdition, 8))
                    .col(date_null(Signature::NewArticlesAdoptedOn))
                    .col(date_null(Signature::WithdrawnOn))
                    .col(text_null(Signature::WithdrawalReason))
                    .col(text(Signature::Source))
                    .col(text_null(Signature::Note))
                    .col(string_len(Signature::DataOrigin, 16))
                    .col(version(Signature::Version))
                    .col(timestamp(Signature::CreatedAt))
                    .col(timestamp(Signature::UpdatedAt))
                    .foreign_key(&mut fk(
                        (Signature::Table, Signature::OrganisationId),
                        (Organisation::Table, Organisation::Id),
                        false,
                    ))
                    .foreign_key(&mut fk(
                        (Signature::Table, Signature::CurrentFor),
                        (Organisation::Table, Organisation::Id),
                        false,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SignatureMotive::Table)
                    .col(integer(SignatureMotive::SignatureId))
                    .col(string_len(SignatureMotive::Motive, 40))
                    .primary_key(
                        Index::create()
                            .col(SignatureMotive::SignatureId)
                            .col(SignatureMotive::Motive),
                    )
                    .foreign_key(&mut fk(
                        (SignatureMotive::Table, SignatureMotive::SignatureId),
                        (Signature::Table, Signature::Id),
                        true,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ActionPlan::Table)
                    .col(pk_auto(ActionPlan::Id))
                    .col(integer(ActionPlan::OrganisationId))
                    .col(string(ActionPlan::Title))
                    .col(date_null(ActionPlan::AdoptedOn))
                    .col(string_len(ActionPlan::DecisionBody, 32))
                    .col(integer_null(ActionPlan::PeriodStartYear))
                    .col(integer_null(ActionPlan::PeriodEndYear))
                    .col(text(ActionPlan::Priorities))
                    .col(text(ActionPlan::Resources))
                    .col(string_null(ActionPlan::DocumentUrl))
                    .col(string_len(ActionPlan::DataOrigin, 16))
                    .col(version(ActionPlan::Version))
                    .col(timestamp(ActionPlan::CreatedAt))
                    .col(timestamp(ActionPlan::UpdatedAt))
                    .foreign_key(&mut fk(
                        (ActionPlan::Table, ActionPlan::OrganisationId),
                        (Organisation::Table, Organisation::Id),
                        false,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ActionPlanArticle::Table)
                    .col(integer(ActionPlanArticle::ActionPlanId))
                    .col(integer(ActionPlanArticle::ArticleNumber))
                    .primary_key(
                        Index::create()
                            .col(ActionPlanArticle::ActionPlanId)
                            .col(ActionPlanArticle::ArticleNumber),
                    )
                    .foreign_key(&mut fk(
                        (ActionPlanArticle::Table, ActionPlanArticle::ActionPlanId),
                        (ActionPlan::Table, ActionPlan::Id),
                        true,
                    ))
                    .foreign_key(&mut fk(
                        (ActionPlanArticle::Table, ActionPlanArticle::ArticleNumber),
                        (CharterArticle::Table, CharterArticle::Number),
                        false,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(FollowUpReport::Table)
                    .col(pk_auto(FollowUpReport::Id))
                    .col(integer(FollowUpReport::ActionPlanId))
                    .col(date(FollowUpReport::ReportedOn))
                    .col(text(FollowUpReport::Summary))
                    .col(string_len(FollowUpReport::DataOrigin, 16))
                    .col(version(FollowUpReport::Version))
                    .col(timestamp(FollowUpReport::CreatedAt))
                    .col(timestamp(FollowUpReport::UpdatedAt))
                    .foreign_key(&mut fk(
                        (FollowUpReport::Table, FollowUpReport::ActionPlanId),
                        (ActionPlan::Table, ActionPlan::Id),
                        true,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ProgrammeParticipation::Table)
                    .col(pk_auto(ProgrammeParticipation::Id))
                    .col(integer(ProgrammeParticipation::OrganisationId))
                    .col(integer(ProgrammeParticipation::ProgrammeId))
                    .col(integer(ProgrammeParticipation::FromYear))
                    .col(integer_null(ProgrammeParticipation::ToYear))
                    .col(string_len(ProgrammeParticipation::Role, 32))
                    .col(string_len(ProgrammeParticipation::DataOrigin, 16))
                    .col(version(ProgrammeParticipation::Version))
                    .col(timestamp(ProgrammeParticipation::CreatedAt))
                    .col(timestamp(ProgrammeParticipation::UpdatedAt))
                    .foreign_key(&mut fk(
                        (
                            ProgrammeParticipation::Table,
                            ProgrammeParticipation::OrganisationId,
                        ),
                        (Organisation::Table, Organisation::Id),
                        false,
                    ))
                    .foreign_key(&mut fk(
                        (
                            ProgrammeParticipation::Table,
                            ProgrammeParticipation::ProgrammeId,
                        ),
                        (SupportProgramme::Table, SupportProgramme::Id),
                        false,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CountyBoardStrategy::Table)
                    .col(pk_auto(CountyBoardStrategy::Id))
                    .col(integer(CountyBoardStrategy::CountyBoardId))
                    .col(integer(CountyBoardStrategy::PeriodStartYear))
                    .col(integer(CountyBoardStrategy::PeriodEndYear))
                    .col(string(CountyBoardStrategy::Title))
                    .col(string_null(CountyBoardStrategy::DocumentUrl))
                    .col(text(CountyBoardStrategy::Source))
                    .col(string_len(CountyBoardStrategy::DataOrigin, 16))
                    .col(version(CountyBoardStrategy::Version))
                    .col(timestamp(CountyBoardStrategy::CreatedAt))
                    .col(timestamp(CountyBoardStrategy::UpdatedAt))
                    .foreign_key(&mut fk(
                        (
                            CountyBoardStrategy::Table,
                            CountyBoardStrategy::CountyBoardId,
                        ),
                        (CountyBoard::Table, CountyBoard::Id),
                        false,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CountyBoardSupport::Table)
                    .col(pk_auto(CountyBoardSupport::Id))
                    .col(integer(CountyBoardSupport::CountyBoardId))
                    .col(integer(CountyBoardSupport::OrganisationId))
                    .col(integer(CountyBoardSupport::Year))
                    .col(string_len(CountyBoardSupport::Assessment, 32))
                    .col(text_null(CountyBoardSupport::Notes))
                    .col(string_len(CountyBoardSupport::DataOrigin, 16))
                    .col(version(CountyBoardSupport::Version))
                    .col(timestamp(CountyBoardSupport::CreatedAt))
                    .col(timestamp(CountyBoardSupport::UpdatedAt))
                    .foreign_key(&mut fk(
                        (CountyBoardSupport::Table, CountyBoardSupport::CountyBoardId),
                        (CountyBoard::Table, CountyBoard::Id),
                        false,
                    ))
                    .foreign_key(&mut fk(
                        (
                            CountyBoardSupport::Table,
                            CountyBoardSupport::OrganisationId,
                        ),
                        (Organisation::Table, Organisation::Id),
                        false,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CountyBoardSupportFocus::Table)
                    .col(integer(CountyBoardSupportFocus::SupportId))
                    .col(string_len(CountyBoardSupportFocus::FocusArea, 40))
                    .primary_key(
                        Index::create()
                            .col(CountyBoardSupportFocus::SupportId)
                            .col(CountyBoardSupportFocus::FocusArea),
                    )
                    .foreign_key(&mut fk(
                        (
                            CountyBoardSupportFocus::Table,
                            CountyBoardSupportFocus::SupportId,
                        ),
                        (CountyBoardSupport::Table, CountyBoardSupport::Id),
                        true,
                    ))
                    .to_owned(),
            )
            .await?;
        let indexes: [(&str, DynIden, DynIden); 9] = [
            (
                "idx_signature_organisation",
                Signature::Table.into_iden(),
                Signature::OrganisationId.into_iden(),
            ),
            (
                "idx_signature_signed_on",
                Signature::Table.into_iden(),
                Signature::SignedOn.into_iden(),
            ),
            (
                "idx_signature_updated",
                Signature::Table.into_iden(),
                Signature::UpdatedAt.into_iden(),
            ),
            (
                "idx_action_plan_organisation",
                ActionPlan::Table.into_iden(),
                ActionPlan::OrganisationId.into_iden(),
            ),
            (
                "idx_action_plan_article_number",
                ActionPlanArticle::Table.into_iden(),
                ActionPlanArticle::ArticleNumber.into_iden(),
            ),
            (
                "idx_follow_up_plan",
                FollowUpReport::Table.into_iden(),
                FollowUpReport::ActionPlanId.into_iden(),
            ),
            (
                "idx_participation_organisation",
                ProgrammeParticipation::Table.into_iden(),
                ProgrammeParticipation::OrganisationId.into_iden(),
            ),
            (
                "idx_participation_programme",
                ProgrammeParticipation::Table.into_iden(),
                ProgrammeParticipation::ProgrammeId.into_iden(),
            ),
            (
                "idx_board_support_organisation",
                CountyBoardSupport::Table.into_iden(),
                CountyBoardSupport::OrganisationId.into_iden(),
            ),
        ];
        for (name, table, column) in indexes {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables: [DynIden; 9] = [
            CountyBoardSupportFocus::Table.into_iden(),
            CountyBoardSupport::Table.into_iden(),
            CountyBoardStrategy::Table.into_iden(),
            ProgrammeParticipation::Table.into_iden(),
            FollowUpReport::Table.into_iden(),
            ActionPlanArticle::Table.into_iden(),
            ActionPlan::Table.into_iden(),
            SignatureMotive::Table.into_iden(),
            Signature::Table.into_iden(),
        ];
        for table in tables {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum CharterArticle {
    Table,
    Number,
}

#[derive(DeriveIden)]
enum Signature {
    Table,
    Id,
    OrganisationId,
    CurrentFor,
    SignedOn,
    SignedPrecision,
    NotLaterThan,
    DecidedOn,
    DecisionBody,
    DecisionReference,
    Initiative,
    CharterEdition,
    NewArticlesAdoptedOn,
    WithdrawnOn,
    WithdrawalReason,
    Source,
    Note,
    DataOrigin,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SignatureMotive {
    Table,
    SignatureId,
    Motive,
}

#[derive(DeriveIden)]
enum ActionPlan {
    Table,
    Id,
    OrganisationId,
    Title,
    AdoptedOn,
    DecisionBody,
    PeriodStartYear,
    PeriodEndYear,
    Priorities,
    Resources,
    DocumentUrl,
    DataOrigin,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ActionPlanArticle {
    Table,
    ActionPlanId,
    ArticleNumber,
}

#[derive(DeriveIden)]
enum FollowUpReport {
    Table,
    Id,
    ActionPlanId,
    ReportedOn,
    Summary,
    DataOrigin,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ProgrammeParticipation {
    Table,
    Id,
    OrganisationId,
    ProgrammeId,
    FromYear,
    ToYear,
    Role,
    DataOrigin,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CountyBoardStrategy {
    Table,
    Id,
    CountyBoardId,
    PeriodStartYear,
    PeriodEndYear,
    Title,
    DocumentUrl,
    Source,
    DataOrigin,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CountyBoardSupport {
    Table,
    Id,
    CountyBoardId,
    OrganisationId,
    Year,
    Assessment,
    Notes,
    DataOrigin,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CountyBoardSupportFocus {
    Table,
    SupportId,
    FocusArea,
}
