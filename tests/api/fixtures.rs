//! Register records written straight into a test database, for the cases the seeded data
//! does not cover (edges of the derived statuses).

use cemr_api::domain::dates;
use chrono::{NaiveDate, Utc};
use entity::{action_plan, follow_up_report, organisation, signature};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
};

pub async fn organisation(db: &DatabaseConnection, code: &str) -> organisation::Model {
    organisation::Entity::find()
        .filter(organisation::Column::Code.eq(code))
        .one(db)
        .await
        .expect("query")
        .unwrap_or_else(|| panic!("no organisation {code}"))
}

/// Records a signing on a known day as the organisation's current signature; the
/// previous current signature, if any, becomes history.
pub async fn sign(db: &DatabaseConnection, code: &str, day: NaiveDate) -> signature::Model {
    let org = organisation(db, code).await;
    if let Some(current) = signature::Entity::find()
        .filter(signature::Column::CurrentFor.eq(org.id))
        .one(db)
        .await
        .expect("query")
    {
        let mut active: signature::ActiveModel = current.into();
        active.current_for = Set(None);
        active.update(db).await.expect("demote");
    }
    let now = Utc::now();
    signature::ActiveModel {
        organisation_id: Set(org.id),
        current_for: Set(Some(org.id)),
        signed_on: Set(Some(dates::format(day))),
        signed_precision: Set("DAY".into()),
        not_later_than: Set(dates::format(day)),
        decided_on: Set(None),
        decision_body: Set("KOMMUNFULLMAKTIGE".into()),
        decision_reference: Set(None),
        initiative: Set("UNKNOWN".into()),
        charter_edition: Set("2006".into()),
        new_articles_adopted_on: Set(None),
        withdrawn_on: Set(None),
        withdrawal_reason: Set(None),
        source: Set("test fixture".into()),
        note: Set(None),
        data_origin: Set("DEMO".into()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert signature")
}

pub async fn withdraw(db: &DatabaseConnection, signed: signature::Model, day: NaiveDate) {
    let mut active: signature::ActiveModel = signed.into();
    active.withdrawn_on = Set(Some(dates::format(day)));
    active.update(db).await.expect("withdraw");
}

pub async fn plan(
    db: &DatabaseConnection,
    code: &str,
    adopted: Option<NaiveDate>,
) -> action_plan::Model {
    let org = organisation(db, code).await;
    let now = Utc::now();
    action_plan::ActiveModel {
        organisation_id: Set(org.id),
        title: Set("Test plan".into()),
        adopted_on: Set(adopted.map(dates::format)),
        decision_body: Set("KOMMUNFULLMAKTIGE".into()),
        period_start_year: Set(None),
        period_end_year: Set(None),
        priorities: Set(String::new()),
        resources: Set(String::new()),
        document_url: Set(None),
        data_origin: Set("DEMO".into()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert plan")
}

pub async fn follow_up(db: &DatabaseConnection, plan: &action_plan::Model, day: NaiveDate) {
    let now = Utc::now();
    follow_up_report::ActiveModel {
        action_plan_id: Set(plan.id),
        reported_on: Set(dates::format(day)),
        summary: Set("Followed up".into()),
        data_origin: Set("DEMO".into()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert follow-up");
}
