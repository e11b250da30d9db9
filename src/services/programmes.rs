//! SKR's support programmes.

use crate::error::AppResult;
use entity::support_programme;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

/// All programmes, oldest first.
pub async fn programmes(db: &impl ConnectionTrait) -> AppResult<Vec<support_programme::Model>> {
    Ok(support_programme::Entity::find()
        .order_by_asc(support_programme::Column::StartYear)
        .order_by_asc(support_programme::Column::Code)
        .all(db)
        .await?)
}

pub async fn programme_by_code(
    db: &impl ConnectionTrait,
    code: &str,
) -> AppResult<Option<support_programme::Model>> {
    Ok(support_programme::Entity::find()
        .filter(support_programme::Column::Code.eq(code.trim().to_uppercase()))
        .one(db)
        .await?)
}
