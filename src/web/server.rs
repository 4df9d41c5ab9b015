//! The HTTP side of the web gateway: axum on a tokio runtime in its own thread. It
//! knows nothing of the exercise: every request that needs it becomes a [`Job`] for
//! the bevy side (over a channel, answered through a oneshot), and server-sent event
//! streams are channels the bevy side writes to. Here live only the web's own
//! concerns: cookies, limits on size and rate, security headers, embedded assets.
//!
//! Sockets come from async-io (which bevy already builds), adapted to hyper's I/O by
//! tokio-util's compat layer and hyper-util; tokio's own `net` feature would switch
//! on mio's `net` feature, shared with bevy's file watcher, and rebuild bevy.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tokio::sync::{mpsc, oneshot};

/// The cookie that carries a browser's seat token.
pub const COOKIE: &str = "cbm_ttx_seat";
/// Largest request body (a composed action with 4000 characters of text fits).
pub const MAX_BODY: usize = 32 * 1024;
/// Longest request target.
pub const MAX_URI: usize = 2048;
/// Largest request head hyper buffers.
pub const MAX_HEAD: usize = 16 * 1024;
/// Open connections at most (SSE streams included); more are closed at once.
pub const MAX_CONNECTIONS: u64 = 2048;
/// Open connections from one client address at most; more are closed at once.
/// Loopback peers are exempt, and so is everyone behind a TLS-terminating proxy
/// (`--web-url https://…`): there every participant comes from the proxy's address.
pub const MAX_PER_ADDRESS: usize = 32;
/// A seated browser's requests: sustained rate per second, and burst.
pub const SEAT_RATE: (f64, f64) = (20.0, 60.0);
/// Requests from one address without a seat (join attempts, the board): rate, burst.
pub const ADDRESS_RATE: (f64, f64) = (30.0, 200.0);
/// How long a request waits for the exercise before "busy".
const ANSWER_WITHIN: Duration = Duration::from_secs(10);
/// How long a client may take to send a request head.
const HEAD_WITHIN: Duration = Duration::from_secs(10);
/// How long a client may take to send a whole request body, from the moment its head
/// has arrived; a slower one gets 408 and its connection is closed.
pub const BODY_WITHIN: Duration = Duration::from_secs(10);

/// What a request asks of the exercise.
#[derive(Debug)]
pub enum Ask {
    /// `GET /`: the seat's page, or the join page.
    Page {
        token: Option<String>,
        code: Option<String>,
    },
    /// `POST /join`: the code, a name, and maybe a seat.
    Join {
        token: Option<String>,
        form: Vec<(String, String)>,
    },
    /// `POST /compose`: the composer again, for the fields chosen so far.
    Compose {
        token: Option<String>,
        form: Vec<(String, String)>,
        htmx: bool,
    },
    /// `POST /act`: stage, withdraw, ready.
    Act {
        token: Option<String>,
        form: Vec<(String, String)>,
        htmx: bool,
    },
    /// `GET /events`: the seat's live panels.
    Subscribe { token: Option<String> },
    /// `GET /board`.
    Board { code: Option<String> },
    /// `GET /board/events`.
    BoardSubscribe { code: Option<String> },
    /// `GET /api/events?from=N`: the seat's events and what they disclose, as JSON.
    ApiEvents { token: Option<String>, from: usize },
    /// `POST /api/command`: a command as JSON, for the seat (or control, with its key).
    ApiCommand {
        token: Option<String>,
        key: Option<String>,
        body: Bytes,
    },
}

/// One push on a live stream: a named event with HTML, or a keep-alive.
#[derive(Debug, Clone)]
pub struct Push {
    /// Event name; empty for a keep-alive comment.
    pub event: &'static str,
    pub data: String,
}

/// What the bevy side answers.
#[derive(Debug)]
pub enum ReplyBody {
    Html(String),
    Json(String),
    Stream(mpsc::Receiver<Push>),
    Empty,
}

/// The seat cookie in an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CookieOp {
    Keep,
    Set(String),
    Clear,
}

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: ReplyBody,
    pub cookie: CookieOp,
    /// A redirect (303 See Other) after a form post.
    pub location: Option<&'static str>,
}

impl Reply {
    pub fn html(status: u16, html: String) -> Reply {
        Reply {
            status,
            body: ReplyBody::Html(html),
            cookie: CookieOp::Keep,
            location: None,
        }
    }
    pub fn json(status: u16, json: String) -> Reply {
        Reply {
            status,
            body: ReplyBody::Json(json),
            cookie: CookieOp::Keep,
            location: None,
        }
    }
    pub fn see_other(to: &'static str) -> Reply {
        Reply {
            status: 303,
            body: ReplyBody::Empty,
            cookie: CookieOp::Keep,
            location: Some(to),
        }
    }
    pub fn with_cookie(mut self, c: CookieOp) -> Reply {
        self.cookie = c;
        self
    }
}

/// A request for the bevy side, with where to answer.
#[derive(Debug)]
pub struct Job {
    pub ask: Ask,
    pub reply: oneshot::Sender<Reply>,
    pub received: Instant,
}

/// Counters the HTTP side keeps (the bevy side adds its own). Each refusal is
/// counted under exactly one of them.
#[derive(Debug, Default)]
pub struct Counters {
    /// Requests answered 400, 404, 405, 414, 415 or 422.
    pub malformed: AtomicU64,
    /// Requests answered 413 (a body over [`MAX_BODY`]).
    pub oversized: AtomicU64,
    /// Requests answered 429 (over a seat's or an address's rate).
    pub flooded: AtomicU64,
    /// State-changing requests refused with 403 because they came from another
    /// site or origin (`Origin`, `Sec-Fetch-Site`).
    pub cross_site: AtomicU64,
    /// Requests whose body did not arrive within [`BODY_WITHIN`] (answered 408), and
    /// connections that sent no complete first request head within 10 s (closed;
    /// idle keep-alive connections closed after a request are not counted).
    pub timed_out: AtomicU64,
    /// Requests seen (each counted once, whatever the answer).
    pub requests: AtomicU64,
    /// Connections open now.
    pub open: AtomicU64,
    /// Connections closed at once because [`MAX_CONNECTIONS`] were open.
    pub turned_away: AtomicU64,
    /// Connections closed at once because their address had [`MAX_PER_ADDRESS`] open.
    pub over_address_cap: AtomicU64,
}

/// The HTTP side's counters at one moment (see [`Counters`] for what each counts).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub requests: u64,
    pub malformed: u64,
    pub oversized: u64,
    pub flooded: u64,
    pub cross_site: u64,
    pub timed_out: u64,
    pub turned_away: u64,
    pub over_address_cap: u64,
    /// Connections open at that moment.
    pub open: u64,
}

impl Counters {
    /// A copy of every counter.
    pub fn tally(&self) -> Tally {
        let l = |c: &AtomicU64| c.load(Ordering::Relaxed);
        Tally {
            requests: l(&self.requests),
            malformed: l(&self.malformed),
            oversized: l(&self.oversized),
            flooded: l(&self.flooded),
            cross_site: l(&self.cross_site),
            timed_out: l(&self.timed_out),
            turned_away: l(&self.turned_away),
            over_address_cap: l(&self.over_address_cap),
            open: l(&self.open),
        }
    }
}

/// Open connections by client address, capped: [`AddressSlots::enter`] hands out a
/// [`Slot`] while the address has fewer than the cap open, and the slot gives its
/// place back when dropped (when the connection ends).
#[derive(Debug, Clone)]
pub struct AddressSlots {
    cap: usize,
    open: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

/// One open connection's place in its address's count (see [`AddressSlots`]).
#[derive(Debug)]
pub struct Slot {
    ip: IpAddr,
    open: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

impl AddressSlots {
    /// At most `cap` open connections per address.
    pub fn new(cap: usize) -> AddressSlots {
        AddressSlots {
            cap,
            open: Arc::default(),
        }
    }

    /// A place for one more connection from `ip` (IPv4-mapped IPv6 addresses count
    /// as their IPv4 address), or None if it already has `cap` open.
    pub fn enter(&self, ip: IpAddr) -> Option<Slot> {
        let ip = ip.to_canonical();
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let n = open.entry(ip).or_insert(0);
        if *n >= self.cap {
            return None;
        }
        *n += 1;
        Some(Slot {
            ip,
            open: self.open.clone(),
        })
    }

    /// Connections open from `ip` now.
    pub fn open(&self, ip: IpAddr) -> usize {
        let open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        open.get(&ip.to_canonical()).copied().unwrap_or(0)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = open.get_mut(&self.ip) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                open.remove(&self.ip);
            }
        }
    }
}

/// Whether connections from `peer` count against [`MAX_PER_ADDRESS`]: not from
/// loopback (a reverse proxy on this machine, local tests), and not at all when
/// `behind_proxy` (every participant then comes from the proxy's address).
pub fn address_capped(peer: IpAddr, behind_proxy: bool) -> bool {
    !behind_proxy && !peer.to_canonical().is_loopback()
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Token buckets by key (a seat's token, or an address).
#[derive(Debug, Default)]
struct Limiter {
    buckets: HashMap<String, Bucket>,
}

impl Limiter {
    fn allow(&mut self, key: &str, (rate, burst): (f64, f64), now: Instant) -> bool {
        if self.buckets.len() > 100_000 {
            // Forget the idle ones (full again by now).
            self.buckets
                .retain(|_, b| now.duration_since(b.at).as_secs_f64() * rate < burst);
        }
        let b = self.buckets.entry(key.to_owned()).or_insert(Bucket {
            tokens: burst,
            at: now,
        });
        b.tokens = (b.tokens + now.duration_since(b.at).as_secs_f64() * rate).min(burst);
        b.at = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[derive(Clone)]
struct Shared {
    jobs: mpsc::UnboundedSender<Job>,
    counters: Arc<Counters>,
    limiter: Arc<Mutex<Limiter>>,
    secure: bool,
    /// The origin of `--web-url` (`https://ttx.example.org`), normalised.
    public_origin: Option<String>,
}

/// The peer of a connection.
#[derive(Clone, Copy, Debug)]
struct Peer(SocketAddr);

/// When a request's head had arrived.
#[derive(Clone, Copy, Debug)]
struct Arrived(Instant);

/// A running web server: dropping it stops it.
#[derive(Debug)]
pub struct Server {
    pub addr: SocketAddr,
    pub counters: Arc<Counters>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.take();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Listen at `bind` and serve; jobs for the exercise arrive on the returned receiver.
/// `public_url`: the address participants use when it is not this machine's
/// (`--web-url`, e.g. `https://ttx.example.org`). Its origin is accepted on
/// state-changing requests besides the request's own; if it is `https://…`,
/// participants come through a TLS-terminating proxy: the seat cookie is marked
/// `Secure` and connections are not capped per address. Errors: the socket cannot be
/// bound, or the server thread cannot start.
pub fn start(
    bind: SocketAddr,
    public_url: Option<&str>,
) -> std::io::Result<(Server, mpsc::UnboundedReceiver<Job>)> {
    let secure = public_url.is_some_and(|u| u.trim().to_ascii_lowercase().starts_with("https://"));
    let listener = TcpListener::bind(bind)?;
    let addr = listener.local_addr()?;
    listener.set_nonblocking(true)?;
    let (jobs, rx) = mpsc::unbounded_channel();
    let counters = Arc::new(Counters::default());
    let shared = Shared {
        jobs,
        counters: counters.clone(),
        limiter: Arc::default(),
        secure,
        public_origin: public_url.and_then(url_origin),
    };
    let (stop, stopped) = oneshot::channel();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()?;
    let thread = std::thread::Builder::new()
        .name("cbm-ttx-web".into())
        .spawn(move || {
            runtime.block_on(serve(listener, router(shared.clone()), shared, stopped));
        })?;
    Ok((
        Server {
            addr,
            counters,
            stop: Some(stop),
            thread: Some(thread),
        },
        rx,
    ))
}

async fn serve(
    listener: TcpListener,
    app: Router,
    shared: Shared,
    mut stopped: oneshot::Receiver<()>,
) {
    let listener = match async_io::Async::new(listener) {
        Ok(l) => l,
        Err(e) => {
            bevy::log::error!("web: cannot watch the listening socket: {e}");
            return;
        }
    };
    let slots = AddressSlots::new(MAX_PER_ADDRESS);
    loop {
        let accept = std::pin::pin!(listener.accept());
        let (stream, peer) = match futures_util::future::select(accept, &mut stopped).await {
            futures_util::future::Either::Left((Ok(x), _)) => x,
            futures_util::future::Either::Left((Err(_), _)) => {
                // Out of file descriptors or similar: wait a moment and go on.
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
            futures_util::future::Either::Right(_) => return,
        };
        let counters = shared.counters.clone();
        if counters.open.load(Ordering::Relaxed) >= MAX_CONNECTIONS {
            counters.turned_away.fetch_add(1, Ordering::Relaxed);
            continue;
        }
        let slot = if address_capped(peer.ip(), shared.secure) {
            match slots.enter(peer.ip()) {
                Some(s) => Some(s),
                None => {
                    counters.over_address_cap.fetch_add(1, Ordering::Relaxed);
                    continue;
                }
            }
        } else {
            None
        };
        counters.open.fetch_add(1, Ordering::Relaxed);
        let _ = stream.get_ref().set_nodelay(true);
        let app = app.clone();
        tokio::spawn(async move {
            connection(stream, peer, app, &counters).await;
            counters.open.fetch_sub(1, Ordering::Relaxed);
            drop(slot);
        });
    }
}

async fn connection(
    stream: async_io::Async<TcpStream>,
    peer: SocketAddr,
    app: Router,
    counters: &Counters,
) {
    use tokio_util::compat::FuturesAsyncReadCompatExt;
    let io = hyper_util::rt::TokioIo::new(stream.compat());
    // Whether a request head arrived (after one, a head timeout is an idle keep-alive
    // connection closing, not a slow client).
    let served = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let seen = served.clone();
    let service = tower::service_fn(move |mut req: Request<hyper::body::Incoming>| {
        seen.store(true, Ordering::Relaxed);
        req.extensions_mut().insert(Peer(peer));
        req.extensions_mut().insert(Arrived(Instant::now()));
        let app = app.clone();
        async move {
            use tower::ServiceExt;
            app.oneshot(req.map(Body::new)).await
        }
    });
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(HEAD_WITHIN)
        .max_buf_size(MAX_HEAD);
    if let Err(e) = http
        .serve_connection(io, hyper_util::service::TowerToHyperService::new(service))
        .await
        && e.is_timeout()
        && !served.load(Ordering::Relaxed)
    {
        // No complete first request head within HEAD_WITHIN.
        counters.timed_out.fetch_add(1, Ordering::Relaxed);
    }
}

fn router(shared: Shared) -> Router {
    Router::new()
        .route("/", get(page))
        .route("/join", post(join))
        .route("/compose", post(compose))
        .route("/act", post(act))
        .route("/events", get(events))
        .route("/board", get(board))
        .route("/board/events", get(board_events))
        .route("/api/events", get(api_events))
        .route("/api/command", post(api_command))
        .route("/assets/{name}", get(asset))
        .route("/favicon.ico", get(favicon))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(middleware::from_fn_with_state(shared.clone(), guard))
        .with_state(shared)
}

// ---- the guard: limits, counters, headers ------------------------------------------

const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

async fn guard(State(st): State<Shared>, req: Request, next: Next) -> Response {
    st.counters.requests.fetch_add(1, Ordering::Relaxed);
    let is_asset = req.uri().path().starts_with("/assets/");
    let mut res = if req.uri().to_string().len() > MAX_URI {
        (StatusCode::URI_TOO_LONG, "request target too long").into_response()
    } else if let Some(why) = foreign(&req, st.public_origin.as_deref()) {
        st.counters.cross_site.fetch_add(1, Ordering::Relaxed);
        (
            StatusCode::FORBIDDEN,
            format!("refused: {why}. Use the exercise's own page."),
        )
            .into_response()
    } else if !allowed(&st, &req) {
        st.counters.flooded.fetch_add(1, Ordering::Relaxed);
        let mut r = (
            StatusCode::TOO_MANY_REQUESTS,
            "too many requests: slow down and try again in a moment",
        )
            .into_response();
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        r
    } else {
        match whole_body(req).await {
            Ok(req) => next.run(req).await,
            Err(res) => *res,
        }
    };
    match res.status().as_u16() {
        408 => {
            st.counters.timed_out.fetch_add(1, Ordering::Relaxed);
        }
        413 => {
            st.counters.oversized.fetch_add(1, Ordering::Relaxed);
        }
        400 | 404 | 405 | 414 | 415 | 422 => {
            st.counters.malformed.fetch_add(1, Ordering::Relaxed);
        }
        _ => {}
    }
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        // Not `no-referrer`: under it a browser sends `Origin: null` with the page's
        // own forms, and browsers without `Sec-Fetch-Site` could then not be told
        // from a forged request. Nothing leaves for another origin either way.
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !is_asset {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// The request with its whole body read, if the body arrived within [`BODY_WITHIN`]
/// of the head and is at most [`MAX_BODY`] bytes; else the answer: 408 (and the
/// connection closed), 413, or 400 (a broken body).
async fn whole_body(req: Request) -> Result<Request, Box<Response>> {
    use axum::body::HttpBody;
    use futures_util::StreamExt;
    if req.body().is_end_stream() {
        return Ok(req);
    }
    let arrived = req
        .extensions()
        .get::<Arrived>()
        .map_or_else(Instant::now, |a| a.0);
    let (parts, body) = req.into_parts();
    let read = async {
        let mut data = body.into_data_stream();
        let mut all = Vec::new();
        while let Some(chunk) = data.next().await {
            let chunk = chunk.map_err(|_| {
                (StatusCode::BAD_REQUEST, "the request body is broken").into_response()
            })?;
            if all.len() + chunk.len() > MAX_BODY {
                return Err((
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "the request body is too large",
                )
                    .into_response());
            }
            all.extend_from_slice(&chunk);
        }
        Ok(all)
    };
    match tokio::time::timeout_at((arrived + BODY_WITHIN).into(), read).await {
        Ok(Ok(all)) => Ok(Request::from_parts(parts, Body::from(all))),
        Ok(Err(res)) => Err(Box::new(res)),
        Err(_) => Err(Box::new(
            (
                StatusCode::REQUEST_TIMEOUT,
                [(header::CONNECTION, "close")],
                "the request body took too long to arrive",
            )
                .into_response(),
        )),
    }
}

/// Why a state-changing request (any method but GET and HEAD) must be refused as
/// coming from another site or origin, or None if it may go on. A request without
/// `Origin` and `Sec-Fetch-Site` (not a browser) may go on. `Sec-Fetch-Site` (set by
/// the browser, never by a page) decides when present: `same-origin` or `none` go on
/// whatever `Origin` says (a browser sends `Origin: null` for its own forms under
/// some referrer policies), anything else is refused. Without it (browsers before
/// 2023), `Origin` must be the request's own (`http://` or `https://` and its `Host`)
/// or `public_origin` (the origin of `--web-url`); `null`, several origins or one
/// that is not an http(s) origin are refused.
fn foreign(req: &Request, public_origin: Option<&str>) -> Option<&'static str> {
    if matches!(
        *req.method(),
        axum::http::Method::GET | axum::http::Method::HEAD
    ) {
        return None;
    }
    let headers = req.headers();
    let mut fetch_site = headers.get_all("sec-fetch-site").iter();
    match (fetch_site.next(), fetch_site.next()) {
        (None, _) => {}
        (Some(v), None)
            if v.to_str().is_ok_and(|v| {
                let v = v.trim();
                v.eq_ignore_ascii_case("same-origin") || v.eq_ignore_ascii_case("none")
            }) =>
        {
            return None;
        }
        _ => return Some("the request came from another site"),
    }
    let mut origins = headers.get_all(header::ORIGIN).iter();
    let origin = match (origins.next(), origins.next()) {
        (None, _) => return None,
        (Some(v), None) => match v.to_str() {
            Ok(v) => v.trim(),
            Err(_) => return Some("the request names an unreadable origin"),
        },
        _ => return Some("the request names more than one origin"),
    };
    if origin.eq_ignore_ascii_case("null") {
        return Some("the request came from a page without an origin");
    }
    let Some(origin) = url_origin(origin) else {
        return Some("the request came from a page that is not a web site");
    };
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned)
        .or_else(|| req.uri().authority().map(|a| a.to_string()));
    let own = host.iter().flat_map(|h| {
        [
            url_origin(&format!("http://{}", h.trim())),
            url_origin(&format!("https://{}", h.trim())),
        ]
    });
    if own
        .flatten()
        .chain(public_origin.map(str::to_owned))
        .any(|o| o == origin)
    {
        None
    } else {
        Some("the request came from another site or port")
    }
}

/// The origin of an absolute `http://` or `https://` URL, normalised for comparison:
/// lower case, without a path, without the scheme's default port
/// (`HTTPS://Ttx.Example.org:443/x` → `https://ttx.example.org`). None for other
/// schemes or an empty host.
fn url_origin(url: &str) -> Option<String> {
    let url = url.trim().to_ascii_lowercase();
    let (scheme, rest) = url.split_once("://")?;
    let default = match scheme {
        "http" => ":80",
        "https" => ":443",
        _ => return None,
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let authority = authority.strip_suffix(default).unwrap_or(authority);
    if authority.is_empty() {
        return None;
    }
    Some(format!("{scheme}://{authority}"))
}

/// Rate limits: per seat token (whatever the address: a reverse proxy's clients all
/// come from one), and per address for requests without one (loopback exempt, where
/// a reverse proxy on the same machine would otherwise throttle everyone).
fn allowed(st: &Shared, req: &Request) -> bool {
    let now = Instant::now();
    let Ok(mut limiter) = st.limiter.lock() else {
        return true;
    };
    if let Some(t) = token(req.headers()) {
        return limiter.allow(&format!("t:{t}"), SEAT_RATE, now);
    }
    match req.extensions().get::<Peer>().map(|p| p.0.ip()) {
        Some(ip) if !ip.is_loopback() && !is_mapped_loopback(ip) => {
            limiter.allow(&format!("a:{ip}"), ADDRESS_RATE, now)
        }
        _ => true,
    }
}

fn is_mapped_loopback(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback()),
        IpAddr::V4(_) => false,
    }
}

// ---- handlers -------------------------------------------------------------------

/// The seat token from the cookie (only the characters a token has).
fn token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty() && v.len() <= 128 && v.chars().all(|c| c.is_ascii_alphanumeric()))
        .map(str::to_owned)
}

fn query(uri: &Uri) -> Vec<(String, String)> {
    form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
        .into_owned()
        .collect()
}

fn query_value(uri: &Uri, key: &str) -> Option<String> {
    query(uri)
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

fn is_htmx(headers: &HeaderMap) -> bool {
    headers.contains_key("hx-request")
}

/// A form body, or the 4xx it deserves.
fn form(body: Result<Bytes, BytesRejection>) -> Result<Vec<(String, String)>, Box<Response>> {
    let bytes = body.map_err(|r| Box::new((r.status(), r.body_text()).into_response()))?;
    if std::str::from_utf8(&bytes).is_err() {
        return Err(Box::new(
            (StatusCode::BAD_REQUEST, "the form is not UTF-8").into_response(),
        ));
    }
    let pairs: Vec<(String, String)> = form_urlencoded::parse(&bytes).into_owned().collect();
    if pairs.len() > 300 {
        return Err(Box::new(
            (StatusCode::BAD_REQUEST, "too many form fields").into_response(),
        ));
    }
    Ok(pairs)
}

/// Whether the request presented a seat cookie at all (whatever its value): only
/// then may an answer clear it.
fn presented(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .flat_map(|v| v.as_bytes().split(|b| *b == b';'))
        .any(|kv| {
            kv.split(|b| *b == b'=')
                .next()
                .is_some_and(|k| k.trim_ascii() == COOKIE.as_bytes())
        })
}

/// Hand `ask` to the exercise and wait for its answer. `presented`: the request
/// carried a seat cookie (see [`presented`]); an answer to one that did not never
/// clears the cookie (a cross-site request without it must not log the browser out).
async fn ask(st: &Shared, presented: bool, ask: Ask) -> Response {
    let (reply, answer) = oneshot::channel();
    let job = Job {
        ask,
        reply,
        received: Instant::now(),
    };
    if st.jobs.send(job).is_err() {
        return (StatusCode::SERVICE_UNAVAILABLE, "the exercise is closed").into_response();
    }
    match tokio::time::timeout(ANSWER_WITHIN, answer).await {
        Ok(Ok(mut r)) => {
            if r.cookie == CookieOp::Clear && !presented {
                r.cookie = CookieOp::Keep;
            }
            respond(r, st.secure)
        }
        _ => (
            StatusCode::SERVICE_UNAVAILABLE,
            "the host is busy: try again in a moment",
        )
            .into_response(),
    }
}

fn respond(r: Reply, secure: bool) -> Response {
    let status = StatusCode::from_u16(r.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut res = match r.body {
        ReplyBody::Html(s) => (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            s,
        )
            .into_response(),
        ReplyBody::Json(s) => {
            (status, [(header::CONTENT_TYPE, "application/json")], s).into_response()
        }
        ReplyBody::Empty => status.into_response(),
        ReplyBody::Stream(rx) => {
            let stream = futures_util::stream::unfold(rx, |mut rx| async move {
                let p = rx.recv().await?;
                let e = if p.event.is_empty() {
                    Event::default().comment("")
                } else {
                    Event::default().event(p.event).data(p.data)
                };
                Some((Ok::<_, Infallible>(e), rx))
            });
            let mut res = Sse::new(stream).into_response();
            // Proxies must not buffer the stream.
            res.headers_mut()
                .insert("x-accel-buffering", HeaderValue::from_static("no"));
            res
        }
    };
    if let Some(to) = r.location {
        res.headers_mut()
            .insert(header::LOCATION, HeaderValue::from_static(to));
    }
    let cookie = match r.cookie {
        CookieOp::Keep => None,
        CookieOp::Set(t) => Some(format!(
            "{COOKIE}={t}; HttpOnly; SameSite=Strict; Path=/; Max-Age=604800"
        )),
        CookieOp::Clear => Some(format!(
            "{COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"
        )),
    };
    let cookie = cookie.map(|c| if secure { format!("{c}; Secure") } else { c });
    if let Some(c) = cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        res.headers_mut().insert(header::SET_COOKIE, c);
    }
    res
}

async fn page(State(st): State<Shared>, headers: HeaderMap, uri: Uri) -> Response {
    let code = query_value(&uri, "code");
    ask(
        &st,
        presented(&headers),
        Ask::Page {
            token: token(&headers),
            code,
        },
    )
    .await
}

/// A form posted to the exercise: read the body (or answer its 4xx), then ask with
/// what `make` builds from the seat token, the form and whether htmx sent it.
async fn post_form(
    st: &Shared,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
    make: impl FnOnce(Option<String>, Vec<(String, String)>, bool) -> Ask,
) -> Response {
    match form(body) {
        Ok(form) => {
            let ask_for = make(token(headers), form, is_htmx(headers));
            ask(st, presented(headers), ask_for).await
        }
        Err(r) => *r,
    }
}

async fn join(
    State(st): State<Shared>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    post_form(&st, &headers, body, |token, form, _| Ask::Join {
        token,
        form,
    })
    .await
}

async fn compose(
    State(st): State<Shared>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    post_form(&st, &headers, body, |token, form, htmx| Ask::Compose {
        token,
        form,
        htmx,
    })
    .await
}

async fn act(
    State(st): State<Shared>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    post_form(&st, &headers, body, |token, form, htmx| Ask::Act {
        token,
        form,
        htmx,
    })
    .await
}

async fn events(State(st): State<Shared>, headers: HeaderMap) -> Response {
    ask(
        &st,
        presented(&headers),
        Ask::Subscribe {
            token: token(&headers),
        },
    )
    .await
}

async fn board(State(st): State<Shared>, uri: Uri) -> Response {
    let code = query_value(&uri, "code");
    ask(&st, false, Ask::Board { code }).await
}

async fn board_events(State(st): State<Shared>, uri: Uri) -> Response {
    let code = query_value(&uri, "code");
    ask(&st, false, Ask::BoardSubscribe { code }).await
}

async fn api_events(State(st): State<Shared>, headers: HeaderMap, uri: Uri) -> Response {
    let from = match query_value(&uri, "from").map(|f| f.parse::<usize>()) {
        None => 0,
        Some(Ok(n)) => n,
        Some(Err(_)) => return (StatusCode::BAD_REQUEST, "from: not a number").into_response(),
    };
    ask(
        &st,
        presented(&headers),
        Ask::ApiEvents {
            token: token(&headers),
            from,
        },
    )
    .await
}

async fn api_command(
    State(st): State<Shared>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body {
        Ok(b) => b,
        Err(r) => return (r.status(), r.body_text()).into_response(),
    };
    let key = headers
        .get("x-control-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    ask(
        &st,
        presented(&headers),
        Ask::ApiCommand {
            token: token(&headers),
            key,
            body,
        },
    )
    .await
}

/// The page's files, embedded in the binary: no network at run time.
pub const ASSETS: [(&str, &str, &str); 5] = [
    (
        "htmx.min.js",
        "text/javascript; charset=utf-8",
        include_str!("../../assets/web/vendor/htmx-2.0.11.min.js"),
    ),
    (
        "sse.min.js",
        "text/javascript; charset=utf-8",
        include_str!("../../assets/web/vendor/htmx-ext-sse-2.2.4.min.js"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_str!("../../assets/web/app.js"),
    ),
    (
        "style.css",
        "text/css; charset=utf-8",
        include_str!("../../assets/web/style.css"),
    ),
    (
        "icon.svg",
        "image/svg+xml",
        include_str!("../../assets/web/icon.svg"),
    ),
];

async fn asset(axum::extract::Path(name): axum::extract::Path<String>) -> Response {
    match ASSETS.iter().find(|(n, _, _)| *n == name) {
        Some((_, mime, body)) => (
            [
                (header::CONTENT_TYPE, *mime),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            *body,
        )
            .into_response(),
        None => not_found().await,
    }
}

async fn favicon() -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        ASSETS[4].2,
    )
        .into_response()
}

async fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        super::page::message_page(
            "Not found",
            "There is no such page here.",
            Some(("/", "To the exercise")),
        ),
    )
        .into_response()
}
