//! A small reader of Rust sources for the layering test: tokens without comments (literals
//! kept whole, so that nothing inside them is taken for a path), the file modules a source
//! declares, and the paths it writes from `crate`, `super` or `self`, `use` trees expanded.

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    Ident(String),
    Str(String),
    /// `::`
    Sep,
    Open,
    Close,
    Comma,
    Semi,
    Star,
    Punct(char),
}

/// Tokens of a Rust source, with their line; comments dropped, literals kept whole.
pub fn lex(src: &str) -> Vec<(Tok, usize)> {
    let c: Vec<char> = src.chars().collect();
    let at = |i: usize| c.get(i).copied().unwrap_or('\0');
    let ident_char = |ch: char| ch.is_alphanumeric() || ch == '_';
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    while i < c.len() {
        let ch = c[i];
        let start_line = line;
        if ch == '\n' {
            line += 1;
            i += 1;
        } else if ch.is_whitespace() {
            i += 1;
        } else if ch == '/' && at(i + 1) == '/' {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if ch == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            loop {
                if at(i) == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if at(i) == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else if i >= c.len() {
                    break;
                } else {
                    line += usize::from(c[i] == '\n');
                    i += 1;
                }
            }
        } else if ch == '"' {
            let (text, next) = string(&c, i + 1, 0, &mut line);
            out.push((Tok::Str(text), start_line));
            i = next;
        } else if ch == '\'' {
            // A char literal ('x', '\n', '\u{..}') or a lifetime ('a).
            if at(i + 1) == '\\' {
                i += 2;
                while i < c.len() && c[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if at(i + 2) == '\'' {
                i += 3;
            } else {
                i += 1;
            }
        } else if ident_char(ch) && !ch.is_ascii_digit() {
            let begin = i;
            while i < c.len() && ident_char(c[i]) {
                i += 1;
            }
            let word: String = c[begin..i].iter().collect();
            let raw = matches!(word.as_str(), "r" | "br");
            if raw && (at(i) == '"' || (at(i) == '#' && matches!(at(i + 1), '"' | '#'))) {
                let mut hashes = 0;
                while at(i) == '#' {
                    hashes += 1;
                    i += 1;
                }
                let (text, next) = string(&c, i + 1, hashes, &mut line);
                out.push((Tok::Str(text), start_line));
                i = next;
            } else if word == "b" && at(i) == '"' {
                let (text, next) = string(&c, i + 1, 0, &mut line);
                out.push((Tok::Str(text), start_line));
                i = next;
            } else if word == "r" && at(i) == '#' {
                i += 1; // raw identifier: the name follows
            } else {
                out.push((Tok::Ident(word), start_line));
            }
        } else if ch.is_ascii_digit() {
            while i < c.len() && ident_char(c[i]) {
                i += 1;
            }
        } else {
            let tok = match ch {
                ':' if at(i + 1) == ':' => {
                    i += 1;
                    Tok::Sep
                }
                '{' => Tok::Open,
                '}' => Tok::Close,
                ',' => Tok::Comma,
                ';' => Tok::Semi,
                '*' => Tok::Star,
                other => Tok::Punct(other),
            };
            out.push((tok, start_line));
            i += 1;
        }
    }
    out
}

/// A string literal's text from `i` (after the opening quote) and the index after it; `hashes`
/// for a raw string (no escapes).
fn string(c: &[char], mut i: usize, hashes: usize, line: &mut usize) -> (String, usize) {
    let begin = i;
    while i < c.len() {
        if c[i] == '\\' && hashes == 0 {
            i += 2;
            continue;
        }
        if c[i] == '"' && (0..hashes).all(|k| c.get(i + 1 + k) == Some(&'#')) {
            let text = c[begin..i].iter().collect();
            return (text, i + 1 + hashes);
        }
        *line += usize::from(c[i] == '\n');
        i += 1;
    }
    (c[begin..].iter().collect(), c.len())
}

/// The file modules a source declares (`mod x;`), with their `#[path = "…"]` if any.
pub fn declared_children(toks: &[(Tok, usize)]) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    for i in 0..toks.len().saturating_sub(2) {
        let (Tok::Ident(kw), Tok::Ident(name), Tok::Semi) =
            (&toks[i].0, &toks[i + 1].0, &toks[i + 2].0)
        else {
            continue;
        };
        if kw != "mod" {
            continue;
        }
        let mut path = None;
        let mut j = i;
        while j > 0 && !matches!(toks[j - 1].0, Tok::Semi | Tok::Open | Tok::Close) {
            j -= 1;
            if let (Tok::Ident(p), Some(Tok::Punct('=')), Some(Tok::Str(s))) = (
                &toks[j].0,
                toks.get(j + 1).map(|t| &t.0),
                toks.get(j + 2).map(|t| &t.0),
            ) {
                if p == "path" {
                    path = Some(s.clone());
                }
            }
        }
        out.push((name.clone(), path));
    }
    out
}

/// Every path of the source that starts at `crate`, `super` or `self`, with its line; each
/// path is prefixed by the inline modules (`mod tests { … }`) it is written in, as `self`
/// segments resolve from there.
pub fn paths(toks: &[(Tok, usize)]) -> Vec<(Vec<String>, usize)> {
    let mut out = Vec::new();
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    let ident = |k: usize| match toks.get(k).map(|t| &t.0) {
        Some(Tok::Ident(s)) => Some(s.as_str()),
        _ => None,
    };
    let within = |inline: &[(String, usize)], path: Vec<String>| {
        if path.first().is_some_and(|s| s == "crate") {
            return path;
        }
        let mut full: Vec<String> = inline.iter().map(|(n, _)| n.clone()).collect();
        full.push("self".to_owned());
        full.extend(path.into_iter().skip_while(|s| s == "self"));
        full
    };
    while i < toks.len() {
        match &toks[i].0 {
            Tok::Ident(kw) if kw == "mod" && toks.get(i + 2).map(|t| &t.0) == Some(&Tok::Open) => {
                if let Some(name) = ident(i + 1) {
                    inline.push((name.to_owned(), depth));
                }
                i += 2;
            }
            Tok::Ident(kw) if kw == "use" => {
                let end = (i..toks.len())
                    .find(|&k| toks[k].0 == Tok::Semi)
                    .unwrap_or(toks.len());
                let tree: Vec<Tok> = toks[i + 1..end].iter().map(|t| t.0.clone()).collect();
                let mut found = Vec::new();
                use_tree(&tree, &mut 0, Vec::new(), &mut found);
                for p in found {
                    if p.first()
                        .is_some_and(|s| matches!(s.as_str(), "crate" | "super" | "self"))
                    {
                        out.push((within(&inline, p), toks[i].1));
                    }
                }
                i = end + 1;
            }
            Tok::Ident(kw)
                if matches!(kw.as_str(), "crate" | "super" | "self")
                    && toks.get(i + 1).map(|t| &t.0) == Some(&Tok::Sep)
                    && !matches!(
                        toks.get(i.wrapping_sub(1)).map(|t| &t.0),
                        Some(Tok::Punct('$'))
                    ) =>
            {
                let mut path = vec![kw.clone()];
                let mut j = i + 1;
                while toks.get(j).map(|t| &t.0) == Some(&Tok::Sep) {
                    let Some(seg) = ident(j + 1) else { break };
                    path.push(seg.to_owned());
                    j += 2;
                }
                out.push((within(&inline, path), toks[i].1));
                i = j;
            }
            Tok::Open => {
                depth += 1;
                i += 1;
            }
            Tok::Close => {
                depth = depth.saturating_sub(1);
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    out
}

/// Expands a `use` tree (`a::{b, c::{self, d}}`) into its paths.
fn use_tree(t: &[Tok], pos: &mut usize, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    let mut path = prefix;
    let start = path.len();
    if t.get(*pos) == Some(&Tok::Sep) {
        *pos += 1;
    }
    loop {
        match t.get(*pos) {
            Some(Tok::Ident(s)) if s == "as" => {
                *pos += 2;
            }
            Some(Tok::Ident(s)) => {
                // `self` first in a group names the group's prefix itself.
                if !(s == "self" && start > 0 && path.len() == start) {
                    path.push(s.clone());
                }
                *pos += 1;
            }
            Some(Tok::Sep) => *pos += 1,
            Some(Tok::Open) => {
                *pos += 1;
                loop {
                    match t.get(*pos) {
                        Some(Tok::Close) => {
                            *pos += 1;
                            return;
                        }
                        Some(Tok::Comma) => *pos += 1,
                        None => return,
                        Some(_) => use_tree(t, pos, path.clone(), out),
                    }
                }
            }
            Some(Tok::Star) => {
                *pos += 1;
                out.push(path);
                return;
            }
            _ => {
                out.push(path);
                return;
            }
        }
    }
}
