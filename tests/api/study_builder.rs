//! Builds a study through the API, as a researcher would, and reads it back as the
//! public would.

use crate::helpers::{TestApp, token};
use serde_json::{Value, json};
use std::collections::HashMap;

/// A researcher's bearer token.
pub fn researcher() -> String {
    token("RESEARCHER", None)
}

/// A study being entered through the API.
pub struct StudyBuilder<'a> {
    pub app: &'a TestApp,
    pub token: String,
    pub id: Value,
    pub groups: HashMap<String, Value>,
    pub participants: HashMap<String, Value>,
    interviews: usize,
}

/// One interview to record: group code, participant reference, role, gender, answers.
pub struct Person<'a> {
    pub group: &'a str,
    pub participant: Option<&'a str>,
    pub role: &'a str,
    pub gender: &'a str,
    pub answers: Vec<(&'a str, String)>,
}

impl<'a> Person<'a> {
    pub fn new(group: &'a str, role: &'a str, gender: &'a str) -> Self {
        Self {
            group,
            participant: None,
            role,
            gender,
            answers: Vec::new(),
        }
    }

    pub fn of(mut self, participant: &'a str) -> Self {
        self.participant = Some(participant);
        self
    }

    pub fn says(mut self, dimension: &'a str, value: impl ToString) -> Self {
        self.answers.push((dimension, value.to_string()));
        self
    }
}

impl<'a> StudyBuilder<'a> {
    /// Creates a study (a draft).
    pub async fn create(app: &'a TestApp, slug: &str) -> Self {
        let token = researcher();
        let (_, body) = app
            .graphql_as(
                Some(&token),
                r#"mutation($slug: String!) { createStudy(input: { slug: $slug, title: "A study", year: 2026, commissionedBy: "SKR", performedBy: "A university" }) { study { id } userErrors { field code } } }"#,
                json!({ "slug": slug }),
            )
            .await;
        let id = body["data"]["createStudy"]["study"]["id"].clone();
        assert!(id.is_string(), "createStudy: {body}");
        Self {
            app,
            token,
            id,
            groups: HashMap::new(),
            participants: HashMap::new(),
            interviews: 0,
        }
    }

    /// Runs a mutation as the researcher and returns its payload, asserting no errors.
    pub async fn write(&self, query: &str, variables: Value, field: &str) -> Value {
        let (_, body) = self
            .app
            .graphql_as(Some(&self.token), query, variables)
            .await;
        let payload = body["data"][field].clone();
        assert_eq!(payload["userErrors"], json!([]), "{field}: {body}");
        payload
    }

    /// Adds a respondent group; its id comes back from `study.respondentGroups`.
    pub async fn group(&mut self, code: &str, is_member: bool) -> &mut Self {
        let payload = self
            .write(
                r#"mutation($s: ID!, $code: String!, $member: Boolean!) { addRespondentGroup(studyId: $s, code: $code, label: $code, isMember: $member) { respondentGroup { id code } userErrors { field code } } }"#,
                json!({ "s": self.id, "code": code, "member": is_member }),
                "addRespondentGroup",
            )
            .await;
        let id = payload["respondentGroup"]["id"].clone();
        assert!(id.is_string(), "a respondent group has an id: {payload}");
        self.groups.insert(code.into(), id);
        self
    }

    /// Adds a participant organisation.
    pub async fn participant(&mut self, reference: &str, kind: &str, signatory: bool) -> &mut Self {
        let payload = self
            .write(
                r#"mutation($s: ID!, $r: String!, $k: String!, $sig: Boolean!) { addStudyParticipant(studyId: $s, reference: $r, pseudonym: $r, kind: $k, signatoryAtStudy: $sig) { participant { id } userErrors { field code } } }"#,
                json!({ "s": self.id, "r": reference, "k": kind, "sig": signatory }),
                "addStudyParticipant",
            )
            .await;
        self.participants
            .insert(reference.into(), payload["participant"]["id"].clone());
        self
    }

    /// Defines a codebook.
    pub async fn codebook(&self, dimension: &str, level: &str, multiple: bool, values: &[&str]) {
        let values: Vec<Value> = values
            .iter()
            .map(|v| json!({ "value": v, "labelSv": format!("{v} (sv)"), "labelEn": format!("{v} (en)") }))
            .collect();
        self.write(
            r#"mutation($s: ID!, $input: CodebookInput!) { defineCodebook(studyId: $s, input: $input) { codebook { dimension } userErrors { field code } } }"#,
            json!({ "s": self.id, "input": { "dimension": dimension, "labelSv": dimension, "labelEn": dimension, "level": level, "multiple": multiple, "values": values } }),
            "defineCodebook",
        )
        .await;
    }

    /// The `recordInterview` input of a person.
    pub fn input(&mut self, person: &Person<'_>) -> Value {
        self.interviews += 1;
        let answers: Vec<Value> = person
            .answers
            .iter()
            .map(|(d, v)| json!({ "dimension": d, "value": v }))
            .collect();
        json!({
            "reference": format!("I{:03}", self.interviews),
            "respondentGroupId": self.groups[person.group],
            "participantId": person.participant.map(|p| self.participants[p].clone()),
            "role": person.role,
            "gender": person.gender,
            "heldOn": "2026-01-15",
            "durationMinutes": 30 + (self.interviews % 30) as i32,
            "answers": answers,
        })
    }

    /// Records an interview.
    pub async fn interview(&mut self, person: Person<'_>) -> &mut Self {
        let input = self.input(&person);
        self.write(
            r#"mutation($s: ID!, $input: InterviewInput!) { recordInterview(studyId: $s, input: $input) { interview { id } userErrors { field code } } }"#,
            json!({ "s": self.id, "input": input }),
            "recordInterview",
        )
        .await;
        self
    }

    /// Publishes the next release and returns it.
    pub async fn publish(&self) -> Value {
        self.write(
            r#"mutation($s: ID!) { publishStudyRelease(studyId: $s) { release { id number status } userErrors { field code } } }"#,
            json!({ "s": self.id }),
            "publishStudyRelease",
        )
        .await["release"]
            .clone()
    }

    /// Every figure of a release as the public reads it: key → (value, suppressed).
    pub async fn public_figures(&self, release: Option<i64>) -> HashMap<String, Option<f64>> {
        let data = self
            .app
            .data(
                r#"query($s: ID!, $r: Int) { studyStatistics(study: $s, release: $r) { figures { key value suppressed } } }"#,
                json!({ "s": self.id, "r": release }),
            )
            .await;
        data["studyStatistics"]["figures"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|f| {
                let key = f["key"].as_str().unwrap_or_default().to_owned();
                assert_eq!(f["value"].is_null(), f["suppressed"] == true, "{f}");
                (key, f["value"].as_f64())
            })
            .collect()
    }
}
