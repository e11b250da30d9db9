//! The charter's principles and articles.

use crate::error::AppResult;
use entity::{charter_article, charter_principle};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

pub async fn principles(db: &impl ConnectionTrait) -> AppResult<Vec<charter_principle::Model>> {
    Ok(charter_principle::Entity::find()
        .order_by_asc(charter_principle::Column::Number)
        .all(db)
        .await?)
}

/// Articles in number order, optionally only those of one edition of the text.
pub async fn articles(
    db: &impl ConnectionTrait,
    edition: Option<&str>,
) -> AppResult<Vec<charter_article::Model>> {
    let mut select = charter_article::Entity::find().order_by_asc(charter_article::Column::Number);
    if let Some(edition) = edition {
        select = select.filter(charter_article::Column::Edition.eq(edition));
    }
    Ok(select.all(db).await?)
}

pub async fn article(
    db: &impl ConnectionTrait,
    number: i32,
) -> AppResult<Option<charter_article::Model>> {
    Ok(charter_article::Entity::find_by_id(number).one(db).await?)
}
