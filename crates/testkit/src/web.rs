//! The portals over a real application with the demo data, called in-process. A `Browser`
//! keeps its cookies like a browser does and never follows redirects by itself. Every HTML
//! answer is checked for the security headers and for the absence of inline script or style.

pub use crate::app::*;
use crate::http::{build_request, multipart_body, oneshot};
use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use mds_app::App;
use std::collections::BTreeMap;
use tempfile::TempDir;

/// The portals' policy, exactly.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The portals over a demo application.
pub struct Site {
    pub app: App,
    router: Router,
    pub dir: TempDir,
}

impl Site {
    pub async fn demo(backend: TestBackend) -> Self {
        Self::demo_with(backend, mds_web::WebOptions::default()).await
    }

    pub async fn demo_with(backend: TestBackend, options: mds_web::WebOptions) -> Self {
        let Fixture { app, dir, .. } = Fixture::empty(backend).await.with_demo(now()).await;
        let router = mds_web::router(app.clone(), options, Router::new());
        Self { app, router, dir }
    }

    pub fn browser(&self) -> Browser<'_> {
        Browser {
            site: self,
            cookies: BTreeMap::new(),
        }
    }
}

/// An answer, read whole.
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    /// The value of the hidden `csrf` field of the page's first posted form.
    pub fn csrf(&self) -> String {
        let after = self
            .body
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .unwrap_or_else(|| panic!("no csrf field in {}", self.body));
        after.split('"').next().unwrap_or_default().to_owned()
    }

    pub fn expect(self, status: StatusCode, what: &str) -> Self {
        assert_eq!(self.status, status, "{what}: {}", self.body);
        self
    }

    /// A redirect (303) to `to`.
    pub fn redirects_to(self, to: &str, what: &str) -> Self {
        assert_eq!(self.status, StatusCode::SEE_OTHER, "{what}: {}", self.body);
        assert_eq!(self.location(), to, "{what}");
        self
    }
}

/// What every HTML page must satisfy: the strict policy and companions, and nothing inline.
pub fn assert_safe_html(p: &Page, what: &str) {
    let h = |name: &str| {
        p.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    // A viewer page framing a PDF (and only such a page) may frame this site's content.
    let csp = if p.body.contains("<iframe") {
        format!("{CSP}; frame-src 'self'")
    } else {
        CSP.to_owned()
    };
    assert_eq!(h("content-security-policy"), csp, "{what}");
    assert_eq!(h("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(h("referrer-policy"), "no-referrer", "{what}");
    assert!(h("permissions-policy").contains("camera=()"), "{what}");
    assert_eq!(h("x-frame-options"), "DENY", "{what}");
    assert_eq!(h("cache-control"), "no-store", "{what}");
    assert!(h("content-type").starts_with("text/html"), "{what}");
    let lower = p.body.to_lowercase();
    assert!(!lower.contains("<style"), "{what}: style element");
    // Inside tags only: escaped user text holds no `<`, so it is never looked at here.
    for tag in lower
        .split('<')
        .skip(1)
        .map(|t| t.split('>').next().unwrap_or_default())
    {
        assert!(!tag.contains(" style="), "{what}: inline style in <{tag}>");
        assert!(
            !tag.contains("javascript:"),
            "{what}: javascript: URL in <{tag}>"
        );
        let handler = tag
            .split_whitespace()
            .any(|a| a.starts_with("on") && a.contains('='));
        assert!(!handler, "{what}: event handler in <{tag}>");
        if tag.starts_with("script") {
            assert!(tag.contains(" src="), "{what}: inline script");
        }
    }
    assert!(lower.starts_with("<!doctype html><html lang="), "{what}");
}

pub struct Browser<'a> {
    site: &'a Site,
    pub cookies: BTreeMap<String, String>,
}

impl Browser<'_> {
    pub async fn send(&mut self, mut req: Request<Body>) -> Page {
        let what = format!("{} {}", req.method(), req.uri());
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            let v = jar
                .join("; ")
                .parse()
                .unwrap_or_else(|e| panic!("cookie header: {e}"));
            req.headers_mut().insert(header::COOKIE, v);
        }
        let (status, headers, body) = oneshot(&self.site.router, req).await;
        for c in headers.get_all(header::SET_COOKIE) {
            let c = c.to_str().unwrap_or_default();
            let Some((name, rest)) = c.split_once('=') else {
                continue;
            };
            let value = rest.split(';').next().unwrap_or_default();
            if value.is_empty() || c.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let page = Page {
            status,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        };
        assert!(!status.is_server_error(), "{what}: {status}: {}", page.body);
        if page
            .headers
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"text/html"))
        {
            assert_safe_html(&page, &what);
        }
        page
    }

    pub async fn get(&mut self, path: &str) -> Page {
        self.send(build_request(Method::GET, path, &[], None)).await
    }

    /// A urlencoded form.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let body: Vec<String> = fields
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect();
        let form = (
            "application/x-www-form-urlencoded".to_owned(),
            body.join("&").into_bytes(),
        );
        self.send(build_request(Method::POST, path, &[], Some(form)))
            .await
    }

    /// A multipart form (a `Multipart` body, finished).
    pub async fn post_form(&mut self, path: &str, form: Vec<u8>) -> Page {
        let req = build_request(Method::POST, path, &[], Some(multipart_body(form)));
        self.send(req).await
    }

    /// A multipart form, fields in order; `file` is (field name, file name, content).
    pub async fn post_multipart(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file: (&str, &str, &[u8]),
    ) -> Page {
        let (name, filename, content) = file;
        let form = fields
            .iter()
            .fold(Multipart::new(), |form, (k, v)| form.text(k, v))
            .file(name, filename, content)
            .finish();
        self.post_form(path, form).await
    }

    /// The first step of signing in through the login form: login and password. Answers
    /// the redirect to the code form (or the form again, with its error).
    pub async fn password_step(&mut self, login: &str, password: &str, next: &str) -> Page {
        let form = self
            .get(&format!("/login?next={}", enc(next)))
            .await
            .expect(StatusCode::OK, "login form");
        let csrf = form.csrf();
        self.post(
            "/login",
            &[
                ("csrf", &csrf),
                ("login", login),
                ("password", password),
                ("next", next),
            ],
        )
        .await
    }

    /// The second step: the code form (the pending sign-in must be alive), then the code.
    pub async fn code_step(&mut self, code: &str, next: &str) -> Page {
        let form = self
            .get(&format!("/login/code?next={}", enc(next)))
            .await
            .expect(StatusCode::OK, "code form");
        let csrf = form.csrf();
        self.post(
            "/login/code",
            &[("csrf", &csrf), ("totp_code", code), ("next", next)],
        )
        .await
    }

    /// Signs a demo account in through both steps; returns the page it lands on.
    pub async fn login(&mut self, login: &str, next: &str) -> Page {
        let to_code = self
            .password_step(login, mds_demo::DEMO_PASSWORD, next)
            .await;
        assert_eq!(
            to_code.status,
            StatusCode::SEE_OTHER,
            "{login}: {}",
            to_code.body
        );
        assert!(
            to_code.location().starts_with("/login/code"),
            "{login}: {}",
            to_code.location()
        );
        self.code_step(&code_now(login), next).await
    }

    /// Signs in and returns the anti-CSRF token of the new session (from its home page).
    pub async fn signed_in(&mut self, login: &str) -> String {
        let landed = self.login(login, "").await;
        assert_eq!(
            landed.status,
            StatusCode::SEE_OTHER,
            "{login}: {}",
            landed.body
        );
        let home = landed.location().to_owned();
        self.get(&home).await.expect(StatusCode::OK, &home).csrf()
    }
}

/// The text between `start` and the next `end` in `body`.
pub fn between(body: &str, start: &str, end: &str) -> String {
    let from = body
        .find(start)
        .unwrap_or_else(|| panic!("{start} not in {body}"))
        + start.len();
    let to = from
        + body[from..]
            .find(end)
            .unwrap_or_else(|| panic!("{end} not after {start} in {body}"));
    body[from..to].to_owned()
}

/// Percent-encodes `text` for a URL or a urlencoded form.
pub fn enc(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
