//! Escaping for HTML and SVG text, and the frame every chart's SVG shares: its size, its
//! text alternatives (`<title>`, `<desc>`) and the demonstration mark.

use std::fmt::Write;

/// Escapes text for an element's content or a quoted attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The text colours and the palette, chosen for at least 4.5:1 contrast with what they
/// are drawn on (WCAG 2.1 AA).
pub const INK: &str = "#1a1a1a";
pub const MUTED: &str = "#4d4d4d";
pub const ACCENT: &str = "#1f5a96";
pub const DEMO_RED: &str = "#a4001d";
pub const BAND: &str = "#f1e9d2";

/// An open `<svg>` with its text alternatives; `interactive` charts (the map, whose
/// counties are links) are a labelled group, the others a single image.
pub fn open_svg(
    out: &mut String,
    id: &str,
    (width, height): (u32, u32),
    title: &str,
    desc: &str,
    interactive: bool,
) {
    let role = if interactive { "group" } else { "img" };
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="{role}" aria-labelledby="{id}-title {id}-desc" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-size="13" class="chart" id="{id}"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc><rect width="{width}" height="{height}" fill="white"/><text x="10" y="20" fill="{INK}" font-size="15" font-weight="bold" aria-hidden="true">{}</text>"#,
        escape(title),
        escape(desc),
        escape(title),
    );
}

/// The mark on every chart that counts demonstration data.
pub fn demo_mark(out: &mut String, width: u32, text: &str) {
    let _ = write!(
        out,
        r#"<g class="demo-mark"><rect x="{}" y="4" width="140" height="22" rx="3" fill="{DEMO_RED}"/><text x="{}" y="19" fill="white" font-weight="bold" text-anchor="middle">{}</text></g>"#,
        width - 146,
        width - 76,
        escape(text),
    );
}

/// A number as text (integer counts only).
pub fn n(value: u64) -> String {
    value.to_string()
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_in_names_is_escaped() {
        assert_eq!(
            escape(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
