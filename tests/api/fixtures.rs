//! Register records written straight into a test database, for the cases the seeded data
//! does not cover (edges of the derived statuses).

use cemr_api::domain::dates;
use chrono::{NaiveDate, Utc};
use entity::{action_plan, follow_up_report, organisation, signature};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter,
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
    // Titles are unique per organisation: "Test plan", then "Test plan 2", …
    let earlier = action_plan::Entity::find()
        .filter(action_plan::Column::OrganisationId.eq(org.id))
        .count(db)
        .await
        .expect("count plans");
    let title = match earlier {
        0 => "Test plan".to_owned(),
        n => format!("Test plan {}", n + 1),
    };
    action_plan::ActiveModel {
        organisation_id: Set(org.id),
        title_key: Set(title.to_lowercase()),
        title: Set(title),
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

pub async fn participation(
    db: &DatabaseConnection,
    code: &str,
    programme_code: &str,
    from_year: i32,
) -> entity::programme_participation::Model {
    let org = organisation(db, code).await;
    let programme = entity::support_programme::Entity::find()
        .filter(entity::support_programme::Column::Code.eq(programme_code))
        .one(db)
        .await
        .expect("query")
        .expect("programme");
    // The first year is part of the unique key: a repeated fixture starts a year later.
    let taken: Vec<i32> = entity::programme_participation::Entity::find()
        .filter(entity::programme_participation::Column::OrganisationId.eq(org.id))
        .filter(entity::programme_participation::Column::ProgrammeId.eq(programme.id))
        .all(db)
        .await
        .expect("query")
        .into_iter()
        .map(|p| p.from_year)
        .collect();
    let from_year = (from_year..)
        .find(|year| !taken.contains(year))
        .unwrap_or(from_year);
    let now = Utc::now();
    entity::programme_participation::ActiveModel {
        organisation_id: Set(org.id),
        programme_id: Set(programme.id),
        from_year: Set(from_year),
        to_year: Set(None),
        role: Set("PARTICIPANT".into()),
        data_origin: Set("DEMO".into()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert participation")
}

/// An API token of an organisation; returns the clear token and its record.
pub async fn api_token(
    db: &DatabaseConnection,
    code: Option<&str>,
    role: &str,
    can_write: bool,
) -> (String, entity::api_token::Model) {
    let organisation_id = match code {
        Some(code) => Some(organisation(db, code).await.id),
        None => None,
    };
    let token = cemr_api::auth::api_tokens::generate().expect("token");
    let record = entity::api_token::ActiveModel {
        name: Set("fixture".into()),
        token_digest: Set(cemr_api::auth::api_tokens::digest(&token)),
        display_prefix: Set(cemr_api::auth::api_tokens::display_prefix(&token)),
        role: Set(role.into()),
        organisation_id: Set(organisation_id),
        can_write: Set(can_write),
        created_by: Set("fixture".into()),
        created_at: Set(Utc::now()),
        expires_at: Set(None),
        revoked_at: Set(None),
        last_used_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert token");
    (token, record)
}

/// A built-in account with the given password.
pub async fn account(
    db: &DatabaseConnection,
    email: &str,
    password: &str,
    role: &str,
    code: Option<&str>,
) -> entity::account::Model {
    let organisation_id = match code {
        Some(code) => Some(organisation(db, code).await.id),
        None => None,
    };
    let now = Utc::now();
    entity::account::ActiveModel {
        email: Set(email.into()),
        password_hash: Set(cemr_api::auth::passwords::hash(password).expect("hash")),
        role: Set(role.into()),
        organisation_id: Set(organisation_id),
        disabled: Set(false),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        last_login_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert account")
}

/// An API token that expired an hour ago.
pub async fn expired_api_token(
    db: &DatabaseConnection,
    code: Option<&str>,
) -> (String, entity::api_token::Model) {
    let (token, record) = api_token(db, code, "MEMBER", false).await;
    let mut active: entity::api_token::ActiveModel = record.into();
    active.expires_at = Set(Some(Utc::now() - chrono::Duration::hours(1)));
    (token, active.update(db).await.expect("expire token"))
}
