//! Passkeys (WebAuthn, `webauthn-rs`) as a second factor that a person may prefer to the
//! authenticator's code (issue 15). The password stays the first step; a passkey with user
//! verification replaces only the 6-digit code, and TOTP stays available.
//!
//! Contract:
//! - The relying party is the service's public address (`public_url`): its host is the RP id
//!   and its origin the only one accepted. A loopback address (`mds serve --demo`, the tests)
//!   is served as `localhost` on the same port, since an IP address cannot be a relying party;
//!   without a public address passkeys are unavailable (`Unavailable`).
//! - Each ceremony (registration, sign-in) keeps its server half — the challenge — in
//!   `passkey_ceremonies` between the two requests, alive [`CEREMONY_SECONDS`], taken (read
//!   and deleted) by its second request, so a response is checked at most once. A
//!   registration's ceremony belongs to the account, a sign-in's to the pending sign-in.
//! - Adding a passkey asks for the current password again (as a password change does, with its
//!   throttle); adding and removing are audited (`account.passkey.add` / `.remove`) and told to
//!   the account by e-mail at once (mandatory). Support's reset of a lost second factor
//!   removes the passkeys with the TOTP seed.
//! - A sign-in's passkey answer is a second step like a code (`two_step`): the same attempts
//!   per pending sign-in and the same throttles.

use super::sign_in::auth_event;
use crate::information::notifications::{self, Message};
use crate::{Actor, App, AppError};
use mds_audit::Outcome;
use mds_domain::{AccountId, Timestamp};
use mds_store::passkeys::{self, PasskeyRow};
use sha2::{Digest, Sha256};
use webauthn_rs::prelude::{
    Passkey, PasskeyAuthentication, PasskeyRegistration, PublicKeyCredential,
    RegisterPublicKeyCredential, Url, Uuid,
};
use webauthn_rs::{Webauthn, WebauthnBuilder};

/// How long the second request of a ceremony may come after the first (seconds).
pub const CEREMONY_SECONDS: i64 = 300;
/// Passkeys an account may hold.
pub const MAX_PASSKEYS: usize = 10;
/// The longest name of a passkey (characters).
pub const MAX_NAME_CHARS: usize = 60;

/// One of the account's passkeys, as its owner sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PasskeyInfo {
    pub id: String,
    pub name: String,
    pub created_at: Timestamp,
    pub last_used_at: Option<Timestamp>,
}

impl PasskeyInfo {
    fn of(r: &PasskeyRow) -> Self {
        Self {
            id: r.id.clone(),
            name: r.name.clone(),
            created_at: Timestamp::from_millis(r.created_at_ms),
            last_used_at: r.last_used_at_ms.map(Timestamp::from_millis),
        }
    }
}

fn registration_ceremony(account: &AccountId) -> String {
    format!("register:{account}")
}

pub(super) fn sign_in_ceremony(pending_hash: &str) -> String {
    format!("signin:{pending_hash}")
}

/// The relying party of `public_url` (see the contract), or `None`.
fn relying_party(public_url: &str) -> Option<Webauthn> {
    let mut origin = Url::parse(public_url).ok()?;
    let host = origin.host_str()?;
    let loopback = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<std::net::IpAddr>()
        .map(|ip| ip.is_loopback());
    // Another IP address cannot be a relying party (and `domain()` below refuses it).
    let loopback = loopback.unwrap_or(false);
    if loopback {
        origin.set_host(Some("localhost")).ok()?;
    }
    origin.set_path("");
    let rp_id = origin.domain()?.to_owned();
    WebauthnBuilder::new(&rp_id, &origin)
        .ok()?
        .rp_name("Mon Drive Santé")
        .build()
        .ok()
}

/// The WebAuthn user handle of an account: stable, and naming nothing (a digest of its id).
fn user_handle(account: &AccountId) -> Uuid {
    let digest = Sha256::digest(format!("mds-passkey-user:{account}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    Uuid::from_bytes(bytes)
}

fn refused(code: &'static str, message: &str) -> AppError {
    AppError::invalid(code, message)
}

fn unreadable() -> AppError {
    refused(
        "passkey_refused",
        "La clé d'accès n'a pas pu être vérifiée. Réessayez, ou utilisez le code de votre application.",
    )
}

fn stored<T: serde::Serialize>(value: &T) -> Result<String, AppError> {
    serde_json::to_string(value).map_err(|e| AppError::Internal(format!("passkey state: {e}")))
}

fn loaded<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, AppError> {
    serde_json::from_str(text).map_err(|e| AppError::Internal(format!("passkey state: {e}")))
}

impl App {
    fn webauthn(&self) -> Result<Webauthn, AppError> {
        relying_party(&self.public_url).ok_or_else(|| {
            AppError::Unavailable("les clés d'accès ne sont pas disponibles sur ce service".into())
        })
    }

    /// Whether this service offers passkeys (it has a public address a passkey can name).
    pub fn passkeys_available(&self) -> bool {
        relying_party(&self.public_url).is_some()
    }

    /// The actor's passkeys, oldest first.
    pub async fn list_passkeys(&self, actor: &Actor) -> Result<Vec<PasskeyInfo>, AppError> {
        let rows = self.list_passkey_rows(actor).await?;
        Ok(rows.iter().map(PasskeyInfo::of).collect())
    }

    /// Starts adding a passkey: the options for the browser's `navigator.credentials.create`
    /// (JSON), the ceremony kept server-side (replacing one in progress).
    pub async fn start_passkey_registration(
        &self,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<serde_json::Value, AppError> {
        let webauthn = self.webauthn()?;
        let existing = self.list_passkey_rows(actor).await?;
        let exclude = existing
            .iter()
            .filter_map(|r| loaded::<Passkey>(&r.passkey).ok())
            .map(|p| p.cred_id().clone())
            .collect::<Vec<_>>();
        let account = mds_store::accounts::by_id(&self.db, &actor.account_id)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let (options, state) = webauthn
            .start_passkey_registration(
                user_handle(&actor.account_id),
                &account.login,
                &actor.display_name,
                Some(exclude),
            )
            .map_err(|e| AppError::Internal(format!("passkey registration: {e}")))?;
        let mut tx = self.db.begin().await?;
        passkeys::put_ceremony(
            &mut tx,
            &registration_ceremony(&actor.account_id),
            &actor.account_id,
            &stored(&state)?,
            now.plus_seconds(CEREMONY_SECONDS).millis(),
        )
        .await?;
        tx.commit().await?;
        serde_json::to_value(&options).map_err(|e| AppError::Internal(format!("options: {e}")))
    }

    /// Adds the passkey the browser created (`credential`, the JSON of its
    /// `PublicKeyCredential`) under `name`, after the current password. Refused when no
    /// registration is in progress (expired, already used), when the answer does not verify,
    /// or when the account holds [`MAX_PASSKEYS`] already.
    #[allow(clippy::too_many_arguments)]
    pub async fn finish_passkey_registration(
        &self,
        actor: &Actor,
        current_password: &str,
        name: &str,
        credential: &str,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<PasskeyInfo, AppError> {
        let webauthn = self.webauthn()?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
            return Err(refused(
                "invalid_passkey_name",
                "Donnez un nom à cette clé d'accès (60 caractères au plus), par exemple « Téléphone ».",
            ));
        }
        AppError::check_typed("invalid_passkey_name", "nom de la clé", name, false)?;
        let account = self
            .verify_current_password(
                actor,
                current_password,
                "account.passkey.add",
                ip.clone(),
                now,
            )
            .await?;
        if self.list_passkey_rows(actor).await?.len() >= MAX_PASSKEYS {
            return Err(AppError::conflict(
                "too_many_passkeys",
                "Ce compte a déjà 10 clés d'accès : retirez-en une d'abord.",
            ));
        }
        let mut tx = self.db.begin().await?;
        let state = passkeys::take_ceremony(
            &mut tx,
            &registration_ceremony(&account.id),
            &account.id,
            now.millis(),
        )
        .await?;
        tx.commit().await?;
        let Some(state) = state else {
            return Err(refused(
                "passkey_expired",
                "L'ajout de la clé d'accès a expiré. Recommencez.",
            ));
        };
        let state: PasskeyRegistration = loaded(&state)?;
        let response: RegisterPublicKeyCredential =
            serde_json::from_str(credential).map_err(|_| unreadable())?;
        let passkey = webauthn
            .finish_passkey_registration(&response, &state)
            .map_err(|e| {
                tracing::info!(error = %e, "a passkey registration did not verify");
                unreadable()
            })?;
        let row = PasskeyRow {
            id: uuid::Uuid::new_v4().to_string(),
            account_id: account.id.clone(),
            credential_id: data_encoding::BASE64URL_NOPAD.encode(passkey.cred_id().as_ref()),
            name: name.to_owned(),
            passkey: stored(&passkey)?,
            created_at_ms: now.millis(),
            last_used_at_ms: None,
        };
        let mut tx = self.db.begin().await?;
        passkeys::insert(&mut tx, &row).await.map_err(|e| match e {
            mds_store::StoreError::Conflict(_) => {
                AppError::conflict("passkey_known", "Cette clé d'accès est déjà enregistrée.")
            }
            e => e.into(),
        })?;
        self.tell_passkey_change(&mut tx, &account.id, true, name, now)
            .await?;
        let ev = auth_event(
            "account.passkey.add",
            Some((&account.id, account.kind)),
            Outcome::Success,
            ip,
            serde_json::json!({ "passkey_id": row.id }),
        );
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        Ok(PasskeyInfo::of(&row))
    }

    /// Removes one of the actor's passkeys; `NotFound` for another account's or an unknown one.
    pub async fn remove_passkey(
        &self,
        actor: &Actor,
        id: &str,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<(), AppError> {
        if actor.software.is_some() {
            return Err(AppError::Forbidden);
        }
        let mut tx = self.db.begin().await?;
        let Some(name) = passkeys::remove(&mut tx, &actor.account_id, id).await? else {
            tx.rollback().await?;
            return Err(AppError::NotFound);
        };
        self.tell_passkey_change(&mut tx, &actor.account_id, false, &name, now)
            .await?;
        let ev = auth_event(
            "account.passkey.remove",
            Some((&actor.account_id, actor.kind)),
            Outcome::Success,
            ip,
            serde_json::json!({ "passkey_id": id }),
        );
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// For a pending sign-in whose account has passkeys: the options for the browser's
    /// `navigator.credentials.get` (JSON), the ceremony kept with the pending sign-in.
    /// `None` when the account has no passkey, the service offers none, or the pending
    /// sign-in is not alive.
    pub async fn start_passkey_sign_in(
        &self,
        pending_token: &str,
        now: Timestamp,
    ) -> Result<Option<serde_json::Value>, AppError> {
        let Ok(webauthn) = self.webauthn() else {
            return Ok(None);
        };
        let hash = crate::secrets::token_hash(pending_token);
        let Some(account) = self.pending_account(&hash, now).await? else {
            return Ok(None);
        };
        let rows = passkeys::of_account(&self.db, &account).await?;
        let keys: Vec<Passkey> = rows
            .iter()
            .filter_map(|r| loaded(&r.passkey).ok())
            .collect();
        if keys.is_empty() {
            return Ok(None);
        }
        let (options, state) = webauthn
            .start_passkey_authentication(&keys)
            .map_err(|e| AppError::Internal(format!("passkey sign-in: {e}")))?;
        let mut tx = self.db.begin().await?;
        passkeys::put_ceremony(
            &mut tx,
            &sign_in_ceremony(&hash),
            &account,
            &stored(&state)?,
            now.plus_seconds(CEREMONY_SECONDS).millis(),
        )
        .await?;
        tx.commit().await?;
        let options = serde_json::to_value(&options)
            .map_err(|e| AppError::Internal(format!("options: {e}")))?;
        Ok(Some(options))
    }

    /// Whether `credential` (the JSON of the browser's `PublicKeyCredential`) answers the
    /// pending sign-in's ceremony with one of the account's passkeys; the ceremony is used up
    /// either way, and the passkey's counter moves on success.
    pub(super) async fn passkey_ok(
        &self,
        account: &AccountId,
        pending_hash: &str,
        credential: &str,
        now: Timestamp,
    ) -> Result<bool, AppError> {
        let Ok(webauthn) = self.webauthn() else {
            return Ok(false);
        };
        let mut tx = self.db.begin().await?;
        let state = passkeys::take_ceremony(
            &mut tx,
            &sign_in_ceremony(pending_hash),
            account,
            now.millis(),
        )
        .await?;
        tx.commit().await?;
        let Some(state) = state else {
            return Ok(false);
        };
        let state: PasskeyAuthentication = loaded(&state)?;
        let Ok(response) = serde_json::from_str::<PublicKeyCredential>(credential) else {
            return Ok(false);
        };
        let result = match webauthn.finish_passkey_authentication(&response, &state) {
            Ok(r) => r,
            Err(e) => {
                tracing::info!(error = %e, "a passkey sign-in did not verify");
                return Ok(false);
            }
        };
        for row in passkeys::of_account(&self.db, account).await? {
            let Ok(mut key) = loaded::<Passkey>(&row.passkey) else {
                continue;
            };
            if key.update_credential(&result).is_some() {
                passkeys::used(&self.db, &row.id, &stored(&key)?, now.millis()).await?;
                return Ok(true);
            }
        }
        Ok(false)
    }

    async fn list_passkey_rows(&self, actor: &Actor) -> Result<Vec<PasskeyRow>, AppError> {
        if actor.software.is_some() {
            return Err(AppError::Forbidden);
        }
        Ok(passkeys::of_account(&self.db, &actor.account_id).await?)
    }

    async fn tell_passkey_change(
        &self,
        tx: &mut mds_store::Tx,
        account: &AccountId,
        added: bool,
        name: &str,
        now: Timestamp,
    ) -> Result<(), AppError> {
        if let Some(r) = notifications::recipient_of_account(tx, account).await? {
            let message = Message::passkey_changed(added, name);
            notifications::queue(tx, &r, &message, true, now).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_relying_party_is_the_public_address() {
        // (public address, offered) — a loopback address is served as localhost.
        let table = [
            ("https://mondrivesante.nc", true),
            ("https://mondrivesante.nc/", true),
            ("http://127.0.0.1:8080", true),
            ("http://[::1]:8080", true),
            ("https://10.0.0.5", false),
            ("", false),
            ("pas une adresse", false),
        ];
        for (url, offered) in table {
            assert_eq!(relying_party(url).is_some(), offered, "{url}");
        }
        let a = AccountId::parse("0b7d3c52-1f7e-4c1b-9a57-3f2d8e6a1c01")
            .unwrap_or_else(|| panic!("id"));
        assert_eq!(user_handle(&a), user_handle(&a));
        let b = AccountId::parse("0b7d3c52-1f7e-4c1b-9a57-3f2d8e6a1c02")
            .unwrap_or_else(|| panic!("id"));
        assert_ne!(user_handle(&a), user_handle(&b));
    }
}
