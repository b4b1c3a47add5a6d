//! Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP): HMAC-SHA1, 6 digits, 30 s
//! steps, one step of clock drift accepted either way. Pure: the caller passes the time and
//! records the accepted step so a code cannot be used twice.

use hmac::{Hmac, Mac};
use sha1::Sha1;

pub const STEP_SECONDS: i64 = 30;
pub const DIGITS: u32 = 6;

/// A new random 160-bit secret, base32 without padding (what authenticator apps expect).
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    rand::Rng::fill(&mut rand::thread_rng(), &mut bytes);
    data_encoding::BASE32_NOPAD.encode(&bytes)
}

pub fn step_at(unix_ms: i64) -> i64 {
    unix_ms.div_euclid(1000).div_euclid(STEP_SECONDS)
}

/// HOTP value for a counter (RFC 4226 section 5.3).
pub fn hotp(secret: &[u8], counter: u64) -> u32 {
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(secret) else {
        return 0; // HMAC accepts keys of any length; this branch cannot be taken.
    };
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let bin = (u32::from(digest[offset]) & 0x7f) << 24
        | u32::from(digest[offset + 1]) << 16
        | u32::from(digest[offset + 2]) << 8
        | u32::from(digest[offset + 3]);
    bin % 10u32.pow(DIGITS)
}

/// The code for a step, zero-padded.
pub fn code_at_step(secret_b32: &str, step: i64) -> Option<String> {
    let secret = data_encoding::BASE32_NOPAD
        .decode(secret_b32.as_bytes())
        .ok()?;
    let counter = u64::try_from(step).ok()?;
    Some(format!("{:06}", hotp(&secret, counter)))
}

/// The step whose code matches `code` within ±1 step of `now`, if any. Codes are compared in
/// constant time.
pub fn matching_step(secret_b32: &str, code: &str, unix_ms: i64) -> Option<i64> {
    let code = code.trim();
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = step_at(unix_ms);
    let mut found = None;
    for step in [now - 1, now, now + 1] {
        if let Some(expected) = code_at_step(secret_b32, step) {
            let same = expected
                .bytes()
                .zip(code.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
            if same && found.is_none() {
                found = Some(step);
            }
        }
    }
    found
}

/// `otpauth://` URI for authenticator apps (Key Uri Format).
pub fn provisioning_uri(secret_b32: &str, login: &str) -> String {
    let issuer = "Mon%20Drive%20Sant%C3%A9";
    format!(
        "otpauth://totp/{issuer}:{}?secret={secret_b32}&issuer={issuer}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        percent_encode(login)
    )
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 Appendix B, SHA-1 rows (8 digits there; we compare the 6 low digits).
    #[test]
    fn rfc6238_sha1_vectors() {
        let secret = b"12345678901234567890";
        let cases = [
            (59_i64, 94_287_082_u32),
            (1_111_111_109, 7_081_804),
            (1_111_111_111, 14_050_471),
            (1_234_567_890, 89_005_924),
            (2_000_000_000, 69_279_037),
            (20_000_000_000, 65_353_130),
        ];
        for (t, expected8) in cases {
            let counter = u64::try_from(t / STEP_SECONDS).unwrap();
            assert_eq!(hotp(secret, counter), expected8 % 1_000_000, "t = {t}");
        }
    }

    #[test]
    fn codes_match_within_one_step_only() {
        let secret = data_encoding::BASE32_NOPAD.encode(b"12345678901234567890");
        let now_ms = 1_111_111_111_000;
        let step = step_at(now_ms);
        let code = code_at_step(&secret, step).unwrap();
        assert_eq!(matching_step(&secret, &code, now_ms), Some(step));
        assert_eq!(matching_step(&secret, &code, now_ms + 30_000), Some(step));
        assert_eq!(matching_step(&secret, &code, now_ms + 61_000), None);
        assert_eq!(matching_step(&secret, "12345", now_ms), None);
        assert_eq!(matching_step(&secret, "abcdef", now_ms), None);
    }

    #[test]
    fn provisioning_uri_names_issuer_and_login() {
        let uri = provisioning_uri("JBSWY3DPEHPK3PXP", "jean nea@cht.nc");
        assert_eq!(
            uri,
            "otpauth://totp/Mon%20Drive%20Sant%C3%A9:jean%20nea%40cht.nc?secret=JBSWY3DPEHPK3PXP&issuer=Mon%20Drive%20Sant%C3%A9&algorithm=SHA1&digits=6&period=30"
        );
    }
}
