//! Signed checkpoints of the chain and the proofs that tie one event to them (issue 17,
//! item 3; the algorithm for independent verifiers is docs/AUDIT-PROOFS.md).
//!
//! Contract: checkpoints partition the chain from seq 1 without gap or overlap — each covers
//! the events after the previous one's `to_seq` (its `from_seq`, exclusive) up to its own
//! `to_seq`, at most [`MAX_CHECKPOINT_EVENTS`] of them — and commit to them twice: the chain
//! hash of event `to_seq` (`head_hash`, which `mds audit verify` can compare with the chain)
//! and the root of the Merkle tree over their chain hashes ([`crate::merkle`]), which proves
//! one event without showing any other. The caller signs [`message`] (this crate knows no
//! key) and [`insert`]s; a unique `from_seq` makes a second signer of the same batch a no-op.
//! An event's proof is its stored row (every hashed text, so its hash can be recomputed), its
//! leaf index in its checkpoint and the audit path to that checkpoint's root.

use crate::merkle::{self, Hash};
use crate::row::{StoredRow, COLUMNS};
use crate::AuditError;
use mds_store::{Db, Query};
use serde::{Deserialize, Serialize};

/// The first line of every signed checkpoint text: a later format gets a new tag.
pub const CHECKPOINT_TAG: &str = "mds-audit-checkpoint/v1";

/// The most events one checkpoint covers, so that proving an event reads a bounded number of
/// chain hashes (32 MiB of leaves at most); a longer backlog is signed as several checkpoints.
pub const MAX_CHECKPOINT_EVENTS: i64 = 1 << 20;

/// Chain hashes read per round trip when building a tree.
const LEAVES_PER_READ: i64 = 10_000;

/// A signed checkpoint as stored and published.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The last event of the previous checkpoint (0 for the first one); not covered.
    pub from_seq: i64,
    /// The last event covered.
    pub to_seq: i64,
    /// The chain hash of event `to_seq`.
    pub head_hash: String,
    /// Lowercase hex Merkle root over the chain hashes of events `from_seq + 1 ..= to_seq`.
    pub root: String,
    pub signed_at_ms: i64,
    /// The signing key's id, published with its public key.
    pub key_id: String,
    /// Base64url (no padding) Ed25519 signature of [`Checkpoint::message`].
    pub signature: String,
}

/// A batch of events ready to be signed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Batch {
    pub from_seq: i64,
    pub to_seq: i64,
    pub head_hash: String,
    pub root: String,
    /// The roots of the tree's [`merkle::BLOCK`]-leaf blocks, stored with the checkpoint.
    pub blocks: Vec<Hash>,
}

/// The exact UTF-8 text a checkpoint's signature covers.
pub fn message(
    from_seq: i64,
    to_seq: i64,
    head_hash: &str,
    root: &str,
    signed_at_ms: i64,
    key_id: &str,
) -> String {
    format!(
        "{CHECKPOINT_TAG}\nfrom {from_seq}\nto {to_seq}\nhead {head_hash}\nroot {root}\n\
         at {signed_at_ms}\nkey {key_id}\n"
    )
}

impl Checkpoint {
    pub fn message(&self) -> String {
        message(
            self.from_seq,
            self.to_seq,
            &self.head_hash,
            &self.root,
            self.signed_at_ms,
            &self.key_id,
        )
    }

    /// How many events it covers.
    pub fn size(&self) -> u64 {
        u64::try_from(self.to_seq - self.from_seq).unwrap_or(0)
    }
}

const CHECKPOINT_COLUMNS: &str =
    "from_seq, to_seq, head_hash, root, signed_at_ms, key_id, signature";

type CheckpointRow = (i64, i64, String, String, i64, String, String);

fn from_row(r: CheckpointRow) -> Checkpoint {
    Checkpoint {
        from_seq: r.0,
        to_seq: r.1,
        head_hash: r.2,
        root: r.3,
        signed_at_ms: r.4,
        key_id: r.5,
        signature: r.6,
    }
}

/// The events after the last checkpoint up to the chain's head (at most
/// [`MAX_CHECKPOINT_EVENTS`]), or `None` when every event is covered.
pub async fn next_batch(db: &Db) -> Result<Option<Batch>, AuditError> {
    let (last, head): (i64, i64) = Query::new(
        "SELECT (SELECT COALESCE(MAX(to_seq), 0) FROM audit_checkpoints), \
         (SELECT seq FROM audit_head WHERE id = 1)",
    )
    .fetch_one(db)
    .await?;
    if head <= last {
        return Ok(None);
    }
    let to_seq = head.min(last + MAX_CHECKPOINT_EVENTS);
    let (leaves, head_hash) = leaves(db, last, to_seq).await?;
    let blocks = merkle::block_roots(&leaves, merkle::BLOCK);
    let root = merkle::Tree::new(blocks.clone())
        .root()
        .ok_or_else(|| AuditError::Corrupt("an audit checkpoint with no event".to_owned()))?;
    Ok(Some(Batch {
        from_seq: last,
        to_seq,
        head_hash,
        root: data_encoding::HEXLOWER.encode(&root),
        blocks,
    }))
}

/// The leaf hashes of events `from_seq + 1 ..= to_seq` and the chain hash of the last one;
/// a gap is corruption (`mds audit verify` names it).
async fn leaves(db: &Db, from_seq: i64, to_seq: i64) -> Result<(Vec<Hash>, String), AuditError> {
    let mut out = Vec::with_capacity(usize::try_from(to_seq - from_seq).unwrap_or(0));
    let (mut after, mut last_hash) = (from_seq, String::new());
    while after < to_seq {
        let rows: Vec<(i64, String)> = Query::new(
            "SELECT seq, hash FROM audit_events WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3",
        )
        .bind(after)
        .bind(to_seq)
        .bind(LEAVES_PER_READ)
        .fetch_all(db)
        .await?;
        if rows.is_empty() {
            break;
        }
        for (seq, hash) in rows {
            if seq != after + 1 {
                return Err(AuditError::Corrupt(format!(
                    "audit event {} is missing (run `mds audit verify`)",
                    after + 1
                )));
            }
            out.push(merkle::leaf(&decode_hash(&hash).ok_or_else(|| {
                AuditError::Corrupt(format!("audit event {seq} has an unreadable hash"))
            })?));
            (after, last_hash) = (seq, hash);
        }
    }
    if after != to_seq {
        return Err(AuditError::Corrupt(format!(
            "audit event {} is missing (run `mds audit verify`)",
            after + 1
        )));
    }
    Ok((out, last_hash))
}

/// Concatenated 64-digit hex hashes.
fn decode_blocks(text: &str) -> Option<Vec<Hash>> {
    if !text.len().is_multiple_of(64) {
        return None;
    }
    (0..text.len() / 64)
        .map(|i| decode_hash(text.get(i * 64..(i + 1) * 64)?))
        .collect()
}

/// 64 lowercase hex digits as 32 bytes.
pub fn decode_hash(hex: &str) -> Option<Hash> {
    let bytes = data_encoding::HEXLOWER.decode(hex.as_bytes()).ok()?;
    bytes.try_into().ok()
}

/// Stores a signed checkpoint of `batch`; `false` when another signer stored it first.
pub async fn insert(db: &Db, c: &Checkpoint, batch: &Batch) -> Result<bool, AuditError> {
    let blocks: String = batch
        .blocks
        .iter()
        .map(|h| data_encoding::HEXLOWER.encode(h))
        .collect();
    let n = Query::new(format!(
        "INSERT INTO audit_checkpoints ({CHECKPOINT_COLUMNS}, blocks) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING"
    ))
    .bind(c.from_seq)
    .bind(c.to_seq)
    .bind(c.head_hash.as_str())
    .bind(c.root.as_str())
    .bind(c.signed_at_ms)
    .bind(c.key_id.as_str())
    .bind(c.signature.as_str())
    .bind(blocks.as_str())
    .execute(db)
    .await?;
    Ok(n == 1)
}

/// Checkpoints whose `to_seq` is above `after`, oldest first, at most `limit`.
pub async fn list(db: &Db, after: i64, limit: u32) -> Result<Vec<Checkpoint>, AuditError> {
    let rows: Vec<CheckpointRow> = Query::new(format!(
        "SELECT {CHECKPOINT_COLUMNS} FROM audit_checkpoints WHERE to_seq > $1 \
         ORDER BY to_seq LIMIT $2"
    ))
    .bind(after)
    .bind(i64::from(limit))
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(from_row).collect())
}

/// The last checkpoint signed, if any.
pub async fn newest(db: &Db) -> Result<Option<Checkpoint>, AuditError> {
    let row: Option<CheckpointRow> = Query::new(format!(
        "SELECT {CHECKPOINT_COLUMNS} FROM audit_checkpoints ORDER BY to_seq DESC LIMIT 1"
    ))
    .fetch_optional(db)
    .await?;
    Ok(row.map(from_row))
}

/// One event of a record with what proves it: every hashed text as stored (docs/AUDIT-PROOFS.md
/// names them), and, once a checkpoint covers it, that checkpoint's `to_seq`, the event's leaf
/// index in it and the audit path (lowercase hex, nearest sibling first).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvenEvent {
    #[serde(flatten)]
    pub event: StoredRow,
    pub checkpoint: Option<i64>,
    pub leaf_index: Option<u64>,
    pub path: Vec<String>,
}

/// Reads a record's events oldest first, a page at a time, with their proofs; keeps the
/// block roots of the checkpoint and the leaves of the block it last used, since a record's
/// events cluster in time.
pub struct Prover<'a> {
    db: &'a Db,
    patient_id: String,
    after: i64,
    until: i64,
    /// A checkpoint and the tree over its block roots.
    tree: Option<(Checkpoint, merkle::Tree)>,
    /// The checkpoint's `to_seq`, the block's index and its leaves.
    block: Option<(i64, usize, Vec<Hash>)>,
}

/// Events read per page.
const PROOF_PAGE: i64 = 500;

impl<'a> Prover<'a> {
    /// The record's events up to seq `until` included.
    pub fn new(db: &'a Db, patient_id: &str, until: i64) -> Self {
        Self {
            db,
            patient_id: patient_id.to_owned(),
            after: 0,
            until,
            tree: None,
            block: None,
        }
    }

    /// The next page of events (empty at the end).
    pub async fn next_page(&mut self) -> Result<Vec<ProvenEvent>, AuditError> {
        let rows: Vec<StoredRow> = Query::new(format!(
            "SELECT {COLUMNS} FROM audit_events WHERE patient_id = $1 AND seq > $2 \
             AND seq <= $3 ORDER BY seq LIMIT $4"
        ))
        .bind(self.patient_id.as_str())
        .bind(self.after)
        .bind(self.until)
        .bind(PROOF_PAGE)
        .fetch_all(self.db)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            self.after = row.seq;
            let proof = self.prove(row.seq).await?;
            let (checkpoint, leaf_index, path) = match proof {
                Some((to, index, path)) => (Some(to), Some(index), path),
                None => (None, None, Vec::new()),
            };
            out.push(ProvenEvent {
                event: row,
                checkpoint,
                leaf_index,
                path,
            });
        }
        Ok(out)
    }

    /// The covering checkpoint's `to_seq`, the leaf index and the path of event `seq`.
    async fn prove(&mut self, seq: i64) -> Result<Option<(i64, u64, Vec<String>)>, AuditError> {
        let covers = |c: &Checkpoint| c.from_seq < seq && seq <= c.to_seq;
        if !self.tree.as_ref().is_some_and(|(c, _)| covers(c)) {
            type WithBlocks = (i64, i64, String, String, i64, String, String, String);
            let found: Option<WithBlocks> = Query::new(format!(
                "SELECT {CHECKPOINT_COLUMNS}, blocks FROM audit_checkpoints WHERE to_seq >= $1 \
                 ORDER BY to_seq LIMIT 1"
            ))
            .bind(seq)
            .fetch_optional(self.db)
            .await?;
            let Some((c, blocks)) = found
                .map(|(a, b, c, d, e, f, g, blocks)| (from_row((a, b, c, d, e, f, g)), blocks))
                .filter(|(c, _)| covers(c))
            else {
                return Ok(None);
            };
            let roots = decode_blocks(&blocks).ok_or_else(|| {
                AuditError::Corrupt(format!("checkpoint {} has unreadable blocks", c.to_seq))
            })?;
            self.tree = Some((c, merkle::Tree::new(roots)));
        }
        let Some((c, roots)) = &self.tree else {
            return Ok(None);
        };
        let outside = || AuditError::Corrupt(format!("audit event {seq} outside its checkpoint"));
        let index = usize::try_from(seq - c.from_seq - 1).map_err(|_| outside())?;
        let b = index / merkle::BLOCK;
        if !self
            .block
            .as_ref()
            .is_some_and(|(to, i, _)| *to == c.to_seq && *i == b)
        {
            let start = c.from_seq + (b * merkle::BLOCK) as i64;
            let end = (start + merkle::BLOCK as i64).min(c.to_seq);
            let (leaves, _) = leaves(self.db, start, end).await?;
            self.block = Some((c.to_seq, b, leaves));
        }
        let block_leaves = self
            .block
            .as_ref()
            .map(|(_, _, l)| l.as_slice())
            .unwrap_or_default();
        let path = merkle::proof_by_blocks(block_leaves, roots, index, merkle::BLOCK)
            .ok_or_else(outside)?;
        Ok(Some((
            c.to_seq,
            index as u64,
            path.iter()
                .map(|h| data_encoding::HEXLOWER.encode(h))
                .collect(),
        )))
    }
}

/// Checks every stored checkpoint against the chain: they follow each other from seq 0, each
/// one's `head_hash` and `root` are those of the events it covers, and `signature_ok` accepts
/// its signature. Returns the first one that fails (its `to_seq`) and why. Reads every chain
/// hash once, a checkpoint at a time; for `mds audit verify`, after the chain itself.
pub async fn check_stored(
    db: &Db,
    signature_ok: impl Fn(&Checkpoint) -> bool,
) -> Result<Option<(i64, String)>, AuditError> {
    let mut expected_from = 0;
    loop {
        let page = list(db, expected_from, 100).await?;
        if page.is_empty() {
            return Ok(None);
        }
        for c in page {
            let wrong = |why: String| Ok(Some((c.to_seq, why)));
            if c.from_seq != expected_from || c.to_seq <= c.from_seq {
                return wrong(format!(
                    "checkpoint {} covers events {}..={}, but the previous one ends at {}",
                    c.to_seq,
                    c.from_seq + 1,
                    c.to_seq,
                    expected_from
                ));
            }
            let (leaves, head_hash) = match leaves(db, c.from_seq, c.to_seq).await {
                Ok(found) => found,
                Err(AuditError::Corrupt(why)) => return wrong(why),
                Err(e) => return Err(e),
            };
            let root = merkle::Tree::new(merkle::block_roots(&leaves, merkle::BLOCK)).root();
            if head_hash != c.head_hash
                || root.map(|r| data_encoding::HEXLOWER.encode(&r)) != Some(c.root.clone())
            {
                return wrong(format!(
                    "checkpoint {} no longer matches events {}..={}: they were changed after \
                     it was signed",
                    c.to_seq,
                    c.from_seq + 1,
                    c.to_seq
                ));
            }
            if !signature_ok(&c) {
                return wrong(format!(
                    "checkpoint {} has no valid signature by a published key",
                    c.to_seq
                ));
            }
            expected_from = c.to_seq;
        }
    }
}
