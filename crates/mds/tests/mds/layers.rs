//! The layering rules of ARCHITECTURE.md, checked from `cargo metadata`: the pure crates
//! (domain, policy) depend on neither tokio nor sqlx, no crate depends upwards, and the test
//! kit is a dev-dependency only.
#![allow(clippy::unwrap_used)] // integration tests: a failed unwrap is a failed test

use std::collections::{BTreeMap, BTreeSet};

/// Each package's normal dependencies (what it ships with).
fn dependency_graph() -> BTreeMap<String, BTreeSet<String>> {
    dependency_graph_of(|kind| kind.is_none())
}

/// Each package's dependencies of the kinds `keep` accepts: `None` is a normal dependency,
/// `Some("dev")` and `Some("build")` the others.
fn dependency_graph_of(keep: impl Fn(Option<&str>) -> bool) -> BTreeMap<String, BTreeSet<String>> {
    let out = std::process::Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--manifest-path"])
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/../../Cargo.toml"))
        .output()
        .expect("cargo metadata");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: BTreeMap<String, String> = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["id"].as_str().unwrap().to_owned(),
                p["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    meta["resolve"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            let deps = n["deps"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| {
                    d["dep_kinds"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|k| keep(k["kind"].as_str()))
                })
                .map(|d| names[d["pkg"].as_str().unwrap()].clone())
                .collect();
            (names[n["id"].as_str().unwrap()].clone(), deps)
        })
        .collect()
}

fn closure(graph: &BTreeMap<String, BTreeSet<String>>, root: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![root.to_owned()];
    while let Some(n) = todo.pop() {
        for d in graph.get(&n).into_iter().flatten() {
            if seen.insert(d.clone()) {
                todo.push(d.clone());
            }
        }
    }
    seen
}

#[test]
fn pure_crates_do_no_io() {
    let graph = dependency_graph();
    for pure in ["mds-domain", "mds-policy"] {
        let deps = closure(&graph, pure);
        for forbidden in [
            "tokio",
            "sqlx",
            "reqwest",
            "axum",
            "mds-store",
            "mds-vault",
            "mds-audit",
            "mds-app",
        ] {
            assert!(
                !deps.contains(forbidden),
                "{pure} must not depend on {forbidden}"
            );
        }
    }
}

#[test]
fn layers_only_point_down() {
    let graph = dependency_graph();
    let order = [
        "mds-domain",
        "mds-policy",
        "mds-store",
        "mds-audit",
        "mds-vault",
        "mds-app",
        "mds-api",
        "mds-web",
        "mds",
    ];
    let allowed: BTreeMap<&str, &[&str]> = BTreeMap::from([
        ("mds-domain", &[][..]),
        ("mds-policy", &["mds-domain"][..]),
        ("mds-store", &["mds-domain"][..]),
        ("mds-audit", &["mds-domain", "mds-store"][..]),
        ("mds-vault", &["mds-domain"][..]),
        (
            "mds-app",
            &[
                "mds-domain",
                "mds-policy",
                "mds-store",
                "mds-audit",
                "mds-vault",
            ][..],
        ),
        ("mds-api", &["mds-domain", "mds-app", "mds-audit"][..]),
        ("mds-web", &["mds-domain", "mds-app"][..]),
    ]);
    for (krate, ok) in allowed {
        let direct: BTreeSet<_> = graph[krate]
            .iter()
            .filter(|d| order.contains(&d.as_str()))
            .cloned()
            .collect();
        let extra: Vec<_> = direct
            .iter()
            .filter(|d| !ok.contains(&d.as_str()))
            .collect();
        assert!(
            extra.is_empty(),
            "{krate} depends on {extra:?}, outside its layer"
        );
    }
}

#[test]
fn the_test_kit_is_only_a_dev_dependency() {
    let shipped = dependency_graph_of(|kind| kind != Some("dev"));
    for (krate, deps) in &shipped {
        assert!(
            !deps.contains("mds-testkit"),
            "{krate} depends on mds-testkit outside its tests: use [dev-dependencies]"
        );
    }
    // The rule above is not vacuous: the crates' tests do use the test kit.
    let dev = dependency_graph_of(|kind| kind == Some("dev"));
    assert!(
        dev.values().any(|deps| deps.contains("mds-testkit")),
        "no crate's tests use mds-testkit any more: is the package renamed?"
    );
}
