//! The bridge's HTTP side: hyper's HTTP/1.1 server on a two-thread tokio runtime, every
//! connection, head, body and wait bounded; each request checked by `rules`, then sent on from
//! the blocking pool (the client half of this crate is blocking) and its answer streamed back.

use std::collections::HashMap;
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use http_body_util::BodyExt as _;
use hyper::body::Incoming;
use hyper::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, HOST};
use hyper::{Request, Response};
use tokio::sync::{Semaphore, mpsc, oneshot};

use super::rules::{self, Refusal};
use super::{Bridge, BridgeEvent, BridgeLimits, Events, Tokens};
use crate::error::{Error, Result, safe};
use crate::http::auth::Credential;
use crate::http::client::{Okta, lock};
use crate::http::method::Method;
use crate::ids::Scope;
use crate::secrets::BridgeSecret;

/// The most of Okta's answer read and handed on at once.
const CHUNK: usize = 256 * 1024;

/// Reads up to `size` bytes of Okta's answer (as many reads as it takes): the part, and
/// whether the answer ended with it. When `whole` (`size` is the answer's length), the end is
/// read too, so that the HTTP client sees it and keeps the connection for the next request.
fn fill(
    reader: &mut impl std::io::Read,
    buffer: &mut bytes::BytesMut,
    size: usize,
    whole: bool,
) -> std::io::Result<(Bytes, bool)> {
    buffer.resize(size, 0);
    let mut filled = 0;
    let ended = loop {
        let read = if filled < buffer.len() {
            reader.read(&mut buffer[filled..])
        } else if whole {
            reader.read(&mut [0u8; 1])
        } else {
            break false;
        };
        match read {
            Ok(0) => break true,
            Ok(_) if filled == buffer.len() => {
                return Err(std::io::Error::other("the answer is longer than it said"));
            }
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    };
    buffer.truncate(filled);
    Ok((buffer.split().freeze(), ended))
}

/// What [`start`] needs.
pub(super) struct Setup {
    pub(super) okta: Okta,
    pub(super) tokens: Tokens,
    pub(super) port: u16,
    pub(super) secret: BridgeSecret,
    pub(super) fixed: Option<Vec<Scope>>,
    pub(super) limits: BridgeLimits,
    pub(super) events: Option<Events>,
}

/// The bridge's thread, and how to stop it.
pub(super) struct Running {
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Running {
    pub(super) fn wait(&mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.wait();
    }
}

/// What every request reads.
struct State {
    okta: Okta,
    tokens: Tokens,
    port: u16,
    base: String,
    secret: BridgeSecret,
    fixed: Option<Vec<Scope>>,
    limits: BridgeLimits,
    events: Option<Events>,
    /// One credential per scope set, made on first use.
    sources: Mutex<HashMap<Vec<String>, Arc<dyn Credential>>>,
    in_flight: Arc<Semaphore>,
}

impl State {
    /// The credential for `scopes`, made once per set.
    fn credential(&self, scopes: &[Scope]) -> Result<Arc<dyn Credential>> {
        let mut key: Vec<String> = scopes.iter().map(|s| s.as_str().to_owned()).collect();
        key.sort();
        key.dedup();
        let mut sources = lock(&self.sources);
        if let Some(found) = sources.get(&key) {
            return Ok(found.clone());
        }
        let made = (self.tokens)(scopes)?;
        sources.insert(key, made.clone());
        Ok(made)
    }
}

pub(super) fn start(setup: Setup) -> Result<Bridge> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", setup.port)).map_err(|e| {
        Error::InvalidInput {
            what: "the bridge's port",
            reason: match e.kind() {
                std::io::ErrorKind::AddrInUse => "it is in use",
                std::io::ErrorKind::PermissionDenied => "it is not allowed to this user",
                _ => "it cannot be listened on",
            },
        }
    })?;
    let cannot_run = |_| Error::InvalidInput {
        what: "the bridge",
        reason: "its listener or threads could not be set up",
    };
    listener.set_nonblocking(true).map_err(cannot_run)?;
    let port = listener.local_addr().map_err(cannot_run)?.port();
    let url = format!("http://127.0.0.1:{port}");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(setup.limits.in_flight.saturating_add(8))
        .thread_name("okta-bridge")
        .enable_io()
        .enable_time()
        .build()
        .map_err(cannot_run)?;
    let state = Arc::new(State {
        okta: setup.okta,
        tokens: setup.tokens,
        port,
        base: url.clone(),
        secret: setup.secret.clone(),
        fixed: setup.fixed,
        limits: setup.limits,
        events: setup.events,
        sources: Mutex::new(HashMap::new()),
        in_flight: Arc::new(Semaphore::new(setup.limits.in_flight)),
    });
    let listener = {
        let _entered = runtime.enter();
        tokio::net::TcpListener::from_std(listener).map_err(cannot_run)?
    };
    let (stop, stopped) = oneshot::channel();
    let thread = std::thread::Builder::new()
        .name("okta-bridge".into())
        .spawn(move || {
            // Serves until told to stop (or the `Bridge` is gone); the runtime's shutdown then
            // ends every connection.
            runtime.block_on(async move {
                tokio::spawn(serve(listener, state));
                let _ = stopped.await;
            });
            runtime.shutdown_timeout(Duration::from_secs(1));
        })
        .map_err(cannot_run)?;
    Ok(Bridge {
        url,
        secret: setup.secret,
        running: Running {
            stop: Some(stop),
            thread: Some(thread),
        },
    })
}

/// Accepts connections; beyond the limit, a connection is closed at once.
async fn serve(listener: tokio::net::TcpListener, state: Arc<State>) {
    let connections = Arc::new(Semaphore::new(state.limits.connections));
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            // Out of descriptors, most likely: give the open connections a moment to end.
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let Ok(permit) = connections.clone().try_acquire_owned() else {
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let state = state.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let limits = state.limits;
            let service = hyper::service::service_fn(move |request| {
                let state = state.clone();
                async move { Ok::<_, Infallible>(answer(state, request).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(limits.header_timeout)
                .max_headers(limits.max_headers)
                .max_buf_size(limits.max_header_bytes)
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .await;
        });
    }
}

/// An answer's body: whole (the bridge's own answers), or Okta's as it arrives.
pub(super) enum Answer {
    Whole(Option<Bytes>),
    Streamed(mpsc::Receiver<std::io::Result<Bytes>>),
}

impl Body for Answer {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<std::result::Result<Frame<Bytes>, std::io::Error>>> {
        match self.get_mut() {
            Answer::Whole(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            Answer::Streamed(rx) => rx.poll_recv(cx).map(|o| o.map(|r| r.map(Frame::data))),
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, Answer::Whole(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Answer::Whole(Some(b)) => SizeHint::with_exact(b.len() as u64),
            Answer::Whole(None) => SizeHint::with_exact(0),
            Answer::Streamed(_) => SizeHint::default(),
        }
    }
}

/// The bridge's own answer to a request it refused, in the shape of Okta's errors (so that
/// Okta's SDKs report it as they report Okta's).
fn refused(refusal: Refusal, detail: Option<&str>) -> Response<Answer> {
    let summary = match detail {
        Some(d) => format!("{}: {d}", refusal.summary()),
        None => refusal.summary().to_owned(),
    };
    let code = format!("okta-oauth.bridge.{}", refusal.name());
    let body = serde_json::json!({
        "errorCode": code,
        "errorSummary": summary,
        "errorLink": code,
        "errorId": "okta-oauth-bridge",
        "errorCauses": [],
    });
    let mut response = Response::new(Answer::Whole(Some(Bytes::from(body.to_string()))));
    *response.status_mut() =
        hyper::StatusCode::from_u16(refusal.status()).unwrap_or(hyper::StatusCode::BAD_REQUEST);
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    if refusal.status() == 401 {
        headers.insert(
            hyper::header::WWW_AUTHENTICATE,
            hyper::header::HeaderValue::from_static("SSWS realm=\"okta-oauth bridge\""),
        );
    }
    response
}

/// The path as a log shows it: each query value `…`, control characters and the secret out.
fn shown(path: &str, query: Option<&str>, secret: &str) -> String {
    let mut text = safe(path, 200);
    if let Some(q) = query {
        let keys: Vec<String> = q
            .split('&')
            .map(|pair| format!("{}=…", safe(pair.split('=').next().unwrap_or_default(), 40)))
            .collect();
        text = format!("{text}?{}", keys.join("&"));
    }
    if secret.len() >= 16 {
        text = text.replace(secret, "<the secret>");
    }
    text
}

/// Answers one request, and tells the event sink.
async fn answer(state: Arc<State>, request: Request<Incoming>) -> Response<Answer> {
    let start = Instant::now();
    let mut event = BridgeEvent {
        method: safe(request.method().as_str(), 16),
        path: shown(
            request.uri().path(),
            request.uri().query(),
            state.secret.expose_secret(),
        ),
        operation: None,
        scopes: Vec::new(),
        status: 0,
        elapsed: Duration::ZERO,
        refused: None,
        detail: None,
    };
    let response = match forward(&state, request, &mut event).await {
        Ok(r) => r,
        Err((refusal, detail)) => {
            event.refused = Some(refusal);
            let response = refused(refusal, detail.as_deref());
            event.detail = detail;
            response
        }
    };
    event.status = response.status().as_u16();
    event.elapsed = start.elapsed();
    if let Some(events) = &state.events {
        events(&event);
    }
    response
}

type Refused = (Refusal, Option<String>);

/// The checks, in order (nothing reaches the org before all pass), then the request sent on.
async fn forward(
    state: &Arc<State>,
    request: Request<Incoming>,
    event: &mut BridgeEvent,
) -> std::result::Result<Response<Answer>, Refused> {
    let head = request.headers();
    if !rules::own_host(head.get(HOST).map(|h| h.as_bytes()), state.port) {
        return Err((Refusal::ForeignHost, None));
    }
    rules::caller_proof(
        head.get(AUTHORIZATION).map(|h| h.as_bytes()),
        state.secret.expose_secret(),
    )
    .map_err(|r| (r, None))?;
    let uri = request.uri();
    if request.method() == hyper::Method::CONNECT
        || uri.scheme().is_some()
        || uri.authority().is_some()
    {
        return Err((Refusal::NotOriginForm, None));
    }
    let method: Method = request
        .method()
        .as_str()
        .parse()
        .map_err(|_| (Refusal::Method, None))?;
    let url =
        rules::target(state.okta.org_url(), uri.path(), uri.query()).map_err(|r| (r, None))?;
    // HEAD reads what GET reads.
    let looked_up = if method == Method::HEAD {
        Method::GET
    } else {
        method
    };
    event.operation = crate::api_scopes::operation(looked_up, uri.path());
    let scopes: Vec<Scope> = match (&state.fixed, event.operation) {
        (Some(fixed), _) => fixed.clone(),
        (None, Some(op)) => op.scopes(),
        (None, None) => return Err((Refusal::UnknownOperation, None)),
    };
    event.scopes = scopes.iter().map(|s| s.as_str().to_owned()).collect();
    let headers: Vec<(String, String)> = rules::FORWARDED
        .iter()
        .flat_map(|name| {
            head.get_all(*name)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .map(|v| ((*name).to_owned(), v.to_owned()))
        })
        .collect();
    let content_type = head
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json")
        .to_owned();
    let declared = head
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().parse::<u64>());
    let limits = state.limits;
    if matches!(declared, Some(Err(_)))
        || matches!(declared, Some(Ok(n)) if n > limits.max_body as u64)
    {
        return Err((Refusal::BodyTooLarge, None));
    }
    let body = http_body_util::Limited::new(request.into_body(), limits.max_body);
    let bytes = match tokio::time::timeout(limits.body_timeout, body.collect()).await {
        Err(_) => return Err((Refusal::SlowBody, None)),
        Ok(Err(_)) => return Err((Refusal::BodyTooLarge, None)),
        Ok(Ok(collected)) => collected.to_bytes(),
    };
    let payload = (!bytes.is_empty()).then(|| (content_type, bytes.to_vec()));
    let permit = state
        .in_flight
        .clone()
        .acquire_owned()
        .await
        .map_err(|_| (Refusal::Unreachable, None))?;
    let runtime = tokio::runtime::Handle::current();
    let named_scopes = event.scopes.join(" ");
    // The request is sent from this worker thread, which tokio hands its other tasks' share
    // of while it blocks: no thread to wake and wait for, per request. Only an answer longer
    // than one part gets a thread of its own, pumping the rest.
    let fetched = tokio::task::block_in_place(|| {
        let no_token = |e: Error| (Refusal::NoToken, Some(format!("{named_scopes}: {e}")));
        let credential = state.credential(&scopes).map_err(no_token)?;
        let named: Vec<(&str, &str)> = headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let forwarded = state
            .okta
            .forward(
                credential.as_ref(),
                method,
                &url,
                &named,
                payload.as_ref().map(|(t, b)| (t.as_str(), b.clone())),
            )
            .map_err(|e| match e {
                Error::Transport { .. } | Error::Unreachable { .. } => {
                    (Refusal::Unreachable, Some(e.to_string()))
                }
                e => no_token(e),
            })?;
        let answered = rules::answer_headers(state.okta.org_url(), &state.base, &forwarded.headers);
        // A part is at most CHUNK, and no larger than the answer says it is; an answer whose
        // length fits in one part is whole once that many bytes are read.
        let length = crate::http::transport::header(&forwarded.headers, "content-length")
            .and_then(|v| v.trim().parse::<usize>().ok());
        let (size, whole) = match length {
            Some(n) if n <= CHUNK => (n, true),
            _ => (CHUNK, false),
        };
        let mut reader = forwarded.body.into_reader();
        let mut buffer = bytes::BytesMut::new();
        let (first, ended) = fill(&mut reader, &mut buffer, size, whole).map_err(|e| {
            (
                Refusal::Unreachable,
                Some(format!("reading Okta's answer: {e}")),
            )
        })?;
        Ok::<_, Refused>((forwarded.status, answered, first, ended, reader, buffer))
    });
    let (status, answered, first, ended, mut reader, mut buffer) = fetched?;
    let body = if ended {
        drop(permit);
        Answer::Whole(Some(first))
    } else {
        let (tx, rx) = mpsc::channel(2);
        let _ = tx.try_send(Ok(first));
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            loop {
                let (chunk, ended) = match fill(&mut reader, &mut buffer, CHUNK, false) {
                    Ok((chunk, ended)) => (Ok(chunk), ended),
                    Err(e) => (Err(e), true),
                };
                if chunk.as_ref().is_ok_and(Bytes::is_empty) {
                    return;
                }
                // At once when the channel has room; otherwise waited for, but a caller that
                // stops reading holds the request no longer than the body timeout.
                let delivered = match tx.try_send(chunk) {
                    Ok(()) => true,
                    Err(mpsc::error::TrySendError::Full(chunk)) => matches!(
                        runtime.block_on(tokio::time::timeout(limits.body_timeout, tx.send(chunk))),
                        Ok(Ok(()))
                    ),
                    Err(mpsc::error::TrySendError::Closed(_)) => false,
                };
                if ended || !delivered {
                    return;
                }
            }
        });
        Answer::Streamed(rx)
    };
    let mut response = Response::new(body);
    *response.status_mut() =
        hyper::StatusCode::from_u16(status).map_err(|_| (Refusal::Unreachable, None))?;
    let out = response.headers_mut();
    for (name, value) in answered {
        if let (Ok(n), Ok(v)) = (
            hyper::header::HeaderName::from_bytes(name.as_bytes()),
            hyper::header::HeaderValue::from_str(&value),
        ) {
            out.append(n, v);
        }
    }
    Ok(response)
}
