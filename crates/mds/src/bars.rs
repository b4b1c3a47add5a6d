//! Progress bars of the long operator commands (backup, restore, vault check, key rotation,
//! orphan sweep), on standard error; indicatif draws them only on a terminal, so scripts and
//! logs get the commands' results alone.

use indicatif::{ProgressBar, ProgressStyle};
use std::sync::Mutex;

/// A bar of `len` items named `what`.
pub(crate) fn bar(len: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    if let Ok(style) =
        ProgressStyle::with_template("{msg:24} [{bar:40}] {pos}/{len} ({eta} restant)")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(what.to_owned());
    bar
}

/// The application's operator tasks drawn as bars, one step at a time.
#[derive(Default)]
pub(crate) struct Bars {
    current: Mutex<Option<ProgressBar>>,
}

impl Bars {
    fn slot(&self) -> std::sync::MutexGuard<'_, Option<ProgressBar>> {
        self.current
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl mds_app::progress::Progress for Bars {
    fn begin(&self, step: &str, total: Option<u64>) {
        let b = match total {
            Some(n) => bar(n, step),
            None => {
                let s = ProgressBar::new_spinner();
                s.set_message(step.to_owned());
                s
            }
        };
        if let Some(old) = self.slot().replace(b) {
            old.finish_and_clear();
        }
    }

    fn advance(&self) {
        if let Some(b) = &*self.slot() {
            b.inc(1);
        }
    }

    fn end(&self) {
        if let Some(b) = self.slot().take() {
            b.finish_and_clear();
        }
    }
}
