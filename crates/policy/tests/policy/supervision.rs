//! Decision table of the supervision rules: each rule raised one step past its threshold and
//! not raised exactly at it. Every case has a name; the test lists every failing case.

use mds_domain::Timestamp;
use mds_policy::supervision::{evaluate, noumea_hour, AlertRule, Fact, FactKind, Thresholds};

/// 2026-11-22 00:00 in Nouméa (2026-11-21T13:00:00Z).
const MIDNIGHT: i64 = 1_795_266_000_000;
const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;

/// `hh:mm` on 22/11/2026, New Caledonia time.
fn local(h: i64, m: i64) -> Timestamp {
    Timestamp::from_millis(MIDNIGHT + h * HOUR + m * MINUTE)
}

fn fact(seq: i64, at: Timestamp, kind: FactKind, patient: &str) -> Fact {
    Fact {
        seq,
        at,
        actor: "pro-1".to_owned(),
        professional: Some("pro-1".to_owned()),
        patient: Some(patient.to_owned()),
        kind,
        permitted: true,
        denied: false,
        professional_family_name: Some("Néa".to_owned()),
        patient_birth_name: Some("Wéa".to_owned()),
    }
}

/// `n` reads of `n` distinct patients by pro-1 during the afternoon.
fn reads(n: i64) -> Vec<Fact> {
    (0..n)
        .map(|i| {
            fact(
                i + 1,
                local(14, 0).plus_seconds(i * 10),
                FactKind::Read,
                &format!("p{i}"),
            )
        })
        .collect()
}

fn break_glasses(n: i64) -> Vec<Fact> {
    (0..n)
        .map(|i| {
            fact(
                i + 1,
                local(9, 0).plus_seconds(i * 3600),
                FactKind::BreakGlass,
                &format!("p{i}"),
            )
        })
        .collect()
}

fn denials(n: i64, spacing_seconds: i64) -> Vec<Fact> {
    (0..n)
        .map(|i| Fact {
            permitted: false,
            denied: true,
            ..fact(
                i + 1,
                local(10, 0).plus_seconds(i * spacing_seconds),
                FactKind::Other,
                "px",
            )
        })
        .collect()
}

fn one(at: Timestamp, kind: FactKind) -> Vec<Fact> {
    vec![fact(1, at, kind, "p1")]
}

fn named(pro: &str, patient: &str) -> Vec<Fact> {
    vec![Fact {
        professional_family_name: Some(pro.to_owned()),
        patient_birth_name: Some(patient.to_owned()),
        ..fact(1, local(11, 0), FactKind::Read, "p1")
    }]
}

struct Case {
    name: &'static str,
    facts: Vec<Fact>,
    /// Expected alerts, as (rule, count).
    expected: Vec<(AlertRule, usize)>,
}

fn cases() -> Vec<Case> {
    use AlertRule::*;
    let c = |name, facts, expected| Case {
        name,
        facts,
        expected,
    };
    vec![
        c("50 distinct patients read: nothing", reads(50), vec![]),
        c(
            "51 distinct patients read: alert",
            reads(51),
            vec![(DistinctPatients, 51)],
        ),
        c(
            "60 reads of the same 50 patients: nothing",
            {
                let mut v = reads(50);
                v.extend(reads(10).into_iter().map(|f| Fact {
                    seq: f.seq + 100,
                    ..f
                }));
                v
            },
            vec![],
        ),
        c(
            "51 patients, the first read more than 24 h before the last: nothing",
            {
                let mut v = reads(51);
                v[0].at = Timestamp::from_millis(v[50].at.millis() - 24 * HOUR);
                v
            },
            vec![],
        ),
        c(
            "51 patients, the first read just under 24 h before the last: alert",
            {
                let mut v = reads(51);
                v[0].at = Timestamp::from_millis(v[50].at.millis() - 24 * HOUR + 1);
                v
            },
            vec![(DistinctPatients, 51)],
        ),
        c(
            "51 patients, one read denied: nothing",
            {
                let mut v = reads(51);
                v[3].permitted = false;
                v[3].denied = true;
                v
            },
            vec![],
        ),
        c(
            "3 break-glass accesses: one alert each, not repeated",
            break_glasses(3),
            vec![(BreakGlassAccess, 1); 3],
        ),
        c(
            "4 break-glass accesses: repeated",
            break_glasses(4),
            vec![
                (BreakGlassAccess, 1),
                (BreakGlassAccess, 1),
                (BreakGlassAccess, 1),
                (BreakGlassAccess, 1),
                (RepeatedBreakGlass, 4),
            ],
        ),
        c(
            "read at 21:59: nothing",
            one(local(21, 59), FactKind::Read),
            vec![],
        ),
        c(
            "read at 22:00: alert",
            one(local(22, 0), FactKind::Read),
            vec![(NightAccess, 1)],
        ),
        c(
            "read at 04:59: alert",
            one(local(4, 59), FactKind::Read),
            vec![(NightAccess, 1)],
        ),
        c(
            "read at 05:00: nothing",
            one(local(5, 0), FactKind::Read),
            vec![],
        ),
        c(
            "break-glass at 23:30: night alert",
            one(local(23, 30), FactKind::BreakGlass),
            vec![(BreakGlassAccess, 1), (NightAccess, 1)],
        ),
        c(
            "document added at 23:00: nothing",
            one(local(23, 0), FactKind::Other),
            vec![],
        ),
        c("different names: nothing", named("Néa", "Wéa"), vec![]),
        c(
            "same birth name: alert",
            named("Néa", "NEA"),
            vec![(SameBirthName, 1)],
        ),
        c(
            "same name after normalisation (accents, case, spaces): alert",
            named("  de   la Fontaine-Gowé", "DE LA FONTAINE-GOWE"),
            vec![(SameBirthName, 1)],
        ),
        c(
            "name contained in another: nothing",
            named("Néa", "Néa-Wéa"),
            vec![],
        ),
        c("10 denials in 10 minutes: nothing", denials(10, 60), vec![]),
        c(
            "11 denials in 10 minutes: alert",
            denials(11, 55),
            vec![(DeniedBurst, 11)],
        ),
        c(
            "11 denials over more than 10 minutes: nothing",
            denials(11, 61),
            vec![],
        ),
    ]
}

#[test]
fn supervision_decision_table() {
    let t = Thresholds::default();
    let mut failing = Vec::new();
    for case in cases() {
        let got: Vec<(AlertRule, usize)> = evaluate(&case.facts, &[], &t)
            .into_iter()
            .map(|a| (a.rule, a.count))
            .collect();
        if got != case.expected {
            failing.push(format!(
                "{}: expected {:?}, got {:?}",
                case.name, case.expected, got
            ));
        }
    }
    assert!(failing.is_empty(), "failing cases:\n{}", failing.join("\n"));
}

#[test]
fn an_alert_is_raised_once_per_rule_subject_and_day() {
    let t = Thresholds::default();
    let alerts = evaluate(&reads(70), &[], &t);
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(alerts[0].seq, 51, "the fact that crossed the line");
    assert_eq!(alerts[0].day, "2026-11-22");
}

#[test]
fn the_window_counts_facts_already_processed() {
    let t = Thresholds::default();
    let all = reads(51);
    let (old, new) = all.split_at(50);
    let alerts = evaluate(new, old, &t);
    assert_eq!(
        alerts.iter().map(|a| (a.rule, a.count)).collect::<Vec<_>>(),
        vec![(AlertRule::DistinctPatients, 51)]
    );
    assert!(
        evaluate(old, &[], &t).is_empty(),
        "old facts alone stay below"
    );
}

#[test]
fn thresholds_are_configurable() {
    let t = Thresholds {
        distinct_patients_24h: 2,
        break_glass_24h: 1,
        night_start_hour: 20,
        night_end_hour: 6,
        denied_burst: 2,
        denied_burst_minutes: 1,
    };
    let rules = |facts: Vec<Fact>| -> Vec<AlertRule> {
        evaluate(&facts, &[], &t)
            .into_iter()
            .map(|a| a.rule)
            .collect()
    };
    assert_eq!(rules(reads(3)), vec![AlertRule::DistinctPatients]);
    assert_eq!(
        rules(break_glasses(2)),
        vec![
            AlertRule::BreakGlassAccess,
            AlertRule::BreakGlassAccess,
            AlertRule::RepeatedBreakGlass
        ]
    );
    assert_eq!(
        rules(one(local(20, 0), FactKind::Read)),
        vec![AlertRule::NightAccess]
    );
    assert_eq!(rules(one(local(6, 0), FactKind::Read)), vec![]);
    assert_eq!(rules(denials(3, 10)), vec![AlertRule::DeniedBurst]);
}

#[test]
fn noumea_hours() {
    assert_eq!(noumea_hour(local(0, 0)), 0);
    assert_eq!(noumea_hour(local(21, 59)), 21);
    assert_eq!(noumea_hour(local(22, 0)), 22);
    assert_eq!(
        AlertRule::parse("night_access"),
        Some(AlertRule::NightAccess)
    );
}

mod reduced_window {
    //! The caller loads `needed_in_window` of the earlier events, not all of them: for any
    //! history and any split into earlier facts and a new batch, the alerts are the same.

    use super::MIDNIGHT;
    use mds_domain::Timestamp;
    use mds_policy::supervision::{evaluate, needed_in_window, Fact, FactKind, Thresholds};
    use proptest::prelude::*;

    const KINDS: [FactKind; 4] = [
        FactKind::Read,
        FactKind::BreakGlass,
        FactKind::Samu,
        FactKind::Other,
    ];

    /// (minutes after midnight, possibly a little before the previous fact; actor 0–3, where
    /// 3 is an assistant of professional 0; patient; kind; permitted; denied)
    fn raw() -> impl Strategy<Value = Vec<(i64, usize, usize, usize, bool, bool)>> {
        prop::collection::vec(
            (
                prop_oneof![4 => -3i64..8, 1 => 0i64..120],
                0usize..4,
                0usize..12,
                0usize..4,
                any::<bool>(),
                any::<bool>(),
            ),
            1..160,
        )
    }

    fn facts(raw: &[(i64, usize, usize, usize, bool, bool)]) -> Vec<Fact> {
        let mut minute = 0;
        raw.iter()
            .enumerate()
            .map(|(i, &(step, actor, patient, kind, permitted, denied))| {
                minute = (minute + step).max(0);
                let (actor, professional) = match actor {
                    3 => ("assistant-0".to_owned(), "pro-0".to_owned()),
                    n => (format!("pro-{n}"), format!("pro-{n}")),
                };
                Fact {
                    seq: i64::try_from(i).unwrap() + 1,
                    at: Timestamp::from_millis(MIDNIGHT + minute * 60_000),
                    actor,
                    professional: Some(professional),
                    patient: Some(format!("p{patient}")),
                    kind: KINDS[kind],
                    permitted: permitted && !denied,
                    denied: denied && !permitted,
                    professional_family_name: None,
                    patient_birth_name: None,
                }
            })
            .collect()
    }

    proptest! {
        // No failure files are written into the source tree; a failing case is printed instead.
        #![proptest_config(ProptestConfig {
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn a_reduced_window_gives_the_same_alerts(raw in raw(), split in 0usize..160) {
            let t = Thresholds {
                distinct_patients_24h: 4,
                break_glass_24h: 1,
                night_start_hour: 22,
                night_end_hour: 5,
                denied_burst: 2,
                denied_burst_minutes: 30,
            };
            let all = facts(&raw);
            let (old, new) = all.split_at(split.min(all.len() - 1));
            let first_new = new.iter().map(|f| f.at).min().unwrap();
            let full = evaluate(new, old, &t);
            let reduced = needed_in_window(old.to_vec(), first_new, &t);
            prop_assert!(reduced.len() <= old.len());
            prop_assert_eq!(evaluate(new, &reduced, &t), full);
        }
    }

    #[test]
    fn the_reduction_keeps_one_read_per_professional_and_patient() {
        let t = Thresholds::default();
        let raw: Vec<_> = (0..100).map(|i| (1, 0, i % 3, 0, true, false)).collect();
        let old = facts(&raw);
        let kept = needed_in_window(old, Timestamp::from_millis(MIDNIGHT + 101 * 60_000), &t);
        let mut seqs: Vec<i64> = kept.iter().map(|f| f.seq).collect();
        seqs.sort_unstable();
        assert_eq!(
            seqs,
            vec![98, 99, 100],
            "the latest read of each of the 3 patients"
        );
    }
}
