//! CDA R2 documents read for display: the header (title, date, patient, authors, custodian)
//! and the sections' narrative as a small plain model (paragraphs, lists, tables of text).
//! Pure: bytes in, model out. Nothing of the document's markup survives: every attribute
//! (styles, ids, `href`, `src`, event handlers) is dropped, links keep their text only,
//! multimedia is named but never fetched, `script` and `style` elements are dropped whole.
//! DTDs and entity declarations are refused by the parser; the number of nodes and the depth
//! of nested sections are bounded, and the narrative is walked without recursion.

use roxmltree::{Document, Node, ParsingOptions};

/// One step of a depth-first walk: entering or leaving a node.
enum Edge<'a, 'i> {
    Open(Node<'a, 'i>),
    Close(Node<'a, 'i>),
}

/// The depth-first walk of `n` and its descendants, without recursion.
fn traverse<'a, 'i>(n: Node<'a, 'i>) -> Vec<Edge<'a, 'i>> {
    let mut edges = Vec::new();
    let mut node = n;
    loop {
        edges.push(Edge::Open(node));
        if let Some(c) = node.first_child() {
            node = c;
            continue;
        }
        loop {
            edges.push(Edge::Close(node));
            if node == n {
                return edges;
            }
            if let Some(next) = node.next_sibling() {
                node = next;
                break;
            }
            match node.parent() {
                Some(p) => node = p,
                None => return edges,
            }
        }
    }
}

/// Most XML nodes read in one document (a large real CDA has a few thousand).
pub const MAX_NODES: u32 = 200_000;

/// Sections nested deeper than this are shown as plain text of their parent.
pub const MAX_SECTION_DEPTH: usize = 6;

/// A CDA document as shown to people.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cda {
    pub title: Option<String>,
    /// `YYYY-MM-DD`, from `effectiveTime`.
    pub date: Option<String>,
    pub patient: Option<Patient>,
    pub authors: Vec<Author>,
    pub custodian: Option<String>,
    pub sections: Vec<Section>,
    /// The body is not structured (`nonXMLBody`): only the download shows it.
    pub unstructured_body: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Patient {
    pub name: String,
    /// `YYYY-MM-DD`.
    pub birth_date: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Author {
    pub name: Option<String>,
    pub organization: Option<String>,
    /// `YYYY-MM-DD`.
    pub date: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Section {
    pub title: Option<String>,
    pub blocks: Vec<Block>,
    pub sections: Vec<Section>,
}

/// A piece of narrative. Every string is plain text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    /// A paragraph, one string per line.
    Text(Vec<String>),
    List {
        ordered: bool,
        items: Vec<String>,
    },
    Table {
        caption: Option<String>,
        rows: Vec<Row>,
    },
    /// Multimedia (image, video…) referenced by the narrative: never fetched nor shown.
    Multimedia,
}

/// A table row; `header` when it comes from `thead`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Row {
    pub header: bool,
    pub cells: Vec<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CdaError {
    /// Not UTF-8, not well-formed, or declares a DTD or an unknown entity.
    #[error("unreadable XML: {0}")]
    Xml(String),
    #[error("the document has more than {MAX_NODES} XML nodes")]
    TooLarge,
    #[error("not a CDA document (no ClinicalDocument root)")]
    NotCda,
}

/// The namespace of CDA R2 (HL7 version 3).
pub const HL7_V3: &str = "urn:hl7-org:v3";

/// Parses XML text the one way every reader of the service does: a leading byte order mark
/// skipped, no DTD (refused, not ignored), no entity resolver, at most [`MAX_NODES`] nodes.
/// The format check and the reader share it, so what is accepted can be read.
pub(crate) fn read_xml(text: &str) -> Result<Document<'_>, roxmltree::Error> {
    let opt = ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_NODES,
        entity_resolver: None,
    };
    Document::parse_with_options(text.trim_start_matches('\u{feff}'), opt)
}

/// Reads a CDA document for display.
pub fn parse(bytes: &[u8]) -> Result<Cda, CdaError> {
    let text = std::str::from_utf8(bytes).map_err(|_| CdaError::Xml("not UTF-8".into()))?;
    let doc = read_xml(text).map_err(|e| match e {
        roxmltree::Error::NodesLimitReached => CdaError::TooLarge,
        e => CdaError::Xml(e.to_string()),
    })?;
    let root = doc.root_element();
    if root.tag_name().name() != "ClinicalDocument" {
        return Err(CdaError::NotCda);
    }
    let body = path(root, &["component"]);
    Ok(Cda {
        title: child(root, "title").map(text_of).filter(|t| !t.is_empty()),
        date: child(root, "effectiveTime").and_then(date_of),
        patient: path(root, &["recordTarget", "patientRole", "patient"]).map(|p| Patient {
            name: child(p, "name").map(name_of).unwrap_or_default(),
            birth_date: child(p, "birthTime").and_then(date_of),
        }),
        authors: children(root, "author").map(author_of).collect(),
        custodian: path(
            root,
            &[
                "custodian",
                "assignedCustodian",
                "representedCustodianOrganization",
                "name",
            ],
        )
        .map(text_of)
        .filter(|t| !t.is_empty()),
        sections: body
            .and_then(|b| child(b, "structuredBody"))
            .map(|b| {
                children(b, "component")
                    .filter_map(|c| child(c, "section"))
                    .map(|s| section(s, 1))
                    .collect()
            })
            .unwrap_or_default(),
        unstructured_body: body.and_then(|b| child(b, "nonXMLBody")).is_some(),
    })
}

fn children<'a, 'i>(n: Node<'a, 'i>, name: &'static str) -> impl Iterator<Item = Node<'a, 'i>> {
    n.children()
        .filter(move |c| c.is_element() && c.tag_name().name() == name)
}

fn child<'a, 'i>(n: Node<'a, 'i>, name: &'static str) -> Option<Node<'a, 'i>> {
    children(n, name).next()
}

fn path<'a, 'i>(n: Node<'a, 'i>, names: &[&'static str]) -> Option<Node<'a, 'i>> {
    names.iter().try_fold(n, |n, name| child(n, name))
}

/// Runs of white space become one space; the ends are trimmed.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text gathered on lines: `br`, and the starts of paragraphs, items, rows, captions and
/// titles, begin a new line; `script` and `style` are dropped whole. Iterative, so that any
/// nesting depth is safe.
#[derive(Default)]
struct Lines {
    lines: Vec<String>,
    line: String,
}

impl Lines {
    fn end_line(&mut self) {
        let l = collapse(&self.line);
        if !l.is_empty() {
            self.lines.push(l);
        }
        self.line.clear();
    }

    fn feed(&mut self, n: Node) {
        let mut dropped = 0usize;
        for edge in traverse(n) {
            match edge {
                Edge::Open(x) if x.is_element() => {
                    let name = x.tag_name().name();
                    if matches!(name, "script" | "style") {
                        dropped += 1;
                    } else if dropped == 0 {
                        match name {
                            "br" | "paragraph" | "item" | "tr" | "caption" | "title" => {
                                self.end_line();
                            }
                            // Cells of a row stay on one line, apart.
                            "td" | "th" => self.line.push(' '),
                            _ => {}
                        }
                    }
                }
                Edge::Open(x) if x.is_text() && dropped == 0 => {
                    self.line.push_str(x.text().unwrap_or_default());
                }
                Edge::Close(x) if x.is_element() => {
                    if matches!(x.tag_name().name(), "script" | "style") {
                        dropped = dropped.saturating_sub(1);
                    }
                }
                _ => {}
            }
        }
    }

    fn finish(mut self) -> Vec<String> {
        self.end_line();
        self.lines
    }
}

/// The text of `n` and its descendants, on lines.
fn lines_of(n: Node) -> Vec<String> {
    let mut l = Lines::default();
    l.feed(n);
    l.finish()
}

/// The text of `n` on one line.
fn text_of(n: Node) -> String {
    lines_of(n).join(" ")
}

/// `YYYYMMDD…` (an HL7 TS in `value`) → `YYYY-MM-DD`, when it is a real date.
fn date_of(n: Node) -> Option<String> {
    let v = n.attribute("value")?;
    let digits = v.get(..8)?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (y, m, d) = (&digits[..4], &digits[4..6], &digits[6..8]);
    let month = m.parse::<u8>().ok()?;
    let day = d.parse::<u8>().ok()?;
    ((1..=12).contains(&month) && (1..=31).contains(&day)).then(|| format!("{y}-{m}-{d}"))
}

/// A person's name: prefix, given names, family name, suffix, in the document's order.
fn name_of(n: Node) -> String {
    let parts: Vec<String> = n
        .children()
        .filter(|c| c.is_element())
        .filter(|c| {
            matches!(
                c.tag_name().name(),
                "prefix" | "given" | "family" | "suffix"
            )
        })
        .map(text_of)
        .filter(|t| !t.is_empty())
        .collect();
    if parts.is_empty() {
        text_of(n)
    } else {
        parts.join(" ")
    }
}

fn author_of(a: Node) -> Author {
    let assigned = child(a, "assignedAuthor");
    let non_empty = |t: String| (!t.is_empty()).then_some(t);
    Author {
        name: assigned
            .and_then(|x| path(x, &["assignedPerson", "name"]))
            .map(name_of)
            .and_then(non_empty),
        organization: assigned
            .and_then(|x| path(x, &["representedOrganization", "name"]))
            .map(text_of)
            .and_then(non_empty),
        date: child(a, "time").and_then(date_of),
    }
}

fn section(s: Node, depth: usize) -> Section {
    let mut blocks = child(s, "text").map(narrative).unwrap_or_default();
    let nested = children(s, "component").filter_map(|c| child(c, "section"));
    let sections = if depth < MAX_SECTION_DEPTH {
        nested.map(|x| section(x, depth + 1)).collect()
    } else {
        for x in nested {
            let lines = lines_of(x);
            if !lines.is_empty() {
                blocks.push(Block::Text(lines));
            }
        }
        Vec::new()
    };
    Section {
        title: child(s, "title").map(text_of).filter(|t| !t.is_empty()),
        blocks,
        sections,
    }
}

/// The blocks of a section's `text`: paragraphs, lists, tables and multimedia at its top
/// level; anything else (inline content, unknown elements) becomes lines of text.
fn narrative(text: Node) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut inline = Lines::default();
    let flush = |inline: &mut Lines, blocks: &mut Vec<Block>| {
        let lines = std::mem::take(inline).finish();
        if !lines.is_empty() {
            blocks.push(Block::Text(lines));
        }
    };
    for c in text.children() {
        let name = if c.is_element() {
            c.tag_name().name()
        } else {
            ""
        };
        match name {
            "paragraph" => {
                flush(&mut inline, &mut blocks);
                let lines = lines_of(c);
                if !lines.is_empty() {
                    blocks.push(Block::Text(lines));
                }
            }
            "list" => {
                flush(&mut inline, &mut blocks);
                blocks.push(Block::List {
                    ordered: c.attribute("listType") == Some("ordered"),
                    items: children(c, "item")
                        .map(text_of)
                        .filter(|t| !t.is_empty())
                        .collect(),
                });
            }
            "table" => {
                flush(&mut inline, &mut blocks);
                blocks.push(table(c));
            }
            "renderMultiMedia" => {
                flush(&mut inline, &mut blocks);
                blocks.push(Block::Multimedia);
            }
            _ => inline.feed(c),
        }
    }
    flush(&mut inline, &mut blocks);
    blocks
}

fn table(t: Node) -> Block {
    let mut rows = Vec::new();
    let row = |tr: Node, header: bool| Row {
        header,
        cells: tr
            .children()
            .filter(|c| c.is_element() && matches!(c.tag_name().name(), "td" | "th"))
            .map(text_of)
            .collect(),
    };
    for c in t.children().filter(|c| c.is_element()) {
        match c.tag_name().name() {
            "tr" => rows.push(row(c, false)),
            name @ ("thead" | "tbody" | "tfoot") => {
                rows.extend(children(c, "tr").map(|tr| row(tr, name == "thead")));
            }
            _ => {}
        }
    }
    Block::Table {
        caption: child(t, "caption").map(text_of).filter(|x| !x.is_empty()),
        rows,
    }
}

#[cfg(test)]
#[path = "cda_tests.rs"]
mod tests;
