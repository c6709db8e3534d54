//! The HTTP/1.1 server: a small tokio runtime on 127.0.0.1, request heads parsed by httparse, the
//! framing (RFC 9112 §6) done here, every read bounded in bytes and in time, handlers on the
//! blocking pool.
//!
//! Why not a server crate: tiny_http allocated the unread remainder of whatever body a client
//! declared, and hyper, which bounds everything else, accepts `Content-Length` beside
//! `Transfer-Encoding` (RFC 9112 §6.1 lets a server do either) and gives the handler no way to
//! see it, while the emulator refuses it as a smuggling attempt.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::time::Instant;

use crate::config::ServerLimits;
use crate::http::{Body, MAX_BODY, MAX_HEADERS, Req, Resp};
use crate::org::Org;

/// Largest request head: the header fields plus a request line of up to 8 KiB.
const MAX_HEAD: usize = MAX_HEADERS + 8 * 1024;
/// Most header fields in one request.
const MAX_FIELDS: usize = 128;
/// Most bytes asked of the socket in one read.
const READ_SIZE: usize = 16 * 1024;
/// How long, and how much, a refused request's remainder is read and dropped before closing.
const LINGER: Duration = Duration::from_secs(2);
const LINGER_BYTES: usize = 64 * 1024 * 1024;
/// Longest chunk-size line (size and extensions) of a chunked body.
const MAX_CHUNK_LINE: usize = 1024;

pub(crate) struct Server {
    runtime: Option<tokio::runtime::Runtime>,
}

impl Server {
    pub(crate) fn start(
        port: u16,
        org: Arc<Org>,
        limits: ServerLimits,
    ) -> std::io::Result<(Server, u16)> {
        let std_listener = listener(port)?;
        std_listener.set_nonblocking(true)?;
        let port = std_listener.local_addr()?.port();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .max_blocking_threads(limits.handler_threads.max(1))
            .thread_name("okta-emulator")
            .enable_io()
            .enable_time()
            .build()?;
        let listener = {
            let _entered = runtime.enter();
            TcpListener::from_std(std_listener)?
        };
        runtime.spawn(accept(listener, org, limits));
        Ok((
            Server {
                runtime: Some(runtime),
            },
            port,
        ))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            if tokio::runtime::Handle::try_current().is_ok() {
                // Dropped inside someone else's runtime, where blocking is not allowed.
                runtime.shutdown_background();
            } else {
                // Lets a handler that is writing the state file finish.
                runtime.shutdown_timeout(Duration::from_secs(2));
            }
        }
    }
}

/// A loopback listener with `TCP_NODELAY`, which Linux passes on to every accepted connection.
fn listener(port: u16) -> std::io::Result<std::net::TcpListener> {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    socket.set_reuse_address(true)?;
    socket.set_tcp_nodelay(true)?;
    socket.bind(&std::net::SocketAddr::from(([127, 0, 0, 1], port)).into())?;
    socket.listen(1024)?;
    Ok(socket.into())
}

async fn accept(listener: TcpListener, org: Arc<Org>, limits: ServerLimits) {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // Out of file descriptors, most likely: let connections close before trying again.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        // Over the cap, a connection is closed at once rather than queued without bound.
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let org = org.clone();
        tokio::spawn(async move {
            let _slot = slot;
            connection(stream, org, limits).await;
        });
    }
}

/// Why a request was refused before it reached a handler.
#[derive(Debug, PartialEq, Eq)]
enum Refusal {
    /// The head is larger than [`MAX_HEAD`] or has more than [`MAX_FIELDS`] fields.
    HeadTooLarge,
    /// The head or the body's framing is not HTTP/1.1.
    Malformed,
    /// Both `Content-Length` and `Transfer-Encoding` (RFC 9112 §6.1, §11.2).
    Smuggling,
    /// A transfer coding other than `chunked`.
    UnknownCoding,
    /// A body larger than [`MAX_BODY`], declared or sent.
    BodyTooLarge,
    /// The request did not arrive within [`ServerLimits::request_timeout`].
    TooSlow,
}

impl Refusal {
    fn response(&self) -> Resp {
        let malformed = "The request was not well-formed.";
        match self {
            Refusal::HeadTooLarge => {
                crate::errors::okta(431, "E0000003", "Request header fields too large.", &[])
                    .outcome("head_too_large")
            }
            Refusal::Malformed => {
                crate::errors::okta(400, "E0000003", malformed, &[]).outcome("malformed")
            }
            Refusal::Smuggling => crate::errors::okta(
                400,
                "E0000003",
                malformed,
                &["Content-Length and Transfer-Encoding must not be sent together.".to_owned()],
            )
            .outcome("length_and_coding"),
            Refusal::UnknownCoding => crate::errors::okta(
                501,
                "E0000003",
                malformed,
                &["Only the chunked transfer coding is supported.".to_owned()],
            )
            .outcome("unknown_coding"),
            Refusal::BodyTooLarge => {
                crate::errors::okta(413, "E0000003", malformed, &[]).outcome("body_too_large")
            }
            Refusal::TooSlow => crate::errors::okta(408, "E0000003", "The request timed out.", &[])
                .outcome("request_timeout"),
        }
    }
}

/// A parsed request head.
struct Head {
    method: String,
    target: String,
    http_11: bool,
    headers: Vec<(String, String)>,
}

impl Head {
    fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n == name)
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
    }

    /// Whether the client lets the connection stay open (RFC 9112 §9.3).
    fn keep_alive(&self) -> bool {
        let mut options = self.values("connection");
        if self.http_11 {
            !options.any(|o| o.eq_ignore_ascii_case("close"))
        } else {
            options.any(|o| o.eq_ignore_ascii_case("keep-alive"))
        }
    }
}

/// How the body of a request is delimited (RFC 9112 §6.3).
#[derive(Debug, PartialEq, Eq)]
enum Framing {
    None,
    Length(usize),
    Chunked,
}

fn framing(head: &Head) -> Result<Framing, Refusal> {
    let has_coding = head.headers.iter().any(|(n, _)| n == "transfer-encoding");
    let has_length = head.headers.iter().any(|(n, _)| n == "content-length");
    if has_coding && has_length {
        return Err(Refusal::Smuggling);
    }
    if has_coding {
        if !head.http_11 {
            return Err(Refusal::Malformed);
        }
        let codings: Vec<&str> = head.values("transfer-encoding").collect();
        return match codings.as_slice() {
            [only] if only.eq_ignore_ascii_case("chunked") => Ok(Framing::Chunked),
            _ => Err(Refusal::UnknownCoding),
        };
    }
    let mut length: Option<u64> = None;
    for value in head.values("content-length") {
        if value.is_empty() || value.len() > 19 || !value.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Refusal::Malformed);
        }
        let n: u64 = value.parse().map_err(|_| Refusal::Malformed)?;
        if length.is_some_and(|l| l != n) {
            return Err(Refusal::Malformed);
        }
        length = Some(n);
    }
    match length {
        None | Some(0) => Ok(Framing::None),
        Some(n) if n > MAX_BODY as u64 => Err(Refusal::BodyTooLarge),
        Some(n) => Ok(Framing::Length(n as usize)),
    }
}

/// Serves one connection until the client closes it, goes idle, or breaks a rule.
async fn connection(mut stream: TcpStream, org: Arc<Org>, limits: ServerLimits) {
    let mut buf: Vec<u8> = Vec::new();
    loop {
        if buf.is_empty() {
            // Waiting costs no buffer: an idle connection holds only its socket.
            buf = Vec::new();
            match tokio::time::timeout(limits.idle_timeout, stream.readable()).await {
                Ok(Ok(())) => {}
                _ => return,
            }
        }
        // A timeout too long for the clock (`Duration::MAX`) waits a year instead.
        let deadline = Instant::now()
            .checked_add(limits.request_timeout)
            .or_else(|| Instant::now().checked_add(Duration::from_secs(365 * 86_400)))
            .unwrap_or_else(Instant::now);
        let head = match read_head(&mut stream, &mut buf, deadline).await {
            Ok(Some(head)) => head,
            Ok(None) => return,
            Err(refusal) => return refuse(&mut stream, &org, refusal).await,
        };
        let body = match framing(&head) {
            Ok(Framing::None) => Vec::new(),
            Ok(framing) => {
                if head.http_11
                    && head
                        .values("expect")
                        .any(|v| v.eq_ignore_ascii_case("100-continue"))
                    && stream
                        .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
                        .await
                        .is_err()
                {
                    return;
                }
                match read_body(&mut stream, &mut buf, framing, deadline).await {
                    Ok(body) => body,
                    Err(refusal) => return refuse(&mut stream, &org, refusal).await,
                }
            }
            Err(refusal) => return refuse(&mut stream, &org, refusal).await,
        };
        let keep_alive = head.keep_alive();
        let is_head = head.method == "HEAD";
        let (path, query) = match split_target(&head.target) {
            Some(parts) => parts,
            None => return refuse(&mut stream, &org, Refusal::Malformed).await,
        };
        let req = Req {
            method: head.method,
            path,
            query,
            headers: head.headers,
            body,
            request_id: org.new_request_id(),
        };
        let request_id = req.request_id.clone();
        let handler_org = org.clone();
        let resp = tokio::task::spawn_blocking(move || crate::pipeline::handle(&handler_org, &req))
            .await
            .unwrap_or_else(|_| {
                crate::errors::okta(500, "E0000009", "Internal Server Error", &[])
                    .outcome("handler_panicked")
            });
        if write_response(&mut stream, resp, &request_id, keep_alive, is_head)
            .await
            .is_err()
            || !keep_alive
        {
            return;
        }
    }
}

/// Answers a refused request and closes the connection: what follows on it cannot be trusted to
/// start a request.
///
/// The client may still be sending the body it declared; closing with unread data would reset
/// the connection and lose the answer, so what arrives is read and dropped for a while first
/// (the "lingering close" of RFC 9112 §9.6), into a fixed buffer.
async fn refuse(stream: &mut TcpStream, org: &Org, refusal: Refusal) {
    let request_id = org.new_request_id();
    if write_response(stream, refusal.response(), &request_id, false, false)
        .await
        .is_err()
    {
        return;
    }
    let _ = stream.shutdown().await;
    let until = Instant::now() + LINGER;
    let mut sink = vec![0u8; READ_SIZE];
    let mut left = LINGER_BYTES;
    while left > 0 {
        match tokio::time::timeout_at(until, stream.read(&mut sink)).await {
            Ok(Ok(n)) if n > 0 => left = left.saturating_sub(n),
            _ => break,
        }
    }
}

/// Reads until `buf` holds a whole request head, which it then removes from `buf`. `None` when the
/// client closed the connection between requests.
async fn read_head(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    deadline: Instant,
) -> Result<Option<Head>, Refusal> {
    loop {
        if !buf.is_empty() {
            if let Some((head, used)) = parse_head(buf)? {
                buf.drain(..used);
                return Ok(Some(head));
            }
            if buf.len() >= MAX_HEAD {
                return Err(Refusal::HeadTooLarge);
            }
        }
        if read_more(stream, buf, MAX_HEAD - buf.len(), deadline).await? == 0 {
            return if buf.is_empty() {
                Ok(None)
            } else {
                Err(Refusal::Malformed)
            };
        }
    }
}

fn parse_head(buf: &[u8]) -> Result<Option<(Head, usize)>, Refusal> {
    let mut fields = [httparse::EMPTY_HEADER; MAX_FIELDS];
    let mut request = httparse::Request::new(&mut fields);
    let used = match request.parse(buf) {
        Ok(httparse::Status::Complete(used)) => used,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(httparse::Error::TooManyHeaders) => return Err(Refusal::HeadTooLarge),
        Err(_) => return Err(Refusal::Malformed),
    };
    let headers: Vec<(String, String)> = request
        .headers
        .iter()
        .map(|h| {
            (
                h.name.to_ascii_lowercase(),
                String::from_utf8_lossy(h.value).into_owned(),
            )
        })
        .collect();
    if headers
        .iter()
        .map(|(n, v)| n.len() + v.len() + 4)
        .sum::<usize>()
        > MAX_HEADERS
    {
        return Err(Refusal::HeadTooLarge);
    }
    let (Some(method), Some(target), Some(version)) =
        (request.method, request.path, request.version)
    else {
        return Err(Refusal::Malformed);
    };
    Ok(Some((
        Head {
            method: method.to_owned(),
            target: target.to_owned(),
            http_11: version == 1,
            headers,
        },
        used,
    )))
}

/// The path and query of an origin-form or absolute-form request target (RFC 9112 §3.2).
fn split_target(target: &str) -> Option<(String, Option<String>)> {
    let origin = if target.starts_with('/') {
        target
    } else {
        let rest = target
            .strip_prefix("http://")
            .or_else(|| target.strip_prefix("https://"))?;
        rest.find(['/', '?']).map_or("/", |at| &rest[at..])
    };
    let (path, query) = match origin.split_once('?') {
        Some((p, q)) => (p, Some(q.to_owned())),
        None => (origin, None),
    };
    let path = if path.is_empty() { "/" } else { path };
    Some((path.to_owned(), query))
}

/// Reads at most `limit` more bytes into `buf` before `deadline`; 0 when the peer closed.
async fn read_more(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    limit: usize,
    deadline: Instant,
) -> Result<usize, Refusal> {
    // The buffer grows only once bytes are there, and by no more than it holds already (from
    // 1 KiB): a silent or dribbling connection holds next to nothing.
    loop {
        match tokio::time::timeout_at(deadline, stream.readable()).await {
            Ok(Ok(())) => {}
            Ok(Err(_)) => return Ok(0),
            Err(_) => return Err(Refusal::TooSlow),
        }
        let start = buf.len();
        let want = limit.min(start.clamp(1024, READ_SIZE)).max(1);
        buf.resize(start + want, 0);
        let read = stream.try_read(&mut buf[start..]);
        buf.truncate(start + *read.as_ref().unwrap_or(&0));
        match read {
            Ok(n) => return Ok(n),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(_) => return Ok(0),
        }
    }
}

async fn read_body(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    framing: Framing,
    deadline: Instant,
) -> Result<Vec<u8>, Refusal> {
    match framing {
        Framing::None => Ok(Vec::new()),
        Framing::Length(length) => {
            while buf.len() < length {
                if read_more(stream, buf, length - buf.len(), deadline).await? == 0 {
                    return Err(Refusal::Malformed);
                }
            }
            let rest = buf.split_off(length);
            Ok(std::mem::replace(buf, rest))
        }
        Framing::Chunked => {
            let mut decoder = Chunked::default();
            loop {
                let used = decoder.feed(buf)?;
                buf.drain(..used);
                if decoder.done {
                    return Ok(std::mem::take(&mut decoder.body));
                }
                // Room for the framing of what is left, never more than a body and a line.
                if read_more(stream, buf, MAX_BODY + MAX_CHUNK_LINE, deadline).await? == 0 {
                    return Err(Refusal::Malformed);
                }
            }
        }
    }
}

/// An incremental decoder of the chunked transfer coding (RFC 9112 §7.1), bounded by
/// [`MAX_BODY`]; trailer fields are read and dropped.
#[derive(Default)]
struct Chunked {
    body: Vec<u8>,
    state: ChunkState,
    trailer_bytes: usize,
    done: bool,
}

#[derive(Default, Debug, Clone, Copy, PartialEq, Eq)]
enum ChunkState {
    #[default]
    Size,
    Data(usize),
    DataEnd,
    Trailer,
}

impl Chunked {
    /// Decodes what it can of `input`; returns how many bytes it used.
    fn feed(&mut self, input: &[u8]) -> Result<usize, Refusal> {
        let mut at = 0;
        while !self.done {
            let rest = &input[at..];
            match self.state {
                ChunkState::Size => {
                    let Some(line) = line(rest, MAX_CHUNK_LINE)? else {
                        break;
                    };
                    at += line.len() + 2;
                    let digits = line.split(|&b| b == b';').next().unwrap_or_default();
                    let digits = digits.trim_ascii_end();
                    if digits.is_empty() || digits.len() > 8 {
                        return Err(
                            if digits.len() > 8 && digits.iter().all(u8::is_ascii_hexdigit) {
                                Refusal::BodyTooLarge
                            } else {
                                Refusal::Malformed
                            },
                        );
                    }
                    let size = std::str::from_utf8(digits)
                        .ok()
                        .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()))
                        .and_then(|d| usize::from_str_radix(d, 16).ok())
                        .ok_or(Refusal::Malformed)?;
                    if self.body.len().saturating_add(size) > MAX_BODY {
                        return Err(Refusal::BodyTooLarge);
                    }
                    self.state = if size == 0 {
                        ChunkState::Trailer
                    } else {
                        ChunkState::Data(size)
                    };
                }
                ChunkState::Data(left) => {
                    if rest.is_empty() {
                        break;
                    }
                    let n = left.min(rest.len());
                    self.body.extend_from_slice(&rest[..n]);
                    at += n;
                    self.state = if n == left {
                        ChunkState::DataEnd
                    } else {
                        ChunkState::Data(left - n)
                    };
                }
                ChunkState::DataEnd => {
                    if rest.len() < 2 {
                        break;
                    }
                    if &rest[..2] != b"\r\n" {
                        return Err(Refusal::Malformed);
                    }
                    at += 2;
                    self.state = ChunkState::Size;
                }
                ChunkState::Trailer => {
                    let Some(line) = line(rest, MAX_HEADERS)? else {
                        break;
                    };
                    at += line.len() + 2;
                    self.trailer_bytes += line.len() + 2;
                    if self.trailer_bytes > MAX_HEADERS {
                        return Err(Refusal::HeadTooLarge);
                    }
                    self.done = line.is_empty();
                }
            }
        }
        Ok(at)
    }
}

/// The line at the start of `input`, without its CRLF; `None` when it has not all arrived.
fn line(input: &[u8], max: usize) -> Result<Option<&[u8]>, Refusal> {
    match input.windows(2).position(|w| w == b"\r\n") {
        Some(end) if end <= max => Ok(Some(&input[..end])),
        Some(_) => Err(Refusal::Malformed),
        None if input.len() > max + 1 => Err(Refusal::Malformed),
        None => Ok(None),
    }
}

async fn write_response(
    stream: &mut TcpStream,
    resp: Resp,
    request_id: &str,
    keep_alive: bool,
    is_head: bool,
) -> std::io::Result<()> {
    let status = resp.status;
    let no_body = status == 204 || status == 304 || (100..200).contains(&status);
    let mut out = Vec::with_capacity(256 + resp.body_bytes().len());
    out.extend_from_slice(format!("HTTP/1.1 {status} {}\r\n", reason(status)).as_bytes());
    let framing_names = ["content-length", "transfer-encoding", "connection", "date"];
    for (name, value) in &resp.headers {
        let safe = |s: &str| !s.bytes().any(|b| b == b'\r' || b == b'\n');
        if safe(name) && safe(value) && !framing_names.iter().any(|f| name.eq_ignore_ascii_case(f))
        {
            out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
        }
    }
    out.extend_from_slice(format!("X-Okta-Request-Id: {request_id}\r\n").as_bytes());
    out.extend_from_slice(
        format!(
            "Date: {}\r\n",
            httpdate::fmt_http_date(std::time::SystemTime::now())
        )
        .as_bytes(),
    );
    if !no_body {
        out.extend_from_slice(
            format!("Content-Length: {}\r\n", resp.body_bytes().len()).as_bytes(),
        );
    }
    if !keep_alive {
        out.extend_from_slice(b"Connection: close\r\n");
    }
    out.extend_from_slice(b"\r\n");
    if no_body || is_head {
        return stream.write_all(&out).await;
    }
    match resp.body {
        Body::Bytes(bytes) => {
            out.extend_from_slice(&bytes);
            stream.write_all(&out).await
        }
        Body::Slow {
            bytes,
            chunk,
            pause_ms,
        } => {
            stream.write_all(&out).await?;
            for piece in bytes.chunks(chunk.max(1)) {
                tokio::time::sleep(Duration::from_millis(pause_ms)).await;
                stream.write_all(piece).await?;
            }
            Ok(())
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(http_11: bool, headers: &[(&str, &str)]) -> Head {
        Head {
            method: "POST".into(),
            target: "/".into(),
            http_11,
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
        }
    }

    #[test]
    fn framing_follows_rfc_9112_section_6() {
        assert_eq!(framing(&head(true, &[])), Ok(Framing::None));
        assert_eq!(
            framing(&head(true, &[("content-length", "12")])),
            Ok(Framing::Length(12))
        );
        // Repeated but equal lengths are one length (§6.3 item 5); unequal ones are an error.
        assert_eq!(
            framing(&head(true, &[("content-length", "12, 12")])),
            Ok(Framing::Length(12))
        );
        for bad in [
            "12, 13",
            "-1",
            "+1",
            "0x10",
            "1 2",
            "",
            "99999999999999999999",
        ] {
            assert_eq!(
                framing(&head(true, &[("content-length", bad)])),
                Err(Refusal::Malformed),
                "{bad:?}"
            );
        }
        assert_eq!(
            framing(&head(true, &[("content-length", "99999999999")])),
            Err(Refusal::BodyTooLarge)
        );
        assert_eq!(
            framing(&head(true, &[("transfer-encoding", "Chunked")])),
            Ok(Framing::Chunked)
        );
        assert_eq!(
            framing(&head(
                true,
                &[("transfer-encoding", "chunked"), ("content-length", "5")]
            )),
            Err(Refusal::Smuggling)
        );
        assert_eq!(
            framing(&head(true, &[("transfer-encoding", "gzip, chunked")])),
            Err(Refusal::UnknownCoding)
        );
        // HTTP/1.0 has no transfer codings (§6.1).
        assert_eq!(
            framing(&head(false, &[("transfer-encoding", "chunked")])),
            Err(Refusal::Malformed)
        );
    }

    #[test]
    fn keep_alive_is_the_default_of_http_11_only() {
        assert!(head(true, &[]).keep_alive());
        assert!(!head(true, &[("connection", "keep-alive, Close")]).keep_alive());
        assert!(!head(false, &[]).keep_alive());
        assert!(head(false, &[("connection", "Keep-Alive")]).keep_alive());
    }

    #[test]
    fn chunked_bodies_decode_across_any_split() {
        // RFC 9112 §7.1's grammar: extensions after the size, trailer fields after the last chunk.
        let wire = b"4;ext=1\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nExpires: never\r\n\r\nNEXT";
        for split in 0..wire.len() {
            let mut decoder = Chunked::default();
            let mut buf = wire[..split].to_vec();
            let used = decoder.feed(&buf).unwrap();
            buf.drain(..used);
            buf.extend_from_slice(&wire[split..]);
            let used = decoder.feed(&buf).unwrap();
            assert!(decoder.done, "split at {split}");
            assert_eq!(decoder.body, b"Wikipedia in\r\n\r\nchunks.");
            assert_eq!(&buf[used..], b"NEXT");
        }
    }

    #[test]
    fn chunked_bodies_are_bounded_and_strict() {
        let too_large = format!("{:x}\r\n", MAX_BODY + 1);
        assert_eq!(
            Chunked::default().feed(too_large.as_bytes()),
            Err(Refusal::BodyTooLarge)
        );
        assert_eq!(
            Chunked::default().feed(b"fffffffffffffffffffff\r\n"),
            Err(Refusal::BodyTooLarge)
        );
        for bad in [&b"zz\r\n"[..], b"\r\n", b"-1\r\n", b"3\r\nabcX\r\n"] {
            assert_eq!(
                Chunked::default().feed(bad),
                Err(Refusal::Malformed),
                "{bad:?}"
            );
        }
        // A size line that never ends is refused once it is longer than any real one.
        let long = vec![b'1'; MAX_CHUNK_LINE + 10];
        assert_eq!(Chunked::default().feed(&long), Err(Refusal::Malformed));
    }

    #[test]
    fn targets_keep_their_query() {
        assert_eq!(
            split_target("/api/v1/users?limit=2"),
            Some(("/api/v1/users".into(), Some("limit=2".into())))
        );
        assert_eq!(
            split_target("http://127.0.0.1:9/oauth2/v1/keys"),
            Some(("/oauth2/v1/keys".into(), None))
        );
        assert_eq!(
            split_target("http://h?x=1"),
            Some(("/".into(), Some("x=1".into())))
        );
        assert_eq!(split_target("*"), None);
    }
}
