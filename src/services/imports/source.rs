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

/// Reads typed values of a record, collecting an error per bad value.
pub struct Reader<'a> {
    pub record: &'a Record,
    pub errors: &'a mut Vec<RowError>,
}

impl Reader<'_> {
    fn fail(&mut self, column: &str, code: &str, reason: String) {
        self.errors
            .push(RowError::new(self.record.line, Some(column), code, reason));
    }

    pub fn text(&mut self, column: &str) -> Option<String> {
        self.record.get(column).map(str::to_owned)
    }

    pub fn required(&mut self, column: &str) -> String {
        match self.record.get(column) {
            Some(v) => v.to_owned(),
            None => {
                self.fail(column, "REQUIRED", format!("{column} is required"));
                String::new()
            }
        }
    }

    pub fn date(&mut self, column: &str) -> Option<chrono::NaiveDate> {
        let value = self.record.get(column)?;
        match crate::domain::dates::parse(value) {
            Some(date) => Some(date),
            None => {
                self.fail(
                    column,
                    "INVALID",
                    format!("{value:?} is not a date of the form YYYY-MM-DD"),
                );
                None
            }
        }
    }

    pub fn int(&mut self, column: &str) -> Option<i32> {
        let value = self.record.get(column)?;
        match value.parse() {
            Ok(n) => Some(n),
            Err(_) => {
                self.fail(
                    column,
                    "INVALID",
                    format!("{value:?} is not a whole number"),
                );
                None
            }
        }
    }

    /// A stored-form enumeration value (case-insensitive).
    pub fn code<T>(&mut self, column: &str, parse: impl Fn(&str) -> Option<T>) -> Option<T> {
        let value = self.record.get(column)?;
        match parse(&value.to_uppercase()) {
            Some(v) => Some(v),
            None => {
                self.fail(
                    column,
                    "INVALID",
                    format!("{value:?} is not a valid {column}"),
                );
                None
            }
        }
    }

    /// A "|"-separated list of values.
    pub fn list<T>(&mut self, column: &str, parse: impl Fn(&str) -> Option<T>) -> Vec<T> {
        let Some(value) = self.record.get(column) else {
            return Vec::new();
        };
        let mut items = Vec::new();
        for part in value.split('|').map(str::trim).filter(|p| !p.is_empty()) {
            match parse(&part.to_uppercase()) {
                Some(v) => items.push(v),
                None => self.fail(
                    column,
                    "INVALID",
                    format!("{part:?} is not a valid value of {column}"),
                ),
            }
        }
        items
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
                if *c == "organisation_code" {
                    crate::domain::codes::normalise_organisation_code(value)
                } else {
                    value.to_lowercase()
                }
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
