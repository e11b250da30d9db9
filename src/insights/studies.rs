//! The published study releases: each public study's current release, with Table 1
//! (interviewees by respondent group, role and gender), the signing years and the
//! ratings. Read as an anonymous caller, so drafts and withdrawn releases never show,
//! and withheld cells say so instead of showing a number.

use super::charts::Table;
use super::figure;
use super::i18n::Lang;
use super::markup::escape;
use crate::auth::Caller;
use crate::error::AppResult;
use crate::services::studies::releases::figures::{DimensionFigures, Figure};
use crate::services::studies::{reads, releases};
use crate::services::writing::RequestContext;
use sea_orm::ConnectionTrait;
use std::fmt::Write;

/// The section with every public study.
pub async fn section(db: &impl ConnectionTrait, lang: Lang) -> AppResult<String> {
    let public = RequestContext::new(Caller::Anonymous, None);
    let mut out = format!(
        r#"<section aria-labelledby="studies"><h2 id="studies">{}</h2><p>{}</p>"#,
        lang.pick("Uppföljningsstudier", "Follow-up studies"),
        lang.pick(
            "Publicerade versioner av studiernas statistik. Celler med färre än k personer, och celler som skulle avslöja dem, är skyddade och visas inte.",
            "Published releases of the studies' statistics. Cells under k persons, and cells that would give them away, are protected and not shown.",
        ),
    );
    for study in reads::studies(db, &public).await? {
        let Some(release) = releases::current(db, study.id).await? else {
            continue;
        };
        let figures = releases::figures_of(&release)?;
        let _ = write!(
            out,
            r#"<article aria-labelledby="study-{id}"><h3 id="study-{id}">{}</h3><p>{} {} · {} {} · k = {}</p>"#,
            escape(&study.title),
            lang.pick("Version", "Release"),
            release.number,
            lang.pick("publicerad", "published"),
            release.published_at.format("%Y-%m-%d"),
            figures.min_group_size,
            id = study.id,
        );
        out.push_str(&figure::table(
            &interviewees(&figures.interviewees, lang),
            lang.pick(
                "Tabell 1. Intervjupersoner efter organisation, roll och kön",
                "Table 1. Interviewees by organisation, role and gender",
            ),
        ));
        for dimension in figures
            .dimensions
            .iter()
            .filter(|d| matches!(d.dimension.as_str(), "SIGNING_YEAR" | "RATING"))
        {
            out.push_str(&figure::table(
                &dimension_table(dimension, lang),
                match lang {
                    Lang::Sv => &dimension.label_sv,
                    Lang::En => &dimension.label_en,
                },
            ));
        }
        for note in &figures.notes {
            let _ = write!(out, "<p class=\"note\">{}</p>", escape(note));
        }
        out.push_str("</article>");
    }
    out.push_str("</section>");
    Ok(out)
}

/// A figure's cell text: the number, or that it is protected.
fn cell(figure: &Figure, lang: Lang) -> String {
    match figure.count() {
        Some(n) if !figure.suppressed => n.to_string(),
        _ => lang.pick("skyddad", "suppressed").to_owned(),
    }
}

fn interviewees(
    groups: &[crate::services::studies::releases::figures::GroupFigures],
    lang: Lang,
) -> Table {
    let mut columns: Vec<(String, String)> = Vec::new();
    for group in groups {
        for (role, gender, _) in &group.by_role_and_gender {
            if !columns.iter().any(|(r, g)| r == role && g == gender) {
                columns.push((role.clone(), gender.clone()));
            }
        }
    }
    let mut header = vec![lang.pick("Organisation", "Organisation").to_owned()];
    header.extend(columns.iter().map(|(r, g)| format!("{r} · {g}")));
    header.push(lang.pick("Totalt", "Total").to_owned());
    let rows = groups
        .iter()
        .map(|group| {
            let mut row = vec![group.label.clone()];
            row.extend(columns.iter().map(|(role, gender)| {
                group
                    .by_role_and_gender
                    .iter()
                    .find(|(r, g, _)| r == role && g == gender)
                    .map_or_else(|| "–".to_owned(), |(_, _, f)| cell(f, lang))
            }));
            row.push(cell(&group.total, lang));
            row
        })
        .collect();
    Table { header, rows }
}

fn dimension_table(dimension: &DimensionFigures, lang: Lang) -> Table {
    let mut rows: Vec<Vec<String>> = dimension
        .values
        .iter()
        .map(|v| {
            let label = match lang {
                Lang::Sv => &v.label_sv,
                Lang::En => &v.label_en,
            };
            vec![label.clone(), cell(&v.count, lang)]
        })
        .collect();
    for (name, figure) in [
        (lang.pick("Medelvärde", "Mean"), &dimension.mean),
        (lang.pick("Median", "Median"), &dimension.median),
    ] {
        if let Some(figure) = figure {
            let shown = match figure.value {
                Some(v) if !figure.suppressed => format!("{v:.1}"),
                _ => lang.pick("skyddad", "suppressed").to_owned(),
            };
            rows.push(vec![name.to_owned(), shown]);
        }
    }
    Table {
        header: vec![
            lang.pick("Svar", "Answer").to_owned(),
            lang.pick("Antal", "Count").to_owned(),
        ],
        rows,
    }
}
