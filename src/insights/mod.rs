//! The service's public face: server-rendered pages of the register and the published
//! study releases, in Swedish and English, and the charts as embeddable SVG (with CSV
//! alternatives). Everything is read through the services layer, so the figures are the
//! ones the API answers; nothing is loaded from outside and no script runs.

pub mod charts;
mod county;
pub mod data;
mod figure;
pub mod http;
pub mod i18n;
mod layout;
pub mod map;
pub mod markup;
mod organisation;
mod page;
mod studies;
mod support;

use crate::error::HttpError;
use crate::rest::organisations::OrganisationQuery;
use actix_web::web::{self, ServiceConfig};
use actix_web::{HttpRequest, HttpResponse};
use charts::ChartKind;
use sea_orm::DatabaseConnection;

/// Registers the public pages and the charts.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.route("/", web::get().to(front))
        .route("/counties/{code}", web::get().to(county))
        .route("/organisations/{code}", web::get().to(organisation))
        .route("/insights/style.css", web::get().to(style))
        .route("/insights/icon.svg", web::get().to(icon))
        .route("/charts/{file}", web::get().to(chart));
}

const HTML: &str = "text/html; charset=utf-8";

/// `GET /` (`?lang=en`): the register at a glance.
async fn front(
    req: HttpRequest,
    lang: web::Query<http::LangQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, HttpError> {
    let page = page::render(db.get_ref(), lang.lang()?).await?;
    Ok(http::with_etag(&req, HTML, page.into_bytes()))
}

/// `GET /counties/{code}`: one county.
async fn county(
    req: HttpRequest,
    code: web::Path<String>,
    lang: web::Query<http::LangQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, HttpError> {
    let page = county::render(db.get_ref(), &code, lang.lang()?).await?;
    Ok(http::with_etag(&req, HTML, page.into_bytes()))
}

/// `GET /organisations/{code}`: one organisation.
async fn organisation(
    req: HttpRequest,
    code: web::Path<String>,
    lang: web::Query<http::LangQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, HttpError> {
    let page = organisation::render(db.get_ref(), &code, lang.lang()?).await?;
    Ok(http::with_etag(&req, HTML, page.into_bytes()))
}

/// `GET /insights/style.css`: the pages' only stylesheet.
async fn style(req: HttpRequest) -> HttpResponse {
    http::with_etag(
        &req,
        "text/css; charset=utf-8",
        include_bytes!("../../assets/insights/style.css").to_vec(),
    )
}

/// `GET /charts/{name}.svg` and `/charts/{name}.csv`: one chart over the organisations
/// the REST filters select (`kind`, `county`, `status`, `action_plan_status`,
/// `programme`, `signed_from`, `signed_to`, `q`), in `lang`.
async fn chart(
    req: HttpRequest,
    file: web::Path<String>,
    filters: web::Query<OrganisationQuery>,
    lang: web::Query<http::LangQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, HttpError> {
    let (name, format) = file
        .rsplit_once('.')
        .ok_or_else(|| crate::error::AppError::not_found("charts end in .svg or .csv"))?;
    let kind = ChartKind::from_slug(name)?;
    if !matches!(format, "svg" | "csv") {
        return Err(crate::error::AppError::not_found("charts end in .svg or .csv").into());
    }
    let filter = filters.filter(db.get_ref(), false).await?;
    let chart = charts::load(db.get_ref(), kind, &filter, lang.lang()?).await?;
    Ok(if format == "svg" {
        http::with_etag(&req, "image/svg+xml; charset=utf-8", chart.svg.into_bytes())
    } else {
        http::with_etag(
            &req,
            "text/csv; charset=utf-8",
            http::csv(&chart.table.header, &chart.table.rows)?,
        )
    })
}

/// `GET /insights/icon.svg`: the pages' icon, so browsers do not ask for a missing one.
async fn icon(req: HttpRequest) -> HttpResponse {
    http::with_etag(
        &req,
        "image/svg+xml; charset=utf-8",
        include_bytes!("../../assets/insights/icon.svg").to_vec(),
    )
}
