//! Every nested list is bounded: a `first` argument with a default and a cap, so no
//! anonymous request can make a response (or the server's memory) grow with the data.

use crate::fixtures;
use crate::helpers::{Backend, spawn_app};
use chrono::{Days, NaiveDate, Utc};
use entity::follow_up_report;
use sea_orm::{ActiveValue::Set, EntityTrait};
use serde_json::json;

/// The cap (and default) of a nested list.
const CAP: usize = 100;

async fn a_plan_with_more_follow_ups_than_the_cap_answers_at_most_the_cap(backend: Backend) {
    let app = spawn_app(backend).await;
    let db = app.db().await;
    let start = NaiveDate::from_ymd_opt(2015, 1, 1).expect("date");
    let plan = fixtures::plan(&db, "0180", Some(start)).await;
    let now = Utc::now();
    let reports = (0..CAP as u64 + 50).map(|day| follow_up_report::ActiveModel {
        action_plan_id: Set(plan.id),
        reported_on: Set(cemr_api::domain::dates::format(
            start.checked_add_days(Days::new(day)).expect("date"),
        )),
        summary: Set(format!("report {day}")),
        data_origin: Set("DEMO".into()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    });
    follow_up_report::Entity::insert_many(reports)
        .exec(&db)
        .await
        .expect("insert follow-ups");

    let query = r#"query($first: Int) { organisation(code: "0180") { actionPlans {
        all: followUps { reportedOn } some: followUps(first: $first) { summary } } } }"#;
    let data = app.data(query, json!({ "first": 3 })).await;
    let plan = &data["organisation"]["actionPlans"][0];
    let all = plan["all"].as_array().expect("a list");
    assert_eq!(all.len(), CAP, "{backend:?}: the default page is the cap");
    // The oldest first, as documented, and the first page of them.
    assert_eq!(all[0]["reportedOn"], "2015-01-01");
    assert_eq!(all[CAP - 1]["reportedOn"], "2015-04-10");
    let some: Vec<_> = plan["some"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|r| r["summary"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(some, ["report 0", "report 1", "report 2"]);

    // Asking for more than the cap is an error the client can correct, not a bigger page.
    for first in [CAP as i64 + 1, -1] {
        let body = app.graphql(query, json!({ "first": first })).await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
            "{backend:?}: first {first}: {body}"
        );
    }
    let followed = app
        .data(
            r#"{ organisation(code: "0180") { actionPlans { followUpCount } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        followed["organisation"]["actionPlans"][0]["followUpCount"],
        CAP + 50
    );
}

crate::helpers::on_both_engines!(backend: a_plan_with_more_follow_ups_than_the_cap_answers_at_most_the_cap);
