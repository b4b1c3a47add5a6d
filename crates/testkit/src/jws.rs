//! Key pairs of structure software for tests, generated on the spot: ES256 and ES384 with
//! `ring`, RS384 with an RSA key from the `rsa` crate (ring cannot generate one) signed by
//! `ring`; their public JWKs, and signed `private_key_jwt` assertions.

use data_encoding::BASE64URL_NOPAD;
use ring::rand::SystemRandom;
use ring::signature::{self, EcdsaKeyPair, KeyPair, RsaKeyPair};
use serde_json::{json, Value};
use std::sync::OnceLock;

/// The algorithms structure software may sign with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Alg {
    Es256,
    Es384,
    Rs384,
}

impl Alg {
    pub const ALL: [Self; 3] = [Self::Es256, Self::Es384, Self::Rs384];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Es256 => "ES256",
            Self::Es384 => "ES384",
            Self::Rs384 => "RS384",
        }
    }
}

enum Signer {
    Ec(Box<EcdsaKeyPair>),
    Rsa(Box<RsaKeyPair>),
}

/// A private key of a structure's software, with the `kid` it is registered under.
pub struct SoftwareKey {
    pub alg: Alg,
    pub kid: String,
    signer: Signer,
}

/// One RSA key per test process: generating one takes a while.
fn rsa_pkcs8() -> &'static [u8] {
    static KEY: OnceLock<Vec<u8>> = OnceLock::new();
    KEY.get_or_init(|| {
        use rsa::pkcs8::EncodePrivateKey;
        let key = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 2048)
            .unwrap_or_else(|e| panic!("RSA key: {e}"));
        key.to_pkcs8_der()
            .unwrap_or_else(|e| panic!("PKCS#8: {e}"))
            .as_bytes()
            .to_vec()
    })
}

fn b64(bytes: &[u8]) -> String {
    BASE64URL_NOPAD.encode(bytes)
}

impl SoftwareKey {
    /// A new key pair (RS384: the process's RSA key).
    pub fn generate(alg: Alg, kid: &str) -> Self {
        let rng = SystemRandom::new();
        let ec = |a: &'static signature::EcdsaSigningAlgorithm| {
            let doc = EcdsaKeyPair::generate_pkcs8(a, &rng).unwrap_or_else(|e| panic!("{e}"));
            EcdsaKeyPair::from_pkcs8(a, doc.as_ref(), &rng).unwrap_or_else(|e| panic!("{e}"))
        };
        let signer = match alg {
            Alg::Es256 => Signer::Ec(Box::new(ec(&signature::ECDSA_P256_SHA256_FIXED_SIGNING))),
            Alg::Es384 => Signer::Ec(Box::new(ec(&signature::ECDSA_P384_SHA384_FIXED_SIGNING))),
            Alg::Rs384 => Signer::Rsa(Box::new(
                RsaKeyPair::from_pkcs8(rsa_pkcs8()).unwrap_or_else(|e| panic!("{e}")),
            )),
        };
        Self {
            alg,
            kid: kid.to_owned(),
            signer,
        }
    }

    /// The public JWK, with `kid` (and `alg`, `use`).
    pub fn public_jwk(&self) -> Value {
        match &self.signer {
            Signer::Ec(k) => {
                let point = k.public_key().as_ref();
                let size = (point.len() - 1) / 2;
                let crv = if self.alg == Alg::Es256 {
                    "P-256"
                } else {
                    "P-384"
                };
                json!({
                    "kty": "EC", "crv": crv, "kid": self.kid, "alg": self.alg.as_str(), "use": "sig",
                    "x": b64(&point[1..=size]), "y": b64(&point[1 + size..]),
                })
            }
            Signer::Rsa(k) => {
                let components: signature::RsaPublicKeyComponents<Vec<u8>> = k.public().into();
                json!({
                    "kty": "RSA", "kid": self.kid, "alg": "RS384", "use": "sig",
                    "n": b64(&components.n), "e": b64(&components.e),
                })
            }
        }
    }

    /// A JWKS of these keys, as text.
    pub fn jwks(keys: &[&Self]) -> String {
        json!({ "keys": keys.iter().map(|k| k.public_jwk()).collect::<Vec<_>>() }).to_string()
    }

    /// A compact JWS of `claims` under `header`.
    pub fn sign(&self, header: &Value, claims: &Value) -> String {
        let input = format!(
            "{}.{}",
            b64(header.to_string().as_bytes()),
            b64(claims.to_string().as_bytes())
        );
        let rng = SystemRandom::new();
        let sig = match &self.signer {
            Signer::Ec(k) => k
                .sign(&rng, input.as_bytes())
                .unwrap_or_else(|e| panic!("{e}"))
                .as_ref()
                .to_vec(),
            Signer::Rsa(k) => {
                let mut sig = vec![0; k.public().modulus_len()];
                k.sign(
                    &signature::RSA_PKCS1_SHA384,
                    &rng,
                    input.as_bytes(),
                    &mut sig,
                )
                .unwrap_or_else(|e| panic!("{e}"));
                sig
            }
        };
        format!("{input}.{}", b64(&sig))
    }

    /// The header of this key's assertions.
    pub fn header(&self) -> Value {
        json!({ "alg": self.alg.as_str(), "kid": self.kid, "typ": "JWT" })
    }

    /// A valid assertion of `client_id` for the token URL `aud`, at `now_ms`, expiring in
    /// four minutes, with `jti`.
    pub fn assertion(&self, client_id: &str, aud: &str, now_ms: i64, jti: &str) -> String {
        self.sign(&self.header(), &claims(client_id, aud, now_ms, jti))
    }
}

/// The claims of a valid assertion at `now_ms`.
pub fn claims(client_id: &str, aud: &str, now_ms: i64, jti: &str) -> Value {
    let now = now_ms / 1000;
    json!({
        "iss": client_id, "sub": client_id, "aud": aud, "jti": jti,
        "iat": now, "exp": now + 240,
    })
}
