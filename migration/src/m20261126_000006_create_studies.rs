//! Follow-up studies: participants under pseudonyms, respondent groups, interviews with
//! their coded answers, quotes, seminars, and findings (with recommendations and
//! proposals). Coded answers are (dimension, value) rows, so a later study can code new
//! questions without a migration.

use crate::columns::{timestamp, version};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn fk(
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
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
                    .table(Study::Table)
                    .col(pk_auto(Study::Id))
                    .col(string_len_uniq(Study::Slug, 80))
                    .col(string(Study::Title))
                    .col(integer(Study::Year))
                    .col(string_len(Study::Period, 40))
                    .col(string(Study::CommissionedBy))
                    .col(string(Study::PerformedBy))
                    .col(text(Study::Method))
                    .col(text(Study::Description))
                    .col(string_len(Study::DataOrigin, 16))
                    .col(version(Study::Version))
                    .col(timestamp(Study::CreatedAt))
                    .col(timestamp(Study::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(StudyQuestion::Table)
                    .col(pk_auto(StudyQuestion::Id))
                    .col(integer(StudyQuestion::StudyId))
                    .col(integer(StudyQuestion::Number))
                    .col(text(StudyQuestion::Text))
                    .foreign_key(&mut fk(
                        (StudyQuestion::Table, StudyQuestion::StudyId),
                        (Study::Table, Study::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RespondentGroup::Table)
                    .col(pk_auto(RespondentGroup::Id))
                    .col(integer(RespondentGroup::StudyId))
                    .col(string_len(RespondentGroup::Code, 40))
                    .col(string(RespondentGroup::Label))
                    .col(text(RespondentGroup::Description))
                    .col(boolean(RespondentGroup::IsMember))
                    .foreign_key(&mut fk(
                        (RespondentGroup::Table, RespondentGroup::StudyId),
                        (Study::Table, Study::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(StudyParticipant::Table)
                    .col(pk_auto(StudyParticipant::Id))
                    .col(integer(StudyParticipant::StudyId))
                    .col(string_len(StudyParticipant::Reference, 40))
                    .col(string(StudyParticipant::Pseudonym))
                    .col(string_len(StudyParticipant::Kind, 40))
                    .col(boolean(StudyParticipant::SignatoryAtStudy))
                    .col(string_null(StudyParticipant::SignatoryNote))
                    .col(string_len_null(StudyParticipant::SizeClass, 16))
                    .col(string_len_null(StudyParticipant::SupportUse, 16))
                    .foreign_key(&mut fk(
                        (StudyParticipant::Table, StudyParticipant::StudyId),
                        (Study::Table, Study::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Interview::Table)
                    .col(pk_auto(Interview::Id))
                    .col(integer(Interview::StudyId))
                    .col(string_len(Interview::Reference, 40))
                    .col(integer(Interview::RespondentGroupId))
                    .col(integer_null(Interview::ParticipantId))
                    .col(string_len(Interview::Session, 40))
                    .col(string_len(Interview::Role, 32))
                    .col(string_len(Interview::Gender, 16))
                    .col(string_len(Interview::HeldOn, 10))
                    .col(integer(Interview::DurationMinutes))
                    .col(boolean(Interview::Digital))
                    .col(string_len(Interview::DataOrigin, 16))
                    .col(version(Interview::Version))
                    .col(timestamp(Interview::CreatedAt))
                    .col(timestamp(Interview::UpdatedAt))
                    .foreign_key(&mut fk(
                        (Interview::Table, Interview::StudyId),
                        (Study::Table, Study::Id),
                    ))
                    .foreign_key(&mut fk(
                        (Interview::Table, Interview::RespondentGroupId),
                        (RespondentGroup::Table, RespondentGroup::Id),
                    ))
                    .foreign_key(&mut fk(
                        (Interview::Table, Interview::ParticipantId),
                        (StudyParticipant::Table, StudyParticipant::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(InterviewAnswer::Table)
                    .col(integer(InterviewAnswer::InterviewId))
                    .col(string_len(InterviewAnswer::Dimension, 40))
                    .col(string_len(InterviewAnswer::Value, 80))
                    .primary_key(
                        Index::create()
                            .col(InterviewAnswer::InterviewId)
                            .col(InterviewAnswer::Dimension)
                            .col(InterviewAnswer::Value),
                    )
                    .foreign_key(&mut fk(
                        (InterviewAnswer::Table, InterviewAnswer::InterviewId),
                        (Interview::Table, Interview::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Quote::Table)
                    .col(pk_auto(Quote::Id))
                    .col(integer(Quote::StudyId))
                    .col(text(Quote::Text))
                    .col(string(Quote::Attribution))
                    .col(string_len(Quote::Role, 32))
                    .col(string_len(Quote::OrganisationKind, 40))
                    .col(string(Quote::Section))
                    .col(string(Quote::Themes))
                    .foreign_key(&mut fk(
                        (Quote::Table, Quote::StudyId),
                        (Study::Table, Study::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Seminar::Table)
                    .col(pk_auto(Seminar::Id))
                    .col(integer(Seminar::StudyId))
                    .col(integer(Seminar::Number))
                    .col(string_len_null(Seminar::HeldOn, 10))
                    .col(text(Seminar::Description))
                    .foreign_key(&mut fk(
                        (Seminar::Table, Seminar::StudyId),
                        (Study::Table, Study::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SeminarAttendance::Table)
                    .col(integer(SeminarAttendance::SeminarId))
                    .col(string_len(SeminarAttendance::GroupName, 40))
                    .col(integer_null(SeminarAttendance::Organisations))
                    .col(integer_null(SeminarAttendance::Participants))
                    .primary_key(
                        Index::create()
                            .col(SeminarAttendance::SeminarId)
                            .col(SeminarAttendance::GroupName),
                    )
                    .foreign_key(&mut fk(
                        (SeminarAttendance::Table, SeminarAttendance::SeminarId),
                        (Seminar::Table, Seminar::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(StudyFinding::Table)
                    .col(pk_auto(StudyFinding::Id))
                    .col(integer(StudyFinding::StudyId))
                    .col(string_len(StudyFinding::Kind, 32))
                    .col(integer(StudyFinding::Number))
                    .col(text(StudyFinding::Title))
                    .col(text(StudyFinding::Text))
                    .col(string(StudyFinding::Section))
                    .foreign_key(&mut fk(
                        (StudyFinding::Table, StudyFinding::StudyId),
                        (Study::Table, Study::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, table, column) in [
            (
                "idx_interview_study",
                Interview::Table.into_iden(),
                Interview::StudyId.into_iden(),
            ),
            (
                "idx_quote_study",
                Quote::Table.into_iden(),
                Quote::StudyId.into_iden(),
            ),
            (
                "idx_participant_study",
                StudyParticipant::Table.into_iden(),
                StudyParticipant::StudyId.into_iden(),
            ),
            (
                "idx_finding_study",
                StudyFinding::Table.into_iden(),
                StudyFinding::StudyId.into_iden(),
            ),
        ] {
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
        let tables: [DynIden; 10] = [
            StudyFinding::Table.into_iden(),
            SeminarAttendance::Table.into_iden(),
            Seminar::Table.into_iden(),
            Quote::Table.into_iden(),
            InterviewAnswer::Table.into_iden(),
            Interview::Table.into_iden(),
            StudyParticipant::Table.into_iden(),
            RespondentGroup::Table.into_iden(),
            StudyQuestion::Table.into_iden(),
            Study::Table.into_iden(),
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
enum Study {
    Table,
    Id,
    Slug,
    Title,
    Year,
    Period,
    CommissionedBy,
    PerformedBy,
    Method,
    Description,
    DataOrigin,
    Version,
    CreatedAt,
    UpdatedAt,
}
#[derive(DeriveIden)]
enum StudyQuestion {
    Table,
    Id,
    StudyId,
    Number,
    Text,
}
#[derive(DeriveIden)]
enum RespondentGroup {
    Table,
    Id,
    StudyId,
    Code,
    Label,
    Description,
    IsMember,
}
#[derive(DeriveIden)]
enum StudyParticipant {
    Table,
    Id,
    StudyId,
    Reference,
    Pseudonym,
    Kind,
    SignatoryAtStudy,
    SignatoryNote,
    SizeClass,
    SupportUse,
}
#[derive(DeriveIden)]
enum Interview {
    Table,
    Id,
    StudyId,
    Reference,
    RespondentGroupId,
    ParticipantId,
    Session,
    Role,
    Gender,
    HeldOn,
    DurationMinutes,
    Digital,
    DataOrigin,
    Version,
    CreatedAt,
    UpdatedAt,
}
#[derive(DeriveIden)]
enum InterviewAnswer {
    Table,
    InterviewId,
    Dimension,
    Value,
}
#[derive(DeriveIden)]
enum Quote {
    Table,
    Id,
    StudyId,
    Text,
    Attribution,
    Role,
    OrganisationKind,
    Section,
    Themes,
}
#[derive(DeriveIden)]
enum Seminar {
    Table,
    Id,
    StudyId,
    Number,
    HeldOn,
    Description,
}
#[derive(DeriveIden)]
enum SeminarAttendance {
    Table,
    SeminarId,
    GroupName,
    Organisations,
    Participants,
}
#[derive(DeriveIden)]
enum StudyFinding {
    Table,
    Id,
    StudyId,
    Kind,
    Number,
    Title,
    Text,
    Section,
}
