//! `multipart/form-data` bodies, as browsers and structure software send them.

const BOUNDARY: &str = "mds-test-boundary-7d1f";

/// A multipart body under construction, parts in the order they are added.
#[derive(Debug, Default)]
pub struct Multipart {
    body: Vec<u8>,
}

impl Multipart {
    pub fn new() -> Self {
        Self::default()
    }

    /// The `Content-Type` header of every body built here.
    pub fn content_type() -> String {
        format!("multipart/form-data; boundary={BOUNDARY}")
    }

    /// A plain field.
    pub fn text(mut self, name: &str, value: &str) -> Self {
        self.body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n")
                .as_bytes(),
        );
        self.body.extend_from_slice(value.as_bytes());
        self.body.extend_from_slice(b"\r\n");
        self
    }

    /// A plain field whose content is raw bytes (not necessarily UTF-8).
    pub fn text_bytes(mut self, name: &str, value: &[u8]) -> Self {
        self.body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n")
                .as_bytes(),
        );
        self.body.extend_from_slice(value);
        self.body.extend_from_slice(b"\r\n");
        self
    }

    /// A file field (sent as `application/octet-stream`: the service looks at the content).
    pub fn file(mut self, name: &str, filename: &str, content: &[u8]) -> Self {
        self.body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; \
                 filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        self.body.extend_from_slice(content);
        self.body.extend_from_slice(b"\r\n");
        self
    }

    /// The body, closed.
    pub fn finish(mut self) -> Vec<u8> {
        self.body
            .extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
        self.body
    }
}

/// The form of `POST /api/v1/records/{id}/documents`: a consultation report (LOINC 11488-4)
/// of 2026-11-20 whose author confirms the patient was informed, and its file.
pub fn document_form(title: &str, filename: &str, content: &[u8]) -> Vec<u8> {
    Multipart::new()
        .text("type_code", "11488-4")
        .text("title", title)
        .text("act_date", "2026-11-20")
        .text("confirms_patient_informed", "true")
        .file("file", filename, content)
        .finish()
}
