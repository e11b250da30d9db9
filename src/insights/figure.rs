//! A chart on a page: the SVG inline (so the map's counties are links), its caption, its
//! table alternative and links to the embeddable SVG and the CSV file.

use super::charts::{Chart, Table};
use super::i18n::Lang;
use super::markup::escape;
use std::fmt::Write;

/// A `<figure>` with the chart, its description, a table and download links; `query` is
/// the filter's query string (with the language), kept on the links.
pub fn render(chart: &Chart, lang: Lang, query: &str) -> String {
    let slug = chart.kind.slug();
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<figure class="chart" aria-labelledby="{slug}-caption"><div class="drawing">{}</div><figcaption id="{slug}-caption"><strong>{}.</strong> {}</figcaption>"#,
        chart.svg,
        escape(&chart.title),
        escape(&chart.description),
    );
    let _ = write!(
        out,
        r#"<details><summary>{}</summary>{}</details><p class="downloads"><a href="/charts/{slug}.csv{query}">{} ({})</a> · <a href="/charts/{slug}.svg{query}">{} ({})</a></p></figure>"#,
        lang.pick("Visa som tabell", "Show as a table"),
        table(&chart.table, &chart.title),
        lang.pick("Ladda ned CSV", "Download CSV"),
        escape(&chart.title),
        lang.pick("Bädda in SVG", "Embed SVG"),
        escape(&chart.title),
    );
    out
}

/// A table with a caption and column headers; the first column heads its row.
pub fn table(table: &Table, caption: &str) -> String {
    let mut out = format!("<table><caption>{}</caption><thead><tr>", escape(caption));
    for h in &table.header {
        let _ = write!(out, r#"<th scope="col">{}</th>"#, escape(h));
    }
    out.push_str("</tr></thead><tbody>");
    for row in &table.rows {
        out.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            if i == 0 {
                let _ = write!(out, r#"<th scope="row">{}</th>"#, escape(cell));
            } else {
                let _ = write!(out, "<td>{}</td>", escape(cell));
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}
