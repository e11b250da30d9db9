//! The tables of a release, built from a study's records: one tree of counts per
//! breakdown, over the interviewees (persons) or the participating organisations.
//!
//! Figure keys name every count: `interviews`, `interviewees/MEMBER/STRATEGIST/WOMAN`,
//! `answers/RATING/4`, `answers/RATING/_ANSWERED`, `answers/MOTIVE/STANCE/_NOT`,
//! `organisations`, `participants/REGION/SIGNATORY`, `answers/SIGNING_YEAR/_PERIOD/2008-2013`.
//! Coded dimensions list every codebook value; answers outside the codebook (recorded
//! before codebooks existed) count as not answered.

use super::data::{Codebook, StudyRecords};
use crate::domain::codebook::CodebookLevel;
use crate::domain::study::{AnswerDimension, InterviewRole, RecordedGender};
use crate::services::studies::disclosure::Table;
use std::collections::{BTreeMap, HashMap, HashSet};

/// The root key of the persons' tables.
pub const PERSONS: &str = "interviews";
/// The root key of the organisations' tables.
pub const ORGANISATIONS: &str = "organisations";

/// The tables of one release, by population.
pub struct Tables {
    pub persons: Vec<Table>,
    pub organisations: Vec<Table>,
}

/// The values an interview gave in a codebook, in codebook order.
fn values_of<'a>(
    records: &'a StudyRecords,
    interview: i32,
    codebook: &'a Codebook,
) -> Vec<&'a str> {
    let given: HashSet<&str> = records
        .answers
        .get(&interview)
        .into_iter()
        .flatten()
        .filter(|a| a.dimension == codebook.book.dimension)
        .map(|a| a.value.as_str())
        .collect();
    codebook
        .codes
        .iter()
        .map(|c| c.value.as_str())
        .filter(|v| given.contains(v))
        .collect()
}

/// The value each organisation gives in an organisation-level codebook: what its
/// interviewees said (they agree; should older records disagree, the most frequent
/// value counts, ties going to the earlier code).
pub fn organisation_values<'a>(
    records: &'a StudyRecords,
    codebook: &'a Codebook,
) -> HashMap<i32, &'a str> {
    let mut tallies: HashMap<i32, BTreeMap<usize, usize>> = HashMap::new();
    for interview in &records.interviews {
        let Some(participant) = interview.participant_id else {
            continue;
        };
        for value in values_of(records, interview.id, codebook) {
            if let Some(position) = codebook.codes.iter().position(|c| c.value == value) {
                *tallies
                    .entry(participant)
                    .or_default()
                    .entry(position)
                    .or_default() += 1;
            }
        }
    }
    tallies
        .into_iter()
        .filter_map(|(participant, tally)| {
            let best = tally
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))?
                .0;
            Some((participant, codebook.codes[*best].value.as_str()))
        })
        .collect()
}

fn interviewees(records: &StudyRecords) -> Table {
    let mut t = Table::new(PERSONS, records.interviews.len() as u64);
    for group in &records.groups {
        let mine: Vec<_> = records
            .interviews
            .iter()
            .filter(|i| i.respondent_group_id == group.id)
            .collect();
        let g = t.add(0, format!("interviewees/{}", group.code), mine.len() as u64);
        for role in InterviewRole::ALL {
            let in_role: Vec<_> = mine.iter().filter(|i| i.role == role.as_str()).collect();
            let key = format!("interviewees/{}/{}", group.code, role.as_str());
            let r = t.add(g, key.clone(), in_role.len() as u64);
            for gender in RecordedGender::ALL {
                let n = in_role
                    .iter()
                    .filter(|i| i.gender == gender.as_str())
                    .count();
                t.add(r, format!("{key}/{}", gender.as_str()), n as u64);
            }
        }
    }
    t
}

fn digital(records: &StudyRecords) -> Table {
    let n = records.interviews.len() as u64;
    let yes = records.interviews.iter().filter(|i| i.digital).count() as u64;
    let mut t = Table::new(PERSONS, n);
    t.add(0, "digital/YES", yes);
    t.add(0, "digital/NO", n - yes);
    t
}

fn person_dimension(records: &StudyRecords, codebook: &Codebook) -> Vec<Table> {
    let d = &codebook.book.dimension;
    let n = records.interviews.len() as u64;
    let given: Vec<Vec<&str>> = records
        .interviews
        .iter()
        .map(|i| values_of(records, i.id, codebook))
        .collect();
    let answered = given.iter().filter(|v| !v.is_empty()).count() as u64;
    let mut base = Table::new(PERSONS, n);
    let a = base.add(0, format!("answers/{d}/_ANSWERED"), answered);
    if !codebook.book.multiple {
        for code in &codebook.codes {
            let count = given
                .iter()
                .filter(|v| v.first() == Some(&code.value.as_str()))
                .count();
            base.add(a, format!("answers/{d}/{}", code.value), count as u64);
        }
    }
    base.add(0, format!("answers/{d}/_NOT_ANSWERED"), n - answered);
    let mut tables = vec![base];
    if codebook.book.multiple {
        // Each value splits everyone into those who mentioned it and those who did not.
        for code in &codebook.codes {
            let count = given
                .iter()
                .filter(|v| v.contains(&code.value.as_str()))
                .count() as u64;
            let mut t = Table::new(PERSONS, n);
            t.add(0, format!("answers/{d}/{}", code.value), count);
            t.add(0, format!("answers/{d}/{}/_NOT", code.value), n - count);
            tables.push(t);
        }
    }
    tables
}

fn participants(records: &StudyRecords) -> Table {
    let mut kinds: Vec<String> = vec!["MUNICIPALITY".into(), "REGION".into()];
    let mut others: Vec<String> = records
        .participants
        .iter()
        .map(|p| p.kind.clone())
        .filter(|k| !kinds.contains(k))
        .collect();
    others.sort();
    others.dedup();
    kinds.extend(others);
    let mut t = Table::new(ORGANISATIONS, records.participants.len() as u64);
    for kind in kinds {
        let mine: Vec<_> = records
            .participants
            .iter()
            .filter(|p| p.kind == kind)
            .collect();
        let k = t.add(0, format!("participants/{kind}"), mine.len() as u64);
        let signatories = mine.iter().filter(|p| p.signatory_at_study).count() as u64;
        t.add(k, format!("participants/{kind}/SIGNATORY"), signatories);
        t.add(
            k,
            format!("participants/{kind}/NOT_SIGNATORY"),
            mine.len() as u64 - signatories,
        );
    }
    t
}

/// Consecutive codebook years grouped by the support programme whose years hold them
/// (years outside every programme form groups of their own).
pub fn periods(records: &StudyRecords, codebook: &Codebook) -> Vec<(i32, i32, Vec<usize>)> {
    let mut periods: Vec<(i32, i32, Vec<usize>, Option<String>)> = Vec::new();
    for (i, code) in codebook.codes.iter().enumerate() {
        let Ok(year) = code.value.parse::<i32>() else {
            continue;
        };
        let programme = records
            .programmes
            .iter()
            .find(|p| year >= p.start_year && p.end_year.is_none_or(|e| year <= e))
            .map(|p| p.code.clone());
        match periods.last_mut() {
            Some(last) if last.3 == programme && last.1 + 1 == year => {
                last.1 = year;
                last.2.push(i);
            }
            _ => periods.push((year, year, vec![i], programme)),
        }
    }
    periods
        .into_iter()
        .map(|(a, b, codes, _)| (a, b, codes))
        .collect()
}

fn organisation_dimension(records: &StudyRecords, codebook: &Codebook) -> Table {
    let d = &codebook.book.dimension;
    let values = organisation_values(records, codebook);
    let p = records.participants.len() as u64;
    let answered = records
        .participants
        .iter()
        .filter(|x| values.contains_key(&x.id))
        .count() as u64;
    let count = |value: &str| {
        records
            .participants
            .iter()
            .filter(|x| values.get(&x.id) == Some(&value))
            .count() as u64
    };
    let mut t = Table::new(ORGANISATIONS, p);
    let a = t.add(0, format!("answers/{d}/_ANSWERED"), answered);
    if d == AnswerDimension::SigningYear.as_str() {
        for (first, last, codes) in periods(records, codebook) {
            let total = codes.iter().map(|c| count(&codebook.codes[*c].value)).sum();
            let period = t.add(a, format!("answers/{d}/_PERIOD/{first}-{last}"), total);
            for c in codes {
                let value = &codebook.codes[c].value;
                t.add(period, format!("answers/{d}/{value}"), count(value));
            }
        }
    } else {
        for code in &codebook.codes {
            t.add(a, format!("answers/{d}/{}", code.value), count(&code.value));
        }
    }
    t.add(0, format!("answers/{d}/_NOT_ANSWERED"), p - answered);
    t
}

/// Builds every table of a release, marking the counts the study's own report printed.
pub fn build(records: &StudyRecords) -> Tables {
    let mut persons = vec![interviewees(records), digital(records)];
    let mut organisations = vec![participants(records)];
    for codebook in &records.codebooks {
        match CodebookLevel::from_stored(&codebook.book.level) {
            Some(CodebookLevel::Organisation) => {
                organisations.push(organisation_dimension(records, codebook));
            }
            _ => persons.extend(person_dimension(records, codebook)),
        }
    }
    for table in persons.iter_mut().chain(organisations.iter_mut()) {
        for node in &mut table.nodes {
            if let Some((value, citation)) = records.source.get(&node.key)
                && value.parse::<u64>().ok() == Some(node.value)
            {
                node.source = Some(citation.clone());
            }
        }
    }
    Tables {
        persons,
        organisations,
    }
}
