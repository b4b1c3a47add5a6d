//! What the process tells its operators: the metrics registry, rendered in the Prometheus
//! text format (`metrics`, `exposition`), and the id of the request being served
//! (`request`), which the HTTP edge sets, the log carries and the audit writes into each
//! event of that request. Below every other crate: it knows no HTTP, store, audit, vault or
//! rule, only names, labels and numbers.

pub mod exposition;
pub mod metrics;
pub mod request;

pub use metrics::{Counter, Gauge, Histogram};
