//! Just enough XML reading for S3 answers: `ListObjectsV2` pages and `<Error>` bodies. S3's
//! answers are flat, machine-generated documents, so a tag scanner is enough; it must not be used
//! for general XML (no nesting of same-named elements, no CDATA, no namespaces prefixes).

use time::format_description::well_known::Rfc3339;

/// One page of a `ListObjectsV2` answer: (key, last modified in ms since the epoch) and the
/// token for the next page when the listing is truncated.
#[derive(Debug, PartialEq)]
pub(crate) struct ListPage {
    pub objects: Vec<(String, i64)>,
    pub next_token: Option<String>,
}

pub(crate) fn parse_list_page(xml: &str) -> Result<ListPage, String> {
    if elements(xml, "ListBucketResult")?.is_empty() {
        return Err("no <ListBucketResult> element".to_owned());
    }
    let mut objects = Vec::new();
    for contents in elements(xml, "Contents")? {
        let key = first_text(contents, "Key")?.ok_or("a <Contents> entry has no <Key>")?;
        let modified = first_text(contents, "LastModified")?
            .ok_or_else(|| format!("object {key:?} has no <LastModified>"))?;
        let modified = time::OffsetDateTime::parse(&modified, &Rfc3339)
            .map_err(|e| format!("object {key:?} has a bad <LastModified> {modified:?}: {e}"))?;
        let ms = modified.unix_timestamp_nanos() / 1_000_000;
        let ms = i64::try_from(ms).map_err(|_| format!("object {key:?}: date out of range"))?;
        objects.push((key, ms));
    }
    let truncated = first_text(xml, "IsTruncated")?.as_deref() == Some("true");
    let next_token = if truncated {
        // Without a token a truncated listing cannot continue; looping on the first page again
        // would never end, so this is an error rather than a silent stop.
        let token = first_text(xml, "NextContinuationToken")?
            .filter(|t| !t.is_empty())
            .ok_or("listing is truncated but has no <NextContinuationToken>")?;
        Some(token)
    } else {
        None
    };
    Ok(ListPage {
        objects,
        next_token,
    })
}

/// `(Code, Message)` of an S3 `<Error>` body, when the body is one.
pub(crate) fn parse_error(xml: &str) -> (Option<String>, Option<String>) {
    let code = first_text(xml, "Code").ok().flatten();
    let message = first_text(xml, "Message").ok().flatten();
    (code, message)
}

fn first_text(xml: &str, tag: &str) -> Result<Option<String>, String> {
    match elements(xml, tag)?.first() {
        Some(inner) => Ok(Some(unescape(inner)?)),
        None => Ok(None),
    }
}

/// The raw inner text of every `<tag>…</tag>` (or `<tag/>`) in `xml`, in order.
fn elements<'a>(xml: &'a str, tag: &str) -> Result<Vec<&'a str>, String> {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut found = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find(&open) {
        let after_name = &rest[start + open.len()..];
        // `<Key` must not match `<KeyCount>`: the name has to end here.
        match after_name.chars().next() {
            Some('>' | '/') => {}
            Some(c) if c.is_whitespace() => {}
            _ => {
                rest = after_name;
                continue;
            }
        }
        let tag_end = after_name
            .find('>')
            .ok_or_else(|| format!("unterminated <{tag}> tag"))?;
        let body = &after_name[tag_end + 1..];
        if after_name[..tag_end].ends_with('/') {
            found.push("");
            rest = body;
            continue;
        }
        let end = body
            .find(&close)
            .ok_or_else(|| format!("<{tag}> is not closed"))?;
        found.push(&body[..end]);
        rest = &body[end + close.len()..];
    }
    Ok(found)
}

fn unescape(text: &str) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let semi = after
            .find(';')
            .ok_or_else(|| format!("unterminated entity in {text:?}"))?;
        let entity = &after[..semi];
        let ch = match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = if let Some(hex) = entity.strip_prefix("#x") {
                    u32::from_str_radix(hex, 16).ok()
                } else if let Some(dec) = entity.strip_prefix('#') {
                    dec.parse().ok()
                } else {
                    None
                };
                code.and_then(char::from_u32)
                    .ok_or_else(|| format!("unknown entity &{entity}; in {text:?}"))?
            }
        };
        out.push(ch);
        rest = &after[semi + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>bucket</Name><Prefix>objects/</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys>
  <IsTruncated>true</IsTruncated>
  <Contents><Key>objects/a&amp;b</Key><LastModified>2009-10-12T17:50:30.000Z</LastModified>
    <ETag>&quot;fba9dede5f27731c9771645a39863328&quot;</ETag><Size>434234</Size></Contents>
  <Contents><Key>objects/c</Key><LastModified>1970-01-01T00:00:01Z</LastModified></Contents>
  <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
</ListBucketResult>"#;

    #[test]
    fn parses_a_truncated_page() {
        let page = parse_list_page(PAGE).unwrap();
        assert_eq!(
            page.objects,
            vec![
                ("objects/a&b".to_owned(), 1_255_369_830_000),
                ("objects/c".to_owned(), 1_000)
            ]
        );
        assert_eq!(
            page.next_token.as_deref(),
            Some("1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=")
        );
    }

    #[test]
    fn parses_an_empty_last_page() {
        let xml = "<ListBucketResult><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated>\
                   <NextContinuationToken/></ListBucketResult>";
        let page = parse_list_page(xml).unwrap();
        assert!(page.objects.is_empty());
        assert_eq!(page.next_token, None);
    }

    #[test]
    fn refuses_what_it_cannot_trust() {
        assert!(parse_list_page("<html>proxy error</html>").is_err());
        let no_token = "<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>";
        assert!(parse_list_page(no_token).is_err());
        let bad_date = "<ListBucketResult><Contents><Key>k</Key>\
                        <LastModified>yesterday</LastModified></Contents></ListBucketResult>";
        assert!(parse_list_page(bad_date).is_err());
        assert!(unescape("a &bogus; b").is_err());
        assert_eq!(unescape("&#233;&#x41;").unwrap(), "éA");
    }

    #[test]
    fn reads_error_bodies() {
        let xml = "<?xml version=\"1.0\"?><Error><Code>NoSuchKey</Code>\
                   <Message>The specified key does not exist.</Message></Error>";
        let (code, message) = parse_error(xml);
        assert_eq!(code.as_deref(), Some("NoSuchKey"));
        assert_eq!(
            message.as_deref(),
            Some("The specified key does not exist.")
        );
        assert_eq!(parse_error(""), (None, None));
    }
}
