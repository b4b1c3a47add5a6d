//! What support and operators do to run the service, outside any one record's use cases: the
//! directory (structures, professionals, assistants, support agents, suspension, corrections:
//! `directory_edit`), supervision
//! alerts, reading, verifying and extracting the audit trail for an authority, the vault's
//! integrity check, master key rotation and retirement, the orphan sweep and housekeeping,
//! re-sealing content written in an older format (`vault_reseal`), the simulation of a candidate
//! access policy over the real audit (`policy_simulation`), and the seeding of data
//! (`seed`) that the demo and the benchmarks drive.

pub mod audit;
pub mod audit_checkpoints;
pub mod audit_extract;
pub mod directory;
pub mod directory_edit;
pub mod housekeeping;
pub mod policy_simulation;
pub mod seed;
pub mod session_idle;
pub mod supervision;
pub mod vault;
pub mod vault_reseal;
