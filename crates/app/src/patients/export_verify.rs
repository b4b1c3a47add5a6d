//! Checking a record's export offline (`mds export verify`, `mds audit verify-export`): the
//! service's signature of the manifest, every file against the manifest, and every audit
//! event of `audit-proofs.json` against the signed checkpoints, by the algorithm of
//! docs/AUDIT-PROOFS.md. Pure: bytes and trusted public keys in, findings out — each finding
//! names the file, the event (by seq) or the checkpoint (by its last seq) that fails. The keys
//! come from the service (`/.well-known/mds-audit-key`), never from the file being checked.

use crate::patients::export::{MANIFEST, SIGNATURE};
use crate::patients::export_proofs::PROOFS_FORMAT;
use data_encoding::{BASE64URL_NOPAD, HEXLOWER};
use mds_audit::checkpoint::{decode_hash, Checkpoint, ProvenEvent};
use mds_audit::merkle;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;

/// A public key the verifier trusts, as the service publishes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustedKey {
    pub key_id: String,
    pub public_key: Vec<u8>,
}

/// What to check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The signature and the files (`mds export verify`).
    Files,
    /// That, and the audit proofs (`mds audit verify-export`).
    Everything,
}

/// One thing wrong, naming what.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Finding {
    /// Not a ZIP, or a part of it unreadable (the part and why).
    Unreadable(String, String),
    SignatureMissing,
    /// The signature names a key the verifier does not trust.
    UnknownKey(String),
    SignatureInvalid,
    FileMissing(String),
    FileAltered(String),
    FileNotInManifest(String),
    CheckpointUnknownKey(i64),
    CheckpointSignatureInvalid(i64),
    /// Two checkpoints of the file end at the same event.
    CheckpointDuplicated(i64),
    /// An entry that is neither a whole event nor a withheld one as documented.
    EventUnreadable(i64),
    /// The event's texts do not hash to its hash.
    EventAltered(i64),
    /// The event's proof does not lead to its checkpoint's signed root.
    EventNotProved(i64),
    EventWithoutCheckpoint(i64),
    EventOutOfOrder(i64),
    /// The event does not follow the previous one of the chain (`prev_hash`).
    EventChainBroken(i64),
    EventOfAnotherRecord(i64),
    /// In `history.json`, absent from the proofs (seq, id).
    EventMissing(i64, String),
    /// In the proofs, absent from `history.json`.
    EventNotInHistory(i64),
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Finding::Unreadable(part, why) => write!(f, "{part}: unreadable ({why})"),
            Finding::SignatureMissing => {
                write!(f, "{SIGNATURE}: missing, the export is not signed")
            }
            Finding::UnknownKey(k) => write!(
                f,
                "{SIGNATURE}: signed with key {k:?}, which is not a key of the service"
            ),
            Finding::SignatureInvalid => {
                write!(f, "{SIGNATURE}: the signature does not match {MANIFEST}")
            }
            Finding::FileMissing(p) => {
                write!(f, "{p}: listed in the manifest, missing from the export")
            }
            Finding::FileAltered(p) => write!(
                f,
                "{p}: altered (size or SHA-256 differs from the manifest)"
            ),
            Finding::FileNotInManifest(p) => {
                write!(f, "{p}: in the export but not in the manifest")
            }
            Finding::CheckpointUnknownKey(s) => write!(
                f,
                "checkpoint {s}: signed with a key that is not a key of the service"
            ),
            Finding::CheckpointSignatureInvalid(s) => {
                write!(f, "checkpoint {s}: forged or altered (signature invalid)")
            }
            Finding::CheckpointDuplicated(s) => write!(f, "checkpoint {s}: listed twice"),
            Finding::EventUnreadable(s) => {
                write!(f, "event {s}: neither a whole event nor a withheld one")
            }
            Finding::EventAltered(s) => write!(
                f,
                "event {s}: altered (its content does not hash to its hash)"
            ),
            Finding::EventNotProved(s) => {
                write!(f, "event {s}: not in its signed checkpoint (proof fails)")
            }
            Finding::EventWithoutCheckpoint(s) => {
                write!(f, "event {s}: its checkpoint is missing from the proofs")
            }
            Finding::EventOutOfOrder(s) => write!(f, "event {s}: out of order"),
            Finding::EventChainBroken(s) => write!(
                f,
                "event {s}: does not follow the previous event of the chain"
            ),
            Finding::EventOfAnotherRecord(s) => write!(f, "event {s}: about another record"),
            Finding::EventMissing(s, id) => write!(
                f,
                "event {s} ({id}): in history.json, removed from the proofs"
            ),
            Finding::EventNotInHistory(s) => {
                write!(f, "event {s}: in the proofs, not in history.json")
            }
        }
    }
}

/// The outcome: nothing found means everything checked holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub findings: Vec<Finding>,
    /// The key that signed the manifest, when trusted.
    pub key_id: Option<String>,
    pub files: usize,
    pub events: usize,
    /// Events proved against a signed checkpoint (withheld ones included).
    pub proved: usize,
    /// Events shown by their hash only (a document still hidden from the person).
    pub withheld: usize,
    /// Events newer than the last checkpoint when the export was made.
    pub pending: usize,
    pub checkpoints: usize,
}

/// Reads the keys published at `/.well-known/mds-audit-key`.
pub fn parse_published_keys(json: &[u8]) -> Result<Vec<TrustedKey>, String> {
    #[derive(Deserialize)]
    struct Jwks {
        keys: Vec<Jwk>,
    }
    #[derive(Deserialize)]
    struct Jwk {
        kid: String,
        kty: String,
        crv: String,
        x: String,
    }
    let set: Jwks = serde_json::from_slice(json).map_err(|e| e.to_string())?;
    set.keys
        .into_iter()
        .map(|k| {
            if k.kty != "OKP" || k.crv != "Ed25519" {
                return Err(format!("key {:?} is not an Ed25519 key", k.kid));
            }
            let public_key = BASE64URL_NOPAD
                .decode(k.x.as_bytes())
                .ok()
                .filter(|b| b.len() == 32)
                .ok_or_else(|| format!("key {:?}: x is not 32 bytes of base64url", k.kid))?;
            Ok(TrustedKey {
                key_id: k.kid,
                public_key,
            })
        })
        .collect()
}

/// Checks an export's bytes.
pub fn verify_export(zip: &[u8], keys: &[TrustedKey], scope: Scope) -> Report {
    let mut report = Report::default();
    let files = match read_zip(zip) {
        Ok(files) => files,
        Err(e) => {
            report
                .findings
                .push(Finding::Unreadable("export".into(), e));
            return report;
        }
    };
    check_files(&files, keys, &mut report);
    if scope == Scope::Everything {
        check_proofs(&files, keys, &mut report);
    }
    report.findings.sort();
    report.findings.dedup();
    report
}

/// Every entry's bytes by name (an export is a local file the person chose to check).
fn read_zip(zip: &[u8]) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).map_err(|e| e.to_string())?;
    let mut out = BTreeMap::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| e.to_string())?;
        let name = entry.name().map_err(|e| e.to_string())?.into_owned();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).map_err(|e| e.to_string())?;
        if out.insert(name.clone(), bytes).is_some() {
            return Err(format!("{name} appears twice in the archive"));
        }
    }
    Ok(out)
}

fn trusted<'k>(keys: &'k [TrustedKey], key_id: &str) -> Option<&'k TrustedKey> {
    keys.iter().find(|k| k.key_id == key_id)
}

fn check_files(files: &BTreeMap<String, Vec<u8>>, keys: &[TrustedKey], report: &mut Report) {
    #[derive(Deserialize)]
    struct Signature {
        key_id: String,
        signature: String,
    }
    #[derive(Deserialize)]
    struct Manifest {
        files: Vec<Listed>,
    }
    #[derive(Deserialize)]
    struct Listed {
        path: String,
        size: u64,
        sha256: String,
    }
    let Some(manifest) = files.get(MANIFEST) else {
        report.findings.push(Finding::FileMissing(MANIFEST.into()));
        return;
    };
    match files.get(SIGNATURE) {
        None => report.findings.push(Finding::SignatureMissing),
        Some(bytes) => match serde_json::from_slice::<Signature>(bytes) {
            Err(e) => report
                .findings
                .push(Finding::Unreadable(SIGNATURE.into(), e.to_string())),
            Ok(sig) => match trusted(keys, &sig.key_id) {
                None => report.findings.push(Finding::UnknownKey(sig.key_id)),
                Some(key) => {
                    let raw = BASE64URL_NOPAD
                        .decode(sig.signature.as_bytes())
                        .unwrap_or_default();
                    if mds_vault::verify_ed25519(&key.public_key, manifest, &raw) {
                        report.key_id = Some(sig.key_id);
                    } else {
                        report.findings.push(Finding::SignatureInvalid);
                    }
                }
            },
        },
    }
    let listed = match serde_json::from_slice::<Manifest>(manifest) {
        Ok(m) => m.files,
        Err(e) => {
            report
                .findings
                .push(Finding::Unreadable(MANIFEST.into(), e.to_string()));
            return;
        }
    };
    let mut seen = BTreeSet::new();
    for f in listed {
        seen.insert(f.path.clone());
        match files.get(&f.path) {
            None => report.findings.push(Finding::FileMissing(f.path)),
            Some(bytes) => {
                report.files += 1;
                let digest = HEXLOWER.encode(&Sha256::digest(bytes));
                if bytes.len() as u64 != f.size || digest != f.sha256 {
                    report.findings.push(Finding::FileAltered(f.path));
                }
            }
        }
    }
    for name in files.keys() {
        if name != MANIFEST && name != SIGNATURE && !seen.contains(name) {
            report
                .findings
                .push(Finding::FileNotInManifest(name.clone()));
        }
    }
}

/// One entry of `audit-proofs.json`'s events: a whole event, or a withheld one.
#[derive(Deserialize)]
#[serde(untagged)]
enum Entry {
    Withheld(Withheld),
    Event(Box<ProvenEvent>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Withheld {
    seq: i64,
    id: String,
    /// Always `true`: a whole event has no such member.
    withheld: bool,
    hash: String,
    checkpoint: Option<i64>,
    leaf_index: Option<u64>,
    path: Vec<String>,
}

#[derive(Deserialize)]
struct Proofs {
    format: String,
    patient_id: String,
    events: Vec<Entry>,
    checkpoints: Vec<Checkpoint>,
}

#[derive(Deserialize)]
struct HistoryItem {
    seq: i64,
    id: String,
}

fn check_proofs(files: &BTreeMap<String, Vec<u8>>, keys: &[TrustedKey], report: &mut Report) {
    const PROOFS: &str = "audit-proofs.json";
    let Some(bytes) = files.get(PROOFS) else {
        report.findings.push(Finding::FileMissing(PROOFS.into()));
        return;
    };
    let proofs: Proofs = match serde_json::from_slice(bytes) {
        Ok(p) => p,
        Err(e) => {
            report
                .findings
                .push(Finding::Unreadable(PROOFS.into(), e.to_string()));
            return;
        }
    };
    if proofs.format != PROOFS_FORMAT {
        let why = format!("format {:?}, expected {PROOFS_FORMAT}", proofs.format);
        report
            .findings
            .push(Finding::Unreadable(PROOFS.into(), why));
        return;
    }
    let mut checkpoints = BTreeMap::new();
    for c in proofs.checkpoints {
        match trusted(keys, &c.key_id) {
            None => report
                .findings
                .push(Finding::CheckpointUnknownKey(c.to_seq)),
            Some(key) => {
                let raw = BASE64URL_NOPAD
                    .decode(c.signature.as_bytes())
                    .unwrap_or_default();
                if !mds_vault::verify_ed25519(&key.public_key, c.message().as_bytes(), &raw) {
                    report
                        .findings
                        .push(Finding::CheckpointSignatureInvalid(c.to_seq));
                }
            }
        }
        let to_seq = c.to_seq;
        if checkpoints.insert(to_seq, c).is_some() {
            report.findings.push(Finding::CheckpointDuplicated(to_seq));
        }
    }
    report.checkpoints = checkpoints.len();
    let mut listed = BTreeSet::new();
    let mut previous: Option<(i64, String)> = None;
    for entry in proofs.events {
        report.events += 1;
        let (seq, id, hash, place) = match &entry {
            Entry::Withheld(w) => {
                if !w.withheld {
                    report.findings.push(Finding::EventUnreadable(w.seq));
                }
                report.withheld += 1;
                (
                    w.seq,
                    w.id.clone(),
                    w.hash.clone(),
                    (w.checkpoint, w.leaf_index, &w.path),
                )
            }
            Entry::Event(proven) => {
                let e = &proven.event;
                if e.recomputed_hash() != e.hash {
                    report.findings.push(Finding::EventAltered(e.seq));
                }
                if e.patient_id.as_deref() != Some(proofs.patient_id.as_str()) {
                    report.findings.push(Finding::EventOfAnotherRecord(e.seq));
                }
                if let Some((prev_seq, prev_hash)) = &previous {
                    if *prev_seq == e.seq - 1 && *prev_hash != e.prev_hash {
                        report.findings.push(Finding::EventChainBroken(e.seq));
                    }
                }
                let place = (proven.checkpoint, proven.leaf_index, &proven.path);
                (e.seq, e.id.clone(), e.hash.clone(), place)
            }
        };
        if previous.as_ref().is_some_and(|(p, _)| *p >= seq) {
            report.findings.push(Finding::EventOutOfOrder(seq));
        }
        listed.insert((seq, id));
        prove(seq, &hash, place, &checkpoints, report);
        previous = Some((seq, hash));
    }
    match files
        .get("history.json")
        .map(|b| serde_json::from_slice::<Vec<HistoryItem>>(b))
    {
        None => report
            .findings
            .push(Finding::FileMissing("history.json".into())),
        Some(Err(e)) => report
            .findings
            .push(Finding::Unreadable("history.json".into(), e.to_string())),
        Some(Ok(history)) => {
            let history: BTreeSet<(i64, String)> =
                history.into_iter().map(|h| (h.seq, h.id)).collect();
            for (seq, id) in history.difference(&listed) {
                report
                    .findings
                    .push(Finding::EventMissing(*seq, id.clone()));
            }
            for (seq, _) in listed.difference(&history) {
                report.findings.push(Finding::EventNotInHistory(*seq));
            }
        }
    }
}

/// Checks one event's inclusion in its checkpoint, or that no checkpoint of the file should
/// cover it when it says it is pending.
fn prove(
    seq: i64,
    hash: &str,
    (checkpoint, leaf_index, path): (Option<i64>, Option<u64>, &Vec<String>),
    checkpoints: &BTreeMap<i64, Checkpoint>,
    report: &mut Report,
) {
    let Some(to) = checkpoint else {
        // Pending only after every checkpoint of the file, whose newest the export includes.
        if checkpoints
            .keys()
            .next_back()
            .is_some_and(|newest| seq <= *newest)
        {
            report.findings.push(Finding::EventNotProved(seq));
        } else {
            report.pending += 1;
        }
        return;
    };
    let Some(c) = checkpoints.get(&to) else {
        report.findings.push(Finding::EventWithoutCheckpoint(seq));
        return;
    };
    let expected_index = u64::try_from(seq - c.from_seq - 1).ok();
    let path: Option<Vec<merkle::Hash>> = path.iter().map(|h| decode_hash(h)).collect();
    let proved = match (decode_hash(hash), decode_hash(&c.root), path) {
        (Some(h), Some(root), Some(path)) => {
            c.from_seq < seq
                && seq <= c.to_seq
                && leaf_index.is_some()
                && leaf_index == expected_index
                && merkle::verify(
                    &merkle::leaf(&h),
                    leaf_index.unwrap_or(0),
                    c.size(),
                    &path,
                    &root,
                )
        }
        _ => false,
    };
    if proved {
        report.proved += 1;
    } else {
        report.findings.push(Finding::EventNotProved(seq));
    }
}
