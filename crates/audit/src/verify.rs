//! Checking the whole chain and naming the first bad event. Reads only; never repairs, since
//! a broken chain is evidence to preserve, not to fix.

use crate::row::{StoredRow, COLUMNS};
use crate::{AuditError, GENESIS_HASH};
use mds_store::{Db, Query};

/// Events read per round trip. Short keyset-paginated reads keep memory bounded and avoid one
/// long read transaction that would hold back SQLite checkpoints or PostgreSQL vacuum.
const BATCH: i64 = 1000;

/// How far past a broken position verify looks for the seq an event was sealed with, to tell
/// "earlier events removed and the rest renumbered" from "this event was altered".
const RENUMBER_WINDOW: i64 = 1024;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VerifyOutcome {
    /// Events `1..=head_seq` are all present, unaltered, in order, and end at the head. Keep
    /// `(head_seq, head_hash)` outside the database: passed back as an anchor, it also exposes
    /// a later truncation whose head was forged to match, or a restore from an older backup.
    Intact {
        events: i64,
        head_seq: i64,
        head_hash: String,
    },
    /// The first bad position (`seq`), what is wrong there, and an explanation for people.
    Broken {
        seq: i64,
        problem: Problem,
        message: String,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Problem {
    /// The event stored at `seq` (or its hash) was changed, or a forged event was inserted.
    Altered,
    /// Events from `seq` on are missing although later events remain.
    Removed,
    /// The event sealed as `seq` is stored at another position.
    Reordered,
    /// The chain ends before `seq` although the head or the anchor says it should not.
    Truncated,
    /// `audit_head` does not match the last event, or events exist beyond it.
    HeadMismatch,
    /// The event at the anchor's seq does not have the anchor's hash.
    AnchorMismatch,
    /// A signed checkpoint does not match the chain it was signed over, or its signature
    /// fails (`checkpoint::check_stored`).
    CheckpointMismatch,
}

/// Walks the chain from seq 1 in order and reports the first problem, comparing the end with
/// `audit_head` and, when given, with an `anchor` `(seq, hash)` printed by an earlier run.
///
/// Events appended while verify runs are not checked: the walk stops at the head read when it
/// starts. Without an anchor, an attacker who rewrites events *and* recomputes every later
/// hash *and* the head cannot be detected; that is what anchors kept elsewhere are for.
pub async fn verify(db: &Db, anchor: Option<(i64, String)>) -> Result<VerifyOutcome, AuditError> {
    if let Some((seq, hash)) = &anchor {
        check_anchor(*seq, hash)?;
    }
    // One statement, hence one snapshot: the head and the last stored seq agree with each
    // other even while writers are appending.
    let (head_seq, head_hash, max_seq): (i64, String, i64) = Query::new(
        "SELECT seq, hash, (SELECT COALESCE(MAX(seq), 0) FROM audit_events) \
         FROM audit_head WHERE id = 1",
    )
    .fetch_optional(db)
    .await?
    .ok_or_else(|| AuditError::Corrupt("the audit_head row is missing".to_owned()))?;
    // Rows beyond the head are read too, so that events slipped in without moving the head
    // (or kept after rolling the head back) are reported rather than ignored.
    let bound = head_seq.max(max_seq);

    if let Some((0, hash)) = &anchor {
        if hash != GENESIS_HASH {
            return Ok(broken(
                0,
                Problem::AnchorMismatch,
                format!("the anchor for seq 0 must be the genesis hash, not {hash}"),
            ));
        }
    }

    let mut next = 1_i64;
    let mut prev = GENESIS_HASH.to_owned();
    // Starting below 1 makes forged rows with seq <= 0 visible instead of skipped.
    let mut after = i64::MIN;
    let mut beyond_head = false;
    'walk: loop {
        let rows: Vec<StoredRow> = Query::new(format!(
            "SELECT {COLUMNS} FROM audit_events WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3"
        ))
        .bind(after)
        .bind(bound)
        .bind(BATCH)
        .fetch_all(db)
        .await?;
        if rows.is_empty() {
            break;
        }
        for row in rows {
            if row.seq < next {
                return Ok(broken(
                    row.seq,
                    Problem::Altered,
                    format!(
                        "an event ({}) is stored at seq {}, but the chain starts at seq 1: it \
                         was inserted by hand",
                        row.id, row.seq
                    ),
                ));
            }
            if row.seq > head_seq {
                // Whatever it is, it is not part of the chain the head vouches for; what is
                // missing before it, if anything, is reported as a truncation below.
                beyond_head = true;
                break 'walk;
            }
            if row.seq > next {
                return Ok(broken(next, Problem::Removed, removed(next, row.seq)));
            }
            if row.prev_hash != prev || !row.is_sealed_at(next) {
                return diagnose(db, next, &prev, &row, bound).await;
            }
            if let Some((seq, hash)) = &anchor {
                if *seq == next && row.hash != *hash {
                    return Ok(broken(
                        next,
                        Problem::AnchorMismatch,
                        format!(
                            "event {next} hashes to {}, but the anchor recorded {hash}: the \
                             events up to {next} were rewritten and re-chained, or this is not \
                             the database the anchor was taken from",
                            row.hash
                        ),
                    ));
                }
            }
            prev = row.hash;
            after = row.seq;
            next += 1;
        }
    }

    Ok(check_end(End {
        last: next - 1,
        last_hash: prev,
        head_seq,
        head_hash,
        max_seq,
        beyond_head,
        anchor,
    }))
}

/// Where the walk stopped without finding a bad event, and what the end should look like.
struct End {
    last: i64,
    last_hash: String,
    head_seq: i64,
    head_hash: String,
    max_seq: i64,
    beyond_head: bool,
    anchor: Option<(i64, String)>,
}

/// Compares the end of the verified chain with `audit_head` and the anchor.
fn check_end(end: End) -> VerifyOutcome {
    let End {
        last,
        last_hash,
        head_seq,
        head_hash,
        max_seq,
        beyond_head,
        anchor,
    } = end;
    let anchor_seq = anchor.as_ref().map_or(0, |(seq, _)| *seq);
    let anchor_note = match &anchor {
        Some((seq, hash)) if *seq > last => {
            format!("; the anchor also records event {seq} with hash {hash}")
        }
        _ => String::new(),
    };
    if last < head_seq {
        let ends = if last == 0 {
            "no event is stored".to_owned()
        } else {
            format!("the chain ends at seq {last}")
        };
        return broken(
            last + 1,
            Problem::Truncated,
            format!(
                "audit_head records {head_seq} events, but {ends}: {} deleted (or the head \
                 moved forward){anchor_note}",
                span(last + 1, head_seq)
            ),
        );
    }
    if beyond_head {
        return broken(
            head_seq + 1,
            Problem::HeadMismatch,
            format!(
                "events up to seq {max_seq} are stored beyond audit_head (seq {head_seq}): \
                 they were inserted without moving the head, or the head was rolled back"
            ),
        );
    }
    if anchor_seq > last {
        return broken(
            last + 1,
            Problem::Truncated,
            format!(
                "the chain and audit_head end at seq {last}{anchor_note}: events from {} on \
                 were deleted and the head rewritten to match, or the database was restored \
                 from an older copy",
                last + 1
            ),
        );
    }
    if last_hash != head_hash {
        return broken(
            last,
            Problem::HeadMismatch,
            format!(
                "audit_head records hash {head_hash} for seq {last}, but that event hashes to \
                 {last_hash}: the head or the last event was rewritten"
            ),
        );
    }
    VerifyOutcome::Intact {
        events: last,
        head_seq,
        head_hash,
    }
}

/// Explains why the event stored at `n` does not continue the verified chain ending in
/// `prev`. Rare (only on a broken chain), so its extra full scan does not matter.
async fn diagnose(
    db: &Db,
    n: i64,
    prev: &str,
    row: &StoredRow,
    bound: i64,
) -> Result<VerifyOutcome, AuditError> {
    // The genuine event n is the one that links to the verified prefix and is sealed as n.
    // If it is stored elsewhere, the events were moved rather than changed.
    let candidates: Vec<StoredRow> = Query::new(format!(
        "SELECT {COLUMNS} FROM audit_events WHERE prev_hash = $1 AND seq <> $2 AND seq <= $3 \
         ORDER BY seq"
    ))
    .bind(prev)
    .bind(n)
    .bind(bound)
    .fetch_all(db)
    .await?;
    for candidate in &candidates {
        if candidate.hash_at(n, prev) == candidate.hash {
            let here = match sealed_seq_after(row, n) {
                Some(m) => format!("sealed as seq {m}"),
                None => "not sealed at any nearby position".to_owned(),
            };
            return Ok(broken(
                n,
                Problem::Reordered,
                format!(
                    "events are out of order: the event sealed as seq {n} ({}) is stored at \
                     seq {}, and seq {n} holds event {} ({here})",
                    candidate.id, candidate.seq, row.id
                ),
            ));
        }
    }

    if row.is_sealed_at(n) {
        // Its own hash is right, so it is its link that disagrees with the event before.
        return Ok(if n == 1 {
            broken(
                1,
                Problem::Altered,
                format!(
                    "event 1 ({}) records predecessor {} instead of the genesis hash: it was \
                     rewritten and re-hashed",
                    row.id, row.prev_hash
                ),
            )
        } else {
            broken(
                n - 1,
                Problem::Altered,
                format!(
                    "event {} hashes to {prev}, but event {n} records {} as its predecessor: \
                     event {} was rewritten and re-hashed (or the link of event {n} was forged)",
                    n - 1,
                    row.prev_hash,
                    n - 1
                ),
            )
        });
    }

    if row.prev_hash != prev {
        if let Some(m) = sealed_seq_after(row, n) {
            return Ok(broken(
                n,
                Problem::Removed,
                format!(
                    "missing: {}; the event stored at seq {n} ({}) was sealed as seq {m}: \
                     the later events were renumbered to hide the gap",
                    span(n, m - 1),
                    row.id
                ),
            ));
        }
    }

    let what = if row.prev_hash != prev {
        "its link to the previous event (prev_hash) was changed"
    } else {
        "its content or its stored hash was changed"
    };
    Ok(broken(
        n,
        Problem::Altered,
        format!("event {n} ({}) does not match its hash: {what}", row.id),
    ))
}

/// The position after `n` at which `row`'s own hash is right, if it is within reach.
fn sealed_seq_after(row: &StoredRow, n: i64) -> Option<i64> {
    (n.saturating_add(1)..=n.saturating_add(RENUMBER_WINDOW)).find(|m| row.is_sealed_at(*m))
}

/// "event 4" or "events 4..=6", for messages.
fn span(first: i64, last: i64) -> String {
    if first == last {
        format!("event {first}")
    } else {
        format!("events {first}..={last}")
    }
}

fn removed(first_missing: i64, next_present: i64) -> String {
    format!(
        "missing: {}, although event {next_present} is present",
        span(first_missing, next_present - 1)
    )
}

fn broken(seq: i64, problem: Problem, message: String) -> VerifyOutcome {
    VerifyOutcome::Broken {
        seq,
        problem,
        message,
    }
}

fn check_anchor(seq: i64, hash: &str) -> Result<(), AuditError> {
    if seq < 0 {
        return Err(AuditError::InvalidAnchor(format!("seq {seq} is negative")));
    }
    let is_hex = hash.len() == 64 && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if !is_hex {
        return Err(AuditError::InvalidAnchor(format!(
            "hash {hash:?} is not 64 lowercase hex digits"
        )));
    }
    Ok(())
}
