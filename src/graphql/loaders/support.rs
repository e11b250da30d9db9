//! Programme participation and county board support.

use super::{loader, many, one};
use crate::graphql::enums::FocusArea;
use crate::services::capped::MAX_NESTED;
use crate::services::register::support;
use entity::{
    county_board_strategy, county_board_support, programme_participation, support_programme,
};
use std::collections::HashMap;

/// The programme participations of an organisation, by organisation id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ParticipationsOf(pub i32);
/// A programme participation by its row id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ParticipationId(pub i32);
/// A support programme by its row id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ProgrammeId(pub i32);
/// The strategies of a county board, by board id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StrategiesOf(pub i32);
/// A county board strategy by its row id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StrategyId(pub i32);
/// The county board support an organisation received, by organisation id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SupportTo(pub i32);
/// The support a county board gave, by board id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SupportBy(pub i32);
/// A county board support record by its row id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SupportId(pub i32);
/// The focus areas of a support record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FocusOf(pub i32);

loader!(ParticipationsOf => Vec<programme_participation::Model>, |db, ids| {
    Ok(many(support::first_participations_of(db, ids, Some(MAX_NESTED)).await?, |r| ParticipationsOf(r.organisation_id)))
});

loader!(ParticipationId => programme_participation::Model, |db, ids| {
    Ok(one(support::participations_by_ids(db, ids).await?, |r| ParticipationId(r.id)))
});

loader!(ProgrammeId => support_programme::Model, |db, ids| {
    Ok(one(support::programmes_by_ids(db, ids).await?, |r| ProgrammeId(r.id)))
});

loader!(StrategiesOf => Vec<county_board_strategy::Model>, |db, ids| {
    Ok(many(support::strategies_of(db, ids, Some(MAX_NESTED)).await?, |r| StrategiesOf(r.county_board_id)))
});

loader!(StrategyId => county_board_strategy::Model, |db, ids| {
    Ok(one(support::strategies_by_ids(db, ids).await?, |r| StrategyId(r.id)))
});

loader!(SupportTo => Vec<county_board_support::Model>, |db, ids| {
    Ok(many(support::support_to(db, ids, Some(MAX_NESTED)).await?, |r| SupportTo(r.organisation_id)))
});

loader!(SupportBy => Vec<county_board_support::Model>, |db, ids| {
    Ok(many(support::support_by_boards(db, ids, Some(MAX_NESTED)).await?, |r| SupportBy(r.county_board_id)))
});

loader!(SupportId => county_board_support::Model, |db, ids| {
    Ok(one(support::support_by_ids(db, ids).await?, |r| SupportId(r.id)))
});

loader!(FocusOf => Vec<FocusArea>, |db, ids| {
    let rows = support::focus_of(db, ids).await?;
    let mut grouped: HashMap<FocusOf, Vec<FocusArea>> = HashMap::new();
    for row in rows {
        if let Some(area) = FocusArea::from_stored(&row.focus_area) {
            grouped.entry(FocusOf(row.support_id)).or_default().push(area);
        }
    }
    Ok(grouped)
});
