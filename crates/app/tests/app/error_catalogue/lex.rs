//! Just enough of a Rust lexer for the error catalogue: tokens with their line, groups,
//! call arguments, and the sources without their `#[cfg(test)]` items.

#[derive(Clone, Debug, PartialEq)]
pub(super) enum Tok {
    Ident(String),
    /// A string literal, unescaped.
    Str(String),
    Punct(char),
    /// A number, a char literal or a lifetime.
    Other,
}

#[derive(Clone, Debug)]
pub(super) struct Token {
    pub(super) tok: Tok,
    pub(super) line: usize,
}

/// Just enough of Rust's lexer to find calls and their arguments: comments skipped, string
/// literals (escaped, raw, continued over lines) read, char literals told from lifetimes.
pub(super) fn lex(src: &str) -> Vec<Token> {
    let c: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    let at = |i: usize| c.get(i).copied().unwrap_or('\0');
    while i < c.len() {
        let ch = c[i];
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
                    if c[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
            }
        } else if ch == '"' {
            let start = line;
            let mut s = String::new();
            i += 1;
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' {
                    i += 1;
                    match at(i) {
                        'n' => s.push('\n'),
                        't' => s.push('\t'),
                        'r' => s.push('\r'),
                        '0' => s.push('\0'),
                        'u' => {
                            let close = (i..c.len()).find(|&j| c[j] == '}').unwrap_or(i);
                            let hex: String = c[i + 2..close].iter().collect();
                            s.extend(u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32));
                            i = close;
                        }
                        'x' => {
                            let hex: String = c[i + 1..i + 3].iter().collect();
                            s.extend(u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32));
                            i += 2;
                        }
                        '\n' => {
                            line += 1;
                            while at(i + 1).is_whitespace() {
                                i += 1;
                                if c[i] == '\n' {
                                    line += 1;
                                }
                            }
                        }
                        other => s.push(other),
                    }
                } else {
                    if c[i] == '\n' {
                        line += 1;
                    }
                    s.push(c[i]);
                }
                i += 1;
            }
            i += 1;
            out.push(Token {
                tok: Tok::Str(s),
                line: start,
            });
        } else if ch == '\'' {
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
                while at(i).is_alphanumeric() || at(i) == '_' {
                    i += 1;
                }
            }
            out.push(Token {
                tok: Tok::Other,
                line,
            });
        } else if ch.is_alphabetic() || ch == '_' {
            let start = i;
            while at(i).is_alphanumeric() || at(i) == '_' {
                i += 1;
            }
            let word: String = c[start..i].iter().collect();
            // `r"…"`, `r#"…"#`, `br"…"`, but not the raw identifier `r#type`.
            let hashes = (i..c.len()).take_while(|&j| c[j] == '#').count();
            let raw = (word == "r" || word == "br") && at(i + hashes) == '"';
            if raw {
                i += hashes + 1;
                let start_line = line;
                let mut s = String::new();
                while i < c.len() {
                    let closes = c[i] == '"' && (1..=hashes).all(|k| at(i + k) == '#');
                    if closes {
                        i += hashes + 1;
                        break;
                    }
                    if c[i] == '\n' {
                        line += 1;
                    }
                    s.push(c[i]);
                    i += 1;
                }
                out.push(Token {
                    tok: Tok::Str(s),
                    line: start_line,
                });
            } else if word == "b" && at(i) == '"' {
                // A byte string: lexed as a string on the next turn.
            } else {
                out.push(Token {
                    tok: Tok::Ident(word),
                    line,
                });
            }
        } else if ch.is_ascii_digit() {
            while at(i).is_alphanumeric()
                || at(i) == '_'
                || (at(i) == '.' && at(i + 1).is_ascii_digit())
            {
                i += 1;
            }
            out.push(Token {
                tok: Tok::Other,
                line,
            });
        } else {
            out.push(Token {
                tok: Tok::Punct(ch),
                line,
            });
            i += 1;
        }
    }
    out
}

pub(super) fn is_ident(t: &Token, name: &str) -> bool {
    matches!(&t.tok, Tok::Ident(w) if w == name)
}

pub(super) fn is_punct(t: &Token, p: char) -> bool {
    t.tok == Tok::Punct(p)
}

pub(super) fn opens(t: &Token) -> bool {
    matches!(t.tok, Tok::Punct('(' | '[' | '{'))
}

pub(super) fn closes(t: &Token) -> bool {
    matches!(t.tok, Tok::Punct(')' | ']' | '}'))
}

/// The index just after the group opened at `open`.
pub(super) fn group_end(toks: &[Token], open: usize) -> usize {
    let mut depth = 0usize;
    for (i, t) in toks.iter().enumerate().skip(open) {
        if opens(t) {
            depth += 1;
        } else if closes(t) {
            depth -= 1;
            if depth == 0 {
                return i + 1;
            }
        }
    }
    toks.len()
}

/// The tokens without the items marked `#[cfg(test)]` (test modules and helpers).
pub(super) fn without_tests(toks: Vec<Token>) -> Vec<Token> {
    let marker = ["#", "[", "cfg", "(", "test", ")", "]"];
    let is_marker = |i: usize| {
        marker.iter().enumerate().all(|(k, m)| {
            toks.get(i + k).is_some_and(|t| match &t.tok {
                Tok::Ident(w) => w == m,
                Tok::Punct(p) => m.len() == 1 && m.starts_with(*p),
                _ => false,
            })
        })
    };
    let mut keep = Vec::with_capacity(toks.len());
    let mut i = 0;
    while i < toks.len() {
        if !is_marker(i) {
            keep.push(toks[i].clone());
            i += 1;
            continue;
        }
        // Skip the item: up to a `;` outside any group, or the end of its first `{…}` body.
        i += marker.len();
        while i < toks.len() {
            if is_punct(&toks[i], ';') {
                i += 1;
                break;
            }
            if is_punct(&toks[i], '{') {
                i = group_end(&toks, i);
                break;
            }
            if opens(&toks[i]) {
                i = group_end(&toks, i);
            } else {
                i += 1;
            }
        }
    }
    keep
}

/// The arguments of the call whose `(` is at `open`, each a slice of tokens.
pub(super) fn arguments(toks: &[Token], open: usize) -> Vec<&[Token]> {
    let end = group_end(toks, open) - 1;
    let mut args = Vec::new();
    let (mut start, mut i) = (open + 1, open + 1);
    while i < end {
        if opens(&toks[i]) {
            i = group_end(toks, i);
            continue;
        }
        if is_punct(&toks[i], ',') {
            args.push(&toks[start..i]);
            start = i + 1;
        }
        i += 1;
    }
    if start < end {
        args.push(&toks[start..end]);
    }
    args
}

pub(super) fn text(toks: &[Token]) -> String {
    toks.iter()
        .map(|t| match &t.tok {
            Tok::Ident(w) => w.clone(),
            Tok::Str(s) => format!("{s:?}"),
            Tok::Punct(p) => p.to_string(),
            Tok::Other => "_".to_owned(),
        })
        .collect()
}
