//! Signatures, action plans and their relations.

use super::{loader, many, one};
use crate::graphql::enums::Motive;
use crate::services::capped::MAX_NESTED;
use crate::services::register::{action_plans, signatures};
use crate::services::{charter, programmes};
use entity::{action_plan, charter_article, follow_up_report, signature, support_programme};
use std::collections::HashMap;

/// The current signature of an organisation, by organisation id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CurrentSignatureOf(pub i32);
/// Every signature of an organisation, by organisation id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SignaturesOf(pub i32);
/// A signature by its row id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SignatureId(pub i32);
/// The motives of a signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MotivesOf(pub i32);
/// The programmes whose years a signing fell in, by signature id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ProgrammesAtSigning(pub i32);
/// The action plans of an organisation, by organisation id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ActionPlansOf(pub i32);
/// An action plan by its row id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ActionPlanId(pub i32);
/// The articles an action plan addresses, by plan id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ArticlesOf(pub i32);
/// The action plans addressing an article, by article number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PlansAddressing(pub i32);
/// The follow-up reports of an action plan, by plan id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FollowUpsOf(pub i32);
/// How many follow-up reports an action plan has, by plan id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FollowUpCountOf(pub i32);
/// A follow-up report by its row id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FollowUpId(pub i32);

loader!(CurrentSignatureOf => signature::Model, |db, ids| {
    Ok(one(signatures::current_of(db, ids).await?, |r| CurrentSignatureOf(r.organisation_id)))
});

loader!(SignaturesOf => Vec<signature::Model>, |db, ids| {
    Ok(many(signatures::history_of(db, ids, Some(MAX_NESTED)).await?, |r| SignaturesOf(r.organisation_id)))
});

loader!(SignatureId => signature::Model, |db, ids| {
    Ok(one(signatures::by_ids(db, ids).await?, |r| SignatureId(r.id)))
});

loader!(MotivesOf => Vec<Motive>, |db, ids| {
    let rows = signatures::motives_of(db, ids).await?;
    let mut grouped: HashMap<MotivesOf, Vec<Motive>> = HashMap::new();
    for row in rows {
        if let Some(motive) = Motive::from_stored(&row.motive) {
            grouped.entry(MotivesOf(row.signature_id)).or_default().push(motive);
        }
    }
    Ok(grouped)
});

loader!(ProgrammesAtSigning => Vec<support_programme::Model>, |db, ids| {
    let pairs = signatures::programmes_at_signing(db, ids).await?;
    let programmes = programmes::programmes(db).await?;
    let mut grouped: HashMap<ProgrammesAtSigning, Vec<support_programme::Model>> = HashMap::new();
    for pair in pairs {
        if let Some(programme) = programmes.iter().find(|p| p.id == pair.programme_id) {
            grouped.entry(ProgrammesAtSigning(pair.signature_id)).or_default().push(programme.clone());
        }
    }
    Ok(grouped)
});

loader!(ActionPlansOf => Vec<action_plan::Model>, |db, ids| {
    Ok(many(action_plans::of_organisations(db, ids, Some(MAX_NESTED)).await?, |r| ActionPlansOf(r.organisation_id)))
});

loader!(ActionPlanId => action_plan::Model, |db, ids| {
    Ok(one(action_plans::by_ids(db, ids).await?, |r| ActionPlanId(r.id)))
});

loader!(ArticlesOf => Vec<charter_article::Model>, |db, ids| {
    let links = action_plans::articles_of(db, ids).await?;
    let articles = charter::articles(db, None).await?;
    let mut grouped: HashMap<ArticlesOf, Vec<charter_article::Model>> = HashMap::new();
    for link in links {
        if let Some(article) = articles.iter().find(|a| a.number == link.article_number) {
            grouped.entry(ArticlesOf(link.action_plan_id)).or_default().push(article.clone());
        }
    }
    Ok(grouped)
});

loader!(PlansAddressing => Vec<action_plan::Model>, |db, numbers| {
    let links = action_plans::addressing(db, numbers, Some(MAX_NESTED)).await?;
    let plan_ids = links.iter().map(|l| l.action_plan_id).collect();
    let plans = one(action_plans::by_ids(db, plan_ids).await?, |p| p.id);
    let mut grouped: HashMap<PlansAddressing, Vec<action_plan::Model>> = HashMap::new();
    for link in links {
        if let Some(plan) = plans.get(&link.action_plan_id) {
            grouped.entry(PlansAddressing(link.article_number)).or_default().push(plan.clone());
        }
    }
    Ok(grouped)
});

loader!(FollowUpsOf => Vec<follow_up_report::Model>, |db, ids| {
    let rows = action_plans::first_follow_ups_of(db, ids, Some(MAX_NESTED)).await?;
    Ok(many(rows, |r| FollowUpsOf(r.action_plan_id)))
});

loader!(FollowUpCountOf => i64, |db, ids| {
    let counts = action_plans::follow_up_counts(db, ids).await?;
    Ok(counts.into_iter().map(|(plan, count)| (FollowUpCountOf(plan), count)).collect())
});

loader!(FollowUpId => follow_up_report::Model, |db, ids| {
    Ok(one(action_plans::follow_ups_by_ids(db, ids).await?, |r| FollowUpId(r.id)))
});
