//! Answers with a strong ETag (304 when the client has it already), the query parameters
//! the pages and charts share, and CSV files as the REST exports write them.

use super::i18n::Lang;
use crate::error::{AppError, AppResult};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// `?lang=sv|en`.
#[derive(Debug, Deserialize)]
pub struct LangQuery {
    pub lang: Option<String>,
}

impl LangQuery {
    pub fn lang(&self) -> AppResult<Lang> {
        Lang::parse(self.lang.as_deref())
    }
}

/// The body with its ETag, or 304 when `If-None-Match` names it. Caches may keep it but
/// must revalidate, so an embedded chart is never older than the register.
pub fn with_etag(req: &HttpRequest, content_type: &str, body: Vec<u8>) -> HttpResponse {
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
            v.split(',')
                .map(|t| t.trim().trim_start_matches("W/"))
                .any(|t| t == etag || t == "*")
        });
    let mut response = if matches {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, "public, no-cache"));
    if matches {
        response.finish()
    } else {
        response.content_type(content_type.to_owned()).body(body)
    }
}

/// A table as CSV: UTF-8 with a byte order mark and `;`, as Swedish Excel expects.
pub fn csv(header: &[String], rows: &[Vec<String>]) -> AppResult<Vec<u8>> {
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    let internal = |e: csv::Error| AppError::Internal(e.into());
    writer.write_record(header).map_err(internal)?;
    for row in rows {
        writer.write_record(row).map_err(internal)?;
    }
    writer
        .into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("csv: {e}")))
}
