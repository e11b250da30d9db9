//! Action plan status of the signatories whose signature stands, every status listed
//! (zeros included) in the register's order.

use super::bars::{self, Row};
use super::{Chart, ChartKind, Table, demo_label, demo_note};
use crate::domain::register::ActionPlanStatus;
use crate::insights::data::Snapshot;
use crate::insights::i18n::Lang;
use crate::insights::markup::{demo_mark, open_svg};

const WIDTH: u32 = 760;

pub(super) fn chart(snapshot: &Snapshot, lang: Lang) -> Chart {
    let count = |status: ActionPlanStatus| {
        snapshot
            .statistics
            .action_plan_statuses
            .iter()
            .filter(|(s, _)| *s == status)
            .map(|(_, n)| n)
            .sum::<u64>()
    };
    let rows: Vec<Row> = ActionPlanStatus::ALL
        .iter()
        .map(|&status| Row {
            label: lang.plan_status(status).to_owned(),
            values: vec![count(status)],
            data: vec![
                ("status", status.as_str().to_owned()),
                ("count", count(status).to_string()),
            ],
        })
        .collect();
    let total: u64 = rows.iter().map(|r| r.values[0]).sum();
    let title = lang
        .pick("Handlingsplaner", "Action plan status")
        .to_owned();
    let mut description = match lang {
        Lang::Sv => format!(
            "Status för handlingsplanen hos {total} undertecknare vars undertecknande står fast: {}.",
            listing(&rows)
        ),
        Lang::En => format!(
            "Action plan status of {total} signatories whose signature stands: {}.",
            listing(&rows)
        ),
    };
    if snapshot.is_demo() {
        description.push_str(demo_note(lang));
    }
    let table = Table {
        header: vec![
            lang.pick("Status", "Status").to_owned(),
            lang.pick("Antal", "Count").to_owned(),
        ],
        rows: rows
            .iter()
            .map(|r| vec![r.label.clone(), r.values[0].to_string()])
            .collect(),
    };
    let mut body = String::new();
    let height = bars::horizontal(&mut body, WIDTH, 40.0, &rows, &[&title]);
    let id = ChartKind::ActionPlanStatus.slug();
    let mut svg = String::new();
    open_svg(&mut svg, id, (WIDTH, height), &title, &description, false);
    svg.push_str(&body);
    if snapshot.is_demo() {
        demo_mark(&mut svg, WIDTH, demo_label(lang));
    }
    svg.push_str("</svg>");
    Chart {
        kind: ChartKind::ActionPlanStatus,
        title,
        description,
        table,
        svg,
        demo: snapshot.is_demo(),
    }
}

fn listing(rows: &[Row]) -> String {
    rows.iter()
        .map(|r| format!("{} {}", r.label.to_lowercase(), r.values[0]))
        .collect::<Vec<_>>()
        .join(", ")
}
