//! TOTP seeds at rest (issue 15): sealed with the vault's master key (`mds_vault`'s secret
//! format, context `totp:<account id>`, so a value copied into another account's row does not
//! open there), opened only to check a code. A copy of the database alone gives no second
//! factor. Seeds written before sealing (no key id) are read as they are and sealed by
//! [`App::seal_totp_secrets`], which `mds serve` runs at start and `mds keys rotate` runs to
//! move every seed under the new key; `mds keys retire` keeps the keys seeds still use.

use crate::{App, AppError};
use mds_domain::AccountId;
use mds_store::accounts::{self, AccountRow};
use zeroize::Zeroizing;

fn context(account: &AccountId) -> String {
    format!("totp:{account}")
}

impl App {
    /// The sealed form of a new seed for `account`, and the key id to store beside it.
    pub(crate) fn seal_totp(
        &self,
        account: &AccountId,
        secret_b32: &str,
    ) -> Result<(String, String), AppError> {
        Ok(self
            .vault
            .seal_secret(&context(account), secret_b32.as_bytes())?)
    }

    /// The account's seed in clear, when it has one.
    pub(crate) fn open_totp(&self, a: &AccountRow) -> Result<Option<Zeroizing<String>>, AppError> {
        a.totp_secret
            .as_deref()
            .map(|stored| self.open_seed(&a.id, stored, a.totp_key_id.as_deref()))
            .transpose()
    }

    fn open_seed(
        &self,
        account: &AccountId,
        stored: &str,
        key_id: Option<&str>,
    ) -> Result<Zeroizing<String>, AppError> {
        let Some(key_id) = key_id else {
            return Ok(Zeroizing::new(stored.to_owned()));
        };
        let opened = self.open_master_sealed(&context(account), stored, key_id)?;
        let text = std::str::from_utf8(&opened)
            .map_err(|_| AppError::Internal(format!("TOTP seed of {account} is not text")))?;
        Ok(Zeroizing::new(text.to_owned()))
    }

    /// Seals under the current master key every seed that is not yet under it (in clear, or
    /// under an older key); returns how many. A seed replaced meanwhile is left as it is.
    pub async fn seal_totp_secrets(&self) -> Result<u64, AppError> {
        let current = self.vault.current_key_id();
        let mut done = 0u64;
        let mut after = String::new();
        loop {
            let page = accounts::totp_not_under(&self.db, &current, &after, 500).await?;
            let Some(last) = page.last() else { break };
            after = last.0.to_string();
            for (id, stored, key_id) in page {
                let secret = self.open_seed(&id, &stored, key_id.as_deref())?;
                let (sealed, key_id) = self.seal_totp(&id, &secret)?;
                if accounts::reseal_totp(&self.db, &id, &stored, &sealed, &key_id).await? {
                    done += 1;
                }
            }
        }
        Ok(done)
    }
}
