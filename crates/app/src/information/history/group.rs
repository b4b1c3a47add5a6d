//! A professional's reads of documents on one day as one line, for the patient's « qui a
//! consulté mon dossier ? ».
//!
//! The contract: only permitted `document.read` events group. Two reads group when they have
//! the same actor, the same « on behalf of », the same structure, the same access mode and
//! the same New Caledonia day. The group's line takes the place of its newest read (pages are
//! newest first) and names each document once, in the order met; a group of one read keeps
//! its own line, word for word. Grouping stays within a page: a day cut by the end of a page
//! continues on the next one.

use super::render::{self, Audience, Names};
use mds_audit::{AuditRecord, Outcome};
use mds_domain::{Language, Timestamp};
use std::collections::HashMap;

#[derive(Hash, PartialEq, Eq)]
struct Key {
    day: Option<time::Date>,
    actor: Option<String>,
    on_behalf_of: Option<String>,
    structure: Option<String>,
    mode: Option<String>,
}

impl Key {
    fn of(ev: &AuditRecord) -> Option<Self> {
        let read = ev.action == "document.read" && ev.outcome == Outcome::Permit;
        read.then(|| Self {
            day: Timestamp::from_millis(ev.at_ms).noumea_date(),
            actor: ev.actor_id.clone(),
            on_behalf_of: ev.on_behalf_of.clone(),
            structure: ev.structure_id.clone(),
            mode: ev.access_mode.clone(),
        })
    }
}

struct Group {
    /// Index of the group's line in the page.
    at: usize,
    newest: AuditRecord,
    names: Names,
    reads: render::Reads,
}

/// The groups of one page, filled event by event, newest first.
#[derive(Default)]
pub(super) struct ReadsPerDay {
    groups: Vec<Group>,
    index: HashMap<Key, usize>,
}

impl ReadsPerDay {
    /// Whether `ev` joined the line of an earlier (newer) read; otherwise, when it is a read,
    /// it starts a group whose line will be the page's line number `at`.
    pub fn absorb(&mut self, ev: &AuditRecord, names: &Names, at: usize) -> bool {
        let Some(key) = Key::of(ev) else {
            return false;
        };
        if let Some(&g) = self.index.get(&key) {
            if let Some(group) = self.groups.get_mut(g) {
                group
                    .reads
                    .add(ev.document_id.as_deref(), names.document.clone(), ev.at_ms);
                return true;
            }
        }
        self.index.insert(key, self.groups.len());
        self.groups.push(Group {
            at,
            newest: ev.clone(),
            names: names.clone(),
            reads: render::Reads::first(
                ev.document_id.as_deref(),
                names.document.clone(),
                ev.at_ms,
            ),
        });
        false
    }

    /// The lines to put in place of the newest read of each group of more than one read, in
    /// `lang`.
    pub fn lines(self, audience: Audience, lang: Language) -> Vec<(usize, String)> {
        self.groups
            .into_iter()
            .filter(|g| g.reads.count() > 1)
            .map(|g| {
                let text = render::reads_line(&g.newest, &g.names, &g.reads, audience, lang);
                (g.at, text)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::information::history::render::{DocumentName, Person, Professional};

    fn read(seq: i64, at_ms: i64, actor: &str, mode: &str, outcome: Outcome) -> AuditRecord {
        AuditRecord {
            seq,
            id: format!("e{seq}"),
            at_ms,
            actor_kind: mds_audit::ActorKind::Professional,
            actor_id: Some(actor.to_owned()),
            on_behalf_of: None,
            structure_id: Some("s1".to_owned()),
            action: "document.read".to_owned(),
            patient_id: Some("p1".to_owned()),
            document_id: Some(format!("d{seq}")),
            access_mode: Some(mode.to_owned()),
            outcome,
            rule: None,
            detail: serde_json::json!({}),
            ip: None,
            prev_hash: String::new(),
            hash: String::new(),
        }
    }

    fn names(title: &str) -> Names {
        let mut n = Names::of(Person::Professional(Professional {
            name: "Jean Néa".to_owned(),
            doctor: true,
            profession: Some("Médecin".to_owned()),
            structure: None,
        }));
        n.document = DocumentName::Titled(title.to_owned());
        n
    }

    /// 2026-12-04 at `h`:`m` in Nouméa (UTC+11), in ms.
    fn at(h: i64, m: i64) -> i64 {
        let midnight_utc_dec_4 = 1_796_342_400_000; // 2026-12-04T00:00:00Z
        midnight_utc_dec_4 - 11 * 3_600_000 + (h * 60 + m) * 60_000
    }

    #[test]
    fn which_events_join_which_line() {
        let again = |mut ev: AuditRecord| {
            ev.document_id = Some("d9".to_owned()); // the document of event 9, read again
            ev
        };
        // (event, its document's title, joins an earlier line)
        let cases = [
            (
                read(9, at(14, 32), "dr", "care_team", Outcome::Permit),
                "Bilan",
                false,
            ),
            (
                read(8, at(11, 5), "dr", "care_team", Outcome::Permit),
                "Ordonnance",
                true,
            ),
            // another professional: a line of their own
            (
                read(7, at(10, 0), "sf", "care_team", Outcome::Permit),
                "Bilan",
                false,
            ),
            // a refused read never groups
            (
                read(6, at(9, 30), "dr", "care_team", Outcome::Deny),
                "Bilan",
                false,
            ),
            // the same professional under break-glass: another line
            (
                read(5, at(9, 0), "dr", "break_glass", Outcome::Permit),
                "Bilan",
                false,
            ),
            (
                again(read(4, at(8, 0), "dr", "care_team", Outcome::Permit)),
                "Bilan",
                true,
            ),
            // the day before (23:59 on the 3rd in Nouméa)
            (
                read(3, at(0, 0) - 60_000, "dr", "care_team", Outcome::Permit),
                "Bilan",
                false,
            ),
        ];
        let mut days = ReadsPerDay::default();
        let mut lines = 0;
        for (ev, title, joins) in &cases {
            let joined = days.absorb(ev, &names(title), lines);
            assert_eq!(joined, *joins, "event {}", ev.seq);
            if !joined {
                lines += 1;
            }
        }
        let grouped = days.lines(Audience::Owner, Language::Fr);
        assert_eq!(grouped.len(), 1, "one group of more than one read");
        assert_eq!(grouped[0].0, 0, "in place of the newest read");
        assert_eq!(
            grouped[0].1,
            "04/12/2026 de 08:00 à 14:32 — Dr Jean Néa, médecin, a consulté 2 documents \
             (3 consultations) : « Bilan » et « Ordonnance » (accès en tant que membre de \
             l'équipe de soins)"
        );
    }

    #[test]
    fn one_document_read_several_times() {
        let mut days = ReadsPerDay::default();
        let first = read(2, at(10, 0), "dr", "care_team", Outcome::Permit);
        let mut second = read(1, at(10, 0), "dr", "care_team", Outcome::Permit);
        second.document_id = first.document_id.clone();
        assert!(!days.absorb(&first, &names("Bilan"), 0));
        assert!(days.absorb(&second, &names("Bilan"), 1));
        assert_eq!(
            days.lines(Audience::Owner, Language::Fr),
            vec![(
                0,
                "04/12/2026 10:00 — Dr Jean Néa, médecin, a consulté 2 fois le document « Bilan » \
                 (accès en tant que membre de l'équipe de soins)"
                    .to_owned()
            )]
        );
    }

    #[test]
    fn other_actions_are_never_grouped() {
        let mut ev = read(2, at(10, 0), "dr", "care_team", Outcome::Permit);
        ev.action = "document.add".to_owned();
        let mut days = ReadsPerDay::default();
        assert!(!days.absorb(&ev, &names("A"), 0));
        assert!(!days.absorb(&ev, &names("A"), 1));
        assert!(days.lines(Audience::Owner, Language::Fr).is_empty());
    }
}
