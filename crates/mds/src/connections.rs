//! What one client may hold of the server (issue 14). Each connection is a file descriptor and
//! a task: a client that opens hundreds and sends a header byte now and then could hold them
//! all. So: a request's headers must arrive within `header_read_timeout_seconds` (hyper's
//! timer closes the connection otherwise, idle keep-alive included), and one client address
//! holds at most `max_per_address` connections — beyond it a new connection is closed at once,
//! before TLS or HTTP. The count is taken when a connection is accepted and given back when it
//! closes, however it closes ([`Slot`]'s drop). Plain HTTP and built-in TLS share both.

use axum_server::accept::Accept;
use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

/// Counts connections per client address and refuses those beyond `max`.
#[derive(Clone, Debug)]
pub struct PerAddress<A> {
    inner: A,
    max: usize,
    open: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

impl<A> PerAddress<A> {
    pub fn new(inner: A, max: usize) -> Self {
        Self {
            inner,
            max: max.max(1),
            open: Arc::default(),
        }
    }
}

impl<A, S> Accept<TcpStream, S> for PerAddress<A>
where
    A: Accept<TcpStream, S> + Clone + Send + 'static,
    A::Future: Send,
    S: Send + 'static,
{
    type Stream = Counted<A::Stream>;
    type Service = A::Service;
    type Future = Pin<Box<dyn Future<Output = io::Result<(Self::Stream, A::Service)>> + Send>>;

    fn accept(&self, stream: TcpStream, service: S) -> Self::Future {
        let slot = stream
            .peer_addr()
            .ok()
            .and_then(|peer| Slot::take(&self.open, peer.ip(), self.max));
        let inner = self.inner.clone();
        Box::pin(async move {
            let Some(slot) = slot else {
                // Dropping the stream closes it.
                return Err(io::Error::other("too many connections from this address"));
            };
            let (stream, service) = inner.accept(stream, service).await?;
            Ok((
                Counted {
                    inner: stream,
                    _slot: slot,
                },
                service,
            ))
        })
    }
}

/// One counted connection of an address; dropping it gives the count back.
#[derive(Debug)]
pub struct Slot {
    open: Arc<Mutex<HashMap<IpAddr, usize>>>,
    ip: IpAddr,
}

impl Slot {
    fn take(open: &Arc<Mutex<HashMap<IpAddr, usize>>>, ip: IpAddr, max: usize) -> Option<Self> {
        let mut counts = lock(open);
        let n = counts.entry(ip).or_insert(0);
        if *n >= max {
            tracing::warn!(%ip, max, "connection refused: too many from this address");
            return None;
        }
        *n += 1;
        Some(Self {
            open: open.clone(),
            ip,
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut counts = lock(&self.open);
        if let Some(n) = counts.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                counts.remove(&self.ip);
            }
        }
    }
}

fn lock(open: &Mutex<HashMap<IpAddr, usize>>) -> std::sync::MutexGuard<'_, HashMap<IpAddr, usize>> {
    // Counts stay consistent even if a holder panicked: each change is one statement.
    open.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A connection's stream with its slot: reads and writes go straight through.
#[derive(Debug)]
pub struct Counted<T> {
    inner: T,
    _slot: Slot,
}

impl<T: AsyncRead + Unpin> AsyncRead for Counted<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Counted<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_holds_at_most_max_and_gets_its_count_back() {
        let open = Arc::default();
        let a: IpAddr = [127, 0, 0, 1].into();
        let b: IpAddr = [127, 0, 0, 2].into();
        let first = Slot::take(&open, a, 2);
        let second = Slot::take(&open, a, 2);
        assert!(first.is_some() && second.is_some());
        assert!(
            Slot::take(&open, a, 2).is_none(),
            "third from the same address"
        );
        assert!(
            Slot::take(&open, b, 2).is_some(),
            "another address is not affected"
        );
        drop(first);
        assert!(
            Slot::take(&open, a, 2).is_some(),
            "a closed connection frees its place"
        );
    }
}
