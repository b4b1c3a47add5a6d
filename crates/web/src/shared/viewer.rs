//! The document viewer of the patient and professional portals: a PDF in a frame, an image,
//! a CDA rendered here as plain HTML (from the reader in `mds_domain::cda`: text, lists and
//! tables only, nothing of the document's markup), plain text; anything else is downloaded.
//! Every content read goes through the record's use cases (gate, audit). Content shown in a
//! frame or an image is answered `inline` under its own sandboxing policy; only the pages that
//! frame a PDF allow `frame-src 'self'`, every other page keeps the strict policy.

use crate::shared::views;
use crate::shell::error::WebError;
use crate::shell::headers::CSP;
use crate::shell::i18n::Lang;
use crate::shell::Web;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use mds_app::record::documents::DocumentView;
use mds_app::Actor;
use mds_domain::cda::{self, Block, Cda, Section};
use mds_domain::{DocumentId, Format, PatientId};

/// The policy of content answered inline: nothing runs, nothing loads, framed by this site
/// only.
pub const INLINE_CSP: &str = "default-src 'none'; sandbox; frame-ancestors 'self'";

/// What a document page shows under the metadata, and whether it frames a PDF.
pub struct Shown {
    pub body: Markup,
    pub frames: bool,
}

impl Shown {
    /// The page's answer with the policy it needs: the strict one plus `frame-src 'self'`
    /// when it frames a PDF.
    pub fn apply(&self, mut page: Response) -> Response {
        if self.frames {
            if let Ok(v) = HeaderValue::from_str(&format!("{CSP}; frame-src 'self'")) {
                page.headers_mut()
                    .insert(header::CONTENT_SECURITY_POLICY, v);
            }
        }
        page
    }
}

/// The formats the viewer shows in the page itself (read with the page, in one decision); a
/// PDF or an image is framed from `view_href` instead.
pub fn shown_in_page(format: Format) -> bool {
    matches!(format, Format::CdaXml | Format::Text)
}

/// The viewer of `d`; `view_href` answers its content inline. A CDA or a text is rendered
/// here from `content`, read with the page ([`shown_in_page`]).
pub fn show(
    lang: Lang,
    d: &DocumentView,
    content: Option<&[u8]>,
    view_href: &str,
) -> Result<Shown, WebError> {
    let l = lang;
    let frames = d.format == Format::Pdf;
    let inner = match d.format {
        Format::Pdf => html! {
            div.viewer-frame {
                iframe.pdf src=(view_href) title=(format!("{} — {}", l.t("viewer.pdf.frame"), d.title)) {}
            }
            p.hint { (l.t("viewer.pdf.hint")) }
        },
        Format::Png | Format::Jpeg => html! {
            img.doc-image src=(view_href) alt=(d.title);
        },
        Format::CdaXml | Format::Text => {
            let content = content.ok_or(WebError::NotFound)?;
            if d.format == Format::Text {
                html! { pre.doc-text { (String::from_utf8_lossy(content)) } }
            } else {
                match cda::parse(content) {
                    Ok(c) => render_cda(lang, &c),
                    Err(e) => {
                        tracing::info!(document = %d.id, error = %e, "CDA not shown");
                        html! { p.hint { (l.t("viewer.cda.unreadable")) } }
                    }
                }
            }
        }
    };
    Ok(Shown {
        body: html! {
            section.viewer aria-labelledby="viewer-title" {
                h2 #viewer-title { (l.t("viewer.title")) }
                (inner)
            }
        },
        frames,
    })
}

fn render_cda(lang: Lang, c: &Cda) -> Markup {
    let l = lang;
    let date = |d: &Option<String>| d.as_deref().map(views::date);
    html! {
        div.cda {
            dl.meta {
                @if let Some(t) = &c.title { dt { (l.t("viewer.cda.title")) } dd { (t) } }
                @if let Some(d) = date(&c.date) { dt { (l.t("viewer.cda.date")) } dd { (d) } }
                @if let Some(p) = &c.patient {
                    dt { (l.t("viewer.cda.patient")) }
                    dd {
                        (p.name)
                        @if let Some(b) = date(&p.birth_date) { " — " (l.t("viewer.cda.born")) " " (b) }
                    }
                }
                @for a in &c.authors {
                    dt { (l.t("viewer.cda.author")) }
                    dd {
                        (a.name.as_deref().unwrap_or_default())
                        @if let Some(o) = &a.organization { @if a.name.is_some() { ", " } (o) }
                        @if let Some(d) = date(&a.date) { " (" (d) ")" }
                    }
                }
                @if let Some(o) = &c.custodian { dt { (l.t("viewer.cda.custodian")) } dd { (o) } }
            }
            @for s in &c.sections { (section(lang, s, 3)) }
            @if c.unstructured_body { p.hint { (l.t("viewer.cda.unstructured")) } }
            @if c.sections.is_empty() && !c.unstructured_body { p.hint { (l.t("viewer.cda.empty")) } }
        }
    }
}

/// A section and those it contains; headings from `h3` down to `h6` (nesting is bounded by
/// the reader).
fn section(lang: Lang, s: &Section, level: u8) -> Markup {
    let title = s.title.as_deref().unwrap_or(lang.t("viewer.cda.untitled"));
    html! {
        section.cda-section {
            @match level {
                3 => h3 { (title) },
                4 => h4 { (title) },
                5 => h5 { (title) },
                _ => h6 { (title) },
            }
            @for b in &s.blocks { (block(lang, b)) }
            @for x in &s.sections { (section(lang, x, (level + 1).min(6))) }
        }
    }
}

fn block(lang: Lang, b: &Block) -> Markup {
    let l = lang;
    html! {
        @match b {
            Block::Text(lines) => p {
                @for (i, line) in lines.iter().enumerate() { @if i > 0 { br; } (line) }
            },
            Block::List { ordered: true, items } => ol { @for i in items { li { (i) } } },
            Block::List { ordered: false, items } => ul { @for i in items { li { (i) } } },
            Block::Table { caption, rows } => (table(lang, caption.as_deref(), rows)),
            Block::Multimedia => p.hint { (l.t("viewer.cda.multimedia")) },
        }
    }
}

fn table(lang: Lang, caption: Option<&str>, rows: &[cda::Row]) -> Markup {
    // Header cells only when data cells follow them (a header alone is shown as data).
    let has_body = rows.iter().any(|r| !r.header);
    let label = caption.unwrap_or(lang.t("viewer.cda.table"));
    html! {
        @if !rows.is_empty() {
            div.table-wrap role="region" tabindex="0" aria-label=(label) {
                table {
                    @if let Some(c) = caption { caption { (c) } }
                    @for r in rows {
                        tr {
                            @for c in &r.cells {
                                @if r.header && has_body { th scope="col" { (c) } } @else { td { (c) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The content of a document answered inline (PDF, image) for a frame or an image of a
/// viewer page; any other format is a download.
pub async fn inline(
    web: &Web,
    actor: &Actor,
    pid: &PatientId,
    id: &DocumentId,
    ip: Option<String>,
) -> Result<Response, WebError> {
    let c = web
        .app
        .document_content_for(actor, pid, id, ip, crate::shell::now())
        .await?;
    let format = c.meta.format;
    if !matches!(format, Format::Pdf | Format::Png | Format::Jpeg) {
        return Ok(views::download(c));
    }
    let (mime, ext) = (format.mime(), format.extension());
    let name = format!("inline; filename=\"document-{}.{ext}\"", c.meta.id);
    Ok((
        [
            (header::CONTENT_TYPE, mime.to_owned()),
            (header::CONTENT_DISPOSITION, name),
            (header::CONTENT_SECURITY_POLICY, INLINE_CSP.to_owned()),
            (header::X_FRAME_OPTIONS, "SAMEORIGIN".to_owned()),
        ],
        c.content,
    )
        .into_response())
}
