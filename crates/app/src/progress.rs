//! How a long operator task tells its advance (the integrity check, key rotation, the orphan
//! sweep): it names its step and its total when known, then advances one item at a time. The
//! binary draws a bar on standard error; the service and the tests report nowhere
//! ([`App::with_progress`](crate::App::with_progress) chooses).

/// A receiver of a task's advance.
pub trait Progress: Send + Sync {
    /// A step starts, with its number of items when known.
    fn begin(&self, step: &str, total: Option<u64>);
    /// One more item of the current step is done.
    fn advance(&self);
    /// The current step is over.
    fn end(&self);
}

/// Reports nowhere (the default).
pub(crate) struct Silent;

impl Progress for Silent {
    fn begin(&self, _step: &str, _total: Option<u64>) {}
    fn advance(&self) {}
    fn end(&self) {}
}
