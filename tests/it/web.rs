//! The participant web client over real HTTP on loopback: a host app (exercise,
//! seat registry, director, web gateway) runs in its own thread; the tests are
//! browsers made of plain sockets, so every byte they receive can be recorded.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bevy::prelude::*;

use cbm_ttx::exercise::{Exercise, ExercisePlugin};
use cbm_ttx::net::director::{Director, DirectorPlugin};
use cbm_ttx::net::host::Stats;
use cbm_ttx::net::seats::SeatRegistry;
use cbm_ttx::web::{self, WebHost, WebHostPlugin, WebOptions};
use cbm_ttx_core::engine::disclose::Disclosure;
use cbm_ttx_core::engine::{Action, Command, Event, EventKind, Game, Phase, Seat, SeatView};
use cbm_ttx_core::scenario::{Origin, Scenario, Tone, TurnOrder};
use cbm_ttx_core::session::{Recording, Session};
use cbm_ttx_core::sim::Policy;

use crate::common::*;

const CODE: &str = "WEB042";

// ---- a host in a thread ------------------------------------------------------------

struct Done {
    game: Game,
    stats: Stats,
    counters: web::server::Tally,
}

struct Host {
    addr: SocketAddr,
    key: String,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<Done>>,
}

impl Host {
    /// A host of `scenario`, journaled at `journal`, whose director starts once
    /// `players` seats are claimed. `resume`: continue that journal.
    fn start(scenario: Arc<Scenario>, journal: &Path, players: usize, resume: bool) -> Host {
        let stop = Arc::new(AtomicBool::new(false));
        let (tx, rx) = std::sync::mpsc::channel();
        let journal = journal.to_owned();
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut app = App::new();
            app.add_plugins((
                MinimalPlugins,
                ExercisePlugin,
                DirectorPlugin,
                WebHostPlugin,
            ));
            let (session, seats) = if resume {
                let loaded = cbm_ttx_core::journal::read(&journal).unwrap();
                (
                    Session::resume(&loaded, scenario, None).unwrap(),
                    SeatRegistry::resume(&journal).unwrap(),
                )
            } else {
                let rec = Recording {
                    path: Some(journal.clone()),
                    ..Default::default()
                };
                let mut s = Session::start(scenario, None, 7, rec).unwrap();
                s.set_round_seconds(0).unwrap();
                (
                    s,
                    SeatRegistry::new(Some(CODE.into()), Some(&journal)).unwrap(),
                )
            };
            let key = seats.control_key.clone();
            let mut director = Director::new(players);
            director.linger = Duration::from_secs(2);
            app.insert_resource(Exercise::new(session))
                .insert_resource(seats)
                .insert_resource(director);
            app.finish();
            app.cleanup();
            let opts = WebOptions {
                bind: "127.0.0.1:0".parse().unwrap(),
                public_url: None,
            };
            web::start(app.world_mut(), &opts).unwrap();
            let addr = app.world().resource::<WebHost>().addr();
            tx.send((addr, key)).unwrap();
            let deadline = Instant::now() + Duration::from_secs(120);
            while !flag.load(Ordering::Relaxed)
                && !app.world().resource::<Director>().done
                && Instant::now() < deadline
            {
                app.update();
                std::thread::sleep(Duration::from_millis(1));
            }
            let world = app.world();
            Done {
                game: world.resource::<Exercise>().session.game().clone(),
                stats: world.resource::<WebHost>().stats(),
                counters: world.resource::<WebHost>().counters(),
            }
        });
        let (addr, key) = rx.recv().unwrap();
        Host {
            addr,
            key,
            stop,
            thread: Some(thread),
        }
    }

    /// Stop (if the director has not) and hand back the record.
    fn finish(mut self) -> Done {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.take().unwrap().join().unwrap()
    }

    /// Wait until the director ends the exercise and stops.
    fn wait(mut self) -> Done {
        self.thread.take().unwrap().join().unwrap()
    }
}

impl Drop for Host {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

// ---- a browser made of sockets -------------------------------------------------------

#[derive(Debug)]
struct Resp {
    status: u16,
    head: String,
    body: String,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }

    /// The seat cookie this response sets (`cbm_ttx_seat=…`).
    fn cookie(&self) -> Option<String> {
        let c = self.header("set-cookie")?;
        assert!(
            c.contains("HttpOnly") && c.contains("SameSite=Strict") && c.contains("Path=/"),
            "{c}"
        );
        Some(c.split(';').next()?.to_owned())
    }
}

/// Every byte the browser received, over all its requests.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<u8>>>);

impl Recorder {
    fn add(&self, b: &[u8]) {
        self.0.lock().unwrap().extend_from_slice(b);
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

#[derive(Clone)]
struct Browser {
    addr: SocketAddr,
    cookie: Option<String>,
    rec: Recorder,
}

/// Undo chunked transfer coding (a stream's events arrive in chunks).
fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(i) = b.windows(2).position(|w| w == b"\r\n") {
        let n = usize::from_str_radix(std::str::from_utf8(&b[..i]).unwrap_or("0").trim(), 16)
            .unwrap_or(0);
        if n == 0 || b.len() < i + 2 + n {
            break;
        }
        out.extend_from_slice(&b[i + 2..i + 2 + n]);
        b = &b[(i + 4 + n).min(b.len())..];
    }
    out
}

impl Browser {
    fn new(addr: SocketAddr) -> Browser {
        Browser {
            addr,
            cookie: None,
            rec: Recorder::default(),
        }
    }

    fn raw(&self, request: &[u8]) -> Resp {
        let Ok(mut s) = TcpStream::connect(self.addr) else {
            // The host has gone (a load test's host stops after the end).
            return Resp {
                status: 0,
                head: String::new(),
                body: String::new(),
            };
        };
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        s.write_all(request).unwrap();
        let mut buf = Vec::new();
        let _ = s.read_to_end(&mut buf);
        self.rec.add(&buf);
        let text = String::from_utf8_lossy(&buf).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let body = if head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked")
        {
            String::from_utf8_lossy(&dechunk(body.as_bytes())).into_owned()
        } else {
            body.to_owned()
        };
        Resp {
            status,
            head: head.to_owned(),
            body,
        }
    }

    fn req(&self, method: &str, path: &str, extra: &[(&str, &str)], body: &[u8]) -> Resp {
        let mut r = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.addr,
            body.len()
        );
        if let Some(c) = &self.cookie {
            r.push_str(&format!("Cookie: {c}\r\n"));
        }
        for (k, v) in extra {
            r.push_str(&format!("{k}: {v}\r\n"));
        }
        r.push_str("\r\n");
        let mut bytes = r.into_bytes();
        bytes.extend_from_slice(body);
        self.raw(&bytes)
    }

    fn get(&self, path: &str) -> Resp {
        self.req("GET", path, &[], b"")
    }

    fn post(&self, path: &str, form: &str) -> Resp {
        self.req(
            "POST",
            path,
            &[("Content-Type", "application/x-www-form-urlencoded")],
            form.as_bytes(),
        )
    }

    fn htmx(&self, path: &str, form: &str) -> Resp {
        self.req(
            "POST",
            path,
            &[
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("HX-Request", "true"),
            ],
            form.as_bytes(),
        )
    }

    /// Join with a code and a seat; keeps the cookie if seated.
    fn join(&mut self, code: &str, name: &str, seat: &str) -> Resp {
        let form = format!("code={}&name={}&seat={}", enc(code), enc(name), enc(seat));
        let r = self.post("/join", &form);
        if r.status == 303 {
            self.cookie = r.cookie();
        }
        r
    }

    /// The seat's events and disclosures from `from` on, as the API gives them.
    fn api_events(&self, from: usize) -> serde_json::Value {
        let r = self.get(&format!("/api/events?from={from}"));
        assert_eq!(r.status, 200, "{}", r.body);
        serde_json::from_str(&r.body).unwrap()
    }

    fn command(&self, cmd: &Command, key: Option<&str>) -> Resp {
        let json = serde_json::to_string(cmd).unwrap();
        let mut h = vec![("Content-Type", "application/json")];
        if let Some(k) = key {
            h.push(("X-Control-Key", k));
        }
        self.req("POST", "/api/command", &h, json.as_bytes())
    }

    /// A live page's stream, recorded until `stop`.
    fn stream(&self, path: &str, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<Vec<u8>> {
        let me = self.clone();
        let path = path.to_owned();
        std::thread::spawn(move || {
            let mut s = TcpStream::connect(me.addr).unwrap();
            s.set_read_timeout(Some(Duration::from_millis(100)))
                .unwrap();
            let mut r = format!("GET {path} HTTP/1.1\r\nHost: {}\r\n", me.addr);
            if let Some(c) = &me.cookie {
                r.push_str(&format!("Cookie: {c}\r\n"));
            }
            r.push_str("\r\n");
            s.write_all(r.as_bytes()).unwrap();
            let mut all = Vec::new();
            let mut buf = [0u8; 16384];
            while !stop.load(Ordering::Relaxed) {
                match s.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => all.extend_from_slice(&buf[..n]),
                    Err(_) => {}
                }
            }
            me.rec.add(&all);
            all
        })
    }
}

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The form the composer posts for an action (the inverse of what the page parses).
fn form_of(view: &SeatView, actor: cbm_ttx_core::scenario::BodyId, a: &Action) -> String {
    let mut f = vec![
        ("op".to_owned(), "stage".to_owned()),
        ("kind".into(), a.kind().index().to_string()),
    ];
    if matches!(view.seat, Seat::State(_)) {
        f.push(("actor".into(), actor.body.to_string()));
    }
    let mut add = |k: &str, v: String| f.push((k.to_owned(), v));
    match a {
        Action::ShareInformation {
            to,
            incident,
            facts,
        } => {
            add("state", to.0.to_string());
            add("incident", incident.0.to_string());
            for x in facts {
                add("facts", x.0.to_string());
            }
        }
        Action::RequestAssistance { to, incident, text } => {
            add("state", to.0.to_string());
            add("incident", incident.0.to_string());
            add("text", text.clone());
        }
        Action::ProvideAssistance { to, incident } => {
            add("state", to.0.to_string());
            add("incident", incident.0.to_string());
        }
        Action::JointAnalysis { with, incident } => {
            add("state", with.0.to_string());
            add("incident", incident.0.to_string());
        }
        Action::NationalCoordination { incident } => {
            if let Some(i) = incident {
                add("incident", i.0.to_string());
            }
        }
        Action::ContactMessage { to, text, .. } => {
            add("state", to.0.to_string());
            add("text", text.clone());
        }
        Action::RaiseConcern { to, incident, text } => {
            add("state", to.0.to_string());
            if let Some(i) = incident {
                add("incident", i.0.to_string());
            }
            add("text", text.clone());
        }
        Action::UpdateContacts | Action::Pass => {}
        Action::CommunicationCheck { targets } => {
            for s in targets.iter() {
                add("states", s.0.to_string());
            }
        }
        Action::PublicStatement { tone, about, text } => {
            let t = Tone::ALL.iter().position(|x| x == tone).unwrap();
            add("tone", t.to_string());
            if let Some(s) = about {
                add("state", s.0.to_string());
            }
            add("text", text.clone());
        }
        Action::PublicAttribution { incident, to, text } => {
            add("incident", incident.0.to_string());
            add(
                "origin",
                match to {
                    Origin::State(s) => format!("s{}", s.0),
                    Origin::Actor(x) => format!("a{}", x.0),
                },
            );
            add("text", text.clone());
        }
        Action::Countermeasure {
            against,
            incident,
            text,
        } => {
            add("state", against.0.to_string());
            if let Some(i) = incident {
                add("incident", i.0.to_string());
            }
            add("text", text.clone());
        }
        Action::Respond { message, text } => {
            add("message", message.to_string());
            add("text", text.clone());
        }
    }
    f.iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A bot in a browser: folds the seat's events from the API into a view, plans with
/// a policy on that view alone, stages through the page's form and marks ready.
/// Loads the page once a round and keeps a live stream open, like a person's
/// browser. Returns its view at the end.
fn web_bot(b: Browser, policy: Policy, stop: Arc<AtomicBool>) -> SeatView {
    let live = Arc::new(AtomicBool::new(false));
    let stream = b.stream("/events", live.clone());
    let mut from = 0;
    let mut view: Option<SeatView> = None;
    let mut seed = 0;
    let mut acted = u8::MAX;
    let mut loaded = u8::MAX;
    let deadline = Instant::now() + Duration::from_secs(90);
    while Instant::now() < deadline && !stop.load(Ordering::Relaxed) {
        let j = b.api_events(from);
        if let Some(s) = j.get("scenario") {
            let s: Scenario = serde_json::from_value(s.clone()).unwrap();
            let seat = Seat::parse(j["seat"].as_str().unwrap(), &s).unwrap();
            seed = j["bot_seed"].as_u64().unwrap();
            view = Some(SeatView::new(Arc::new(s), seat));
        }
        let v = view.as_mut().unwrap();
        let events: Vec<Event> = serde_json::from_value(j["events"].clone()).unwrap();
        let ds: Vec<Vec<Disclosure>> = serde_json::from_value(j["disclosures"].clone()).unwrap();
        for (e, d) in events.iter().zip(ds) {
            assert!(v.observe(e, d), "an event the seat may not see");
        }
        from = j["next"].as_u64().unwrap() as usize;
        if v.phase == Phase::Ended {
            b.get("/");
            break;
        }
        if loaded != v.round {
            loaded = v.round;
            let page = b.get("/");
            assert_eq!(page.status, 200);
        }
        let me = v.seat.state().unwrap();
        let my_turn = v.scenario().turn_order != TurnOrder::Sequential || v.turn == Some(me);
        if v.phase == Phase::Deliberation && !v.paused && acted != v.round && my_turn {
            acted = v.round;
            for (actor, action) in policy.plan(v, seed) {
                let r = b.post("/act", &form_of(v, actor, &action));
                assert!(
                    r.status == 303 || r.status == 200,
                    "{} {}",
                    r.status,
                    r.body
                );
            }
            b.post("/act", "op=ready");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    // The page stays open until the host goes (as a browser would).
    let open_until = Instant::now() + Duration::from_secs(15);
    while !stream.is_finished() && !stop.load(Ordering::Relaxed) && Instant::now() < open_until {
        std::thread::sleep(Duration::from_millis(20));
    }
    live.store(true, Ordering::Relaxed);
    stream.join().unwrap();
    view.expect("the bot never saw its view")
}

// ---- the tests -----------------------------------------------------------------------

#[test]
fn join_needs_the_right_code_and_a_free_seat() {
    let dir = tempfile::tempdir().unwrap();
    let s = tutorial();
    let h = Host::start(s.clone(), &dir.path().join("j.jsonl"), 9, false);
    let mut a = Browser::new(h.addr);
    // The QR code's link prefills the code; the page still asks for it.
    let page = a.get("/?code=WEB042");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("value=\"WEB042\"") && page.body.contains("name=\"code\""));
    assert!(
        !page.body.contains("Lakeland"),
        "no seat list before the code"
    );
    // A wrong code: 403, a clear message, no cookie, nothing in the journal.
    let wrong = a.join("NOPE00", "Ana", "lakeland");
    assert_eq!(wrong.status, 403);
    assert!(wrong.body.contains("wrong join code"), "{}", wrong.body);
    assert!(wrong.header("set-cookie").is_none());
    // The right code (any case) without a seat: the picker.
    let picker = a.post("/join", "code=web042&name=Ana");
    assert_eq!(picker.status, 200);
    assert!(
        picker.body.contains("value=\"lakeland\"")
            && picker.body.contains("value=\"hillmark/cert\"")
    );
    let ok = a.join("web042", "Ana", "lakeland");
    assert_eq!(ok.status, 303, "{}", ok.body);
    assert_eq!(ok.header("location"), Some("/"));
    assert!(a.cookie.is_some());
    let mine = a.get("/");
    assert!(mine.body.contains("Compose an action") && mine.body.contains("Lakeland"));
    // The seat is taken, and so are its bodies (a State and its bodies exclude each other).
    let mut b = Browser::new(h.addr);
    let taken = b.join(CODE, "Bob", "lakeland");
    assert_eq!(taken.status, 409);
    assert!(taken.body.contains("Lakeland is taken"), "{}", taken.body);
    assert!(b.cookie.is_none());
    let body = b.join(CODE, "Bob", "lakeland/cert");
    assert_eq!(body.status, 409);
    assert!(body.body.contains("cannot be taken while Lakeland is held"));
    assert_eq!(b.join(CODE, "Bob", "hillmark/cert").status, 303);
    let done = h.finish();
    let taken: Vec<_> = done
        .game
        .events()
        .iter()
        .filter(|e| matches!(e.kind, EventKind::SeatTaken { .. }))
        .collect();
    assert_eq!(taken.len(), 2, "only the two claims are journaled");
    assert_eq!(done.stats.denied, 1);
}

#[test]
fn a_browser_gets_its_seat_back_after_a_reload_a_drop_or_a_host_restart() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("j.jsonl");
    let s = tutorial();
    let h = Host::start(s.clone(), &journal, 1, false);
    let mut a = Browser::new(h.addr);
    assert_eq!(a.join(CODE, "Ana", "lakeland").status, 303);
    // Deliberation opens once the seat is claimed; stage something.
    let mut tries = 0;
    loop {
        let r = a.post("/act", "op=stage&kind=8&actor=1");
        if r.status == 303 {
            break;
        }
        tries += 1;
        assert!(tries < 200, "{}", r.body);
        std::thread::sleep(Duration::from_millis(10));
    }
    // A reload (a new connection with the cookie): the same seat and what it staged.
    let page = a.get("/");
    assert!(
        page.body.contains("Update own contact data"),
        "{}",
        page.body
    );
    // A live stream that drops and comes back: still seated.
    for _ in 0..2 {
        let stop = Arc::new(AtomicBool::new(false));
        let t = a.stream("/events", stop.clone());
        std::thread::sleep(Duration::from_millis(150));
        stop.store(true, Ordering::Relaxed);
        let got = String::from_utf8_lossy(&t.join().unwrap()).into_owned();
        assert!(got.contains("event: staged"), "{got}");
    }
    drop(h.finish());
    // The host restarts from its journal: the cookie still holds the seat.
    let h = Host::start(s, &journal, 1, true);
    a.addr = h.addr;
    let page = a.get("/");
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Update own contact data") && page.body.contains("Compose an action")
    );
    // Nobody else can take it meanwhile.
    let mut thief = Browser::new(h.addr);
    assert_eq!(thief.join(CODE, "Eve", "lakeland").status, 409);
}

#[test]
fn forged_seats_and_control_commands_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let s = tutorial();
    let h = Host::start(s.clone(), &dir.path().join("j.jsonl"), 1, false);
    let mut a = Browser::new(h.addr);
    assert_eq!(a.join(CODE, "Ana", "lakeland").status, 303);
    while a.api_events(0)["events"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["kind"] != "DeliberationBegun" && e["kind"].get("DeliberationBegun").is_none())
    {
        std::thread::sleep(Duration::from_millis(10));
    }
    // A made-up token, and the control key as a seat token: not seated.
    for forged in [
        "cbm_ttx_seat=0123456789abcdef0123456789abcdef".to_owned(),
        format!("cbm_ttx_seat={}", h.key),
    ] {
        let f = Browser {
            cookie: Some(forged),
            ..a.clone()
        };
        assert_eq!(f.post("/act", "op=ready").status, 401);
        assert_eq!(f.get("/events").status, 401);
        assert_eq!(f.command(&Command::Ready, None).status, 401);
    }
    // Acting for another State's body: the engine refuses.
    let other = Command::Submit {
        actor: body(&s, "hillmark", "mfa"),
        action: Action::UpdateContacts,
    };
    let r = a.command(&other, None);
    assert_eq!(r.status, 409);
    assert!(r.body.contains("cannot act for that body"), "{}", r.body);
    // A body number out of range through the form: refused, not a crash.
    let r = a.htmx("/act", "op=stage&kind=8&actor=200");
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Not done"), "{}", r.body);
    // Control commands: refused from a seat, refused with a wrong key.
    let r = a.command(&Command::CloseDeliberation, None);
    assert_eq!(r.status, 409);
    assert!(r.body.contains("only exercise control"), "{}", r.body);
    assert_eq!(
        a.command(&Command::CloseDeliberation, Some("00000000"))
            .status,
        403
    );
    let events_before = a.api_events(0)["next"].as_u64().unwrap();
    // With the control key, control may act.
    let r = a.command(&Command::Pause, Some(&h.key));
    assert_eq!(r.status, 200, "{}", r.body);
    let done = h.finish();
    assert_eq!(done.game.events().len() as u64, events_before + 1);
    assert!(matches!(
        done.game.events().last().unwrap().kind,
        EventKind::Paused
    ));
    assert!(done.stats.refused >= 3, "{:?}", done.stats);
    assert!(
        done.stats.unauthorized >= 6 && done.stats.denied >= 1,
        "{:?}",
        done.stats
    );
}

#[test]
fn malformed_oversized_and_flooding_requests_get_4xx_and_are_counted() {
    let dir = tempfile::tempdir().unwrap();
    let h = Host::start(tutorial(), &dir.path().join("j.jsonl"), 9, false);
    let mut a = Browser::new(h.addr);
    assert_eq!(a.join(CODE, "Ana", "lakeland").status, 303);
    assert_eq!(a.post("/compose", "kind=abc").status, 400);
    assert_eq!(a.post("/compose", "kind=1&nonsense=1").status, 400);
    assert_eq!(a.post("/act", "op=launch").status, 400);
    assert_eq!(a.get("/no/such/page").status, 404);
    assert_eq!(a.get(&format!("/?code={}", "x".repeat(5000))).status, 414);
    let big = format!("op=stage&text={}", "x".repeat(100_000));
    assert_eq!(a.post("/act", &big).status, 413);
    let r = a.req(
        "POST",
        "/api/command",
        &[("Content-Type", "application/json")],
        b"{\"Submit\": 12",
    );
    assert_eq!(r.status, 400);
    assert!(matches!(
        a.raw(b"\x16\x03\x01\x02\x00garbage\r\n\r\n").status,
        0 | 400
    ));
    assert_eq!(a.raw(b"GET / HTTP/1.1\r\nHost: x\r\nCookie: cbm_ttx_seat=\xff\xfe\r\nConnection: close\r\n\r\n").status, 200);
    // Flooding: a seat's requests beyond its burst are turned away with 429.
    let statuses: Vec<u16> = (0..120)
        .map(|_| a.get("/api/events?from=999999").status)
        .collect();
    assert!(statuses.contains(&429), "{statuses:?}");
    std::thread::sleep(Duration::from_millis(300));
    // The host is fine and the seat still works.
    assert_eq!(a.get("/").status, 200);
    let done = h.finish();
    let st = done.stats;
    assert!(st.malformed >= 6, "{st:?}");
    assert_eq!(st.oversized, 1, "{st:?}");
    assert!(st.flooded >= 20, "{st:?}");
}

/// Wait until deliberation has begun for a seated browser.
fn wait_for_deliberation(a: &Browser) {
    while a.api_events(0)["events"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["kind"] != "DeliberationBegun" && e["kind"].get("DeliberationBegun").is_none())
    {
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_form_on_another_site_or_port_neither_acts_nor_logs_the_browser_out() {
    let dir = tempfile::tempdir().unwrap();
    let h = Host::start(tutorial(), &dir.path().join("j.jsonl"), 1, false);
    let mut a = Browser::new(h.addr);
    assert_eq!(a.join(CODE, "Ana", "lakeland").status, 303);
    wait_for_deliberation(&a);
    fn with<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
        let mut h = vec![("Content-Type", "application/x-www-form-urlencoded")];
        h.extend_from_slice(extra);
        h
    }
    // Another site's auto-submitting form: SameSite=Strict keeps the cookie at home,
    // and the answer must not log the browser out (it never presented its cookie).
    let stranger = Browser::new(h.addr);
    let cross = with(&[
        ("Origin", "http://evil.example"),
        ("Sec-Fetch-Site", "cross-site"),
    ]);
    for path in ["/act", "/join", "/compose", "/api/command"] {
        let r = stranger.req("POST", path, &cross, b"op=ready");
        assert_eq!(r.status, 403, "{path}: {}", r.body);
        assert!(r.header("set-cookie").is_none(), "{path}: {}", r.head);
    }
    // No cookie and no Origin (not a browser): not seated, and nothing to clear.
    let r = stranger.post("/act", "op=ready");
    assert_eq!(r.status, 401);
    assert!(r.header("set-cookie").is_none(), "{}", r.head);
    assert!(stranger.get("/").header("set-cookie").is_none());
    // A token the host does not know is cleared.
    // So is a value that is no token at all (control bytes escaped, overlong, quoted).
    let long = format!("cbm_ttx_seat={}", "a".repeat(3000));
    for cookie in [
        "cbm_ttx_seat=0123456789abcdef0123456789abcdef",
        "cbm_ttx_seat=%00%0d%0a",
        long.as_str(),
        "cbm_ttx_seat=\"0123456789abcdef\"",
        "other=1; cbm_ttx_seat=",
    ] {
        let forged = Browser {
            cookie: Some(cookie.into()),
            ..stranger.clone()
        };
        let r = forged.post("/act", "op=ready");
        assert_eq!(r.status, 401, "{cookie}");
        assert!(
            r.header("set-cookie")
                .is_some_and(|c| c.contains("Max-Age=0")),
            "{cookie}: {}",
            r.head
        );
    }
    // A page on another port of the same host is same-site: the cookie is sent, but
    // its Origin (or Sec-Fetch-Site) gives it away.
    for extra in [
        vec![
            ("Origin", "http://127.0.0.1:9"),
            ("Sec-Fetch-Site", "same-site"),
        ],
        vec![("Origin", "http://127.0.0.1:9")],
        vec![("Origin", "null")],
        vec![("Sec-Fetch-Site", "same-site")],
        vec![("Sec-Fetch-Site", "cross-site")],
    ] {
        for path in ["/act", "/api/command"] {
            let r = a.req("POST", path, &with(&extra), b"op=ready");
            assert_eq!(r.status, 403, "{path} {extra:?}: {}", r.body);
            assert!(r.header("set-cookie").is_none(), "{}", r.head);
        }
    }
    // Still seated; the browser's own page (its own origin) is served.
    let own = format!("http://{}", h.addr);
    let own_form = with(&[("Origin", &own), ("Sec-Fetch-Site", "same-origin")]);
    assert!(a.get("/").body.contains("Compose an action"));
    // What a browser sends with its own form under a strict referrer policy:
    // `Origin: null`, but `Sec-Fetch-Site: same-origin`, which no page can forge.
    let null_own = with(&[("Origin", "null"), ("Sec-Fetch-Site", "same-origin")]);
    let r = a.req("POST", "/act", &null_own, b"op=nothing-such");
    assert_ne!(r.status, 403, "{}", r.body);
    // The pages ask for a referrer policy under which browsers send their origin.
    assert_eq!(a.get("/").header("referrer-policy"), Some("same-origin"));
    let r = a.req("POST", "/act", &own_form, b"op=ready");
    assert_eq!(r.status, 303, "{}", r.body);
    let done = h.finish();
    let ready = done
        .game
        .events()
        .iter()
        .filter(|e| matches!(e.kind, EventKind::SeatReady { .. }))
        .count();
    assert_eq!(ready, 1, "only the browser's own page acted");
    // Each refusal counted once, as cross-site and nothing else.
    let c = done.counters;
    assert_eq!(c.cross_site, 4 + 5 * 2, "{c:?}");
    assert_eq!(
        (c.flooded, c.timed_out, c.over_address_cap),
        (0, 0, 0),
        "{c:?}"
    );
}

#[test]
fn only_the_public_urls_origin_is_accepted_besides_the_requests_own() {
    // The HTTP side alone (no exercise behind it: what passes the checks is "closed").
    let (server, jobs) = web::server::start(
        "127.0.0.1:0".parse().unwrap(),
        Some("https://TTX.example.org:443/"),
    )
    .unwrap();
    drop(jobs);
    let b = Browser::new(server.addr);
    let post = |origin: &str| {
        b.req(
            "POST",
            "/act",
            &[
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("Origin", origin),
            ],
            b"op=ready",
        )
        .status
    };
    assert_eq!(post("https://ttx.example.org"), 503);
    assert_eq!(post(&format!("http://{}", server.addr)), 503);
    for other in [
        "http://ttx.example.org",
        "https://ttx.example.org:8443",
        "https://ttx.example.org.evil.example",
        "null",
        "file://",
        "chrome-extension://abcdef",
        "not an origin",
    ] {
        assert_eq!(post(other), 403, "{other}");
    }
    // Reading is not state-changing: a GET with a foreign Origin is answered.
    let r = b.req("GET", "/", &[("Origin", "https://evil.example")], b"");
    assert_eq!(r.status, 503);
    let c = server.counters.tally();
    assert_eq!(c.cross_site, 7, "{c:?}");
}

#[test]
fn one_address_holds_at_most_its_share_of_connections() {
    use std::net::IpAddr;
    use web::server::{AddressSlots, MAX_PER_ADDRESS, address_capped};
    let slots = AddressSlots::new(MAX_PER_ADDRESS);
    let a: IpAddr = "192.0.2.7".parse().unwrap();
    let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
    let b: IpAddr = "2001:db8::1".parse().unwrap();
    let held: Vec<_> = (0..MAX_PER_ADDRESS)
        .map(|i| {
            slots
                .enter(if i % 2 == 0 { a } else { mapped })
                .expect("under the cap")
        })
        .collect();
    assert_eq!(slots.open(a), MAX_PER_ADDRESS);
    assert!(slots.enter(a).is_none() && slots.enter(mapped).is_none());
    assert!(slots.enter(b).is_some(), "other addresses are not affected");
    drop(held);
    assert_eq!(slots.open(a), 0);
    assert!(slots.enter(a).is_some());
    // Loopback (a proxy on this machine) and anyone behind a TLS proxy: not capped.
    assert!(address_capped(a, false) && address_capped(b, false));
    assert!(!address_capped("127.0.0.1".parse().unwrap(), false));
    assert!(!address_capped("::1".parse().unwrap(), false));
    assert!(!address_capped("::ffff:127.0.0.1".parse().unwrap(), false));
    assert!(!address_capped(a, true));
}

#[test]
fn a_browser_holds_one_seat_and_claiming_it_again_is_harmless() {
    let dir = tempfile::tempdir().unwrap();
    let h = Host::start(tutorial(), &dir.path().join("j.jsonl"), 9, false);
    let mut a = Browser::new(h.addr);
    assert_eq!(a.join(CODE, "Ana", "lakeland").status, 303);
    let first = a.cookie.clone();
    // The seat it holds, again (a form sent twice, the back button): its page.
    let again = a.join(CODE, "Ana", "lakeland");
    assert_eq!(again.status, 303, "{}", again.body);
    assert_eq!(again.header("location"), Some("/"));
    assert_eq!(a.cookie, first, "the same seat, the same token");
    // Another seat while holding one: refused, with what to do; no new cookie.
    for other in ["hillmark", "lakeland/cert", "hillmark/cert"] {
        let r = a.post(
            "/join",
            &format!("code={CODE}&name=Ana&seat={}", enc(other)),
        );
        assert_eq!(r.status, 409, "{other}: {}", r.body);
        assert!(
            r.body.contains("Lakeland") && r.body.contains("exercise control"),
            "{}",
            r.body
        );
        assert!(r.header("set-cookie").is_none(), "{}", r.head);
    }
    let page = a.get("/");
    assert!(page.body.contains("Compose an action") && page.body.contains("Lakeland"));
    // Those seats are still free for others.
    let mut b = Browser::new(h.addr);
    assert_eq!(b.join(CODE, "Bob", "hillmark").status, 303);
    let done = h.finish();
    let taken = done
        .game
        .events()
        .iter()
        .filter(|e| matches!(e.kind, EventKind::SeatTaken { .. }))
        .count();
    assert_eq!(taken, 2, "one claim per browser is journaled");
}

/// A request whose head arrives at once and whose body trickles in.
fn slow_body(addr: SocketAddr) -> TcpStream {
    let mut s = TcpStream::connect(addr).unwrap();
    s.write_all(
        format!(
            "POST /join HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 30000\r\n\r\ncode="
        )
        .as_bytes(),
    )
    .unwrap();
    s
}

#[test]
fn a_body_sent_too_slowly_is_cut_off_within_the_deadline() {
    let dir = tempfile::tempdir().unwrap();
    let h = Host::start(tutorial(), &dir.path().join("j.jsonl"), 9, false);
    // Meanwhile: a head that never ends (a timeout), and a keep-alive connection idle
    // after its request (closed after a while, but not a slow client).
    let mut slow_head = TcpStream::connect(h.addr).unwrap();
    slow_head
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    let mut idle = TcpStream::connect(h.addr).unwrap();
    idle.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut s = slow_body(h.addr);
    s.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let started = Instant::now();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let mut next_byte = started;
    // One byte a second, until the host answers or closes (or 20 s have passed).
    let closed = loop {
        if started.elapsed() > Duration::from_secs(20) {
            break false;
        }
        match s.read(&mut buf) {
            Ok(0) => break true,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break true,
            Err(_) => {}
        }
        if Instant::now() >= next_byte {
            next_byte += Duration::from_secs(1);
            if s.write_all(b"x").is_err() {
                break true;
            }
        }
    };
    let took = started.elapsed();
    let got = String::from_utf8_lossy(&got).into_owned();
    assert!(closed, "still open after {took:?}: {got}");
    assert!(took < Duration::from_secs(14), "{took:?}");
    assert!(got.starts_with("HTTP/1.1 408"), "{got}");
    // Others were served meanwhile and still are.
    assert_eq!(Browser::new(h.addr).get("/").status, 200);
    for (name, mut conn) in [("slow head", slow_head), ("idle", idle)] {
        conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut rest = Vec::new();
        let r = conn.read_to_end(&mut rest);
        assert!(
            r.is_ok() || r.is_err_and(|e| e.kind() == std::io::ErrorKind::ConnectionReset),
            "{name}: still open"
        );
    }
    let c = h.finish().counters;
    assert_eq!(c.timed_out, 2, "the slow body and the slow head: {c:?}");
    assert_eq!(
        (c.cross_site, c.malformed, c.over_address_cap),
        (0, 0, 0),
        "{c:?}"
    );
}

#[test]
fn markup_scripts_and_control_characters_are_text_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    // Author text with markup and control characters...
    let s = Arc::new(compile(&tweak(
        "A Lakeland tabloid blames Hillmark",
        "<script>alert('inject')</script>\\u{7}\\u{1b}[31m A Lakeland tabloid blames <img src=x onerror=alert(1)> Hillmark",
    )));
    let h = Host::start(s.clone(), &dir.path().join("j.jsonl"), 2, false);
    let mut a = Browser::new(h.addr);
    let mut b = Browser::new(h.addr);
    // ...a participant's name, and a message's text.
    let evil = "<script>alert('name')</script>\u{0}\u{8}\r\n\"'><b>";
    assert_eq!(a.join(CODE, evil, "lakeland").status, 303);
    assert_eq!(b.join(CODE, "Bob", "hillmark").status, 303);
    let me = Seat::State(state(&s, "lakeland"));
    let hill = state(&s, "hillmark");
    let text = "</textarea><script>alert('msg')</script>\u{202e}evil\u{7}";
    let stop = Arc::new(AtomicBool::new(false));
    let live = b.stream("/events", stop.clone());
    let mut rounds = 0;
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        let ev = a.api_events(0);
        let events: Vec<Event> = serde_json::from_value(ev["events"].clone()).unwrap();
        if events
            .iter()
            .any(|e| matches!(e.kind, EventKind::ExerciseEnded))
        {
            break;
        }
        let open = events
            .iter()
            .filter(|e| matches!(e.kind, EventKind::DeliberationBegun { .. }))
            .count();
        if open > rounds {
            rounds = open;
            let form = format!(
                "op=stage&kind=5&actor=0&state={}&text={}",
                hill.0,
                enc(text)
            );
            let r = a.htmx("/act", &form);
            assert!(r.body.contains("Staged"), "{}", r.body);
            a.post("/act", "op=ready");
            b.post("/act", "op=ready");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let page_a = a.get("/").body;
    let page_b = b.get("/").body;
    let board = a.get("/board?code=WEB042").body;
    stop.store(true, Ordering::Relaxed);
    let pushed = String::from_utf8_lossy(&live.join().unwrap()).into_owned();
    drop(h.finish());
    for (what, html) in [
        ("A's page", &page_a),
        ("B's page", &page_b),
        ("the board", &board),
        ("B's pushes", &pushed),
    ] {
        // The only scripts are the page's own three, from the host.
        assert_eq!(
            html.matches("<script").count(),
            if what == "B's pushes" { 0 } else { 3 },
            "{what}"
        );
        assert!(
            !html.contains("<img") && !html.contains("<b>") && !html.contains("</textarea><"),
            "{what}"
        );
        assert!(
            !html.contains('\u{7}')
                && !html.contains('\u{1b}')
                && !html.contains('\u{0}')
                && !html.contains('\u{202e}'),
            "{what}"
        );
    }
    assert!(
        page_a.contains("&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;"),
        "the name is shown as text"
    );
    assert!(
        page_b.contains("&lt;/textarea&gt;&lt;script&gt;alert(&#39;msg&#39;)"),
        "the message is shown as text"
    );
    assert!(
        board.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "author text is shown as text"
    );
    assert!(
        pushed.contains("&lt;script&gt;alert(&#39;msg&#39;)"),
        "{pushed}"
    );
    let _ = me;
}

#[test]
fn the_tutorial_is_played_to_the_end_by_web_bots() {
    let dir = tempfile::tempdir().unwrap();
    let s = tutorial();
    let h = Host::start(s.clone(), &dir.path().join("j.jsonl"), 2, false);
    let stop = Arc::new(AtomicBool::new(false));
    let bots: Vec<_> = [
        ("lakeland", Policy::Cooperative),
        ("hillmark", Policy::Hawkish),
    ]
    .into_iter()
    .map(|(seat, policy)| {
        let mut b = Browser::new(h.addr);
        assert_eq!(b.join(CODE, "Bot", seat).status, 303);
        let stop = stop.clone();
        std::thread::spawn(move || web_bot(b, policy, stop))
    })
    .collect();
    let views: Vec<SeatView> = bots.into_iter().map(|t| t.join().unwrap()).collect();
    let done = h.wait();
    let events = done.game.events();
    assert!(
        events
            .iter()
            .any(|e| matches!(e.kind, EventKind::ExerciseEnded))
    );
    assert!(
        events
            .iter()
            .filter(|e| matches!(e.kind, EventKind::ActionResolved { .. }))
            .count()
            >= 4
    );
    for v in views {
        assert_eq!(v.phase, Phase::Ended);
        // What the browser folded is exactly the host's view of that seat.
        assert_eq!(v, done.game.view(v.seat));
    }
    assert!(done.stats.commands >= 4, "{:?}", done.stats);
}

// ---- privacy over whole games --------------------------------------------------------

/// Markers found in some text that the view was never given.
fn leaks(text: &str, markers: &BTreeMap<String, Owner>, view: &SeatView) -> Vec<(String, Owner)> {
    let k = view.known();
    found_markers(text, markers)
        .into_iter()
        .filter(|(_, o)| match o {
            Owner::Fact(f) => !k.facts.contains_key(f),
            Owner::Inject(x) => !k.injects.contains_key(x),
            Owner::Incident(x) => !k.incidents.contains_key(x),
            Owner::Round(r) => !k.rounds.contains_key(r),
            Owner::Never => true,
        })
        .collect()
}

#[test]
fn no_web_client_ever_receives_another_seats_private_text() {
    let (s, markers) = marked();
    let states: Vec<String> = s.states.iter().map(|x| x.id.clone()).collect();
    let bodies: Vec<String> = s
        .states
        .iter()
        .flat_map(|x| x.bodies.iter().map(move |b| format!("{}/{}", x.id, b.id)))
        .collect();
    let mut checked = 0;
    // Every seat of the reference scenario: States whole in some games, their bodies
    // in others; several policies.
    for (layout, policy) in [
        (&states, Policy::Cooperative),
        (&bodies, Policy::Random),
        (&states, Policy::Hawkish),
        (&bodies, Policy::Cooperative),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let h = Host::start(s.clone(), &dir.path().join("j.jsonl"), layout.len(), false);
        let stop = Arc::new(AtomicBool::new(false));
        let mut recs = Vec::new();
        let mut bots = Vec::new();
        for key in layout.iter() {
            let mut b = Browser::new(h.addr);
            assert_eq!(b.join(CODE, key, key).status, 303, "{key}");
            for a in ["htmx.min.js", "sse.min.js", "app.js", "style.css"] {
                assert_eq!(b.get(&format!("/assets/{a}")).status, 200);
            }
            recs.push(b.rec.clone());
            let stop = stop.clone();
            bots.push(std::thread::spawn(move || web_bot(b, policy, stop)));
        }
        // A projector's board as well.
        let board = Browser::new(h.addr);
        let board_stop = Arc::new(AtomicBool::new(false));
        let board_live = board.stream("/board/events?code=WEB042", board_stop.clone());
        let views: Vec<SeatView> = bots.into_iter().map(|t| t.join().unwrap()).collect();
        board.get("/board?code=WEB042");
        board_stop.store(true, Ordering::Relaxed);
        board_live.join().unwrap();
        let done = h.wait();
        let mut with_private = 0;
        assert!(
            done.game
                .events()
                .iter()
                .any(|e| matches!(e.kind, EventKind::ExerciseEnded))
        );
        for ((key, rec), view) in layout.iter().zip(&recs).zip(&views) {
            let seat = view.seat;
            assert_eq!(view, &done.game.view(seat), "{key}");
            let bytes = rec.text();
            assert!(bytes.len() > 10_000, "{key} recorded {} bytes", bytes.len());
            let l = leaks(&bytes, &markers, view);
            assert!(l.is_empty(), "{key} received what it may not know: {l:?}");
            // The check can fail: seats do receive private text of their own.
            if !leaks(&bytes, &markers, &done.game.view(Seat::Observer)).is_empty() {
                with_private += 1;
            }
            checked += 1;
        }
        assert!(
            with_private * 2 >= layout.len(),
            "only {with_private} of {} seats received private text",
            layout.len()
        );
        let observer = done.game.view(Seat::Observer);
        let l = leaks(&board.rec.text(), &markers, &observer);
        assert!(l.is_empty(), "the board received private text: {l:?}");
        assert!(observer.known().facts.is_empty());
    }
    assert!(checked >= 2 * (states.len() + bodies.len()));
}

mod load {
    //! Load, as a script runs it (`scripts/web-load-test.sh`), not a timed test:
    //! `host --headless` as its own process, and browsers of sockets (one thread for
    //! each live stream) playing a synthetic 57-State scenario with the cooperative
    //! policy. A seat's bot measures each command to the push that shows it on its
    //! own live page. Clients beyond the seats are teammates' extra devices on a seat
    //! (live page only).

    use super::*;
    use std::sync::mpsc;

    /// Undo chunked coding as bytes arrive; yields whole SSE events.
    #[derive(Default)]
    struct SseParser {
        raw: Vec<u8>,
        text: Vec<u8>,
    }

    impl SseParser {
        fn feed(&mut self, b: &[u8]) -> Vec<(String, String)> {
            self.raw.extend_from_slice(b);
            while let Some(i) = self.raw.windows(2).position(|w| w == b"\r\n") {
                let Ok(n) = usize::from_str_radix(
                    std::str::from_utf8(&self.raw[..i]).unwrap_or("x").trim(),
                    16,
                ) else {
                    // The response head: skip it.
                    match self.raw.windows(4).position(|w| w == b"\r\n\r\n") {
                        Some(h) => {
                            self.raw.drain(..h + 4);
                            continue;
                        }
                        None => break,
                    }
                };
                if self.raw.len() < i + 2 + n + 2 {
                    break;
                }
                self.text.extend_from_slice(&self.raw[i + 2..i + 2 + n]);
                self.raw.drain(..i + 4 + n);
            }
            let mut out = Vec::new();
            while let Some(end) = self.text.windows(2).position(|w| w == b"\n\n") {
                let ev: Vec<u8> = self.text.drain(..end + 2).collect();
                let ev = String::from_utf8_lossy(&ev).into_owned();
                let mut name = String::new();
                let mut data = String::new();
                for l in ev.lines() {
                    if let Some(n) = l.strip_prefix("event: ") {
                        name = n.to_owned();
                    } else if let Some(d) = l.strip_prefix("data: ") {
                        data.push_str(d);
                        data.push('\n');
                    }
                }
                out.push((name, data));
            }
            out
        }
    }

    /// A live stream whose events come out of a channel, stamped on arrival.
    fn live(
        b: &Browser,
        stop: Arc<AtomicBool>,
        bytes: Arc<std::sync::atomic::AtomicU64>,
    ) -> mpsc::Receiver<(String, String, Instant)> {
        let (tx, rx) = mpsc::channel();
        let me = b.clone();
        std::thread::spawn(move || {
            let Ok(mut s) = TcpStream::connect(me.addr) else {
                return;
            };
            s.set_read_timeout(Some(Duration::from_millis(200)))
                .unwrap();
            let req = format!(
                "GET /events HTTP/1.1\r\nHost: {}\r\nCookie: {}\r\n\r\n",
                me.addr,
                me.cookie.clone().unwrap_or_default()
            );
            let _ = s.write_all(req.as_bytes());
            let mut p = SseParser::default();
            let mut buf = vec![0u8; 65536];
            while !stop.load(Ordering::Relaxed) {
                match s.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => {
                        bytes.fetch_add(n as u64, Ordering::Relaxed);
                        let now = Instant::now();
                        for (name, data) in p.feed(&buf[..n]) {
                            if tx.send((name, data, now)).is_err() {
                                return;
                            }
                        }
                    }
                    Err(_) => {}
                }
            }
        });
        rx
    }

    /// Wait for a push that satisfies `ok`; the time from `t0` to its arrival.
    fn seen(
        rx: &mpsc::Receiver<(String, String, Instant)>,
        t0: Instant,
        ok: impl Fn(&str, &str) -> bool,
    ) -> Option<f64> {
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok((name, data, at)) = rx.recv_timeout(Duration::from_millis(500))
                && ok(&name, &data)
            {
                return Some(at.duration_since(t0).as_secs_f64());
            }
        }
        None
    }

    /// A participant's pause before a command: up to `think` ms, spread evenly and
    /// the same on every run.
    fn pause(key: &str, round: u8, i: usize, think: u64) {
        use std::hash::{Hash, Hasher};
        if think == 0 {
            return;
        }
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (key, round, i).hash(&mut h);
        std::thread::sleep(Duration::from_millis(h.finish() % think));
    }

    fn bot(b: Browser, bytes: Arc<std::sync::atomic::AtomicU64>, think: u64) -> Vec<f64> {
        let key = b.cookie.clone().unwrap_or_default();
        let stop = Arc::new(AtomicBool::new(false));
        let rx = live(&b, stop.clone(), bytes);
        let mut lat = Vec::new();
        let mut from = 0;
        let mut view: Option<SeatView> = None;
        let mut seed = 0;
        let mut acted = u8::MAX;
        let deadline = Instant::now() + Duration::from_secs(1200);
        while Instant::now() < deadline {
            // Look again when the page's status changes (or every second), as a
            // person reads the header.
            let until = Instant::now() + Duration::from_secs(1);
            while let Ok((name, _, _)) =
                rx.recv_timeout(until.saturating_duration_since(Instant::now()))
            {
                if name == "status" {
                    break;
                }
            }
            let r = b.get(&format!("/api/events?from={from}"));
            if r.status == 0 {
                break;
            }
            if r.status != 200 {
                std::thread::sleep(Duration::from_millis(50));
                continue;
            }
            let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
            if let Some(s) = j.get("scenario") {
                let s: Scenario = serde_json::from_value(s.clone()).unwrap();
                let seat = Seat::parse(j["seat"].as_str().unwrap(), &s).unwrap();
                seed = j["bot_seed"].as_u64().unwrap();
                view = Some(SeatView::new(Arc::new(s), seat));
            }
            let v = view.as_mut().unwrap();
            let events: Vec<Event> = serde_json::from_value(j["events"].clone()).unwrap();
            let ds: Vec<Vec<Disclosure>> =
                serde_json::from_value(j["disclosures"].clone()).unwrap();
            for (e, d) in events.iter().zip(ds) {
                v.observe(e, d);
            }
            from = j["next"].as_u64().unwrap() as usize;
            if v.phase == Phase::Ended {
                break;
            }
            if v.phase != Phase::Deliberation || v.paused || acted == v.round {
                continue;
            }
            acted = v.round;
            let mut mine = v.staged.iter().filter(|s| s.seat == v.seat).count();
            for (i, (actor, action)) in Policy::Cooperative.plan(v, seed).into_iter().enumerate() {
                pause(&key, v.round, i, think);
                let t0 = Instant::now();
                let r = b.htmx("/act", &form_of(v, actor, &action));
                if !r.body.contains("Staged") {
                    continue;
                }
                mine += 1;
                let want = mine;
                if let Some(t) = seen(&rx, t0, |n, d| {
                    n == "staged" && d.matches("value=\"withdraw\"").count() >= want
                }) {
                    lat.push(t);
                }
            }
            pause(&key, v.round, 99, think);
            let t0 = Instant::now();
            b.htmx("/act", "op=ready");
            if let Some(t) = seen(&rx, t0, |n, d| n == "staged" && d.contains("Marked ready")) {
                lat.push(t);
            }
        }
        stop.store(true, Ordering::Relaxed);
        lat
    }

    fn proc_cpu_mem(pid: u32) -> (f64, u64, u64) {
        let hz = 100.0;
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let f: Vec<&str> = stat
            .rsplit_once(')')
            .map(|x| x.1)
            .unwrap_or("")
            .split_whitespace()
            .collect();
        let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
        let cpu = (ticks(11) + ticks(12)) / hz;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let kb = |key: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(key))
                .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
                .unwrap_or(0)
        };
        (cpu, kb("VmRSS:"), kb("VmHWM:"))
    }

    #[test]
    #[ignore = "load: run by scripts/web-load-test.sh"]
    fn load() {
        let clients: usize = std::env::var("WEB_LOAD_CLIENTS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(150);
        // Participants pause before each command (think, type): 0 sends every
        // command of a round at once, the worst case.
        let think: u64 = std::env::var("WEB_LOAD_THINK_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(2000);
        let bin = std::env::var("WEB_LOAD_BIN").unwrap_or(env!("CARGO_BIN_EXE_cbm-ttx").into());
        let dir = tempfile::tempdir().unwrap();
        let ron = dir.path().join("osce.ron");
        let st = std::process::Command::new(&bin)
            .args([
                "generate",
                "--states",
                "57",
                "--injects",
                "100",
                "--rounds",
                "5",
                "--out",
            ])
            .arg(&ron)
            .status()
            .unwrap();
        assert!(st.success());
        let s = cbm_ttx_core::scenario::load(&ron).unwrap().0;
        // Seats: some States played whole, the others by their bodies, to fill `clients`.
        let n = s.states.len();
        let per = s.states[0].bodies.len().max(1);
        let split = ((clients.saturating_sub(n)) / (per - 1).max(1)).min(n);
        let mut seats = Vec::new();
        for (i, st) in s.states.iter().enumerate() {
            if i < split {
                seats.extend(st.bodies.iter().map(|b| format!("{}/{}", st.id, b.id)));
            } else {
                seats.push(st.id.clone());
            }
        }
        seats.truncate(clients);
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let udp = std::net::UdpSocket::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut host = std::process::Command::new(&bin)
            .args(["host"])
            .arg(&ron)
            .args([
                "--headless",
                "--players",
                &seats.len().to_string(),
                "--code",
                "LOAD01",
            ])
            .args(["--bind", "127.0.0.1", "--port", &udp.to_string()])
            .args(["--web-port", &port.to_string(), "--round-seconds", "0"])
            .env("CBM_TTX_DATA_DIR", dir.path())
            .stdout(std::process::Stdio::piped())
            .stderr(std::fs::File::create(dir.path().join("host.err")).unwrap())
            .spawn()
            .unwrap();
        let pid = host.id();
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(addr).is_err() {
            assert!(Instant::now() < deadline, "the host did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let bytes = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let mut browsers = Vec::new();
        for key in &seats {
            let mut b = Browser::new(addr);
            assert_eq!(b.join("LOAD01", key, key).status, 303, "{key}");
            browsers.push(b);
        }
        // Teammates' extra devices on the seats.
        let stop_extra = Arc::new(AtomicBool::new(false));
        let extra: Vec<_> = (seats.len()..clients)
            .map(|i| {
                let b = browsers[i % browsers.len()].clone();
                assert_eq!(b.get("/").status, 200);
                live(&b, stop_extra.clone(), bytes.clone())
            })
            .collect();
        let (cpu0, _, _) = proc_cpu_mem(pid);
        let t0 = Instant::now();
        let bots: Vec<_> = browsers
            .into_iter()
            .map(|b| {
                let bytes = bytes.clone();
                std::thread::spawn(move || bot(b, bytes, think))
            })
            .collect();
        let mut lat: Vec<f64> = Vec::new();
        for t in bots {
            match t.join() {
                Ok(l) => lat.extend(l),
                Err(_) => {
                    let err =
                        std::fs::read_to_string(dir.path().join("host.err")).unwrap_or_default();
                    panic!(
                        "a bot failed; the host's log ends:\n{}",
                        &err[err.len().saturating_sub(3000)..]
                    );
                }
            }
        }
        let wall = t0.elapsed().as_secs_f64();
        let (cpu1, rss, hwm) = proc_cpu_mem(pid);
        stop_extra.store(true, Ordering::Relaxed);
        drop(extra);
        let mut out = String::new();
        if let Some(mut o) = host.stdout.take() {
            let _ = std::thread::spawn(move || {
                let mut s = String::new();
                let _ = o.read_to_string(&mut s);
                s
            })
            .join()
            .map(|s| out = s);
        }
        let _ = host.wait();
        lat.sort_by(f64::total_cmp);
        let q = |p: f64| lat[((lat.len() - 1) as f64 * p).round() as usize] * 1000.0;
        assert!(!lat.is_empty(), "no latency measured:\n{out}");
        println!(
            "{clients} web clients ({} seats, {} extra devices), {n} States, 5 rounds, loopback, pauses of up to {think} ms before each command",
            seats.len(),
            clients - seats.len()
        );
        println!(
            "command to visible update (own live page): {} samples, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            lat.len(),
            q(0.5),
            q(0.99),
            q(1.0)
        );
        println!(
            "host CPU: {:.1} s over {wall:.1} s of play = {:.0}% of one core; memory: RSS {} MiB at the end, peak {} MiB",
            cpu1 - cpu0,
            100.0 * (cpu1 - cpu0) / wall,
            rss / 1024,
            hwm / 1024
        );
        println!(
            "pushed to live pages: {:.1} MiB",
            bytes.load(Ordering::Relaxed) as f64 / 1048576.0
        );
        for l in out
            .lines()
            .filter(|l| l.contains("frames") || l.starts_with("web: "))
        {
            println!("host: {l}");
        }
    }
}

mod processes {
    //! The real thing: `host --headless` serving a LAN app (`join --bot`) and a
    //! browser in one exercise.

    use super::*;
    use std::process::{Command as Process, Stdio};

    #[test]
    fn a_lan_client_and_a_browser_play_one_exercise() {
        let exe = env!("CARGO_BIN_EXE_cbm-ttx");
        let data = tempfile::tempdir().unwrap();
        let udp = std::net::UdpSocket::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
            .to_string();
        let tcp = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let spawn = |args: &[&str]| {
            Process::new(exe)
                .args(args)
                .env("CBM_TTX_DATA_DIR", data.path())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let host = spawn(&[
            "host",
            "scenarios/tutorial.ron",
            "--headless",
            "--players",
            "2",
            "--code",
            "MIXED1",
            "--bind",
            "127.0.0.1",
            "--port",
            &udp,
            "--web-port",
            &tcp.to_string(),
            "--round-seconds",
            "0",
        ]);
        let addr: SocketAddr = format!("127.0.0.1:{tcp}").parse().unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(addr).is_err() {
            assert!(Instant::now() < deadline, "the host did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        let mut b = Browser::new(addr);
        assert_eq!(b.join("MIXED1", "Ana", "hillmark").status, 303);
        let lan = spawn(&[
            "join",
            &format!("127.0.0.1:{udp}"),
            "--code",
            "MIXED1",
            "--bot",
            "cooperative",
            "--seat",
            "lakeland",
        ]);
        let stop = Arc::new(AtomicBool::new(false));
        let view = web_bot(b, Policy::Cooperative, stop);
        assert_eq!(view.phase, Phase::Ended);
        let lan = lan.wait_with_output().unwrap();
        assert!(
            lan.status.success(),
            "{}",
            String::from_utf8_lossy(&lan.stderr)
        );
        let out = host.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{stdout}");
        assert!(
            stdout.contains(&format!(
                "participants' browsers: http://127.0.0.1:{tcp}/?code=MIXED1"
            )),
            "{stdout}"
        );
        let journal = stdout
            .lines()
            .rev()
            .find_map(|l| l.strip_prefix("journal: "))
            .expect("journal path printed");
        let events = cbm_ttx_core::journal::read(Path::new(journal))
            .unwrap()
            .events();
        let seated = events
            .iter()
            .filter(|e| matches!(e.kind, EventKind::SeatTaken { .. }))
            .count();
        assert_eq!(seated, 2);
        assert!(
            events
                .iter()
                .any(|e| matches!(e.kind, EventKind::ExerciseEnded))
        );
        // Both played: actions of both States were resolved.
        let s = tutorial();
        for st in ["lakeland", "hillmark"] {
            let me = state(&s, st);
            assert!(
                events.iter().any(|e| matches!(&e.kind, EventKind::ActionResolved { actor, .. } if actor.state == me)),
                "{st} did nothing"
            );
        }
    }
}
