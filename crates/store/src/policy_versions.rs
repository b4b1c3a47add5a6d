//! The access policy files decisions were taken with (`policy_versions`, append-only): their
//! text under the stamp the audit records (`mds-app`'s `operator::policy_simulation`).

use crate::{Ex, Query, StoreError};

/// Records a file's text the first time an instance serves with it (nothing when known).
pub async fn record(
    ex: impl Into<Ex<'_>>,
    kind: &str,
    digest: &str,
    stamp: &str,
    version: &str,
    content: &str,
    now_ms: i64,
) -> Result<(), StoreError> {
    Query::new(
        "INSERT INTO policy_versions (kind, digest, stamp, version, content, first_used_ms) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (kind, digest) DO NOTHING",
    )
    .bind(kind)
    .bind(digest)
    .bind(stamp)
    .bind(version)
    .bind(content)
    .bind(now_ms)
    .execute(ex)
    .await?;
    Ok(())
}

/// The texts recorded under `stamp` for `kind` (more than one only if two files shared a
/// version and a digest prefix: the caller then cannot tell them apart).
pub async fn by_stamp(
    ex: impl Into<Ex<'_>>,
    kind: &str,
    stamp: &str,
) -> Result<Vec<String>, StoreError> {
    let rows: Vec<(String,)> =
        Query::new("SELECT content FROM policy_versions WHERE kind = $1 AND stamp = $2")
            .bind(kind)
            .bind(stamp)
            .fetch_all(ex)
            .await?;
    Ok(rows.into_iter().map(|(c,)| c).collect())
}
