//! The token endpoint's use case and the authentication of the calls made with its tokens.
//!
//! A structure's software proves it holds a registered private key with a `private_key_jwt`
//! assertion (RFC 7523, as SMART Backend Services use it): `iss` = `sub` = its client id
//! (the software credential's id), `aud` = the token URL, `exp` at most 5 minutes ahead, a
//! `jti` used once, and a `kid` in the header naming one of the credential's active keys.
//! It receives an access token of 5 minutes, kept only as a hash. Each call then names the
//! professional it acts for and asserts their two-factor sign-in (`super::professional`).

use super::jws::{self, Alg};
use super::professional::Call;
use super::{
    ACCESS_TOKEN_PREFIX, ACCESS_TOKEN_SECONDS, ASSERTION_MAX_SECONDS, CLOCK_SKEW_SECONDS,
    JWT_BEARER, TOKEN_PATH,
};
use crate::secrets::{random_token, token_hash};
use crate::{Actor, App, AppError};
use mds_audit::{ActorKind, NewEvent, Outcome};
use mds_domain::{CredentialState, Timestamp};
use mds_store::structure_access::{self as rows, AccessTokenRow, KeyRow};
use mds_store::structure_credentials::{self as creds, CredentialRow};
use serde::Serialize;

/// The audit action of a token request.
const TOKEN_ACTION: &str = "structure_software.token";
/// The scope granted when the software asks for none.
pub const DEFAULT_SCOPE: &str = "system/*.cruds";

/// The form of a token request (`application/x-www-form-urlencoded`).
#[derive(Clone, Debug, Default)]
pub struct TokenRequest {
    pub grant_type: String,
    pub client_assertion_type: String,
    pub client_assertion: String,
    pub scope: Option<String>,
}

/// A token response (RFC 6749 section 5.1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AccessToken {
    pub access_token: String,
    /// Always `bearer`.
    pub token_type: &'static str,
    /// Seconds.
    pub expires_in: i64,
    pub scope: String,
}

/// Where assertions must be addressed: the token URL (`aud`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Audience {
    /// The configured public URL of the token endpoint, exactly.
    Url(String),
    /// No public URL configured: any URL whose path is the token endpoint's.
    AnyOrigin,
}

impl Audience {
    fn accepts(&self, aud: &str) -> bool {
        match self {
            Self::Url(url) => aud == url,
            Self::AnyOrigin => {
                let path = aud
                    .strip_prefix("https://")
                    .or_else(|| aud.strip_prefix("http://"))
                    .and_then(|rest| rest.find('/').map(|i| &rest[i..]));
                path == Some(TOKEN_PATH)
            }
        }
    }
}

/// The OAuth error codes a refusal carries as its `AppError` code.
fn oauth(code: &'static str, message: &str) -> AppError {
    AppError::invalid(code, message)
}

fn valid_scope(scope: &str) -> bool {
    !scope.is_empty()
        && scope.len() <= 500
        && scope.split(' ').all(|s| {
            s.starts_with("system/")
                && s.len() > 7
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "/*._-|:=?&".contains(c))
        })
}

/// What a refused token request is recorded as.
struct Refusal {
    rule: &'static str,
    code: &'static str,
    message: &'static str,
}

const fn refusal(rule: &'static str, code: &'static str, message: &'static str) -> Refusal {
    Refusal {
        rule,
        code,
        message,
    }
}

const INVALID_CLIENT: &str = "invalid_client";

impl App {
    /// Anyone (the token endpoint). Exchanges a signed assertion for an access token; every
    /// refusal is audited and answers an OAuth error code (`invalid_request`,
    /// `unsupported_grant_type`, `invalid_scope`, `invalid_client`) with a French message.
    pub async fn issue_structure_token(
        &self,
        req: &TokenRequest,
        audience: &Audience,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<AccessToken, AppError> {
        let claimed = jws::parse_compact(&req.client_assertion);
        let client_id = claimed
            .as_ref()
            .and_then(|c| c.claim_str("iss"))
            .map(|s| s.chars().take(100).collect::<String>());
        let credential = match &client_id {
            Some(id) => creds::by_id(&self.db, id).await?,
            None => None,
        };
        let checked = self
            .check_assertion(req, audience, claimed, credential.as_ref(), now)
            .await?;
        let event = |outcome, rule: Option<&str>, detail| NewEvent {
            actor_id: credential.as_ref().map(|c| c.id.clone()),
            structure_id: credential.as_ref().map(|c| c.structure_id.to_string()),
            rule: rule.map(str::to_owned),
            ip: ip.clone(),
            detail,
            ..NewEvent::new(ActorKind::StructureSoftware, TOKEN_ACTION, outcome)
        };
        let refuse = |r: Refusal, key: Option<&KeyRow>| {
            let detail = serde_json::json!({
                "client_id": if credential.is_none() { client_id.clone() } else { None },
                "key_id": key.map(|k| k.id.clone()),
            });
            (
                event(Outcome::Deny, Some(r.rule), detail),
                oauth(r.code, r.message),
            )
        };
        let (c, key, jti, exp_ms, scope) = match checked {
            Ok(ok) => ok,
            Err((r, key)) => {
                let (ev, error) = refuse(r, key.as_ref());
                self.record_event(ev, now.millis()).await?;
                return Err(error);
            }
        };
        let token = format!("{ACCESS_TOKEN_PREFIX}{}", random_token());
        let expires_at_ms = (now.millis() + ACCESS_TOKEN_SECONDS * 1000).min(c.expires_at_ms);
        let row = AccessTokenRow {
            token_hash: token_hash(&token),
            credential_id: c.id.clone(),
            key_id: key.id.clone(),
            scope: scope.clone(),
            issued_at_ms: now.millis(),
            expires_at_ms,
        };
        let mut tx = self.db.begin().await?;
        if !rows::use_jti(&mut tx, &c.id, &jti, exp_ms).await? {
            tx.rollback().await?;
            let r = refusal(
                "assertion.replayed",
                INVALID_CLIENT,
                "Cette assertion a déjà servi : chaque « jti » ne s'utilise qu'une fois.",
            );
            let (ev, error) = refuse(r, Some(&key));
            self.record_event(ev, now.millis()).await?;
            return Err(error);
        }
        rows::insert_token(&mut tx, &row).await?;
        let detail = serde_json::json!({
            "key_id": key.id, "kid": key.kid, "scope": scope, "expires_at_ms": expires_at_ms,
        });
        mds_audit::append(&mut tx, event(Outcome::Permit, None, detail), now.millis()).await?;
        tx.commit().await?;
        Ok(AccessToken {
            access_token: token,
            token_type: "bearer",
            expires_in: (expires_at_ms - now.millis()) / 1000,
            scope,
        })
    }

    /// Every check of a token request but the `jti`'s single use: the accepted credential,
    /// key, `jti`, `exp` and scope, or why it is refused (with the key, when one was found).
    #[allow(clippy::type_complexity)]
    async fn check_assertion(
        &self,
        req: &TokenRequest,
        audience: &Audience,
        claimed: Option<jws::Compact>,
        credential: Option<&CredentialRow>,
        now: Timestamp,
    ) -> Result<
        Result<(CredentialRow, KeyRow, String, i64, String), (Refusal, Option<KeyRow>)>,
        AppError,
    > {
        let no = |r: Refusal| Ok(Err((r, None)));
        if req.grant_type != "client_credentials" {
            return no(refusal(
                "token.grant_type",
                "unsupported_grant_type",
                "Seul « grant_type=client_credentials » est accepté.",
            ));
        }
        if req.client_assertion_type != JWT_BEARER {
            return no(refusal(
                "token.assertion_type",
                "invalid_request",
                "« client_assertion_type » doit valoir \
                 urn:ietf:params:oauth:client-assertion-type:jwt-bearer.",
            ));
        }
        let scope = req.scope.as_deref().map_or(DEFAULT_SCOPE, str::trim);
        if !valid_scope(scope) {
            return no(refusal(
                "token.scope",
                "invalid_scope",
                "Portée invalide : des portées « system/… » séparées par des espaces.",
            ));
        }
        let Some(jwt) = claimed else {
            return no(refusal(
                "assertion.malformed",
                INVALID_CLIENT,
                "L'assertion n'est pas un JWT signé lisible.",
            ));
        };
        if jwt.claim_str("iss").is_none() || jwt.claim_str("iss") != jwt.claim_str("sub") {
            return no(refusal(
                "assertion.client_mismatch",
                INVALID_CLIENT,
                "« iss » et « sub » doivent tous deux valoir l'identifiant du client.",
            ));
        }
        let Some(c) = credential else {
            return no(refusal(
                "assertion.unknown_client",
                INVALID_CLIENT,
                "Client inconnu.",
            ));
        };
        if c.state != CredentialState::Active {
            return no(refusal(
                "assertion.credential_revoked",
                INVALID_CLIENT,
                "L'accès de ce logiciel a été révoqué.",
            ));
        }
        if now.millis() >= c.expires_at_ms {
            return no(refusal(
                "assertion.credential_expired",
                INVALID_CLIENT,
                "L'accès de ce logiciel a pris fin : le support doit le renouveler.",
            ));
        }
        let key = match &jwt.kid {
            Some(kid) => rows::key_by_kid(&self.db, &c.id, kid).await?,
            None => None,
        };
        let Some(key) = key else {
            return no(refusal(
                "assertion.unknown_key",
                INVALID_CLIENT,
                "Clé inconnue : le « kid » de l'en-tête doit nommer une clé enregistrée.",
            ));
        };
        let fail = |r: Refusal, key: &KeyRow| Ok(Err((r, Some(key.clone()))));
        if key.state != CredentialState::Active {
            return fail(
                refusal(
                    "assertion.key_revoked",
                    INVALID_CLIENT,
                    "Cette clé a été révoquée.",
                ),
                &key,
            );
        }
        let verified = Alg::parse(&key.alg).is_some_and(|alg| jwt.verify(alg, &key.jwk));
        if !verified {
            return fail(
                refusal(
                    "assertion.bad_signature",
                    INVALID_CLIENT,
                    "Signature de l'assertion invalide pour cette clé et cet algorithme.",
                ),
                &key,
            );
        }
        if !jwt.audience_matches(|a| audience.accepts(a)) {
            return fail(
                refusal(
                    "assertion.wrong_audience",
                    INVALID_CLIENT,
                    "« aud » doit être l'adresse du point de jeton (…/fhir/auth/token).",
                ),
                &key,
            );
        }
        let skew = CLOCK_SKEW_SECONDS * 1000;
        let exp = jwt.claim_time_ms("exp");
        let Some(exp) = exp.filter(|e| *e > now.millis() - skew) else {
            return fail(
                refusal(
                    "assertion.expired",
                    INVALID_CLIENT,
                    "Assertion expirée (ou sans « exp »).",
                ),
                &key,
            );
        };
        if exp > now.millis() + ASSERTION_MAX_SECONDS * 1000 + skew {
            return fail(
                refusal(
                    "assertion.lifetime_too_long",
                    INVALID_CLIENT,
                    "« exp » trop lointain : une assertion vit 5 minutes au plus.",
                ),
                &key,
            );
        }
        let early = |name| {
            jwt.claim_time_ms(name)
                .is_some_and(|t| t > now.millis() + skew)
        };
        if early("nbf") || early("iat") {
            return fail(
                refusal(
                    "assertion.not_yet_valid",
                    INVALID_CLIENT,
                    "Assertion pas encore valable (« nbf » ou « iat » dans le futur).",
                ),
                &key,
            );
        }
        let jti = jwt
            .claim_str("jti")
            .filter(|j| !j.is_empty() && j.len() <= 255);
        let Some(jti) = jti.map(str::to_owned) else {
            return fail(
                refusal(
                    "assertion.jti_missing",
                    INVALID_CLIENT,
                    "« jti » obligatoire (255 caractères au plus).",
                ),
                &key,
            );
        };
        // Kept until the latest instant the assertion could still be accepted.
        Ok(Ok((c.clone(), key, jti, exp + skew, scope.to_owned())))
    }

    /// Structure software, with an access token from the token endpoint (the seam of the
    /// FHIR surface and `/api/v1/software`). Authenticates one call in the name of
    /// `professional` (an MDS account id or a professional number) who, the software
    /// asserts, signed in to it with two factors. An unknown or expired token is
    /// `Unauthenticated`; a professional who may not be acted for is refused (`Forbidden`,
    /// or `Denied` with the rule: off the authorised list, authorisation ended, no two-factor
    /// assertion), audited. The returned actor is decided by the record's gate exactly as the
    /// professional in person, and audited as `structure_software`.
    pub async fn authenticate_structure_token(
        &self,
        token: &str,
        professional: &str,
        two_factor_asserted: bool,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<Actor, AppError> {
        if !token.starts_with(ACCESS_TOKEN_PREFIX) || token.len() > 128 {
            return Err(AppError::Unauthenticated);
        }
        let Some(t) = rows::live_token(&self.db, &token_hash(token), now.millis()).await? else {
            return Err(AppError::Unauthenticated);
        };
        let Some(c) = creds::by_id(&self.db, &t.credential_id).await? else {
            return Err(AppError::Unauthenticated);
        };
        let call = Call {
            credential: &c,
            key_id: Some(&t.key_id),
            professional,
            two_factor_asserted,
            ip,
        };
        self.software_actor(call, now).await
    }

    /// Deletes expired access tokens and assertion ids (the housekeeping job).
    pub async fn purge_structure_tokens(&self, now: Timestamp) -> Result<u64, AppError> {
        Ok(rows::purge_expired(&self.db, now.millis()).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audiences_and_scopes() {
        let any = Audience::AnyOrigin;
        let url = Audience::Url("https://mds.nc/fhir/auth/token".to_owned());
        let cases = [
            (
                "any origin, token path",
                any.accepts("http://127.0.0.1:8080/fhir/auth/token"),
                true,
            ),
            (
                "any origin, other path",
                any.accepts("https://mds.nc/fhir/metadata"),
                false,
            ),
            (
                "any origin, no scheme",
                any.accepts("mds.nc/fhir/auth/token"),
                false,
            ),
            (
                "url, exact",
                url.accepts("https://mds.nc/fhir/auth/token"),
                true,
            ),
            (
                "url, other host",
                url.accepts("https://evil.nc/fhir/auth/token"),
                false,
            ),
            ("scope, default", valid_scope(DEFAULT_SCOPE), true),
            (
                "scope, two",
                valid_scope("system/DocumentReference.rs system/Binary.r"),
                true,
            ),
            ("scope, user", valid_scope("user/*.rs"), false),
            ("scope, empty", valid_scope(""), false),
        ];
        let failing: Vec<_> = cases.iter().filter(|c| c.1 != c.2).map(|c| c.0).collect();
        assert!(failing.is_empty(), "{failing:?}");
    }
}
