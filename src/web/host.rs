//! The bevy side of the web gateway: one system, after the frame's journal sync,
//! takes the HTTP side's jobs, seats browsers through the [`SeatRegistry`], passes
//! their commands to the exercise's session service (the engine checks seat and
//! phase, as for every transport), syncs the journal, and only then answers and
//! pushes each live page the panels that changed.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use bevy::prelude::*;
use tokio::sync::mpsc;

use super::page::{self, Compose, JoinBanner, Notice, SeatPage};
use super::server::{Ask, CookieOp, Job, Push, Reply, ReplyBody, Server};
use super::{JoinInfo, WebOptions};
use crate::exercise::{Exercise, ExerciseSet};
use crate::net::host::Stats;
use crate::net::seats::{Answer, Conn, Hello, SeatRegistry};
use cbm_ttx_core::engine::{Command, Seat, disclose};
use cbm_ttx_core::narrate::Narrator;
use cbm_ttx_core::session::{RoundClock, Session};
use cbm_ttx_core::sim::bot_seed;

/// Pushes a live page may have waiting before it is dropped (it reconnects and gets
/// everything anew).
const STREAM_BACKLOG: usize = 256;
/// Keep-alive comments on idle streams (seconds).
const KEEPALIVE: f64 = 15.0;
/// Jobs taken per frame at most (the rest wait for the next frame).
const JOBS_PER_FRAME: usize = 4096;
/// Time a frame spends bringing live pages up to date, beyond those of seats that
/// acted in it (the rest follow in the next frames, oldest first).
const PUSH_BUDGET: f64 = 0.008;

/// A live page: a seat's, or the board's.
#[derive(Debug)]
struct Stream {
    /// The web connection of the seat (None: the board).
    conn: Option<u64>,
    token: String,
    seat: Seat,
    tx: mpsc::Sender<Push>,
    /// Events of the record already considered.
    seen: usize,
    /// Hash of each panel as last sent.
    sent: HashMap<&'static str, u64>,
    digest: Option<u64>,
    clock: Option<Option<(u64, bool)>>,
    last_push: f64,
}

impl Stream {
    /// A live page that has been sent nothing yet: a seat's (`conn` its web
    /// connection) or the board's (`conn` None, no token, the observer seat).
    fn new(conn: Option<u64>, token: String, seat: Seat, tx: mpsc::Sender<Push>) -> Stream {
        Stream {
            conn,
            token,
            seat,
            tx,
            seen: 0,
            sent: HashMap::new(),
            digest: None,
            clock: None,
            last_push: 0.0,
        }
    }
}

/// The web gateway of a hosted exercise.
#[derive(Resource)]
pub struct WebHost {
    server: Server,
    jobs: mpsc::UnboundedReceiver<Job>,
    pub port: u16,
    join: JoinInfo,
    stats: Stats,
    logged: Stats,
    /// Cross-site, too slow, over the total and the per-address connection cap, as
    /// last logged.
    logged_refusals: (u64, u64, u64, u64),
    last_summary: f64,
    /// Seat token → web connection number.
    conns: HashMap<String, u64>,
    streams: Vec<Stream>,
    next: u64,
    /// Host-side latency of web commands: received → the acting seat's pages have
    /// their update queued (seconds).
    pub to_page: Vec<f64>,
    /// Time the journal's sync to disk took in frames with web commands (seconds).
    pub syncs: Vec<f64>,
    reported: bool,
    /// Live pages dropped because they did not keep up with their pushes (they
    /// reconnect and get everything anew).
    pub overflowed: u64,
    /// Host-side latency of web commands: received → answered after the journal sync
    /// (seconds).
    pub handling: Vec<f64>,
}

impl std::fmt::Debug for WebHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebHost")
            .field("port", &self.port)
            .field("streams", &self.streams.len())
            .finish()
    }
}

impl WebHost {
    /// Listen for browsers; the join address shown is built from `opts` and the
    /// registry's code.
    pub fn start(opts: &WebOptions, code: &str) -> std::io::Result<WebHost> {
        let (server, jobs) = super::server::start(opts.bind, opts.public_url.as_deref())?;
        let port = server.addr.port();
        let join = super::join_info(opts, port, code);
        Ok(WebHost {
            server,
            jobs,
            port,
            join,
            stats: Stats::default(),
            logged: Stats::default(),
            logged_refusals: (0, 0, 0, 0),
            last_summary: 0.0,
            conns: HashMap::new(),
            streams: Vec::new(),
            next: 1,
            overflowed: 0,
            to_page: Vec::new(),
            syncs: Vec::new(),
            reported: false,
            handling: Vec::new(),
        })
    }

    /// The address participants type, the board's, and the QR code of the first.
    pub fn join(&self) -> &JoinInfo {
        &self.join
    }

    /// Where the server listens.
    pub fn addr(&self) -> std::net::SocketAddr {
        self.server.addr
    }

    /// What the web gateway handled, refused and dropped (the LAN host's shape).
    pub fn stats(&self) -> Stats {
        use std::sync::atomic::Ordering::Relaxed;
        let c = &self.server.counters;
        Stats {
            malformed: c.malformed.load(Relaxed),
            oversized: c.oversized.load(Relaxed),
            flooded: c.flooded.load(Relaxed),
            ..self.stats
        }
    }

    /// The HTTP side's own counters: requests, refusals by kind (malformed,
    /// oversized, over the rate, cross-site, too slow, over a connection cap), and
    /// the connections open now.
    pub fn counters(&self) -> super::server::Tally {
        self.server.counters.tally()
    }

    /// Live pages open now (seats and boards).
    pub fn live_pages(&self) -> usize {
        self.streams.len()
    }

    /// Open HTTP connections now.
    pub fn connections(&self) -> u64 {
        self.server
            .counters
            .open
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    fn id(&mut self) -> u64 {
        self.next += 1;
        self.next
    }

    /// The seat a token holds, seating this browser's connection again if needed (a
    /// host restart, a seat taken back from an older connection).
    fn seat_of(
        &mut self,
        seats: &mut SeatRegistry,
        session: &mut Session,
        token: Option<&str>,
    ) -> Option<(u64, Seat, String)> {
        let token = token?;
        let known = self.conns.get(token).copied();
        let id = match known {
            Some(id) => id,
            None => self.id(),
        };
        if let Some((seat, key)) = seats.held_by(Conn::Web(id))
            && seat != Seat::Control
        {
            return Some((id, seat, key));
        }
        let code = seats.code.clone();
        let hello = Hello {
            code: &code,
            token: Some(token),
            ..Default::default()
        };
        match seats.hello(Conn::Web(id), hello, session) {
            Answer::Seated { seat, key, .. } if seat != Seat::Control => {
                self.conns.insert(token.to_owned(), id);
                Some((id, seat, key))
            }
            _ => {
                self.conns.remove(token);
                None
            }
        }
    }

    /// Print the host-side latencies and counters (when the exercise ends).
    pub fn report(&mut self) {
        let lines = [
            crate::net::latency_line(
                "web: command received → its seat's pages updated",
                "commands",
                &mut self.to_page.clone(),
            ),
            crate::net::latency_line(
                "web: journal synced to disk before answering",
                "times",
                &mut self.syncs.clone(),
            ),
        ];
        for line in lines.into_iter().flatten() {
            crate::outln!("{line}");
        }
        crate::outln!(
            "web: {:?}; {:?}; {} live pages dropped for not keeping up",
            self.stats(),
            self.counters(),
            self.overflowed
        );
    }

    fn summarise(&mut self, now: f64) {
        let s = self.stats();
        let c = self.counters();
        let refusals = (c.cross_site, c.timed_out, c.turned_away, c.over_address_cap);
        if now - self.last_summary >= 10.0 && (s != self.logged || refusals != self.logged_refusals)
        {
            self.last_summary = now;
            self.logged = s;
            self.logged_refusals = refusals;
            info!(
                "web: {} commands, {} refused; {} malformed, {} oversized, {} over the rate limit, {} unauthorised requests, {} wrong join codes or control keys, {} cross-site, {} too slow; connections: {} over the total cap, {} over the per-address cap; {} live pages ({} dropped for not keeping up)",
                s.commands,
                s.refused,
                s.malformed,
                s.oversized,
                s.flooded,
                s.unauthorized,
                s.denied,
                c.cross_site,
                c.timed_out,
                c.turned_away,
                c.over_address_cap,
                self.streams.len(),
                self.overflowed
            );
        }
    }
}

pub struct WebHostPlugin;

impl Plugin for WebHostPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(
            Update,
            serve.after(ExerciseSet::Sync).run_if(
                resource_exists::<WebHost>
                    .and_then(resource_exists::<Exercise>)
                    .and_then(resource_exists::<SeatRegistry>),
            ),
        );
    }
}

fn form_value<'a>(form: &'a [(String, String)], key: &str) -> Option<&'a str> {
    form.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

/// 401 for a browser without a seat. Asks to clear the seat cookie: the server does
/// so only when the request presented one (a token the host does not know, or a
/// value that is no token at all), never for a request without it.
fn unauthorized(web: &mut WebHost) -> Reply {
    web.stats.unauthorized += 1;
    Reply::html(
        401,
        page::message_page(
            "Not seated",
            "This browser holds no seat in the exercise (or exercise control freed it). Join again with the code.",
            Some(("/", "Join")),
        ),
    )
    .with_cookie(CookieOp::Clear)
}

fn hash(s: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

fn serve(
    mut web: ResMut<WebHost>,
    mut ex: ResMut<Exercise>,
    mut seats: ResMut<SeatRegistry>,
    time: Res<Time<Real>>,
) {
    let now = time.elapsed_secs_f64();
    let web = &mut *web;
    let mut jobs = Vec::new();
    while jobs.len() < JOBS_PER_FRAME {
        match web.jobs.try_recv() {
            Ok(j) => jobs.push(j),
            Err(_) => break,
        }
    }
    let mut answers = Vec::with_capacity(jobs.len());
    let mut changed = false;
    let mut acted = Vec::new();
    let mut received = Vec::new();
    for job in jobs {
        let before = changed;
        changed = false;
        let token = match &job.ask {
            Ask::Act { token, .. } | Ask::ApiCommand { token, .. } => token.clone(),
            _ => None,
        };
        let reply = handle(web, &mut ex.session, &mut seats, job.ask, &mut changed);
        if changed && let Some(id) = token.and_then(|t| web.conns.get(&t).copied()) {
            acted.push(id);
            received.push(job.received);
        }
        changed |= before;
        answers.push((job.reply, reply, job.received));
    }
    // Nothing leaves before it is on disk.
    if changed {
        let t = std::time::Instant::now();
        ex.sync();
        web.syncs.push(t.elapsed().as_secs_f64());
    }
    for (to, reply, received) in answers {
        let _ = to.send(reply);
        web.handling.push(received.elapsed().as_secs_f64());
    }
    if web.handling.len() > 100_000 {
        web.handling.drain(..50_000);
    }
    push(web, &mut ex.session, &mut seats, now, &acted);
    for r in received {
        web.to_page.push(r.elapsed().as_secs_f64());
    }
    if ex.session.situation().phase() == cbm_ttx_core::engine::Phase::Ended && !web.reported {
        web.reported = true;
        web.report();
    }
    web.summarise(now);
}

fn handle(
    web: &mut WebHost,
    session: &mut Session,
    seats: &mut SeatRegistry,
    ask: Ask,
    changed: &mut bool,
) -> Reply {
    let lang = session.settings().lang;
    match ask {
        Ask::Page { token, code } => match web.seat_of(seats, session, token.as_deref()) {
            Some((id, seat, _)) => {
                let clock = session.clock();
                let events = session.events().len();
                let view = session.view(seat);
                let html = page::seat_page(&SeatPage {
                    view,
                    lang,
                    clock,
                    compose: &Compose::default(),
                    notice: None,
                });
                seats.mark_sent(Conn::Web(id), events);
                Reply::html(200, html)
            }
            None => {
                let r = Reply::html(
                    200,
                    page::join_page(code.as_deref().unwrap_or(""), "", None),
                );
                if token.is_some() {
                    r.with_cookie(CookieOp::Clear)
                } else {
                    r
                }
            }
        },
        Ask::Join { token, form } => {
            let code = form_value(&form, "code").unwrap_or("").to_owned();
            let name = form_value(&form, "name").unwrap_or("").to_owned();
            let wanted = form_value(&form, "seat").map(str::to_owned);
            // One browser, one seat. The seat it holds again (a form sent twice, the
            // back button), or no seat named: to its page, with the same token. Another
            // seat: refused, nothing claimed (only exercise control frees a seat).
            if let Some(t) = token.as_deref()
                && let Some((_, held, _)) = web.seat_of(seats, session, Some(t))
            {
                let scenario = session.scenario();
                let same = wanted
                    .as_deref()
                    .is_none_or(|w| Seat::parse(w.trim(), scenario) == Some(held));
                if same {
                    return Reply::see_other("/").with_cookie(CookieOp::Set(t.to_owned()));
                }
                let label = held.label(scenario, lang);
                return Reply::html(
                    409,
                    page::message_page(
                        "You already hold a seat",
                        &format!(
                            "This browser holds {label}. A browser holds one seat: to change seats, ask exercise control to free {label} first."
                        ),
                        Some(("/", "Back to your seat")),
                    ),
                );
            }
            let id = web.id();
            let hello = Hello {
                code: &code,
                name: &name,
                seat: wanted.as_deref(),
                ..Default::default()
            };
            match seats.hello(Conn::Web(id), hello, session) {
                Answer::Denied(reason) => {
                    web.stats.denied += 1;
                    let text = if reason.contains("code") {
                        format!("{reason}: check the code the facilitator shows and try again.")
                    } else {
                        reason
                    };
                    Reply::html(403, page::join_page(&code, &name, Some(&text)))
                }
                Answer::Choose { reason } => {
                    let title = session.scenario().title.get(lang).to_owned();
                    let list = seats.seat_list(session);
                    let status = if wanted.is_some() { 409 } else { 200 };
                    Reply::html(
                        status,
                        page::seat_picker(&title, &code, &name, &list, reason.as_deref()),
                    )
                }
                Answer::Seated { token, key, .. } => {
                    *changed = true;
                    info!("{key} joined from a browser");
                    web.conns.insert(token.clone(), id);
                    Reply::see_other("/").with_cookie(CookieOp::Set(token))
                }
            }
        }
        Ask::Compose { token, form, htmx } => {
            let Some((_, seat, _)) = web.seat_of(seats, session, token.as_deref()) else {
                return unauthorized(web);
            };
            let clock = session.clock();
            let view = session.view(seat);
            let compose = match Compose::parse(&form, view) {
                Ok(c) => c,
                Err(e) => return Reply::html(400, page::message_page("Bad request", &e.0, None)),
            };
            if !htmx {
                return Reply::html(
                    200,
                    page::seat_page(&SeatPage {
                        view,
                        lang,
                        clock,
                        compose: &compose,
                        notice: None,
                    }),
                );
            }
            let n = Narrator::new(view, lang);
            let fields_only = form_value(&form, "part") == Some("fields");
            let html = match compose.kind {
                Some(kind) if fields_only => {
                    let mut h = page::fields(view, &n, &compose, kind);
                    h.html(&page::verdict(view, &compose, None, true));
                    h
                }
                _ => page::composer(view, &n, &compose, None),
            };
            Reply::html(200, html.into_string())
        }
        Ask::Act { token, form, htmx } => {
            let Some((id, seat, _)) = web.seat_of(seats, session, token.as_deref()) else {
                return unauthorized(web);
            };
            let op = form_value(&form, "op").unwrap_or("");
            let mut compose = Compose::default();
            let cmd = match op {
                "stage" => {
                    compose = match Compose::parse(&form, session.view(seat)) {
                        Ok(c) => c,
                        Err(e) => {
                            return Reply::html(400, page::message_page("Bad request", &e.0, None));
                        }
                    };
                    compose.command(session.view(seat))
                }
                "withdraw" => match form_value(&form, "id").and_then(|v| v.parse::<u32>().ok()) {
                    Some(action) => Ok(Command::Withdraw { action }),
                    None => {
                        return Reply::html(
                            400,
                            page::message_page("Bad request", "withdraw: no action number", None),
                        );
                    }
                },
                "ready" => Ok(Command::Ready),
                _ => {
                    return Reply::html(
                        400,
                        page::message_page("Bad request", "unknown operation", None),
                    );
                }
            };
            web.stats.commands += 1;
            let outcome = match cmd {
                Err(why) => {
                    web.stats.refused += 1;
                    Notice::Refused(why.to_string())
                }
                Ok(cmd) => {
                    let words = match &cmd {
                        Command::Submit { action, .. } => {
                            page::staged_words(&Narrator::new(session.view(seat), lang), action)
                        }
                        Command::Withdraw { .. } => "Withdrawn.".to_owned(),
                        _ => "Marked ready.".to_owned(),
                    };
                    match session.command(seat, cmd) {
                        Ok(_) => {
                            *changed = true;
                            compose.sent();
                            Notice::Ok(words)
                        }
                        Err(e) => {
                            web.stats.refused += 1;
                            Notice::Refused(e.to_string())
                        }
                    }
                }
            };
            let events = session.events().len();
            let clock = session.clock();
            let view = session.view(seat);
            seats.mark_sent(Conn::Web(id), events);
            match (htmx, op) {
                (true, "stage") => {
                    let n = Narrator::new(view, lang);
                    Reply::html(
                        200,
                        page::composer(view, &n, &compose, Some(&outcome)).into_string(),
                    )
                }
                (true, _) => {
                    let mut h = super::html::Html::new();
                    match &outcome {
                        Notice::Ok(t) => h.raw("<p class=\"ok\" role=\"status\">").text(t),
                        Notice::Refused(t) => h
                            .raw("<p class=\"error\" role=\"alert\">Not done: ")
                            .text(t),
                    };
                    h.raw("</p>");
                    Reply::html(200, h.into_string())
                }
                (false, _) if matches!(outcome, Notice::Ok(_)) => Reply::see_other("/"),
                (false, _) => Reply::html(
                    200,
                    page::seat_page(&SeatPage {
                        view,
                        lang,
                        clock,
                        compose: &compose,
                        notice: Some(&outcome),
                    }),
                ),
            }
        }
        Ask::Subscribe { token } => {
            let Some((id, seat, _)) = web.seat_of(seats, session, token.as_deref()) else {
                return unauthorized(web);
            };
            let (tx, rx) = mpsc::channel(STREAM_BACKLOG);
            web.streams
                .push(Stream::new(Some(id), token.unwrap_or_default(), seat, tx));
            stream_reply(rx)
        }
        Ask::Board { code } => match code {
            Some(c) if c.trim().eq_ignore_ascii_case(&seats.code) => {
                let clock = session.clock();
                let join = web.join.clone();
                let banner = JoinBanner {
                    url: &join.url,
                    code: &seats.code,
                    qr_svg: &join.qr_svg,
                };
                let view = session.view(Seat::Observer);
                Reply::html(
                    200,
                    page::board_page(view, lang, clock, &seats.code, Some(&banner)),
                )
            }
            Some(_) => {
                web.stats.denied += 1;
                Reply::html(403, page::board_code_page(Some("wrong join code")))
            }
            None => Reply::html(200, page::board_code_page(None)),
        },
        Ask::BoardSubscribe { code } => {
            if !code.is_some_and(|c| c.trim().eq_ignore_ascii_case(&seats.code)) {
                web.stats.denied += 1;
                return Reply::html(403, page::message_page("Wrong join code", "", None));
            }
            let (tx, rx) = mpsc::channel(STREAM_BACKLOG);
            web.streams
                .push(Stream::new(None, String::new(), Seat::Observer, tx));
            stream_reply(rx)
        }
        Ask::ApiEvents { token, from } => {
            let Some((id, seat, key)) = web.seat_of(seats, session, token.as_deref()) else {
                return unauthorized(web);
            };
            let all = session.events();
            let scenario = session.scenario();
            let visible: Vec<_> = all[from.min(all.len())..]
                .iter()
                .filter(|e| e.audience.includes(seat))
                .collect();
            let disclosures: Vec<_> = visible
                .iter()
                .map(|e| disclose::disclose(scenario, seat, e))
                .collect();
            let mut out = serde_json::json!({
                "seat": key,
                "lang": lang,
                "bot_seed": bot_seed(session.game().seed(), &key),
                "events": visible,
                "disclosures": disclosures,
                "next": all.len(),
            });
            if from == 0 {
                out["scenario"] = serde_json::to_value(&**session.public()).unwrap_or_default();
            }
            seats.mark_sent(Conn::Web(id), all.len());
            Reply::json(200, out.to_string())
        }
        Ask::ApiCommand { token, key, body } => {
            let cmd: Command = match serde_json::from_slice(&body) {
                Ok(c) => c,
                Err(e) => {
                    return Reply::json(
                        400,
                        serde_json::json!({ "error": format!("not a command: {e}") }).to_string(),
                    );
                }
            };
            let seat = match key {
                Some(k) if k == seats.control_key => Seat::Control,
                Some(_) => {
                    web.stats.denied += 1;
                    return Reply::json(
                        403,
                        serde_json::json!({ "error": "wrong control key" }).to_string(),
                    );
                }
                None => match web.seat_of(seats, session, token.as_deref()) {
                    Some((_, seat, _)) => seat,
                    None => {
                        web.stats.unauthorized += 1;
                        let r = Reply::json(
                            401,
                            serde_json::json!({ "error": "this browser holds no seat" })
                                .to_string(),
                        );
                        // A token the host does not know is cleared.
                        return if token.is_some() {
                            r.with_cookie(CookieOp::Clear)
                        } else {
                            r
                        };
                    }
                },
            };
            web.stats.commands += 1;
            match session.command(seat, cmd) {
                Ok(r) => {
                    *changed = true;
                    Reply::json(
                        200,
                        serde_json::json!({ "ok": true, "events": r.len() }).to_string(),
                    )
                }
                Err(e) => {
                    web.stats.refused += 1;
                    Reply::json(
                        409,
                        serde_json::json!({ "error": e.to_string() }).to_string(),
                    )
                }
            }
        }
    }
}

fn stream_reply(rx: mpsc::Receiver<Push>) -> Reply {
    Reply {
        status: 200,
        body: ReplyBody::Stream(rx),
        cookie: CookieOp::Keep,
        location: None,
    }
}

/// The clock as a page shows it.
fn clock_key(c: Option<RoundClock>) -> Option<(u64, bool)> {
    c.map(|c| (c.remaining.as_millis() as u64, c.running))
}

/// Has the clock changed enough to be sent again (state, or drift of 5 s)?
fn clock_stale(old: Option<Option<(u64, bool)>>, new: Option<(u64, bool)>) -> bool {
    match (old, new) {
        (Some(Some((old, was))), Some((left, running))) => {
            was != running || (running && old.abs_diff(left) >= 15_000) || (!running && old != left)
        }
        (Some(o), n) => o.is_some() != n.is_some(),
        (None, _) => true,
    }
}

/// Send each live page the panels that changed; act on seats control freed and on
/// pages that went away.
fn push(
    web: &mut WebHost,
    session: &mut Session,
    seats: &mut SeatRegistry,
    now: f64,
    acted: &[u64],
) {
    let started = std::time::Instant::now();
    let lang = session.settings().lang;
    let clock = session.clock();
    let total = session.events().len();
    // Seats control freed: their pages are told, and their tokens no longer work.
    let freed: Vec<u64> = seats
        .released_where(session, |c| matches!(c, Conn::Web(_)))
        .into_iter()
        .filter_map(|c| match c {
            Conn::Web(id) => Some(id),
            Conn::Udp(_) => None,
        })
        .collect();
    web.conns.retain(|_, id| !freed.contains(id));
    let mut rendered: HashMap<(Seat, &'static str), (u64, std::rc::Rc<String>)> = HashMap::new();
    let mut keep = Vec::with_capacity(web.streams.len());
    let mut streams = std::mem::take(&mut web.streams);
    // Pages of seats that acted this frame first: their own update is what they wait for.
    streams.sort_by_key(|s| !s.conn.is_some_and(|c| acted.contains(&c)));
    let before: Vec<u64> = streams.iter().filter_map(|s| s.conn).collect();
    for mut s in streams {
        if s.tx.is_closed() {
            continue;
        }
        if let Some(id) = s.conn {
            let still = !freed.contains(&id)
                && seats
                    .held_by(Conn::Web(id))
                    .is_some_and(|(seat, _)| seat == s.seat)
                || web
                    .seat_of(seats, session, Some(&s.token))
                    .is_some_and(|(_, seat, _)| seat == s.seat);
            if !still {
                let mut h = super::html::Html::new();
                h.raw("<div class=\"bar\"><span class=\"brand\">cbm-ttx</span></div><p class=\"error\">Exercise control freed your seat. <a href=\"/\">Choose a seat again</a>.</p>");
                let _ = s.tx.try_send(Push {
                    event: "status",
                    data: h.into_string(),
                });
                let _ = s.tx.try_send(Push {
                    event: "gone",
                    data: "freed".into(),
                });
                continue;
            }
        }
        let first = s.sent.is_empty();
        let urgent = s.conn.is_some_and(|c| acted.contains(&c));
        if !urgent && !first && started.elapsed().as_secs_f64() > PUSH_BUDGET {
            // Out of time this frame: this page is brought up to date in the next one.
            keep.push(s);
            continue;
        }
        let mine = s.seat.state();
        let mut dirty: Vec<&'static str> = Vec::new();
        for e in &session.events()[s.seen.min(total)..] {
            if e.audience.includes(s.seat) {
                for p in page::touched(&e.kind, mine) {
                    if !dirty.contains(p) {
                        dirty.push(p);
                    }
                }
            }
        }
        let news = !dirty.is_empty();
        s.seen = total;
        let key = clock_key(clock);
        if clock_stale(s.clock, key) {
            dirty.extend(["status", "bstatus"]);
        }
        let mut ok = true;
        if first || !dirty.is_empty() {
            s.clock = Some(key);
            let view = session.view(s.seat);
            let n = Narrator::new(view, lang);
            let names: &[&'static str] = if s.conn.is_some() {
                &page::SEAT_PANELS
            } else {
                &page::BOARD_PANELS
            };
            for name in names {
                if !first && !dirty.contains(name) {
                    continue;
                }
                // Pages of one seat (teammates' devices) share one rendering a frame.
                let (h, html) = rendered
                    .entry((s.seat, *name))
                    .or_insert_with(|| {
                        let html = if s.conn.is_some() {
                            page::panel(name, view, &n, clock)
                        } else {
                            page::board_panel(name, view, &n, clock)
                        };
                        (hash(html.as_str()), std::rc::Rc::new(html.into_string()))
                    })
                    .clone();
                if s.sent.get(name) != Some(&h) {
                    s.sent.insert(name, h);
                    ok &=
                        s.tx.try_send(Push {
                            event: name,
                            data: (*html).clone(),
                        })
                        .is_ok();
                    s.last_push = now;
                }
            }
            if s.conn.is_some() && (first || news) {
                let d = page::composer_digest(view);
                if s.digest.is_some_and(|old| old != d) {
                    ok &=
                        s.tx.try_send(Push {
                            event: "changed",
                            data: "1".into(),
                        })
                        .is_ok();
                }
                s.digest = Some(d);
            }
        }
        if let Some(id) = s.conn {
            seats.mark_sent(Conn::Web(id), total);
        }
        if now - s.last_push >= KEEPALIVE {
            s.last_push = now;
            ok &=
                s.tx.try_send(Push {
                    event: "",
                    data: String::new(),
                })
                .is_ok();
        }
        if ok {
            keep.push(s);
        } else {
            web.overflowed += 1;
        }
    }
    // A seat whose last live page closed is no longer connected (its token brings it back).
    let mut gone: Vec<u64> = before
        .into_iter()
        .filter(|id| !keep.iter().any(|s| s.conn == Some(*id)))
        .collect();
    gone.dedup();
    for id in gone {
        if seats.held_by(Conn::Web(id)).is_some() {
            seats.disconnected(Conn::Web(id));
            web.stats.disconnected += 1;
        }
    }
    web.streams = keep;
}
