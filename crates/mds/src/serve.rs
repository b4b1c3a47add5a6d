//! `mds serve`: the HTTP service with graceful shutdown, optional built-in TLS, and the job
//! runner (notification outbox, timers, access expiry, retention, housekeeping, supervision).

use crate::config::Config;
use crate::runtime::{self, RunError};
use mds_app::App;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::sync::watch;

/// This process's name in the job leases shared by the instances of one database: the host,
/// the process id and a random part (a restarted process is a new holder).
fn instance_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .unwrap_or_default();
    let host = if host.is_empty() {
        "mds".to_owned()
    } else {
        host
    };
    let random = mds_store::new_id();
    format!(
        "{host}:{}:{}",
        std::process::id(),
        &random[..8.min(random.len())]
    )
}

/// How long requests in flight may take to finish after a shutdown signal.
const DRAIN: Duration = Duration::from_secs(30);

pub async fn serve(config: Config, app: App) -> Result<(), RunError> {
    raise_open_files_limit();
    let tls = !config.tls.cert_file.is_empty();
    let addr: SocketAddr = config
        .listen
        .parse()
        .map_err(|_| RunError::Other(format!("listen = {:?} is not an address", config.listen)))?;
    let listener = std::net::TcpListener::bind(addr)
        .map_err(|e| RunError::Other(format!("cannot listen on {addr}: {e}")))?;
    listener.set_nonblocking(true)?;
    let local = listener.local_addr()?;
    // Second-factor seeds written before they were sealed are sealed now (once).
    let sealed = app.seal_totp_secrets().await?;
    if sealed > 0 {
        tracing::info!(sealed, "second-factor seeds sealed with the master key");
    }
    // The policy files decisions will be stamped with, kept for `mds policy simulate`.
    app.record_policy_in_force(crate::runtime::now()).await?;
    // Links sent by e-mail (a password reset) point at `public_url`, or at this address.
    let scheme = if tls { "https" } else { "http" };
    let app = match config.public_url.trim() {
        "" => app.with_public_url(&format!("{scheme}://{local}")),
        url => app.with_public_url(url),
    };
    let secure_cookies = tls || config.public_url_is_https();
    let rest = mds_api::router_with(app.clone(), mds_api::ApiOptions { secure_cookies });
    // The portals answer their own paths; everything else goes to the REST API.
    let portals = mds_web::router(
        app.clone(),
        mds_web::WebOptions { secure_cookies },
        rest.clone(),
    );
    // `/fhir` and below is the FHIR surface, except the token endpoint of structure software
    // (`/fhir/auth/token`, OAuth errors), which has no fallback and so merges beside it (its
    // static path wins over FHIR's `/fhir/{*rest}`); any other path goes to the portals.
    let fhir_options = mds_fhir::FhirOptions {
        public_url: config.public_url.clone(),
        tls,
    };
    let token = mds_api::structure_auth::router(app.clone(), Some(&config.public_url));
    let others = mds_fhir::router(app.clone(), fhir_options)
        .merge(token)
        .fallback_service(portals);
    // A REST path goes straight to the REST router, past the other surfaces' routers and
    // layers (which would hand it on to the same router).
    let router =
        axum::Router::new().fallback_service(mds_http::surfaces::BySurface { rest, others });
    let body_idle = Duration::from_secs(config.connections.body_idle_timeout_seconds.max(1));
    // One stack (ARCHITECTURE.md, http: one box per route), outermost first: the request id and
    // the metrics of every request of every surface, HSTS when served over https, then the
    // body's idle timeout.
    let strict_transport =
        secure_cookies.then(|| axum::middleware::from_fn(mds_http::layers::strict_transport));
    let router = router.layer(
        tower::ServiceBuilder::new()
            .layer(axum::middleware::from_fn(mds_http::edge::edge))
            .option_layer(strict_transport)
            .layer(axum::middleware::from_fn_with_state(
                body_idle,
                mds_http::body_idle::body_idle_timeout,
            )),
    );
    let (stop_tx, stop_rx) = watch::channel(false);
    let jobs = mds_app::jobs::product_jobs(
        config.smtp.clone(),
        std::env::var(crate::config::SMTP_PASSWORD_ENV).ok(),
    );
    let tick = Duration::from_secs(config.jobs.tick_seconds);
    let runner = tokio::spawn(mds_app::jobs::run_loop(
        app.clone(),
        jobs,
        tick,
        runtime::now,
        instance_name(),
        stop_rx.clone(),
    ));
    crate::metrics::start(&config.metrics, app.clone(), stop_rx.clone()).await?;
    let handle = axum_server::Handle::new();
    let h = handle.clone();
    tokio::spawn(async move {
        shutdown_signal().await;
        let _ = stop_tx.send(true);
        h.graceful_shutdown(Some(DRAIN));
    });
    let per_address = crate::connections::PerAddress::new(
        axum_server::accept::DefaultAcceptor,
        config.connections.max_per_address,
    );
    let header_read = Duration::from_secs(config.connections.header_read_timeout_seconds.max(1));
    let service = router.into_make_service_with_connect_info::<SocketAddr>();
    if tls {
        let tls_config = crate::tls::server_config(&config.tls).map_err(RunError::Other)?;
        announce(&format!("https://{local}"));
        let acceptor = crate::tls::WithPeerCertificate::new(
            axum_server::tls_rustls::RustlsAcceptor::new(tls_config).acceptor(per_address),
        );
        let mut server = axum_server::from_tcp(listener)
            .acceptor(acceptor)
            .handle(handle);
        limit_slow_clients(server.http_builder(), header_read);
        server.serve(service).await?;
    } else {
        announce(&format!("http://{local}"));
        let mut server = axum_server::from_tcp(listener)
            .acceptor(per_address)
            .handle(handle);
        limit_slow_clients(server.http_builder(), header_read);
        server.serve(service).await?;
    }
    let _ = runner.await;
    app.db().close().await;
    tracing::info!("stopped cleanly");
    Ok(())
}

/// A request's headers must arrive within `header_read` (idle keep-alive connections too),
/// or hyper closes the connection; the timer is what makes hyper enforce it.
fn limit_slow_clients(
    builder: &mut hyper_util::server::conn::auto::Builder<hyper_util::rt::TokioExecutor>,
    header_read: Duration,
) {
    builder
        .http1()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(header_read);
}

fn announce(url: &str) {
    tracing::info!(%url, "listening");
    println!("Mon Drive Santé écoute sur {url}  (portails : {url}/, santé : {url}/healthz, API : {url}/api/v1/openapi.json, FHIR : {url}/fhir/metadata)");
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
    tracing::info!("shutdown requested: finishing requests in flight");
}

/// Raises the soft limit of open files to the hard limit: each connection is a descriptor,
/// and the usual service default (1,024) lets a few hundred idle clients starve the others
/// (issue 14). The hard limit is the operator's to set (systemd `LimitNOFILE=`).
fn raise_open_files_limit() {
    use nix::sys::resource::{getrlimit, setrlimit, Resource};
    match getrlimit(Resource::RLIMIT_NOFILE) {
        Ok((soft, hard)) if soft < hard => match setrlimit(Resource::RLIMIT_NOFILE, hard, hard) {
            Ok(()) => tracing::info!(from = soft, to = hard, "open files limit raised"),
            Err(e) => tracing::warn!(error = %e, soft, hard, "cannot raise the open files limit"),
        },
        Ok((soft, _)) => tracing::info!(limit = soft, "open files limit"),
        Err(e) => tracing::warn!(error = %e, "cannot read the open files limit"),
    }
}
