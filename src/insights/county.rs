//! `GET /counties/{code}`: a county's organisations with their status, its signings per
//! year and its county board's strategy and support.

use super::charts::{self, ChartKind, Table};
use super::data::Snapshot;
use super::figure;
use super::i18n::Lang;
use super::layout::Frame;
use super::map::lang_query;
use super::markup::escape;
use super::support;
use crate::domain::organisation::OrganisationKind;
use crate::error::{AppError, AppResult};
use crate::rest::listing::all_pages;
use crate::services::geography;
use crate::services::organisations::{self, OrganisationFilter, OrganisationOrderField};
use crate::services::register::status;
use sea_orm::ConnectionTrait;
use std::collections::HashMap;
use std::fmt::Write;

/// The county page, or `NOT_FOUND` for a code that is no county.
pub async fn render(db: &impl ConnectionTrait, code: &str, lang: Lang) -> AppResult<String> {
    let county = geography::county(db, code.trim())
        .await?
        .ok_or_else(|| AppError::not_found(format!("no county with code {code:?}")))?;
    let filter = OrganisationFilter {
        county_codes: vec![county.code.clone()],
        ..OrganisationFilter::default()
    };
    let snapshot = Snapshot::load(db, &filter).await?;
    let listed =
        all_pages(|args| {
            let filter = filter.clone();
            async move {
                organisations::list(db, &filter, OrganisationOrderField::Name, false, &args).await
            }
        })
        .await?;
    let statuses: HashMap<i32, status::StatusRow> =
        status::statuses_of(db, listed.iter().map(|o| o.id).collect())
            .await?
            .into_iter()
            .map(|s| (s.organisation_id, s))
            .collect();
    let query = format!(
        "?county={}{}",
        county.code,
        match lang {
            Lang::Sv => "",
            Lang::En => "&lang=en",
        }
    );
    let mut main = format!(
        r#"<p class="crumbs"><a href="/{}">{}</a></p><h1>{}</h1>"#,
        lang_query(lang),
        lang.pick("Översikt", "Overview"),
        escape(&county.name),
    );
    let mut list = format!(
        r#"<section aria-labelledby="organisations"><h2 id="organisations">{}</h2><table><caption>{}</caption><thead><tr><th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th></tr></thead><tbody>"#,
        lang.pick("Organisationer i länet", "Organisations in the county"),
        escape(&county.name),
        lang.pick("Organisation", "Organisation"),
        lang.pick("Typ", "Kind"),
        lang.pick("Status", "Status"),
        lang.pick("Handlingsplan", "Action plan"),
    );
    for organisation in &listed {
        let row = statuses.get(&organisation.id);
        let kind = OrganisationKind::from_stored(&organisation.kind)
            .map_or(organisation.kind.as_str(), |k| lang.kind(k));
        let _ = write!(
            list,
            r#"<tr><th scope="row"><a href="/organisations/{}{}">{}</a></th><td>{}</td><td>{}</td><td>{}</td></tr>"#,
            escape(&organisation.code),
            lang_query(lang),
            escape(&organisation.name),
            escape(kind),
            row.map_or("–", |r| lang.status(r.signatory_status())),
            row.and_then(|r| r.action_plan_status())
                .map_or("–", |s| lang.plan_status(s)),
        );
    }
    list.push_str("</tbody></table></section>");
    main.push_str(&list);
    let _ = write!(
        main,
        r#"<section aria-labelledby="figures"><h2 id="figures">{}</h2>"#,
        lang.pick("Länet i siffror", "The county in figures"),
    );
    for kind in [ChartKind::SigningsPerYear, ChartKind::ActionPlanStatus] {
        main.push_str(&figure::render(
            &charts::draw(kind, &snapshot, lang),
            lang,
            &query,
        ));
    }
    main.push_str("</section>");
    let table: Table = support::table(db, lang, Some(&county.code)).await?;
    let _ = write!(
        main,
        r#"<section aria-labelledby="board"><h2 id="board">{}</h2>{}</section>"#,
        lang.pick("Länsstyrelsens stöd", "The county board's support"),
        figure::table(
            &table,
            lang.pick("Strategi och stöd", "Strategy and support")
        ),
    );
    Ok(Frame {
        lang,
        title: &county.name,
        path: &format!("/counties/{}", county.code),
        demo: snapshot.is_demo(),
    }
    .render(&main))
}
