//! A request body that stops arriving ends its request with 408 (issue 14): a client that
//! announces a body and then sends nothing (or a byte now and then) must not hold a handler,
//! a connection and a descriptor for ever. Each wait for the next piece of the body is
//! bounded by `idle`; when it passes, the body ends in an error (the extractor gives up, as
//! for any broken body) and the answer, whatever the handler made of that error, is replaced
//! by 408 Request Timeout with the connection closed. Nothing is stored: handlers read the
//! whole body before they write anything.

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use http_body::{Frame, SizeHint};
use std::future::Future as _;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::time::Sleep;

/// Wraps every request body of the service (`axum::middleware::from_fn_with_state(idle,
/// body_idle_timeout)` around the whole router).
pub async fn body_idle_timeout(
    axum::extract::State(idle): axum::extract::State<Duration>,
    req: Request,
    next: Next,
) -> Response {
    let timed_out = Arc::new(AtomicBool::new(false));
    let (parts, body) = req.into_parts();
    let body = Body::new(IdleBody {
        inner: body,
        idle,
        sleep: None,
        timed_out: timed_out.clone(),
    });
    let response = next.run(Request::from_parts(parts, body)).await;
    if !timed_out.load(Ordering::Relaxed) {
        return response;
    }
    let body = "{\"error\":{\"code\":\"request_timeout\",\"message\":\"Le corps de la requête n'arrive plus : rien n'a été enregistré. Renvoyez-la.\"}}";
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = StatusCode::REQUEST_TIMEOUT;
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    h.insert(header::CONNECTION, HeaderValue::from_static("close"));
    r
}

struct IdleBody {
    inner: Body,
    idle: Duration,
    /// The running wait for the next frame, if one is pending.
    sleep: Option<Pin<Box<Sleep>>>,
    timed_out: Arc<AtomicBool>,
}

/// The error a timed-out body ends with.
#[derive(Debug, thiserror::Error)]
#[error("the request body stopped arriving")]
struct BodyIdle;

impl http_body::Body for IdleBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = self.get_mut();
        if let Poll::Ready(frame) = Pin::new(&mut this.inner).poll_frame(cx) {
            this.sleep = None;
            return Poll::Ready(frame);
        }
        let idle = this.idle;
        let sleep = this
            .sleep
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(idle)));
        match sleep.as_mut().poll(cx) {
            Poll::Ready(()) => {
                this.timed_out.store(true, Ordering::Relaxed);
                Poll::Ready(Some(Err(axum::Error::new(BodyIdle))))
            }
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
