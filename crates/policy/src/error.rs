//! The one error type of the policy crate: a matrix file that is malformed or that would break
//! a safety property. A refusal is never an error (it is a `Decision::Deny`).

/// A matrix or habilitation file that cannot be loaded. `file` names which one; `line` is 1-based.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("{file}: the file is empty")]
    Empty { file: &'static str },
    #[error("{file} line {line}: expected the header `{expected}`")]
    BadHeader {
        file: &'static str,
        line: usize,
        expected: &'static str,
    },
    #[error("{file} line {line}: expected {expected} fields, found {found}")]
    FieldCount {
        file: &'static str,
        line: usize,
        expected: usize,
        found: usize,
    },
    #[error("{file} line {line}: unknown action `{value}`")]
    UnknownAction {
        file: &'static str,
        line: usize,
        value: String,
    },
    #[error("{file} line {line}: unknown access mode column `{value}`")]
    UnknownColumn {
        file: &'static str,
        line: usize,
        value: String,
    },
    #[error("{file} line {line}: column `{value}` appears twice")]
    DuplicateColumn {
        file: &'static str,
        line: usize,
        value: String,
    },
    #[error("{file} line {line}: unknown matrix value `{value}`")]
    UnknownValue {
        file: &'static str,
        line: usize,
        value: String,
    },
    #[error("{file} line {line}: action `{value}` appears twice")]
    DuplicateAction {
        file: &'static str,
        line: usize,
        value: String,
    },
    #[error("{file}: no row for action `{action}`")]
    MissingAction {
        file: &'static str,
        action: &'static str,
    },
    #[error("{file} line {line}: unknown profession `{value}`")]
    UnknownProfession {
        file: &'static str,
        line: usize,
        value: String,
    },
    #[error("{file} line {line}: unknown document type `{value}`")]
    UnknownDocumentType {
        file: &'static str,
        line: usize,
        value: String,
    },
    #[error("{file}: no `# version: …` line")]
    MissingVersion { file: &'static str },
    #[error("{file}: version `{value}` must be 1 to 64 letters, digits, `.`, `-` or `_`")]
    BadVersion { file: &'static str, value: String },
    /// Each broken property, in words (`safety::check` gives them as values).
    #[error("the candidate policy breaks {} safety propert{}: {}", .violations.len(), if .violations.len() == 1 { "y" } else { "ies" }, .violations.join("; "))]
    Unsafe { violations: Vec<String> },
}
