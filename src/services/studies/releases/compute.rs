//! Computes a release: builds the tables, protects them against this release alone and
//! against every earlier release of the study, and shapes what may be shown.

use super::data::StudyRecords;
use super::figures::{
    DimensionFigures, Figure, FigureOrigin, GroupFigures, KindFigures, ReleaseFigures, ValueFigures,
};
use super::summaries;
use super::tables::{self, ORGANISATIONS, PERSONS};
use crate::domain::codebook::{CodebookLevel, numeric};
use crate::domain::register::DataOrigin;
use crate::domain::study::{InterviewRole, RecordedGender};
use crate::services::studies::disclosure::{Earlier, EarlierRelease, Node, protect_population};
use std::collections::{BTreeMap, HashMap};

/// The true counts behind a release and whether each was shown: kept (restricted) so
/// later releases can be protected against differencing with this one.
pub type Basis = BTreeMap<String, Earlier>;

/// A computed release: what it shows and what it was computed from.
pub struct Computed {
    pub figures: ReleaseFigures,
    pub basis: Basis,
}

/// Shapes counts of the tables and figures outside them into published figures, and
/// records each in the basis.
pub(super) struct Shaper<'a> {
    pub(super) nodes: HashMap<String, Node>,
    origin: FigureOrigin,
    pub(super) records: &'a StudyRecords,
    basis: Basis,
}

impl Shaper<'_> {
    pub(super) fn figure(
        &mut self,
        key: &str,
        value: Option<f64>,
        shown: bool,
        source: Option<String>,
    ) -> Figure {
        self.basis.insert(
            key.to_owned(),
            Earlier {
                value: value.map_or(0, |v| v.max(0.0) as u64),
                published: shown,
            },
        );
        Figure {
            key: key.to_owned(),
            value: value.filter(|_| shown),
            suppressed: !shown,
            origin: if source.is_some() {
                FigureOrigin::Sourced
            } else {
                self.origin
            },
            published_in: source,
        }
    }

    /// A count of the tables.
    fn count(&mut self, key: &str) -> Figure {
        let node = self.nodes.get(key).cloned();
        match node {
            Some(n) => self.figure(key, Some(n.value as f64), n.published, n.source),
            None => self.figure(key, None, false, None),
        }
    }

    /// A figure outside the tables: shown when `shown` or when the source printed it.
    pub(super) fn scalar(&mut self, key: &str, value: Option<f64>, shown: bool) -> Figure {
        let source = self
            .records
            .source
            .get(key)
            .filter(|(printed, _)| printed.parse::<f64>().ok() == value)
            .map(|(_, citation)| citation.clone());
        let shown = value.is_some() && (shown || source.is_some());
        self.figure(key, value, shown, source)
    }
}

/// Whether a figure outside the tables may be shown against every earlier release: it
/// changed by nothing or by at least k.
fn steady(earlier: &[EarlierRelease], key: &str, value: u64, k: u64) -> bool {
    earlier.iter().all(|e| {
        e.get(key).is_none_or(|old| {
            !old.published || value == old.value || value.abs_diff(old.value) >= k
        })
    })
}

/// Computes the release of a study's records with minimum group size `k`.
pub fn compute(records: &StudyRecords, earlier: &[EarlierRelease], k: u64) -> Computed {
    let mut built = tables::build(records);
    let persons_shown = protect_population(&mut built.persons, earlier, k);
    let organisations_shown = protect_population(&mut built.organisations, earlier, k);
    let mut notes = Vec::new();
    if !persons_shown {
        notes.push(format!(
            "Figures about interviewees are withheld: fewer than {k} interviewees in all, or fewer than {k} added since an earlier release."
        ));
    }
    if !organisations_shown {
        notes.push(format!(
            "Figures about organisations are withheld: fewer than {k} organisations in all, or fewer than {k} added since an earlier release."
        ));
    }
    let records_origin = if !records.interviews.is_empty()
        && records
            .interviews
            .iter()
            .all(|i| i.data_origin == DataOrigin::Reconstructed.as_str())
    {
        Some(DataOrigin::Reconstructed)
    } else {
        Some(DataOrigin::Reported)
    };
    let nodes = built
        .persons
        .iter()
        .chain(built.organisations.iter())
        .flat_map(|t| t.nodes.iter().cloned())
        .map(|n| (n.key.clone(), n))
        .collect();
    // Every count of the tables goes into the basis, withheld ones too (not only those
    // that are figures), so a later release is audited against exactly this one.
    let basis: Basis = built
        .persons
        .iter()
        .chain(built.organisations.iter())
        .flat_map(|t| t.nodes.iter())
        .map(|n| {
            (
                n.key.clone(),
                Earlier {
                    value: n.value,
                    published: n.published,
                },
            )
        })
        .collect();
    let mut s = Shaper {
        nodes,
        origin: FigureOrigin::of_records(records_origin),
        records,
        basis,
    };

    let interviews = s.count(PERSONS);
    let organisations = s.count(ORGANISATIONS);
    let mut sessions: HashMap<&str, u64> = HashMap::new();
    for i in &records.interviews {
        *sessions.entry(i.session.as_str()).or_default() += 1;
    }
    let session_count = sessions.len() as u64;
    let group_count = sessions.values().filter(|n| **n > 1).count() as u64;
    let sessions_figure = s.scalar(
        "sessions",
        Some(session_count as f64),
        persons_shown && session_count >= k && steady(earlier, "sessions", session_count, k),
    );
    let groups_figure = s.scalar(
        "groupInterviews",
        Some(group_count as f64),
        persons_shown && group_count >= k && steady(earlier, "groupInterviews", group_count, k),
    );
    let digital = s.count("digital/YES");
    let minutes = records
        .interviews
        .iter()
        .map(|i| f64::from(i.duration_minutes));
    let shortest = s.scalar(
        "shortestMinutes",
        minutes.clone().reduce(f64::min),
        persons_shown,
    );
    let longest = s.scalar("longestMinutes", minutes.reduce(f64::max), persons_shown);

    let mut interviewees = Vec::new();
    for group in &records.groups {
        let key = format!("interviewees/{}", group.code);
        let total = s.count(&key);
        let mut by_role = Vec::new();
        let mut by_role_and_gender = Vec::new();
        for role in InterviewRole::ALL {
            let role_key = format!("{key}/{}", role.as_str());
            by_role.push((role.as_str().to_owned(), s.count(&role_key)));
            for gender in RecordedGender::ALL {
                let cell = s.count(&format!("{role_key}/{}", gender.as_str()));
                by_role_and_gender.push((
                    role.as_str().to_owned(),
                    gender.as_str().to_owned(),
                    cell,
                ));
            }
        }
        interviewees.push(GroupFigures {
            code: group.code.clone(),
            label: group.label.clone(),
            total,
            by_role,
            by_role_and_gender,
        });
    }

    let mut kinds: Vec<String> = s
        .nodes
        .keys()
        .filter_map(|k| k.strip_prefix("participants/"))
        .filter(|rest| !rest.contains('/'))
        .map(str::to_owned)
        .collect();
    kinds.sort_by_key(|k| (!["MUNICIPALITY", "REGION"].contains(&k.as_str()), k.clone()));
    let participants = kinds
        .into_iter()
        .map(|kind| KindFigures {
            total: s.count(&format!("participants/{kind}")),
            signatories: s.count(&format!("participants/{kind}/SIGNATORY")),
            non_signatories: s.count(&format!("participants/{kind}/NOT_SIGNATORY")),
            kind,
        })
        .collect();

    let mut dimensions = Vec::new();
    for codebook in &records.codebooks {
        let d = codebook.book.dimension.clone();
        let answered = s.count(&format!("answers/{d}/_ANSWERED"));
        let not_answered = s.count(&format!("answers/{d}/_NOT_ANSWERED"));
        let values: Vec<ValueFigures> = codebook
            .codes
            .iter()
            .map(|c| ValueFigures {
                value: c.value.clone(),
                label_sv: c.label_sv.clone(),
                label_en: c.label_en.clone(),
                count: s.count(&format!("answers/{d}/{}", c.value)),
            })
            .collect();
        let (mean, median) = if numeric(&d) && !codebook.book.multiple {
            let (mean, median) = summaries::summary(&mut s, &d, &values, &answered, earlier, k);
            (Some(mean), Some(median))
        } else {
            (None, None)
        };
        dimensions.push(DimensionFigures {
            level: CodebookLevel::from_stored(&codebook.book.level)
                .unwrap_or(CodebookLevel::Person)
                .as_str()
                .to_owned(),
            multiple: codebook.book.multiple,
            label_sv: codebook.book.label_sv.clone(),
            label_en: codebook.book.label_en.clone(),
            dimension: d,
            answered,
            not_answered,
            values,
            mean,
            median,
        });
    }

    let programmes = summaries::programme_figures(&mut s);
    let basis = s.basis;
    Computed {
        figures: ReleaseFigures {
            min_group_size: k,
            interviews,
            organisations,
            sessions: sessions_figure,
            group_interviews: groups_figure,
            digital_interviews: digital,
            shortest_minutes: shortest,
            longest_minutes: longest,
            interviewees,
            participants,
            dimensions,
            programmes,
            notes,
        },
        basis,
    }
}
