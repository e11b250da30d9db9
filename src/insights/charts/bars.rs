//! Bar charts drawn as SVG: vertical bars over years with shaded periods, and horizontal
//! bars for categories with one or two series.

use crate::insights::markup::{ACCENT, BAND, INK, MUTED, escape};
use std::fmt::Write;

/// One vertical bar.
pub struct Bar {
    pub label: String,
    pub value: u64,
    /// `data-*` attributes, so a reader (or a test) finds each figure.
    pub data: Vec<(&'static str, String)>,
}

/// A shaded span of bars (a programme's years), by bar index.
pub struct Band {
    pub first: usize,
    pub last: usize,
    pub label: String,
}

/// Plot area inside the chart.
const LEFT: f64 = 44.0;
const TOP: f64 = 72.0;
const BOTTOM: f64 = 44.0;
const RIGHT: f64 = 16.0;

fn scale_max(max: u64) -> u64 {
    // A round axis maximum at or above the largest value, never zero.
    let max = max.max(1);
    let step = 10u64.pow((max as f64).log10().floor() as u32).max(1);
    max.div_ceil(step) * step
}

/// Vertical bars, labelled below with every `label_every`-th label, with bands behind.
pub fn vertical(out: &mut String, (width, height): (u32, u32), bars: &[Bar], bands: &[Band]) {
    let plot_w = f64::from(width) - LEFT - RIGHT;
    let plot_h = f64::from(height) - TOP - BOTTOM;
    let slot = plot_w / bars.len().max(1) as f64;
    // Headroom above the tallest bar for its label.
    let max = scale_max(
        bars.iter()
            .map(|b| b.value + b.value / 10)
            .max()
            .unwrap_or(0),
    );
    let y_of = |v: u64| TOP + plot_h - plot_h * v as f64 / max as f64;
    for (i, band) in bands.iter().enumerate() {
        let x = LEFT + slot * band.first as f64;
        let w = slot * (band.last + 1 - band.first) as f64;
        let _ = write!(
            out,
            r#"<rect class="band" x="{x:.1}" y="{TOP}" width="{w:.1}" height="{plot_h:.1}" fill="{BAND}"/><text x="{:.1}" y="{:.1}" fill="{INK}" font-size="12">{}</text>"#,
            x + 3.0,
            TOP - 6.0 - 15.0 * (i % 2) as f64,
            escape(&band.label),
        );
    }
    for tick in [0, max / 2, max] {
        let y = y_of(tick);
        let _ = write!(
            out,
            r#"<line x1="{LEFT}" x2="{:.1}" y1="{y:.1}" y2="{y:.1}" stroke="silver"/><text x="{:.1}" y="{:.1}" fill="{MUTED}" text-anchor="end">{tick}</text>"#,
            LEFT + plot_w,
            LEFT - 6.0,
            y + 4.0,
        );
    }
    let label_every = (bars.len() / 12).max(1);
    for (i, bar) in bars.iter().enumerate() {
        let x = LEFT + slot * i as f64 + slot * 0.15;
        let y = y_of(bar.value);
        let data: String = bar
            .data
            .iter()
            .map(|(k, v)| format!(r#" data-{k}="{}""#, escape(v)))
            .collect();
        let _ = write!(
            out,
            r#"<rect class="bar" x="{x:.1}" y="{y:.1}" width="{:.1}" height="{:.1}" fill="{ACCENT}"{data}><title>{}: {}</title></rect>"#,
            slot * 0.7,
            TOP + plot_h - y,
            escape(&bar.label),
            bar.value,
        );
        if bar.value > 0 {
            let _ = write!(
                out,
                r#"<text x="{:.1}" y="{:.1}" fill="{INK}" font-size="11" text-anchor="middle">{}</text>"#,
                x + slot * 0.35,
                y - 3.0,
                bar.value
            );
        }
        if i % label_every == 0 || i + 1 == bars.len() {
            let _ = write!(
                out,
                r#"<text x="{:.1}" y="{:.1}" fill="{INK}" text-anchor="middle">{}</text>"#,
                x + slot * 0.35,
                TOP + plot_h + 18.0,
                escape(&bar.label),
            );
        }
    }
}

/// One row of horizontal bars: a label and one value per series.
pub struct Row {
    pub label: String,
    pub values: Vec<u64>,
    pub data: Vec<(&'static str, String)>,
}

/// The colours of the series, each with at least 3:1 contrast against white (graphics,
/// WCAG 1.4.11).
const SERIES: [&str; 2] = [ACCENT, "#a0522d"];

/// Horizontal bars, one group per row, with a legend when there are two series.
pub fn horizontal(out: &mut String, width: u32, top: f64, rows: &[Row], series: &[&str]) -> u32 {
    let label_w = 230.0;
    let bar_h = 16.0;
    let group_h = bar_h * series.len() as f64 + 12.0;
    let plot_w = f64::from(width) - label_w - 60.0;
    let max = scale_max(
        rows.iter()
            .flat_map(|r| r.values.iter().copied())
            .max()
            .unwrap_or(0),
    );
    let mut y = top;
    if series.len() > 1 {
        for (i, name) in series.iter().enumerate() {
            let x = label_w + 200.0 * i as f64;
            let _ = write!(
                out,
                r#"<rect x="{x}" y="{:.1}" width="12" height="12" fill="{}"/><text x="{}" y="{:.1}" fill="{INK}">{}</text>"#,
                y,
                SERIES[i % 2],
                x + 16.0,
                y + 11.0,
                escape(name),
            );
        }
        y += 24.0;
    }
    for row in rows {
        let data: String = row
            .data
            .iter()
            .map(|(k, v)| format!(r#" data-{k}="{}""#, escape(v)))
            .collect();
        let _ = write!(
            out,
            r#"<g class="row"{data}><text x="{:.1}" y="{:.1}" fill="{INK}" text-anchor="end">{}</text>"#,
            label_w - 8.0,
            y + bar_h - 3.0,
            escape(&row.label),
        );
        for (i, value) in row.values.iter().enumerate() {
            let w = plot_w * *value as f64 / max as f64;
            let by = y + bar_h * i as f64;
            let _ = write!(
                out,
                r#"<rect x="{label_w}" y="{by:.1}" width="{w:.1}" height="{:.1}" fill="{}"/><text x="{:.1}" y="{:.1}" fill="{INK}">{value}</text>"#,
                bar_h - 2.0,
                SERIES[i % 2],
                label_w + w + 4.0,
                by + bar_h - 4.0,
            );
        }
        out.push_str("</g>");
        y += group_h;
    }
    (y + 8.0).ceil() as u32
}

#[cfg(test)]
mod tests {
    use super::scale_max;

    #[test]
    fn the_axis_ends_at_a_round_number_at_or_above_the_largest_value() {
        assert_eq!(scale_max(0), 1);
        assert_eq!(scale_max(7), 7);
        assert_eq!(scale_max(23), 30);
        assert_eq!(scale_max(290), 300);
    }
}
