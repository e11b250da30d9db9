//! Turning an import body into records: a JSON array of objects, or CSV (UTF-8 with or
//! without BOM, or windows-1252 when the content type says so; comma or semicolon).

use crate::error::{AppError, AppResult};
use std::collections::BTreeMap;

/// One row of an import, with the line (CSV) or position (JSON, from 1) it came from.
#[derive(Debug, Clone)]
pub struct Record {
    pub line: usize,
    /// Non-empty values by column name (lower case, trimmed).
    pub fields: BTreeMap<String, String>,
}

impl Record {
    pub fn get(&self, column: &str) -> Option<&str> {
        self.fields.get(column).map(String::as_str)
    }
}

/// A problem with one row (or the header, line 1).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct RowError {
    /// The CSV line (the header is line 1), or the JSON array position counted from 1.
    pub line: usize,
    /// The column, when one is at fault.
    pub column: Option<String>,
    /// What is wrong.
    pub reason: String,
    /// A stable code: REQUIRED, INVALID, UNKNOWN_COLUMN, NOT_FOUND, DUPLICATE, …
    pub code: String,
}

impl RowError {
    pub fn new(line: usize, column: Option<&str>, code: &str, reason: impl Into<String>) -> Self {
        Self {
            line,
            column: column.map(str::to_owned),
            reason: reason.into(),
            code: code.into(),
        }
    }
}

/// The columns of an import kind.
pub struct Columns {
    /// The columns that identify a row: two rows with the same values are a duplicate.
    pub key: &'static [&'static str],
    pub required: &'static [&'static str],
    pub optional: &'static [&'static str],
    /// Columns the matching export writes that the import ignores (derived values).
    pub read_only: &'static [&'static str],
}

impl Columns {
    fn known(&self, name: &str) -> bool {
        self.required.contains(&name)
            || self.optional.contains(&name)
            || self.read_only.contains(&name)
    }
}

/// Decodes the body to text.
pub fn text(body: &[u8], charset: Option<&str>) -> AppResult<String> {
    match charset {
        Some("windows-1252" | "cp1252" | "iso-8859-1" | "latin1" | "latin-1") => {
            Ok(encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(body)
                .0
                .into_owned())
        }
        None | Some("utf-8" | "utf8") => {
            let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
            String::from_utf8(body.to_vec()).map_err(|e| {
                AppError::bad_input(format!(
                    "the body is not valid UTF-8 (byte {} is not); export as UTF-8, or send `charset=windows-1252`",
                    e.utf8_error().valid_up_to()
                ))
            })
        }
        Some(other) => Err(AppError::UnsupportedMediaType(format!(
            "charset {other} is not supported; use utf-8 or windows-1252"
        ))),
    }
}

/// Parses CSV text: the header names the columns; the delimiter is `;` when the header
/// has more semicolons than commas.
pub fn csv(text: &str, columns: &Columns) -> Result<Vec<Record>, Vec<RowError>> {
    let header_line = text.lines().next().unwrap_or_default();
    let delimiter = if header_line.matches(';').count() > header_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_lowercase()).collect(),
        Err(e) => {
            return Err(vec![RowError::new(
                1,
                None,
                "INVALID",
                format!("unreadable header: {e}"),
            )]);
        }
    };
    let mut errors = check_header(&headers, columns);
    let mut records = Vec::new();
    for row in reader.records() {
        match row {
            Ok(row) => {
                let line = row.position().map_or(0, |p| p.line() as usize);
                let fields = headers
                    .iter()
                    .zip(row.iter())
                    .filter(|(_, v)| !v.trim().is_empty())
                    .map(|(k, v)| (k.clone(), v.trim().to_owned()))
                    .collect();
                records.push(Record { line, fields });
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                errors.push(RowError::new(
                    line,
                    None,
                    "INVALID",
                    format!("unreadable row: {e}"),
                ));
            }
        }
    }
    if errors.is_empty() {
        Ok(records)
    } else {
        Err(errors)
    }
}

fn check_header(headers: &[String], columns: &Columns) -> Vec<RowError> {
    let mut errors: Vec<RowError> = headers
        .iter()
        .filter(|h| !columns.known(h))
        .map(|h| {
            RowError::new(
                1,
                Some(h),
                "UNKNOWN_COLUMN",
                format!("unknown column {h:?}"),
            )
        })
        .collect();
    for required in columns.required {
        if !headers.iter().any(|h| h == required) {
            errors.push(RowError::new(
                1,
                Some(required),
                "REQUIRED",
                format!("the column {required:?} is missing"),
            ));
        }
    }
    let mut seen = std::collections::HashSet::new();
    for h in headers {
        if !seen.insert(h) {
            errors.push(RowError::new(
                1,
                Some(h),
                "DUPLICATE",
                format!("the column {h:?} appears twice"),
            ));
        }
    }
    errors
}

/// Parses a JSON array of objects; list values are joined with "|".
pub fn json(text: &str, columns: &Columns) -> Result<Vec<Record>, Vec<RowError>> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        vec![RowError::new(
            e.line(),
            None,
            "INVALID",
            format!("not JSON: {e}"),
        )]
    })?;
    let serde_json::Value::Array(items) = value else {
        return Err(vec![RowError::new(
            1,
            None,
            "INVALID",
            "the body must be a JSON array of objects",
        )]);
    };
    let mut errors = Vec::new();
    let mut records = Vec::new();
    for (index, item) in items.into_iter().enumerate() {
        let line = index + 1;
        let serde_json::Value::Object(map) = item else {
            errors.push(RowError::new(
                line,
                None,
                "INVALID",
                "each element must be an object",
            ));
            continue;
        };
        let mut fields = BTreeMap::new();
        for (key, value) in map {
            let key = key.to_lowercase();
            if !columns.known(&key) {
                errors.push(RowError::new(
                    line,
                    Some(&key),
                    "UNKNOWN_COLUMN",
                    format!("unknown field {key:?}"),
                ));
                continue;
            }
            let text = match value {
                serde_json::Value::Null => continue,
                serde_json::Value::String(s) => s.trim().to_owned(),
                serde_json::Value::Bool(b) => b.to_string(),
                serde_json::Value::Number(n) => n.to_string(),
                serde_json::Value::Array(list) => list
                    .iter()
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                    .collect::<Vec<_>>()
                    .join("|"),
                serde_json::Value::Object(_) => {
                    errors.push(RowError::new(
                        line,
                        Some(&key),
                        "INVALID",
                        "objects are not allowed as values",
                    ));
                    continue;
                }
            };
            if !text.is_empty() {
                fields.insert(key, text);
            }
        }
        for required in columns.required {
            if !fields.contains_key(*required) {
                errors.push(RowError::new(
                    line,
                    Some(required),
                    "REQUIRED",
                    format!("{required} is required"),
                ));
            }
        }
        records.push(Record { line, fields });
    }
    if errors.is_empty() {
        Ok(records)
    } else {
        Err(errors)
    }
}

/// A GraphQL-style field path ("signedOn") as a column name ("signed_on").
pub fn column_of(field: &[String]) -> Option<String> {
    let last = field.last()?;
    let mut column = String::new();
    for c in last.chars() {
        if c.is_ascii_uppercase() {
            column.push('_');
            column.push(c.to_ascii_lowercase());
        } else {
            column.push(c);
        }
    }
    Some(column)
}

/// A key column's value as the database compares it: codes as stored, dates as
/// `YYYY-MM-DD`, text (plan titles) ignoring case and spacing.
fn key_form(column: &str, value: &str) -> String {
    if column == "organisation_code" {
        crate::domain::codes::normalise_organisation_code(value)
    } else if let Some(date) = crate::domain::dates::parse(value) {
        crate::domain::dates::format(date)
    } else {
        crate::domain::names::search_key(value)
    }
}

/// Rows whose key repeats an earlier row's key.
pub fn duplicates(records: &[Record], columns: &Columns) -> Vec<RowError> {
    let mut seen: std::collections::HashMap<Vec<String>, usize> = std::collections::HashMap::new();
    let mut errors = Vec::new();
    for record in records {
        let key: Vec<String> = columns
            .key
            .iter()
            .map(|c| {
                let value = record.get(c).unwrap_or_default().trim();
                key_form(c, value)
            })
            .collect();
        if let Some(first) = seen.insert(key, record.line) {
            errors.push(RowError::new(
                record.line,
                columns.key.first().copied(),
                "DUPLICATE",
                format!("the same {} as line {first}", columns.key.join(", ")),
            ));
        }
    }
    errors
}
