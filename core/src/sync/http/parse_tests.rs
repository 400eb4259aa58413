use super::*;

fn parsed(text: &str) -> Head {
    let (head, used) = head(text.as_bytes()).unwrap().unwrap();
    assert_eq!(used, text.len(), "the whole head is taken, nothing after it");
    head
}

#[test]
fn a_json_answer_with_a_length_keeps_its_connection() {
    let h = parsed("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 12\r\n\r\n");
    assert_eq!(h.status, 200);
    assert_eq!(h.framing, Framing::Length(12));
    assert!(h.keep_alive);
    assert_eq!(h.retry_after, None);
}

#[test]
fn retry_after_connection_close_and_chunked_are_read_case_insensitively() {
    let h = parsed("HTTP/1.1 503 Service Unavailable\r\nRetry-After:  7 \r\nConnection: keep-alive, Close\r\nTransfer-Encoding: chunked\r\n\r\n");
    assert_eq!((h.status, h.framing), (503, Framing::Chunked));
    assert_eq!(h.retry_after.as_deref(), Some("7"));
    assert!(!h.keep_alive);
}

#[test]
fn bodies_framed_by_status_or_by_the_connection_are_recognised() {
    assert_eq!(
        parsed("HTTP/1.1 204 No Content\r\ncontent-length: 5\r\n\r\n").framing,
        Framing::Empty
    );
    assert_eq!(parsed("HTTP/1.1 100 Continue\r\n\r\n").framing, Framing::Empty);
    let h = parsed("HTTP/1.1 200 OK\r\n\r\n");
    assert_eq!(h.framing, Framing::UntilClose);
    assert!(!h.keep_alive);
    let h = parsed("HTTP/1.0 200 OK\nContent-Length: 2\n\n");
    assert_eq!(h.framing, Framing::Length(2));
    assert!(!h.keep_alive, "HTTP/1.0 closes");
    let h = parsed("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n");
    assert_eq!(h.framing, Framing::UntilClose);
    let h = parsed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n");
    assert_eq!(h.framing, Framing::Chunked);
    assert!(!h.keep_alive, "framed twice: not reused");
    assert_eq!(
        parsed("HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\n\r\n").framing,
        Framing::Length(3)
    );
}

#[test]
fn a_head_still_arriving_asks_for_more() {
    let full = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n";
    for end in 0..full.len() {
        assert_eq!(head(&full[..end]), Ok(None), "{end}");
    }
    let mut more = full.to_vec();
    more.extend_from_slice(b"{}");
    assert_eq!(head(&more).unwrap().unwrap().1, full.len());
}

#[test]
fn malformed_heads_are_errors_not_panics() {
    for text in [
        "\r\n",
        "HTTP/2 200 OK\r\n\r\n",
        "HTTP/1.1 20 OK\r\n\r\n",
        "HTTP/1.1 2000 OK\r\n\r\n",
        "HTTP/1.1 099 x\r\n\r\n",
        "HTTP/1.1 abc\r\n\r\n",
        "HTTP/1.1\r\n\r\n",
        "garbage\r\n\r\n",
        "HTTP/1.1 200 OK\r\nno colon\r\n\r\n",
        "HTTP/1.1 200 OK\r\n: empty name\r\n\r\n",
        "HTTP/1.1 200 OK\r\n folded: line\r\n\r\n",
        "HTTP/1.1 200 OK\r\ncontent-length: -1\r\n\r\n",
        "HTTP/1.1 200 OK\r\ncontent-length: 99999999999999999999\r\n\r\n",
        "HTTP/1.1 200 OK\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\n",
    ] {
        assert!(head(text.as_bytes()).is_err(), "{text:?}");
    }
    assert!(head(&vec![b'x'; MAX_HEAD_BYTES + 1]).is_err());
    // Arbitrary bytes: an answer or an error, never a panic.
    let mut seed = 7u32;
    for _ in 0..2000 {
        let bytes: Vec<u8> = (0..64)
            .map(|_| {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                b"HTP/1. 0123456789:\r\n\xffabc"[(seed >> 16) as usize % 24]
            })
            .collect();
        let _ = head(&bytes);
        let _ = Chunked::Size.decode(&bytes, &mut Vec::new());
    }
}

fn dechunk(wire: &[u8], step: usize) -> Result<(Vec<u8>, Chunked, usize), String> {
    let mut decoder = Chunked::Size;
    let mut out = Vec::new();
    let mut pending = Vec::new();
    for piece in wire.chunks(step) {
        pending.extend_from_slice(piece);
        let used = decoder.decode(&pending, &mut out)?;
        pending.drain(..used);
    }
    Ok((out, decoder, pending.len()))
}

#[test]
fn chunked_bodies_decode_whatever_way_the_bytes_arrive() {
    let wire = b"5;ext=1\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-Trailer: t\r\n\r\n";
    for step in [1, 2, 3, 7, wire.len()] {
        let (out, state, left) = dechunk(wire, step).unwrap();
        assert_eq!(out, b"helloabcdefghijklmnopqrstuvwxyz", "{step}");
        assert_eq!((state, left), (Chunked::Done, 0), "{step}");
    }
    let (out, state, _) = dechunk(b"3\r\nabc\r\n", 4).unwrap();
    assert_eq!((out.as_slice(), state), (&b"abc"[..], Chunked::Size), "not done yet");
}

#[test]
fn malformed_chunks_are_errors() {
    for wire in [
        &b"zz\r\n"[..],
        b"\r\n",
        b"3\r\nabcd\r\n",
        b"fffffffffffffffff\r\n",
        b"-1\r\n",
    ] {
        assert!(dechunk(wire, 1).is_err(), "{:?}", String::from_utf8_lossy(wire));
    }
    assert!(dechunk(&vec![b'1'; MAX_LINE_BYTES + 2], MAX_LINE_BYTES + 2).is_err());
}
