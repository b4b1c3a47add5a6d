//! `object_store`'s errors as the vault's: a missing object is `NotFound` only when the
//! server said `NoSuchKey` (a missing bucket is a deployment fault), a refused connection or a
//! timeout after the retries is `S3Unreachable`, an answer the server refused is `S3Status`
//! with its code, so the service answers "storage unavailable" exactly when it is.

use super::S3Store;
use crate::VaultError;

impl S3Store {
    /// `e`, met during `op` on the object `key` (when there is one).
    pub(super) fn error(
        &self,
        op: &'static str,
        key: Option<&str>,
        e: &object_store::Error,
    ) -> VaultError {
        let text = chain(e);
        let code = xml_field(&text, "Code");
        let status = |n: u16, default: &str| VaultError::S3Status {
            endpoint: self.endpoint.clone(),
            op,
            status: n,
            code: code.clone().unwrap_or_else(|| default.to_owned()),
            message: xml_field(&text, "Message")
                .unwrap_or_else(|| format!("{} (bucket {})", excerpt(&text), self.cfg.bucket)),
        };
        match e {
            object_store::Error::NotFound { .. } => match (code.as_deref(), key) {
                (Some("NoSuchBucket"), _) | (_, None) => status(404, "NotFound"),
                (_, Some(key)) => VaultError::NotFound {
                    object_key: key.to_owned(),
                },
            },
            object_store::Error::PermissionDenied { .. } => status(403, "AccessDenied"),
            object_store::Error::Unauthenticated { .. } => status(401, "Unauthenticated"),
            _ => match answered_status(&text) {
                Some(n) => status(n, "Error"),
                None => VaultError::S3Unreachable {
                    endpoint: self.endpoint.clone(),
                    detail: text,
                },
            },
        }
    }
}

/// The HTTP status of an answer the server gave, when the error carries one.
fn answered_status(text: &str) -> Option<u16> {
    let rest = text.split("status code: ").nth(1)?;
    rest.get(..3)?.parse().ok()
}

/// The text of the first `<name>…</name>` of an S3 error document.
pub(super) fn xml_field(text: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let start = text.find(&open)? + open.len();
    let end = text[start..].find(&format!("</{name}>"))? + start;
    Some(text[start..end].trim().to_owned())
}

fn excerpt(text: &str) -> String {
    text.chars().take(300).collect()
}

/// An error with its causes ("error sending request: … Connection refused"), which operators
/// need to see.
pub(super) fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let msg = cause.to_string();
        if !text.contains(&msg) {
            text.push_str(": ");
            text.push_str(&msg);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_and_statuses_are_read_from_the_error_text() {
        let text = "Server returned non-2xx status code: 404 Not Found: <?xml version=\"1.0\"?>\
                    <Error><Code>NoSuchBucket</Code><Message>The bucket does not exist</Message></Error>";
        assert_eq!(xml_field(text, "Code").as_deref(), Some("NoSuchBucket"));
        assert_eq!(
            xml_field(text, "Message").as_deref(),
            Some("The bucket does not exist")
        );
        assert_eq!(answered_status(text), Some(404));
        assert_eq!(
            answered_status("error sending request: Connection refused"),
            None
        );
        assert_eq!(xml_field("<Code>x", "Code"), None);
    }
}
