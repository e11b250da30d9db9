//! The charter's principles and articles.

use crate::domain::labels;
use crate::graphql::enums::CharterPart;
use crate::graphql::loaders::{PlansAddressing, load_list};
use crate::graphql::types::action_plan::ActionPlan;
use crate::graphql::types::paging::{NESTED_FIRST, nested_first};
use crate::graphql::{ids, loaders};
use async_graphql::{Context, ID, Object, Result};
use entity::{charter_article, charter_principle};

/// One of the six principles the charter rests on (Part I).
pub struct CharterPrinciple(pub charter_principle::Model);

/// One of the six principles the charter rests on (Part I).
#[Object]
impl CharterPrinciple {
    /// Global id of the principle.
    pub async fn id(&self) -> ID {
        ids::encode("CharterPrinciple", self.0.number)
    }

    /// The principle's number, 1–6.
    async fn number(&self) -> i32 {
        self.0.number
    }

    /// The principle in English, as worded in the 2006 text.
    async fn text(&self) -> &str {
        &self.0.text_en
    }

    /// The edition of the charter text it belongs to ("2006").
    async fn edition(&self) -> &str {
        &self.0.edition
    }
}

/// One of the charter's articles (Part III), grouped by the role of local government it
/// concerns.
pub struct CharterArticle(pub charter_article::Model);

impl CharterArticle {
    fn title_sv_sourced(&self) -> Option<&str> {
        Some(self.0.title_sv.as_str()).filter(|t| !t.trim().is_empty())
    }
}

/// One of the charter's articles (Part III), grouped by the role of local government it
/// concerns.
#[Object]
impl CharterArticle {
    /// Global id of the article.
    pub async fn id(&self) -> ID {
        ids::encode("CharterArticle", self.0.number)
    }

    /// The article's number (1–30 in the 2006 text).
    async fn number(&self) -> i32 {
        self.0.number
    }

    /// The article's English title.
    async fn title(&self) -> &str {
        &self.0.title_en
    }

    /// The Swedish title where a source gives one; null otherwise (never a guess).
    async fn title_sv(&self) -> Option<&str> {
        Some(self.0.title_sv.as_str()).filter(|t| !t.is_empty())
    }

    /// Whether the English title was confirmed against a public copy of the charter;
    /// false where it is the commonly cited title.
    async fn title_verified(&self) -> bool {
        self.0.title_verified
    }

    /// A Swedish label for every article: the sourced Swedish title where there is one
    /// (`labelSvOfficial` true), otherwise this service's working translation of the
    /// English title, which is not official.
    async fn label_sv(&self) -> &str {
        match self.title_sv_sourced() {
            Some(title) => title,
            None => labels::article_title_sv(self.0.number).unwrap_or(&self.0.title_en),
        }
    }

    /// The English label: the article's English title.
    async fn label_en(&self) -> &str {
        &self.0.title_en
    }

    /// Whether `labelSv` is a Swedish title a source gives (true) or a working
    /// translation (false): no public source gives most articles' official Swedish
    /// titles.
    async fn label_sv_official(&self) -> bool {
        self.title_sv_sourced().is_some()
    }

    /// The part of the charter the article belongs to.
    async fn part(&self) -> Option<CharterPart> {
        CharterPart::from_stored(&self.0.part)
    }

    /// The English title of that part.
    async fn part_title(&self) -> Option<&'static str> {
        crate::domain::charter::CharterPart::from_stored(&self.0.part).map(|p| p.title())
    }

    /// The edition of the charter text that introduced the article ("2006"; "2022" for
    /// articles 31–39).
    async fn edition(&self) -> &str {
        &self.0.edition
    }

    /// The action plans that address this article.
    async fn action_plans(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default_with = "NESTED_FIRST",
            desc = "How many (0 to 100; 100 when not given)."
        )]
        first: i32,
    ) -> Result<Vec<ActionPlan>> {
        let rows = load_list(loaders(ctx)?, PlansAddressing(self.0.number)).await?;
        Ok(nested_first(rows, first)?
            .into_iter()
            .map(ActionPlan)
            .collect())
    }
}
