//! A tile-grid map of the 21 counties (län), keyed by SCB's county codes: each county one
//! tile placed roughly where it lies, coloured by the share of its municipalities (or the
//! kinds the filter chose) whose signature stands, each a link to its county page.

use super::charts::{Chart, ChartKind, Table, demo_label, demo_note};
use super::data::Snapshot;
use super::i18n::Lang;
use super::markup::{INK, demo_mark, escape, open_svg};
use crate::domain::register::SignatoryStatus;
use std::fmt::Write;

/// SCB county code, column, row: north at the top, Gotland off the east coast.
const TILES: [(&str, u32, u32); 21] = [
    ("25", 3, 0),
    ("24", 2, 1),
    ("23", 1, 2),
    ("22", 2, 2),
    ("20", 1, 3),
    ("21", 2, 3),
    ("17", 0, 4),
    ("19", 1, 4),
    ("03", 2, 4),
    ("14", 0, 5),
    ("18", 1, 5),
    ("04", 2, 5),
    ("01", 3, 5),
    ("13", 0, 6),
    ("06", 1, 6),
    ("05", 2, 6),
    ("09", 3, 6),
    ("12", 0, 7),
    ("07", 1, 7),
    ("08", 2, 7),
    ("10", 1, 8),
];

const TILE_W: u32 = 124;
const TILE_H: u32 = 50;
const GAP: u32 = 6;
const TOP: u32 = 36;
const LEFT: u32 = 10;
const WIDTH: u32 = LEFT * 2 + 4 * TILE_W + 3 * GAP;
const HEIGHT: u32 = TOP + 9 * (TILE_H + GAP) + 56;

/// Fill and text colour per fifth of the share; each pair has at least 4.5:1 contrast.
const SCALE: [(&str, &str); 5] = [
    ("#eef3f9", INK),
    ("#c6d8ee", INK),
    ("#8fb3dd", INK),
    ("#2f6db3", "white"),
    ("#163f73", "white"),
];

fn colours(share: Option<f64>) -> (&'static str, &'static str) {
    match share {
        None => ("#e0e0e0", INK),
        Some(s) => SCALE[((s * 5.0).floor() as usize).min(4)],
    }
}

/// A county's name without "län", as the tiles show it.
pub fn short_name(name: &str) -> &str {
    let name = name.strip_suffix(" län").unwrap_or(name);
    match name.strip_suffix('s') {
        Some(stem) if name.len() > 6 && !name.ends_with("ss") => stem,
        _ => name,
    }
}

/// The query string that keeps the page's language on links.
pub fn lang_query(lang: Lang) -> &'static str {
    match lang {
        Lang::Sv => "",
        Lang::En => "?lang=en",
    }
}

pub fn chart(snapshot: &Snapshot, lang: Lang) -> Chart {
    let counts = |code: &str, status: SignatoryStatus| {
        snapshot
            .statistics
            .by_county_and_status
            .iter()
            .filter(|c| c.county_code == code && c.status == status)
            .map(|c| c.count)
            .sum::<u64>()
    };
    let title = lang
        .pick("Andel som undertecknat, per län", "Share signed, by county")
        .to_owned();
    let mut rows = Vec::new();
    let mut tiles = String::new();
    let (mut all_signed, mut all_total) = (0, 0);
    for (code, col, row) in TILES {
        let name = snapshot
            .counties
            .iter()
            .find(|c| c.code == code)
            .map_or(code, |c| c.name.as_str());
        let signed = counts(code, SignatoryStatus::Signed);
        let withdrawn = counts(code, SignatoryStatus::Withdrawn);
        let total = signed + withdrawn + counts(code, SignatoryStatus::NeverSigned);
        all_signed += signed;
        all_total += total;
        let share = (total > 0).then(|| signed as f64 / total as f64);
        let shown = share.map_or_else(|| "–".to_owned(), |s| lang.percent(s));
        let (fill, ink) = colours(share);
        let x = LEFT + col * (TILE_W + GAP);
        let y = TOP + row * (TILE_H + GAP);
        let _ = write!(
            tiles,
            r#"<a href="/counties/{code}{}"><rect class="county" x="{x}" y="{y}" width="{TILE_W}" height="{TILE_H}" rx="4" fill="{fill}" stroke="{INK}" stroke-width="0.5" data-county="{code}" data-signed="{signed}" data-withdrawn="{withdrawn}" data-total="{total}"/><text x="{}" y="{}" fill="{ink}" text-anchor="middle" font-weight="600">{}</text><text x="{}" y="{}" fill="{ink}" text-anchor="middle">{signed}/{total} · {}</text></a>"#,
            lang_query(lang),
            x + TILE_W / 2,
            y + 20,
            escape(short_name(name)),
            x + TILE_W / 2,
            y + 38,
            escape(&shown),
        );
        rows.push(vec![
            code.to_owned(),
            name.to_owned(),
            signed.to_string(),
            withdrawn.to_string(),
            total.to_string(),
            shown,
        ]);
    }
    let mut description = match lang {
        Lang::Sv => format!(
            "Karta med länen som rutor. {all_signed} av {all_total} i urvalet har ett gällande undertecknande. Mörkare ruta: större andel. Varje län länkar till sin sida."
        ),
        Lang::En => format!(
            "Tile map of the counties. {all_signed} of {all_total} in the selection have a signature that stands. Darker tile: larger share. Each county links to its page."
        ),
    };
    if snapshot.is_demo() {
        description.push_str(demo_note(lang));
    }
    let mut svg = String::new();
    open_svg(
        &mut svg,
        ChartKind::CountyMap.slug(),
        (WIDTH, HEIGHT),
        &title,
        &description,
        true,
    );
    svg.push_str(&tiles);
    legend(&mut svg, lang);
    if snapshot.is_demo() {
        demo_mark(&mut svg, WIDTH, demo_label(lang));
    }
    svg.push_str("</svg>");
    Chart {
        kind: ChartKind::CountyMap,
        title,
        description,
        table: Table {
            header: vec![
                lang.pick("Länskod", "County code").to_owned(),
                lang.pick("Län", "County").to_owned(),
                lang.pick("Undertecknat", "Signed").to_owned(),
                lang.pick("Frånträtt", "Withdrawn").to_owned(),
                lang.pick("Totalt", "Total").to_owned(),
                lang.pick("Andel undertecknat", "Share signed").to_owned(),
            ],
            rows,
        },
        svg,
        demo: snapshot.is_demo(),
    }
}

fn legend(svg: &mut String, lang: Lang) {
    let y = HEIGHT - 44;
    let _ = write!(
        svg,
        r#"<text x="{LEFT}" y="{}" fill="{INK}">{}</text>"#,
        y,
        lang.pick("Andel undertecknat", "Share signed")
    );
    for (i, (fill, ink)) in SCALE.iter().enumerate() {
        let x = LEFT + i as u32 * 70;
        let _ = write!(
            svg,
            r#"<rect x="{x}" y="{}" width="66" height="22" fill="{fill}" stroke="{INK}" stroke-width="0.5"/><text x="{}" y="{}" fill="{ink}" text-anchor="middle" font-size="12">{}–{} %</text>"#,
            y + 8,
            x + 33,
            y + 23,
            i * 20,
            (i + 1) * 20,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_county_has_one_tile_and_no_two_share_a_place() {
        let mut places: Vec<(u32, u32)> = TILES.iter().map(|(_, c, r)| (*c, *r)).collect();
        places.sort_unstable();
        places.dedup();
        assert_eq!(places.len(), 21);
    }

    #[test]
    fn tiles_show_the_county_without_lan() {
        assert_eq!(short_name("Stockholms län"), "Stockholm");
        assert_eq!(short_name("Västra Götalands län"), "Västra Götaland");
        assert_eq!(short_name("Kalmar län"), "Kalmar");
        assert_eq!(short_name("Skåne län"), "Skåne");
    }
}
