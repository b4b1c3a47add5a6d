//! `mds bench aead`: times sealing and opening content in each vault content format on the
//! calling thread (no configuration, no data directory) and prints a table.

use crate::runtime::RunError;
use mds_vault::bench::{bench_aead, cpu_features, AeadBench};
use mds_vault::ContentFormat;

/// About this much content per format and size when no count is given.
const DEFAULT_BYTES: u64 = 256 << 20;

pub(crate) fn run(sizes: &[usize], count: Option<u64>) -> Result<(), RunError> {
    println!(
        "CPU features detected at run time: {}",
        cpu_features().join(" ")
    );
    println!(
        "{:<24} {:>9} {:>7} {:>10} {:>10} {:>10} {:>10}",
        "format", "bytes", "count", "seal MB/s", "seal ns/B", "open MB/s", "open ns/B"
    );
    for &size in sizes {
        let count =
            count.unwrap_or_else(|| (DEFAULT_BYTES / size.max(1) as u64).clamp(10, 1_000_000));
        let mut rows: Vec<AeadBench> = Vec::new();
        for format in ContentFormat::ALL {
            let r = bench_aead(format, size, count)?;
            println!(
                "{:<24} {:>9} {:>7} {:>10.0} {:>10.3} {:>10.0} {:>10.3}",
                format!("{} {}", format.version(), format.cipher_name()),
                r.size,
                r.count,
                r.seal_mb_per_s(),
                r.seal_ns_per_byte(),
                r.open_mb_per_s(),
                r.open_ns_per_byte()
            );
            rows.push(r);
        }
        if let [v1, v2] = &rows[..] {
            println!(
                "{:<24} {:>9} format 2 vs 1: seal {:.2}x, open {:.2}x as fast",
                "",
                size,
                v1.seal.as_secs_f64() / v2.seal.as_secs_f64().max(1e-12),
                v1.open.as_secs_f64() / v2.open.as_secs_f64().max(1e-12)
            );
        }
    }
    Ok(())
}
