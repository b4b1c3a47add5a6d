//! Issue 5, part 1: the patient's activity history in plain French. A scripted day on a real
//! database (additions, a search, reads, a consent, a break-glass, a denied attempt, the
//! patient reading their history) must give exactly the expected French transcript; then the
//! filters, the pagination, the professional's access log and the support extraction. Both
//! backends.

use mds_app::information::history::{ActivityKind, HistoryFilter, HistoryPage, PageRequest, Who};
use mds_app::operator::audit_extract::{ExtractFormat, ExtractTarget};
use mds_app::record::consent::ConsentAnswer;
use mds_app::record::documents::{DocumentQuery, NewDocument};
use mds_app::{Actor, App};
use mds_domain::{PatientId, Timestamp};
use mds_testkit::app::*;
use mds_testkit::typed;

/// 08:00 in Nouméa on 23/09/2026, the scripted day.
const DAY: i64 = 110_820_000;
const PSY: &str = "psy.hnawia@demo.mds.nc";
/// Works in one structure only: a professional's acting structure is their first one, and
/// with several it depends on generated identifiers.
const TITLE: &str = "Compte rendu de consultation — suivi tensionnel";
const REASON: &str = "Patient inconscient admis aux urgences de Koné";

/// `hh:mm` on the scripted day.
fn hm(hours: i64, minutes: i64) -> Timestamp {
    at(DAY + (hours - 8) * HOUR + minutes * MINUTE)
}

const TRANSCRIPT: &str = "\
23/09/2026 18:00 — Vous avez consulté l'historique d'activité de votre dossier
23/09/2026 15:45 — Léa Hnawia, psychologue, Centre hospitalier territorial de Nouméa (démo), a tenté de consulter le document « Compte rendu de consultation — suivi tensionnel » : accès refusé, car ce professionnel n'est pas dans votre équipe de soins et n'a ni votre accord ni d'accès d'urgence
23/09/2026 13:31 — Paul Kaloï, infirmier, Dispensaire provincial de Koné (démo), a consulté le document « Compte rendu de consultation — suivi tensionnel » (accès en urgence par bris de glace : Patient inconscient admis aux urgences de Koné)
23/09/2026 13:30 — Paul Kaloï, infirmier, Dispensaire provincial de Koné (démo), a ouvert un accès en urgence (bris de glace) à votre dossier, motif : « Patient inconscient admis aux urgences de Koné »
23/09/2026 10:05 — Annie Gopé, sage-femme, Dispensaire provincial de Koné (démo), a consulté le document « Compte rendu de consultation — suivi tensionnel » (accès avec votre consentement)
23/09/2026 10:02 — Vous avez accepté la demande d'accès d'Annie Gopé (sage-femme)
23/09/2026 10:00 — Annie Gopé, sage-femme, Dispensaire provincial de Koné (démo), a demandé votre accord pour accéder à votre dossier
23/09/2026 09:12 — Vous avez consulté le document « Compte rendu de consultation — suivi tensionnel »
23/09/2026 09:10 — Vous avez recherché des documents de votre dossier
23/09/2026 08:05 — Dr Jean Néa, médecin, Centre hospitalier territorial de Nouméa (démo), a ajouté un document à votre dossier (accès en tant que membre de l'équipe de soins)
23/09/2026 08:00 — Dr Jean Néa, médecin, Centre hospitalier territorial de Nouméa (démo), a ajouté le document « Compte rendu de consultation — suivi tensionnel » à votre dossier (accès en tant que membre de l'équipe de soins)";

fn document(type_code: &str, title: &str, hidden: bool) -> NewDocument {
    NewDocument {
        type_code: type_code.to_owned(),
        title: title.to_owned(),
        act_date: "2026-09-22".to_owned(),
        hidden_from_patient: hidden,
        confirms_patient_informed: true,
        content: format!("Contenu de {title}").into_bytes(),
        ..NewDocument::default()
    }
}

/// A line without its « 23/09/2026 13:31 — » prefix.
fn without_time(line: &str) -> String {
    line.split_once(" — ")
        .map_or_else(String::new, |(_, rest)| rest.to_owned())
}

fn text(page: &HistoryPage) -> String {
    page.entries
        .iter()
        .map(|e| e.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

/// From the scripted day on, so the demo data loaded the day before stays out.
fn from_day() -> HistoryFilter {
    HistoryFilter {
        from: time::Date::from_calendar_date(2026, time::Month::September, 23).ok(),
        ..HistoryFilter::default()
    }
}

struct Day {
    patient: Actor,
    doctor: Actor,
    nurse: Actor,
    support: Actor,
    patient_id: String,
    /// The document added at 08:00.
    document_id: mds_domain::DocumentId,
}

/// Runs the scripted day and returns who took part.
async fn scripted_day(app: &App) -> Day {
    let t = at(0);
    let patient = actor(app, PATIENT, t).await;
    let doctor = actor(app, DOCTOR, t).await;
    let midwife = actor(app, MIDWIFE, t).await;
    let nurse = actor(app, NURSE, t).await;
    let psy = actor(app, PSY, t).await;
    let support = actor(app, SUPPORT, t).await;
    let patient_id = app
        .my_record(&patient)
        .await
        .unwrap_or_else(|e| panic!("record: {e:?}"))
        .patient_id;
    let pid = patient_id.as_str();
    let ok = |what: &str| format!("{what} must succeed");

    let doc = app
        .add_document(
            &doctor,
            &typed::<PatientId>(&pid),
            document("11488-4", TITLE, false),
            None,
            hm(8, 0),
        )
        .await
        .unwrap_or_else(|e| panic!("{}: {e:?}", ok("add")));
    let hidden = document("60568-3", "Résultat d'anatomopathologie", true);
    app.add_document(&doctor, &typed::<PatientId>(&pid), hidden, None, hm(8, 5))
        .await
        .unwrap_or_else(|e| panic!("{}: {e:?}", ok("add hidden")));
    app.list_documents(
        &patient,
        &typed::<PatientId>(&pid),
        DocumentQuery::default(),
        None,
        hm(9, 10),
    )
    .await
    .unwrap_or_else(|e| panic!("{}: {e:?}", ok("search")));
    app.document_content_for(
        &patient,
        &typed::<PatientId>(&pid),
        &doc.id,
        None,
        hm(9, 12),
    )
    .await
    .unwrap_or_else(|e| panic!("{}: {e:?}", ok("patient read")));
    let consent = app
        .request_consent(
            &midwife,
            &typed::<PatientId>(&pid),
            "Suivi de grossesse",
            false,
            None,
            hm(10, 0),
        )
        .await
        .unwrap_or_else(|e| panic!("{}: {e:?}", ok("consent request")));
    app.answer_consent(
        &patient,
        &typed::<PatientId>(&pid),
        &consent.id,
        ConsentAnswer::Approve,
        None,
        hm(10, 2),
    )
    .await
    .unwrap_or_else(|e| panic!("{}: {e:?}", ok("approve")));
    app.document_content_for(
        &midwife,
        &typed::<PatientId>(&pid),
        &doc.id,
        None,
        hm(10, 5),
    )
    .await
    .unwrap_or_else(|e| panic!("{}: {e:?}", ok("consented read")));
    app.open_emergency_access(
        &nurse,
        &typed::<PatientId>(&pid),
        false,
        REASON,
        None,
        hm(13, 30),
    )
    .await
    .unwrap_or_else(|e| panic!("{}: {e:?}", ok("break-glass")));
    app.document_content_for(&nurse, &typed::<PatientId>(&pid), &doc.id, None, hm(13, 31))
        .await
        .unwrap_or_else(|e| panic!("{}: {e:?}", ok("break-glass read")));
    let denied = app
        .document_content_for(&psy, &typed::<PatientId>(&pid), &doc.id, None, hm(15, 45))
        .await;
    assert!(denied.is_err(), "the psychologist is outside the care team");
    Day {
        patient,
        doctor,
        nurse,
        support,
        patient_id: patient_id.to_string(),
        document_id: doc.id,
    }
}

#[test]
fn a_scripted_day_reads_as_the_expected_french_transcript() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let day = scripted_day(&f.app).await;
        let page = f
            .app
            .record_history(
                &day.patient,
                &typed::<PatientId>(&day.patient_id),
                &from_day(),
                PageRequest::default(),
                None,
                hm(18, 0),
            )
            .await
            .unwrap_or_else(|e| panic!("history: {e:?}"));
        assert_eq!(text(&page), TRANSCRIPT);
        assert_eq!(page.next, None);
        assert_eq!(
            page.entries.iter().filter(|e| e.denied).count(),
            1,
            "one denied attempt"
        );
        assert_chain_intact(&f.app).await;
    });
}

/// Issue 18 item 4: « qui a consulté mon dossier ? ». The portal's view shows others' actions
/// by default, the patient's own behind `Who::Mine`, and a professional's reads of one day on
/// one line with their count and the documents.
#[test]
fn the_portal_view_shows_others_and_groups_reads_per_day() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let day = scripted_day(&f.app).await;
        let pid = typed::<PatientId>(&day.patient_id);
        for minute in [1, 10, 20] {
            f.app
                .document_content_for(&day.doctor, &pid, &day.document_id, None, hm(16, minute))
                .await
                .unwrap_or_else(|e| panic!("read: {e:?}"));
        }
        let view = |who: Who, minute: i64| {
            let app = &f.app;
            let (patient, pid) = (&day.patient, &pid);
            async move {
                let filter = HistoryFilter { who, ..from_day() };
                let page = app
                    .record_history_by_day(
                        patient,
                        pid,
                        &filter,
                        PageRequest::default(),
                        None,
                        hm(18, minute),
                    )
                    .await
                    .unwrap_or_else(|e| panic!("history: {e:?}"));
                text(&page)
            }
        };
        let others = view(Who::Others, 0).await;
        assert!(
            !others.contains("Vous avez"),
            "no line of the patient's own:\n{others}"
        );
        let grouped: Vec<&str> = others.lines().filter(|l| l.contains("16:")).collect();
        assert_eq!(
            grouped.len(),
            1,
            "three reads of one day on one line:\n{others}"
        );
        let reads = format!("a consulté 3 fois le document « {TITLE} »");
        assert!(
            grouped[0].starts_with("23/09/2026 de 16:01 à 16:20 — Dr Jean Néa, médecin, Centre hospitalier territorial de Nouméa (démo), ")
                && grouped[0].contains(&reads)
                && grouped[0].ends_with("(accès en tant que membre de l'équipe de soins)"),
            "{}",
            grouped[0]
        );
        // The psychologist's refused read is there, with its reason in words.
        assert!(
            others.contains("a tenté de consulter le document"),
            "{others}"
        );
        let mine = view(Who::Mine, 1).await;
        assert!(
            !mine.is_empty() && mine.lines().all(|l| l.contains(" — Vous ")),
            "{mine}"
        );
        let everyone = view(Who::Everyone, 2).await;
        assert_eq!(
            everyone.lines().count(),
            others.lines().count() + mine.lines().count() + 1,
            "everyone = others + mine (which holds the reads of the history at 18:00 and 18:01) + \
             this read at 18:02\n{everyone}"
        );
        assert_chain_intact(&f.app).await;
    });
}

#[test]
fn history_filters_and_pages() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let day = scripted_day(&f.app).await;
        let pid = day.patient_id.as_str();
        let nurse_id = account_id(&f.app, NURSE).await;
        let read = |filter: HistoryFilter, page: PageRequest, minute: i64| {
            let app = &f.app;
            let patient = &day.patient;
            async move {
                app.record_history(
                    patient,
                    &typed::<PatientId>(&pid),
                    &filter,
                    page,
                    None,
                    hm(19, minute),
                )
                .await
                .unwrap_or_else(|e| panic!("history: {e:?}"))
            }
        };
        let lines = |t: String| t.lines().map(without_time).collect::<Vec<_>>();
        let day_lines = |kept: &[usize]| {
            let all: Vec<&str> = TRANSCRIPT.lines().collect();
            kept.iter()
                .map(|i| without_time(all[*i]))
                .collect::<Vec<_>>()
        };
        let cases: Vec<(&str, HistoryFilter, Vec<usize>)> = vec![
            (
                "emergency",
                HistoryFilter {
                    kind: Some(ActivityKind::Emergency),
                    ..from_day()
                },
                vec![2, 3],
            ),
            (
                "denied",
                HistoryFilter {
                    kind: Some(ActivityKind::Denied),
                    ..from_day()
                },
                vec![1],
            ),
            (
                "changes",
                HistoryFilter {
                    kind: Some(ActivityKind::Changes),
                    ..from_day()
                },
                vec![9, 10],
            ),
            (
                "searches",
                HistoryFilter {
                    kind: Some(ActivityKind::Searches),
                    ..from_day()
                },
                vec![8],
            ),
            (
                "one professional",
                HistoryFilter {
                    professional: Some(nurse_id.clone().to_string()),
                    ..from_day()
                },
                vec![2, 3],
            ),
            (
                "a period ending the day before",
                HistoryFilter {
                    from: time::Date::from_calendar_date(2026, time::Month::September, 21).ok(),
                    to: time::Date::from_calendar_date(2026, time::Month::September, 22).ok(),
                    professional: Some(nurse_id.clone().to_string()),
                    kind: None,
                    who: Who::Everyone,
                    ..HistoryFilter::default()
                },
                vec![],
            ),
        ];
        let mut failures = Vec::new();
        for (i, (name, filter, want)) in cases.into_iter().enumerate() {
            let minute = i64::try_from(i).unwrap_or(0);
            let got = lines(text(&read(filter, PageRequest::default(), minute).await));
            if got != day_lines(&want) {
                failures.push(format!("{name}: {got:#?}"));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));

        // Pages of 4, newest first, cover the same lines once each (the reads of the history
        // add lines at the top, so compare only the scripted day below them).
        let mut seen = Vec::new();
        let mut before = None;
        let filter = HistoryFilter {
            to: time::Date::from_calendar_date(2026, time::Month::September, 23).ok(),
            ..from_day()
        };
        loop {
            let page = read(filter.clone(), PageRequest { before, size: 4 }, 30).await;
            assert!(page.entries.len() <= 4);
            seen.extend(page.entries.iter().map(|e| e.seq));
            match page.next {
                Some(n) => before = Some(n),
                None => break,
            }
        }
        let full = read(
            filter,
            PageRequest {
                before: None,
                size: 100,
            },
            31,
        )
        .await;
        let all: Vec<i64> = full.entries.iter().map(|e| e.seq).collect();
        assert!(seen.len() >= 11, "{seen:?}");
        assert_eq!(&all[all.len() - 11..], &seen[seen.len() - 11..]);
        let mut sorted = seen.clone();
        sorted.sort_unstable_by(|a, b| b.cmp(a));
        sorted.dedup();
        assert_eq!(sorted, seen, "newest first, each once");
    });
}

#[test]
fn only_the_owner_reads_the_history_and_attempts_are_shown() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let day = scripted_day(&f.app).await;
        let pid = day.patient_id.as_str();
        for (who, a) in [("doctor", &day.doctor), ("support", &day.support)] {
            let r = f
                .app
                .record_history(
                    a,
                    &typed::<PatientId>(&pid),
                    &from_day(),
                    PageRequest::default(),
                    None,
                    hm(17, 0),
                )
                .await;
            assert!(r.is_err(), "{who} must not read the patient's history");
        }
        let page = f
            .app
            .record_history(
                &day.patient,
                &typed::<PatientId>(&pid),
                &HistoryFilter {
                    kind: Some(ActivityKind::Denied),
                    ..from_day()
                },
                PageRequest::default(),
                None,
                hm(18, 0),
            )
            .await
            .unwrap_or_else(|e| panic!("history: {e:?}"));
        let got = text(&page);
        assert!(
            got.contains("17:00 — Dr Jean Néa, médecin, Centre hospitalier territorial de Nouméa (démo), a tenté de consulter l'historique d'activité de votre dossier : accès refusé"),
            "{got}"
        );
        assert!(
            got.contains("17:00 — Le support Mon Drive Santé a tenté de consulter l'historique d'activité de votre dossier : accès refusé"),
            "{got}"
        );
    });
}

#[test]
fn a_professional_reads_their_own_access_log() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let day = scripted_day(&f.app).await;
        let page = f
            .app
            .my_access_log(
                &day.nurse,
                &from_day(),
                PageRequest::default(),
                None,
                hm(20, 0),
            )
            .await
            .unwrap_or_else(|e| panic!("access log: {e:?}"));
        assert_eq!(
            text(&page),
            "23/09/2026 20:00 — Vous avez consulté votre journal d'accès\n\
             23/09/2026 13:31 — Vous avez consulté un document de type « Compte rendu ou fiche de consultation ou de visite » (accès en urgence par bris de glace : Patient inconscient admis aux urgences de Koné)\n\
             23/09/2026 13:30 — Vous avez ouvert un accès en urgence (bris de glace) au dossier du patient, motif : « Patient inconscient admis aux urgences de Koné »"
        );
        assert!(page
            .entries
            .iter()
            .skip(1)
            .all(|e| e.patient_id.as_deref() == Some(day.patient_id.as_str())));
        // Each line names its patient (issue 18 item 6); the log's own read has none.
        assert_eq!(page.entries[0].patient_name, None);
        assert!(page
            .entries
            .iter()
            .skip(1)
            .all(|e| e.patient_name.as_deref() == Some("WÉA Marie Josépha")));
        // « Patients récents »: the records they opened or read lately, once each; audited.
        let seq = last_seq(&f.app).await;
        let recent = f
            .app
            .recent_patients(&day.nurse, None, hm(20, 2))
            .await
            .unwrap_or_else(|e| panic!("recent: {e:?}"));
        let ids: Vec<&str> = recent.iter().map(|r| r.patient_id.as_str()).collect();
        assert_eq!(ids, [day.patient_id.as_str()], "{recent:?}");
        assert_eq!(recent[0].name, "WÉA Marie Josépha");
        assert_eq!(recent[0].last_at_ms, hm(13, 31).millis(), "the last read");
        assert_eq!(last_seq(&f.app).await, seq + 1, "one audit event");
        assert_eq!(
            outcome(&f.app.recent_patients(&day.patient, None, hm(20, 3)).await),
            "forbidden"
        );
        let r = f
            .app
            .my_access_log(
                &day.patient,
                &from_day(),
                PageRequest::default(),
                None,
                hm(20, 1),
            )
            .await;
        assert_eq!(outcome(&r), "forbidden");
    });
}

#[test]
fn support_extracts_a_record_or_a_professional_for_an_authority() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let day = scripted_day(&f.app).await;
        let pid = day.patient_id.as_str();
        let target = ExtractTarget::Record(typed::<PatientId>(day.patient_id.clone()));
        let reason = "Réquisition judiciaire n° 2026/118";
        let csv = f
            .app
            .extract_audit(
                &day.support,
                &target,
                reason,
                ExtractFormat::Csv,
                None,
                hm(21, 0),
            )
            .await
            .unwrap_or_else(|e| panic!("extract: {e:?}"));
        let body = String::from_utf8(csv.body).unwrap_or_default();
        let mut rows = body.split("\r\n");
        assert_eq!(
            rows.next(),
            Some("seq,id,at,at_noumea,actor_kind,actor_id,on_behalf_of,structure_id,action,patient_id,document_id,access_mode,outcome,rule,detail,ip,prev_hash,hash,text")
        );
        let all = mds_audit::query(
            f.app.db(),
            &mds_audit::AuditQuery {
                patient_id: Some(pid.to_owned()),
                limit: mds_audit::MAX_QUERY_LIMIT,
                ..mds_audit::AuditQuery::default()
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            csv.events,
            all.len(),
            "every event of the record, the extraction too"
        );
        assert_eq!(body.matches("\r\n").count(), all.len() + 1);
        assert!(body.contains(",break_glass,permit,"), "raw columns");
        assert!(
            body.contains("\"{\"\"detail\"\":{\"\"reason\"\":\"\"Patient inconscient admis aux urgences de Koné\"\"}"),
            "quoted JSON detail: {body}"
        );
        assert!(!body.contains(TITLE), "support never sees titles");
        assert!(body.contains("a consulté un document de type « Compte rendu ou fiche de consultation ou de visite » (accès avec le consentement du patient)"));
        assert!(body.ends_with("Le support Mon Drive Santé a extrait le journal d'audit du dossier du patient pour une autorité\r\n"), "{body}");

        let nurse_id = account_id(&f.app, NURSE).await;
        let json = f
            .app
            .extract_audit(
                &day.support,
                &ExtractTarget::Professional(nurse_id.clone()),
                reason,
                ExtractFormat::Json,
                None,
                hm(21, 1),
            )
            .await
            .unwrap_or_else(|e| panic!("extract: {e:?}"));
        let v: serde_json::Value = serde_json::from_slice(&json.body).unwrap_or_default();
        let items = v.as_array().cloned().unwrap_or_default();
        assert_eq!(items.len(), json.events);
        assert!(items.iter().all(|e| e["actor_id"] == nurse_id.as_str()));
        assert!(items
            .iter()
            .any(|e| e["action"] == "record.break_glass.open"));

        let denied = f
            .app
            .extract_audit(
                &day.doctor,
                &target,
                reason,
                ExtractFormat::Csv,
                None,
                hm(21, 2),
            )
            .await;
        assert_eq!(outcome(&denied), "forbidden");
        let no_reason = f
            .app
            .extract_audit(
                &day.support,
                &target,
                " ",
                ExtractFormat::Csv,
                None,
                hm(21, 3),
            )
            .await;
        assert_eq!(outcome(&no_reason), "reason_required");
        let last = events_after(&f.app, 0).await;
        let extracts: Vec<_> = last
            .iter()
            .filter(|e| e.action == "audit.extract")
            .collect();
        assert_eq!(extracts.len(), 3, "two extractions and one denial");
        assert_eq!(extracts[2].outcome, mds_audit::Outcome::Deny);
        assert_chain_intact(&f.app).await;
    });
}
