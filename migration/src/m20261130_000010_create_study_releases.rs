//! Study releases and codebooks, and the keys study records rely on.
//!
//! - `study_codebook` / `study_code`: every coded dimension of a study with its allowed
//!   values, each with a Swedish and an English label, in the order breakdowns list them.
//! - `study_release`: a frozen, numbered snapshot of a study's public statistics. The
//!   public figures and the true counts they were computed from (`basis`, restricted:
//!   later releases are protected against differencing with it) are stored as JSON text.
//! - Unique keys: a participant's and an interview's reference, a respondent group's code
//!   and a seminar's number within their study. Rows that already repeat a key get the
//!   row id appended, so the indexes can be created on any existing database.
//! - `study_source_figure`: figures the study's own published report printed, with the
//!   page or table they are printed in. They are public already, so a release shows them
//!   as published by the source instead of suppressing them. Only the seed writes them.
//! - The 2021 study's interview rows are a reconstruction: their origin says so.

use crate::columns::{timestamp, version};
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};
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

/// Makes `column` unique within `study_id` by appending the row id to repeats (text keys).
fn dedupe_text(table: &str, column: &str, width: usize) -> String {
    let keep = width.saturating_sub(12);
    format!(
        "UPDATE \"{table}\" SET \"{column}\" = SUBSTR(\"{column}\", 1, {keep}) || '#' || CAST(\"id\" AS TEXT) \
         WHERE EXISTS (SELECT 1 FROM \"{table}\" AS other WHERE other.\"study_id\" = \"{table}\".\"study_id\" \
         AND other.\"{column}\" = \"{table}\".\"{column}\" AND other.\"id\" < \"{table}\".\"id\")"
    )
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
                    .table(StudyCodebook::Table)
                    .col(pk_auto(StudyCodebook::Id))
                    .col(integer(StudyCodebook::StudyId))
                    .col(string_len(StudyCodebook::Dimension, 40))
                    .col(string_len(StudyCodebook::Level, 16))
                    .col(boolean(StudyCodebook::Multiple))
                    .col(string(StudyCodebook::LabelSv))
                    .col(string(StudyCodebook::LabelEn))
                    .col(timestamp(StudyCodebook::CreatedAt))
                    .foreign_key(&mut fk(
                        (StudyCodebook::Table, StudyCodebook::StudyId),
                        (Study::Table, Study::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(StudyCode::Table)
                    .col(pk_auto(StudyCode::Id))
                    .col(integer(StudyCode::CodebookId))
                    .col(integer(StudyCode::Position))
                    .col(string_len(StudyCode::Value, 80))
                    .col(string(StudyCode::LabelSv))
                    .col(string(StudyCode::LabelEn))
                    .foreign_key(&mut fk(
                        (StudyCode::Table, StudyCode::CodebookId),
                        (StudyCodebook::Table, StudyCodebook::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(StudyRelease::Table)
                    .col(pk_auto(StudyRelease::Id))
                    .col(integer(StudyRelease::StudyId))
                    .col(integer(StudyRelease::Number))
                    .col(string_len(StudyRelease::Status, 16))
                    .col(integer(StudyRelease::MinGroupSize))
                    .col(text(StudyRelease::Figures))
                    .col(text(StudyRelease::Basis))
                    .col(timestamp(StudyRelease::PublishedAt))
                    .col(string(StudyRelease::PublishedBy))
                    .col(timestamp_with_time_zone_null(StudyRelease::WithdrawnAt))
                    .col(string_null(StudyRelease::WithdrawnBy))
                    .col(text_null(StudyRelease::WithdrawalReason))
                    .col(version(StudyRelease::Version))
                    .foreign_key(&mut fk(
                        (StudyRelease::Table, StudyRelease::StudyId),
                        (Study::Table, Study::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(StudySourceFigure::Table)
                    .col(pk_auto(StudySourceFigure::Id))
                    .col(integer(StudySourceFigure::StudyId))
                    .col(string_len(StudySourceFigure::FigureKey, 200))
                    .col(string_len(StudySourceFigure::Value, 40))
                    .col(string(StudySourceFigure::Citation))
                    .foreign_key(&mut fk(
                        (StudySourceFigure::Table, StudySourceFigure::StudyId),
                        (Study::Table, Study::Id),
                    ))
                    .to_owned(),
            )
            .await?;

        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        for sql in [
            dedupe_text("study_participant", "reference", 40),
            dedupe_text("interview", "reference", 40),
            dedupe_text("respondent_group", "code", 40),
            "UPDATE \"seminar\" SET \"number\" = \"number\" + 1000 * \"id\" WHERE EXISTS (SELECT 1 FROM \"seminar\" AS other \
             WHERE other.\"study_id\" = \"seminar\".\"study_id\" AND other.\"number\" = \"seminar\".\"number\" AND other.\"id\" < \"seminar\".\"id\")"
                .to_owned(),
            "UPDATE \"interview\" SET \"data_origin\" = 'RECONSTRUCTED' WHERE \"study_id\" IN \
             (SELECT \"id\" FROM \"study\" WHERE \"slug\" = 'cemr-followup-2021')"
                .to_owned(),
        ] {
            db.execute_raw(Statement::from_string(backend, sql)).await?;
        }

        let unique: [(&str, DynIden, Vec<DynIden>); 8] = [
            (
                "idx_source_figure_study_key",
                StudySourceFigure::Table.into_iden(),
                vec![
                    StudySourceFigure::StudyId.into_iden(),
                    StudySourceFigure::FigureKey.into_iden(),
                ],
            ),
            (
                "idx_codebook_study_dimension",
                StudyCodebook::Table.into_iden(),
                vec![
                    StudyCodebook::StudyId.into_iden(),
                    StudyCodebook::Dimension.into_iden(),
                ],
            ),
            (
                "idx_code_codebook_value",
                StudyCode::Table.into_iden(),
                vec![
                    StudyCode::CodebookId.into_iden(),
                    StudyCode::Value.into_iden(),
                ],
            ),
            (
                "idx_release_study_number",
                StudyRelease::Table.into_iden(),
                vec![
                    StudyRelease::StudyId.into_iden(),
                    StudyRelease::Number.into_iden(),
                ],
            ),
            (
                "idx_participant_study_reference",
                StudyParticipant::Table.into_iden(),
                vec![
                    StudyParticipant::StudyId.into_iden(),
                    StudyParticipant::Reference.into_iden(),
                ],
            ),
            (
                "idx_interview_study_reference",
                Interview::Table.into_iden(),
                vec![
                    Interview::StudyId.into_iden(),
                    Interview::Reference.into_iden(),
                ],
            ),
            (
                "idx_group_study_code",
                RespondentGroup::Table.into_iden(),
                vec![
                    RespondentGroup::StudyId.into_iden(),
                    RespondentGroup::Code.into_iden(),
                ],
            ),
            (
                "idx_seminar_study_number",
                Seminar::Table.into_iden(),
                vec![Seminar::StudyId.into_iden(), Seminar::Number.into_iden()],
            ),
        ];
        for (name, table, columns) in unique {
            let mut index = Index::create();
            index.name(name).table(table).unique();
            for column in columns {
                index.col(column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table) in [
            (
                "idx_participant_study_reference",
                StudyParticipant::Table.into_iden(),
            ),
            (
                "idx_interview_study_reference",
                Interview::Table.into_iden(),
            ),
            ("idx_group_study_code", RespondentGroup::Table.into_iden()),
            ("idx_seminar_study_number", Seminar::Table.into_iden()),
        ] {
            manager
                .drop_index(Index::drop().name(name).table(table).to_owned())
                .await?;
        }
        for table in [
            StudySourceFigure::Table.into_iden(),
            StudyRelease::Table.into_iden(),
            StudyCode::Table.into_iden(),
            StudyCodebook::Table.into_iden(),
        ] {
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
}
#[derive(DeriveIden)]
enum StudyCodebook {
    Table,
    Id,
    StudyId,
    Dimension,
    Level,
    Multiple,
    LabelSv,
    LabelEn,
    CreatedAt,
}
#[derive(DeriveIden)]
enum StudyCode {
    Table,
    Id,
    CodebookId,
    Position,
    Value,
    LabelSv,
    LabelEn,
}
#[derive(DeriveIden)]
enum StudyRelease {
    Table,
    Id,
    StudyId,
    Number,
    Status,
    MinGroupSize,
    Figures,
    Basis,
    PublishedAt,
    PublishedBy,
    WithdrawnAt,
    WithdrawnBy,
    WithdrawalReason,
    Version,
}
#[derive(DeriveIden)]
enum StudySourceFigure {
    Table,
    Id,
    StudyId,
    FigureKey,
    Value,
    Citation,
}
#[derive(DeriveIden)]
enum StudyParticipant {
    Table,
    StudyId,
    Reference,
}
#[derive(DeriveIden)]
enum Interview {
    Table,
    StudyId,
    Reference,
}
#[derive(DeriveIden)]
enum RespondentGroup {
    Table,
    StudyId,
    Code,
}
#[derive(DeriveIden)]
enum Seminar {
    Table,
    StudyId,
    Number,
}
