//! The modules of each crate and the arrows between them, read from the sources: the module
//! tree from the `mod` declarations (as rustc finds the files, `#[path]` included), and the
//! arrows written as `use crate::…`, `use super::…`, `use self::…` and the same paths in
//! expressions (read by `lex.rs`). Relative paths to a child module (`mod x; x::f()`) are not
//! arrows: a parent mounting its children is how a module tree is built. Also the cycles among
//! the arrows. This file only reads; the rules are in `layers.rs`.

use super::lex::{declared_children, lex, paths};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module by its path below the crate root, `a::b`; the root is `""`.
pub type Module = String;

/// One arrow between two modules of a crate, with the first place it is written.
#[derive(Clone, Debug)]
pub struct Arrow {
    pub from: Module,
    pub to: Module,
    pub at: String,
}

/// A crate's modules (and the file of each) and the arrows between them.
pub struct CrateModules {
    pub name: String,
    pub files: BTreeMap<Module, PathBuf>,
    pub arrows: Vec<Arrow>,
}

/// Every crate of the workspace (`crates/*` with a `src/lib.rs` or `src/main.rs`).
pub fn workspace() -> Vec<CrateModules> {
    let crates = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(crates)
        .expect("read crates/")
        .map(|e| e.expect("crates/ entry").path())
        .collect();
    dirs.sort();
    dirs.into_iter()
        .filter_map(|dir| {
            let root = ["src/lib.rs", "src/main.rs"]
                .iter()
                .map(|r| dir.join(r))
                .find(|p| p.is_file())?;
            let name = dir.file_name()?.to_string_lossy().into_owned();
            Some(read_crate(&name, &root))
        })
        .collect()
}

fn read_crate(name: &str, root: &Path) -> CrateModules {
    let mut files = BTreeMap::new();
    let mut todo = vec![(String::new(), root.to_path_buf(), true)];
    let mut tokens = BTreeMap::new();
    while let Some((module, file, mod_rs)) = todo.pop() {
        let src =
            std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let toks = lex(&src);
        for (child, path_attr) in declared_children(&toks) {
            let dir = file.parent().expect("a source file has a directory");
            let candidates = match path_attr {
                Some(p) => vec![dir.join(p)],
                None if mod_rs => vec![
                    dir.join(format!("{child}.rs")),
                    dir.join(&child).join("mod.rs"),
                ],
                None => {
                    let own = dir.join(file.file_stem().expect("a file name"));
                    vec![
                        own.join(format!("{child}.rs")),
                        own.join(&child).join("mod.rs"),
                    ]
                }
            };
            let Some(found) = candidates.into_iter().find(|p| p.is_file()) else {
                continue; // generated or absent under this configuration
            };
            let is_mod_rs = found.file_name().is_some_and(|n| n == "mod.rs");
            todo.push((join(&module, &child), found, is_mod_rs));
        }
        files.insert(module.clone(), file);
        tokens.insert(module, toks);
    }
    let known: BTreeSet<Module> = files.keys().cloned().collect();
    let mut arrows = Vec::new();
    for (module, toks) in &tokens {
        let file = files[module].display().to_string();
        for (path, line) in paths(toks) {
            let Some(to) = resolve(module, &path, &known) else {
                continue;
            };
            if to != *module {
                arrows.push(Arrow {
                    from: module.clone(),
                    to,
                    at: format!("{file}:{line}"),
                });
            }
        }
    }
    CrateModules {
        name: name.to_owned(),
        files,
        arrows,
    }
}

fn join(parent: &str, child: &str) -> Module {
    if parent.is_empty() {
        child.to_owned()
    } else {
        format!("{parent}::{child}")
    }
}

/// The distinct module-to-module arrows, each with the first place it is written.
pub fn distinct(arrows: &[Arrow]) -> Vec<Arrow> {
    let mut seen = BTreeMap::new();
    for a in arrows {
        seen.entry((a.from.clone(), a.to.clone()))
            .or_insert_with(|| a.clone());
    }
    seen.into_values().collect()
}

/// The file module a path lands in, from `module`: `crate`, `super` and `self` resolved, then
/// the longest prefix that is a module of the crate. `None` for a path to another crate.
fn resolve(module: &str, path: &[String], known: &BTreeSet<Module>) -> Option<Module> {
    let mut here: Vec<String> = if module.is_empty() {
        Vec::new()
    } else {
        module.split("::").map(str::to_owned).collect()
    };
    let mut segments = path.iter().peekable();
    // Inline modules come first, as plain names, then `self`.
    let mut full: Vec<String> = Vec::new();
    let mut rooted = false;
    for seg in segments.by_ref() {
        match seg.as_str() {
            "crate" => {
                here.clear();
                rooted = true;
                break;
            }
            "self" => {
                rooted = true;
                break;
            }
            name => here.push(name.to_owned()),
        }
    }
    if !rooted {
        return None;
    }
    while segments.peek().is_some_and(|s| *s == "super") {
        segments.next();
        here.pop()?;
    }
    full.extend(here);
    full.extend(segments.cloned());
    (0..=full.len())
        .rev()
        .map(|n| full[..n].join("::"))
        .find(|m| known.contains(m))
}

/// The groups of modules tied by a cycle (strongly connected components of two modules or
/// more), each with one cycle through it, written `a → b → a`.
pub fn cycles(arrows: &[Arrow]) -> Vec<(BTreeSet<Module>, String)> {
    let mut graph: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for a in arrows {
        graph.entry(&a.from).or_default().insert(&a.to);
        graph.entry(&a.to).or_default();
    }
    let nodes: Vec<&str> = graph.keys().copied().collect();
    let reach = |from: &str| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from];
        while let Some(n) = todo.pop() {
            for &m in &graph[n] {
                if seen.insert(m) {
                    todo.push(m);
                }
            }
        }
        seen
    };
    let reachable: BTreeMap<&str, BTreeSet<&str>> = nodes.iter().map(|&n| (n, reach(n))).collect();
    let mut done = BTreeSet::new();
    let mut out = Vec::new();
    for &n in &nodes {
        if done.contains(n) || !reachable[n].contains(n) {
            continue;
        }
        let group: BTreeSet<Module> = nodes
            .iter()
            .filter(|&&m| m == n || (reachable[n].contains(m) && reachable[m].contains(n)))
            .map(|m| (*m).to_owned())
            .collect();
        if group.len() < 2 {
            continue;
        }
        done.extend(group.iter().cloned());
        out.push((group, shortest_cycle(&graph, n)));
    }
    out
}

fn shortest_cycle(graph: &BTreeMap<&str, BTreeSet<&str>>, start: &str) -> String {
    let mut previous: BTreeMap<&str, &str> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(n) = queue.pop_front() {
        for &m in &graph[n] {
            if m == start {
                let mut path = vec![n];
                let mut k = n;
                while k != start {
                    k = previous[k];
                    path.push(k);
                }
                path.reverse();
                path.push(start);
                return path.join(" → ");
            }
            if !previous.contains_key(m) {
                previous.insert(m, n);
                queue.push_back(m);
            }
        }
    }
    start.to_owned()
}

#[test]
fn the_reader_finds_every_kind_of_arrow_and_nothing_else() {
    let src = r##"
        //! `crate::doc` in a comment is no arrow; /* nor crate::block /* nested */ here */
        use crate::a::{self, b::{c, d as e}, f::*};
        use super::sibling;
        use self::child::Thing;
        use axum::Router;
        mod child;
        #[path = "elsewhere.rs"]
        mod moved;
        const TEXT: &str = "crate::in_string";
        const RAW: &str = r#"crate::in_raw "string""#;
        fn f<'a>(x: &'a str) -> char {
            crate::g::call(x);
            let c = '{';
            super::super::top::item();
            c
        }
        #[cfg(test)]
        mod tests {
            use super::*;
            fn t() { crate::h::x(); }
        }
    "##;
    let toks = lex(src);
    assert_eq!(
        declared_children(&toks),
        vec![
            ("child".to_owned(), None),
            ("moved".to_owned(), Some("elsewhere.rs".to_owned()))
        ]
    );
    let known: BTreeSet<Module> = [
        "",
        "a",
        "a::b",
        "a::f",
        "g",
        "h",
        "p",
        "p::q",
        "p::q::child",
        "p::sibling",
        "top",
    ]
    .iter()
    .map(|m| (*m).to_owned())
    .collect();
    let found: Vec<Module> = paths(&toks)
        .iter()
        .filter_map(|(p, _)| resolve("p::q", p, &known))
        .collect();
    assert_eq!(
        found,
        [
            "a",
            "a::b",
            "a::b",
            "a::f",
            "p::sibling",
            "p::q::child",
            "g",
            "top",
            "p::q",
            "h"
        ]
    );
}

#[test]
fn a_cycle_is_found_and_written_out() {
    let arrow = |from: &str, to: &str| Arrow {
        from: from.to_owned(),
        to: to.to_owned(),
        at: String::new(),
    };
    let arrows = [
        arrow("a", "b"),
        arrow("b", "c"),
        arrow("c", "a"),
        arrow("c", "d"),
    ];
    let found = cycles(&arrows);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0, ["a", "b", "c"].map(str::to_owned).into());
    assert_eq!(found[0].1, "a → b → c → a");
    assert!(cycles(&arrows[..2]).is_empty());
}
