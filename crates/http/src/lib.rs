//! What every HTTP surface of the service shares (the REST API, the portals, later FHIR),
//! below them all: reading `multipart/form-data` bodies and the headers of a structure
//! software's call, and the logging and security-header layers of the data surfaces. It knows HTTP only — no use case, no
//! store, no audit — and answers with its own error, which each surface turns into its own
//! answer (a JSON problem, a page).

pub mod answer;
pub mod body_idle;
pub mod body_limit;
pub mod edge;
pub mod layers;
pub mod multipart;
pub mod route;
pub mod software;
pub mod surfaces;

pub use body_limit::BodyLimit;
pub use multipart::{read, read_after_token, Form, Part, ReadError, TOKEN_PART};
pub use software::{
    bearer, peer_certificate, PeerCertificate, SoftwareCredential, SoftwareHeaders,
};
