//! One reader of `multipart/form-data` for the whole service: a form declares its parts, and
//! only those are read, each within its own size limit and at most as often as declared; an
//! unknown or repeated part is refused, never "the last one wins". The portals' variant reads
//! the anti-CSRF token first and checks it before anything else is read. The whole body stays
//! bounded by the route's body limit; what a part holds is for the caller to judge.

use axum::extract::multipart::{Field, MultipartError};
use axum::extract::Multipart;
use axum::http::StatusCode;

/// The part that carries the anti-CSRF token in the portals' forms, always first.
pub const TOKEN_PART: &str = "csrf";

/// A token is short (a hash in hexadecimal or base 32); anything longer is not one.
const TOKEN_MAX_BYTES: usize = 1024;

/// One part a form may carry.
#[derive(Clone, Copy, Debug)]
pub struct Part {
    pub name: &'static str,
    /// Largest content accepted for one occurrence.
    pub max_bytes: usize,
    /// How many times it may be sent.
    pub at_most: usize,
    /// A text part: its content must be UTF-8 (never silently repaired).
    pub text: bool,
}

impl Part {
    /// A field of text (or JSON) of at most `max_bytes`, sent once.
    pub const fn text(name: &'static str, max_bytes: usize) -> Self {
        Self {
            name,
            max_bytes,
            at_most: 1,
            text: true,
        }
    }

    /// A file, sent once. Only the route's body limit bounds it: the use case checks its own
    /// limit and explains it in its words.
    pub const fn file(name: &'static str) -> Self {
        Self {
            name,
            max_bytes: usize::MAX,
            at_most: 1,
            text: false,
        }
    }

    /// The same part, which may be sent up to `times` times (in order).
    pub const fn repeated(self, times: usize) -> Self {
        Self {
            at_most: times,
            ..self
        }
    }
}

/// Why a form was not read. Each surface turns it into its own answer.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// Not a multipart body that can be read; `part` is the part being read, if any.
    #[error("unreadable multipart body (part {part:?})")]
    Malformed { part: Option<String> },
    /// The body (over the route's limit) or one part (over its own) is too large.
    #[error("multipart body or part {part:?} too large")]
    TooLarge { part: Option<String> },
    /// A part the form does not have.
    #[error("unexpected part `{part}`")]
    Unexpected { part: String },
    /// A part sent more times than the form allows.
    #[error("part `{part}` sent more times than allowed")]
    Repeated { part: String },
    /// The anti-CSRF token is missing, not first, or refused.
    #[error("anti-CSRF token missing, not first, or wrong")]
    Token,
    /// A text part whose content is not UTF-8.
    #[error("part `{part}` is not UTF-8 text")]
    NotText { part: &'static str },
}

/// The parts read, in the order sent.
#[derive(Debug, Default)]
pub struct Form {
    parts: Vec<(&'static str, Vec<u8>)>,
    /// The file names the browser sent with file parts (display only, never a path used).
    file_names: Vec<(&'static str, String)>,
}

impl Form {
    /// The content of part `name` (the first one, for a repeated part), taken out of the form.
    pub fn take(&mut self, name: &str) -> Option<Vec<u8>> {
        let at = self.parts.iter().position(|(n, _)| *n == name)?;
        Some(self.parts.remove(at).1)
    }

    /// Every content of part `name`, in the order sent, taken out of the form.
    pub fn take_all(&mut self, name: &str) -> Vec<Vec<u8>> {
        let (taken, kept) = std::mem::take(&mut self.parts)
            .into_iter()
            .partition(|(n, _)| *n == name);
        self.parts = kept;
        taken.into_iter().map(|(_, c)| c).collect()
    }

    /// Part `name` as text, empty when it was not sent. A text part was checked to be UTF-8
    /// when read; a file part read as text has its malformed sequences replaced.
    pub fn text(&self, name: &str) -> String {
        self.parts
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, c)| String::from_utf8_lossy(c).into_owned())
            .unwrap_or_default()
    }

    /// The file name sent with the first file part `name`, as the browser gave it.
    pub fn file_name(&self, name: &str) -> Option<&str> {
        self.file_names
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, f)| f.as_str())
    }

    /// Whether part `name` was sent (a ticked checkbox).
    pub fn has(&self, name: &str) -> bool {
        self.parts.iter().any(|(n, _)| *n == name)
    }

    fn count(&self, name: &str) -> usize {
        self.parts.iter().filter(|(n, _)| *n == name).count()
    }
}

/// Reads the form: only `parts`, each within its limit and at most as often as declared.
pub async fn read(mut body: Multipart, parts: &[Part]) -> Result<Form, ReadError> {
    let mut form = Form::default();
    while let Some(mut field) = body.next_field().await.map_err(|e| failed(&e, None))? {
        let name = field.name().unwrap_or_default();
        let Some(part) = parts.iter().find(|p| p.name == name) else {
            return Err(ReadError::Unexpected {
                part: name.to_owned(),
            });
        };
        if form.count(part.name) >= part.at_most {
            return Err(ReadError::Repeated {
                part: part.name.to_owned(),
            });
        }
        if !part.text {
            if let Some(file_name) = field.file_name() {
                form.file_names.push((part.name, file_name.to_owned()));
            }
        }
        let content = content(&mut field, part).await?;
        if part.text && std::str::from_utf8(&content).is_err() {
            return Err(ReadError::NotText { part: part.name });
        }
        form.parts.push((part.name, content));
    }
    Ok(form)
}

/// The portals' variant of [`read`]: the first part must be the anti-CSRF token
/// ([`TOKEN_PART`]) and `valid` must accept it before anything else is read; it may not come
/// again.
pub async fn read_after_token(
    mut body: Multipart,
    valid: impl FnOnce(&str) -> bool,
    parts: &[Part],
) -> Result<Form, ReadError> {
    {
        let mut first = body
            .next_field()
            .await
            .map_err(|_| ReadError::Token)?
            .ok_or(ReadError::Token)?;
        if first.name() != Some(TOKEN_PART) {
            return Err(ReadError::Token);
        }
        let token = content(&mut first, &Part::text(TOKEN_PART, TOKEN_MAX_BYTES))
            .await
            .map_err(|_| ReadError::Token)?;
        if !valid(&String::from_utf8_lossy(&token)) {
            return Err(ReadError::Token);
        }
    }
    read(body, parts).await
}

/// The content of one part, refused as soon as it grows over the part's limit.
async fn content(field: &mut Field<'_>, part: &Part) -> Result<Vec<u8>, ReadError> {
    let mut out = Vec::new();
    while let Some(chunk) = field
        .chunk()
        .await
        .map_err(|e| failed(&e, Some(part.name)))?
    {
        if chunk.len() > part.max_bytes.saturating_sub(out.len()) {
            return Err(ReadError::TooLarge {
                part: Some(part.name.to_owned()),
            });
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

fn failed(e: &MultipartError, part: Option<&str>) -> ReadError {
    let part = part.map(str::to_owned);
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ReadError::TooLarge { part }
    } else {
        ReadError::Malformed { part }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::extract::{DefaultBodyLimit, FromRequest, Request};
    use axum::http::header;
    use axum::routing::post;
    use axum::Router;
    use tower::ServiceExt;

    const BOUNDARY: &str = "mds-test-boundary";

    fn body(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        for (name, content) in parts {
            let disposition = if *name == "file" {
                format!("form-data; name=\"{name}\"; filename=\"a.pdf\"")
            } else {
                format!("form-data; name=\"{name}\"")
            };
            out.extend_from_slice(
                format!("--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n\r\n").as_bytes(),
            );
            out.extend_from_slice(content);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
        out
    }

    async fn multipart(raw: Vec<u8>) -> Multipart {
        let req = Request::builder()
            .method("POST")
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(Body::from(raw))
            .unwrap_or_else(|e| panic!("request: {e}"));
        Multipart::from_request(req, &())
            .await
            .unwrap_or_else(|e| panic!("multipart: {e}"))
    }

    const DOCUMENT: &[Part] = &[
        Part::text("title", 64),
        Part::text("masked", 8),
        Part::file("file"),
    ];

    #[tokio::test]
    async fn declared_parts_are_read_in_order() {
        let raw = body(&[("title", b"Bilan"), ("file", b"%PDF-1.4"), ("masked", b"1")]);
        let mut form = read(multipart(raw).await, DOCUMENT).await.expect("read");
        assert_eq!(form.text("title"), "Bilan");
        assert!(form.has("masked"));
        assert_eq!(form.text("absent"), "");
        assert_eq!(form.take("file"), Some(b"%PDF-1.4".to_vec()));
        assert_eq!(form.take("file"), None);
    }

    #[tokio::test]
    async fn an_unknown_part_is_refused() {
        let raw = body(&[("title", b"Bilan"), ("comment", b"x")]);
        let e = read(multipart(raw).await, DOCUMENT).await.unwrap_err();
        assert_eq!(
            e,
            ReadError::Unexpected {
                part: "comment".to_owned()
            }
        );
    }

    #[tokio::test]
    async fn a_second_file_is_refused_not_kept() {
        let raw = body(&[("file", b"first"), ("file", b"second")]);
        let e = read(multipart(raw).await, DOCUMENT).await.unwrap_err();
        assert_eq!(
            e,
            ReadError::Repeated {
                part: "file".to_owned()
            }
        );
    }

    #[tokio::test]
    async fn ten_thousand_titles_are_refused_at_the_second() {
        let titles: Vec<(&str, &[u8])> = (0..10_000).map(|_| ("title", &b"t"[..])).collect();
        let e = read(multipart(body(&titles)).await, DOCUMENT)
            .await
            .unwrap_err();
        assert_eq!(
            e,
            ReadError::Repeated {
                part: "title".to_owned()
            }
        );
    }

    #[tokio::test]
    async fn a_repeated_part_is_read_up_to_its_count() {
        let parts = [Part::file("file").repeated(2)];
        let raw = body(&[("file", b"1"), ("file", b"2")]);
        let mut form = read(multipart(raw).await, &parts).await.expect("two");
        assert_eq!(form.take_all("file"), vec![b"1".to_vec(), b"2".to_vec()]);
        let raw = body(&[("file", b"1"), ("file", b"2"), ("file", b"3")]);
        let e = read(multipart(raw).await, &parts).await.unwrap_err();
        assert!(matches!(e, ReadError::Repeated { .. }), "{e:?}");
    }

    #[tokio::test]
    async fn a_text_part_that_is_not_utf8_is_refused_not_repaired() {
        let raw = body(&[("title", b"Bilan \xff\xfe"), ("file", b"\xff\xd8\xff")]);
        let e = read(multipart(raw).await, DOCUMENT).await.unwrap_err();
        assert_eq!(e, ReadError::NotText { part: "title" });
        // A file is bytes: the same content is accepted there.
        let raw = body(&[("title", "Bilan é".as_bytes()), ("file", b"\xff\xd8\xff")]);
        let form = read(multipart(raw).await, DOCUMENT).await.expect("read");
        assert_eq!(form.text("title"), "Bilan é");
    }

    #[tokio::test]
    async fn a_part_over_its_limit_is_refused() {
        let raw = body(&[("title", &[b'a'; 65][..])]);
        let e = read(multipart(raw).await, DOCUMENT).await.unwrap_err();
        assert_eq!(
            e,
            ReadError::TooLarge {
                part: Some("title".to_owned())
            }
        );
        let raw = body(&[("title", &[b'a'; 64][..])]);
        assert!(read(multipart(raw).await, DOCUMENT).await.is_ok());
    }

    #[tokio::test]
    async fn a_body_over_the_route_limit_is_too_large() {
        async fn handler(m: Multipart) -> String {
            format!("{:?}", read(m, DOCUMENT).await.err())
        }
        let app = Router::new()
            .route("/", post(handler))
            .layer(DefaultBodyLimit::max(1024));
        let raw = body(&[("file", &[b'x'; 4096][..])]);
        let req = Request::builder()
            .method("POST")
            .uri("/")
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(Body::from(raw))
            .unwrap_or_else(|e| panic!("request: {e}"));
        let res = app
            .oneshot(req)
            .await
            .unwrap_or_else(|never| match never {});
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap_or_default();
        let answer = String::from_utf8_lossy(&bytes);
        assert!(answer.contains("TooLarge"), "{answer}");
    }

    #[tokio::test]
    async fn a_broken_body_is_malformed() {
        let raw =
            b"--mds-test-boundary\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nno end"
                .to_vec();
        let e = read(multipart(raw).await, DOCUMENT).await.unwrap_err();
        assert!(matches!(e, ReadError::Malformed { .. }), "{e:?}");
    }

    #[tokio::test]
    async fn the_token_comes_first_and_is_checked() {
        let ok = |t: &str| t == "right";
        let raw = body(&[("csrf", b"right"), ("title", b"Bilan")]);
        let form = read_after_token(multipart(raw).await, ok, DOCUMENT)
            .await
            .expect("read");
        assert_eq!(form.text("title"), "Bilan");
        for parts in [
            vec![("csrf", &b"wrong"[..]), ("title", &b"Bilan"[..])],
            vec![("title", &b"Bilan"[..]), ("csrf", &b"right"[..])],
            vec![],
        ] {
            let e = read_after_token(multipart(body(&parts)).await, ok, DOCUMENT)
                .await
                .unwrap_err();
            assert_eq!(e, ReadError::Token, "{parts:?}");
        }
        let raw = body(&[("csrf", b"right"), ("csrf", b"right")]);
        let e = read_after_token(multipart(raw).await, ok, DOCUMENT)
            .await
            .unwrap_err();
        assert!(matches!(e, ReadError::Unexpected { .. }), "{e:?}");
    }
}
