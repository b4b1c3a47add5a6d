//! The page shell shared by every portal: language, skip link, header with the portal's
//! navigation, the language switch and sign-out, the main landmark, and the form widgets that
//! link labels, hints and error messages (`aria-describedby`). No inline script or style.

use crate::assets;
use crate::i18n::Lang;
use maud::{html, Markup, DOCTYPE};

/// Which portal a page belongs to (its navigation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Portal {
    Public,
    Patient,
    Pro,
    Support,
}

/// What the shell needs to know about the page.
pub struct Chrome<'a> {
    pub lang: Lang,
    pub portal: Portal,
    pub title: &'a str,
    /// Path and query of this page, to come back to after switching language.
    pub here: &'a str,
    /// Signed-in: display name and anti-CSRF token of the session (for sign-out).
    pub user: Option<(&'a str, &'a str)>,
}

fn nav(c: &Chrome) -> Markup {
    let l = c.lang;
    let links: &[(&str, &str)] = match c.portal {
        Portal::Public => &[],
        Portal::Patient => &[
            ("/patient", "nav.patient.home"),
            ("/patient/documents", "nav.patient.documents"),
            ("/patient/care-team", "nav.patient.care_team"),
            ("/patient/consents", "nav.patient.consents"),
            ("/patient/notifications", "nav.patient.notifications"),
            ("/patient/history", "nav.patient.history"),
            ("/patient/settings", "settings.nav"),
        ],
        Portal::Pro => &[
            ("/pro", "nav.pro.find"),
            ("/pro/search", "prox.nav.search"),
            ("/pro/patients/new", "prox.nav.create"),
            ("/pro/access-log", "prox.nav.log"),
        ],
        Portal::Support => &[
            ("/support", "nav.support.home"),
            ("/support/professionals", "nav.support.directory"),
            ("/support/alerts", "nav.support.alerts"),
            ("/support/patients", "supx.nav.patients"),
            ("/support/identity-reviews", "supx.nav.reviews"),
            ("/support/erasures", "supx.nav.erasures"),
            ("/support/audit", "supx.nav.audit"),
            ("/support/structures", "supx.nav.structures"),
        ],
    };
    let path = c.here.split('?').next().unwrap_or_default();
    html! {
        @if !links.is_empty() {
            nav aria-label=(l.t("nav.label")) {
                ul.nav {
                    @for (href, key) in links {
                        li {
                            @if path == *href {
                                a href=(href) aria-current="page" { (l.t(key)) }
                            } @else if within(path, href) {
                                a href=(href) aria-current="true" { (l.t(key)) }
                            } @else {
                                a href=(href) { (l.t(key)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Pages reached from a navigation entry whose address does not start with the entry's.
const SECTIONS: &[(&str, &[&str])] = &[(
    "/patient/settings",
    &[
        "/patient/emergency",
        "/patient/blocked",
        "/patient/preferences",
        "/patient/export",
        "/patient/close",
    ],
)];

/// Whether `path` is a page below the navigation entry `href` (marked as the current section).
fn within(path: &str, href: &str) -> bool {
    let portal_home = matches!(href, "/patient" | "/pro" | "/support");
    let below = !portal_home
        && path
            .strip_prefix(href)
            .is_some_and(|rest| rest.starts_with('/'));
    below
        || SECTIONS
            .iter()
            .any(|(entry, pages)| *entry == href && pages.contains(&path))
}

/// A whole page.
pub fn page(c: &Chrome, body: Markup) -> Markup {
    let l = c.lang;
    let other = l.other();
    let switch = format!(
        "/lang/{}?next={}",
        other.code(),
        crate::form::encode(c.here)
    );
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
                header.top {
                    div.wrap.top-row {
                        a.brand href="/" { "Mon Drive Santé" }
                        div.tools {
                            a href=(switch) lang=(other.code()) hreflang=(other.code()) {
                                (other.name())
                            }
                            @if let Some((name, csrf)) = c.user {
                                span.who { (name) }
                                form.inline method="post" action="/logout" {
                                    input type="hidden" name="csrf" value=(csrf);
                                    button.link type="submit" { (l.t("layout.logout")) }
                                }
                            }
                        }
                    }
                    div.wrap { (nav(c)) }
                }
                main #main.wrap tabindex="-1" {
                    h1 { (c.title) }
                    (body)
                }
                footer.wrap {
                    p { (l.t("layout.footer")) }
                }
            }
        }
    }
}

/// A page for an error (not signed-in chrome: the error may be about the session).
pub fn error_page(lang: Lang, title: &str, message: &str) -> Markup {
    let c = Chrome {
        lang,
        portal: Portal::Public,
        title,
        here: "/",
        user: None,
    };
    page(
        &c,
        html! {
            p.error role="alert" { (message) }
            p { a href="/" { (lang.t("error.back_home")) } }
        },
    )
}

/// A confirmation after an action (the GET after the POST), announced politely.
pub fn notice(text: Option<&str>) -> Markup {
    html! {
        @if let Some(t) = text {
            p.notice role="status" { (t) }
        }
    }
}

/// An error in a form, announced at once and named by the fields it concerns.
pub fn form_error(id: &str, text: Option<&str>) -> Markup {
    html! {
        @if let Some(t) = text {
            p.error #(id) role="alert" { (t) }
        }
    }
}

/// `aria-describedby` of a field: its hint and the form's error, when present.
pub fn described_by(hint: Option<&str>, error: Option<&str>) -> Option<String> {
    let ids: Vec<&str> = [hint, error].into_iter().flatten().collect();
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// The hidden anti-CSRF field of every posted form.
pub fn csrf(token: &str) -> Markup {
    html! { input type="hidden" name="csrf" value=(token); }
}

#[cfg(test)]
mod tests {
    use super::within;

    #[test]
    fn the_current_section_of_a_page() {
        let cases = [
            ("/patient/documents/abc", "/patient/documents", true),
            ("/patient/documents-old", "/patient/documents", false),
            ("/patient/documents", "/patient", false),
            ("/patient/emergency", "/patient/settings", true),
            ("/patient/close", "/patient/settings", true),
            ("/patient/history", "/patient/settings", false),
            ("/pro/records/1", "/pro", false),
            ("/support/patients/1/life", "/support/patients", true),
        ];
        for (path, href, expected) in cases {
            assert_eq!(within(path, href), expected, "{path} under {href}");
        }
    }
}
