//! Every error code the product can produce has an English message (issue 15, item 10).
//!
//! The codes are read from the sources themselves, so that a new refusal without its English
//! fails here rather than showing French on an English page: every code given to
//! `AppError::invalid`, `AppError::conflict` or `AppError::check_typed`, or to a local helper
//! that forwards its `code: &'static str` to them (`refused`, `oauth`, `bounded`…), as a
//! literal, a constant, or through one of the few indirect sources this test knows (the
//! domain's `fn code` of `IdentityError` and `TermRefusal`, the token endpoint's `refusal`
//! table). An argument it cannot follow fails the test too: teach it where the code comes from.
//! Then every English entry must be used by some source and read as an English sentence.
//! No database: the sources are the input.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

mod lex;

use lex::{arguments, group_end, is_ident, is_punct, lex, text, without_tests, Tok, Token};

/// A function definition: its name, whether it has a `code: &'static str` parameter (and at
/// which position), whether it returns an `AppError` (or `Self` in `AppError`'s own file), and
/// its body's token range.
struct FnDef {
    name: String,
    code_param: Option<usize>,
    returns_app_error: bool,
    body: std::ops::Range<usize>,
}

fn functions(toks: &[Token], self_is_app_error: bool) -> Vec<FnDef> {
    let mut defs = Vec::new();
    for i in 0..toks.len().saturating_sub(2) {
        if !is_ident(&toks[i], "fn") {
            continue;
        }
        let Tok::Ident(name) = &toks[i + 1].tok else {
            continue;
        };
        let mut open = i + 2;
        if is_punct(&toks[open], '<') {
            while open < toks.len() && !is_punct(&toks[open], '(') {
                open += 1;
            }
        }
        if open >= toks.len() || !is_punct(&toks[open], '(') {
            continue;
        }
        let params = arguments(toks, open);
        let code_param = params.iter().position(|p| {
            p.len() >= 3
                && is_ident(&p[0], "code")
                && is_punct(&p[1], ':')
                && p.iter().any(|t| is_ident(t, "str"))
        });
        let mut j = group_end(toks, open);
        let ret_start = j;
        while j < toks.len() && !is_punct(&toks[j], '{') && !is_punct(&toks[j], ';') {
            j += 1;
        }
        let ret = &toks[ret_start..j];
        let returns_app_error = ret
            .iter()
            .any(|t| is_ident(t, "AppError") || (self_is_app_error && is_ident(t, "Self")));
        let body = if j < toks.len() && is_punct(&toks[j], '{') {
            j..group_end(toks, j)
        } else {
            j..j
        };
        defs.push(FnDef {
            name: name.clone(),
            code_param,
            returns_app_error,
            body,
        });
    }
    defs
}

/// The innermost function whose body holds token `i`.
fn enclosing(defs: &[FnDef], i: usize) -> Option<&FnDef> {
    defs.iter()
        .filter(|d| d.body.contains(&i))
        .min_by_key(|d| d.body.len())
}

/// `const NAME: &str = "…";` of a file.
fn constant(toks: &[Token], name: &str) -> Option<String> {
    (0..toks.len().saturating_sub(2)).find_map(|i| {
        if !(is_ident(&toks[i], "const") && is_ident(&toks[i + 1], name)) {
            return None;
        }
        let eq = (i..toks.len()).find(|&j| is_punct(&toks[j], '='))?;
        match &toks.get(eq + 1)?.tok {
            Tok::Str(s) => Some(s.clone()),
            _ => None,
        }
    })
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
            // Test modules kept in their own files (`mod tests;`, `render_tests.rs`).
            if stem != "tests" && !stem.ends_with("_tests") {
                out.push(path);
            }
        }
    }
}

struct Source {
    /// Relative to the workspace, with `/`.
    path: String,
    toks: Vec<Token>,
}

fn sources() -> Vec<Source> {
    let root = workspace();
    let mut files = Vec::new();
    for krate in std::fs::read_dir(root.join("crates"))
        .expect("crates/")
        .flatten()
    {
        rust_files(&krate.path().join("src"), &mut files);
    }
    files.sort();
    files
        .into_iter()
        .map(|f| Source {
            path: f
                .strip_prefix(&root)
                .unwrap_or(&f)
                .to_string_lossy()
                .replace('\\', "/"),
            toks: without_tests(lex(&std::fs::read_to_string(&f).expect("readable source"))),
        })
        .collect()
}

/// The codes returned by `fn code` of `impl <name>` in the domain crate.
fn domain_codes(sources: &[Source], name: &str) -> Vec<String> {
    let mut codes = Vec::new();
    for s in sources
        .iter()
        .filter(|s| s.path.starts_with("crates/domain/"))
    {
        let t = &s.toks;
        for i in 0..t.len().saturating_sub(2) {
            if !(is_ident(&t[i], "impl") && is_ident(&t[i + 1], name) && is_punct(&t[i + 2], '{')) {
                continue;
            }
            let block = i + 2..group_end(t, i + 2);
            for d in functions(&t[block.clone()], false) {
                if d.name == "code" {
                    let body = &t[block.start + d.body.start..block.start + d.body.end];
                    codes.extend(body.iter().filter_map(|t| match &t.tok {
                        Tok::Str(s) => Some(s.clone()),
                        _ => None,
                    }));
                }
            }
        }
    }
    assert!(
        !codes.is_empty(),
        "no `fn code` found for {name} in crates/domain"
    );
    codes
}

/// The arguments this test cannot follow by itself, and where their codes come from.
enum Indirect {
    /// A domain error's `code()`: every code of its `fn code`.
    Domain(&'static str),
    /// A field filled by another helper of the same file: the code argument of its calls.
    Calls {
        helper: &'static str,
        position: usize,
    },
}

const INDIRECT: &[(&str, &str, Indirect)] = &[
    // `check_term(…).map_err(|r| AppError::invalid(r.code(), r.message_fr()))`
    (
        "crates/app/src/patients/representatives.rs",
        "r.code()",
        Indirect::Domain("TermRefusal"),
    ),
    // The token endpoint's refusals, `refusal(rule, code, message)`, answered by `oauth`.
    (
        "crates/app/src/structure_access/token.rs",
        "r.code",
        Indirect::Calls {
            helper: "refusal",
            position: 1,
        },
    ),
];

/// Where each code is produced (`path:line`), and the arguments nobody could follow.
struct Found {
    codes: BTreeMap<String, Vec<String>>,
    unfollowed: Vec<String>,
    /// Rule ids of the denials worded outside the policy (`AppError::Denied` built by hand).
    denial_rules: BTreeSet<String>,
}

/// The code an argument names, when it is a literal or a constant.
fn literal(toks: &[Token], arg: &[Token]) -> Option<String> {
    match arg {
        [Token {
            tok: Tok::Str(s), ..
        }] => Some(s.clone()),
        [Token {
            tok: Tok::Ident(name),
            ..
        }] if name.chars().all(|c| c.is_ascii_uppercase() || c == '_') => constant(toks, name),
        _ => None,
    }
}

fn find_codes(sources: &[Source]) -> Found {
    let mut found = Found {
        codes: BTreeMap::new(),
        unfollowed: Vec::new(),
        denial_rules: BTreeSet::new(),
    };
    let error_file = "crates/app/src/error.rs";
    let constructors: Vec<(String, usize)> = sources
        .iter()
        .filter(|s| s.path == error_file)
        .flat_map(|s| functions(&s.toks, true))
        .filter(|d| d.returns_app_error)
        .filter_map(|d| Some((d.name, d.code_param?)))
        .collect();
    assert!(
        ["invalid", "conflict", "check_typed"]
            .iter()
            .all(|n| constructors.iter().any(|(c, _)| c == n)),
        "AppError's constructors not found in {error_file}: {constructors:?}"
    );
    for s in sources {
        let t = &s.toks;
        let defs = functions(t, s.path == error_file);
        let helpers: Vec<(&str, usize)> = defs
            .iter()
            .filter(|d| d.returns_app_error)
            .filter_map(|d| Some((d.name.as_str(), d.code_param?)))
            .collect();
        let mut add = |code: String, line: usize| {
            found
                .codes
                .entry(code)
                .or_default()
                .push(format!("{}:{line}", s.path));
        };
        for i in 1..t.len().saturating_sub(1) {
            let Tok::Ident(name) = &t[i].tok else {
                continue;
            };
            if !is_punct(&t[i + 1], '(') || is_ident(&t[i - 1], "fn") || is_punct(&t[i - 1], '.') {
                continue;
            }
            let qualified = i >= 3 && is_punct(&t[i - 1], ':') && is_punct(&t[i - 2], ':');
            let position = if qualified {
                let on_app_error = is_ident(&t[i - 3], "AppError")
                    || (s.path == error_file && is_ident(&t[i - 3], "Self"));
                constructors
                    .iter()
                    .find(|(c, _)| on_app_error && c == name)
                    .map(|(_, p)| *p)
            } else {
                helpers.iter().find(|(h, _)| h == name).map(|(_, p)| *p)
            };
            let Some(position) = position else {
                continue;
            };
            let args = arguments(t, i + 1);
            let Some(arg) = args.get(position) else {
                found.unfollowed.push(format!(
                    "{}:{}: {name}(…) without its code",
                    s.path, t[i].line
                ));
                continue;
            };
            if let Some(code) = literal(t, arg) {
                add(code, t[i].line);
                continue;
            }
            let written = text(arg);
            let inside = enclosing(&defs, i);
            if written == "code" && inside.is_some_and(|d| d.code_param.is_some()) {
                continue; // a helper forwarding its own `code` parameter
            }
            if written == "code" {
                // `let code = …;` in the same function: its literals and the domain codes it
                // names (`IdentityError::code`).
                let body = inside.map_or(0..0, |d| d.body.clone());
                let binding = body.clone().find(|&j| {
                    is_ident(&t[j], "let")
                        && is_ident(&t[j + 1], "code")
                        && is_punct(&t[j + 2], '=')
                });
                if let Some(b) = binding {
                    let end = (b..body.end).find(|&j| is_punct(&t[j], ';')).unwrap_or(b);
                    for j in b..end {
                        match &t[j].tok {
                            Tok::Str(code) => add(code.clone(), t[j].line),
                            Tok::Ident(w)
                                if is_punct(&t[j + 1], ':') && is_ident(&t[j + 3], "code") =>
                            {
                                for code in domain_codes(sources, w) {
                                    add(code, t[j].line);
                                }
                            }
                            _ => {}
                        }
                    }
                    continue;
                }
            }
            let known = INDIRECT
                .iter()
                .find(|(path, arg, _)| *path == s.path && *arg == written);
            match known {
                Some((_, _, Indirect::Domain(name))) => {
                    for code in domain_codes(sources, name) {
                        add(code, t[i].line);
                    }
                }
                Some((_, _, Indirect::Calls { helper, position })) => {
                    let mut any = false;
                    for j in 1..t.len() - 1 {
                        if is_ident(&t[j], helper)
                            && is_punct(&t[j + 1], '(')
                            && !is_ident(&t[j - 1], "fn")
                        {
                            let args = arguments(t, j + 1);
                            match args.get(*position).and_then(|a| literal(t, a)) {
                                Some(code) => {
                                    any = true;
                                    add(code, t[j].line);
                                }
                                None => found.unfollowed.push(format!(
                                    "{}:{}: {helper}(…) with a code this test cannot read",
                                    s.path, t[j].line
                                )),
                            }
                        }
                    }
                    assert!(any, "no call of {helper} in {}", s.path);
                }
                None => found
                    .unfollowed
                    .push(format!("{}:{}: {name}({written}, …)", s.path, t[i].line)),
            }
        }
        // Denials worded by hand: `AppError::Denied { rule: format!("prefix.{rule}"), … }`
        // in a `denied` closure, called with the rule's last part.
        for i in 0..t.len().saturating_sub(3) {
            if !(is_ident(&t[i], "AppError") && is_ident(&t[i + 3], "Denied")) {
                continue;
            }
            let open = i + 4;
            if !is_punct(&t[open], '{') {
                continue;
            }
            let fields = &t[open..group_end(t, open)];
            let assigned = fields
                .windows(2)
                .position(|w| is_ident(&w[0], "rule") && is_punct(&w[1], ':'));
            let Some(r) = assigned else {
                continue; // a pattern, not a construction
            };
            let value = text(&fields[r..]);
            if value.starts_with("rule:rule.id()") || value.starts_with("rule:other.id()") {
                continue; // a policy rule: its English is the policy's
            }
            let prefix = fields[r..].iter().find_map(|t| match &t.tok {
                Tok::Str(f) => f.strip_suffix("{rule}").map(str::to_owned),
                _ => None,
            });
            let Some(prefix) = prefix else {
                found.unfollowed.push(format!(
                    "{}:{}: AppError::Denied with {value}",
                    s.path, t[i].line
                ));
                continue;
            };
            for j in 1..t.len() - 2 {
                if is_ident(&t[j], "denied")
                    && is_punct(&t[j + 1], '(')
                    && !is_punct(&t[j - 1], '|')
                {
                    if let Some(last) = arguments(t, j + 1).first().and_then(|a| literal(t, a)) {
                        found.denial_rules.insert(format!("{prefix}{last}"));
                    }
                }
            }
        }
    }
    found
}

/// English, as far as a test can tell: a capital first, a full stop last, no French letter
/// nor French quotation marks.
fn reads_as_english(message: &str) -> bool {
    message.starts_with(|c: char| c.is_ascii_uppercase())
        && message.ends_with('.')
        && !message.contains(|c: char| "àâäçéèêëîïôöùûüÿœæÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ«»".contains(c))
        && !message.contains(" : ")
}

#[test]
fn every_error_code_has_an_english_message() {
    let sources = sources();
    let found = find_codes(&sources);
    assert!(
        found.unfollowed.is_empty(),
        "codes this test cannot follow (add them to INDIRECT, with where they come from):\n{}",
        found.unfollowed.join("\n")
    );
    // Each way of producing a code is seen at least once, so that a broken reader cannot
    // pass by finding nothing.
    for canary in [
        "wrong_password",            // AppError::invalid("…", …)
        "duplicate_document",        // AppError::conflict over several lines
        "invalid_passkey_name",      // AppError::check_typed
        "passkey_refused",           // a local helper forwarding its code
        "invalid_client",            // a constant, through the token endpoint's refusals
        "first_name_empty",          // IdentityError::code
        "invalid_identity",          // `let code = …map_or("invalid_identity", …)`
        "representation_too_long",   // TermRefusal::code
        "representative_own_only",   // the portals
        "notification_mode_missing", // the REST API
    ] {
        assert!(found.codes.contains_key(canary), "{canary} not found");
    }
    assert!(
        !found.codes.contains_key("something_else"),
        "codes of #[cfg(test)] modules are not produced by the product"
    );
    assert!(
        found.codes.len() > 150,
        "only {} codes found",
        found.codes.len()
    );

    let missing: Vec<String> = found
        .codes
        .iter()
        .filter(|(code, _)| mds_app::error_en::english_message(code).is_none())
        .map(|(code, at)| format!("{code} ({})", at.join(", ")))
        .collect();
    assert!(
        missing.is_empty(),
        "{} codes have no English message in crates/app/src/error_en.rs:\n{}",
        missing.len(),
        missing.join("\n")
    );

    let unused: Vec<&str> = mds_app::error_en::ENGLISH
        .iter()
        .map(|(code, _)| *code)
        .filter(|code| !found.codes.contains_key(*code))
        .collect();
    assert!(
        unused.is_empty(),
        "English messages no source produces: {unused:?}"
    );

    let mut seen = BTreeSet::new();
    let duplicated: Vec<&str> = mds_app::error_en::ENGLISH
        .iter()
        .map(|(code, _)| *code)
        .filter(|code| !seen.insert(*code))
        .collect();
    assert!(duplicated.is_empty(), "codes listed twice: {duplicated:?}");

    let not_english: Vec<String> = mds_app::error_en::ENGLISH
        .iter()
        .chain(mds_app::error_en::DENIALS)
        .filter(|(_, message)| !reads_as_english(message))
        .map(|(code, message)| format!("{code}: {message:?}"))
        .collect();
    assert!(
        not_english.is_empty(),
        "not English sentences:\n{}",
        not_english.join("\n")
    );
}

/// The denials worded outside the policy have their English too, and only they.
#[test]
fn every_hand_worded_denial_has_an_english_message() {
    let found = find_codes(&sources());
    assert!(
        found.denial_rules.contains("software.not_authorised"),
        "{:?}",
        found.denial_rules
    );
    let listed: BTreeSet<String> = mds_app::error_en::DENIALS
        .iter()
        .map(|(rule, _)| (*rule).to_owned())
        .collect();
    assert_eq!(listed, found.denial_rules);
}
