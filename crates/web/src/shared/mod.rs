//! What several portals show or read the same way: form pieces, uploads, the document viewer,
//! dates, tables and details of documents. Built on the shell only; it knows no portal (a
//! portal passes in what differs, such as the addresses of its pages).

pub mod birth_place;
pub mod form;
pub mod listing;
pub mod profile;
pub mod profile_chart;
pub mod profile_form;
pub mod upload;
pub mod viewer;
pub mod views;
