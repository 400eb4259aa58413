//! The answer's wire format, without I/O: the head (status line and
//! headers) and the chunked body decoder. Bytes in, a head or an error
//! out; nothing here panics on what a server sends.

/// A head longer than this is refused (hyper's own limit is of this order).
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// A chunk-size or trailer line longer than this is refused.
const MAX_LINE_BYTES: usize = 4 * 1024;

/// How the body of an answer ends (RFC 9112, section 6.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Framing {
    /// No body: 1xx, 204, 304.
    Empty,
    /// `Content-Length` bytes.
    Length(u64),
    /// `Transfer-Encoding: chunked`.
    Chunked,
    /// Until the server closes the connection.
    UntilClose,
}

/// A status line and the headers the client acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Head {
    pub(super) status: u16,
    /// The connection may carry another request after this answer.
    pub(super) keep_alive: bool,
    pub(super) framing: Framing,
    /// The last `Retry-After` value, when it is text.
    pub(super) retry_after: Option<String>,
}

/// A complete head at the start of `buf` and its length in bytes;
/// `Ok(None)` while the blank line that ends it has not arrived yet.
pub(super) fn head(buf: &[u8]) -> Result<Option<(Head, usize)>, String> {
    let mut lines = Vec::new();
    let mut at = 0;
    let end = loop {
        let Some((line, used)) = line(&buf[at..]) else {
            if buf.len() > MAX_HEAD_BYTES {
                return Err(format!("the head is over {MAX_HEAD_BYTES} bytes"));
            }
            return Ok(None);
        };
        at += used;
        if line.is_empty() {
            break at;
        }
        lines.push(line);
    };
    let Some((status_line, fields)) = lines.split_first() else {
        return Err("an empty line where the status line should be".into());
    };
    let (version, status) = status_line_parts(status_line)?;
    let mut head = Head {
        status,
        keep_alive: version == 1,
        framing: Framing::UntilClose,
        retry_after: None,
    };
    let mut length: Option<u64> = None;
    let mut chunked: Option<bool> = None;
    for field in fields {
        let (name, value) = field_parts(field)?;
        if name.eq_ignore_ascii_case(b"content-length") {
            for part in value.split(|b| *b == b',') {
                let n = decimal(trim(part)).ok_or("a Content-Length that is not a number")?;
                if length.is_some_and(|l| l != n) {
                    return Err("two different Content-Lengths".into());
                }
                length = Some(n);
            }
        } else if name.eq_ignore_ascii_case(b"transfer-encoding") {
            let last = value.split(|b| *b == b',').map(trim).rfind(|c| !c.is_empty());
            chunked = Some(last.is_some_and(|c| c.eq_ignore_ascii_case(b"chunked")));
        } else if name.eq_ignore_ascii_case(b"connection") {
            if value
                .split(|b| *b == b',')
                .any(|t| trim(t).eq_ignore_ascii_case(b"close"))
            {
                head.keep_alive = false;
            }
        } else if name.eq_ignore_ascii_case(b"retry-after") {
            head.retry_after = std::str::from_utf8(value).ok().map(str::to_owned);
        }
    }
    head.framing = match (status, chunked, length) {
        (100..=199 | 204 | 304, _, _) => Framing::Empty,
        (_, Some(true), _) => Framing::Chunked,
        (_, None, Some(n)) => Framing::Length(n),
        _ => Framing::UntilClose,
    };
    // A body that ends with the connection, or one framed twice (a
    // smuggling pattern), never shares its connection with another answer.
    if head.framing == Framing::UntilClose || (chunked.is_some() && length.is_some()) {
        head.keep_alive = false;
    }
    Ok(Some((head, end)))
}

/// `HTTP/1.x NNN reason`: the minor version and the status.
fn status_line_parts(line: &[u8]) -> Result<(u8, u16), String> {
    let shown = || String::from_utf8_lossy(&line[..line.len().min(80)]).into_owned();
    let version = match line.get(..9) {
        Some(b"HTTP/1.1 ") => 1,
        Some(b"HTTP/1.0 ") => 0,
        _ => return Err(format!("`{}` is not an HTTP/1.1 status line", shown())),
    };
    let code = line.get(9..12).and_then(decimal).filter(|c| (100..=999).contains(c));
    match (code, line.get(12)) {
        (Some(code), None | Some(b' ')) => Ok((version, code as u16)),
        _ => Err(format!("`{}` has no valid status code", shown())),
    }
}

/// `name: value`, the value without surrounding spaces and tabs.
fn field_parts(line: &[u8]) -> Result<(&[u8], &[u8]), String> {
    let token = |b: &u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(b);
    match line.iter().position(|b| *b == b':') {
        Some(colon) if colon > 0 && line[..colon].iter().all(token) => Ok((&line[..colon], trim(&line[colon + 1..]))),
        _ => Err(format!(
            "`{}` is not a header field",
            String::from_utf8_lossy(&line[..line.len().min(80)])
        )),
    }
}

/// The first line of `buf` without its `\r\n` (or bare `\n`), and the
/// bytes it took; `None` until its end has arrived.
fn line(buf: &[u8]) -> Option<(&[u8], usize)> {
    let end = buf.iter().position(|b| *b == b'\n')?;
    let line = &buf[..end];
    Some((line.strip_suffix(b"\r").unwrap_or(line), end + 1))
}

fn trim(mut bytes: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = bytes {
        bytes = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = bytes {
        bytes = rest;
    }
    bytes
}

/// ASCII digits as a number: none, too many or anything else is `None`.
fn decimal(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() || digits.len() > 18 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(digits.iter().fold(0, |n, d| n * 10 + u64::from(d - b'0')))
}

/// Where a chunked body's decoder is (RFC 9112, section 7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Chunked {
    /// Expecting a chunk-size line.
    Size,
    /// Inside a chunk, this many bytes to go.
    Data(u64),
    /// After a chunk's data, expecting its `\r\n`.
    DataEnd,
    /// After the last chunk, expecting trailers or the blank line.
    Trailers,
    /// The body is complete.
    Done,
}

impl Chunked {
    /// Decodes what it can of `input` into `out` and returns how many
    /// bytes of `input` it used; the rest waits for more bytes.
    pub(super) fn decode(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<usize, String> {
        let mut at = 0;
        loop {
            let rest = &input[at..];
            match *self {
                Chunked::Done => return Ok(at),
                Chunked::Data(left) => {
                    let take = rest.len().min(usize::try_from(left).unwrap_or(usize::MAX));
                    if take == 0 {
                        return Ok(at);
                    }
                    out.extend_from_slice(&rest[..take]);
                    at += take;
                    let left = left - take as u64;
                    *self = if left == 0 {
                        Chunked::DataEnd
                    } else {
                        Chunked::Data(left)
                    };
                }
                Chunked::Size | Chunked::DataEnd | Chunked::Trailers => {
                    let Some((line, used)) = line(rest) else {
                        if rest.len() > MAX_LINE_BYTES {
                            return Err("a chunk line is too long".into());
                        }
                        return Ok(at);
                    };
                    at += used;
                    *self = match *self {
                        Chunked::Size => match chunk_size(line)? {
                            0 => Chunked::Trailers,
                            n => Chunked::Data(n),
                        },
                        Chunked::DataEnd if line.is_empty() => Chunked::Size,
                        Chunked::DataEnd => return Err("a chunk is longer than its size".into()),
                        _ if line.is_empty() => Chunked::Done,
                        // A trailer field: read and ignored.
                        _ => Chunked::Trailers,
                    };
                }
            }
        }
    }
}

/// A chunk-size line: hex digits, then optional extensions after `;`.
fn chunk_size(line: &[u8]) -> Result<u64, String> {
    let digits = trim(line.split(|b| *b == b';').next().unwrap_or_default());
    if digits.is_empty() || digits.len() > 15 {
        return Err("a chunk size that is not a hex number".into());
    }
    digits.iter().try_fold(0u64, |n, d| match (*d as char).to_digit(16) {
        Some(v) => Ok(n * 16 + u64::from(v)),
        None => Err("a chunk size that is not a hex number".into()),
    })
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
