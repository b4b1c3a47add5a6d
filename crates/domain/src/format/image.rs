//! The headers of the accepted images, decoded without an image library: the PNG chunks
//! walked from the signature to `IEND` (the header checked against its CRC), the JPEG
//! segments walked from `SOI` to the first scan (the frame header gives the size) and `EOI`
//! at the end. The pixels themselves are the viewer's business.

use super::{Dimensions, Refusal, MAX_IMAGE_SIDE};

pub(super) const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];

/// A PNG: `IHDR` first (13 bytes, CRC right, a valid colour type and depth), at least one
/// `IDAT`, and `IEND` ending exactly at the end of the content.
pub(super) fn png(content: &[u8]) -> Result<Dimensions, Refusal> {
    let mut at = PNG_SIGNATURE.len();
    let mut size = None;
    let mut has_data = false;
    loop {
        let Chunk {
            kind,
            data,
            typed,
            end,
        } = chunk(content, at).ok_or(Refusal::Png)?;
        match (kind, size) {
            (b"IHDR", None) => size = Some(header(data, typed)?),
            (_, None) | (b"IHDR", Some(_)) => return Err(Refusal::Png),
            (b"IDAT", Some(_)) => has_data = true,
            (b"IEND", Some(size)) => {
                let whole = data.is_empty() && end == content.len() && has_data;
                return if whole && crc_matches(typed) {
                    Ok(size)
                } else {
                    Err(Refusal::Png)
                };
            }
            _ => {}
        }
        at = end;
    }
}

/// One PNG chunk.
struct Chunk<'a> {
    kind: &'a [u8; 4],
    data: &'a [u8],
    /// What the CRC covers (type and data), followed by the CRC.
    typed: &'a [u8],
    /// Where the next chunk starts.
    end: usize,
}

/// The chunk at `at`; `None` unless the whole chunk, CRC included, is in `content`.
fn chunk(content: &[u8], at: usize) -> Option<Chunk<'_>> {
    let length = u32::from_be_bytes(content.get(at..at + 4)?.try_into().ok()?);
    let length = usize::try_from(length).ok().filter(|l| *l <= 0x7fff_ffff)?;
    let kind: &[u8; 4] = content.get(at + 4..at + 8)?.try_into().ok()?;
    if !kind.iter().all(u8::is_ascii_alphabetic) {
        return None;
    }
    let end = at.checked_add(12)?.checked_add(length)?;
    let typed = content.get(at + 4..end)?;
    Some(Chunk {
        kind,
        data: &typed[4..typed.len() - 4],
        typed,
        end,
    })
}

/// The `IHDR` data; `typed` is the chunk's type, data and CRC (what the CRC covers, then it).
fn header(data: &[u8], typed: &[u8]) -> Result<Dimensions, Refusal> {
    let [w0, w1, w2, w3, h0, h1, h2, h3, depth, colour, compression, filter, interlace] = data
    else {
        return Err(Refusal::Png);
    };
    let depth_ok = match colour {
        0 => matches!(depth, 1 | 2 | 4 | 8 | 16),
        3 => matches!(depth, 1 | 2 | 4 | 8),
        2 | 4 | 6 => matches!(depth, 8 | 16),
        _ => false,
    };
    if !depth_ok || *compression != 0 || *filter != 0 || *interlace > 1 || !crc_matches(typed) {
        return Err(Refusal::Png);
    }
    sized(
        u32::from_be_bytes([*w0, *w1, *w2, *w3]),
        u32::from_be_bytes([*h0, *h1, *h2, *h3]),
    )
}

/// Whether the last four bytes of `typed` are the CRC-32 of the others.
fn crc_matches(typed: &[u8]) -> bool {
    let Some((covered, crc)) = typed.split_last_chunk::<4>() else {
        return false;
    };
    crc32(covered) == u32::from_be_bytes(*crc)
}

/// CRC-32 (ISO 3309, as PNG uses it), bit by bit: only headers are checked, never pixels.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &d in data {
        crc ^= u32::from(d);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A JPEG: `SOI`, segments each within the content up to the first scan (`SOS`), exactly one
/// frame header (`SOFn`) before it, and `EOI` as the last two bytes.
pub(super) fn jpeg(content: &[u8]) -> Result<Dimensions, Refusal> {
    if content.len() < 4 || !content.ends_with(&[0xff, 0xd9]) {
        return Err(Refusal::Jpeg);
    }
    let mut at = 2;
    let mut size = None;
    loop {
        if content.get(at) != Some(&0xff) {
            return Err(Refusal::Jpeg);
        }
        while content.get(at) == Some(&0xff) {
            at += 1; // fill bytes
        }
        let marker = *content.get(at).ok_or(Refusal::Jpeg)?;
        at += 1;
        match marker {
            // Markers without a length (TEM, restart markers).
            0x01 | 0xd0..=0xd7 => continue,
            // A second SOI, EOI before the scan, or a stuffed byte outside a scan.
            0x00 | 0xd8 | 0xd9 => return Err(Refusal::Jpeg),
            _ => {}
        }
        let length = usize::from(u16::from_be_bytes(
            content
                .get(at..at + 2)
                .and_then(|l| l.try_into().ok())
                .ok_or(Refusal::Jpeg)?,
        ));
        let segment = content
            .get(at + 2..at + length)
            .filter(|_| length >= 2)
            .ok_or(Refusal::Jpeg)?;
        if is_frame_header(marker) {
            if size.is_some() {
                return Err(Refusal::Jpeg);
            }
            size = Some(frame_size(segment)?);
        }
        if marker == 0xda {
            // The scan's entropy-coded data follows, up to the EOI checked above.
            return size.ok_or(Refusal::Jpeg);
        }
        at += length;
    }
}

/// SOF0 to SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range.
fn is_frame_header(marker: u8) -> bool {
    matches!(marker, 0xc0..=0xcf) && !matches!(marker, 0xc4 | 0xc8 | 0xcc)
}

/// Precision, height, width, then one 3-byte entry per component.
fn frame_size(segment: &[u8]) -> Result<Dimensions, Refusal> {
    let [_, h0, h1, w0, w1, components, rest @ ..] = segment else {
        return Err(Refusal::Jpeg);
    };
    if *components == 0 || rest.len() != 3 * usize::from(*components) {
        return Err(Refusal::Jpeg);
    }
    sized(
        u32::from(u16::from_be_bytes([*w0, *w1])),
        u32::from(u16::from_be_bytes([*h0, *h1])),
    )
}

fn sized(width: u32, height: u32) -> Result<Dimensions, Refusal> {
    let within = |side: u32| (1..=MAX_IMAGE_SIDE).contains(&side);
    if within(width) && within(height) {
        Ok(Dimensions { width, height })
    } else {
        Err(Refusal::ImageSize)
    }
}

#[cfg(test)]
mod tests {
    use super::crc32;

    #[test]
    fn the_crc_matches_its_reference_value() {
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
    }
}
