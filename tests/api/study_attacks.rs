//! The attacker: for studies built through the API, everything the public can read of
//! one release, or of two consecutive releases, is put into one linear system (the
//! tables' sums, the margins, every breakdown, the mean times its base, and for two
//! releases the persons added in between), which is then solved exhaustively: no
//! withheld count may come out exactly, no shown count may be under k, and no count of
//! the persons added between two releases may come out between 1 and k - 1.
//!
//! The table structure is written here from the API's own description (codebooks,
//! groups, kinds, programmes), not taken from the service.

use crate::helpers::{TestApp, on_both_engines};
use crate::study_builder::{Person, StudyBuilder};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};

on_both_engines!(
    no_withheld_count_of_a_release_can_be_worked_out,
    no_count_can_be_worked_out_from_two_consecutive_releases,
    small_groups_stay_hidden_when_pooled_with_others,
);

const K: f64 = 5.0;
const ROLES: [&str; 4] = ["POLITICIAN", "MANAGEMENT", "STRATEGIST", "OTHER"];
const GENDERS: [&str; 3] = ["WOMAN", "MAN", "NOT_RECORDED"];

/// A linear equation: Σ coefficient × cell = constant, cells by key.
type Equation = (Vec<(String, f64)>, f64);

/// The public description of a study the attacker builds the structure from.
struct Shape {
    groups: Vec<String>,
    kinds: Vec<String>,
    /// (dimension, level, multiple, values)
    codebooks: Vec<(String, String, bool, Vec<String>)>,
    /// (code, start, end)
    programmes: Vec<(String, i64, Option<i64>)>,
}

async fn shape(app: &TestApp, study: &Value, figures: &HashMap<String, Option<f64>>) -> Shape {
    let data = app
        .data(
            r#"query($s: ID!) { study(id: $s) { codebooks { dimension level multiple values { value } } }
                supportProgrammes { code startYear endYear } }"#,
            json!({ "s": study }),
        )
        .await;
    let mut groups: Vec<String> = figures
        .keys()
        .filter_map(|k| k.strip_prefix("interviewees/"))
        .filter(|rest| !rest.contains('/'))
        .map(str::to_owned)
        .collect();
    groups.sort();
    let mut kinds: Vec<String> = figures
        .keys()
        .filter_map(|k| k.strip_prefix("participants/"))
        .filter(|rest| !rest.contains('/'))
        .map(str::to_owned)
        .collect();
    kinds.sort();
    let codebooks = data["study"]["codebooks"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            (
                c["dimension"].as_str().unwrap_or_default().to_owned(),
                c["level"].as_str().unwrap_or_default().to_owned(),
                c["multiple"] == true,
                c["values"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|v| v["value"].as_str().unwrap_or_default().to_owned())
                    .collect(),
            )
        })
        .collect();
    let programmes = data["supportProgrammes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            (
                p["code"].as_str().unwrap_or_default().to_owned(),
                p["startYear"].as_i64().unwrap_or_default(),
                p["endYear"].as_i64(),
            )
        })
        .collect();
    Shape {
        groups,
        kinds,
        codebooks,
        programmes,
    }
}

fn sum(total: &str, parts: impl IntoIterator<Item = String>) -> Equation {
    let mut terms = vec![(total.to_owned(), 1.0)];
    terms.extend(parts.into_iter().map(|p| (p, -1.0)));
    (terms, 0.0)
}

/// Every sum the tables obey, whatever is shown.
fn structure(shape: &Shape, figures: &HashMap<String, Option<f64>>) -> Vec<Equation> {
    let mut eqs = vec![sum(
        "interviews",
        shape.groups.iter().map(|g| format!("interviewees/{g}")),
    )];
    for g in &shape.groups {
        let group = format!("interviewees/{g}");
        eqs.push(sum(&group, ROLES.iter().map(|r| format!("{group}/{r}"))));
        for r in ROLES {
            let role = format!("{group}/{r}");
            eqs.push(sum(&role, GENDERS.iter().map(|s| format!("{role}/{s}"))));
        }
    }
    eqs.push(sum(
        "interviews",
        ["digital/YES".into(), "digital/NO".into()],
    ));
    eqs.push(sum(
        "organisations",
        shape.kinds.iter().map(|k| format!("participants/{k}")),
    ));
    for k in &shape.kinds {
        let kind = format!("participants/{k}");
        eqs.push(sum(
            &kind,
            [format!("{kind}/SIGNATORY"), format!("{kind}/NOT_SIGNATORY")],
        ));
    }
    for (d, level, multiple, values) in &shape.codebooks {
        let root = if level == "ORGANISATION" {
            "organisations"
        } else {
            "interviews"
        };
        let answered = format!("answers/{d}/_ANSWERED");
        eqs.push(sum(
            root,
            [answered.clone(), format!("answers/{d}/_NOT_ANSWERED")],
        ));
        if *multiple {
            for v in values {
                eqs.push(sum(
                    root,
                    [format!("answers/{d}/{v}"), format!("answers/{d}/{v}/_NOT")],
                ));
            }
        } else {
            eqs.push(sum(
                &answered,
                values.iter().map(|v| format!("answers/{d}/{v}")),
            ));
        }
        // The mean is a sum: Σ (value - mean) × count = 0.
        if let Some(Some(mean)) = figures.get(&format!("answers/{d}/_MEAN")) {
            let terms = values
                .iter()
                .filter_map(|v| Some((format!("answers/{d}/{v}"), v.parse::<f64>().ok()? - mean)))
                .collect();
            eqs.push((terms, 0.0));
        }
        if d == "SIGNING_YEAR" {
            for (code, start, end) in &shape.programmes {
                let within = values.iter().filter(|v| {
                    v.parse::<i64>()
                        .is_ok_and(|y| y >= *start && end.is_none_or(|e| y <= e))
                });
                eqs.push(sum(
                    &format!("programmes/{code}"),
                    within.map(|v| format!("answers/{d}/{v}")),
                ));
            }
        }
    }
    eqs
}

/// Reduced row echelon form over the unknowns, for asking which linear forms of them
/// the known figures determine.
struct Solver {
    /// (pivot, terms with the pivot's coefficient 1, constant)
    rows: Vec<(String, BTreeMap<String, f64>, f64)>,
}

const EPS: f64 = 1e-9;

fn subtract(terms: &mut BTreeMap<String, f64>, factor: f64, row: &BTreeMap<String, f64>) {
    for (var, c) in row {
        *terms.entry(var.clone()).or_default() -= factor * c;
    }
    terms.retain(|_, c| c.abs() > EPS);
}

impl Solver {
    fn new(equations: Vec<(BTreeMap<String, f64>, f64)>) -> Self {
        let mut rows: Vec<(String, BTreeMap<String, f64>, f64)> = Vec::new();
        for (mut terms, mut constant) in equations {
            for (pivot, row, row_constant) in &rows {
                let factor = terms.get(pivot).copied().unwrap_or(0.0);
                if factor.abs() > EPS {
                    subtract(&mut terms, factor, row);
                    constant -= factor * row_constant;
                }
            }
            terms.retain(|_, c| c.abs() > EPS);
            let Some((pivot, lead)) = terms
                .iter()
                .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))
                .map(|(p, c)| (p.clone(), *c))
            else {
                continue;
            };
            for c in terms.values_mut() {
                *c /= lead;
            }
            constant /= lead;
            for (_, row, row_constant) in &mut rows {
                let factor = row.get(&pivot).copied().unwrap_or(0.0);
                if factor.abs() > EPS {
                    subtract(row, factor, &terms);
                    *row_constant -= factor * constant;
                }
            }
            rows.push((pivot, terms, constant));
        }
        Self { rows }
    }

    /// The value of a linear form of the unknowns if the system determines it.
    fn determined(&self, form: &BTreeMap<String, f64>) -> Option<f64> {
        let mut residual = form.clone();
        let mut value = 0.0;
        for (pivot, row, constant) in &self.rows {
            let factor = residual.get(pivot).copied().unwrap_or(0.0);
            if factor.abs() > EPS {
                subtract(&mut residual, factor, row);
                value += factor * constant;
            }
        }
        residual.values().all(|c| c.abs() < 1e-6).then_some(value)
    }

    /// Unknowns a row forces to zero: all its coefficients of one sign, constant zero
    /// (counts are never negative).
    fn zeros(&self) -> Vec<String> {
        self.rows
            .iter()
            .filter(|(_, row, constant)| {
                constant.abs() < 1e-6
                    && (row.values().all(|c| *c > 0.0) || row.values().all(|c| *c < 0.0))
            })
            .flat_map(|(_, row, _)| row.keys().cloned())
            .collect()
    }
}

/// Substitutes what is known into the equations over `vars` (each equation's keys are
/// mapped to (variable, weight) pairs by `expand`).
fn system(
    equations: &[Equation],
    expand: impl Fn(&str) -> Vec<(String, f64)>,
    known: &HashMap<String, f64>,
) -> Solver {
    let rows = equations
        .iter()
        .map(|(terms, constant)| {
            let mut row = BTreeMap::new();
            let mut constant = *constant;
            for (key, coefficient) in terms {
                for (var, weight) in expand(key) {
                    match known.get(&var) {
                        Some(v) => constant -= coefficient * weight * v,
                        None => *row.entry(var).or_default() += coefficient * weight,
                    }
                }
            }
            (row, constant)
        })
        .collect();
    Solver::new(rows)
}

fn is_count(key: &str) -> bool {
    !(key.ends_with("_MEAN") || key.ends_with("_MEDIAN") || key.ends_with("Minutes"))
}

fn cells(equations: &[Equation]) -> Vec<String> {
    let mut all: Vec<String> = equations
        .iter()
        .flat_map(|(t, _)| t.iter().map(|(k, _)| k.clone()))
        .collect();
    all.sort();
    all.dedup();
    all
}

/// Attacks one release; returns what leaked.
fn attack_one(shape: &Shape, figures: &HashMap<String, Option<f64>>) -> Vec<String> {
    let equations = structure(shape, figures);
    let known: HashMap<String, f64> = figures
        .iter()
        .filter_map(|(k, v)| Some((k.clone(), (*v)?)))
        .collect();
    let solver = system(&equations, |k| vec![(k.to_owned(), 1.0)], &known);
    let zeros = solver.zeros();
    let mut leaks = Vec::new();
    for (key, value) in &known {
        if is_count(key) && *value < K {
            leaks.push(format!("{key} is shown with {value} < k"));
        }
    }
    for cell in cells(&equations)
        .into_iter()
        .filter(|c| !known.contains_key(c))
    {
        let listed = figures.contains_key(&cell);
        let form = BTreeMap::from([(cell.clone(), 1.0)]);
        let found = solver
            .determined(&form)
            .or_else(|| zeros.contains(&cell).then_some(0.0));
        if let Some(value) = found
            && (listed || value < K)
        {
            leaks.push(format!("withheld {cell} = {value} can be worked out"));
        }
    }
    leaks
}

/// Attacks two consecutive releases: cells `old:` of the first, `new:` of the persons
/// added since (a count of the second is old + new).
fn attack_two(
    shape: &Shape,
    first: &HashMap<String, Option<f64>>,
    second: &HashMap<String, Option<f64>>,
) -> Vec<String> {
    let mut equations: Vec<Equation> = Vec::new();
    let old_eqs = structure(shape, first);
    let new_eqs = structure(shape, second);
    let prefix = |p: &str, eqs: &[Equation]| -> Vec<Equation> {
        eqs.iter()
            .map(|(t, c)| (t.iter().map(|(k, w)| (format!("{p}{k}"), *w)).collect(), *c))
            .collect()
    };
    equations.extend(prefix("old:", &old_eqs));
    equations.extend(prefix("both:", &new_eqs));
    let mut known: HashMap<String, f64> = HashMap::new();
    for (k, v) in first {
        if let Some(v) = v {
            known.insert(format!("old:{k}"), *v);
        }
    }
    let expand = |key: &str| -> Vec<(String, f64)> {
        match key.strip_prefix("both:") {
            Some(k) => vec![(format!("old:{k}"), 1.0), (format!("new:{k}"), 1.0)],
            None => vec![(key.to_owned(), 1.0)],
        }
    };
    // A shown figure of the second release: old + new = value.
    for (k, v) in second {
        if let Some(v) = v {
            equations.push((vec![(format!("both:{k}"), 1.0)], *v));
        }
    }
    let solver = system(&equations, expand, &known);
    let zeros = solver.zeros();
    let mut leaks = Vec::new();
    for cell in cells(&new_eqs) {
        let old = BTreeMap::from([(format!("old:{cell}"), 1.0)]);
        let new = BTreeMap::from([(format!("new:{cell}"), 1.0)]);
        let both = BTreeMap::from([(format!("old:{cell}"), 1.0), (format!("new:{cell}"), 1.0)]);
        let hidden_first = !known.contains_key(&format!("old:{cell}"));
        let hidden_second = second.get(&cell).is_none_or(|v| v.is_none());
        if hidden_first
            && first.contains_key(&cell)
            && let Some(v) = solver.determined(&old)
        {
            leaks.push(format!("withheld {cell} of the first release = {v}"));
        }
        if hidden_second
            && second.contains_key(&cell)
            && let Some(v) = solver.determined(&both)
        {
            leaks.push(format!("withheld {cell} of the second release = {v}"));
        }
        let added = solver
            .determined(&new)
            .or_else(|| zeros.contains(&format!("new:{cell}")).then_some(0.0));
        if let Some(v) = added
            && v > 0.5
            && v < K
            && is_count(&cell)
        {
            leaks.push(format!("{v} of the added persons are in {cell}"));
        }
    }
    leaks
}

/// A deterministic stream of choices.
struct Choices(u64);

impl Choices {
    fn pick<'a>(&mut self, options: &[&'a str]) -> &'a str {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        options[(self.0 >> 33) as usize % options.len()]
    }
}

/// A study with members from six organisations, a small SKR group and three experts,
/// the standard codebooks and two of its own (one with several values per person).
async fn varied_study<'a>(app: &'a TestApp, slug: &str) -> StudyBuilder<'a> {
    let mut study = StudyBuilder::create(app, slug).await;
    study.group("MEMBER", true).await;
    study.group("SKR", false).await;
    study.group("EXPERTS", false).await;
    for (r, kind, signatory) in [
        ("P1", "MUNICIPALITY", true),
        ("P2", "MUNICIPALITY", true),
        ("P3", "MUNICIPALITY", false),
        ("P4", "REGION", true),
        ("P5", "MUNICIPALITY", true),
        ("P6", "REGION", true),
    ] {
        study.participant(r, kind, signatory).await;
    }
    study
        .codebook(
            "ATTITUDE",
            "PERSON",
            false,
            &["POSITIVE", "NEGATIVE", "NEUTRAL"],
        )
        .await;
    study
        .codebook("TOPICS", "PERSON", true, &["A", "B", "C"])
        .await;
    study
}

async fn add_people(study: &mut StudyBuilder<'_>, seed: u64, count: usize) {
    let mut c = Choices(seed);
    let years: HashMap<&str, &str> = HashMap::from([
        ("P1", "2008"),
        ("P2", "2008"),
        ("P4", "2010"),
        ("P5", "2012"),
        ("P6", "2008"),
    ]);
    for n in 0..count {
        let group = c.pick(&["MEMBER", "MEMBER", "MEMBER", "SKR", "EXPERTS"]);
        let mut person = Person::new(
            group,
            if group == "MEMBER" {
                c.pick(&["POLITICIAN", "MANAGEMENT", "STRATEGIST"])
            } else {
                "OTHER"
            },
            c.pick(&["WOMAN", "WOMAN", "MAN", "NOT_RECORDED"]),
        );
        if group == "MEMBER" {
            let p = ["P1", "P2", "P3", "P4", "P5", "P6"][n % 6];
            person = person.of(p);
            if let Some(year) = years.get(p) {
                person = person.says("SIGNING_YEAR", year);
            }
        }
        let rating = c.pick(&["1", "2", "3", "3", "4", "5", ""]);
        if !rating.is_empty() {
            person = person.says("RATING", rating);
        }
        let attitude = c.pick(&["POSITIVE", "POSITIVE", "NEGATIVE", "NEUTRAL", ""]);
        if !attitude.is_empty() {
            person = person.says("ATTITUDE", attitude);
        }
        for topic in ["A", "B", "C"] {
            if c.pick(&["yes", "no"]) == "yes" {
                person = person.says("TOPICS", topic);
            }
        }
        study.interview(person).await;
    }
}

async fn no_withheld_count_of_a_release_can_be_worked_out(app: TestApp) {
    for (slug, seed, size) in [
        ("attack-a", 7, 24),
        ("attack-b", 11, 9),
        ("attack-c", 3, 40),
    ] {
        let mut study = varied_study(&app, slug).await;
        add_people(&mut study, seed, size).await;
        study.publish().await;
        let figures = study.public_figures(None).await;
        let shape = shape(&app, &study.id, &figures).await;
        let leaks = attack_one(&shape, &figures);
        assert!(leaks.is_empty(), "{slug}: {leaks:#?}");
        let shown = figures.values().filter(|v| v.is_some()).count();
        assert!(shown > 0 || size < 5, "{slug}: something is shown");
    }
}

async fn no_count_can_be_worked_out_from_two_consecutive_releases(app: TestApp) {
    let mut study = varied_study(&app, "attack-pairs").await;
    add_people(&mut study, 5, 30).await;
    study.publish().await;
    // One person, then six more, then ten: each release against the one before.
    let mut releases = vec![study.public_figures(Some(1)).await];
    for (seed, added) in [(13, 1), (17, 6), (19, 10)] {
        add_people(&mut study, seed, added).await;
        let number = study.publish().await["number"].as_i64().expect("number");
        releases.push(study.public_figures(Some(number)).await);
    }
    let last = releases.last().cloned().unwrap_or_default();
    let shape = shape(&app, &study.id, &last).await;
    for pair in releases.windows(2) {
        let leaks = attack_two(&shape, &pair[0], &pair[1]);
        assert!(leaks.is_empty(), "{leaks:#?}");
    }
    // The person added alone is told by nothing: the second release shows no figure
    // about interviewees that the first did not show identically.
    for (key, value) in &releases[1] {
        if value.is_some() && !key.starts_with("participants") && key != "organisations" {
            assert_eq!(releases[0].get(key), Some(value), "{key}");
        }
    }
}

async fn small_groups_stay_hidden_when_pooled_with_others(app: TestApp) {
    // The issue's case: four SKR answers hidden at base 4, then one member answers and
    // the base is 5 (A 3, B 1, C 1).
    let mut study = StudyBuilder::create(&app, "pooled").await;
    study.group("SKR", false).await;
    study.group("MEMBER", true).await;
    study
        .codebook("VIEW", "PERSON", false, &["A", "B", "C"])
        .await;
    for view in ["A", "A", "B", "A"] {
        study
            .interview(Person::new("SKR", "OTHER", "NOT_RECORDED").says("VIEW", view))
            .await;
    }
    for _ in 0..6 {
        study
            .interview(Person::new("MEMBER", "STRATEGIST", "WOMAN"))
            .await;
    }
    study.publish().await;
    let first = study.public_figures(Some(1)).await;
    study
        .interview(Person::new("MEMBER", "POLITICIAN", "MAN").says("VIEW", "C"))
        .await;
    for _ in 0..5 {
        study
            .interview(Person::new("MEMBER", "STRATEGIST", "WOMAN"))
            .await;
    }
    study.publish().await;
    let second = study.public_figures(Some(2)).await;
    for figures in [&first, &second] {
        for v in ["A", "B", "C"] {
            assert_eq!(figures[&format!("answers/VIEW/{v}")], None, "{v}");
        }
    }
    let shape = shape(&app, &study.id, &second).await;
    assert_eq!(attack_one(&shape, &first), Vec::<String>::new());
    assert_eq!(attack_one(&shape, &second), Vec::<String>::new());
    assert_eq!(attack_two(&shape, &first, &second), Vec::<String>::new());
}
