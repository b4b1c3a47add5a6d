//! The directory: care structures, professionals (with their structures and SAMU role) and
//! assistants (each linked to the professional they act for).

use crate::sql::{FromRow, Row};
use crate::{Ex, Query, StoreError};
use mds_domain::{AccountId, AccountState, Profession, StructureId};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StructureRow {
    pub id: StructureId,
    pub name: String,
    pub ridet: String,
    pub kind: String,
    pub commune: String,
    pub created_at_ms: i64,
}

impl FromRow for StructureRow {
    fn from_row(r: &Row<'_>) -> Result<Self, StoreError> {
        Ok(Self {
            id: r.get(0)?,
            name: r.get(1)?,
            ridet: r.get(2)?,
            kind: r.get(3)?,
            commune: r.get(4)?,
            created_at_ms: r.get(5)?,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfessionalRow {
    pub account_id: AccountId,
    /// The professional number (RPPS-like), not an account id.
    pub professional_id: String,
    pub first_name: String,
    pub last_name: String,
    pub profession: Profession,
    pub samu_regulator: bool,
    /// Account state (active, suspended, pending), joined from `accounts`.
    pub state: AccountState,
    /// In identifier order.
    pub structure_ids: Vec<StructureId>,
}

impl FromRow for ProfessionalRow {
    /// The columns of `PRO_SELECT`; the structures are filled in afterwards.
    fn from_row(r: &Row<'_>) -> Result<Self, StoreError> {
        Ok(Self {
            account_id: r.get(0)?,
            professional_id: r.get(1)?,
            first_name: r.get(2)?,
            last_name: r.get(3)?,
            profession: r.get(4)?,
            samu_regulator: r.get(5)?,
            state: r.get(6)?,
            structure_ids: Vec::new(),
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssistantRow {
    pub account_id: AccountId,
    pub professional_account_id: AccountId,
    pub first_name: String,
    pub last_name: String,
}

impl FromRow for AssistantRow {
    fn from_row(r: &Row<'_>) -> Result<Self, StoreError> {
        Ok(Self {
            account_id: r.get(0)?,
            professional_account_id: r.get(1)?,
            first_name: r.get(2)?,
            last_name: r.get(3)?,
        })
    }
}

pub async fn insert_structure(ex: impl Into<Ex<'_>>, s: &StructureRow) -> Result<(), StoreError> {
    Query::new(
        "INSERT INTO structures (id, name, ridet, kind, commune, created_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&s.id)
    .bind(&s.name)
    .bind(&s.ridet)
    .bind(&s.kind)
    .bind(&s.commune)
    .bind(s.created_at_ms)
    .execute(ex)
    .await?;
    Ok(())
}

/// Replaces a structure's name, kind and commune (its RIDET number, which identifies it, stays);
/// false if there is no such structure.
pub async fn update_structure(ex: impl Into<Ex<'_>>, s: &StructureRow) -> Result<bool, StoreError> {
    let done = Query::new("UPDATE structures SET name = $1, kind = $2, commune = $3 WHERE id = $4")
        .bind(&s.name)
        .bind(&s.kind)
        .bind(&s.commune)
        .bind(&s.id)
        .execute(ex)
        .await?;
    Ok(done == 1)
}

/// A structure's idle timeout for its professionals' sessions (minutes), if it chose one.
pub async fn structure_session_idle(
    ex: impl Into<Ex<'_>>,
    id: &StructureId,
) -> Result<Option<i64>, StoreError> {
    let row: Option<(Option<i64>,)> =
        Query::new("SELECT session_idle_minutes FROM structures WHERE id = $1")
            .bind(id)
            .fetch_optional(ex)
            .await?;
    Ok(row.and_then(|(m,)| m))
}

/// Sets (or, with `None`, clears) a structure's idle timeout; false if no such structure.
pub async fn set_structure_session_idle(
    ex: impl Into<Ex<'_>>,
    id: &StructureId,
    minutes: Option<i64>,
) -> Result<bool, StoreError> {
    let done = Query::new("UPDATE structures SET session_idle_minutes = $1 WHERE id = $2")
        .bind(minutes)
        .bind(id)
        .execute(ex)
        .await?;
    Ok(done == 1)
}

pub async fn structure_by_id(
    ex: impl Into<Ex<'_>>,
    id: &StructureId,
) -> Result<Option<StructureRow>, StoreError> {
    Query::new("SELECT id, name, ridet, kind, commune, created_at_ms FROM structures WHERE id = $1")
        .bind(id)
        .fetch_optional(ex)
        .await
}

pub async fn structure_by_ridet(
    ex: impl Into<Ex<'_>>,
    ridet: &str,
) -> Result<Option<StructureRow>, StoreError> {
    Query::new(
        "SELECT id, name, ridet, kind, commune, created_at_ms FROM structures WHERE ridet = $1",
    )
    .bind(ridet)
    .fetch_optional(ex)
    .await
}

pub async fn list_structures(ex: impl Into<Ex<'_>>) -> Result<Vec<StructureRow>, StoreError> {
    Query::new(
        "SELECT id, name, ridet, kind, commune, created_at_ms FROM structures ORDER BY name, id",
    )
    .fetch_all(ex)
    .await
}

/// Inserts the professional row and its structure links (same transaction as the account).
pub async fn insert_professional(
    tx: &mut crate::Tx,
    p: &ProfessionalRow,
) -> Result<(), StoreError> {
    Query::new(
        "INSERT INTO professionals (account_id, professional_id, first_name, last_name, \
         profession, samu_regulator) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&p.account_id)
    .bind(&p.professional_id)
    .bind(&p.first_name)
    .bind(&p.last_name)
    .bind(p.profession.slug())
    .bind(p.samu_regulator)
    .execute(&mut *tx)
    .await?;
    insert_structure_links(tx, p).await?;
    Ok(())
}

/// The links of `p` to each of its structures.
async fn insert_structure_links(tx: &mut crate::Tx, p: &ProfessionalRow) -> Result<(), StoreError> {
    for s in &p.structure_ids {
        Query::new(
            "INSERT INTO professional_structures (professional_account_id, structure_id) \
             VALUES ($1, $2)",
        )
        .bind(&p.account_id)
        .bind(s)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// Replaces what the directory says of a professional (number, names, profession, SAMU role)
/// and the structures they work in; false if there is no such professional. The account row
/// (login, state) is not touched.
pub async fn update_professional(
    tx: &mut crate::Tx,
    p: &ProfessionalRow,
) -> Result<bool, StoreError> {
    let done = Query::new(
        "UPDATE professionals SET professional_id = $1, first_name = $2, last_name = $3, \
         profession = $4, samu_regulator = $5 WHERE account_id = $6",
    )
    .bind(&p.professional_id)
    .bind(&p.first_name)
    .bind(&p.last_name)
    .bind(p.profession.slug())
    .bind(p.samu_regulator)
    .bind(&p.account_id)
    .execute(&mut *tx)
    .await?;
    if done != 1 {
        return Ok(false);
    }
    Query::new("DELETE FROM professional_structures WHERE professional_account_id = $1")
        .bind(&p.account_id)
        .execute(&mut *tx)
        .await?;
    insert_structure_links(tx, p).await?;
    Ok(true)
}

const PRO_SELECT: &str = "SELECT p.account_id, p.professional_id, p.first_name, p.last_name, \
     p.profession, p.samu_regulator, a.state FROM professionals p \
     JOIN accounts a ON a.id = p.account_id";

/// Fills in the structures of `rows` with one more query (not one per professional).
async fn with_structures(
    mut ex: Ex<'_>,
    mut rows: Vec<ProfessionalRow>,
) -> Result<Vec<ProfessionalRow>, StoreError> {
    if rows.is_empty() {
        return Ok(rows);
    }
    let mut q = Query::new(
        "SELECT professional_account_id, structure_id FROM professional_structures \
         WHERE professional_account_id IN (",
    );
    for (n, p) in rows.iter().enumerate() {
        q.push_sql(&format!("{}${}", if n == 0 { "" } else { ", " }, n + 1));
        q.push(&p.account_id);
    }
    q.push_sql(") ORDER BY professional_account_id, structure_id");
    let links: Vec<(AccountId, StructureId)> = q.fetch_all(ex.reborrow()).await?;
    for (account, structure) in links {
        if let Some(p) = rows.iter_mut().find(|p| p.account_id == account) {
            p.structure_ids.push(structure);
        }
    }
    Ok(rows)
}

pub async fn professional(
    ex: impl Into<Ex<'_>>,
    account_id: &AccountId,
) -> Result<Option<ProfessionalRow>, StoreError> {
    let mut ex = ex.into();
    let rows = Query::new(format!("{PRO_SELECT} WHERE p.account_id = $1"))
        .bind(account_id)
        .fetch_all(ex.reborrow())
        .await?;
    Ok(with_structures(ex, rows).await?.pop())
}

/// What the access policy needs of a professional, in one query: `(profession,
/// samu_regulator, first structure in identifier order)` — the same first structure as
/// [`professional`]'s `structure_ids[0]`. `None` unless the account is active: a suspended
/// or not yet enrolled professional lends their rights to nobody.
pub async fn professional_facts(
    ex: impl Into<Ex<'_>>,
    account_id: &AccountId,
) -> Result<Option<(Profession, bool, Option<StructureId>)>, StoreError> {
    Query::new(
        "SELECT p.profession, p.samu_regulator, (SELECT MIN(s.structure_id) \
         FROM professional_structures s WHERE s.professional_account_id = p.account_id) \
         FROM professionals p JOIN accounts a ON a.id = p.account_id \
         WHERE p.account_id = $1 AND a.state = 'active'",
    )
    .bind(account_id)
    .fetch_optional(ex)
    .await
}

/// The professional with this professional number.
pub async fn professional_by_identifier(
    ex: impl Into<Ex<'_>>,
    professional_id: &str,
) -> Result<Option<ProfessionalRow>, StoreError> {
    let mut ex = ex.into();
    let rows = Query::new(format!("{PRO_SELECT} WHERE p.professional_id = $1"))
        .bind(professional_id)
        .fetch_all(ex.reborrow())
        .await?;
    Ok(with_structures(ex, rows).await?.pop())
}

/// Directory search by (normalised, case-insensitive) name prefix, paginated by offset.
pub async fn search_professionals(
    ex: impl Into<Ex<'_>>,
    query: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<ProfessionalRow>, StoreError> {
    let mut ex = ex.into();
    // Each word of the query must begin one of the words of the first or last name, compared
    // folded (accents, case, hyphens and apostrophes: « kaloi » finds « Kaloï », « marc »
    // finds « Jean-Marc »). The folding is the domain's, so it runs here rather than in SQL
    // (neither backend folds the same way); the directory is read by name only, then the
    // page by id.
    let words = mds_domain::identity::search_words(query);
    let names: Vec<(AccountId, String, String)> = Query::new(
        "SELECT account_id, first_name, last_name FROM professionals \
         ORDER BY last_name, first_name, account_id",
    )
    .fetch_all(ex.reborrow())
    .await?;
    let chosen: Vec<AccountId> = names
        .into_iter()
        .filter(|(_, first, last)| {
            let mut parts = mds_domain::identity::search_words(first);
            parts.extend(mds_domain::identity::search_words(last));
            words
                .iter()
                .all(|w| parts.iter().any(|p| p.starts_with(w.as_str())))
        })
        .skip(usize::try_from(offset).unwrap_or(0))
        .take(usize::try_from(limit).unwrap_or(0))
        .map(|(id, _, _)| id)
        .collect();
    if chosen.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Query::new(format!("{PRO_SELECT} WHERE p.account_id IN ("));
    for (n, id) in chosen.iter().enumerate() {
        q.push_sql(&format!("{}${}", if n == 0 { "" } else { ", " }, n + 1));
        q.push(id);
    }
    q.push_sql(") ORDER BY p.last_name, p.first_name, p.account_id");
    let rows = q.fetch_all(ex.reborrow()).await?;
    with_structures(ex, rows).await
}

pub async fn insert_assistant(ex: impl Into<Ex<'_>>, a: &AssistantRow) -> Result<(), StoreError> {
    Query::new(
        "INSERT INTO assistants (account_id, professional_account_id, first_name, last_name) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(&a.account_id)
    .bind(&a.professional_account_id)
    .bind(&a.first_name)
    .bind(&a.last_name)
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn assistant(
    ex: impl Into<Ex<'_>>,
    account_id: &AccountId,
) -> Result<Option<AssistantRow>, StoreError> {
    Query::new(
        "SELECT account_id, professional_account_id, first_name, last_name \
         FROM assistants WHERE account_id = $1",
    )
    .bind(account_id)
    .fetch_optional(ex)
    .await
}

/// Every assistant, by last name.
pub async fn list_assistants(ex: impl Into<Ex<'_>>) -> Result<Vec<AssistantRow>, StoreError> {
    Query::new(
        "SELECT account_id, professional_account_id, first_name, last_name \
         FROM assistants ORDER BY last_name, first_name, account_id",
    )
    .fetch_all(ex)
    .await
}
