//! Accounts and how their owners prove who they are: sign-in (at once for the API, in two
//! steps for the portals) and server-side sessions, the throttling of sign-in attempts, TOTP and passkey second factors, the password rule,
//! and enrolment with a one-time token. Structure software (credentials, keys, tokens) is
//! `crate::structure_access`. Nothing here reads a record.

pub mod acting_structure;
pub mod enrolment;
pub mod passkeys;
pub mod password;
pub mod password_change;
pub mod recovery;
pub mod sign_in;
pub(crate) mod throttle;
pub mod totp;
mod totp_seal;
pub mod two_step;
