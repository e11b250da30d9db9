//! `GET /organisations/{code}`: one organisation's signature with its source and data
//! origin, its action plans and follow-ups, programmes and county board support.

use super::i18n::Lang;
use super::layout::Frame;
use super::map::lang_query;
use super::markup::escape;
use crate::domain::organisation::OrganisationKind;
use crate::domain::register::DataOrigin;
use crate::error::{AppError, AppResult};
use crate::services::organisations;
use crate::services::register::{action_plans, signatures, status, support};
use sea_orm::ConnectionTrait;
use std::fmt::Write;

/// The organisation page, or `NOT_FOUND` for an unknown code.
pub async fn render(db: &impl ConnectionTrait, code: &str, lang: Lang) -> AppResult<String> {
    let organisation = organisations::by_code(db, code)
        .await?
        .ok_or_else(|| AppError::not_found(format!("no organisation with code {code:?}")))?;
    let ids = vec![organisation.id];
    let status = status::statuses_of(db, ids.clone())
        .await?
        .into_iter()
        .next();
    let signature = signatures::current_of(db, ids.clone())
        .await?
        .into_iter()
        .next();
    let plans = action_plans::of_organisations(db, ids.clone(), None).await?;
    let follow_ups = action_plans::follow_ups_of(db, plans.iter().map(|p| p.id).collect()).await?;
    let participations = support::participations_of(db, ids.clone()).await?;
    let programmes =
        support::programmes_by_ids(db, participations.iter().map(|p| p.programme_id).collect())
            .await?;
    let supports = support::support_to(db, ids, None).await?;
    let mut demo = false;
    let mut origin = |value: &str| {
        demo |= value == DataOrigin::Demo.as_str();
        origin_label(value, lang)
    };
    let kind = OrganisationKind::from_stored(&organisation.kind)
        .map_or(organisation.kind.as_str(), |k| lang.kind(k));
    let mut main = format!(
        r#"<p class="crumbs"><a href="/{}">{}</a>"#,
        lang_query(lang),
        lang.pick("Översikt", "Overview"),
    );
    if let Some(county) = &organisation.county_code {
        let _ = write!(
            main,
            r#" › <a href="/counties/{}{}">{}</a>"#,
            escape(county),
            lang_query(lang),
            lang.pick("Länet", "The county"),
        );
    }
    let _ = write!(
        main,
        r#"</p><h1>{}</h1><dl class="facts"><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd></dl>"#,
        escape(&organisation.name),
        lang.pick("Kod", "Code"),
        escape(&organisation.code),
        lang.pick("Typ", "Kind"),
        escape(kind),
        lang.pick("Status", "Status"),
        status
            .as_ref()
            .map_or("–", |s| lang.status(s.signatory_status())),
        lang.pick("Handlingsplan", "Action plan"),
        status
            .as_ref()
            .and_then(|s| s.action_plan_status())
            .map_or("–", |s| lang.plan_status(s)),
    );
    let _ = write!(
        main,
        r#"<section aria-labelledby="signature"><h2 id="signature">{}</h2>"#,
        lang.pick("Undertecknande", "Signature")
    );
    match &signature {
        None => main.push_str(&format!(
            "<p>{}</p>",
            lang.pick(
                "Inget undertecknande registrerat.",
                "No signature on record."
            )
        )),
        Some(s) => {
            let _ = write!(
                main,
                r#"<dl class="facts"><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd></dl>"#,
                lang.pick("Undertecknat", "Signed on"),
                escape(s.signed_on.as_deref().unwrap_or(&format!(
                    "{} {}",
                    lang.pick("senast", "not later than"),
                    s.not_later_than
                ))),
                lang.pick("Frånträtt", "Withdrawn on"),
                escape(s.withdrawn_on.as_deref().unwrap_or("–")),
                lang.pick("Källa", "Source"),
                escape(&s.source),
                lang.pick("Uppgiftens ursprung", "Data origin"),
                origin(&s.data_origin),
            );
        }
    }
    main.push_str("</section>");
    let _ = write!(
        main,
        r#"<section aria-labelledby="plans"><h2 id="plans">{}</h2>"#,
        lang.pick(
            "Handlingsplaner och uppföljningar",
            "Action plans and follow-ups"
        )
    );
    if plans.is_empty() {
        let _ = write!(
            main,
            "<p>{}</p>",
            lang.pick(
                "Ingen handlingsplan registrerad.",
                "No action plan on record."
            )
        );
    }
    for plan in &plans {
        let _ = write!(
            main,
            r#"<h3>{}</h3><p>{} {} · {}</p><ul>"#,
            escape(&plan.title),
            lang.pick("Antagen", "Adopted"),
            escape(plan.adopted_on.as_deref().unwrap_or("–")),
            origin(&plan.data_origin),
        );
        for report in follow_ups.iter().filter(|f| f.action_plan_id == plan.id) {
            let _ = write!(
                main,
                "<li>{}: {}</li>",
                escape(&report.reported_on),
                escape(&report.summary)
            );
        }
        main.push_str("</ul>");
    }
    main.push_str("</section>");
    let _ = write!(
        main,
        r#"<section aria-labelledby="programmes"><h2 id="programmes">{}</h2><ul>"#,
        lang.pick(
            "Stödprogram och länsstyrelsens stöd",
            "Programmes and county board support"
        )
    );
    for p in &participations {
        let name = programmes
            .iter()
            .find(|g| g.id == p.programme_id)
            .map_or("–", |g| match lang {
                Lang::Sv => g.name_sv.as_str(),
                Lang::En => g.name_en.as_str(),
            });
        let _ = write!(
            main,
            "<li>{} {}–{} ({})</li>",
            escape(name),
            p.from_year,
            p.to_year.map_or_else(String::new, |y| y.to_string()),
            origin(&p.data_origin),
        );
    }
    for s in &supports {
        let _ = write!(
            main,
            "<li>{} {}: {} ({})</li>",
            lang.pick("Länsstyrelsens stöd", "County board support"),
            s.year,
            escape(&s.assessment),
            origin(&s.data_origin),
        );
    }
    if participations.is_empty() && supports.is_empty() {
        let _ = write!(
            main,
            "<li>{}</li>",
            lang.pick("Inget registrerat.", "Nothing on record.")
        );
    }
    main.push_str("</ul></section>");
    Ok(Frame {
        lang,
        title: &organisation.name,
        path: &format!("/organisations/{}", organisation.code),
        demo,
    }
    .render(&main))
}

fn origin_label(value: &str, lang: Lang) -> String {
    match DataOrigin::from_stored(value) {
        Some(DataOrigin::Demo) => format!(
            r#"<strong class="demo-tag">{}</strong>"#,
            lang.pick("DEMODATA", "DEMO DATA")
        ),
        Some(DataOrigin::Sourced) => lang
            .pick("dokumenterad uppgift", "documented fact")
            .to_owned(),
        Some(DataOrigin::Reported) => lang.pick("rapporterad", "reported").to_owned(),
        Some(DataOrigin::Reconstructed) => lang.pick("rekonstruerad", "reconstructed").to_owned(),
        None => escape(value),
    }
}
