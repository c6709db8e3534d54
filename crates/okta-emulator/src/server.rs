//! The HTTP server: tiny_http on 127.0.0.1, a few worker threads, caps on headers and bodies.

use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

use crate::http::{Body, MAX_BODY, MAX_HEADERS, Req, Resp};
use crate::org::Org;

/// Worker threads: enough for keep-alive clients and concurrent test threads.
const WORKERS: usize = 8;

pub(crate) struct Server {
    http: Arc<tiny_http::Server>,
    stopping: Arc<AtomicBool>,
    workers: Vec<JoinHandle<()>>,
}

impl Server {
    pub(crate) fn start(port: u16, org: Arc<Org>) -> std::io::Result<(Server, u16)> {
        let http = tiny_http::Server::from_listener(listener(port)?, None)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::AddrInUse, e.to_string()))?;
        let port = http.server_addr().to_ip().map_or(port, |a| a.port());
        let http = Arc::new(http);
        let stopping = Arc::new(AtomicBool::new(false));
        let workers = (0..WORKERS)
            .map(|_| {
                let (http, org, stopping) = (http.clone(), org.clone(), stopping.clone());
                std::thread::spawn(move || {
                    while let Ok(request) = http.recv() {
                        if stopping.load(Ordering::SeqCst) {
                            break;
                        }
                        serve(&org, request);
                    }
                })
            })
            .collect();
        Ok((
            Server {
                http,
                stopping,
                workers,
            },
            port,
        ))
    }
}

/// A loopback listener with `TCP_NODELAY`, which Linux passes on to every accepted connection.
///
/// tiny_http writes a response through a 1 KiB buffer, so most responses leave in two small
/// writes; with Nagle's algorithm on, the second waits for the client's delayed ACK, about 40 ms
/// a request on Linux loopback.
fn listener(port: u16) -> std::io::Result<std::net::TcpListener> {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    socket.set_reuse_address(true)?;
    socket.set_tcp_nodelay(true)?;
    socket.bind(&std::net::SocketAddr::from(([127, 0, 0, 1], port)).into())?;
    socket.listen(1024)?;
    Ok(socket.into())
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        for _ in &self.workers {
            self.http.unblock();
        }
        for w in self.workers.drain(..) {
            let _ = w.join();
        }
    }
}

fn serve(org: &Org, mut request: tiny_http::Request) {
    let request_id = org.new_request_id();
    let headers: Vec<(String, String)> = request
        .headers()
        .iter()
        .map(|h| {
            (
                h.field.as_str().as_str().to_ascii_lowercase(),
                h.value.as_str().to_owned(),
            )
        })
        .collect();
    let header_bytes: usize = headers.iter().map(|(n, v)| n.len() + v.len() + 4).sum();
    let (path, query) = match request.url().split_once('?') {
        Some((p, q)) => (p.to_owned(), Some(q.to_owned())),
        None => (request.url().to_owned(), None),
    };
    let mut body = Vec::new();
    let read = request
        .as_reader()
        .take(MAX_BODY as u64 + 1)
        .read_to_end(&mut body);
    let req = Req {
        method: request.method().as_str().to_owned(),
        path,
        query,
        headers,
        body,
        request_id,
    };
    let resp = if header_bytes > MAX_HEADERS {
        crate::errors::okta(431, "E0000003", "Request header fields too large.", &[])
    } else if read.is_err() || req.body.len() > MAX_BODY {
        crate::errors::okta(
            413,
            "E0000003",
            "The request body was not well-formed.",
            &[],
        )
        .outcome("body_too_large")
    } else {
        org.handle(&req)
    };
    let _ = request.respond(to_tiny(resp, &req.request_id));
}

fn to_tiny(resp: Resp, request_id: &str) -> tiny_http::Response<Box<dyn Read + Send>> {
    let mut headers: Vec<tiny_http::Header> = resp
        .headers
        .iter()
        .filter_map(|(n, v)| tiny_http::Header::from_bytes(n.as_bytes(), v.as_bytes()).ok())
        .collect();
    if let Ok(h) = tiny_http::Header::from_bytes(&b"X-Okta-Request-Id"[..], request_id.as_bytes()) {
        headers.push(h);
    }
    let (reader, len): (Box<dyn Read + Send>, usize) = match resp.body {
        Body::Bytes(bytes) => {
            let len = bytes.len();
            (Box::new(std::io::Cursor::new(bytes)), len)
        }
        Body::Slow {
            bytes,
            chunk,
            pause_ms,
        } => {
            let len = bytes.len();
            (
                Box::new(SlowReader {
                    bytes,
                    at: 0,
                    chunk: chunk.max(1),
                    pause_ms,
                }),
                len,
            )
        }
    };
    tiny_http::Response::new(
        tiny_http::StatusCode(resp.status),
        headers,
        reader,
        Some(len),
        None,
    )
}

/// A body that arrives `chunk` bytes at a time, `pause_ms` apart.
struct SlowReader {
    bytes: Vec<u8>,
    at: usize,
    chunk: usize,
    pause_ms: u64,
}

impl Read for SlowReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.at >= self.bytes.len() {
            return Ok(0);
        }
        std::thread::sleep(std::time::Duration::from_millis(self.pause_ms));
        let n = self.chunk.min(buf.len()).min(self.bytes.len() - self.at);
        buf[..n].copy_from_slice(&self.bytes[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}
