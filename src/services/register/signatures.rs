//! Signatures: current and historical, their motives, and the programmes whose years a
//! signing fell in.

use crate::error::AppResult;
use entity::{signature, signature_motive, support_programme};
use sea_orm::sea_query::{Expr, ExprTrait, JoinType, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
};

/// The current signatures of the given organisations.
pub async fn current_of(
    db: &impl ConnectionTrait,
    organisation_ids: Vec<i32>,
) -> AppResult<Vec<signature::Model>> {
    Ok(signature::Entity::find()
        .filter(signature::Column::CurrentFor.is_in(organisation_ids))
        .all(db)
        .await?)
}

/// The signatures of the given organisations, newest first, at most `cap` of each.
pub async fn history_of(
    db: &impl ConnectionTrait,
    organisation_ids: Vec<i32>,
    cap: Option<u64>,
) -> AppResult<Vec<signature::Model>> {
    use signature::Column;
    crate::services::capped::per_parent(
        db,
        signature::Entity::find().filter(Column::OrganisationId.is_in(organisation_ids)),
        Column::OrganisationId,
        &[
            (Column::NotLaterThan, sea_orm::Order::Desc),
            (Column::Id, sea_orm::Order::Desc),
        ],
        cap,
    )
    .await
}

pub async fn by_ids(db: &impl ConnectionTrait, ids: Vec<i32>) -> AppResult<Vec<signature::Model>> {
    Ok(signature::Entity::find()
        .filter(signature::Column::Id.is_in(ids))
        .all(db)
        .await?)
}

pub async fn motives_of(
    db: &impl ConnectionTrait,
    signature_ids: Vec<i32>,
) -> AppResult<Vec<signature_motive::Model>> {
    Ok(signature_motive::Entity::find()
        .filter(signature_motive::Column::SignatureId.is_in(signature_ids))
        .order_by_asc(signature_motive::Column::Motive)
        .all(db)
        .await?)
}

/// The condition "the signing year of `signature` lies within the years of the programme
/// `support_programme`": the one definition of "signed during a programme". A signing
/// of unknown date lies within no programme.
pub fn signed_within_programme_sql() -> &'static str {
    r#""signature"."signed_on" IS NOT NULL AND CAST(SUBSTR("signature"."signed_on", 1, 4) AS INTEGER) >= "support_programme"."start_year" AND ("support_programme"."end_year" IS NULL OR CAST(SUBSTR("signature"."signed_on", 1, 4) AS INTEGER) <= "support_programme"."end_year")"#
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct SigningProgramme {
    pub signature_id: i32,
    pub programme_id: i32,
}

/// For each given signature, the programmes whose years its signing fell in.
pub async fn programmes_at_signing(
    db: &impl ConnectionTrait,
    signature_ids: Vec<i32>,
) -> AppResult<Vec<SigningProgramme>> {
    let query = Query::select()
        .expr_as(
            Expr::col((signature::Entity, signature::Column::Id)),
            "signature_id",
        )
        .expr_as(
            Expr::col((support_programme::Entity, support_programme::Column::Id)),
            "programme_id",
        )
        .from(signature::Entity)
        .join(
            JoinType::InnerJoin,
            support_programme::Entity,
            Expr::cust(signed_within_programme_sql()),
        )
        .and_where(Expr::col((signature::Entity, signature::Column::Id)).is_in(signature_ids))
        .to_owned();
    let statement = db.get_database_backend().build(&query);
    Ok(SigningProgramme::find_by_statement(statement)
        .all(db)
        .await?)
}
