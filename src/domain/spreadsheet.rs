//! How CSV cells survive spreadsheets, both ways.
//!
//! - **Formulas.** A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return
//!   is run as a formula by Excel and LibreOffice: text a member wrote could compute,
//!   fetch or link when someone opens an export. Exports prefix such a cell with a
//!   single quote, as OWASP's CSV-injection guidance recommends; text that already starts
//!   with quotes before such a character gets one more, so that imports can take exactly
//!   one quote away and every text comes back as it was written.
//! - **Codes.** Spreadsheets read `0764` as the number 764. Exports can write a code as
//!   `="0764"`, which both keep as the text `0764`; imports read that form back.

/// The characters that make a spreadsheet cell a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether the text, past any leading single quotes, starts a formula.
fn needs_guard(text: &str) -> bool {
    text.trim_start_matches('\'').starts_with(FORMULA_STARTS)
}

/// A cell as exports write it: formulas neutralised with a leading single quote.
pub fn guard_formula(text: &str) -> std::borrow::Cow<'_, str> {
    if needs_guard(text) {
        format!("'{text}").into()
    } else {
        text.into()
    }
}

/// A cell as imports read it: the single quote an export added is taken away again.
pub fn unguard_formula(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if needs_guard(rest) => rest,
        _ => text,
    }
}

/// A code in the form spreadsheets keep as text: `="0764"`.
pub fn code_as_text(code: &str) -> String {
    format!("=\"{code}\"")
}

/// A code as imports read it: `="0764"` is `0764`.
pub fn code_from_text(cell: &str) -> &str {
    cell.strip_prefix("=\"")
        .and_then(|rest| rest.strip_suffix('"'))
        .filter(|code| !code.contains('"'))
        .unwrap_or(cell)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_every_text_comes_back() {
        for (text, exported) in [
            ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
            ("+46 70 123", "'+46 70 123"),
            ("-5 %", "'-5 %"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tindented", "'\tindented"),
            ("\rreturn", "'\rreturn"),
            ("'=quoted", "''=quoted"),
            ("''@twice", "'''@twice"),
            ("'plain quote", "'plain quote"),
            ("Jämställdhet = rättvisa", "Jämställdhet = rättvisa"),
            ("", ""),
        ] {
            assert_eq!(guard_formula(text), exported, "{text:?}");
            assert_eq!(unguard_formula(exported), text, "{exported:?}");
        }
    }

    #[test]
    fn codes_kept_as_text_read_back() {
        assert_eq!(code_as_text("0764"), "=\"0764\"");
        assert_eq!(code_from_text("=\"0764\""), "0764");
        assert_eq!(code_from_text("0764"), "0764");
        assert_eq!(code_from_text("=\"a\"b\""), "=\"a\"b\"");
    }
}
