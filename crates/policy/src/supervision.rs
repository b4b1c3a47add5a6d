//! Supervision rules (DESIGN.md 6): which audit facts raise an alert for support. Pure like
//! the rest of this crate: the caller loads the facts (new events and the 24 h window before
//! them) and passes the thresholds; nothing here reads the clock or the store.
//!
//! Every count is "more than": a threshold of 50 raises nothing at 50 and an alert at 51.
//! Windows are trailing and end at the fact being judged, inclusive: `(at - window, at]`.
//! Alerts are de-duplicated per rule × subject × New Caledonia day (× record, for the alert
//! every break-glass access raises); the store keeps the same key unique, so that a rule
//! firing all day long gives support one line.

use mds_domain::identity::{normalize_name, NameField};
use mds_domain::Timestamp;
use std::collections::{HashMap, HashSet};

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

/// Configurable thresholds (defaults in the settings of `mds-app`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Thresholds {
    /// Alert when a professional reads more than this many distinct records in 24 h.
    pub distinct_patients_24h: usize,
    /// Alert when a professional opens more than this many break-glass accesses in 24 h.
    pub break_glass_24h: usize,
    /// Night, in New Caledonia hours: an access at or after `night_start_hour` or before
    /// `night_end_hour` raises an alert.
    pub night_start_hour: i64,
    pub night_end_hour: i64,
    /// Alert when one actor is denied more than `denied_burst` times within
    /// `denied_burst_minutes`.
    pub denied_burst: usize,
    pub denied_burst_minutes: i64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            distinct_patients_24h: 50,
            break_glass_24h: 3,
            night_start_hour: 22,
            night_end_hour: 5,
            denied_burst: 10,
            denied_burst_minutes: 10,
        }
    }
}

/// What an audit event was, as far as supervision cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FactKind {
    /// A search, a metadata read or a content read of a record.
    Read,
    /// A break-glass access opened.
    BreakGlass,
    /// A SAMU regulation access opened.
    Samu,
    /// Anything else (additions, controls, sign-ins…): only denials of it matter.
    Other,
}

/// One audit event, reduced to what the rules need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fact {
    pub seq: i64,
    pub at: Timestamp,
    /// Who acted: the account or the structure credential.
    pub actor: String,
    /// The professional whose rights were used (the actor, or the one an assistant or a
    /// structure's software acts for); `None` for patients, support and the system.
    pub professional: Option<String>,
    pub patient: Option<String>,
    pub kind: FactKind,
    /// Permitted (or succeeded); false for a denial or a failure.
    pub permitted: bool,
    /// Denied by the policy (not merely failed).
    pub denied: bool,
    /// The professional's family name and the patient's birth name as entered, when the
    /// fact is a professional's access to a record.
    pub professional_family_name: Option<String>,
    pub patient_birth_name: Option<String>,
}

/// The rules, with their stable ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AlertRule {
    DistinctPatients,
    /// Every break-glass access (DESIGN.md 4.3: "a supervision alert is raised").
    BreakGlassAccess,
    RepeatedBreakGlass,
    NightAccess,
    SameBirthName,
    DeniedBurst,
    /// Someone tried to enrol with the CAFAT number, identity or e-mail address of an
    /// existing record or account (raised by the enrolment itself, not by `evaluate`).
    EnrolmentDuplicate,
    /// The queue of self-enrolments waiting for support grew past its alert threshold
    /// (raised by the enrolment itself, not by `evaluate`).
    EnrolmentQueue,
}

impl AlertRule {
    pub const ALL: [Self; 8] = [
        Self::DistinctPatients,
        Self::BreakGlassAccess,
        Self::RepeatedBreakGlass,
        Self::NightAccess,
        Self::SameBirthName,
        Self::DeniedBurst,
        Self::EnrolmentDuplicate,
        Self::EnrolmentQueue,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Self::DistinctPatients => "distinct_patients_24h",
            Self::BreakGlassAccess => "break_glass_access",
            Self::RepeatedBreakGlass => "break_glass_24h",
            Self::NightAccess => "night_access",
            Self::SameBirthName => "same_birth_name",
            Self::DeniedBurst => "denied_burst",
            Self::EnrolmentDuplicate => "enrolment_duplicate",
            Self::EnrolmentQueue => "enrolment_queue",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.id() == text)
    }

    /// What support reads, in French.
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::DistinctPatients => "Consultation des dossiers de nombreux patients en 24 h",
            Self::BreakGlassAccess => "Accès en urgence (bris de glace) à un dossier",
            Self::RepeatedBreakGlass => "Accès en urgence (bris de glace) répétés en 24 h",
            Self::NightAccess => "Accès à un dossier entre 22 h et 5 h (heure de Nouméa)",
            Self::SameBirthName => {
                "Accès au dossier d'un patient portant le nom de famille du professionnel"
            }
            Self::DeniedBurst => "Rafale de demandes refusées",
            Self::EnrolmentDuplicate => {
                "Demande d'inscription avec le numéro CAFAT, l'identité ou l'adresse e-mail \
                 d'un dossier existant"
            }
            Self::EnrolmentQueue => "File des demandes d'inscription anormalement longue",
        }
    }
}

/// An alert to raise: the rule, whom it is about, the fact that crossed the line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alert {
    pub rule: AlertRule,
    /// The professional (or, for denials, the actor) the alert is about.
    pub subject: String,
    pub at: Timestamp,
    pub seq: i64,
    pub patient: Option<String>,
    /// The count that crossed the threshold (1 for the rules on a single access).
    pub count: usize,
    /// The New Caledonia day of `at`, `YYYY-MM-DD`.
    pub day: String,
    /// With rule and subject, what makes an alert unique: the day, and for a single
    /// break-glass access the day and the record.
    pub key: String,
}

/// The hour of `at` in New Caledonia (UTC+11, no daylight saving).
pub fn noumea_hour(at: Timestamp) -> i64 {
    let offset = i64::from(mds_domain::time::NOUMEA_OFFSET_SECONDS) * 1000;
    (at.millis() + offset).rem_euclid(DAY_MS) / HOUR_MS
}

fn is_night(at: Timestamp, t: &Thresholds) -> bool {
    let h = noumea_hour(at);
    if t.night_start_hour > t.night_end_hour {
        h >= t.night_start_hour || h < t.night_end_hour
    } else {
        h >= t.night_start_hour && h < t.night_end_hour
    }
}

fn same_name(a: &str, b: &str) -> bool {
    match (
        normalize_name(a, NameField::BirthName),
        normalize_name(b, NameField::BirthName),
    ) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

fn day_of(at: Timestamp) -> String {
    at.noumea_date()
        .map_or_else(|| at.millis().to_string(), |d| d.to_string())
}

/// Alerts raised by the facts of `new`, judged against `window` (earlier facts of the same
/// subjects; it may include `new` itself, duplicates by `seq` are ignored). One alert per
/// rule × subject × day, the first fact that crossed the line.
///
/// The rules look back only on what [`needed_in_window`] keeps, so a window reduced to that
/// gives the same alerts as every earlier fact (test `a_reduced_window_gives_the_same_alerts`):
/// the caller may load that reduction, not 24 h of events.
pub fn evaluate(new: &[Fact], window: &[Fact], t: &Thresholds) -> Vec<Alert> {
    let mut all: Vec<&Fact> = window.iter().chain(new.iter()).collect();
    all.sort_by_key(|f| f.seq);
    all.dedup_by_key(|f| f.seq);
    // Each rule looks at the facts of one subject: index them once, in `seq` order.
    let mut by_professional: HashMap<&str, Vec<&Fact>> = HashMap::new();
    let mut by_actor: HashMap<&str, Vec<&Fact>> = HashMap::new();
    for f in &all {
        if let Some(p) = &f.professional {
            by_professional.entry(p.as_str()).or_default().push(f);
        }
        if f.denied {
            by_actor.entry(f.actor.as_str()).or_default().push(f);
        }
    }
    let subjects = Subjects {
        by_professional,
        by_actor,
    };
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    let mut ordered: Vec<&Fact> = new.iter().collect();
    ordered.sort_by_key(|f| f.seq);
    let mut reads = HashMap::new();
    for fact in ordered {
        for alert in judge(fact, &subjects, t, &mut reads) {
            if seen.insert((alert.rule, alert.subject.clone(), alert.key.clone())) {
                out.push(alert);
            }
        }
    }
    out
}

/// What the rules look back on, of the facts before a batch whose first fact is at
/// `first_new`: for each professional × patient, the latest permitted read (the 24 h count
/// of distinct records needs no more); the permitted break-glass accesses of the last 24 h;
/// the denials of the last `denied_burst_minutes`. Order and duplicates do not matter.
pub fn needed_in_window(facts: Vec<Fact>, first_new: Timestamp, t: &Thresholds) -> Vec<Fact> {
    let day_from = first_new.millis() - DAY_MS;
    let burst_from = first_new.millis() - t.denied_burst_minutes * 60_000;
    let mut latest_read: HashMap<(String, String), Fact> = HashMap::new();
    let mut out = Vec::new();
    for f in facts {
        let recent = f.at.millis() >= day_from;
        match (&f.professional, &f.patient, f.kind, f.permitted) {
            (Some(pro), Some(patient), FactKind::Read, true) if recent => {
                let key = (pro.clone(), patient.clone());
                let keep = latest_read
                    .get(&key)
                    .is_none_or(|g| (f.at.millis(), f.seq) > (g.at.millis(), g.seq));
                if keep {
                    latest_read.insert(key, f);
                }
                continue;
            }
            (Some(_), _, FactKind::BreakGlass, true) if recent => out.push(f),
            _ if f.denied && f.at.millis() >= burst_from => out.push(f),
            _ => {}
        }
    }
    out.extend(latest_read.into_values());
    out
}

/// The known facts of each subject, in `seq` order.
struct Subjects<'a> {
    /// Facts whose professional is the key.
    by_professional: HashMap<&'a str, Vec<&'a Fact>>,
    /// Denials, by actor.
    by_actor: HashMap<&'a str, Vec<&'a Fact>>,
}

/// A professional's permitted reads up to a point in `seq` order: the latest time each
/// record was read. A record read in the 24 h before a fact is one whose latest read up to
/// that fact is in them, so the distinct count needs one pass over records, not over reads.
#[derive(Default)]
struct ReadsSoFar<'a> {
    /// How many of the professional's facts are taken in.
    next: usize,
    latest: HashMap<&'a str, i64>,
}

impl<'a> ReadsSoFar<'a> {
    fn advance(&mut self, facts: &[&'a Fact], up_to_seq: i64) {
        while let Some(g) = facts.get(self.next).filter(|g| g.seq <= up_to_seq) {
            if let (true, FactKind::Read, Some(p)) = (g.permitted, g.kind, g.patient.as_deref()) {
                let at = self.latest.entry(p).or_insert(g.at.millis());
                *at = (*at).max(g.at.millis());
            }
            self.next += 1;
        }
    }
}

/// The alerts one fact raises, given the facts known of its subjects.
fn judge<'a>(
    f: &'a Fact,
    known: &'a Subjects<'a>,
    t: &Thresholds,
    reads: &mut HashMap<&'a str, ReadsSoFar<'a>>,
) -> Vec<Alert> {
    let mut out = Vec::new();
    let alert = |rule, subject: &str, count| {
        let day = day_of(f.at);
        let key = match (rule, &f.patient) {
            (AlertRule::BreakGlassAccess, Some(p)) => format!("{day}/{p}"),
            _ => day.clone(),
        };
        Alert {
            rule,
            subject: subject.to_owned(),
            at: f.at,
            seq: f.seq,
            patient: f.patient.clone(),
            count,
            day,
            key,
        }
    };
    // Facts of a subject up to this one, in the trailing window of `span` milliseconds.
    let trailing = |facts: Option<&'a Vec<&'a Fact>>, span: i64| {
        facts
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .take_while(move |g| g.seq <= f.seq)
            .filter(move |g| g.at.millis() > f.at.millis() - span)
    };
    if let (Some(pro), true) = (&f.professional, f.permitted) {
        let access = matches!(
            f.kind,
            FactKind::Read | FactKind::BreakGlass | FactKind::Samu
        );
        if f.kind == FactKind::Read && f.patient.is_some() {
            let facts = known
                .by_professional
                .get(pro.as_str())
                .map_or(&[][..], Vec::as_slice);
            let so_far = reads.entry(pro.as_str()).or_default();
            so_far.advance(facts, f.seq);
            // Counting needs a pass over the records only once there are enough of them.
            if so_far.latest.len() > t.distinct_patients_24h {
                let since = f.at.millis() - DAY_MS;
                let n = so_far.latest.values().filter(|&&at| at > since).count();
                if n > t.distinct_patients_24h {
                    out.push(alert(AlertRule::DistinctPatients, pro, n));
                }
            }
        }
        if f.kind == FactKind::BreakGlass {
            out.push(alert(AlertRule::BreakGlassAccess, pro, 1));
            let n = trailing(known.by_professional.get(pro.as_str()), DAY_MS)
                .filter(|g| g.permitted && g.kind == FactKind::BreakGlass)
                .count();
            if n > t.break_glass_24h {
                out.push(alert(AlertRule::RepeatedBreakGlass, pro, n));
            }
        }
        if access && f.patient.is_some() && is_night(f.at, t) {
            out.push(alert(AlertRule::NightAccess, pro, 1));
        }
        if let (true, Some(a), Some(b)) =
            (access, &f.professional_family_name, &f.patient_birth_name)
        {
            if same_name(a, b) {
                out.push(alert(AlertRule::SameBirthName, pro, 1));
            }
        }
    }
    if f.denied {
        let span = t.denied_burst_minutes * 60_000;
        let n = trailing(known.by_actor.get(f.actor.as_str()), span).count();
        if n > t.denied_burst {
            out.push(alert(AlertRule::DeniedBurst, &f.actor, n));
        }
    }
    out
}
