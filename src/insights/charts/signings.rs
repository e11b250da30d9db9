//! Signings per year, the report's Figure 1, with each support programme's years shaded
//! (the programme years 2008–2013, Modellkonceptet from 2015), as the programmes are
//! recorded in the register.

use super::bars::{self, Band, Bar};
use super::{Chart, ChartKind, Table, demo_label, demo_note};
use crate::insights::data::Snapshot;
use crate::insights::i18n::Lang;
use crate::insights::markup::{demo_mark, open_svg};
use entity::support_programme;

const SIZE: (u32, u32) = (760, 320);

/// A programme's years as shown: a running programme up to the last year drawn.
pub fn programme_years(programme: &support_programme::Model, last_shown: i32) -> (i32, i32) {
    (
        programme.start_year,
        programme
            .end_year
            .unwrap_or(last_shown.max(programme.start_year)),
    )
}

pub(super) fn chart(snapshot: &Snapshot, lang: Lang) -> Chart {
    let known: Vec<(i32, u64)> = snapshot
        .statistics
        .signings_per_year
        .iter()
        .filter_map(|(year, n)| year.map(|y| (y, *n)))
        .collect();
    let unknown: u64 = snapshot
        .statistics
        .signings_per_year
        .iter()
        .filter(|(year, _)| year.is_none())
        .map(|(_, n)| n)
        .sum();
    // Every year from the first signing to the last, so empty years show as gaps.
    let years: Vec<i32> = match (known.first(), known.last()) {
        (Some((first, _)), Some((last, _))) => (*first..=*last).collect(),
        _ => Vec::new(),
    };
    let count_in = |year: i32| {
        known
            .iter()
            .find(|(y, _)| *y == year)
            .map_or(0, |(_, n)| *n)
    };
    let bars: Vec<Bar> = years
        .iter()
        .map(|&year| Bar {
            label: year.to_string(),
            value: count_in(year),
            data: vec![
                ("year", year.to_string()),
                ("count", count_in(year).to_string()),
            ],
        })
        .collect();
    let bands: Vec<Band> = match (years.first(), years.last()) {
        (Some(&first), Some(&last)) => snapshot
            .programmes
            .iter()
            .filter_map(|p| {
                let (from, to) = programme_years(p, last);
                let (from, to) = (from.max(first), to.min(last));
                (from <= to).then(|| Band {
                    first: (from - first) as usize,
                    last: (to - first) as usize,
                    label: programme_label(p, lang, last),
                })
            })
            .collect(),
        _ => Vec::new(),
    };
    let total: u64 = known.iter().map(|(_, n)| n).sum::<u64>() + unknown;
    let peak = known.iter().max_by_key(|(y, n)| (*n, -*y));
    let title = lang
        .pick("Undertecknanden per år", "Signings per year")
        .to_owned();
    let mut description = match (lang, peak) {
        (_, None) => lang
            .pick(
                "Inga undertecknanden med känt år i urvalet.",
                "No signings of known year in the selection.",
            )
            .to_owned(),
        (Lang::Sv, Some((year, n))) => format!(
            "{total} gällande undertecknanden efter år; flest {year} ({n}). Skuggade perioder: stödprogrammens år."
        ),
        (Lang::En, Some((year, n))) => format!(
            "{total} current signatures by signing year; most in {year} ({n}). Shaded: the support programmes' years."
        ),
    };
    if unknown > 0 {
        description.push_str(&match lang {
            Lang::Sv => format!(" {unknown} med okänt år visas inte i diagrammet."),
            Lang::En => format!(" {unknown} of unknown year are not drawn."),
        });
    }
    if snapshot.is_demo() {
        description.push_str(demo_note(lang));
    }
    let mut rows: Vec<Vec<String>> = years
        .iter()
        .map(|&y| vec![y.to_string(), count_in(y).to_string()])
        .collect();
    if unknown > 0 {
        rows.push(vec![
            lang.pick("okänt år", "unknown year").to_owned(),
            unknown.to_string(),
        ]);
    }
    let table = Table {
        header: vec![
            lang.pick("År", "Year").to_owned(),
            lang.pick("Undertecknanden", "Signings").to_owned(),
        ],
        rows,
    };
    let id = ChartKind::SigningsPerYear.slug();
    let mut svg = String::new();
    open_svg(&mut svg, id, SIZE, &title, &description, false);
    bars::vertical(&mut svg, SIZE, &bars, &bands);
    if snapshot.is_demo() {
        demo_mark(&mut svg, SIZE.0, demo_label(lang));
    }
    svg.push_str("</svg>");
    Chart {
        kind: ChartKind::SigningsPerYear,
        title,
        description,
        table,
        svg,
        demo: snapshot.is_demo(),
    }
}

fn programme_label(programme: &support_programme::Model, lang: Lang, last: i32) -> String {
    let name = match lang {
        Lang::Sv => &programme.name_sv,
        Lang::En => &programme.name_en,
    };
    match programme.end_year {
        Some(end) => format!("{name} {}–{end}", programme.start_year),
        None if last >= programme.start_year => {
            format!(
                "{name} {}{}",
                lang.pick("från ", "from "),
                programme.start_year
            )
        }
        None => name.clone(),
    }
}
