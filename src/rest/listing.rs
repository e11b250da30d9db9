//! What every REST list shares: the envelope with a `next` link, paging parameters, the
//! caller, conditional GET, and CSV files that open in Excel.

use crate::auth::identify::Authenticator;
use crate::domain::labels::{Labelled, Language};
use crate::error::{AppError, HttpError};
use crate::services::pagination::{Page, PageArgs};
use crate::services::writing::RequestContext;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// A page of a list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ListEnvelope<T> {
    /// The items of this page.
    pub values: Vec<T>,
    /// How many items match, across all pages.
    pub count: u64,
    /// The URL of the next page; null on the last page.
    pub next: Option<String>,
}

/// An RFC 9457 problem document, as every REST error is answered.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A stable URI naming the kind of problem, e.g. `urn:cemr-api:problem:not-found`.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// A short summary.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What went wrong.
    pub detail: String,
    /// The stable code, as in GraphQL's `extensions.code`.
    pub code: String,
    /// Field or row errors, when there are any.
    #[serde(default)]
    pub errors: Vec<serde_json::Value>,
}

/// Paging parameters of every list.
#[derive(Debug, Clone, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// Items per page, 1–100 (default 100).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i32>,
    /// The cursor from the previous page's `next` link.
    pub cursor: Option<String>,
}

impl Paging {
    /// The page wanted; a `limit` outside 1–100 is refused.
    pub fn args(&self) -> Result<PageArgs, AppError> {
        let limit = self.limit.unwrap_or(100);
        if !(1..=100).contains(&limit) {
            return Err(AppError::bad_input(format!(
                "limit {limit} is not within 1–100"
            )));
        }
        Ok(PageArgs {
            first: Some(limit),
            after: self.cursor.clone(),
            last: None,
            before: None,
        })
    }
}

/// The absolute URL of the next page: this request with `cursor` replaced.
pub fn next_link<T>(req: &HttpRequest, page: &Page<(String, T)>) -> Option<String> {
    if !page.has_next {
        return None;
    }
    let cursor = page.items.last().map(|(c, _)| c.clone())?;
    let mut pairs: Vec<(String, String)> = url_pairs(req.query_string())
        .into_iter()
        .filter(|(k, _)| k != "cursor")
        .collect();
    pairs.push(("cursor".into(), cursor));
    let query: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    let info = req.connection_info();
    Some(format!(
        "{}://{}{}?{}",
        info.scheme(),
        info.host(),
        req.path(),
        query.join("&")
    ))
}

fn url_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn decode(text: &str) -> String {
    let bytes = text.replace('+', " ").into_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&String::from_utf8_lossy(&bytes[i + 1..i + 3]), 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The caller of a REST request; a present but invalid token is refused.
pub async fn request_context(
    req: &HttpRequest,
    authenticator: &web::Data<Authenticator>,
) -> Result<RequestContext, HttpError> {
    Ok(crate::http::admission::request_context(req, authenticator).await?)
}

/// A JSON answer with a strong ETag; 304 when the client already has it.
pub fn json_with_etag<T: Serialize>(
    req: &HttpRequest,
    value: &T,
) -> Result<HttpResponse, HttpError> {
    let body = serde_json::to_vec(value).map_err(|e| AppError::Internal(e.into()))?;
    let digest: String = Sha256::digest(&body)
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect();
    let etag = format!("\"{digest}\"");
    let matches = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',').any(|t| {
                t.trim() == etag || t.trim() == "*" || t.trim().trim_start_matches("W/") == etag
            })
        });
    let mut response = if matches {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, "no-cache"));
    Ok(if matches {
        response.finish()
    } else {
        response.content_type("application/json").body(body)
    })
}

/// How a CSV export writes codes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CodeForm {
    /// As they are: `0180`.
    #[default]
    Plain,
    /// As `="0180"`, which Excel and LibreOffice keep as the text `0180`.
    Excel,
}

/// The form of a CSV export.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CsvForm {
    /// `excel` writes numeric codes as `="0180"`, so spreadsheets keep their leading
    /// zeros; imports read that form back. `plain` (the default) writes `0180`.
    #[param(inline)]
    pub codes: Option<CodeForm>,
}

/// A CSV file that opens correctly in Excel with Swedish characters: UTF-8 with a byte
/// order mark, semicolon-separated (the list separator of Swedish locales). Cells that
/// a spreadsheet would run as formulas are neutralised (`domain::spreadsheet`), and
/// codes (columns named `…code`) are written in the form asked for.
pub fn csv_file(
    filename: &str,
    header: &[&str],
    rows: Vec<Vec<String>>,
    form: &CsvForm,
) -> Result<HttpResponse, HttpError> {
    use crate::domain::spreadsheet::{code_as_text, guard_formula};
    let excel = form.codes == Some(CodeForm::Excel);
    let is_code: Vec<bool> = header.iter().map(|h| h.ends_with("code")).collect();
    let cell = |column: usize, value: String| -> String {
        let numeric = !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit());
        if excel && numeric && is_code.get(column).copied().unwrap_or(false) {
            code_as_text(&value)
        } else {
            guard_formula(&value).into_owned()
        }
    };
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::new());
    let write = |w: &mut csv::Writer<Vec<u8>>, record: Vec<String>| {
        w.write_record(record)
            .map_err(|e| AppError::Internal(e.into()))
    };
    write(
        &mut writer,
        header.iter().map(|h| (*h).to_owned()).collect(),
    )?;
    for row in rows {
        let row = row
            .into_iter()
            .enumerate()
            .map(|(column, value)| cell(column, value))
            .collect();
        write(&mut writer, row)?;
    }
    let mut body = b"\xEF\xBB\xBF".to_vec();
    body.extend(
        writer
            .into_inner()
            .map_err(|e| AppError::Internal(anyhow::anyhow!("csv: {e}")))?,
    );
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .body(body))
}

/// Every page of a list, for exports.
pub async fn all_pages<T, F, Fut>(mut fetch: F) -> Result<Vec<T>, AppError>
where
    F: FnMut(PageArgs) -> Fut,
    Fut: std::future::Future<Output = Result<Page<(String, T)>, AppError>>,
{
    let mut items = Vec::new();
    let mut after = None;
    loop {
        let page = fetch(PageArgs {
            first: Some(100),
            after: after.clone(),
            last: None,
            before: None,
        })
        .await?;
        after = page.items.last().map(|(c, _)| c.clone());
        let more = page.has_next;
        items.extend(page.items.into_iter().map(|(_, item)| item));
        if !more {
            return Ok(items);
        }
    }
}

/// Parses a comma-separated list of stored-form codes.
pub fn codes<T>(
    name: &str,
    value: &Option<String>,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Vec<T>, AppError> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    value
        .split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| {
            parse(&v.to_uppercase())
                .ok_or_else(|| AppError::bad_input(format!("{v:?} is not a valid {name}")))
        })
        .collect()
}

/// Splits a comma-separated list.
pub fn list(value: &Option<String>) -> Vec<String> {
    value
        .as_deref()
        .map(|v| {
            v.split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The language of a CSV export's label columns.
#[derive(Debug, Clone, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LabelLanguage {
    /// `sv` or `en`: add a `…_label` column after the codes (at the end of each row) with
    /// each coded value's label in that language, e.g. "Ingen plan registrerad" for
    /// NO_PLAN_ON_RECORD. The codes stay, so the file still imports back.
    #[param(example = "sv")]
    pub lang: Option<String>,
}

impl LabelLanguage {
    /// The language asked for; anything but `sv` or `en` is refused.
    pub fn language(&self) -> Result<Option<Language>, AppError> {
        match self
            .lang
            .as_deref()
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            None => Ok(None),
            Some(code) => Language::parse(code).map(Some).ok_or_else(|| {
                AppError::bad_input(format!("lang {code:?} is not supported: use sv or en"))
            }),
        }
    }
}

/// The label of a stored code in a language; empty for an empty or unknown code.
pub fn label_of<T: Labelled>(
    language: Language,
    parse: impl Fn(&str) -> Option<T>,
    stored: &str,
) -> String {
    parse(stored)
        .map(|v| v.label(language).to_owned())
        .unwrap_or_default()
}
