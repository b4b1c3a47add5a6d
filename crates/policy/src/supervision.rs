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
use std::collections::{BTreeSet, HashSet};

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
}

impl AlertRule {
    pub const ALL: [Self; 6] = [
        Self::DistinctPatients,
        Self::BreakGlassAccess,
        Self::RepeatedBreakGlass,
        Self::NightAccess,
        Self::SameBirthName,
        Self::DeniedBurst,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Self::DistinctPatients => "distinct_patients_24h",
            Self::BreakGlassAccess => "break_glass_access",
            Self::RepeatedBreakGlass => "break_glass_24h",
            Self::NightAccess => "night_access",
            Self::SameBirthName => "same_birth_name",
            Self::DeniedBurst => "denied_burst",
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

/// Alerts raised by the facts of `new`, judged against `window` (every fact of the same
/// subjects from 24 h before the first new fact up to the last one; it may include `new`
/// itself, duplicates by `seq` are ignored). One alert per rule × subject × day, the first
/// fact that crossed the line.
pub fn evaluate(new: &[Fact], window: &[Fact], t: &Thresholds) -> Vec<Alert> {
    let mut all: Vec<&Fact> = window.iter().chain(new.iter()).collect();
    all.sort_by_key(|f| f.seq);
    all.dedup_by_key(|f| f.seq);
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    let mut ordered: Vec<&Fact> = new.iter().collect();
    ordered.sort_by_key(|f| f.seq);
    for fact in ordered {
        for alert in judge(fact, &all, t) {
            if seen.insert((alert.rule, alert.subject.clone(), alert.key.clone())) {
                out.push(alert);
            }
        }
    }
    out
}

/// The alerts one fact raises, given every fact known (sorted by `seq`).
fn judge(f: &Fact, all: &[&Fact], t: &Thresholds) -> Vec<Alert> {
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
    // Facts up to this one, in the trailing window of `span` milliseconds.
    let trailing = |span: i64| {
        all.iter()
            .filter(move |g| g.seq <= f.seq && g.at.millis() > f.at.millis() - span)
    };
    if let (Some(pro), true) = (&f.professional, f.permitted) {
        let access = matches!(
            f.kind,
            FactKind::Read | FactKind::BreakGlass | FactKind::Samu
        );
        if f.kind == FactKind::Read && f.patient.is_some() {
            let patients: BTreeSet<&str> = trailing(DAY_MS)
                .filter(|g| g.permitted && g.kind == FactKind::Read)
                .filter(|g| g.professional.as_ref() == Some(pro))
                .filter_map(|g| g.patient.as_deref())
                .collect();
            if patients.len() > t.distinct_patients_24h {
                out.push(alert(AlertRule::DistinctPatients, pro, patients.len()));
            }
        }
        if f.kind == FactKind::BreakGlass {
            out.push(alert(AlertRule::BreakGlassAccess, pro, 1));
            let n = trailing(DAY_MS)
                .filter(|g| g.permitted && g.kind == FactKind::BreakGlass)
                .filter(|g| g.professional.as_ref() == Some(pro))
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
        let n = trailing(span)
            .filter(|g| g.denied && g.actor == f.actor)
            .count();
        if n > t.denied_burst {
            out.push(alert(AlertRule::DeniedBurst, &f.actor, n));
        }
    }
    out
}
