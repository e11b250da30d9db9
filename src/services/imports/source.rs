//! Turning an import body into records: a JSON array of objects, or CSV (UTF-8 with or
//! without BOM, or windows-1252 when the content type says so; comma or semicolon).
//!
//! Memory stays proportional to the body, which is capped: the body is decoded in place
//! when it is UTF-8, CSV rows are read into one reused buffer, JSON elements are
//! deserialised one at a time (never the whole document as a tree), and a record keeps
//! only its non-empty importable values, keyed by the column's static name. Reading stops
//! at the first row past the row cap.

use crate::error::{AppError, AppResult};
use std::borrow::Cow;

/// One row of an import, with the line (CSV) or position (JSON, from 1) it came from.
#[derive(Debug, Clone)]
pub struct Record {
    pub line: usize,
    /// Non-empty values of importable columns (trimmed); derived columns are dropped.
    fields: Vec<(&'static str, Box<str>)>,
}

impl Record {
    pub fn get(&self, column: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(c, _)| *c == column)
            .map(|(_, v)| &**v)
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

/// Why a body could not be read as records.
#[derive(Debug)]
pub enum ParseFailure {
    /// Rows (or the header) are malformed.
    Rows(Vec<RowError>),
    /// More rows than the cap; reading stopped at the first one past it.
    TooManyRows { limit: usize },
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

/// What a column name of the body is.
#[derive(Clone, Copy)]
enum Column {
    Importable(&'static str),
    Ignored,
    Unknown,
}

impl Columns {
    fn resolve(&self, name: &str) -> Column {
        if let Some(c) = self
            .required
            .iter()
            .chain(self.optional)
            .find(|c| **c == name)
        {
            Column::Importable(c)
        } else if self.read_only.contains(&name) {
            Column::Ignored
        } else {
            Column::Unknown
        }
    }
}

/// Decodes the body to text, borrowing it when it is already UTF-8.
pub fn text<'a>(body: &'a [u8], charset: Option<&str>) -> AppResult<Cow<'a, str>> {
    match charset {
        Some("windows-1252" | "cp1252" | "iso-8859-1" | "latin1" | "latin-1") => {
            Ok(encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(body)
                .0)
        }
        None | Some("utf-8" | "utf8") => {
            let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
            std::str::from_utf8(body).map(Cow::Borrowed).map_err(|e| {
                AppError::bad_input(format!(
                    "the body is not valid UTF-8 (byte {} is not); export as UTF-8, or send `charset=windows-1252`",
                    e.valid_up_to()
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
pub fn csv(text: &str, columns: &Columns, max_rows: usize) -> Result<Vec<Record>, ParseFailure> {
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
            return Err(ParseFailure::Rows(vec![RowError::new(
                1,
                None,
                "INVALID",
                format!("unreadable header: {e}"),
            )]));
        }
    };
    let mut errors = check_header(&headers, columns);
    let resolved: Vec<Column> = headers.iter().map(|h| columns.resolve(h)).collect();
    let mut records = Vec::new();
    let mut row = csv::StringRecord::new();
    let mut rows = 0;
    let lines = LineStarts::of(text);
    loop {
        let read = reader.read_record(&mut row);
        if matches!(read, Ok(false)) {
            break;
        }
        // Unreadable rows count too: they cost a reported error each.
        rows += 1;
        if rows > max_rows {
            return Err(ParseFailure::TooManyRows { limit: max_rows });
        }
        match read {
            Ok(_) => {
                let line = row.position().map_or(0, |p| lines.line_at(p.byte()));
                let fields: Vec<(&'static str, Box<str>)> = resolved
                    .iter()
                    .zip(row.iter())
                    .filter_map(|(column, value)| match column {
                        Column::Importable(name) => {
                            let value = from_spreadsheet(name, value);
                            (!value.is_empty()).then(|| (*name, Box::from(value)))
                        }
                        _ => None,
                    })
                    .collect();
                errors.extend(nul_errors(line, &fields));
                records.push(Record { line, fields });
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| lines.line_at(p.byte()));
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
        Err(ParseFailure::Rows(errors))
    }
}

/// Where each line of a text starts, to number rows the way an editor does whatever the
/// line endings: `\r\n` (Windows), `\n` and a lone `\r` each end one line. The CSV
/// reader's own count follows `\n` only and, with `\r\n`, places a record on the line
/// before it.
struct LineStarts<'a> {
    starts: Vec<u64>,
    text: &'a [u8],
}

impl<'a> LineStarts<'a> {
    fn of(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                    starts.push(i as u64 + 2);
                    i += 2;
                    continue;
                }
                b'\r' | b'\n' => starts.push(i as u64 + 1),
                _ => {}
            }
            i += 1;
        }
        Self {
            starts,
            text: bytes,
        }
    }

    /// The line (from 1) of the record the reader says starts at `byte`: its first
    /// character past any line ending the reader had not consumed yet.
    fn line_at(&self, byte: u64) -> usize {
        let mut at = byte;
        while let Some(b'\r' | b'\n') = self.text.get(at as usize) {
            at += 1;
        }
        self.starts.partition_point(|&start| start <= at)
    }
}

/// A CSV cell as an export wrote it, or a spreadsheet saved it: a code kept as text
/// (`="0764"`) is the code, and the quote that neutralised a formula goes again.
fn from_spreadsheet<'a>(column: &str, cell: &'a str) -> &'a str {
    use crate::domain::spreadsheet::{code_from_text, unguard_formula};
    let cell = cell.trim();
    if column.ends_with("code") {
        code_from_text(cell).trim()
    } else {
        unguard_formula(cell)
    }
}

/// A NUL character is no text anyone wrote (and PostgreSQL cannot store it).
fn nul_errors(line: usize, fields: &[(&'static str, Box<str>)]) -> Vec<RowError> {
    fields
        .iter()
        .filter(|(_, v)| v.contains('\0'))
        .map(|(k, _)| {
            RowError::new(
                line,
                Some(k),
                "INVALID",
                "contains a NUL character (U+0000)",
            )
        })
        .collect()
}

fn check_header(headers: &[String], columns: &Columns) -> Vec<RowError> {
    let mut errors: Vec<RowError> = headers
        .iter()
        .filter(|h| matches!(columns.resolve(h), Column::Unknown))
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

/// Parses a JSON array of objects, one element at a time; list values are joined with
/// "|".
pub fn json(text: &str, columns: &Columns, max_rows: usize) -> Result<Vec<Record>, ParseFailure> {
    let not_an_array = || {
        ParseFailure::Rows(vec![RowError::new(
            1,
            None,
            "INVALID",
            "the body must be a JSON array of objects",
        )])
    };
    if !text.trim_start().starts_with('[') {
        return Err(not_an_array());
    }
    let mut elements = Elements {
        columns,
        max_rows,
        records: Vec::new(),
        errors: Vec::new(),
        too_many: false,
    };
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let read = serde::Deserializer::deserialize_seq(&mut deserializer, &mut elements)
        .and_then(|()| deserializer.end());
    if elements.too_many {
        return Err(ParseFailure::TooManyRows { limit: max_rows });
    }
    if let Err(e) = read {
        return Err(ParseFailure::Rows(vec![RowError::new(
            e.line(),
            None,
            "INVALID",
            format!("not JSON: {e}"),
        )]));
    }
    if elements.errors.is_empty() {
        Ok(elements.records)
    } else {
        Err(ParseFailure::Rows(elements.errors))
    }
}

/// Visits the top-level array, turning each element into a record as it is read.
struct Elements<'c> {
    columns: &'c Columns,
    max_rows: usize,
    records: Vec<Record>,
    errors: Vec<RowError>,
    too_many: bool,
}

impl<'de> serde::de::Visitor<'de> for &mut Elements<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON array of objects")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut line = 0;
        while let Some(item) = seq.next_element::<serde_json::Value>()? {
            line += 1;
            if line > self.max_rows {
                self.too_many = true;
                return Err(serde::de::Error::custom("too many rows"));
            }
            self.element(line, item);
        }
        Ok(())
    }
}

impl Elements<'_> {
    fn element(&mut self, line: usize, item: serde_json::Value) {
        let serde_json::Value::Object(map) = item else {
            self.errors.push(RowError::new(
                line,
                None,
                "INVALID",
                "each element must be an object",
            ));
            return;
        };
        let mut fields = Vec::with_capacity(map.len());
        for (key, value) in map {
            let key = key.to_lowercase();
            let name = match self.columns.resolve(&key) {
                Column::Importable(name) => name,
                Column::Ignored => continue,
                Column::Unknown => {
                    self.errors.push(RowError::new(
                        line,
                        Some(&key),
                        "UNKNOWN_COLUMN",
                        format!("unknown field {key:?}"),
                    ));
                    continue;
                }
            };
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
                    self.errors.push(RowError::new(
                        line,
                        Some(&key),
                        "INVALID",
                        "objects are not allowed as values",
                    ));
                    continue;
                }
            };
            if !text.is_empty() {
                fields.push((name, text.into_boxed_str()));
            }
        }
        self.errors.extend(nul_errors(line, &fields));
        for required in self.columns.required {
            if !fields.iter().any(|(c, _)| c == required) {
                self.errors.push(RowError::new(
                    line,
                    Some(required),
                    "REQUIRED",
                    format!("{required} is required"),
                ));
            }
        }
        self.records.push(Record { line, fields });
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
