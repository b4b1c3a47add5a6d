//! The shell every page of the portals stands on: the state given to handlers, the page
//! layout, the static files, languages and texts, sessions and cookies, the anti-CSRF check
//! of posted forms, error pages and security headers. It knows no portal and no page:
//! nothing here uses `shared`, a portal or a page, so that they can all use it.

pub mod assets;
pub mod catalogue;
pub mod cookies;
pub mod csrf;
pub mod error;
pub mod error_pages;
pub mod headers;
pub mod i18n;
pub mod ids;
pub mod layout;
pub mod refused;
pub mod session;
pub mod url;

use mds_app::App;

/// Largest urlencoded form body accepted, and largest text field of an upload form (document
/// uploads have their own limit, from the settings).
pub const FORM_BODY_LIMIT: usize = 64 * 1024;

/// Options of the portals that depend on how the service is deployed.
#[derive(Clone, Copy, Debug, Default)]
pub struct WebOptions {
    /// Served over TLS (directly or behind a proxy): `__Host-` + `Secure` cookies.
    pub secure_cookies: bool,
}

/// What every handler receives.
#[derive(Clone)]
pub struct Web {
    pub app: App,
    pub options: WebOptions,
}

/// The current instant, read once per request at the edge.
pub fn now() -> mds_domain::Timestamp {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    mds_domain::Timestamp::from_millis(ms)
}
