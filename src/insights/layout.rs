//! The frame of every public page: language, skip link, header with the language
//! switch, the demonstration banner and the footer. The stylesheet is a separate file,
//! so the pages run under a content security policy without any inline exception.

use super::i18n::Lang;
use super::markup::escape;
use std::fmt::Write;

/// A page's frame around its `main` content.
pub struct Frame<'a> {
    pub lang: Lang,
    pub title: &'a str,
    /// The page's path, for the language switch.
    pub path: &'a str,
    pub demo: bool,
}

impl Frame<'_> {
    /// The whole document.
    pub fn render(&self, main: &str) -> String {
        let lang = self.lang;
        let other = lang.other();
        let switch = match other {
            Lang::Sv => self.path.to_owned(),
            Lang::En => format!("{}?lang=en", self.path),
        };
        let home = match lang {
            Lang::Sv => "/".to_owned(),
            Lang::En => "/?lang=en".to_owned(),
        };
        let mut out = String::with_capacity(main.len() + 2048);
        let _ = write!(
            out,
            r##"<!doctype html>
<html lang="{}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{} · {}</title>
<link rel="stylesheet" href="/insights/style.css">
<link rel="icon" href="/insights/icon.svg" type="image/svg+xml">
</head>
<body>
<a class="skip" href="#main">{}</a>
<header class="site">
<p class="brand"><a href="{home}">{}</a></p>
<nav aria-label="{}"><a href="{}" lang="{}" hreflang="{}">{}</a></nav>
</header>
"##,
            lang.code(),
            escape(self.title),
            lang.pick("CEMR-deklarationen i Sverige", "The CEMR charter in Sweden"),
            lang.pick("Hoppa till innehållet", "Skip to content"),
            lang.pick("CEMR-deklarationen i Sverige", "The CEMR charter in Sweden"),
            lang.pick("Språk", "Language"),
            escape(&switch),
            other.code(),
            other.code(),
            other.pick("Svenska", "English"),
        );
        out.push_str(r#"<main id="main" tabindex="-1">"#);
        if self.demo {
            let _ = write!(
                out,
                r#"<div class="demo-banner" role="note"><strong>{}</strong> {}</div>"#,
                lang.pick("Demodata.", "Demo data."),
                lang.pick(
                    "Registret innehåller genererade demonstrationsuppgifter: rimliga, men inte sanna. Figurer som räknar dem är märkta DEMODATA.",
                    "The register holds generated demonstration records: plausible, not true. Figures that count them are marked DEMO DATA.",
                ),
            );
        }
        out.push_str(main);
        let _ = write!(
            out,
            r#"</main>
<footer class="site"><p>{} <a href="/api/v1/docs/">REST</a> · <a href="/graphiql">GraphQL</a></p></footer>
</body>
</html>
"#,
            lang.pick(
                "Uppgifterna kommer från registrets öppna API:",
                "The figures come from the register's open API:",
            ),
        );
        out
    }
}
