//! One HTTP/1.1 connection: a request written, its answer read back with
//! every silence bounded and the answer's size capped. Generic over the
//! stream so tests drive it over an in-memory pipe; the library uses it
//! for TLS over TCP only.

use super::fault::{chain, Fault, MAX_ANSWER_BYTES};
use super::parse::{self, Chunked, Framing};
use std::io;
use std::pin::Pin;
use std::task::{Context, Waker};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};

/// A whole answer, whatever its status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Answer {
    pub(super) status: u16,
    /// The `Retry-After` header as sent (seconds or an HTTP date).
    pub(super) retry_after: Option<String>,
    pub(super) body: Vec<u8>,
}

/// A stream and what was read from it but not used yet.
pub(super) struct Conn<S> {
    stream: S,
    buf: Vec<u8>,
}

/// What one read brought.
enum Read {
    Data,
    End,
    Broken(io::Error),
}

impl<S: AsyncRead + AsyncWrite + Unpin> Conn<S> {
    pub(super) fn new(stream: S) -> Self {
        Conn {
            stream,
            buf: Vec::new(),
        }
    }

    /// Whether an idle connection can carry another request: nothing is
    /// waiting to be read (a close, a TLS alert, bytes nobody asked for).
    /// Looks without waiting.
    pub(super) fn idle_and_open(&mut self) -> bool {
        let mut cx = Context::from_waker(Waker::noop());
        let mut byte = [0u8; 1];
        let mut read = ReadBuf::new(&mut byte);
        self.buf.is_empty() && Pin::new(&mut self.stream).poll_read(&mut cx, &mut read).is_pending()
    }

    /// The request sent and its answer read, and whether the connection
    /// can carry another request after it.
    pub(super) async fn exchange(&mut self, request: &[u8], read: Duration) -> Result<(Answer, bool), Fault> {
        if let Err(unsent) = self.send(request).await {
            // A server may answer before it has read the whole request (a
            // 413 for a body too large) and close: its answer counts.
            return match self.answer(read).await {
                Ok((answer, _)) => Ok((answer, false)),
                Err(_) => Err(unsent),
            };
        }
        // Named by method: a POST may change the cloud, a GET never does.
        crash_point!(if request.starts_with(b"GET ") {
            "sync.http.get.request_sent"
        } else {
            "sync.http.post.request_sent"
        });
        let answered = self.answer(read).await;
        crash_point!(if request.starts_with(b"GET ") {
            "sync.http.get.answer_received"
        } else {
            "sync.http.post.answer_received"
        });
        answered
    }

    /// Writes the whole request. A failure here means the server never had
    /// it all, so it is [`Fault::Closed`].
    async fn send(&mut self, request: &[u8]) -> Result<(), Fault> {
        let written = async {
            self.stream.write_all(request).await?;
            self.stream.flush().await
        };
        written
            .await
            .map_err(|e| Fault::Closed(format!("sending the request: {}", chain(&e))))
    }

    /// The answer to the request just sent (interim 1xx answers skipped),
    /// and whether the connection can carry another request after it.
    async fn answer(&mut self, read: Duration) -> Result<(Answer, bool), Fault> {
        let mut heard = false;
        let head = loop {
            match parse::head(&self.buf) {
                Err(e) => return Err(Fault::Failed(format!("the answer is not HTTP/1.1: {e}"))),
                Ok(Some((head, used))) => {
                    self.buf.drain(..used);
                    match head.status {
                        101 => return Err(Fault::Failed("the server switched protocols".into())),
                        100..=199 => {
                            heard = true;
                            continue;
                        }
                        _ => break head,
                    }
                }
                Ok(None) => {}
            }
            let gone = match self.fill(read).await? {
                Read::Data => {
                    heard = true;
                    continue;
                }
                Read::End => "the connection closed".to_string(),
                Read::Broken(e) => format!("the connection broke: {}", chain(&e)),
            };
            return Err(if heard {
                Fault::Failed(format!("{gone} in the middle of the answer's head"))
            } else {
                Fault::Closed(format!("{gone} before the answer"))
            });
        };
        let body = match head.framing {
            Framing::Empty => Vec::new(),
            Framing::Length(length) => {
                let length = usize::try_from(length)
                    .ok()
                    .filter(|n| *n <= MAX_ANSWER_BYTES)
                    .ok_or(Fault::TooBig)?;
                while self.buf.len() < length {
                    self.more(read).await?;
                }
                let rest = self.buf.split_off(length);
                std::mem::replace(&mut self.buf, rest)
            }
            Framing::Chunked => {
                let mut decoder = Chunked::Size;
                let mut body = Vec::new();
                loop {
                    let used = decoder
                        .decode(&self.buf, &mut body)
                        .map_err(|e| Fault::Cut(format!("the chunked body is malformed: {e}")))?;
                    self.buf.drain(..used);
                    if body.len() > MAX_ANSWER_BYTES {
                        return Err(Fault::TooBig);
                    }
                    if decoder == Chunked::Done {
                        break body;
                    }
                    self.more(read).await?;
                }
            }
            Framing::UntilClose => loop {
                if self.buf.len() > MAX_ANSWER_BYTES {
                    return Err(Fault::TooBig);
                }
                match self.fill(read).await? {
                    Read::Data => {}
                    Read::End => break std::mem::take(&mut self.buf),
                    // With TLS, a close without close_notify: maybe truncated.
                    Read::Broken(e) => return Err(Fault::Cut(chain(&e))),
                }
            },
        };
        let reusable = head.keep_alive && self.buf.is_empty();
        let answer = Answer {
            status: head.status,
            retry_after: head.retry_after,
            body,
        };
        Ok((answer, reusable))
    }

    /// More of a body whose end has not come: the stream ending here means
    /// the answer was cut off.
    async fn more(&mut self, read: Duration) -> Result<(), Fault> {
        match self.fill(read).await? {
            Read::Data => Ok(()),
            Read::End => Err(Fault::Cut("the connection closed before the end of the body".into())),
            Read::Broken(e) => Err(Fault::Cut(chain(&e))),
        }
    }

    /// One read into the buffer, waiting at most `read`.
    async fn fill(&mut self, read: Duration) -> Result<Read, Fault> {
        self.buf.reserve(16 * 1024);
        match tokio::time::timeout(read, self.stream.read_buf(&mut self.buf)).await {
            Err(_) => Err(Fault::TimedOut(format!("the cloud was silent for {read:?}"))),
            Ok(Ok(0)) => Ok(Read::End),
            Ok(Ok(_)) => Ok(Read::Data),
            Ok(Err(e)) => Ok(Read::Broken(e)),
        }
    }
}

#[cfg(test)]
#[path = "conn_tests.rs"]
mod tests;
