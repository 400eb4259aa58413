//! What can go wrong on the wire, and the one place that turns it into the
//! engine's [`Failure`]: every network failure reads "<what>: <detail>",
//! with `what` one of "timed out", "can't connect", "request failed" or
//! "the answer was cut off".

use super::super::error::Failure;

/// Largest answer read; anything bigger is a broken or hostile server.
pub(super) const MAX_ANSWER_BYTES: usize = 8 * 1024 * 1024;

/// One exchange's failure, before classification.
#[derive(Debug)]
pub(super) enum Fault {
    /// A timeout: connecting, a silence while reading, or the whole request.
    TimedOut(String),
    /// No connection: DNS, TCP or the TLS handshake (certificate, pin).
    Connect(String),
    /// The connection ended (or broke) before a single byte of the answer:
    /// on a reused connection the server may simply have closed it.
    Closed(String),
    /// The request could not be made or the answer's head is not HTTP/1.1.
    Failed(String),
    /// The head arrived, the body did not (all of it, or well formed).
    Cut(String),
    /// The answer is over [`MAX_ANSWER_BYTES`].
    TooBig,
}

impl Fault {
    /// The engine's view of it.
    pub(super) fn failure(self) -> Failure {
        let (what, detail) = match self {
            Fault::TimedOut(d) => ("timed out", d),
            Fault::Connect(d) => ("can't connect", d),
            Fault::Closed(d) | Fault::Failed(d) => ("request failed", d),
            Fault::Cut(d) => ("the answer was cut off", d),
            Fault::TooBig => {
                return Failure::Protocol(format!("the cloud's answer is over {MAX_ANSWER_BYTES} bytes"));
            }
        };
        Failure::Network(format!("{what}: {detail}"))
    }
}

/// An error and its sources, in one line.
pub(super) fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_fault_reads_as_the_engine_always_worded_it() {
        let text = |f: Fault| match f.failure() {
            Failure::Network(t) | Failure::Protocol(t) => t,
            other => panic!("{other:?}"),
        };
        assert_eq!(text(Fault::TimedOut("x".into())), "timed out: x");
        assert_eq!(text(Fault::Connect("x".into())), "can't connect: x");
        assert_eq!(text(Fault::Closed("x".into())), "request failed: x");
        assert_eq!(text(Fault::Failed("x".into())), "request failed: x");
        assert_eq!(text(Fault::Cut("x".into())), "the answer was cut off: x");
        assert!(matches!(Fault::TooBig.failure(), Failure::Protocol(t) if t.contains("8388608 bytes")));
    }
}
