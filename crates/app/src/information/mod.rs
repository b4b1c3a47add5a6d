//! What people are told and shown of what happened: the activity history of a record and a
//! professional's access log (audit events in plain French), notifications in the portal and
//! by e-mail written with the action that causes them, and the delivery of the e-mail outbox.
//! It reads the audit and writes messages; it decides no access and changes no record.

pub mod digest;
pub mod history;
pub mod notifications;
pub mod outbox;
