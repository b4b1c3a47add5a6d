//! A record's documents as both portals list them (issue 15): the filters read from the query
//! (type, class, act dates, author), the page asked for, the filter form and the pager under
//! the table. Pages of [`PAGE_SIZE`]; the links keep the filters; a page past the end shows
//! the last one's neighbours, never an error. Works without JavaScript (a GET form, links).

use crate::shared::form::non_empty;
use crate::shell::i18n::Lang;
use crate::shell::url::encode;
use maud::{html, Markup};
use mds_app::record::documents::{DocumentFilter, DocumentQuery};
use mds_domain::{AccountId, DocumentType};
use serde::Deserialize;

/// Documents per page.
pub const PAGE_SIZE: usize = 50;
/// The highest page number read from an address (beyond, the last page is far anyway).
const MAX_PAGE: usize = 100_000;

#[derive(Deserialize, Default)]
pub struct Filters {
    #[serde(rename = "type")]
    pub type_code: Option<String>,
    pub class: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub author: Option<String>,
    pub page: Option<String>,
    /// The notice of an action that led here (not a filter).
    pub ok: Option<String>,
}

impl Filters {
    /// Whether any filter narrows the list (the page number is not a filter).
    pub fn active(&self) -> bool {
        self.pairs().next().is_some()
    }

    /// The page asked for, from 1.
    pub fn page(&self) -> usize {
        self.page
            .as_deref()
            .and_then(|p| p.trim().parse::<usize>().ok())
            .unwrap_or(1)
            .clamp(1, MAX_PAGE)
    }

    pub fn query(&self) -> DocumentQuery {
        DocumentQuery {
            filter: DocumentFilter {
                type_code: non_empty(&self.type_code),
                class_code: non_empty(&self.class),
                act_date_from: non_empty(&self.from),
                act_date_to: non_empty(&self.to),
                author_account_id: non_empty(&self.author).and_then(|a| AccountId::parse(&a)),
                ..DocumentFilter::default()
            },
            limit: PAGE_SIZE,
            offset: (self.page() - 1) * PAGE_SIZE,
        }
    }

    /// The filters set, as query pairs.
    fn pairs(&self) -> impl Iterator<Item = (&'static str, String)> + '_ {
        [
            ("type", &self.type_code),
            ("class", &self.class),
            ("from", &self.from),
            ("to", &self.to),
            ("author", &self.author),
        ]
        .into_iter()
        .filter_map(|(k, v)| non_empty(v).map(|v| (k, v)))
    }

    /// The address of `page` of this list at `base`, filters kept.
    pub fn href(&self, base: &str, page: usize) -> String {
        let mut query: Vec<String> = self
            .pairs()
            .map(|(k, v)| format!("{k}={}", encode(&v)))
            .collect();
        if page > 1 {
            query.push(format!("page={page}"));
        }
        if query.is_empty() {
            base.to_owned()
        } else {
            format!("{base}?{}", query.join("&"))
        }
    }
}

/// The classes of the document types, each once, in the order of the types, named in `lang`.
fn classes(lang: Lang) -> Vec<(&'static str, &'static str)> {
    let mut out: Vec<(&str, &str)> = Vec::new();
    for t in DocumentType::all() {
        if !out.iter().any(|(c, _)| *c == t.class_code()) {
            out.push((t.class_code(), t.class_label(lang.into())));
        }
    }
    out
}

/// The filter form, sent with GET to `action`.
pub fn filter_form(
    lang: Lang,
    f: &Filters,
    authors: &[(AccountId, String)],
    action: &str,
) -> Markup {
    let l = lang;
    let sel = |v: &Option<String>, x: &str| v.as_deref() == Some(x);
    html! {
        form.filters method="get" action=(action) role="search" aria-label=(l.t("documents.filters")) {
            div.field {
                label for="f-type" { (l.t("documents.filter.type")) }
                select #f-type name="type" {
                    option value="" { (l.t("documents.filter.any")) }
                    @for t in DocumentType::all() {
                        option value=(t.code()) selected[sel(&f.type_code, t.code())] { (t.label(l.into())) }
                    }
                }
            }
            div.field {
                label for="f-class" { (l.t("documents.filter.class")) }
                select #f-class name="class" {
                    option value="" { (l.t("documents.filter.any")) }
                    @for (code, label) in classes(l) {
                        option value=(code) selected[sel(&f.class, code)] { (label) }
                    }
                }
            }
            div.field {
                label for="f-from" { (l.t("documents.filter.from")) }
                input #f-from type="date" name="from" value=[f.from.as_deref()];
            }
            div.field {
                label for="f-to" { (l.t("documents.filter.to")) }
                input #f-to type="date" name="to" value=[f.to.as_deref()];
            }
            div.field {
                label for="f-author" { (l.t("documents.filter.author")) }
                select #f-author name="author" {
                    option value="" { (l.t("documents.filter.any")) }
                    @for (id, name) in authors {
                        option value=(id) selected[sel(&f.author, id.as_str())] { (name) }
                    }
                }
            }
            div.actions {
                button type="submit" { (l.t("documents.filter.apply")) }
                a href=(action) { (l.t("documents.filter.reset")) }
            }
        }
    }
}

/// The filter form folded under « Filtrer les documents » (open while filters apply), for a
/// page whose documents must show on the first screen (the professional's record view, read
/// in an emergency). A `details` element: it opens without JavaScript.
pub fn folded_filter_form(
    lang: Lang,
    f: &Filters,
    authors: &[(AccountId, String)],
    action: &str,
) -> Markup {
    html! {
        details.filter-box open[f.active()] {
            summary { (lang.t("documents.filters")) }
            (filter_form(lang, f, authors, action))
        }
    }
}

/// « Page 2 sur 3 » with the previous and next pages, under a table of `total` documents;
/// nothing when one page holds them all.
pub fn pager(lang: Lang, f: &Filters, base: &str, total: usize) -> Markup {
    let l = lang;
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    if pages == 1 {
        return html! {};
    }
    let page = f.page().min(pages);
    html! {
        nav.pager aria-label=(l.t("pager.label")) {
            @if page > 1 {
                a rel="prev" href=(f.href(base, page - 1)) { (l.t("pager.previous")) }
            }
            span aria-current="page" { (l.t("pager.page")) " " (page) " " (l.t("pager.of")) " " (pages) }
            @if page < pages {
                a rel="next" href=(f.href(base, page + 1)) { (l.t("pager.next")) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filters(page: Option<&str>, type_code: Option<&str>) -> Filters {
        Filters {
            page: page.map(str::to_owned),
            type_code: type_code.map(str::to_owned),
            ..Filters::default()
        }
    }

    #[test]
    fn pages_are_read_safely_and_links_keep_the_filters() {
        let table = [
            (None, 1, 0),
            (Some("2"), 2, PAGE_SIZE),
            (Some("0"), 1, 0),
            (Some("-3"), 1, 0),
            (Some("deux"), 1, 0),
            (Some("99999999999"), MAX_PAGE, (MAX_PAGE - 1) * PAGE_SIZE),
        ];
        for (raw, page, offset) in table {
            let f = filters(raw, None);
            assert_eq!((f.page(), f.query().offset), (page, offset), "{raw:?}");
            assert!(!f.active(), "a page is not a filter");
        }
        let f = filters(Some("2"), Some("11488-4"));
        assert!(f.active());
        assert_eq!(
            f.href("/patient/documents", 1),
            "/patient/documents?type=11488-4"
        );
        assert_eq!(
            f.href("/pro/records/x", 3),
            "/pro/records/x?type=11488-4&page=3"
        );
        let odd = Filters {
            author: Some("a&b=c".into()),
            ..Filters::default()
        };
        assert_eq!(odd.href("/p", 1), "/p?author=a%26b%3Dc");
    }
}
