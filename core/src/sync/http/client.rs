//! The cloud's HTTPS client: HTTP/1.1 over tokio-rustls (the rustls
//! configuration of `tls.rs`), one kept-alive connection, no redirects,
//! every wait bounded. The engine holds one and drops it after a network
//! failure or when connectivity returns, and the idle connection with it.
//!
//! Reuse: an answer framed by length or chunks, with no `Connection:
//! close`, leaves its connection for the next request, for up to a minute.
//! Before reuse the connection must have nothing to read (a server that
//! closed it has sent its FIN or close_notify). If the server closes it
//! anyway before a byte of the answer, a GET is sent again, once, on a
//! fresh connection; a POST or DELETE fails as a network failure and the
//! engine's pass retries later (uploads are idempotent by event id).

use super::super::config::Timeouts;
use super::super::error::Failure;
use super::conn::{Answer, Conn};
use super::fault::{chain, Fault};
use super::target::Target;
use rustls::pki_types::ServerName;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

/// An idle connection older than this is closed rather than reused.
const IDLE_AT_MOST: Duration = Duration::from_secs(60);

type Tls = TlsStream<TcpStream>;

/// The methods the cloud API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Method {
    Get,
    Post,
    Delete,
}

/// What the engine talks to the cloud with; clones share the connection.
#[derive(Clone)]
pub(crate) struct HttpClient {
    shared: Arc<Shared>,
}

struct Shared {
    tls: TlsConnector,
    timeouts: Timeouts,
    idle: Mutex<Option<Idle>>,
}

/// The connection kept between requests.
struct Idle {
    host: String,
    port: u16,
    since: Instant,
    conn: Conn<Tls>,
}

impl HttpClient {
    /// A client over this TLS configuration, with no connection yet.
    pub(crate) fn new(tls: rustls::ClientConfig, timeouts: &Timeouts) -> HttpClient {
        HttpClient {
            shared: Arc::new(Shared {
                tls: TlsConnector::from(Arc::new(tls)),
                timeouts: *timeouts,
                idle: Mutex::new(None),
            }),
        }
    }

    /// One request to `url` (`https://` only) with a bearer token, JSON
    /// accepted and (with a body) sent; the answer whatever its status.
    pub(super) async fn request(
        &self,
        method: Method,
        url: &str,
        token: &str,
        body: Option<&[u8]>,
    ) -> Result<Answer, Failure> {
        let total = self.shared.timeouts.total;
        match tokio::time::timeout(total, self.exchange(method, url, token, body)).await {
            Ok(answer) => answer.map_err(Fault::failure),
            Err(_) => Err(Fault::TimedOut(format!("no complete answer within {total:?}")).failure()),
        }
    }

    async fn exchange(&self, method: Method, url: &str, token: &str, body: Option<&[u8]>) -> Result<Answer, Fault> {
        let target = Target::parse(url).map_err(Fault::Failed)?;
        let request = request_bytes(method, &target, token, body)?;
        if let Some(conn) = self.idle_for(&target) {
            match self.over(conn, &target, &request).await {
                // Closed by the server as it was reused: a GET is safe to
                // send again.
                Err(Fault::Closed(_)) if method == Method::Get => {}
                done => return done,
            }
        }
        let conn = Conn::new(self.connect(&target).await?);
        self.over(conn, &target, &request).await
    }

    /// The idle connection, if it goes to `target` and still looks usable.
    fn idle_for(&self, target: &Target) -> Option<Conn<Tls>> {
        let Idle {
            host,
            port,
            since,
            mut conn,
        } = self.shared.idle.lock().unwrap_or_else(|p| p.into_inner()).take()?;
        let usable = host == target.host && port == target.port && since.elapsed() < IDLE_AT_MOST;
        (usable && conn.idle_and_open()).then_some(conn)
    }

    /// The request on `conn`; the connection is kept if it can be reused.
    async fn over(&self, mut conn: Conn<Tls>, target: &Target, request: &[u8]) -> Result<Answer, Fault> {
        let (answer, reusable) = conn.exchange(request, self.shared.timeouts.read).await?;
        if reusable {
            *self.shared.idle.lock().unwrap_or_else(|p| p.into_inner()) = Some(Idle {
                host: target.host.clone(),
                port: target.port,
                since: Instant::now(),
                conn,
            });
        }
        Ok(answer)
    }

    /// DNS, TCP and TLS, within the connect timeout.
    async fn connect(&self, target: &Target) -> Result<Tls, Fault> {
        let limit = self.shared.timeouts.connect;
        match tokio::time::timeout(limit, self.handshake(target, limit)).await {
            Ok(connected) => connected,
            Err(_) => Err(Fault::TimedOut(format!(
                "no connection to {} within {limit:?}",
                target.authority
            ))),
        }
    }

    async fn handshake(&self, target: &Target, limit: Duration) -> Result<Tls, Fault> {
        let host = target.host.as_str();
        let addresses: Vec<_> = tokio::net::lookup_host((host, target.port))
            .await
            .map_err(|e| Fault::Connect(format!("looking up {host}: {}", chain(&e))))?
            .collect();
        // Addresses in the resolver's order; each but the last gets an equal
        // share of the time, so a dead first one (IPv6 without a route,
        // say) leaves time for the next.
        let share = limit / u32::try_from(addresses.len()).unwrap_or(u32::MAX).max(1);
        let mut tcp = None;
        let mut last = format!("no address found for {host}");
        for (i, address) in addresses.iter().enumerate() {
            let attempt = TcpStream::connect(address);
            let result = if i + 1 == addresses.len() {
                attempt.await
            } else {
                tokio::time::timeout(share, attempt)
                    .await
                    .unwrap_or_else(|_| Err(std::io::ErrorKind::TimedOut.into()))
            };
            match result {
                Ok(stream) => {
                    tcp = Some(stream);
                    break;
                }
                Err(e) => last = format!("{address}: {}", chain(&e)),
            }
        }
        let tcp = tcp.ok_or(Fault::Connect(last))?;
        // The request goes out in one write; don't hold it back.
        let _ = tcp.set_nodelay(true);
        let name = ServerName::try_from(host)
            .map_err(|e| Fault::Connect(format!("`{host}` is not a TLS server name: {e}")))?
            .to_owned();
        self.shared
            .tls
            .connect(name, tcp)
            .await
            .map_err(|e| Fault::Connect(format!("TLS with {}: {}", target.authority, chain(&e))))
    }
}

/// The request's bytes: request line, headers, body.
fn request_bytes(method: Method, target: &Target, token: &str, body: Option<&[u8]>) -> Result<Vec<u8>, Fault> {
    if token.bytes().any(|b| (b < b' ' && b != b'\t') || b == 0x7f) {
        return Err(Fault::Failed("the access token is not a valid header value".into()));
    }
    let method = match method {
        Method::Get => "GET",
        Method::Post => "POST",
        Method::Delete => "DELETE",
    };
    let mut head = format!(
        "{method} {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: latchkey-core/{}\r\nAccept: application/json\r\nAuthorization: Bearer {token}\r\n",
        target.path,
        target.authority,
        env!("CARGO_PKG_VERSION"),
    );
    if let Some(body) = body {
        head.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body.unwrap_or_default());
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_carries_token_json_headers_and_its_length() {
        let target = Target::parse("https://[::1]:8443/base/v1/events").unwrap();
        let bytes = request_bytes(Method::Post, &target, "t0k", Some(b"{}")).unwrap();
        let expected = format!(
            "POST /base/v1/events HTTP/1.1\r\nHost: [::1]:8443\r\nUser-Agent: latchkey-core/{}\r\nAccept: application/json\r\nAuthorization: Bearer t0k\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{{}}",
            env!("CARGO_PKG_VERSION")
        );
        assert_eq!(String::from_utf8(bytes).unwrap(), expected);
        let get = request_bytes(Method::Get, &target, "t", None).unwrap();
        let get = String::from_utf8(get).unwrap();
        assert!(get.starts_with("GET /base/v1/events HTTP/1.1\r\n"));
        assert!(!get.contains("Content-"), "{get}");
        assert!(get.ends_with("Bearer t\r\n\r\n"));
    }

    #[test]
    fn a_token_that_would_split_the_header_is_refused() {
        let target = Target::parse("https://h/").unwrap();
        assert!(request_bytes(Method::Get, &target, "a\r\nX-Evil: 1", None).is_err());
    }
}
