//! Where a request goes: the cloud's URL (the base URL with the API path
//! appended) split into the host to resolve and name in TLS, the port, the
//! `Host` header and the request target. `https://` only: the engine
//! refuses any other base URL when it is built.

use std::net::Ipv6Addr;

/// One request's destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Target {
    /// DNS name (lowercase) or IP address, without brackets: what is
    /// resolved, and the TLS server name (SNI for a DNS name).
    pub(super) host: String,
    /// TCP port (443 unless the URL says otherwise).
    pub(super) port: u16,
    /// The `Host` header: brackets around an IPv6 address, the port when
    /// it is not 443.
    pub(super) authority: String,
    /// Path and query, as sent on the request line.
    pub(super) path: String,
}

impl Target {
    /// `https://host[:port][/path][?query]`; a fragment is dropped. No user
    /// info, no other scheme.
    pub(super) fn parse(url: &str) -> Result<Target, String> {
        let rest = match url.get(..8) {
            Some(scheme) if scheme.eq_ignore_ascii_case("https://") => &url[8..],
            _ => return Err(format!("`{url}` is not an https:// URL")),
        };
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, path) = rest.split_at(end);
        if authority.contains('@') {
            return Err(format!("`{url}`: user names and passwords do not belong in the URL"));
        }
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            let (addr, after) = v6
                .split_once(']')
                .ok_or_else(|| format!("`{url}`: an IPv6 address without its `]`"))?;
            addr.parse::<Ipv6Addr>()
                .map_err(|_| format!("`{url}`: `{addr}` is not an IPv6 address"))?;
            (addr.to_string(), after)
        } else {
            let colon = authority.find(':').unwrap_or(authority.len());
            let host = &authority[..colon];
            let valid = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_');
            if host.is_empty() || !host.chars().all(valid) {
                return Err(format!("`{url}`: `{host}` is not a host name or IP address"));
            }
            (host.to_ascii_lowercase(), &authority[colon..])
        };
        let port = match port.strip_prefix(':') {
            None if port.is_empty() => 443,
            Some("") => 443,
            Some(digits) if digits.len() <= 5 && digits.bytes().all(|b| b.is_ascii_digit()) => digits
                .parse::<u16>()
                .ok()
                .filter(|p| *p != 0)
                .ok_or_else(|| format!("`{url}`: port {digits} is out of range"))?,
            _ => return Err(format!("`{url}`: `{port}` after the host is not a port")),
        };
        let shown = if host.contains(':') {
            format!("[{host}]")
        } else {
            host.clone()
        };
        let authority = if port == 443 { shown } else { format!("{shown}:{port}") };
        let path = path.split('#').next().unwrap_or_default();
        Ok(Target {
            host,
            port,
            authority,
            path: request_target(path),
        })
    }
}

/// The path as sent: `/` when empty, and bytes that can't appear on a
/// request line (controls, space, non-ASCII, quotes, angle brackets,
/// backtick, braces) percent-encoded, as a URL parser would.
fn request_target(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 1);
    if !path.starts_with('/') {
        out.push('/');
    }
    for b in path.bytes() {
        if b <= b' ' || b >= 0x7f || matches!(b, b'"' | b'<' | b'>' | b'`' | b'{' | b'}') {
            out.push_str(&format!("%{b:02X}"));
        } else {
            out.push(b as char);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(url: &str) -> Target {
        Target::parse(url).unwrap()
    }

    #[test]
    fn host_port_and_base_path_come_apart() {
        let t = target("https://Cloud.Example.com/api/v1/locks?since=3#frag");
        assert_eq!(t.host, "cloud.example.com");
        assert_eq!(t.port, 443);
        assert_eq!(t.authority, "cloud.example.com");
        assert_eq!(t.path, "/api/v1/locks?since=3");

        let t = target("https://127.0.0.1:8443/v1/time");
        assert_eq!((t.host.as_str(), t.port), ("127.0.0.1", 8443));
        assert_eq!(t.authority, "127.0.0.1:8443");
        assert_eq!(t.path, "/v1/time");

        let t = target("HTTPS://host:443?x=1");
        assert_eq!((t.authority.as_str(), t.path.as_str()), ("host", "/?x=1"));
    }

    #[test]
    fn ipv6_literals_keep_their_brackets_only_in_the_host_header() {
        let t = target("https://[::1]:9000/v1/events");
        assert_eq!((t.host.as_str(), t.port), ("::1", 9000));
        assert_eq!(t.authority, "[::1]:9000");
        let t = target("https://[2001:db8::1]");
        assert_eq!(
            (t.host.as_str(), t.authority.as_str(), t.path.as_str()),
            ("2001:db8::1", "[2001:db8::1]", "/")
        );
    }

    #[test]
    fn what_cannot_go_on_a_request_line_is_percent_encoded() {
        assert_eq!(target("https://h/a b\r\nX: y/é").path, "/a%20b%0D%0AX:%20y/%C3%A9");
    }

    #[test]
    fn other_schemes_user_info_and_bad_hosts_or_ports_are_refused() {
        for url in [
            "http://h/",
            "ftp://h",
            "https://",
            "https://user:pw@h/",
            "https://[::1/",
            "https://[nope]/",
            "https://h:0/",
            "https://h:65536/",
            "https://h:12a/",
            "https://h st/",
            "https://h\r\n/",
            "https:/h",
            "",
        ] {
            assert!(Target::parse(url).is_err(), "{url}");
        }
    }
}
