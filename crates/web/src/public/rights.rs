//! « Vos droits » (issue 15 item 4), public: what Mon Drive Santé is for, what it keeps and
//! the use of the CAFAT number, each right and where in the portals or from whom it is
//! exercised, whom to contact, and the commitment on data breaches. Linked from every page's
//! footer, from self-enrolment and from the professional's form that creates an inactive
//! account, so the person can be informed before anything is created.

use crate::public::page;
use crate::shell::error::Page;
use crate::shell::i18n::Lang;
use axum::response::{Html, IntoResponse};
use maud::html;

/// The sections of the page: a title and its paragraphs (text keys).
const SECTIONS: &[(&str, &[&str])] = &[
    (
        "rights.purpose.title",
        &[
            "rights.purpose.1",
            "rights.purpose.2",
            "rights.purpose.cafat",
        ],
    ),
    (
        "rights.list.title",
        &[
            "rights.access",
            "rights.rectification",
            "rights.limitation",
            "rights.opposition",
            "rights.erasure",
            "rights.portability",
        ],
    ),
    (
        "rights.contact.title",
        &["rights.contact.1", "rights.contact.2"],
    ),
    ("rights.breach.title", &["rights.breach.1"]),
];

/// Anyone. The rights page.
pub async fn rights(lang: Lang) -> Page {
    let l = lang;
    let body = html! {
        p.lead { (l.t("rights.intro")) }
        @for (title, paragraphs) in SECTIONS {
            section {
                h2 { (l.t(title)) }
                @for p in *paragraphs { p { (l.t(p)) } }
            }
        }
        p.hint { (l.t("rights.version")) " " (mds_app::patients::RIGHTS_NOTICE_VERSION) }
    };
    Ok(Html(page(l, l.t("rights.title"), "/droits", body).into_string()).into_response())
}
