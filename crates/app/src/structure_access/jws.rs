//! The JOSE pieces structure authentication needs, and nothing more: public JWKs (EC P-256,
//! EC P-384, RSA of 2048 to 8192 bits) read from a JWK or a JWKS, their RFC 7638
//! thumbprints, and compact JWS verification with ES256, ES384 or RS384 over `ring`.
//! Pure: no I/O, no clock. It never fetches a key (`jku`, `x5u` and embedded `jwk` headers
//! are ignored) and each key verifies only with the one algorithm its type implies, so no
//! `alg` in a header can choose a weaker check (no `none`, no HMAC).

use data_encoding::BASE64URL_NOPAD;
use ring::signature;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

/// The largest JWK or JWKS text accepted from support.
pub const MAX_JWKS_BYTES: usize = 64 * 1024;
/// The most keys one registration may carry.
pub const MAX_KEYS: usize = 20;
/// The largest assertion accepted.
pub const MAX_JWS_BYTES: usize = 16 * 1024;

/// The signature algorithms accepted, each tied to one kind of key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Alg {
    Es256,
    Es384,
    Rs384,
}

impl Alg {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Es256 => "ES256",
            Self::Es384 => "ES384",
            Self::Rs384 => "RS384",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "ES256" => Some(Self::Es256),
            "ES384" => Some(Self::Es384),
            "RS384" => Some(Self::Rs384),
            _ => None,
        }
    }
}

/// A public key as registered: its `kid`, its algorithm, the public members kept (as JSON
/// text) and its thumbprint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicJwk {
    pub kid: String,
    pub alg: Alg,
    /// The public members only (`kty`, `crv`, `x`, `y` or `n`, `e`, with `kid` and `alg`).
    pub json: String,
    /// RFC 7638 SHA-256 thumbprint, base64url.
    pub thumbprint: String,
}

/// Why a JWK or JWKS was refused, in French for support.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct JwkError(pub String);

fn jwk_error(text: impl Into<String>) -> JwkError {
    JwkError(text.into())
}

fn b64(member: &Map<String, Value>, name: &str) -> Result<(String, Vec<u8>), JwkError> {
    let text = member
        .get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| jwk_error(format!("Membre « {name} » absent de la clé.")))?;
    let bytes = BASE64URL_NOPAD
        .decode(text.as_bytes())
        .map_err(|_| jwk_error(format!("Membre « {name} » : base64url invalide.")))?;
    Ok((text.to_owned(), bytes))
}

fn valid_kid(kid: &str) -> bool {
    !kid.is_empty() && kid.len() <= 128 && kid.chars().all(|c| c.is_ascii_graphic())
}

/// Reads one public JWK. Private members are refused: only the public key is registered.
pub fn parse_jwk(value: &Value) -> Result<PublicJwk, JwkError> {
    let m = value
        .as_object()
        .ok_or_else(|| jwk_error("Une clé JWK est un objet JSON."))?;
    for private in ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] {
        if m.contains_key(private) {
            return Err(jwk_error(
                "Cette clé contient une partie privée : ne transmettez que la clé publique.",
            ));
        }
    }
    if let Some(u) = m.get("use") {
        if u.as_str() != Some("sig") {
            return Err(jwk_error(
                "Seules les clés de signature (« use »: « sig ») sont acceptées.",
            ));
        }
    }
    let kty = m.get("kty").and_then(Value::as_str).unwrap_or_default();
    let (alg, public, thumb_input) = match kty {
        "EC" => {
            let crv = m.get("crv").and_then(Value::as_str).unwrap_or_default();
            let (alg, size) = match crv {
                "P-256" => (Alg::Es256, 32),
                "P-384" => (Alg::Es384, 48),
                _ => return Err(jwk_error("Courbe non prise en charge (P-256 ou P-384).")),
            };
            let (x, xb) = b64(m, "x")?;
            let (y, yb) = b64(m, "y")?;
            if xb.len() != size || yb.len() != size {
                return Err(jwk_error("Coordonnées de la clé de longueur invalide."));
            }
            let public = json!({ "kty": "EC", "crv": crv, "x": x, "y": y });
            let thumb = format!(r#"{{"crv":"{crv}","kty":"EC","x":"{x}","y":"{y}"}}"#);
            (alg, public, thumb)
        }
        "RSA" => {
            let (n, nb) = b64(m, "n")?;
            let (e, eb) = b64(m, "e")?;
            let bits = significant_bits(&nb);
            if !(2048..=8192).contains(&bits) {
                return Err(jwk_error(
                    "Clé RSA de taille non acceptée (2048 à 8192 bits).",
                ));
            }
            if eb.is_empty() || eb.len() > 8 {
                return Err(jwk_error("Exposant RSA invalide."));
            }
            let public = json!({ "kty": "RSA", "n": n, "e": e });
            let thumb = format!(r#"{{"e":"{e}","kty":"RSA","n":"{n}"}}"#);
            (Alg::Rs384, public, thumb)
        }
        _ => {
            return Err(jwk_error(
                "Type de clé non pris en charge (« kty » : EC ou RSA).",
            ))
        }
    };
    if let Some(a) = m.get("alg") {
        if a.as_str() != Some(alg.as_str()) {
            return Err(jwk_error(format!(
                "Algorithme incompatible avec cette clé : {} attendu.",
                alg.as_str()
            )));
        }
    }
    let thumbprint = BASE64URL_NOPAD.encode(&Sha256::digest(thumb_input.as_bytes()));
    let kid = match m.get("kid") {
        None => thumbprint.clone(),
        Some(k) => k
            .as_str()
            .filter(|k| valid_kid(k))
            .ok_or_else(|| jwk_error("« kid » invalide (1 à 128 caractères ASCII visibles)."))?
            .to_owned(),
    };
    let mut public = public;
    if let Some(o) = public.as_object_mut() {
        o.insert("kid".to_owned(), Value::String(kid.clone()));
        o.insert("alg".to_owned(), Value::String(alg.as_str().to_owned()));
    }
    Ok(PublicJwk {
        kid,
        alg,
        json: public.to_string(),
        thumbprint,
    })
}

fn significant_bits(bytes: &[u8]) -> usize {
    let skip = bytes.iter().take_while(|b| **b == 0).count();
    match bytes.get(skip) {
        None => 0,
        Some(first) => (bytes.len() - skip - 1) * 8 + (8 - first.leading_zeros() as usize),
    }
}

/// Reads a JWK or a JWKS (`{"keys": [...]}`): every key must be acceptable, and no two may
/// share a `kid`.
pub fn parse_jwk_set(text: &str) -> Result<Vec<PublicJwk>, JwkError> {
    if text.len() > MAX_JWKS_BYTES {
        return Err(jwk_error("Texte de clé trop long (64 Ko au plus)."));
    }
    let value: Value = serde_json::from_str(text.trim())
        .map_err(|_| jwk_error("Ce texte n'est pas un JSON valide (JWK ou JWKS attendu)."))?;
    let keys = match value.get("keys") {
        Some(Value::Array(keys)) => keys.clone(),
        Some(_) => return Err(jwk_error("« keys » doit être une liste de clés.")),
        None => vec![value],
    };
    if keys.is_empty() || keys.len() > MAX_KEYS {
        return Err(jwk_error(format!("Entre 1 et {MAX_KEYS} clés à la fois.")));
    }
    let parsed = keys.iter().map(parse_jwk).collect::<Result<Vec<_>, _>>()?;
    for (i, k) in parsed.iter().enumerate() {
        if parsed[..i].iter().any(|o| o.kid == k.kid) {
            return Err(jwk_error(format!(
                "Deux clés portent le même « kid » : {}.",
                k.kid
            )));
        }
    }
    Ok(parsed)
}

/// A compact JWS, split and decoded but not verified.
#[derive(Clone, Debug)]
pub struct Compact {
    pub alg: String,
    pub kid: Option<String>,
    pub claims: Value,
    signing_input: Vec<u8>,
    signature: Vec<u8>,
}

/// Splits and decodes a compact JWS; `None` when it is not one (or has a critical header
/// this code does not understand).
pub fn parse_compact(text: &str) -> Option<Compact> {
    if text.len() > MAX_JWS_BYTES {
        return None;
    }
    let mut parts = text.split('.');
    let (h, p, s) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let header: Value = serde_json::from_slice(&BASE64URL_NOPAD.decode(h.as_bytes()).ok()?).ok()?;
    let claims: Value = serde_json::from_slice(&BASE64URL_NOPAD.decode(p.as_bytes()).ok()?).ok()?;
    let signature = BASE64URL_NOPAD.decode(s.as_bytes()).ok()?;
    if header.get("crit").is_some() || !claims.is_object() {
        return None;
    }
    Some(Compact {
        alg: header.get("alg")?.as_str()?.to_owned(),
        kid: header.get("kid").and_then(Value::as_str).map(str::to_owned),
        claims,
        signing_input: format!("{h}.{p}").into_bytes(),
        signature,
    })
}

impl Compact {
    /// Verifies the signature with `key` (its JSON as stored). The header's `alg` must be the
    /// key's own algorithm.
    pub fn verify(&self, key_alg: Alg, key_json: &str) -> bool {
        if Alg::parse(&self.alg) != Some(key_alg) {
            return false;
        }
        let Ok(key) = serde_json::from_str::<Value>(key_json) else {
            return false;
        };
        let member = |name: &str| {
            key.get(name)
                .and_then(Value::as_str)
                .and_then(|t| BASE64URL_NOPAD.decode(t.as_bytes()).ok())
        };
        match key_alg {
            Alg::Es256 | Alg::Es384 => {
                let (Some(x), Some(y)) = (member("x"), member("y")) else {
                    return false;
                };
                let mut point = Vec::with_capacity(1 + x.len() + y.len());
                point.push(4);
                point.extend_from_slice(&x);
                point.extend_from_slice(&y);
                let alg: &dyn signature::VerificationAlgorithm = if key_alg == Alg::Es256 {
                    &signature::ECDSA_P256_SHA256_FIXED
                } else {
                    &signature::ECDSA_P384_SHA384_FIXED
                };
                signature::UnparsedPublicKey::new(alg, point)
                    .verify(&self.signing_input, &self.signature)
                    .is_ok()
            }
            Alg::Rs384 => {
                let (Some(n), Some(e)) = (member("n"), member("e")) else {
                    return false;
                };
                signature::RsaPublicKeyComponents { n, e }
                    .verify(
                        &signature::RSA_PKCS1_2048_8192_SHA384,
                        &self.signing_input,
                        &self.signature,
                    )
                    .is_ok()
            }
        }
    }

    pub fn claim_str(&self, name: &str) -> Option<&str> {
        self.claims.get(name).and_then(Value::as_str)
    }

    /// A NumericDate claim (seconds since the epoch), in milliseconds.
    pub fn claim_time_ms(&self, name: &str) -> Option<i64> {
        let v = self.claims.get(name)?;
        let seconds = v.as_i64().or_else(|| {
            v.as_f64()
                .filter(|f| f.is_finite() && f.abs() < 1e12)
                .map(|f| f.trunc() as i64)
        })?;
        seconds.checked_mul(1000)
    }

    /// Whether `aud` is `audience` or a list that contains it.
    pub fn audience_matches(&self, accepts: impl Fn(&str) -> bool) -> bool {
        match self.claims.get("aud") {
            Some(Value::String(a)) => accepts(a),
            Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).any(accepts),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_keys_unknown_curves_and_small_rsa_keys_are_refused() {
        let x = BASE64URL_NOPAD.encode(&[1u8; 32]);
        let cases = [
            (
                "private EC",
                json!({"kty":"EC","crv":"P-256","x":x,"y":x,"d":x}),
                false,
            ),
            (
                "P-521",
                json!({"kty":"EC","crv":"P-521","x":x,"y":x}),
                false,
            ),
            (
                "short x",
                json!({"kty":"EC","crv":"P-384","x":x,"y":x}),
                false,
            ),
            (
                "alg mismatch",
                json!({"kty":"EC","crv":"P-256","x":x,"y":x,"alg":"RS384"}),
                false,
            ),
            (
                "encryption key",
                json!({"kty":"EC","crv":"P-256","x":x,"y":x,"use":"enc"}),
                false,
            ),
            ("HMAC", json!({"kty":"oct","k":x}), false),
            (
                "RSA 1024",
                json!({"kty":"RSA","n":BASE64URL_NOPAD.encode(&[0xffu8; 128]),"e":"AQAB"}),
                false,
            ),
            (
                "RSA 2048",
                json!({"kty":"RSA","n":BASE64URL_NOPAD.encode(&[0xffu8; 256]),"e":"AQAB"}),
                true,
            ),
            (
                "P-256",
                json!({"kty":"EC","crv":"P-256","x":x,"y":x,"kid":"k1"}),
                true,
            ),
        ];
        let failing: Vec<_> = cases
            .iter()
            .filter(|(_, v, ok)| parse_jwk(v).is_ok() != *ok)
            .map(|(name, ..)| *name)
            .collect();
        assert!(failing.is_empty(), "{failing:?}");
    }

    #[test]
    fn a_kid_defaults_to_the_thumbprint_and_a_jwks_refuses_duplicate_kids() {
        // RFC 7638, section 3.1: the example RSA key and its thumbprint.
        let n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
        let jwk = json!({ "kty": "RSA", "n": n, "e": "AQAB" });
        let k = parse_jwk(&jwk).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(k.thumbprint, "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
        assert_eq!(k.kid, k.thumbprint);
        assert_eq!(k.alg, Alg::Rs384);
        let set = json!({ "keys": [jwk, jwk] }).to_string();
        assert!(parse_jwk_set(&set).is_err());
        assert!(parse_jwk_set("pas du json").is_err());
    }

    #[test]
    fn compact_tokens_are_split_strictly() {
        let h = BASE64URL_NOPAD.encode(br#"{"alg":"ES256","kid":"k"}"#);
        let p = BASE64URL_NOPAD.encode(br#"{"iss":"a"}"#);
        let crit = BASE64URL_NOPAD.encode(br#"{"alg":"ES256","crit":["x"]}"#);
        assert!(parse_compact(&format!("{h}.{p}.AAAA")).is_some());
        assert!(parse_compact(&format!("{h}.{p}")).is_none());
        assert!(parse_compact(&format!("{h}.{p}.AAAA.AAAA")).is_none());
        assert!(parse_compact(&format!("{h}.{p}.AA==")).is_none(), "padding");
        assert!(parse_compact(&format!("{crit}.{p}.AAAA")).is_none());
        let c = parse_compact(&format!("{h}.{p}.AAAA")).unwrap_or_else(|| panic!("parsed"));
        assert!(!c.verify(Alg::Rs384, "{}"), "alg must be the key's");
    }
}
