//! File uploads of the portals (multipart forms): the session's anti-CSRF token is the first
//! field and is checked before anything else is read.

use crate::shell::error::WebError;
use crate::shell::session::Session;

/// A multipart form (a file upload) whose first field is the session's anti-CSRF token,
/// checked before anything else is read: its text fields in order, and the bytes of its one
/// file field (empty when none was sent).
pub struct Upload {
    pub fields: Vec<(String, String)>,
    pub file: Vec<u8>,
}

/// Reads an [`Upload`]; `file_field` names the field that carries the file.
pub async fn read_upload(
    s: &Session,
    mp: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
    file_field: &str,
) -> Result<Upload, WebError> {
    let bad = |_| WebError::BadRequest;
    let mut mp = mp.map_err(|_| WebError::Csrf)?;
    let first = mp
        .next_field()
        .await
        .map_err(|_| WebError::Csrf)?
        .ok_or(WebError::Csrf)?;
    if first.name() != Some("csrf") {
        return Err(WebError::Csrf);
    }
    s.check_csrf(&first.text().await.map_err(|_| WebError::Csrf)?)?;
    let mut up = Upload {
        fields: Vec::new(),
        file: Vec::new(),
    };
    while let Some(field) = mp.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == file_field {
            up.file = field.bytes().await.map_err(bad)?.to_vec();
        } else {
            up.fields.push((name, field.text().await.map_err(bad)?));
        }
    }
    Ok(up)
}
