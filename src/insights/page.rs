//! `GET /`: the register now (signatories by kind and status, the county map, signings
//! per year, action plan status, programmes, county board support) and the published
//! study releases.

use super::charts::{self, ChartKind, Table};
use super::data::{self, Snapshot};
use super::figure;
use super::i18n::Lang;
use super::layout::Frame;
use super::{studies, support};
use crate::domain::organisation::OrganisationKind;
use crate::domain::register::SignatoryStatus;
use crate::error::AppResult;
use crate::services::organisations::OrganisationFilter;
use sea_orm::ConnectionTrait;
use std::fmt::Write;

/// The whole front page.
pub async fn render(db: &impl ConnectionTrait, lang: Lang) -> AppResult<String> {
    let everything = OrganisationFilter::default();
    let snapshot = Snapshot::load(db, &everything).await?;
    let municipalities =
        Snapshot::load(db, &data::municipalities_unless_chosen(&everything)).await?;
    let query = match lang {
        Lang::Sv => "",
        Lang::En => "?lang=en",
    };
    let mut main = String::new();
    let _ = write!(
        main,
        "<h1>{}</h1><p class=\"lead\">{}</p>",
        lang.pick("CEMR-deklarationen i Sverige", "The CEMR charter in Sweden"),
        lang.pick(
            "Vilka kommuner, regioner och andra organisationer som har undertecknat den europeiska deklarationen för jämställdhet på lokal och regional nivå, om de har en handlingsplan, vilket stöd de får och vad uppföljningsstudierna visar.",
            "Which municipalities, regions and other organisations signed the European Charter for Equality of Women and Men in Local Life, whether they have an action plan, what support they get and what the follow-up studies found.",
        ),
    );
    let _ = write!(
        main,
        "<section aria-labelledby=\"now\"><h2 id=\"now\">{}</h2>{}",
        lang.pick("Registret nu", "The register now"),
        figure::table(
            &by_kind(&snapshot, lang),
            lang.pick(
                "Organisationer efter typ och status",
                "Organisations by kind and status"
            )
        ),
    );
    main.push_str(&figure::render(
        &charts::draw(ChartKind::CountyMap, &municipalities, lang),
        lang,
        query,
    ));
    for kind in [
        ChartKind::SigningsPerYear,
        ChartKind::ActionPlanStatus,
        ChartKind::ProgrammeParticipation,
    ] {
        main.push_str(&figure::render(
            &charts::draw(kind, &snapshot, lang),
            lang,
            query,
        ));
    }
    main.push_str("</section>");
    main.push_str(&support::section(db, lang).await?);
    main.push_str(&studies::section(db, lang).await?);
    Ok(Frame {
        lang,
        title: lang.pick("Översikt", "Overview"),
        path: "/",
        demo: snapshot.is_demo(),
    }
    .render(&main))
}

/// Signatories by kind (rows) and status (columns).
fn by_kind(snapshot: &Snapshot, lang: Lang) -> Table {
    let count = |kind: OrganisationKind, status: SignatoryStatus| {
        snapshot
            .statistics
            .by_kind_and_status
            .iter()
            .filter(|c| c.kind == kind && c.status == status)
            .map(|c| c.count)
            .sum::<u64>()
    };
    let mut header = vec![lang.pick("Typ", "Kind").to_owned()];
    header.extend(
        SignatoryStatus::ALL
            .iter()
            .map(|s| lang.status(*s).to_owned()),
    );
    let rows = OrganisationKind::ALL
        .iter()
        .filter(|k| SignatoryStatus::ALL.iter().any(|s| count(**k, *s) > 0))
        .map(|&kind| {
            let mut row = vec![lang.kind(kind).to_owned()];
            row.extend(
                SignatoryStatus::ALL
                    .iter()
                    .map(|s| count(kind, *s).to_string()),
            );
            row
        })
        .collect();
    Table { header, rows }
}
