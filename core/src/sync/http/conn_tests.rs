use super::*;
use tokio::io::{duplex, DuplexStream};

const READ: Duration = Duration::from_secs(5);

/// A connection whose server side has already written `wire` (and closed,
/// when `close`).
async fn served(wire: &[u8], close: bool) -> (Conn<DuplexStream>, Option<DuplexStream>) {
    let (client, mut server) = duplex(1 << 16);
    server.write_all(wire).await.unwrap();
    let server = if close { None } else { Some(server) };
    (Conn::new(client), server)
}

#[tokio::test]
async fn a_length_framed_answer_is_read_and_the_connection_kept() {
    let (mut conn, _server) = served(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}", false).await;
    let (answer, reusable) = conn.answer(READ).await.unwrap();
    assert_eq!((answer.status, answer.body.as_slice()), (200, &b"{}"[..]));
    assert!(reusable);
    assert!(conn.idle_and_open(), "nothing pending, server still there");
}

#[tokio::test]
async fn interim_answers_are_skipped_and_chunked_bodies_joined() {
    let wire = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 429 Too Many\r\nRetry-After: 3\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{\"\r\n1\r\n}\r\n0\r\n\r\n";
    let (mut conn, _server) = served(wire, false).await;
    let (answer, reusable) = conn.answer(READ).await.unwrap();
    assert_eq!(answer.status, 429);
    assert_eq!(answer.retry_after.as_deref(), Some("3"));
    assert_eq!(answer.body, b"{\"}");
    assert!(reusable);
}

#[tokio::test]
async fn an_answer_framed_by_the_close_is_read_to_the_end_and_not_reused() {
    let (mut conn, _) = served(b"HTTP/1.1 200 OK\r\n\r\nall of it", true).await;
    let (answer, reusable) = conn.answer(READ).await.unwrap();
    assert_eq!(answer.body, b"all of it");
    assert!(!reusable);
}

#[tokio::test]
async fn a_close_before_any_byte_is_closed_and_later_ones_are_cut_or_failed() {
    let (mut conn, _) = served(b"", true).await;
    assert!(matches!(conn.answer(READ).await, Err(Fault::Closed(_))));
    assert!(!conn.idle_and_open(), "a closed connection is not reused");

    let (mut conn, _) = served(b"HTTP/1.1 200 OK\r\nContent-Le", true).await;
    assert!(matches!(conn.answer(READ).await, Err(Fault::Failed(_))));

    let (mut conn, _) = served(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf", true).await;
    let cut = conn.answer(READ).await.unwrap_err();
    assert!(matches!(cut, Fault::Cut(_)), "{cut:?}");

    let (mut conn, _) = served(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", true).await;
    assert!(matches!(conn.answer(READ).await, Err(Fault::Cut(_))));

    let (mut conn, _) = served(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n", false).await;
    assert!(matches!(conn.answer(READ).await, Err(Fault::Cut(_))));

    let (mut conn, _) = served(b"SSH-2.0-OpenSSH\r\n\r\n", false).await;
    assert!(matches!(conn.answer(READ).await, Err(Fault::Failed(_))));
}

#[tokio::test(start_paused = true)]
async fn silence_past_the_read_timeout_is_a_timeout() {
    let (mut conn, _server) = served(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf", false).await;
    assert!(matches!(conn.answer(READ).await, Err(Fault::TimedOut(_))));
}

#[tokio::test]
async fn answers_over_the_limit_are_refused() {
    let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", MAX_ANSWER_BYTES + 1);
    let (mut conn, _server) = served(head.as_bytes(), false).await;
    assert!(matches!(conn.answer(READ).await, Err(Fault::TooBig)));

    let (client, server) = duplex(1 << 16);
    let writer = tokio::spawn(endless_chunks(server));
    let mut conn = Conn::new(client);
    assert!(matches!(conn.answer(READ).await, Err(Fault::TooBig)));
    drop(conn);
    assert!(writer.await.unwrap().is_err(), "the writer stops when the client goes");
}

/// A chunked answer that never ends, until the reader goes away.
async fn endless_chunks(mut server: DuplexStream) -> io::Result<()> {
    server
        .write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        .await?;
    let chunk = vec![b'x'; 0x10000];
    loop {
        server.write_all(b"10000\r\n").await?;
        server.write_all(&chunk).await?;
        server.write_all(b"\r\n").await?;
    }
}

#[tokio::test]
async fn bytes_after_the_answer_make_the_connection_unusable() {
    let (mut conn, _server) = served(b"HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\n", false).await;
    let (answer, reusable) = conn.answer(READ).await.unwrap();
    assert_eq!(answer.status, 204);
    assert!(!reusable);
    let (mut conn, _server) = served(
        b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
        false,
    )
    .await;
    assert!(!conn.answer(READ).await.unwrap().1);
}

#[tokio::test]
async fn the_request_is_written_whole() {
    let (client, mut server) = duplex(1 << 16);
    let mut conn = Conn::new(client);
    conn.send(b"GET / HTTP/1.1\r\n\r\n").await.unwrap();
    let mut got = vec![0; 18];
    server.read_exact(&mut got).await.unwrap();
    assert_eq!(got, b"GET / HTTP/1.1\r\n\r\n");
    drop(server);
    assert!(matches!(conn.send(b"more").await, Err(Fault::Closed(_))));
}

#[tokio::test]
async fn an_answer_sent_before_the_server_stopped_reading_still_counts() {
    let (mut conn, _) = served(b"HTTP/1.1 413 Payload Too Large\r\nContent-Length: 2\r\n\r\n{}", true).await;
    let (answer, reusable) = conn.exchange(b"POST / HTTP/1.1\r\n\r\n", READ).await.unwrap();
    assert_eq!(answer.status, 413);
    assert!(!reusable);
    let (mut conn, _) = served(b"", true).await;
    let closed = conn.exchange(b"GET / HTTP/1.1\r\n\r\n", READ).await.unwrap_err();
    assert!(
        matches!(&closed, Fault::Closed(d) if d.contains("sending")),
        "{closed:?}"
    );
}
