use crate::error::AppError;
use crate::graphql::types::charter::{CharterArticle, CharterPrinciple};
use crate::graphql::types::county::{County, CountyBoard};
use crate::graphql::types::node::Node;
use crate::graphql::types::organisation::Organisation;
use crate::graphql::types::programme::SupportProgramme;
use crate::graphql::{db, ids};
use crate::services::{charter, geography, programmes};
use async_graphql::{Context, ID, Object, Result};
use entity::county_board;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

/// The most ids one `nodes` call resolves.
const MAX_NODES: usize = 100;

#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Any object by its global id; null if it does not exist.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Node>> {
        resolve(ctx, &id).await
    }

    /// Objects by their global ids, in the order given (at most 100); null for any that
    /// does not exist.
    async fn nodes(&self, ctx: &Context<'_>, ids: Vec<ID>) -> Result<Vec<Option<Node>>> {
        if ids.len() > MAX_NODES {
            return Err(AppError::bad_input(format!("at most {MAX_NODES} ids per call")).into());
        }
        let mut found = Vec::with_capacity(ids.len());
        for id in &ids {
            found.push(resolve(ctx, id).await?);
        }
        Ok(found)
    }
}

async fn resolve(ctx: &Context<'_>, id: &ID) -> Result<Option<Node>> {
    let Some((type_name, key)) = ids::decode(id) else {
        return Err(AppError::bad_input(format!("{:?} is not a valid id", id.as_str())).into());
    };
    let db = db(ctx)?;
    let node = match type_name.as_str() {
        "County" => geography::county(db, &key)
            .await?
            .map(|m| Node::County(County(m))),
        "CountyBoard" => county_board::Entity::find()
            .filter(county_board::Column::CountyCode.eq(key))
            .one(db)
            .await?
            .map(|m| Node::CountyBoard(CountyBoard(m))),
        "Organisation" => geography::organisation_by_code(db, &key)
            .await?
            .filter(|m| m.code == key)
            .map(|m| Node::Organisation(Organisation(m))),
        "CharterPrinciple" => match key.parse::<i32>() {
            Ok(number) => charter::principles(db)
                .await?
                .into_iter()
                .find(|p| p.number == number)
                .map(|m| Node::CharterPrinciple(CharterPrinciple(m))),
            Err(_) => None,
        },
        "CharterArticle" => match key.parse::<i32>() {
            Ok(number) => charter::article(db, number)
                .await?
                .map(|m| Node::CharterArticle(CharterArticle(m))),
            Err(_) => None,
        },
        "SupportProgramme" => programmes::programme_by_code(db, &key)
            .await?
            .map(|m| Node::SupportProgramme(SupportProgramme(m))),
        _ => None,
    };
    Ok(node)
}
