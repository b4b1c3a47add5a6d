//! Pieces of pages shared by the portals: dates, names and professions for people, the access
//! mode in words, the list of documents, a document's metadata and its download.

use crate::shell::i18n::Lang;
use maud::{html, Markup};
use mds_app::patients::identity::PatientSummary;
use mds_app::record::documents::DocumentView;
use mds_app::{Actor, App};
use mds_domain::{AccountId, DocumentSource, Format, IdentifierKind, Profession};
use std::collections::BTreeMap;

/// `2026-10-02` → `02/10/2026`.
pub fn date(iso: &str) -> String {
    let mut parts = iso.split('-');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(y), Some(m), Some(d)) => format!("{d}/{m}/{y}"),
        _ => iso.to_owned(),
    }
}

/// An identity scan for support, in a sandbox: an image inline, a PDF as a download named
/// `file_name`.
pub fn scan_response(
    content: axum::body::Bytes,
    format: Format,
    file_name: &str,
) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    let (mime, disposition) = match format.as_str() {
        "image/png" => ("image/png", "inline".to_owned()),
        "image/jpeg" => ("image/jpeg", "inline".to_owned()),
        _ => (
            "application/pdf",
            format!("attachment; filename=\"{file_name}.pdf\""),
        ),
    };
    (
        [
            (header::CONTENT_TYPE, mime.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; sandbox".to_owned(),
            ),
        ],
        content,
    )
        .into_response()
}

/// An identifier number with its kind, as people read it: « CAFAT 1234567 », « AMG 4821 ».
pub fn identifier(kind: IdentifierKind, number: &str) -> String {
    format!("{} {number}", kind.label())
}

/// « WÉA Marie Josépha ».
pub fn patient_name(p: &PatientSummary) -> String {
    format!(
        "{} {}",
        p.birth_name.to_uppercase(),
        p.first_names.join(" ")
    )
}

/// A profession in words, in French (nothing for a professional who left the directory).
pub fn profession(p: &impl ProfessionLabel) -> &'static str {
    p.label_in(Lang::Fr)
}

/// A profession in words in the page's language.
pub fn profession_in(lang: Lang, p: &impl ProfessionLabel) -> &'static str {
    p.label_in(lang)
}

/// What names a profession: one, or perhaps none.
pub trait ProfessionLabel {
    fn label_in(&self, lang: Lang) -> &'static str;
}

impl ProfessionLabel for Profession {
    fn label_in(&self, lang: Lang) -> &'static str {
        Profession::label(*self, lang.into())
    }
}

impl ProfessionLabel for Option<Profession> {
    fn label_in(&self, lang: Lang) -> &'static str {
        self.map_or("", |p| p.label(lang.into()))
    }
}

/// A document's type in the page's language (the app's French label for a type no longer in
/// the reference list).
pub fn type_label(lang: Lang, d: &DocumentView) -> &'static str {
    mds_domain::DocumentType::from_code(&d.type_code).map_or(d.type_label, |t| t.label(lang.into()))
}

/// A birth place code in words, with its code: « Nouméa (98818) », « Vanuatu (99514) »; the
/// code alone for a place not in the lists (a former commune).
pub fn birth_place(code: &str) -> String {
    match mds_domain::place::place_by_code(code) {
        Some(p) => format!("{} ({})", p.name, p.code),
        None => code.to_owned(),
    }
}

/// An instant, in New Caledonia time.
pub fn instant(ms: i64) -> String {
    mds_domain::Timestamp::from_millis(ms).to_noumea_display()
}

/// The access mode of a decision, in words.
pub fn mode_label(lang: Lang, mode: &str) -> &'static str {
    match mode {
        "care_team" => lang.t("mode.care_team"),
        "consented" => lang.t("mode.consented"),
        "break_glass" => lang.t("mode.break_glass"),
        "samu" => lang.t("mode.samu"),
        "blocked" => lang.t("mode.blocked"),
        "patient" => lang.t("mode.patient"),
        "support" => lang.t("mode.support"),
        _ => lang.t("mode.no_access"),
    }
}

/// Names of the authors of `docs`, looked up once each in the directory.
pub async fn author_names(
    app: &App,
    actor: &Actor,
    docs: &[DocumentView],
) -> BTreeMap<AccountId, String> {
    let mut names = BTreeMap::new();
    for id in docs.iter().filter_map(|d| d.author_account_id.clone()) {
        if names.contains_key(&id) {
            continue;
        }
        let name = match app.get_professional(actor, &id).await {
            Ok(p) => format!("{} {}", p.first_name, p.last_name),
            Err(_) => String::new(),
        };
        names.insert(id, name);
    }
    names
}

fn author<'a>(names: &'a BTreeMap<AccountId, String>, d: &DocumentView) -> &'a str {
    d.author_account_id
        .as_ref()
        .and_then(|id| names.get(id))
        .map_or("", String::as_str)
}

/// A table of documents; each title links to `href(document)`. The caption names the table
/// for screen readers; it is shown unless a heading right above already says the same.
pub fn document_table(
    lang: Lang,
    caption: (&str, bool),
    docs: &[DocumentView],
    names: &BTreeMap<AccountId, String>,
    href: &dyn Fn(&DocumentView) -> String,
) -> Markup {
    let l = lang;
    html! {
        @if docs.is_empty() {
            p { (l.t("documents.none")) }
        } @else {
            div.table-wrap {
                table.docs {
                    @if caption.1 {
                        caption { (caption.0) }
                    } @else {
                        caption.visually-hidden { (caption.0) }
                    }
                    thead {
                        tr {
                            th scope="col" { (l.t("documents.col.date")) }
                            th scope="col" { (l.t("documents.col.title")) }
                            th scope="col" { (l.t("documents.col.type")) }
                            th scope="col" { (l.t("documents.col.author")) }
                        }
                    }
                    tbody {
                        @for d in docs {
                            tr {
                                td { (date(&d.act_date)) }
                                td {
                                    a href=(href(d)) { (d.title) }
                                    @if d.confidential { " " span.tag { (l.t("documents.confidential")) } }
                                    @if d.hidden_from_patient { " " span.tag { (l.t("documents.hidden")) } }
                                }
                                td { (type_label(l, d)) }
                                td { (author(names, d)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A format (MIME type) for people.
pub fn format_label(format: Format) -> &'static str {
    match format {
        Format::Pdf => "PDF",
        Format::Png => "PNG",
        Format::Jpeg => "JPEG",
        Format::CdaXml => "CDA (XML)",
        Format::Text => "Texte",
    }
}

/// A document's metadata and its download link.
pub fn document_details(
    lang: Lang,
    d: &DocumentView,
    names: &BTreeMap<AccountId, String>,
    content_href: &str,
) -> Markup {
    let l = lang;
    let kb = (d.size_bytes + 1023) / 1024;
    html! {
        dl.meta {
            dt { (l.t("document.type")) } dd { (type_label(l, d)) }
            dt { (l.t("document.act_date")) } dd { (date(&d.act_date)) }
            dt { (l.t("document.author")) }
            dd { @if d.source == DocumentSource::Patient { (l.t("pdocs.author.patient")) } @else { (author(names, d)) } }
            dt { (l.t("document.added")) } dd { (instant(d.created_at_ms)) }
            dt { (l.t("document.format")) } dd { (format_label(d.format)) " — " (kb) " Ko" }
            dt { (l.t("document.version")) } dd { (d.version) }
            @if d.confidential { dt { (l.t("document.flags")) } dd { (l.t("documents.confidential")) } }
            @if d.hidden_from_patient { dt { (l.t("document.flags")) } dd { (l.t("documents.hidden")) } }
        }
        p { a.button href=(content_href) download { (l.t("document.download")) } }
    }
}

/// The answer of a download: the content as an attachment, never rendered in a page of this
/// origin (a sandboxing policy in case a browser ignores the disposition).
pub fn download(content: mds_app::record::documents::DocumentContent) -> axum::response::Response {
    let (mime, ext) = match content.meta.format.as_str() {
        "application/pdf" => ("application/pdf", "pdf"),
        "image/png" => ("image/png", "png"),
        "image/jpeg" => ("image/jpeg", "jpg"),
        "application/xml" => ("application/xml", "xml"),
        _ => ("text/plain; charset=utf-8", "txt"),
    };
    let name = format!("document-{}.{ext}", content.meta.id);
    attachment(mime, &name, content.content)
}

/// A file to save (`file_name` must be a plain ASCII name), never rendered: the download's
/// own CSP forbids everything and sandboxes it.
pub fn attachment(
    content_type: &str,
    file_name: &str,
    body: impl Into<axum::body::Body>,
) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; sandbox".to_owned(),
            ),
        ],
        body.into(),
    )
        .into_response()
}

/// « tuteur », « guardian »…
pub fn representation_kind(
    lang: crate::shell::i18n::Lang,
    kind: mds_domain::RepresentationKind,
) -> &'static str {
    match lang {
        crate::shell::i18n::Lang::Fr => kind.label_fr(),
        crate::shell::i18n::Lang::En => kind.label_en(),
    }
}
