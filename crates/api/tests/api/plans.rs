//! No full scan on any request path (issue 13): the everyday requests of patients,
//! professionals and support run through the real router on SQLite with the store's
//! statement watch on; then every statement they ran is checked twice — by its
//! `EXPLAIN QUERY PLAN` (no `SCAN` of a table that grows with the population) and by SQLite's
//! own counter of rows stepped through in full scans; and none of them is prepared again by
//! SQLite when it is run from the statement cache. PostgreSQL gets the same indexes from
//! its migrations; its plans depend on statistics, so they are not asserted here.

use axum::http::StatusCode;
use mds_testkit::api::*;
use serde_json::json;

/// Tables that stay small whatever the number of patients and documents, and so may be
/// scanned: one row (`audit_head`), or the directory of New Caledonia's professionals
/// (`professionals`, about 5,000 people at most), which support searches by any part of a
/// name (`LIKE '%…%'` cannot use an index; the scan is bounded by the profession, not by the
/// population of records).
const SMALL_TABLES: &[&str] = &["audit_head", "professionals"];

/// The subject of a plan line, when the line scans a table whole: `SCAN documents`,
/// `SCAN d` (an alias), `SCAN documents USING INDEX …` (a whole index is still a full scan).
/// Scans of subquery results, CTEs and constant rows are not table scans.
fn scanned_table(line: &str) -> Option<&str> {
    let rest = line.trim().strip_prefix("SCAN ")?;
    let name = rest.split_whitespace().next()?;
    if name.starts_with('(') || name == "CONSTANT" {
        return None;
    }
    Some(name)
}

#[test]
fn every_request_path_uses_an_index() {
    on_both(|backend| async move {
        if backend != TestBackend::Sqlite {
            return;
        }
        let mut w = World::new(backend).await;
        let db = w.app.db().clone();
        let pid = w.patient_id(MARIE_CAFAT).await;
        // Sign-ins (session creation) are request paths too: watch from the first one.
        db.watch_statements(true);
        let added = w
            .add_text(DOCTOR, &pid, "Compte rendu : examen normal.")
            .await;
        assert_eq!(added.status, StatusCode::CREATED, "{:?}", added.json);
        let doc = added.json["id"].as_str().unwrap().to_owned();
        let docs = format!("/api/v1/records/{pid}/documents");
        for (login, uri) in [
            (DOCTOR, docs.clone()),
            (DOCTOR, format!("{docs}?limit=50")),
            (DOCTOR, format!("{docs}?type_code=11488-4")),
            (DOCTOR, format!("{docs}/{doc}")),
            (DOCTOR, format!("{docs}/{doc}/content")),
            (PATIENT, format!("/api/v1/records/{pid}/care-team")),
            (DOCTOR, "/api/v1/auth/me".to_owned()),
            (PATIENT, "/api/v1/records/mine".to_owned()),
            (PATIENT, docs.clone()),
            (PATIENT, format!("{docs}/{doc}/content")),
            (PATIENT, format!("/api/v1/records/{pid}/history")),
            (PATIENT, format!("/api/v1/records/{pid}/consents")),
            (PATIENT, format!("/api/v1/records/{pid}/blocks")),
            (DOCTOR, "/api/v1/me/access-log".to_owned()),
            (PATIENT, "/api/v1/me/notifications".to_owned()),
            (SUPPORT, "/api/v1/professionals".to_owned()),
        ] {
            let a = w.get(login, &uri).await;
            assert_eq!(a.status, StatusCode::OK, "{login} GET {uri}: {:?}", a.json);
        }
        let found = w
            .post(
                DOCTOR,
                "/api/v1/patients/search",
                json!({ "cafat": MARIE_CAFAT, "birth_date": "1985-03-14" }),
            )
            .await;
        assert_eq!(found.status, StatusCode::OK, "{:?}", found.json);
        // Denials are request paths too (and are audited).
        for login in [OTHER_PATIENT, NURSE, PHARMACIST, PSYCHOLOGIST] {
            let refused = w.get(login, &format!("{docs}/{doc}/content")).await;
            assert_eq!(refused.status, StatusCode::NOT_FOUND, "{login}");
        }
        db.watch_statements(false);

        let statements = db.watched_statements();
        assert!(
            statements.len() > 20,
            "the watch saw the request paths' statements: {}",
            statements.len()
        );
        if std::env::var_os("MDS_TEST_SHOW_PLANS").is_some() {
            for s in &statements {
                let plan = db.explain_query_plan(&s.sql).unwrap().unwrap();
                println!(
                    "{} ({} runs, {} scanned)\n  {plan:?}",
                    s.sql, s.runs, s.full_scan_steps
                );
            }
        }
        let mut faults = Vec::new();
        for s in &statements {
            let plan = db.explain_query_plan(&s.sql).unwrap().unwrap();
            let scans: Vec<_> = plan
                .iter()
                .filter(|l| scanned_table(l).is_some_and(|t| !is_small(&s.sql, t)))
                .collect();
            if !scans.is_empty() {
                faults.push(format!("{}\n    plan: {scans:?}", s.sql));
            } else if s.full_scan_steps > 0 && !scans_only_small_tables(&s.sql, &plan) {
                faults.push(format!(
                    "{}\n    {} rows stepped in full scans",
                    s.sql, s.full_scan_steps
                ));
            }
        }
        assert!(
            faults.is_empty(),
            "statements of request paths that scan a table whole:\n{}",
            faults.join("\n")
        );
        // A cached statement is never parsed and planned again: its plan does not depend on
        // the values bound (query planner stability, see `mds_store::db`).
        let reprepared: Vec<String> = statements
            .iter()
            .filter(|s| s.reprepares > 0)
            .map(|s| {
                format!(
                    "{} ({} runs, prepared again {} times)",
                    s.sql, s.runs, s.reprepares
                )
            })
            .collect();
        assert!(
            reprepared.is_empty(),
            "statements SQLite prepared again on request paths:\n{}",
            reprepared.join("\n")
        );
        assert!(
            statements
                .iter()
                .any(|s| s.runs > 1 && s.sql.contains("LIMIT $")),
            "the watch saw a statement with a bound LIMIT run more than once"
        );
    });
}

/// Whether every table the plan scans is a small one (SQLite's counter also counts those).
fn scans_only_small_tables(sql: &str, plan: &[String]) -> bool {
    plan.iter()
        .filter_map(|l| scanned_table(l))
        .all(|t| is_small(sql, t))
}

fn is_small(sql: &str, name: &str) -> bool {
    SMALL_TABLES.contains(&table_named(sql, name))
}

/// The table a plan line's name stands for in `sql`: itself, or the table it aliases
/// (`FROM professionals p`, `JOIN accounts AS a`).
fn table_named<'a>(sql: &'a str, name: &'a str) -> &'a str {
    let words: Vec<&str> = sql.split_whitespace().collect();
    for (i, w) in words.iter().enumerate() {
        if !(w.eq_ignore_ascii_case("FROM") || w.eq_ignore_ascii_case("JOIN")) {
            continue;
        }
        let (Some(table), Some(next)) = (words.get(i + 1), words.get(i + 2)) else {
            continue;
        };
        let alias = if next.eq_ignore_ascii_case("AS") {
            words.get(i + 3).copied().unwrap_or_default()
        } else {
            next
        };
        if alias.trim_end_matches(',') == name {
            return table;
        }
    }
    name
}

#[test]
fn plan_lines_name_their_scanned_table() {
    assert_eq!(scanned_table("SCAN documents"), Some("documents"));
    assert_eq!(
        scanned_table("  SCAN d USING INDEX documents_by_patient"),
        Some("d")
    );
    assert_eq!(
        scanned_table("SEARCH documents USING INDEX x (patient_id=?)"),
        None
    );
    assert_eq!(scanned_table("SCAN (subquery-1)"), None);
    assert_eq!(scanned_table("SCAN CONSTANT ROW"), None);
    let sql = "SELECT 1 FROM professionals p JOIN accounts AS a ON a.id = p.account_id";
    assert_eq!(table_named(sql, "p"), "professionals");
    assert_eq!(table_named(sql, "a"), "accounts");
    assert_eq!(table_named(sql, "documents"), "documents");
}

/// The statements one request runs, by text, in the order of their first run.
async fn statements_of(w: &World, token: &str, uri: &str) -> Vec<String> {
    let db = w.app.db();
    db.watched_statements();
    db.watch_statements(true);
    let a = w.send_as(token, axum::http::Method::GET, uri, None).await;
    db.watch_statements(false);
    assert_eq!(a.status, StatusCode::OK, "GET {uri}: {:?}", a.json);
    db.watched_statements()
        .into_iter()
        .flat_map(|s| std::iter::repeat_n(s.sql, usize::try_from(s.runs).unwrap()))
        .collect()
}

/// The hot path's statement budget (issue 13): a care-team doctor's read runs one statement
/// for who acts (session, account, professional, structure), one for the patient, one for the
/// record's facts (with the first-access pair), one for the document, then the audit event's
/// group commit (head, insert, head hash): seven. A list runs one more, the count of the
/// visible documents beside their page (both under the policy's list scope).
#[test]
fn a_list_runs_eight_statements_and_a_read_seven() {
    on_both(|backend| async move {
        if backend != TestBackend::Sqlite {
            return;
        }
        let mut w = World::new(backend).await;
        let pid = w.patient_id(MARIE_CAFAT).await;
        let added = w
            .add_text(DOCTOR, &pid, "Compte rendu : examen normal.")
            .await;
        let doc = added.json["id"].as_str().unwrap().to_owned();
        let doctor = w.token(DOCTOR).await;
        let docs = format!("/api/v1/records/{pid}/documents");
        let content = format!("{docs}/{doc}/content");
        // The first read records the first access (and tells the patient): not the hot path.
        let _ = statements_of(&w, &doctor, &content).await;
        for (uri, budget) in [(&docs, 8), (&content, 7)] {
            let ran = statements_of(&w, &doctor, uri).await;
            assert_eq!(ran.len(), budget, "GET {uri} ran:\n{}", ran.join("\n"));
        }
    });
}
