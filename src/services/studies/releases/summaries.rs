//! Figures beyond plain counts: the mean and median of a numeric scale, and the
//! organisations whose signing year lies within each support programme's years.

use super::compute::Shaper;
use super::figures::{Figure, ProgrammeFigures, ValueFigures};
use super::tables;
use crate::services::studies::disclosure::means::{self, Scaled};
use crate::services::studies::disclosure::{Earlier, EarlierRelease, Node};
use std::collections::HashSet;

/// Mean and median of a numeric scale, shown only when they hold (see `means`).
pub(super) fn summary(
    s: &mut Shaper<'_>,
    d: &str,
    values: &[ValueFigures],
    answered: &Figure,
    earlier: &[EarlierRelease],
    k: u64,
) -> (Figure, Figure) {
    let floors: Vec<u64> = values
        .iter()
        .map(|v| {
            earlier
                .iter()
                .filter_map(|e| e.get(&v.count.key).filter(|o| o.published).map(|o| o.value))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let cells: Vec<Scaled> = values
        .iter()
        .zip(&floors)
        .filter_map(|(v, floor)| {
            Some(Scaled {
                value: v.value.parse().ok()?,
                count: s.nodes.get(&v.count.key).map_or(0, |n| n.value),
                published: !v.count.suppressed,
                floor: *floor,
            })
        })
        .collect();
    let mean_key = format!("answers/{d}/_MEAN");
    let changes_hold = earlier.iter().all(|e| {
        if !e.get(&mean_key).is_some_and(|m| m.published) {
            return true;
        }
        let old: Vec<Scaled> = values
            .iter()
            .zip(&cells)
            .map(|(v, new)| {
                let o = e.get(&v.count.key).copied().unwrap_or(Earlier {
                    value: 0,
                    published: true,
                });
                Scaled {
                    value: new.value,
                    count: o.value,
                    published: o.published,
                    floor: 0,
                }
            })
            .collect();
        means::change_holds(&old, &cells, k)
    });
    let shown = !answered.suppressed && means::summary_holds(&cells) && changes_hold;
    let mean = s.scalar(&mean_key, means::mean(&cells), shown);
    let median = s.scalar(
        &format!("answers/{d}/_MEDIAN"),
        means::median(&cells),
        shown,
    );
    (mean, median)
}

/// Organisations whose signing year lies within each programme's years: the period of
/// the signing-year table that is exactly the programme's years, or the sum of years
/// that are all shown.
pub(super) fn programme_figures(s: &mut Shaper<'_>) -> Vec<ProgrammeFigures> {
    let signing = crate::domain::study::AnswerDimension::SigningYear.as_str();
    let Some(codebook) = s
        .records
        .codebooks
        .iter()
        .find(|c| c.book.dimension == signing)
    else {
        return Vec::new();
    };
    let periods = tables::periods(s.records, codebook);
    let years: HashSet<i32> = codebook
        .codes
        .iter()
        .filter_map(|c| c.value.parse().ok())
        .collect();
    let mut result = Vec::new();
    for programme in s.records.programmes.clone() {
        let within: Vec<i32> = years
            .iter()
            .copied()
            .filter(|y| *y >= programme.start_year && programme.end_year.is_none_or(|e| *y <= e))
            .collect();
        let (Some(first), Some(last)) = (within.iter().min(), within.iter().max()) else {
            continue;
        };
        let key = format!("programmes/{}", programme.code);
        let period_key = format!("answers/{signing}/_PERIOD/{first}-{last}");
        let figure = if periods.iter().any(|(a, b, _)| a == first && b == last) {
            let node = s.nodes.get(&period_key).cloned();
            match node {
                Some(n) => s.figure(&key, Some(n.value as f64), n.published, n.source),
                None => s.figure(&key, None, false, None),
            }
        } else {
            let parts: Vec<Option<Node>> = within
                .iter()
                .map(|y| s.nodes.get(&format!("answers/{signing}/{y}")).cloned())
                .collect();
            let total: u64 = parts.iter().flatten().map(|n| n.value).sum();
            let shown = parts
                .iter()
                .all(|n| n.as_ref().is_some_and(|n| n.published));
            s.figure(&key, Some(total as f64), shown, None)
        };
        result.push(ProgrammeFigures {
            code: programme.code.clone(),
            organisations: figure,
        });
    }
    result
}
