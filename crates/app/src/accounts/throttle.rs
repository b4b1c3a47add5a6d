//! Sign-in throttling: the counters `mds_policy::throttle` decides on, kept in `auth_throttle`
//! — per (login, address), per login and per address —, and the e-mail that tells the
//! account's owner that its sign-ins keep failing. The table and its reasons are in the
//! policy; this module only counts, asks and tells.
//!
//! A throttled attempt is refused before its credentials are checked (`Throttled`, answered
//! `429` with `Retry-After`). An admitted attempt is counted as a failure of its pair and its
//! login before the check, in the transaction that read the counters, so that a burst of
//! parallel guesses each sees those before it; a success takes that count back.

use crate::information::notifications::{self, Message};
use crate::{App, AppError};
use mds_audit::NewEvent;
use mds_domain::Timestamp;
use mds_policy::throttle::{
    owner_alert_due, throttle_decision, Counter, Counters, Table, ThrottleDecision,
};
use mds_store::sessions::{self, Throttle};
use mds_store::{accounts, Tx};

/// The counters' keys of one attempt: a login (as typed once normalised, possibly unknown)
/// and the client address, if known.
#[derive(Clone, Debug)]
pub(crate) struct AttemptKeys {
    /// The normalised login, empty when what was typed is no login.
    pub login: String,
    pair: String,
    login_key: String,
    address: Option<String>,
    /// The last failures of the pair and the login before this attempt was counted up
    /// front, put back when it is taken back.
    before: [i64; 2],
}

impl AttemptKeys {
    pub(crate) fn new(login: &str, ip: Option<&str>) -> Self {
        let address_text = ip.unwrap_or("-");
        Self {
            login: login.to_owned(),
            // Logins hold no space; an address (v4 or v6) neither.
            pair: format!("pair:{address_text} {login}"),
            login_key: format!("login:{login}"),
            address: ip.map(|ip| format!("ip:{ip}")),
            before: [0, 0],
        }
    }
}

fn counter(t: Option<Throttle>) -> Counter {
    let at = |ms: i64| (ms > 0).then(|| Timestamp::from_millis(ms));
    t.map_or_else(Counter::default, |t| Counter {
        failures: t.failures,
        first_failure: at(t.window_start_ms),
        last_failure: at(t.last_failure_ms),
    })
}

fn row(c: Counter, notified_at_ms: i64) -> Throttle {
    Throttle {
        failures: c.failures,
        window_start_ms: c.first_failure.map_or(0, Timestamp::millis),
        locked_until_ms: 0,
        last_failure_ms: c.last_failure.map_or(0, Timestamp::millis),
        notified_at_ms,
    }
}

/// One more failure of `key` at `now`; returns the counter after it and when its owner was
/// last told.
async fn add_failure(
    tx: &mut Tx,
    table: &Table,
    key: &str,
    now: Timestamp,
) -> Result<(Counter, i64), AppError> {
    let stored = sessions::throttle_get(&mut *tx, key).await?;
    let notified = stored.map_or(0, |t| t.notified_at_ms);
    let after = counter(stored).after_failure(table, now);
    sessions::throttle_put(&mut *tx, key, row(after, notified)).await?;
    Ok((after, notified))
}

impl App {
    pub(crate) fn throttle_table(&self) -> Table {
        let s = &self.settings;
        let mut t = Table::DEFAULT.with_free_failures(
            s.login_max_failures,
            s.login_max_failures_per_login,
            s.login_max_failures_per_address,
        );
        t.forget_after_minutes = s.login_window_minutes;
        t.owner_alert_failures = s.login_owner_alert_failures;
        t
    }

    /// Admits an attempt or refuses it with `Throttled`, without looking at its credentials.
    /// An admitted attempt is counted up front as a failure of its pair and its login.
    pub(crate) async fn admit_attempt(
        &self,
        keys: &mut AttemptKeys,
        now: Timestamp,
    ) -> Result<(), AppError> {
        let table = self.throttle_table();
        let mut tx = self.db.begin().await?;
        let pair = sessions::throttle_get(&mut tx, &keys.pair).await?;
        let login = sessions::throttle_get(&mut tx, &keys.login_key).await?;
        let address = match &keys.address {
            Some(k) => sessions::throttle_get(&mut tx, k).await?,
            None => None,
        };
        let counters = Counters {
            pair: counter(pair),
            login: counter(login),
            address: counter(address),
        };
        if let ThrottleDecision::Delay { seconds } = throttle_decision(&table, &counters, now) {
            tx.rollback().await?;
            return Err(AppError::Throttled {
                retry_after_seconds: seconds,
            });
        }
        keys.before = [
            pair.map_or(0, |t| t.last_failure_ms),
            login.map_or(0, |t| t.last_failure_ms),
        ];
        add_failure(&mut tx, &table, &keys.pair, now).await?;
        add_failure(&mut tx, &table, &keys.login_key, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Whether an attempt would be refused now (read only: the code step of the portals,
    /// whose attempts were admitted with the password).
    pub(crate) async fn attempt_delay(
        &self,
        keys: &AttemptKeys,
        now: Timestamp,
    ) -> Result<(), AppError> {
        let table = self.throttle_table();
        let read = |key: String| async move {
            Ok::<_, AppError>(counter(sessions::throttle_get(&self.db, &key).await?))
        };
        let counters = Counters {
            pair: read(keys.pair.clone()).await?,
            login: read(keys.login_key.clone()).await?,
            address: match &keys.address {
                Some(k) => read(k.clone()).await?,
                None => Counter::default(),
            },
        };
        match throttle_decision(&table, &counters, now) {
            ThrottleDecision::Allow => Ok(()),
            ThrottleDecision::Delay { seconds } => Err(AppError::Throttled {
                retry_after_seconds: seconds,
            }),
        }
    }

    /// Settles an admitted attempt whose credentials were right: its up-front count is
    /// taken back from the login and, when the sign-in is complete (`complete`), the pair's
    /// failures are cleared — not after the password step alone, or a guesser holding the
    /// password could try codes for ever from one address. The login's other failures stay:
    /// a success from one address says nothing of the guesses from others.
    pub(crate) async fn settle_success(
        &self,
        keys: &AttemptKeys,
        reserved: bool,
        complete: bool,
    ) -> Result<(), AppError> {
        let mut tx = self.db.begin().await?;
        let mut keys_back = vec![];
        if complete {
            sessions::throttle_clear(&mut tx, &keys.pair).await?;
        } else if reserved {
            keys_back.push((&keys.pair, keys.before[0]));
        }
        if reserved {
            keys_back.push((&keys.login_key, keys.before[1]));
        }
        for (key, last_before) in keys_back {
            if let Some(mut t) = sessions::throttle_get(&mut tx, key).await? {
                t.failures = (t.failures - 1).max(0);
                // The delays count from the last real failure, not from this attempt.
                t.last_failure_ms = last_before;
                if t.failures == 0 && t.notified_at_ms == 0 {
                    // Nothing left to remember (a plain sign-in leaves no row behind).
                    sessions::throttle_clear(&mut tx, key).await?;
                } else {
                    sessions::throttle_put(&mut tx, key, t).await?;
                }
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// A failure: counted for the address (and for the pair and the login, unless the
    /// attempt was counted when admitted), its audit event written, and the account's owner
    /// told when the login's failures call for it — in one transaction.
    pub(crate) async fn record_failure(
        &self,
        keys: &AttemptKeys,
        reserved: bool,
        event: NewEvent,
        now: Timestamp,
    ) -> Result<(), AppError> {
        let table = self.throttle_table();
        let mut tx = self.db.begin().await?;
        if let Some(k) = &keys.address {
            add_failure(&mut tx, &table, k, now).await?;
        }
        let (login, notified) = if reserved {
            let t = sessions::throttle_get(&mut tx, &keys.login_key).await?;
            (counter(t), t.map_or(0, |t| t.notified_at_ms))
        } else {
            add_failure(&mut tx, &table, &keys.pair, now).await?;
            add_failure(&mut tx, &table, &keys.login_key, now).await?
        };
        let told = (notified > 0).then(|| Timestamp::from_millis(notified));
        if !keys.login.is_empty() && owner_alert_due(&table, &login, told, now) {
            self.tell_owner(&mut tx, keys, login, now).await?;
        }
        mds_audit::append(&mut tx, event, now.millis()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Tells the account behind the login, if there is one (the counter is marked told either
    /// way: nothing here depends on whether the login exists).
    async fn tell_owner(
        &self,
        tx: &mut Tx,
        keys: &AttemptKeys,
        login: Counter,
        now: Timestamp,
    ) -> Result<(), AppError> {
        sessions::throttle_put(&mut *tx, &keys.login_key, row(login, now.millis())).await?;
        let Some(account) = accounts::by_login(&mut *tx, &keys.login).await? else {
            return Ok(());
        };
        if let Some(r) = notifications::recipient_of_account(tx, &account.id).await? {
            notifications::queue(tx, &r, &Message::sign_in_failures(), true, now).await?;
        }
        Ok(())
    }
}
