//! The at-rest formats: round trips, the tamper decision table (format × alteration →
//! outcome), fixed objects written by earlier code, and agreement with an independent
//! AES-256-GCM implementation.

use super::*;
use data_encoding::HEXLOWER;

const OBJ: &str = "0123456789abcdef0123456789abcdef";
const OTHER_OBJ: &str = "fedcba9876543210fedcba9876543210";
const V1: ContentFormat = ContentFormat::XChaCha20Poly1305;
const V2: ContentFormat = ContentFormat::Aes256Gcm;

/// The data key of the fixed objects: bytes 0, 1, …, 31.
fn counting_key() -> SecretKey {
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    for (i, b) in key.iter_mut().enumerate() {
        *b = u8::try_from(i).unwrap();
    }
    key
}

#[test]
fn content_round_trip_and_layout() {
    for (format, header, overhead) in [
        (V1, b"MDSV\x01", 5 + 24 + 16),
        (V2, b"MDSV\x02", 5 + 12 + 16),
    ] {
        let key = random_key();
        let sealed = seal_content(format, &key, OBJ, b"bonjour").unwrap();
        assert_eq!(&sealed[..5], header, "{format:?}");
        assert_eq!(sealed.len(), overhead + 7, "{format:?}");
        assert_eq!(content_format_of(&sealed), Some(format));
        assert_eq!(&open_content(&key, OBJ, sealed).unwrap()[..], b"bonjour");
        let empty = seal_content(format, &key, OBJ, b"").unwrap();
        assert_eq!(empty.len(), overhead);
        assert_eq!(&open_content(&key, OBJ, empty).unwrap()[..], b"");
        let big: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        let sealed = seal_content(format, &key, OBJ, &big).unwrap();
        assert_eq!(open_content(&key, OBJ, sealed).unwrap(), big);
    }
}

#[test]
fn nonces_are_fresh_for_every_seal() {
    for format in ContentFormat::ALL {
        let key = random_key();
        let a = seal_content(format, &key, OBJ, b"same").unwrap();
        let b = seal_content(format, &key, OBJ, b"same").unwrap();
        let nonce = 5..5 + format.nonce_len();
        assert_ne!(a[nonce.clone()], b[nonce], "{format:?}");
    }
}

#[derive(Clone, Copy, Debug)]
enum Tamper {
    Nothing,
    /// The version byte set to the other known format.
    Relabel,
    VersionByte(u8),
    FlipMagic,
    FlipFirstNonceByte,
    FlipLastNonceByte,
    FlipCiphertextByte,
    FlipTagByte,
    DropLastByte,
    AppendByte,
    /// One byte shorter than an empty object of the format.
    BelowOverhead,
    KeepFourBytes,
    OtherObjectKey,
    OtherDataKey,
}

#[derive(Debug, PartialEq)]
enum Outcome {
    Opens,
    Refused(&'static str),
}

fn attempt(format: ContentFormat, tamper: Tamper) -> Outcome {
    let key = random_key();
    let plaintext = b"Compte rendu d'hospitalisation";
    let mut sealed = seal_content(format, &key, OBJ, plaintext).unwrap();
    let nonce_end = 5 + format.nonce_len();
    let (mut open_key, mut open_obj) = (key.clone(), OBJ);
    match tamper {
        Tamper::Nothing => {}
        Tamper::Relabel => {
            sealed[4] = match format {
                V1 => V2.version(),
                V2 => V1.version(),
            }
        }
        Tamper::VersionByte(v) => sealed[4] = v,
        Tamper::FlipMagic => sealed[0] ^= 0x20,
        Tamper::FlipFirstNonceByte => sealed[5] ^= 1,
        Tamper::FlipLastNonceByte => sealed[nonce_end - 1] ^= 1,
        Tamper::FlipCiphertextByte => sealed[nonce_end + 3] ^= 0x80,
        Tamper::FlipTagByte => *sealed.last_mut().unwrap() ^= 1,
        Tamper::DropLastByte => {
            sealed.pop();
        }
        Tamper::AppendByte => sealed.push(0),
        Tamper::BelowOverhead => sealed.truncate(format.overhead() - 1),
        Tamper::KeepFourBytes => sealed.truncate(4),
        Tamper::OtherObjectKey => open_obj = OTHER_OBJ,
        Tamper::OtherDataKey => open_key = random_key(),
    }
    match open_content(&open_key, open_obj, sealed) {
        Ok(back) => {
            assert_eq!(&back[..], &plaintext[..]);
            Outcome::Opens
        }
        Err(VaultError::Corrupt { reason, .. }) => Outcome::Refused(reason),
        Err(other) => panic!("{format:?} {tamper:?}: unexpected error {other}"),
    }
}

#[test]
fn tamper_decision_table() {
    use Outcome::{Opens, Refused};
    use Tamper::*;
    let table: &[(&str, Tamper, Outcome)] = &[
        ("untouched object opens", Nothing, Opens),
        (
            "relabelled as the other format",
            Relabel,
            Refused(AUTH_FAILED),
        ),
        ("version 0", VersionByte(0), Refused(UNKNOWN_VERSION)),
        ("version 3", VersionByte(3), Refused(UNKNOWN_VERSION)),
        ("magic altered", FlipMagic, Refused(BAD_MAGIC)),
        ("first nonce byte", FlipFirstNonceByte, Refused(AUTH_FAILED)),
        ("last nonce byte", FlipLastNonceByte, Refused(AUTH_FAILED)),
        ("ciphertext byte", FlipCiphertextByte, Refused(AUTH_FAILED)),
        ("tag byte", FlipTagByte, Refused(AUTH_FAILED)),
        ("last byte dropped", DropLastByte, Refused(AUTH_FAILED)),
        ("byte appended", AppendByte, Refused(AUTH_FAILED)),
        (
            "shorter than an empty object",
            BelowOverhead,
            Refused(TRUNCATED),
        ),
        ("four bytes left", KeepFourBytes, Refused(TRUNCATED)),
        (
            "stored under another object key",
            OtherObjectKey,
            Refused(AUTH_FAILED),
        ),
        (
            "opened with another data key",
            OtherDataKey,
            Refused(AUTH_FAILED),
        ),
    ];
    let mut failures = Vec::new();
    for format in ContentFormat::ALL {
        for (name, tamper, expected) in table {
            let got = attempt(format, *tamper);
            if &got != expected {
                failures.push(format!(
                    "{format:?} / {name}: expected {expected:?}, got {got:?}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_single_byte_change_and_every_truncation_is_detected() {
    for format in ContentFormat::ALL {
        let key = random_key();
        let sealed = seal_content(format, &key, OBJ, b"compte rendu").unwrap();
        for i in 0..sealed.len() {
            for bit in 0..8 {
                let mut bad = sealed.clone();
                bad[i] ^= 1 << bit;
                assert!(
                    open_content(&key, OBJ, bad).is_err(),
                    "{format:?} byte {i} bit {bit}"
                );
            }
        }
        for len in 0..sealed.len() {
            assert!(
                open_content(&key, OBJ, sealed[..len].to_vec()).is_err(),
                "{format:?} {len}"
            );
        }
    }
}

/// Written once by the format-1-only code (commit dda0600, `seal_content` with
/// `counting_key()`, object key `OBJ`): objects of that code must stay readable.
const V1_OBJECT_FROM_THE_OLD_CODE: &str = "4d44535601b75e7cc438dc47529649ce8f8022ffc51cff8bdf9a4e39afad839171ba80314b09c1dd05af9b06422852f12e9241ec20cd15e69f433e8faf916ca728222e";

#[test]
fn a_format_1_object_written_by_the_old_code_still_opens() {
    let sealed = HEXLOWER
        .decode(V1_OBJECT_FROM_THE_OLD_CODE.as_bytes())
        .unwrap();
    assert_eq!(content_format_of(&sealed), Some(V1));
    let back = open_content(&counting_key(), OBJ, sealed.clone()).unwrap();
    assert_eq!(&back[..], b"Compte rendu, format 1");
    assert!(open_content(&counting_key(), OTHER_OBJ, sealed.clone()).is_err());
    let mut relabelled = sealed;
    relabelled[4] = V2.version();
    assert!(open_content(&counting_key(), OBJ, relabelled).is_err());
}

/// Format 2 with `counting_key()`, object key `OBJ` and the nonce 00 01 … 0b: computed by
/// this code and by RustCrypto's aes-gcm alike, so a change of layout or cipher shows here.
const V2_OBJECT: &str = "4d44535602000102030405060708090a0b046dbb6bb180e269e82ff3fe9dc91e02f1bbe640d04915199d4f134b0c18dadd5439fe86a1fc";

#[test]
fn the_format_2_fixed_object_is_stable() {
    use aes_gcm::aead::{Aead, KeyInit as _, Payload};
    let nonce: Vec<u8> = (0..12).collect();
    let plaintext = b"Compte rendu, format 2";
    let ours = seal_with_nonce(V2, &counting_key(), OBJ, &nonce, plaintext).unwrap();
    assert_eq!(
        HEXLOWER.encode(&ours),
        V2_OBJECT,
        "the format 2 layout or cipher changed"
    );
    let theirs = aes_gcm::Aes256Gcm::new_from_slice(&counting_key()[..])
        .unwrap()
        .encrypt(
            aes_gcm::Nonce::from_slice(&nonce),
            Payload {
                msg: plaintext,
                aad: &[b"MDSV\x02".as_slice(), OBJ.as_bytes()].concat(),
            },
        )
        .unwrap();
    assert_eq!(ours[17..], theirs[..]);
    let fixed = HEXLOWER.decode(V2_OBJECT.as_bytes()).unwrap();
    assert_eq!(
        &open_content(&counting_key(), OBJ, fixed).unwrap()[..],
        &plaintext[..]
    );
}

/// Format 2 is plain AES-256-GCM (96-bit nonce, 128-bit tag, AAD as documented): objects
/// written by RustCrypto's independent implementation open, and ours open with it.
#[test]
fn format_2_agrees_with_an_independent_aes_gcm() {
    use aes_gcm::aead::{Aead, KeyInit as _, Payload};
    let key = random_key();
    let other = aes_gcm::Aes256Gcm::new_from_slice(&key[..]).unwrap();
    let aad = [b"MDSV\x02".as_slice(), OBJ.as_bytes()].concat();
    for len in [0usize, 1, 15, 16, 17, 4096, 100_003] {
        let plaintext: Vec<u8> = (0..len).map(|i| (i * 7 % 256) as u8).collect();
        let ours = seal_content(V2, &key, OBJ, &plaintext).unwrap();
        let nonce = aes_gcm::Nonce::from_slice(&ours[5..17]);
        let theirs_open = other
            .decrypt(
                nonce,
                Payload {
                    msg: &ours[17..],
                    aad: &aad,
                },
            )
            .unwrap();
        assert_eq!(theirs_open, plaintext, "{len}");
        let nonce_bytes: [u8; 12] = random_nonce();
        let theirs = other
            .encrypt(
                aes_gcm::Nonce::from_slice(&nonce_bytes),
                Payload {
                    msg: &plaintext,
                    aad: &aad,
                },
            )
            .unwrap();
        let object = [b"MDSV\x02".as_slice(), &nonce_bytes, &theirs].concat();
        assert_eq!(open_content(&key, OBJ, object).unwrap(), plaintext, "{len}");
    }
}

#[test]
fn formats_by_version() {
    assert_eq!(ContentFormat::default(), V2, "new objects are AES-256-GCM");
    for format in ContentFormat::ALL {
        assert_eq!(ContentFormat::from_version(format.version()), Some(format));
    }
    assert_eq!(ContentFormat::from_version(0), None);
    assert_eq!(ContentFormat::from_version(3), None);
    assert_eq!(content_format_of(b"MDSV"), None);
    assert_eq!(content_format_of(b"MDSX\x01"), None);
    assert_eq!(content_format_of(b"MDSV\x07rest"), None);
}

#[test]
fn wrapped_key_is_bound_to_key_id_and_object() {
    let master = random_key();
    let data = random_key();
    let wrapped = wrap_key(&master, "mk-1", OBJ, &data).unwrap();
    assert_eq!(wrapped.len(), WRAPPED_LEN);
    assert_eq!(*unwrap_key(&master, "mk-1", OBJ, &wrapped).unwrap(), *data);
    assert!(unwrap_key(&master, "mk-2", OBJ, &wrapped).is_err());
    assert!(unwrap_key(&master, "mk-1", OTHER_OBJ, &wrapped).is_err());
    assert!(unwrap_key(&random_key(), "mk-1", OBJ, &wrapped).is_err());
    assert!(unwrap_key(&master, "mk-1", OBJ, &wrapped[1..]).is_err());
}

#[test]
fn object_keys_have_one_shape() {
    let key = new_object_key();
    check_object_key(&key).unwrap();
    assert_ne!(key, new_object_key());
    for bad in [
        "",
        "../x",
        "../../../../../../etc/passwd",
        "0123456789ABCDEF0123456789ABCDEF",
        "0123456789abcdef0123456789abcde",
        "0123456789abcdef0123456789abcdef0",
        "0123456789abcdef/123456789abcdef",
        "0123456789abcdef0123456789abcde\0",
    ] {
        assert!(check_object_key(bad).is_err(), "{bad:?}");
    }
}
