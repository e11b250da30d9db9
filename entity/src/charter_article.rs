//! One of the charter's articles (Part III).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "charter_article")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub number: i32,
    pub title_en: String,
    /// Empty where no source gives a Swedish title.
    pub title_sv: String,
    /// The part (role of local government) the article belongs to, stored as text.
    pub part: String,
    /// The edition of the charter text that introduced it ("2006" or "2022").
    pub edition: String,
    /// Whether the English title was confirmed against a public copy of the charter.
    pub title_verified: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
