//! County board support: per county, its board's equality strategy and the organisations
//! the board supported.

use super::charts::Table;
use super::figure;
use super::i18n::Lang;
use crate::error::AppResult;
use crate::services::geography;
use crate::services::register::support;
use sea_orm::ConnectionTrait;
use std::collections::BTreeSet;

/// The table of every county board's strategy and support, one row per county.
pub async fn table(
    db: &impl ConnectionTrait,
    lang: Lang,
    county: Option<&str>,
) -> AppResult<Table> {
    let counties: Vec<_> = geography::counties(db)
        .await?
        .into_iter()
        .filter(|c| county.is_none_or(|code| c.code == code))
        .collect();
    let boards =
        geography::county_boards_by_county(db, counties.iter().map(|c| c.code.clone()).collect())
            .await?;
    let ids: Vec<i32> = boards.iter().map(|b| b.id).collect();
    let strategies = support::strategies_of(db, ids.clone(), None).await?;
    let supports = support::support_by_boards(db, ids, None).await?;
    let rows = counties
        .iter()
        .filter_map(|county| {
            let board = boards.iter().find(|b| b.county_code == county.code)?;
            let strategy = strategies
                .iter()
                .filter(|s| s.county_board_id == board.id)
                .max_by_key(|s| s.period_end_year)
                .map_or_else(
                    || "–".to_owned(),
                    |s| {
                        format!(
                            "{} ({}–{})",
                            s.title, s.period_start_year, s.period_end_year
                        )
                    },
                );
            let given: Vec<_> = supports
                .iter()
                .filter(|s| s.county_board_id == board.id)
                .collect();
            let organisations: BTreeSet<i32> = given.iter().map(|s| s.organisation_id).collect();
            let latest = given
                .iter()
                .map(|s| s.year)
                .max()
                .map_or_else(|| "–".to_owned(), |y| y.to_string());
            Some(vec![
                board.name.clone(),
                strategy,
                organisations.len().to_string(),
                latest,
            ])
        })
        .collect();
    Ok(Table {
        header: vec![
            lang.pick("Länsstyrelse", "County board").to_owned(),
            lang.pick("Jämställdhetsstrategi", "Equality strategy")
                .to_owned(),
            lang.pick("Organisationer med stöd", "Organisations supported")
                .to_owned(),
            lang.pick("Senaste år med stöd", "Latest year of support")
                .to_owned(),
        ],
        rows,
    })
}

/// The front page's section.
pub async fn section(db: &impl ConnectionTrait, lang: Lang) -> AppResult<String> {
    let table = table(db, lang, None).await?;
    Ok(format!(
        r#"<section aria-labelledby="support"><h2 id="support">{}</h2><p>{}</p>{}</section>"#,
        lang.pick("Länsstyrelsernas stöd", "County board support"),
        lang.pick(
            "Länsstyrelserna har regeringens uppdrag att stödja jämställdhetsarbetet i länet, var och en med en egen strategi.",
            "The county boards are tasked by the government with supporting equality work in their county, each with a strategy of its own.",
        ),
        figure::table(&table, lang.pick("Strategi och stöd per länsstyrelse", "Strategy and support by county board")),
    ))
}
