//! The write API: every mutation applies the one policy, validates precisely, writes
//! atomically with its audit entry, and refuses stale versions.

use crate::fixtures;
use crate::helpers::{TestApp, admin_token, fingerprint, member_token, on_both_engines, token};
use cemr_api::graphql::ids;
use chrono::NaiveDate;
use serde_json::{Value, json};

on_both_engines!(
    every_mutation_enforces_the_policy,
    validation_errors_are_precise_and_write_nothing,
    a_stale_version_conflicts_and_writes_nothing,
    concurrent_updates_with_one_version_have_one_winner,
    the_audit_log_records_who_what_and_the_values,
);

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

/// Every mutation, and whether a member may run it for its own organisation.
#[derive(Debug, Clone, Copy)]
enum Mutation {
    RegisterSignature,
    UpdateSignature,
    WithdrawSignature,
    CreateActionPlan,
    UpdateActionPlan,
    SetActionPlanArticles,
    AddFollowUpReport,
    AddProgrammeParticipation,
    EndProgrammeParticipation,
    RecordCountyBoardSupport,
    CreateApiToken,
    RevokeApiToken,
    CreateOrganisation,
    UpdateOrganisation,
    CreateSupportProgramme,
    UpdateSupportProgramme,
    AddCountyBoardStrategy,
    CreateAccount,
    UpdateAccount,
    CreateStudy,
    AddRespondentGroup,
    AddStudyParticipant,
    RecordInterview,
    AddQuote,
    AddSeminar,
    AddStudyFinding,
}

/// Who, besides administrators, may run a mutation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owner {
    /// The member organisation the record belongs to.
    Member,
    /// Researchers (study data).
    Researcher,
    /// Nobody else.
    AdminOnly,
}

const ALL: [Mutation; 26] = [
    Mutation::RegisterSignature,
    Mutation::UpdateSignature,
    Mutation::WithdrawSignature,
    Mutation::CreateActionPlan,
    Mutation::UpdateActionPlan,
    Mutation::SetActionPlanArticles,
    Mutation::AddFollowUpReport,
    Mutation::AddProgrammeParticipation,
    Mutation::EndProgrammeParticipation,
    Mutation::RecordCountyBoardSupport,
    Mutation::CreateApiToken,
    Mutation::RevokeApiToken,
    Mutation::CreateOrganisation,
    Mutation::UpdateOrganisation,
    Mutation::CreateSupportProgramme,
    Mutation::UpdateSupportProgramme,
    Mutation::AddCountyBoardStrategy,
    Mutation::CreateAccount,
    Mutation::UpdateAccount,
    Mutation::CreateStudy,
    Mutation::AddRespondentGroup,
    Mutation::AddStudyParticipant,
    Mutation::RecordInterview,
    Mutation::AddQuote,
    Mutation::AddSeminar,
    Mutation::AddStudyFinding,
];

impl Mutation {
    fn owner(self) -> Owner {
        match self {
            Self::CreateOrganisation
            | Self::UpdateOrganisation
            | Self::CreateSupportProgramme
            | Self::UpdateSupportProgramme
            | Self::AddCountyBoardStrategy
            | Self::CreateAccount
            | Self::UpdateAccount => Owner::AdminOnly,
            Self::CreateStudy
            | Self::AddRespondentGroup
            | Self::AddStudyParticipant
            | Self::RecordInterview
            | Self::AddQuote
            | Self::AddSeminar
            | Self::AddStudyFinding => Owner::Researcher,
            _ => Owner::Member,
        }
    }

    /// A fresh target owned by `org`: the document, its variables, its payload field.
    async fn prepare(self, app: &TestApp, org: &str) -> (String, Value, &'static str) {
        let db = app.db().await;
        let (query, variables, field) = match self {
            Self::RegisterSignature => (
                r#"mutation($org: String!) { registerSignature(organisationCode: $org, facts: { signedOn: "2015-05-05", signedPrecision: DAY, motives: [STANCE] }) { signature { id } userErrors { code } } }"#,
                json!({ "org": org }),
                "registerSignature",
            ),
            Self::UpdateSignature => {
                let signed = fixtures::sign(&db, org, day(2012, 3, 4)).await;
                (
                    r#"mutation($id: ID!) { updateSignature(id: $id, version: 1, facts: { signedOn: "2012-03-05", signedPrecision: DAY, decisionBody: KOMMUNSTYRELSE }) { signature { id } userErrors { code } } }"#,
                    json!({ "id": ids::encode("Signature", signed.id) }),
                    "updateSignature",
                )
            }
            Self::WithdrawSignature => {
                let signed = fixtures::sign(&db, org, day(2010, 1, 1)).await;
                (
                    r#"mutation($id: ID!) { withdrawSignature(id: $id, version: 1, withdrawnOn: "2020-01-01", reason: "test") { signature { id } userErrors { code } } }"#,
                    json!({ "id": ids::encode("Signature", signed.id) }),
                    "withdrawSignature",
                )
            }
            Self::CreateActionPlan => (
                r#"mutation($org: String!) { createActionPlan(organisationCode: $org, facts: { title: "Plan" }, articleNumbers: [1, 2]) { actionPlan { id } userErrors { code } } }"#,
                json!({ "org": org }),
                "createActionPlan",
            ),
            Self::UpdateActionPlan => {
                let plan = fixtures::plan(&db, org, Some(day(2020, 1, 1))).await;
                (
                    r#"mutation($id: ID!) { updateActionPlan(id: $id, version: 1, facts: { title: "Renamed", adoptedOn: "2020-01-02" }) { actionPlan { id } userErrors { code } } }"#,
                    json!({ "id": ids::encode("ActionPlan", plan.id) }),
                    "updateActionPlan",
                )
            }
            Self::SetActionPlanArticles => {
                let plan = fixtures::plan(&db, org, Some(day(2020, 1, 1))).await;
                (
                    r#"mutation($id: ID!) { setActionPlanArticles(id: $id, version: 1, articleNumbers: [3, 22]) { actionPlan { id } userErrors { code } } }"#,
                    json!({ "id": ids::encode("ActionPlan", plan.id) }),
                    "setActionPlanArticles",
                )
            }
            Self::AddFollowUpReport => {
                let plan = fixtures::plan(&db, org, Some(day(2020, 1, 1))).await;
                (
                    r#"mutation($id: ID!) { addFollowUpReport(actionPlanId: $id, reportedOn: "2021-01-01", summary: "Done") { followUpReport { id } userErrors { code } } }"#,
                    json!({ "id": ids::encode("ActionPlan", plan.id) }),
                    "addFollowUpReport",
                )
            }
            Self::AddProgrammeParticipation => (
                r#"mutation($org: String!) { addProgrammeParticipation(organisationCode: $org, programmeCode: "MODELLKONCEPTET", fromYear: 2016) { programmeParticipation { id } userErrors { code } } }"#,
                json!({ "org": org }),
                "addProgrammeParticipation",
            ),
            Self::EndProgrammeParticipation => {
                let participation =
                    fixtures::participation(&db, org, "MODELLKONCEPTET", 2016).await;
                (
                    r#"mutation($id: ID!) { endProgrammeParticipation(id: $id, version: 1, toYear: 2020) { programmeParticipation { id } userErrors { code } } }"#,
                    json!({ "id": ids::encode("ProgrammeParticipation", participation.id) }),
                    "endProgrammeParticipation",
                )
            }
            Self::RecordCountyBoardSupport => (
                r#"mutation($org: String!) { recordCountyBoardSupport(organisationCode: $org, year: 2020, focusAreas: [AGENDA_2030], assessment: LIMITED) { countyBoardSupport { id } userErrors { code } } }"#,
                json!({ "org": org }),
                "recordCountyBoardSupport",
            ),
            Self::CreateApiToken => (
                r#"mutation($org: String!) { createApiToken(name: "system", organisationCode: $org, canWrite: true) { token apiToken { id } userErrors { code } } }"#,
                json!({ "org": org }),
                "createApiToken",
            ),
            Self::RevokeApiToken => {
                let (_, record) = fixtures::api_token(&db, Some(org), "MEMBER", true).await;
                (
                    r#"mutation($id: ID!) { revokeApiToken(id: $id) { apiToken { id } userErrors { code } } }"#,
                    json!({ "id": ids::encode("ApiToken", record.id) }),
                    "revokeApiToken",
                )
            }
            Self::CreateOrganisation => (
                r#"mutation($code: String!) { createOrganisation(code: $code, facts: { name: "Norrbottens Kommuner", kind: MUNICIPAL_FEDERATION, countyCode: "25" }) { organisation { id } userErrors { code } } }"#,
                json!({ "code": format!("KF-{org}") }),
                "createOrganisation",
            ),
            Self::UpdateOrganisation => (
                r#"mutation($org: String!) { updateOrganisation(code: $org, version: 1, facts: { name: "Renamed", kind: MUNICIPALITY, countyCode: "01" }) { organisation { id } userErrors { code } } }"#,
                json!({ "org": org }),
                "updateOrganisation",
            ),
            Self::CreateSupportProgramme => (
                r#"mutation($code: String!) { createSupportProgramme(code: $code, facts: { name: "Nytt program", nameEn: "New programme", startYear: 2024, requiresPoliticalCommitment: false }) { supportProgramme { id } userErrors { code } } }"#,
                json!({ "code": format!("PROGRAMME_{org}") }),
                "createSupportProgramme",
            ),
            Self::UpdateSupportProgramme => (
                r#"mutation { updateSupportProgramme(code: "MODELLKONCEPTET", version: 1, facts: { name: "Modellkonceptet", nameEn: "The model concept", startYear: 2015, requiresPoliticalCommitment: true }) { supportProgramme { id } userErrors { code } } }"#,
                json!({}),
                "updateSupportProgramme",
            ),
            Self::AddCountyBoardStrategy => (
                r#"mutation { addCountyBoardStrategy(countyCode: "01", periodStartYear: 2021, periodEndYear: 2025, title: "Strategi", source: "test") { countyBoardStrategy { id } userErrors { code } } }"#,
                json!({}),
                "addCountyBoardStrategy",
            ),
            Self::CreateAccount => (
                r#"mutation($email: String!) { createAccount(email: $email, password: "long enough password", role: RESEARCHER) { account { id } userErrors { code } } }"#,
                json!({ "email": format!("researcher-{org}@example.se") }),
                "createAccount",
            ),
            Self::UpdateAccount => {
                let account = fixtures::account(
                    &db,
                    &format!("someone-{org}@example.se"),
                    "long enough password",
                    "MEMBER",
                    Some(org),
                )
                .await;
                (
                    r#"mutation($id: ID!, $org: String) { updateAccount(id: $id, version: 1, role: MEMBER, organisationCode: $org, disabled: true) { account { id } userErrors { code } } }"#,
                    json!({ "id": ids::encode("Account", account.id), "org": org }),
                    "updateAccount",
                )
            }
            Self::CreateStudy => (
                r#"mutation($slug: String!) { createStudy(input: { slug: $slug, title: "Study", year: 2026, commissionedBy: "SKR", performedBy: "SKR" }) { study { id } userErrors { code } } }"#,
                json!({ "slug": format!("study-{org}") }),
                "createStudy",
            ),
            Self::AddRespondentGroup => (
                r#"mutation($study: ID!, $code: String!) { addRespondentGroup(studyId: $study, code: $code, label: "Group", isMember: false) { respondentGroup { code } userErrors { code } } }"#,
                json!({ "study": study_2021(&db).await, "code": format!("GROUP_{org}") }),
                "addRespondentGroup",
            ),
            Self::AddStudyParticipant => (
                r#"mutation($study: ID!, $reference: String!) { addStudyParticipant(studyId: $study, reference: $reference, pseudonym: "Kommun X", kind: "MUNICIPALITY", signatoryAtStudy: true) { participant { id } userErrors { code } } }"#,
                json!({ "study": study_2021(&db).await, "reference": format!("P-{org}") }),
                "addStudyParticipant",
            ),
            Self::RecordInterview => (
                r#"mutation($study: ID!, $input: InterviewInput!) { recordInterview(studyId: $study, input: $input) { interview { id } userErrors { code } } }"#,
                json!({ "study": study_2021(&db).await, "input": { "reference": format!("I-{org}"), "respondentGroupId": ids::encode("RespondentGroup", experts_group(&db).await).0, "role": "OTHER", "heldOn": "2022-01-10", "durationMinutes": 40, "answers": [{ "dimension": "RATING", "value": "3" }] } }),
                "recordInterview",
            ),
            Self::AddQuote => (
                r#"mutation($study: ID!) { addQuote(studyId: $study, text: "Citat", attribution: "Strateg, kommun", role: STRATEGIST, organisationKind: "MUNICIPALITY", themes: ["signing"]) { quote { id } userErrors { code } } }"#,
                json!({ "study": study_2021(&db).await }),
                "addQuote",
            ),
            Self::AddSeminar => (
                r#"mutation($study: ID!, $number: Int!) { addSeminar(studyId: $study, number: $number, attendance: [{ group: "SKR", participants: 5 }]) { seminar { id } userErrors { code } } }"#,
                json!({ "study": study_2021(&db).await, "number": 3 + org.parse::<i32>().unwrap_or(7) }),
                "addSeminar",
            ),
            Self::AddStudyFinding => (
                r#"mutation($study: ID!) { addStudyFinding(studyId: $study, kind: CONCLUSION, number: 99, title: "Slutsats") { finding { id } userErrors { code } } }"#,
                json!({ "study": study_2021(&db).await }),
                "addStudyFinding",
            ),
        };
        (query.to_owned(), variables, field)
    }
}

/// The global id of the 2021 study.
async fn study_2021(db: &sea_orm::DatabaseConnection) -> String {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let study = entity::study::Entity::find()
        .filter(entity::study::Column::Slug.eq("cemr-followup-2021"))
        .one(db)
        .await
        .expect("query")
        .expect("the 2021 study");
    ids::encode("Study", study.id).0
}

/// The row id of the 2021 study's experts group.
async fn experts_group(db: &sea_orm::DatabaseConnection) -> i32 {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    entity::respondent_group::Entity::find()
        .filter(entity::respondent_group::Column::Code.eq("EXPERTS"))
        .one(db)
        .await
        .expect("query")
        .expect("the experts group")
        .id
}

fn assert_succeeded(body: &Value, field: &str, who: &str, mutation: Mutation) {
    assert!(
        body.get("errors").is_none(),
        "{mutation:?} as {who}: {body}"
    );
    assert_eq!(
        body["data"][field]["userErrors"],
        json!([]),
        "{mutation:?} as {who}: {body}"
    );
}

async fn every_mutation_enforces_the_policy(app: TestApp) {
    let db = app.db().await;
    for mutation in ALL {
        let (query, variables, field) = mutation.prepare(&app, "0114").await;
        let before = fingerprint(&db).await;

        let (status, body) = app.graphql_as(None, &query, variables.clone()).await;
        assert_eq!(status, 200);
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
            "{mutation:?} anonymous: {body}"
        );

        let outsider = match mutation.owner() {
            Owner::Member => member_token("0115"),
            Owner::Researcher | Owner::AdminOnly => member_token("0114"),
        };
        let (_, body) = app
            .graphql_as(Some(&outsider), &query, variables.clone())
            .await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "FORBIDDEN",
            "{mutation:?} as a member: {body}"
        );
        if mutation.owner() != Owner::Researcher {
            let (_, body) = app
                .graphql_as(Some(&token("RESEARCHER", None)), &query, variables.clone())
                .await;
            assert_eq!(
                body["errors"][0]["extensions"]["code"], "FORBIDDEN",
                "{mutation:?} as a researcher: {body}"
            );
        }
        assert_eq!(
            fingerprint(&db).await,
            before,
            "{mutation:?}: refused writes change nothing"
        );

        let owner = match mutation.owner() {
            Owner::Member => Some(member_token("0114")),
            Owner::Researcher => Some(token("RESEARCHER", None)),
            Owner::AdminOnly => None,
        };
        if let Some(owner) = owner {
            let (_, body) = app.graphql_as(Some(&owner), &query, variables).await;
            assert_succeeded(&body, field, "its owner", mutation);
            assert_ne!(fingerprint(&db).await, before, "{mutation:?} wrote");
        }
        let (query, variables, field) = mutation.prepare(&app, "0117").await;
        let (_, body) = app
            .graphql_as(Some(&admin_token()), &query, variables)
            .await;
        assert_succeeded(&body, field, "an admin", mutation);
    }
}

async fn validation_errors_are_precise_and_write_nothing(app: TestApp) {
    let db = app.db().await;
    let member = member_token("0120");
    let register = r#"mutation($org: String!, $facts: SignatureFactsInput!) { registerSignature(organisationCode: $org, facts: $facts) {
        signature { id } userErrors { field message code } } }"#;
    let cases = [
        (
            json!({ "signedOn": "2099-01-01", "signedPrecision": "DAY" }),
            "signedOn",
            "IN_FUTURE",
        ),
        (
            json!({ "signedOn": "2005-12-31", "signedPrecision": "DAY" }),
            "signedOn",
            "BEFORE_CHARTER",
        ),
        (json!({ "signedPrecision": "DAY" }), "signedOn", "REQUIRED"),
        (
            json!({ "signedPrecision": "UNKNOWN" }),
            "notLaterThan",
            "REQUIRED",
        ),
        (
            json!({ "signedOn": "2010-01-01", "signedPrecision": "DAY", "charterEdition": "CHARTER_2022" }),
            "charterEdition",
            "INVALID",
        ),
    ];
    let before = fingerprint(&db).await;
    for (facts, field, code) in cases {
        let (_, body) = app
            .graphql_as(
                Some(&member),
                register,
                json!({ "org": "0120", "facts": facts }),
            )
            .await;
        let errors = &body["data"]["registerSignature"]["userErrors"];
        assert!(
            errors
                .as_array()
                .into_iter()
                .flatten()
                .any(|e| e["field"] == json!([field]) && e["code"] == code),
            "{facts} should fail on {field} with {code}: {body}"
        );
        assert_eq!(body["data"]["registerSignature"]["signature"], Value::Null);
    }
    let (_, body) = app.graphql_as(Some(&admin_token()), register, json!({ "org": "9999", "facts": { "signedOn": "2010-01-01", "signedPrecision": "DAY" } })).await;
    assert_eq!(
        body["data"]["registerSignature"]["userErrors"][0]["code"],
        "NOT_FOUND"
    );
    assert_eq!(
        fingerprint(&db).await,
        before,
        "refused input writes nothing, not even an audit entry"
    );

    // A current signature cannot be registered twice; a withdrawal precedes no signing.
    let signed = fixtures::sign(&db, "0120", day(2012, 6, 1)).await;
    let before = fingerprint(&db).await;
    let (_, body) = app.graphql_as(Some(&member), register, json!({ "org": "0120", "facts": { "signedOn": "2014-01-01", "signedPrecision": "DAY" } })).await;
    assert_eq!(
        body["data"]["registerSignature"]["userErrors"][0]["code"],
        "DUPLICATE"
    );
    let (_, body) = app
        .graphql_as(
            Some(&member),
            r#"mutation($id: ID!) { withdrawSignature(id: $id, version: 1, withdrawnOn: "2011-01-01") { userErrors { field code } } }"#,
            json!({ "id": ids::encode("Signature", signed.id) }),
        )
        .await;
    assert_eq!(
        body["data"]["withdrawSignature"]["userErrors"][0],
        json!({ "field": ["withdrawnOn"], "code": "ORDER" })
    );
    let (_, body) = app
        .graphql_as(
            Some(&member),
            r#"mutation { createActionPlan(organisationCode: "0120", facts: { title: "Plan", periodStartYear: 2024, periodEndYear: 2021 }, articleNumbers: [1, 31]) { userErrors { field code } } }"#,
            json!({}),
        )
        .await;
    let codes: Vec<&Value> = body["data"]["createActionPlan"]["userErrors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| &e["code"])
        .collect();
    assert_eq!(codes, [&json!("ORDER"), &json!("NOT_FOUND")], "{body}");
    assert_eq!(fingerprint(&db).await, before);
}

async fn a_stale_version_conflicts_and_writes_nothing(app: TestApp) {
    let db = app.db().await;
    let plan = fixtures::plan(&db, "0123", Some(day(2020, 1, 1))).await;
    let update = r#"mutation($id: ID!, $version: Int!, $title: String!) { updateActionPlan(id: $id, version: $version, facts: { title: $title }) {
        actionPlan { title version } userErrors { code } } }"#;
    let id = ids::encode("ActionPlan", plan.id);
    let member = member_token("0123");
    let (_, body) = app
        .graphql_as(
            Some(&member),
            update,
            json!({ "id": id, "version": 1, "title": "First" }),
        )
        .await;
    assert_eq!(body["data"]["updateActionPlan"]["actionPlan"]["version"], 2);
    let before = fingerprint(&db).await;
    let (_, body) = app
        .graphql_as(
            Some(&member),
            update,
            json!({ "id": id, "version": 1, "title": "Stale" }),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "CONFLICT",
        "{body}"
    );
    assert_eq!(fingerprint(&db).await, before);
}

async fn concurrent_updates_with_one_version_have_one_winner(app: TestApp) {
    let db = app.db().await;
    let signed = fixtures::sign(&db, "0125", day(2011, 1, 1)).await;
    let id = ids::encode("Signature", signed.id);
    let update = r#"mutation($id: ID!, $day: Date!) { updateSignature(id: $id, version: 1, facts: { signedOn: $day, signedPrecision: DAY }) {
        signature { version } userErrors { code } } }"#;
    let member = member_token("0125");
    let admin = admin_token();
    let (first, second) = tokio::join!(
        app.graphql_as(
            Some(&member),
            update,
            json!({ "id": id, "day": "2011-02-02" })
        ),
        app.graphql_as(
            Some(&admin),
            update,
            json!({ "id": id, "day": "2011-03-03" })
        ),
    );
    let outcomes: Vec<&str> = [&first.1, &second.1]
        .iter()
        .map(|body| {
            if body["data"]["updateSignature"]["signature"]["version"] == 2 {
                "won"
            } else {
                body["errors"][0]["extensions"]["code"]
                    .as_str()
                    .unwrap_or("?")
            }
        })
        .collect();
    let mut sorted = outcomes.clone();
    sorted.sort_unstable();
    assert_eq!(
        sorted,
        ["CONFLICT", "won"],
        "exactly one wins: {first:?} {second:?}"
    );
    let (_, body) = app
        .graphql_as(
            Some(&admin_token()),
            r#"query($id: String!) { auditLog(filter: { recordType: "Signature", recordId: $id }) { totalCount } }"#,
            json!({ "id": signed.id.to_string() }),
        )
        .await;
    assert_eq!(
        body["data"]["auditLog"]["totalCount"], 1,
        "only the winner is audited"
    );
}

async fn the_audit_log_records_who_what_and_the_values(app: TestApp) {
    let db = app.db().await;
    let signed = fixtures::sign(&db, "0126", day(2013, 5, 5)).await;
    let (_, body) = app
        .graphql_as(
            Some(&member_token("0126")),
            r#"mutation($id: ID!) { withdrawSignature(id: $id, version: 1, withdrawnOn: "2019-09-09", reason: "new majority") { signature { status } } }"#,
            json!({ "id": ids::encode("Signature", signed.id) }),
        )
        .await;
    assert_eq!(
        body["data"]["withdrawSignature"]["signature"]["status"],
        "WITHDRAWN"
    );
    let query = r#"query($id: String!) { auditLog(filter: { recordType: "Signature", recordId: $id }) { totalCount edges { node {
        action actorSub actorRole actorOrganisationCode credential before after requestId } } } }"#;
    let variables = json!({ "id": signed.id.to_string() });
    let (_, body) = app
        .graphql_as(Some(&admin_token()), query, variables.clone())
        .await;
    let log = &body["data"]["auditLog"];
    assert_eq!(log["totalCount"], 1, "{body}");
    let entry = &log["edges"][0]["node"];
    assert_eq!(entry["action"], "signature.withdraw");
    assert_eq!(entry["actorSub"], "test:MEMBER:0126");
    assert_eq!(entry["actorRole"], "MEMBER");
    assert_eq!(entry["actorOrganisationCode"], "0126");
    assert_eq!(entry["credential"], "JWT");
    assert!(entry["requestId"].is_string());
    let before: Value =
        serde_json::from_str(entry["before"].as_str().unwrap_or("null")).expect("json");
    let after: Value =
        serde_json::from_str(entry["after"].as_str().unwrap_or("null")).expect("json");
    assert_eq!(before["withdrawn_on"], Value::Null);
    assert_eq!(after["withdrawn_on"], "2019-09-09");
    assert_eq!(after["withdrawal_reason"], "new majority");

    let (_, body) = app
        .graphql_as(Some(&member_token("0126")), query, variables.clone())
        .await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "FORBIDDEN");
    let (_, body) = app.graphql_as(None, query, variables).await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
}
