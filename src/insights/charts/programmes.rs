//! Programme participation: per support programme, the organisations that took part and
//! the current signatures whose signing fell within the programme's years.

use super::bars::{self, Row};
use super::{Chart, ChartKind, Table, demo_label, demo_note};
use crate::insights::data::Snapshot;
use crate::insights::i18n::Lang;
use crate::insights::markup::{demo_mark, open_svg};

const WIDTH: u32 = 760;

pub(super) fn chart(snapshot: &Snapshot, lang: Lang) -> Chart {
    let within = |code: &str| {
        snapshot
            .statistics
            .signings_within_programmes
            .iter()
            .find(|(p, _)| p.code == code)
            .map_or(0, |(_, n)| *n)
    };
    let rows: Vec<Row> = snapshot
        .programmes
        .iter()
        .zip(&snapshot.participants)
        .map(|(p, &took_part)| {
            let name = match lang {
                Lang::Sv => p.name_sv.clone(),
                Lang::En => p.name_en.clone(),
            };
            let signed = within(&p.code);
            Row {
                label: name,
                values: vec![took_part, signed],
                data: vec![
                    ("programme", p.code.clone()),
                    ("participants", took_part.to_string()),
                    ("signings", signed.to_string()),
                ],
            }
        })
        .collect();
    let series = [
        lang.pick("Deltog", "Took part"),
        lang.pick("Undertecknade under programåren", "Signed during its years"),
    ];
    let title = lang
        .pick("Deltagande i stödprogram", "Programme participation")
        .to_owned();
    let mut description = lang
        .pick(
            "Per stödprogram: organisationer som deltog och gällande undertecknanden under programmets år. ",
            "Per support programme: organisations that took part and current signatures made during its years. ",
        )
        .to_owned();
    description.push_str(
        &rows
            .iter()
            .map(|r| format!("{}: {}, {}", r.label, r.values[0], r.values[1]))
            .collect::<Vec<_>>()
            .join("; "),
    );
    description.push('.');
    if snapshot.is_demo() {
        description.push_str(demo_note(lang));
    }
    let table = Table {
        header: vec![
            lang.pick("Program", "Programme").to_owned(),
            series[0].to_owned(),
            series[1].to_owned(),
        ],
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    r.label.clone(),
                    r.values[0].to_string(),
                    r.values[1].to_string(),
                ]
            })
            .collect(),
    };
    let mut body = String::new();
    let height = bars::horizontal(&mut body, WIDTH, 40.0, &rows, &series);
    let id = ChartKind::ProgrammeParticipation.slug();
    let mut svg = String::new();
    open_svg(&mut svg, id, (WIDTH, height), &title, &description, false);
    svg.push_str(&body);
    if snapshot.is_demo() {
        demo_mark(&mut svg, WIDTH, demo_label(lang));
    }
    svg.push_str("</svg>");
    Chart {
        kind: ChartKind::ProgrammeParticipation,
        title,
        description,
        table,
        svg,
        demo: snapshot.is_demo(),
    }
}
