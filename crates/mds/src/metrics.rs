//! The Prometheus endpoint: `GET /metrics` on its own listener (`metrics.listen`), off the
//! public port and off by default, behind a bearer token when `metrics.token_file` names one.
//! A scrape reads the outbox backlog and this process's memory, then writes the catalogue of
//! `mds_observe::metrics` in the text format.

use crate::config::MetricsConfig;
use crate::runtime::RunError;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use mds_app::App;
use mds_observe::metrics::{OUTBOX_EMAILS, RESIDENT_MEMORY};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::watch;

#[derive(Clone)]
struct Scrape {
    app: App,
    token: Option<Arc<str>>,
}

/// Starts the metrics listener when configured; its address. It stops with the service.
pub async fn start(
    config: &MetricsConfig,
    app: App,
    mut stop: watch::Receiver<bool>,
) -> Result<Option<SocketAddr>, RunError> {
    if config.listen.is_empty() {
        return Ok(None);
    }
    let token = if config.token_file.is_empty() {
        None
    } else {
        let text = std::fs::read_to_string(&config.token_file).map_err(|e| {
            RunError::Other(format!("metrics.token_file {}: {e}", config.token_file))
        })?;
        let text = text.trim();
        if text.len() < 16 {
            return Err(RunError::Other(format!(
                "metrics.token_file {}: the token must have at least 16 characters",
                config.token_file
            )));
        }
        Some(Arc::from(text))
    };
    let listener = tokio::net::TcpListener::bind(&config.listen)
        .await
        .map_err(|e| RunError::Other(format!("cannot listen on {}: {e}", config.listen)))?;
    let local = listener.local_addr()?;
    let router = Router::new()
        .route("/metrics", get(metrics))
        .with_state(Scrape { app, token });
    tokio::spawn(async move {
        let shutdown = async move {
            let _ = stop.wait_for(|s| *s).await;
        };
        if let Err(e) = axum::serve(listener, router)
            .with_graceful_shutdown(shutdown)
            .await
        {
            tracing::error!(error = %e, "the metrics listener stopped");
        }
    });
    tracing::info!(%local, "metrics listening");
    println!("Métriques Prometheus sur http://{local}/metrics");
    Ok(Some(local))
}

async fn metrics(
    axum::extract::State(s): axum::extract::State<Scrape>,
    headers: HeaderMap,
) -> Response {
    if let Some(token) = &s.token {
        let sent = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        if !same(sent.as_bytes(), token.as_bytes()) {
            return (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, "Bearer")],
                "a bearer token is required\n",
            )
                .into_response();
        }
    }
    match mds_store::outbox::counts(s.app.db()).await {
        Ok((pending, _, failed)) => {
            // Row counts are far below 2^53: exact as f64.
            OUTBOX_EMAILS.set(&["pending"], pending as f64);
            OUTBOX_EMAILS.set(&["failed"], failed as f64);
        }
        Err(e) => tracing::warn!(error = %e, "metrics: cannot count the outbox"),
    }
    if let Some(bytes) = resident_bytes() {
        RESIDENT_MEMORY.set(&[], bytes as f64);
    }
    (
        [(header::CONTENT_TYPE, mds_observe::exposition::CONTENT_TYPE)],
        mds_observe::exposition::render(),
    )
        .into_response()
}

/// Equal texts, compared in a time that does not depend on where they differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `VmRSS` of `/proc/self/status`, in bytes.
fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}
