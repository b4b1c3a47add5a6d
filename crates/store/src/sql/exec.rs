//! Running a [`Query`] on either driver.
//!
//! SQLite statements run on the calling thread, synchronously, inside the poll of the future
//! (no thread hand-off per statement): a read takes a reader connection for the time of one
//! statement; a statement in a transaction runs on the writer connection the transaction
//! holds. Only a durable commit (an fsync) leaves the async thread (see `crate::db`).
//! PostgreSQL statements are native async round trips on sqlx's `PgPool`.

use super::decode::{Inner, Row};
use super::watch::StatementWatch;
use super::{Arg, FromRow, Query};
use crate::db::{Driver, TxInner};
use crate::{Db, StoreError, Tx};

/// Where a statement runs: on the database (a statement on its own, in autocommit) or in a
/// write transaction. Every store function takes `impl Into<Ex>`, so callers pass `&db` or
/// `&mut tx`.
pub enum Ex<'a> {
    Db(&'a Db),
    Tx(&'a mut Tx),
}

impl<'a> From<&'a Db> for Ex<'a> {
    fn from(db: &'a Db) -> Self {
        Self::Db(db)
    }
}

impl<'a, 'b> From<&'a &'b Db> for Ex<'a> {
    fn from(db: &'a &'b Db) -> Self {
        Self::Db(db)
    }
}

impl<'a> From<&'a mut Tx> for Ex<'a> {
    fn from(tx: &'a mut Tx) -> Self {
        Self::Tx(tx)
    }
}

impl<'a, 'b> From<&'a mut Ex<'b>> for Ex<'a> {
    fn from(ex: &'a mut Ex<'b>) -> Self {
        match ex {
            Ex::Db(db) => Ex::Db(db),
            Ex::Tx(tx) => Ex::Tx(tx),
        }
    }
}

impl Ex<'_> {
    /// A shorter-lived handle to the same place, for a function running several statements.
    pub fn reborrow(&mut self) -> Ex<'_> {
        Ex::from(self)
    }

    /// Whether statements run on PostgreSQL (for the few places where SQL differs).
    pub fn is_postgres(&self) -> bool {
        match self {
            Ex::Db(db) => matches!(db.driver(), Driver::Postgres(_)),
            Ex::Tx(tx) => matches!(tx.inner(), TxInner::Postgres(_)),
        }
    }
}

impl Query<'_> {
    /// Runs a statement that returns no rows; answers the number of rows it changed.
    pub async fn execute<'e>(self, ex: impl Into<Ex<'e>>) -> Result<u64, StoreError> {
        cooperate().await;
        match ex.into() {
            Ex::Db(db) => match db.driver() {
                Driver::Sqlite(s) => {
                    let watch = watching(&s.watch);
                    s.write_alone(|c| sqlite_execute(c, &self, watch)).await
                }
                Driver::Postgres(pool) => Ok(pg_query(&self).execute(pool).await?.rows_affected()),
            },
            Ex::Tx(tx) => match tx.parts() {
                (TxInner::Sqlite(c), watch) => sqlite_execute(c, &self, watch),
                (TxInner::Postgres(t), _) => {
                    Ok(pg_query(&self).execute(&mut **t).await?.rows_affected())
                }
            },
        }
    }

    /// Every row, decoded.
    pub async fn fetch_all<'e, T: FromRow + Send>(
        self,
        ex: impl Into<Ex<'e>>,
    ) -> Result<Vec<T>, StoreError> {
        let mut out = Vec::new();
        self.fetch_each(ex, |t| {
            out.push(t);
            true
        })
        .await?;
        Ok(out)
    }

    /// The first row, if any.
    pub async fn fetch_optional<'e, T: FromRow + Send>(
        self,
        ex: impl Into<Ex<'e>>,
    ) -> Result<Option<T>, StoreError> {
        let mut out = None;
        self.fetch_each(ex, |t| {
            out = Some(t);
            false
        })
        .await?;
        Ok(out)
    }

    /// The first row; none is corruption (use for aggregates and `RETURNING` of a known row).
    pub async fn fetch_one<'e, T: FromRow + Send>(
        self,
        ex: impl Into<Ex<'e>>,
    ) -> Result<T, StoreError> {
        self.fetch_optional(ex)
            .await?
            .ok_or_else(|| StoreError::Corrupt("a query expected to return a row did not".into()))
    }

    /// Decodes rows one at a time and hands each to `each` until it answers `false`.
    async fn fetch_each<'e, T: FromRow + Send>(
        self,
        ex: impl Into<Ex<'e>>,
        mut each: impl FnMut(T) -> bool + Send,
    ) -> Result<(), StoreError> {
        cooperate().await;
        match ex.into() {
            Ex::Db(db) => match db.driver() {
                Driver::Sqlite(s) => {
                    let watch = watching(&s.watch);
                    if is_read_only(&self.sql) {
                        s.read(|c| sqlite_fetch(c, &self, watch, &mut each))
                    } else {
                        // `INSERT … RETURNING` and the like change state: the writer's turn.
                        s.write_alone(|c| sqlite_fetch(c, &self, watch, &mut each))
                            .await
                    }
                }
                Driver::Postgres(pool) => {
                    let rows = pg_query(&self).fetch_all(pool).await?;
                    pg_decode(&rows, &mut each)
                }
            },
            Ex::Tx(tx) => match tx.parts() {
                (TxInner::Sqlite(c), watch) => sqlite_fetch(c, &self, watch, &mut each),
                (TxInner::Postgres(t), _) => {
                    let rows = pg_query(&self).fetch_all(&mut **t).await?;
                    pg_decode(&rows, &mut each)
                }
            },
        }
    }
}

/// An SQLite statement runs on the calling thread and its future is ready at once, so a task
/// looping over statements (a chain verification, a long export) would never give its worker
/// back, and tasks queued on that worker (a writer holding the writer lock among them) would
/// starve: each statement spends a unit of the task's cooperative budget, and the task yields
/// when it is spent, as it would on any tokio resource.
async fn cooperate() {
    tokio::task::consume_budget().await;
}

/// Statements a reader connection may run (`query_only` refuses the rest anyway).
fn is_read_only(sql: &str) -> bool {
    let head = sql.trim_start();
    let word: String = head
        .chars()
        .take_while(char::is_ascii_alphabetic)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    matches!(
        word.as_str(),
        "SELECT" | "WITH" | "VALUES" | "EXPLAIN" | "PRAGMA"
    ) && !head.to_ascii_uppercase().contains("RETURNING")
}

/// Prepares (from the connection's statement cache) and binds. Placeholders are written
/// `$n` for PostgreSQL; SQLite reads `$n` as a *named* parameter numbered in order of first
/// appearance, so each is bound by its name's number, whatever the order in the text.
fn sqlite_prepare<'c>(
    c: &'c rusqlite::Connection,
    q: &Query<'_>,
) -> Result<rusqlite::CachedStatement<'c>, StoreError> {
    let mut stmt = c.prepare_cached(&q.sql)?;
    let count = stmt.parameter_count();
    if count <= FEW_PARAMETERS {
        for index in 1..=count {
            let n = placeholder_number(&stmt, index)?;
            bind(&mut stmt, q, index, n)?;
        }
    } else {
        let numbers = placeholder_numbers(&stmt, &q.sql)?;
        for (index, n) in (1..).zip(numbers.iter()) {
            bind(&mut stmt, q, index, *n)?;
        }
    }
    Ok(stmt)
}

/// Binds the value of `$n` to the parameter SQLite numbered `index`.
fn bind(
    stmt: &mut rusqlite::Statement<'_>,
    q: &Query<'_>,
    index: usize,
    n: usize,
) -> Result<(), StoreError> {
    let arg = q.args.get(n.wrapping_sub(1)).ok_or_else(|| {
        StoreError::Corrupt(format!("${n} has no bound value ({} bound)", q.args.len()))
    })?;
    match arg {
        Arg::Int(v) => stmt.raw_bind_parameter(index, v)?,
        Arg::Text(v) => stmt.raw_bind_parameter(index, v.as_deref())?,
        Arg::Blob(v) => stmt.raw_bind_parameter(index, v.as_deref())?,
    }
    Ok(())
}

/// Up to this many parameters, asking SQLite each one's name is cheaper than a lookup by text.
const FEW_PARAMETERS: usize = 8;
/// Statement texts whose placeholder numbers a thread remembers (bounded: texts built with a
/// variable number of rows or values are few, but not fixed).
const REMEMBERED_TEXTS: usize = 512;

thread_local! {
    /// The `$n` of each parameter index, per statement text with many parameters. SQLite finds
    /// a parameter's name by walking the list of names, so asking every name of a multi-row
    /// `INSERT` (hundreds of parameters) costs the square of their number; the numbering is a
    /// function of the text alone, so it is asked once per thread and text.
    static NUMBERS: std::cell::RefCell<std::collections::HashMap<String, std::rc::Rc<[usize]>>> =
        std::cell::RefCell::default();
}

fn placeholder_numbers(
    stmt: &rusqlite::Statement<'_>,
    sql: &str,
) -> Result<std::rc::Rc<[usize]>, StoreError> {
    if let Some(known) = NUMBERS.with_borrow(|m| m.get(sql).cloned()) {
        return Ok(known);
    }
    let numbers: std::rc::Rc<[usize]> = (1..=stmt.parameter_count())
        .map(|index| placeholder_number(stmt, index))
        .collect::<Result<_, _>>()?;
    NUMBERS.with_borrow_mut(|m| {
        if m.len() < REMEMBERED_TEXTS {
            m.insert(sql.to_owned(), numbers.clone());
        }
    });
    Ok(numbers)
}

/// The `n` of the parameter SQLite numbered `index` (its name is `$n`).
fn placeholder_number(stmt: &rusqlite::Statement<'_>, index: usize) -> Result<usize, StoreError> {
    stmt.parameter_name(index)
        .and_then(|name| name.strip_prefix('$'))
        .and_then(|n| n.parse::<usize>().ok())
        .ok_or_else(|| StoreError::Corrupt(format!("placeholder {index} is not $n")))
}

/// The watch, when it is on (see `super::watch`).
fn watching(watch: &StatementWatch) -> Option<&StatementWatch> {
    watch.is_on().then_some(watch)
}

fn sqlite_execute(
    c: &rusqlite::Connection,
    q: &Query<'_>,
    watch: Option<&StatementWatch>,
) -> Result<u64, StoreError> {
    let mut stmt = sqlite_prepare(c, q)?;
    let changed = stmt.raw_execute()?;
    if let Some(w) = watch {
        w.record(&q.sql, &stmt);
    }
    Ok(changed as u64)
}

fn sqlite_fetch<T: FromRow>(
    c: &rusqlite::Connection,
    q: &Query<'_>,
    watch: Option<&StatementWatch>,
    each: &mut impl FnMut(T) -> bool,
) -> Result<(), StoreError> {
    let mut stmt = sqlite_prepare(c, q)?;
    let mut rows = stmt.raw_query();
    while let Some(r) = rows.next()? {
        if !each(T::from_row(&Row(Inner::Sqlite(r)))?) {
            break;
        }
    }
    drop(rows);
    if let Some(w) = watch {
        w.record(&q.sql, &stmt);
    }
    Ok(())
}

fn pg_query<'q>(
    q: &'q Query<'_>,
) -> sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments> {
    let mut query = sqlx::query(&q.sql);
    for arg in &q.args {
        query = match arg {
            Arg::Int(v) => query.bind(*v),
            Arg::Text(v) => query.bind(v.as_deref()),
            Arg::Blob(v) => query.bind(v.as_deref()),
        };
    }
    query
}

fn pg_decode<T: FromRow>(
    rows: &[sqlx::postgres::PgRow],
    each: &mut impl FnMut(T) -> bool,
) -> Result<(), StoreError> {
    for r in rows {
        if !each(T::from_row(&Row(Inner::Pg(r)))?) {
            break;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::{Db, Query};

    /// Many placeholders (the remembered path), written out of order and one repeated: each
    /// value lands on its `$n`, the first time and from the statement cache.
    #[tokio::test]
    async fn placeholders_bind_by_their_number_whatever_their_order() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let db = Db::connect(&url).await.unwrap();
        let sql = "SELECT $3 || '-' || $1 || '-' || $10 || '-' || $2 || '-' || $9 || '-' || $4 \
                   || '-' || $5 || '-' || $6 || '-' || $7 || '-' || $8 || '-' || $1";
        for round in ["a", "b"] {
            let mut q = Query::new(sql);
            for n in 1..=10 {
                q.push(format!("{round}{n}"));
            }
            let (got,): (String,) = q.fetch_one(&db).await.unwrap();
            let want = [3, 1, 10, 2, 9, 4, 5, 6, 7, 8, 1]
                .map(|n| format!("{round}{n}"))
                .join("-");
            assert_eq!(got, want);
        }
        let (few,): (String,) = Query::new("SELECT $2 || $1")
            .bind("x")
            .bind("y")
            .fetch_one(&db)
            .await
            .unwrap();
        assert_eq!(few, "yx");
    }
}
