//! The layering rules of ARCHITECTURE.md: between crates, checked from `cargo metadata` (the
//! pure crates, domain and policy, depend on neither tokio nor sqlx, no crate depends upwards,
//! only the binary ships the demo crate, and the test kit is a dev-dependency only); inside a
//! crate, checked from the sources (modules of a crate with layers point down only, and no
//! crate has an import cycle between its modules).
#![allow(clippy::unwrap_used)] // integration tests: a failed unwrap is a failed test

#[path = "layers/lex.rs"]
mod lex;
#[path = "layers/modules.rs"]
mod modules;

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
            "mds-observe",
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
        "mds-observe",
        "mds-http",
        "mds-domain",
        "mds-policy",
        "mds-store",
        "mds-audit",
        "mds-vault",
        "mds-app",
        "mds-demo",
        "mds-api",
        "mds-fhir",
        "mds-web",
        "mds",
    ];
    let allowed: BTreeMap<&str, &[&str]> = BTreeMap::from([
        // Metrics and the request id: below everything, knows nothing of the others.
        ("mds-observe", &[][..]),
        // What every HTTP surface shares: HTTP only, no use case, store, audit, vault or policy.
        ("mds-http", &["mds-observe"][..]),
        ("mds-domain", &[][..]),
        ("mds-policy", &["mds-domain"][..]),
        ("mds-store", &["mds-domain"][..]),
        ("mds-audit", &["mds-domain", "mds-store", "mds-observe"][..]),
        ("mds-vault", &["mds-domain"][..]),
        (
            "mds-app",
            &[
                "mds-domain",
                "mds-policy",
                "mds-store",
                "mds-audit",
                "mds-vault",
                "mds-observe",
            ][..],
        ),
        // The demo data and the benchmarks: seeded through `app`; the policy benchmark measures
        // `mds_policy::decide` itself.
        ("mds-demo", &["mds-domain", "mds-policy", "mds-app"][..]),
        (
            "mds-api",
            &["mds-domain", "mds-app", "mds-audit", "mds-http"][..],
        ),
        ("mds-web", &["mds-domain", "mds-app", "mds-http"][..]),
        // The FHIR surface: like the REST API, it calls the use cases only.
        ("mds-fhir", &["mds-domain", "mds-app", "mds-http"][..]),
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
fn only_the_binary_ships_the_demo() {
    let graph = dependency_graph();
    // The test kit is no shipped crate (`the_test_kit_is_only_a_dev_dependency`).
    let users: Vec<_> = graph
        .iter()
        .filter(|(krate, deps)| deps.contains("mds-demo") && *krate != "mds-testkit")
        .map(|(krate, _)| krate.as_str())
        .collect();
    assert_eq!(
        users,
        ["mds"],
        "the demo data and the benchmarks ship with the binary only"
    );
}

/// One layer of a crate's modules: the modules it holds (`a` for that module alone, `a::*` for
/// every module below it, `""` for the crate root) and the layers it may use besides its own
/// (a module may use the other modules of its layer, as long as no cycle ties them).
struct Layer {
    name: &'static str,
    modules: &'static [&'static str],
    may_use: &'static [&'static str],
}

/// The module layers of the crates that have them (by their directory under `crates/`),
/// lowest first. To give a crate layers, add a table and its row here, each layer naming the
/// layers it may use: every module of that crate must then fall in exactly one layer.
const MODULE_LAYERS: &[(&str, &[Layer])] = &[("app", APP_LAYERS), ("web", WEB_LAYERS)];

/// `app`: the use cases grouped by subject, each subject using only the ones below it, lowest
/// first:
/// - base: the crate root, the `App` handle and its `Actor`, errors, settings, and `secrets`
///   (random tokens, their hashes, password hashes: the handle keeps a dummy hash for unknown
///   logins, and several subjects issue tokens), `held_uploads` (a refused form's file kept
///   for its holder, knowing no subject), `audit_text` (reading the audit, sealing and
///   opening its free text about a person) and `session_cache` (the actors of sessions the
///   handle keeps between requests) — what every use case stands on, knowing no subject;
/// - information: what people are told and shown (history, notifications, the outbox); it
///   writes messages in the caller's transaction and reads the audit, and decides nothing, so
///   every subject above may tell someone;
/// - accounts: sign-in, sessions, second factors, enrolment, software credentials (telling
///   the person their account is active);
/// - patients: identity and the life of a record outside its medical content (issuing
///   enrolment tokens, checking new passwords);
/// - record: the medical record behind the policy's gate (checking identity files and refusing
///   a deposit into a record whose patient died with the patients' rules, telling the patient);
/// - structure_access: structure software (credentials, keys, access tokens, authorised
///   professionals, preload reads), which reads records through the record's gate;
/// - interop: the use cases of the FHIR surface (MHD submission and search, PDQm, the
///   AuditEvent view), over the record, the patients and the history;
/// - operator: support's and operators' tools over everything below (the directory issues
///   enrolment tokens, the audit extraction renders its lines with the history, seeding
///   deposits documents through the record's mechanics);
/// - jobs: the runner and the list of background jobs, each calling its subject's work.
const APP_LAYERS: &[Layer] = &[
    Layer {
        name: "base",
        modules: &[
            "",
            "app",
            "audit_text",
            "error",
            "error_en",
            "settings",
            "secrets",
            "held_uploads",
            "progress",
            "session_cache",
        ],
        may_use: &[],
    },
    Layer {
        name: "information",
        modules: &["information", "information::*"],
        may_use: &["base"],
    },
    Layer {
        name: "accounts",
        modules: &["accounts", "accounts::*"],
        may_use: &["information", "base"],
    },
    Layer {
        name: "patients",
        modules: &["patients", "patients::*"],
        may_use: &["accounts", "information", "base"],
    },
    Layer {
        name: "record",
        modules: &["record", "record::*"],
        may_use: &["patients", "accounts", "information", "base"],
    },
    Layer {
        name: "structure_access",
        modules: &["structure_access", "structure_access::*"],
        may_use: &["record", "patients", "accounts", "information", "base"],
    },
    Layer {
        name: "interop",
        modules: &["interop", "interop::*"],
        may_use: &["record", "patients", "accounts", "information", "base"],
    },
    Layer {
        name: "operator",
        modules: &["operator", "operator::*"],
        may_use: &["record", "patients", "accounts", "information", "base"],
    },
    Layer {
        name: "jobs",
        modules: &["jobs", "jobs::*"],
        may_use: &[
            "operator",
            "structure_access",
            "patients",
            "record",
            "accounts",
            "information",
            "base",
        ],
    },
];

/// `web`: page → portal → shared → shell, never back up. A portal (`patient/mod.rs`…) owns its
/// navigation and its guard; its pages use it, shared pieces and the shell, never another
/// portal; public pages (sign-in, self-enrolment, activation) use only shared and shell; the
/// crate root mounts the routes.
const WEB_LAYERS: &[Layer] = &[
    Layer {
        name: "shell",
        modules: &["shell", "shell::*"],
        may_use: &[],
    },
    Layer {
        name: "shared",
        modules: &["shared", "shared::*"],
        may_use: &["shell"],
    },
    Layer {
        name: "patient portal",
        modules: &["patient"],
        may_use: &["shared", "shell"],
    },
    Layer {
        name: "pro portal",
        modules: &["pro"],
        may_use: &["shared", "shell"],
    },
    Layer {
        name: "support portal",
        modules: &["support"],
        may_use: &["shared", "shell"],
    },
    Layer {
        name: "patient pages",
        modules: &["patient::*"],
        may_use: &["patient portal", "shared", "shell"],
    },
    Layer {
        name: "pro pages",
        modules: &["pro::*"],
        may_use: &["pro portal", "shared", "shell"],
    },
    Layer {
        name: "support pages",
        modules: &["support::*"],
        may_use: &["support portal", "shared", "shell"],
    },
    Layer {
        name: "public pages",
        modules: &["public", "public::*"],
        may_use: &["shared", "shell"],
    },
    Layer {
        name: "routes",
        modules: &[""],
        may_use: &[
            "patient pages",
            "pro pages",
            "support pages",
            "public pages",
            "patient portal",
            "pro portal",
            "support portal",
            "shared",
            "shell",
        ],
    },
];

/// Import cycles tolerated for a while, each as the modules it ties (a whole strongly connected
/// group): none today. A new cycle fails the test, and so does a row whose cycle is gone.
const KNOWN_CYCLES: &[(&str, &[&str])] = &[];

fn matches(pattern: &str, module: &str) -> bool {
    match pattern.strip_suffix("::*") {
        Some(parent) => module
            .strip_prefix(parent)
            .is_some_and(|rest| rest.starts_with("::")),
        None => pattern == module,
    }
}

#[test]
fn modules_only_point_down() {
    let crates = modules::workspace();
    let mut wrong = Vec::new();
    for (krate, layers) in MODULE_LAYERS {
        let c = crates
            .iter()
            .find(|c| c.name == *krate)
            .unwrap_or_else(|| panic!("no crate {krate}"));
        for l in *layers {
            for used in l.may_use {
                assert!(
                    layers.iter().any(|other| other.name == *used),
                    "{krate}: layer `{}` may use `{used}`, which is no layer",
                    l.name
                );
            }
        }
        let layer_of = |m: &str| {
            let found: Vec<&Layer> = layers
                .iter()
                .filter(|l| l.modules.iter().any(|p| matches(p, m)))
                .collect();
            match found.as_slice() {
                [one] => Ok(*one),
                [] => Err(format!("{krate}: module `{m}` is in no layer")),
                many => Err(format!(
                    "{krate}: module `{m}` is in several layers: {:?}",
                    many.iter().map(|l| l.name).collect::<Vec<_>>()
                )),
            }
        };
        for m in c.files.keys() {
            if let Err(e) = layer_of(m) {
                wrong.push(e);
            }
        }
        let arrows = modules::distinct(&c.arrows);
        let mut up = 0;
        for a in &arrows {
            let (Ok(from), Ok(to)) = (layer_of(&a.from), layer_of(&a.to)) else {
                continue;
            };
            if from.name != to.name && !from.may_use.contains(&to.name) {
                up += 1;
                wrong.push(format!(
                    "{krate}: `{}` ({}) → `{}` ({}), at {}",
                    a.from, from.name, a.to, to.name, a.at
                ));
            }
        }
        println!(
            "{krate}: {} modules, {} arrows between them, {up} against the layers",
            c.files.len(),
            arrows.len()
        );
    }
    assert!(
        wrong.is_empty(),
        "modules outside their layers:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_import_cycle_inside_a_crate() {
    let mut wrong = Vec::new();
    let mut known: BTreeSet<(String, BTreeSet<String>)> = KNOWN_CYCLES
        .iter()
        .map(|(k, ms)| {
            (
                (*k).to_owned(),
                ms.iter().map(|m| (*m).to_owned()).collect(),
            )
        })
        .collect();
    for c in modules::workspace() {
        let cycles = modules::cycles(&modules::distinct(&c.arrows));
        let tied: usize = cycles.iter().map(|(g, _)| g.len()).sum();
        println!(
            "{}: {} import cycle groups tying {tied} modules",
            c.name,
            cycles.len()
        );
        for (group, cycle) in cycles {
            if !known.remove(&(c.name.clone(), group.clone())) {
                wrong.push(format!("{}: {cycle} (the group: {group:?})", c.name));
            }
        }
    }
    for (krate, group) in known {
        wrong.push(format!(
            "{krate}: the known cycle {group:?} is gone; remove its row from KNOWN_CYCLES"
        ));
    }
    assert!(wrong.is_empty(), "import cycles:\n{}", wrong.join("\n"));
}

/// The free text the audit keeps about a person is sealed under its record's key
/// (`app::audit_text`): the shipped crates read the audit only through `App::audit_events`,
/// which opens it, so no reader shows a sealed value or forgets an erased one.
#[test]
fn the_audit_is_read_through_audit_text_only() {
    let mut readers = Vec::new();
    for c in modules::workspace() {
        for (module, file) in &c.files {
            let src = std::fs::read_to_string(file).unwrap();
            if src.contains("mds_audit::query(")
                && (c.name.as_str(), module.as_str()) != ("app", "audit_text")
            {
                readers.push(format!("{}::{module}", c.name));
            }
        }
    }
    assert_eq!(
        readers,
        ["testkit::app"],
        "only audit_text (and the test kit's raw view) query the audit"
    );
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
