//! The policy as data through the real binary (issue 17, item 5): `mds policy check` refuses a
//! candidate matrix that widens a blocked professional's access, naming the cell, and accepts
//! a narrowing one, listing the cell it changes; the service refuses to start on a configured
//! matrix that breaks a safety property, or that declares no version; `mds policy simulate`
//! replays the audit of a period and reports in JSON.

use crate::binary::*;

const SHIPPED: &str = include_str!("../../../../reference/access-matrix.csv");

fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn candidates_are_checked_and_an_unsafe_matrix_stops_the_service() {
    let dir = tempfile::tempdir().unwrap();
    let env = base_env(dir.path());
    let blocked_reads = SHIPPED
        .replace("# version: mds-2026.1", "# version: widened-1")
        .replace(",if_depositor,no\nmodify", ",if_depositor,yes\nmodify");
    assert_ne!(blocked_reads, SHIPPED.replace("mds-2026.1", "widened-1"));
    let widened = write(dir.path(), "widened.csv", &blocked_reads);
    let o = mds(&env, &["policy", "check", "--matrix", &widened]);
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("REFUSED")
            && stdout(&o).contains("cell read × blocked = `yes`")
            && stdout(&o).contains("blocked professionals see nothing"),
        "{}",
        stdout(&o)
    );

    let narrowing = SHIPPED
        .replace("# version: mds-2026.1", "# version: narrow-1")
        .replace("delete,yes,", "delete,if_depositor,");
    let narrow = write(dir.path(), "narrow.csv", &narrowing);
    let o = mds(&env, &["policy", "check", "--matrix", &narrow]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("candidate narrow-1")
            && stdout(&o).contains("cell delete × patient: yes → if_depositor (narrows)"),
        "{}",
        stdout(&o)
    );

    // Configured: the service refuses to start on the unsafe file, or on one without version.
    let unversioned = write(
        dir.path(),
        "unversioned.csv",
        &SHIPPED.replace("# version: mds-2026.1\n", ""),
    );
    for (file, says) in [
        (&widened, "read × blocked"),
        (&unversioned, "no `# version: …` line"),
    ] {
        let mut env = env.clone();
        env.push(("MDS_POLICY_ACCESS_MATRIX".into(), file.clone()));
        let o = mds(&env, &["demo", "load"]);
        assert!(!o.status.success());
        assert!(stderr(&o).contains(says), "{}", stderr(&o));
    }

    // Configured and safe: the service runs on it, and the simulation replays its audit.
    let mut env = env.clone();
    env.push(("MDS_POLICY_ACCESS_MATRIX".into(), narrow.clone()));
    assert!(mds(&env, &["demo", "load"]).status.success());
    let report = json_out(
        &env,
        &[
            "policy",
            "simulate",
            "--from",
            "2000-01-01",
            "--to",
            "2099-12-31",
            "--json",
        ],
    );
    assert!(report["events"].as_u64().unwrap() > 0, "{report}");
    assert!(report["changed"].as_array().is_some(), "{report}");
    let o = mds(
        &env,
        &[
            "policy",
            "simulate",
            "--from",
            "2026-12-31",
            "--to",
            "2026-01-01",
        ],
    );
    assert!(!o.status.success());
}
