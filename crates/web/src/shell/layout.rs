//! The page layout shared by every portal: language, skip link, header with the portal's
//! navigation (given by the portal), the language switch and sign-out — behind a « Menu »
//! disclosure on a phone —, the main landmark. No inline script or style.

use crate::shell::assets;
use crate::shell::error::Page;
use crate::shell::i18n::Lang;
use crate::shell::url::encode;
use axum::response::{Html, IntoResponse};
use maud::{html, Markup, DOCTYPE};

/// A portal's navigation: its entries (address, text key), the first one being the portal's
/// home, and the pages reached from an entry whose address does not start with the entry's.
pub struct Nav {
    pub links: &'static [(&'static str, &'static str)],
    pub sections: &'static [(&'static str, &'static [&'static str])],
}

impl Nav {
    /// The public pages have no navigation.
    pub const NONE: Nav = Nav {
        links: &[],
        sections: &[],
    };

    /// Whether `path` is a page below the navigation entry `href` (marked as the current
    /// section); the portal's home is the current section of no other page.
    fn within(&self, path: &str, href: &str) -> bool {
        let portal_home = self.links.first().is_some_and(|(home, _)| *home == href);
        let below = !portal_home
            && path
                .strip_prefix(href)
                .is_some_and(|rest| rest.starts_with('/'));
        below
            || self
                .sections
                .iter()
                .any(|(entry, pages)| *entry == href && pages.contains(&path))
    }
}

/// What the layout needs to know about the page.
pub struct Chrome<'a> {
    pub lang: Lang,
    pub nav: &'a Nav,
    pub title: &'a str,
    /// Path and query of this page, to come back to after switching language.
    pub here: &'a str,
    /// Signed-in: display name and anti-CSRF token of the session (for sign-out).
    pub user: Option<(&'a str, &'a str)>,
    /// A professional's session: the structure it acts from, and whether another may be
    /// chosen (then linked to the choice).
    pub structure: Option<(&'a str, bool)>,
    /// Counts beside navigation links (`(link, count)`), shown when not zero.
    pub counts: &'a [(&'static str, i64)],
    /// A patient-portal session acting on the record of the person named, as their legal
    /// representative: every page says so and offers the way back.
    pub acting_for: Option<&'a str>,
}

impl<'a> Chrome<'a> {
    /// A page outside the portals: no navigation, nobody signed in.
    pub fn public(lang: Lang, title: &'a str, here: &'a str) -> Self {
        Self {
            lang,
            nav: &Nav::NONE,
            title,
            here,
            user: None,
            structure: None,
            counts: &[],
            acting_for: None,
        }
    }
}

fn nav(c: &Chrome) -> Markup {
    let l = c.lang;
    let links = c.nav.links;
    let path = c.here.split('?').next().unwrap_or_default();
    html! {
        @if !links.is_empty() {
            nav aria-label=(l.t("nav.label")) {
                ul.nav {
                    @for (href, key) in links {
                        li {
                            @if path == *href {
                                a href=(href) aria-current="page" { (l.t(key)) (count(c, href)) }
                            } @else if c.nav.within(path, href) {
                                a href=(href) aria-current="true" { (l.t(key)) (count(c, href)) }
                            } @else {
                                a href=(href) { (l.t(key)) (count(c, href)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The count beside a navigation link, when there is one and it is not zero: read as « 3
/// nouvelles » by a screen reader.
fn count(c: &Chrome, href: &str) -> Markup {
    let n = c
        .counts
        .iter()
        .find(|(h, _)| *h == href)
        .map_or(0, |(_, n)| *n);
    html! {
        @if n > 0 {
            " " span.count { (n) span.visually-hidden { " " (c.lang.t("nav.count.new")) } }
        }
    }
}

/// The language switch, the signed-in person's name and sign-out.
fn tools(c: &Chrome) -> Markup {
    let l = c.lang;
    let other = l.other();
    let switch = format!("/lang/{}?next={}", other.code(), encode(c.here));
    html! {
        div.tools {
            a href=(switch) lang=(other.code()) hreflang=(other.code()) { (other.name()) }
            @if let Some((name, csrf)) = c.user {
                span.who { (name) }
                @if let Some((structure, choosable)) = c.structure {
                    @if choosable {
                        a.structure href=(format!("/pro/structure?next={}", encode(c.here))) title=(l.t("layout.structure.change")) {
                            (l.t("layout.structure")) " " (structure)
                        }
                    } @else {
                        span.structure { (structure) }
                    }
                }
                a href="/password" { (l.t("layout.password")) }
                a href="/passkeys" { (l.t("layout.passkeys")) }
                form.inline method="post" action="/logout" {
                    input type="hidden" name="csrf" value=(csrf);
                    button.link type="submit" { (l.t("layout.logout")) }
                }
            }
        }
    }
}

/// The header: on a wide screen the brand, the tools and the whole navigation; on a phone
/// (the style sheet shows one or the other) the brand and a « Menu » disclosure holding the
/// same navigation and tools, so the header stays one line high. The disclosure is a
/// `details` element: it opens without JavaScript. Only one of the two is displayed at a
/// time, so assistive technologies meet one navigation landmark.
fn header(c: &Chrome) -> Markup {
    let l = c.lang;
    if c.nav.links.is_empty() && c.user.is_none() {
        // A public page: the language switch alone fits beside the brand.
        return html! {
            header.top {
                div.wrap.top-row { a.brand href="/" { "Mon Drive Santé" } (tools(c)) }
            }
        };
    }
    html! {
        header.top {
            div.wrap.top-row {
                a.brand href="/" { "Mon Drive Santé" }
                div.wide { (tools(c)) }
                details.menu {
                    summary { (l.t("layout.menu")) }
                    div.menu-body { (nav(c)) (tools(c)) }
                }
            }
            div.wrap.wide { (nav(c)) }
        }
    }
}

/// A whole page.
pub fn page(c: &Chrome, body: Markup) -> Markup {
    let l = c.lang;
    html! {
        (DOCTYPE)
        html lang=(l.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (c.title) " — Mon Drive Santé" }
                link rel="stylesheet" href=(assets::css());
                link rel="icon" href="/static/favicon.svg" type="image/svg+xml";
                script src=(assets::js()) defer {}
            }
            body {
                a.skip href="#main" { (l.t("layout.skip")) }
                (header(c))
                main #main.wrap tabindex="-1" {
                    @if let (Some(person), Some((_, csrf))) = (c.acting_for, c.user) {
                        div.acting-for role="status" {
                            (l.t("layout.acting_for")) " " strong { (person) } " " (l.t("layout.acting_for.as"))
                            form.inline method="post" action="/patient/act-for" {
                                input type="hidden" name="csrf" value=(csrf);
                                input type="hidden" name="patient_id" value="";
                                " " button.secondary type="submit" { (l.t("layout.acting_for.back")) }
                            }
                        }
                    }
                    h1 { (c.title) }
                    (body)
                }
                footer.wrap {
                    p { (l.t("layout.footer")) " " a href="/droits" { (l.t("layout.rights")) } }
                }
            }
        }
    }
}

/// A whole page as the answer of a handler.
pub fn render(c: &Chrome, body: Markup) -> Page {
    Ok(Html(page(c, body).into_string()).into_response())
}

/// A page for an error (not signed-in chrome: the error may be about the session).
pub fn error_page(lang: Lang, title: &str, message: &str) -> Markup {
    let c = Chrome::public(lang, title, "/");
    page(
        &c,
        html! {
            p.error role="alert" { (message) }
            p { a href="/" { (lang.t("error.back_home")) } }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::Nav;

    #[test]
    fn the_current_section_of_a_page() {
        let nav = Nav {
            links: &[
                ("/portal", "home"),
                ("/portal/documents", "documents"),
                ("/portal/settings", "settings"),
            ],
            sections: &[("/portal/settings", &["/portal/emergency"])],
        };
        let cases = [
            ("/portal/documents/abc", "/portal/documents", true),
            ("/portal/documents-old", "/portal/documents", false),
            ("/portal/documents", "/portal", false),
            ("/portal/emergency", "/portal/settings", true),
            ("/portal/history", "/portal/settings", false),
            ("/portal/records/1", "/portal", false),
        ];
        for (path, href, expected) in cases {
            assert_eq!(nav.within(path, href), expected, "{path} under {href}");
        }
    }
}
