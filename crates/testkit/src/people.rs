//! The demo data's people and records as the tests name them (`mds_demo::load` loads them; its
//! password is `mds_demo::DEMO_PASSWORD`).

pub const SUPPORT: &str = "support@demo.mds.nc";
/// Dr Néa: Marie Wéa's care team, with an assistant.
pub const DOCTOR: &str = "dr.nea@demo.mds.nc";
/// SAMU regulator, in no care team.
pub const REGULATOR: &str = "dr.wamytan@demo.mds.nc";
/// Dr Néa's assistant: adds, never reads.
pub const ASSISTANT: &str = "sec.tiaou@demo.mds.nc";
pub const NURSE: &str = "inf.kaloi@demo.mds.nc";
pub const PHARMACIST: &str = "ph.leroux@demo.mds.nc";
pub const PSYCHOLOGIST: &str = "psy.hnawia@demo.mds.nc";
pub const MIDWIFE: &str = "sf.gope@demo.mds.nc";
pub const BIOLOGIST: &str = "bio.tein@demo.mds.nc";
/// Marie Wéa: active, Dr Néa's patient.
pub const PATIENT: &str = "marie.wea@demo.mds.nc";
/// Céline: active.
pub const OTHER_PATIENT: &str = "celine.dk@demo.mds.nc";
pub const MARIE_CAFAT: &str = "1234567";
pub const CELINE_CAFAT: &str = "2345678";
/// Joseph: an inactive account.
pub const JOSEPH_CAFAT: &str = "7654321";
/// The professional portal's contextual entry to Marie Wéa's record.
pub const MARIE_CONTEXT: &str = "/pro/patient?cafat=1234567&birth_date=1985-03-14";
