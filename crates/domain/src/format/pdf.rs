//! The structure of a PDF as far as accepting it needs: the header, the trailer, and no HTML
//! where a browser sniffing the content would look. Not a PDF parser: objects, the
//! cross-reference table and the streams are the viewer's business.

use super::Refusal;

/// How far from the end the trailer (`startxref`, its offset, `%%EOF`) must be.
const TRAILER_WINDOW: usize = 1024;

/// How much of the start is searched for HTML.
const HTML_WINDOW: usize = 1024;

/// Tags that make a file HTML to a browser; none of them can be PDF syntax (`<<` opens a
/// dictionary, `<` then hexadecimal digits a string).
const HTML_TAGS: &[&[u8]] = &[
    b"<html",
    b"<head",
    b"<body",
    b"<script",
    b"<iframe",
    b"<object",
    b"<embed",
    b"<svg",
    b"<meta",
    b"<img",
    b"<link",
    b"<style",
    b"<form",
    b"<!doctype",
];

pub(super) fn check(content: &[u8]) -> Result<(), Refusal> {
    header(content)?;
    trailer(content)?;
    if has_html(&content[..content.len().min(HTML_WINDOW)]) {
        return Err(Refusal::PdfHtml);
    }
    Ok(())
}

/// `%PDF-1.0` to `%PDF-1.7` or `%PDF-2.0`, then an end of line or a space.
fn header(content: &[u8]) -> Result<(), Refusal> {
    let version = content.get(5..8).ok_or(Refusal::PdfHeader)?;
    let known = matches!(version, [b'1', b'.', b'0'..=b'7'] | b"2.0");
    let separated = matches!(content.get(8), Some(b'\r' | b'\n' | b' ' | b'\t'));
    if known && separated {
        Ok(())
    } else {
        Err(Refusal::PdfHeader)
    }
}

/// `startxref`, an offset inside the file, then `%%EOF`, in the last kilobyte (what follows
/// the last `%%EOF` — padding, a stray comment — is left to the viewer).
fn trailer(content: &[u8]) -> Result<(), Refusal> {
    let tail_start = content.len().saturating_sub(TRAILER_WINDOW);
    let eof = rfind(&content[tail_start..], b"%%EOF").ok_or(Refusal::PdfTrailer)? + tail_start;
    let before = &content[eof.saturating_sub(TRAILER_WINDOW)..eof];
    let at = rfind(before, b"startxref").ok_or(Refusal::PdfTrailer)?;
    let rest = before[at + b"startxref".len()..].trim_ascii();
    let offset = std::str::from_utf8(rest)
        .ok()
        .filter(|d| !d.is_empty() && d.len() <= 12 && d.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|d| d.parse::<usize>().ok())
        .ok_or(Refusal::PdfTrailer)?;
    if offset < content.len() {
        Ok(())
    } else {
        Err(Refusal::PdfTrailer)
    }
}

/// Whether `head` holds an HTML tag outside the streams (whose bytes are binary data).
fn has_html(head: &[u8]) -> bool {
    let lower = head.to_ascii_lowercase();
    let mut at = 0;
    while at < lower.len() {
        let rest = &lower[at..];
        if rest.starts_with(b"stream") && !lower[..at].ends_with(b"end") {
            match find(rest, b"endstream") {
                Some(end) => at += end + b"endstream".len(),
                None => return false,
            }
            continue;
        }
        if rest[0] == b'<' && HTML_TAGS.iter().any(|t| rest.starts_with(t)) {
            return true;
        }
        at += 1;
    }
    false
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}
