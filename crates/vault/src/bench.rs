//! The content encryption benchmark (`mds bench aead`): how long sealing and opening a buffer
//! take in each content format, on the calling thread, through the very functions the vault
//! uses (copy into the output buffer, random nonce and all). Measuring is all it does; run it
//! on the production CPU before choosing the format of new objects.

use std::time::{Duration, Instant};

use crate::seal::{self, random_key};
use crate::{ContentFormat, VaultError};

#[derive(Clone, Debug, PartialEq)]
pub struct AeadBench {
    pub format: ContentFormat,
    /// Plaintext bytes per seal and per open.
    pub size: usize,
    /// Seals and opens timed (after one untimed warm-up of each).
    pub count: u64,
    pub seal: Duration,
    pub open: Duration,
}

impl AeadBench {
    pub fn seal_mb_per_s(&self) -> f64 {
        self.bytes() / self.seal.as_secs_f64().max(1e-12) / 1e6
    }

    pub fn open_mb_per_s(&self) -> f64 {
        self.bytes() / self.open.as_secs_f64().max(1e-12) / 1e6
    }

    pub fn seal_ns_per_byte(&self) -> f64 {
        self.seal.as_secs_f64() * 1e9 / self.bytes().max(1.0)
    }

    pub fn open_ns_per_byte(&self) -> f64 {
        self.open.as_secs_f64() * 1e9 / self.bytes().max(1.0)
    }

    fn bytes(&self) -> f64 {
        self.size as f64 * self.count as f64
    }
}

/// Seals `count` times a `size`-byte buffer in `format` and opens the result `count` times.
/// Each open gets its own copy of the sealed object (opening consumes it); the copy is made
/// outside the timed part.
pub fn bench_aead(format: ContentFormat, size: usize, count: u64) -> Result<AeadBench, VaultError> {
    const OBJECT: &str = "0123456789abcdef0123456789abcdef";
    let key = random_key();
    let plaintext: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
    let sealed = seal::seal_content(format, &key, OBJECT, &plaintext)?;
    let opened = seal::open_content(&key, OBJECT, sealed.clone())?;
    if opened != plaintext {
        return Err(VaultError::Crypto(
            "benchmark round trip changed the content",
        ));
    }
    let started = Instant::now();
    for _ in 0..count {
        std::hint::black_box(seal::seal_content(
            format,
            &key,
            OBJECT,
            std::hint::black_box(&plaintext),
        )?);
    }
    let seal_time = started.elapsed();
    let mut open_time = Duration::ZERO;
    for _ in 0..count {
        let copy = sealed.clone();
        let started = Instant::now();
        std::hint::black_box(seal::open_content(
            &key,
            OBJECT,
            std::hint::black_box(copy),
        )?);
        open_time += started.elapsed();
    }
    Ok(AeadBench {
        format,
        size,
        count,
        seal: seal_time,
        open: open_time,
    })
}

/// The CPU features the AEAD implementations look for at run time, as detected here.
pub fn cpu_features() -> Vec<&'static str> {
    #[cfg(target_arch = "x86_64")]
    {
        let mut found = Vec::new();
        if std::arch::is_x86_feature_detected!("aes") {
            found.push("aes");
        }
        if std::arch::is_x86_feature_detected!("pclmulqdq") {
            found.push("pclmulqdq");
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            found.push("avx2");
        }
        if std::arch::is_x86_feature_detected!("vaes") {
            found.push("vaes");
        }
        if std::arch::is_x86_feature_detected!("vpclmulqdq") {
            found.push("vpclmulqdq");
        }
        found
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_both_formats() {
        for format in ContentFormat::ALL {
            let r = bench_aead(format, 4096, 3).unwrap();
            assert_eq!((r.format, r.size, r.count), (format, 4096, 3));
            assert!(r.seal_mb_per_s() > 0.0 && r.open_ns_per_byte() > 0.0);
        }
        assert!(bench_aead(ContentFormat::Aes256Gcm, 0, 1).is_ok());
    }
}
