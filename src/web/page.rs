//! The participant's pages and the board, rendered on the host from a [`SeatView`]
//! through a [`Narrator`] over that view: a page can show only what the seat may
//! know, because there is nothing else in its input. Pure functions, no bevy.
//!
//! Each live part of a page is a *panel* with a name; the host pushes a panel again
//! (as a server-sent event of that name) when its HTML changes.

use cbm_ttx_core::engine::check::check_player;
use cbm_ttx_core::engine::view::MessageStatus;
use cbm_ttx_core::engine::{
    Action, Answer, Choice, Command, EventKind, Payload, Phase, Rejection, Seat, SeatView,
};
use cbm_ttx_core::narrate::{Kind, Mood, Narrator};
use cbm_ttx_core::scenario::{
    ActionKind, ActorId, BodyId, FactId, IncidentId, Lang, Level, Measure, Need, Origin, StateId,
    Tone, TurnOrder, level_index,
};
use cbm_ttx_core::session::RoundClock;

use super::html::Html;
use crate::net::seats::SeatInfo;

/// The panels of a seat's page, in the order they are pushed.
pub const SEAT_PANELS: [&str; 7] = [
    "status",
    "inbox",
    "staged",
    "messages",
    "relations",
    "known",
    "directory",
];
/// The panels of the board.
pub const BOARD_PANELS: [&str; 4] = ["bstatus", "ladder", "chart", "feed"];

const HTMX_CONFIG: &str = r#"{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false,"historyCacheSize":0,"selfRequestsOnly":true}"#;

/// A whole document around a body.
fn document(title: &str, lang: Lang, body_attrs: &'static str, body: &Html) -> String {
    let mut h = Html::new();
    h.raw("<!doctype html>\n<html lang=\"")
        .text(lang.code())
        .raw("\"><head><meta charset=\"utf-8\">")
        .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .raw("<meta name=\"htmx-config\" content='")
        .raw(HTMX_CONFIG)
        .raw("'><title>")
        .text(title)
        .raw("</title><link rel=\"icon\" href=\"/assets/icon.svg\">")
        .raw("<link rel=\"stylesheet\" href=\"/assets/style.css\">")
        .raw("<script src=\"/assets/htmx.min.js\"></script>")
        .raw("<script src=\"/assets/sse.min.js\"></script>")
        .raw("<script src=\"/assets/app.js\"></script></head><body")
        .raw(body_attrs)
        .raw(">")
        .html(body)
        .raw("</body></html>\n");
    h.into_string()
}

/// A page with one message (wrong code, the exercise has ended, not found).
pub fn message_page(title: &str, text: &str, link: Option<(&'static str, &str)>) -> String {
    let mut b = Html::new();
    b.raw("<main class=\"narrow\"><h1>")
        .text(title)
        .raw("</h1><p>")
        .text(text)
        .raw("</p>");
    if let Some((href, label)) = link {
        b.raw("<p><a class=\"button\" href=\"")
            .raw(href)
            .raw("\">")
            .text(label)
            .raw("</a></p>");
    }
    b.raw("</main>");
    document(title, Lang::En, "", &b)
}

/// Step 1 of joining: the join code and a name. `code` prefills the field (from the
/// QR code's URL); it must still be sent.
pub fn join_page(code: &str, name: &str, error: Option<&str>) -> String {
    let mut b = Html::new();
    b.raw("<main class=\"narrow\"><h1>Join the exercise</h1>")
        .raw("<p class=\"muted\">cbm-ttx — tabletop exercise on OSCE cyber/ICT confidence-building measures 2 and 8</p>");
    if let Some(e) = error {
        b.raw("<p class=\"error\" role=\"alert\">")
            .text(e)
            .raw("</p>");
    }
    b.raw("<form class=\"card\" method=\"post\" action=\"/join\">")
        .raw("<label for=\"code\">Join code</label>")
        .raw("<input id=\"code\" name=\"code\" required maxlength=\"32\" autocomplete=\"off\" autocapitalize=\"characters\" value=\"")
        .text(code)
        .raw("\"><label for=\"name\">Your name</label>")
        .raw("<input id=\"name\" name=\"name\" maxlength=\"80\" autocomplete=\"name\" value=\"")
        .text(name)
        .raw("\"><button type=\"submit\">Continue</button></form>")
        .raw("<p class=\"muted\">The facilitator shows the join code. Nothing is installed; your seat comes back if you reload or lose the Wi-Fi.</p></main>");
    document("Join — cbm-ttx", Lang::En, "", &b)
}

/// Step 2: pick a seat (a State, or one national body of a State).
pub fn seat_picker(
    title: &str,
    code: &str,
    name: &str,
    seats: &[SeatInfo],
    reason: Option<&str>,
) -> String {
    let mut b = Html::new();
    b.raw("<main class=\"narrow\"><h1>Choose your seat</h1><p class=\"muted\">")
        .text(title)
        .raw("</p>");
    if let Some(r) = reason {
        b.raw("<p class=\"error\" role=\"alert\">")
            .text(r)
            .raw("</p>");
    }
    b.raw("<p>A team plays a State whole, or its national bodies play it between them.</p>")
        .raw("<form class=\"card seats\" method=\"post\" action=\"/join\">")
        .raw("<input type=\"hidden\" name=\"code\" value=\"")
        .text(code)
        .raw("\"><input type=\"hidden\" name=\"name\" value=\"")
        .text(name)
        .raw("\"><ul class=\"seats\">");
    for s in seats {
        let body = s.key.contains('/');
        b.raw(if body {
            "<li class=\"body\">"
        } else {
            "<li class=\"state\">"
        });
        if s.taken {
            b.raw("<button type=\"button\" disabled>")
                .text(&s.label)
                .raw(" <span class=\"muted\">— taken</span></button>");
        } else {
            b.raw("<button type=\"submit\" name=\"seat\" value=\"")
                .text(&s.key)
                .raw("\">")
                .text(&s.label)
                .raw("</button>");
        }
        b.raw("</li>");
    }
    b.raw("</ul></form></main>");
    document("Choose a seat — cbm-ttx", Lang::En, "", &b)
}

/// The board asks for the join code first (the room's code, shown by the facilitator).
pub fn board_code_page(error: Option<&str>) -> String {
    let mut b = Html::new();
    b.raw("<main class=\"narrow\"><h1>Situation board</h1>");
    if let Some(e) = error {
        b.raw("<p class=\"error\" role=\"alert\">")
            .text(e)
            .raw("</p>");
    }
    b.raw("<form class=\"card\" method=\"get\" action=\"/board\"><label for=\"code\">Join code</label>")
        .raw("<input id=\"code\" name=\"code\" required maxlength=\"32\" autocomplete=\"off\">")
        .raw("<button type=\"submit\">Show the board</button></form></main>");
    document("Board — cbm-ttx", Lang::En, "", &b)
}

/// What the participant's composer holds: parsed from the form the browser sent.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Compose {
    pub kind: Option<ActionKind>,
    pub actor: Option<BodyId>,
    pub choice: Choice,
}

/// A form field that is not what the page sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadField(pub String);

fn index<T>(v: &str, what: &str, make: impl Fn(usize) -> Option<T>) -> Result<T, BadField> {
    v.trim()
        .parse::<usize>()
        .ok()
        .and_then(make)
        .ok_or_else(|| BadField(format!("{what}: {v:?}")))
}

impl Compose {
    /// Read the composer's fields. Values the page never sends are an error (the
    /// request is malformed); whether the action is possible is the rules' business.
    pub fn parse(form: &[(String, String)], view: &SeatView) -> Result<Compose, BadField> {
        let me = view.seat.state();
        let mut c = Compose::default();
        let mut pick = None;
        let short = |n: usize| u16::try_from(n).ok();
        for (k, v) in form {
            if v.is_empty() {
                continue;
            }
            match k.as_str() {
                "kind" => c.kind = Some(index(v, "kind", |i| ActionKind::ALL.get(i).copied())?),
                "pick" => pick = Some(index(v, "pick", |i| ActionKind::ALL.get(i).copied())?),
                "actor" => {
                    let Some(me) = me else { continue };
                    c.actor = Some(index(v, "actor", |i| {
                        u8::try_from(i).ok().map(|body| BodyId { state: me, body })
                    })?)
                }
                "state" => {
                    c.choice.state = Some(index(v, "state", |i| u8::try_from(i).ok().map(StateId))?)
                }
                "incident" => {
                    c.choice.incident = Some(index(v, "incident", |i| short(i).map(IncidentId))?)
                }
                "facts" => c
                    .choice
                    .facts
                    .push(index(v, "fact", |i| short(i).map(FactId))?),
                "states" => {
                    let s = index(v, "states", |i| (i < 64).then_some(StateId(i as u8)))?;
                    c.choice.states = c.choice.states.with(s);
                }
                "text" => c.choice.text = v.replace("\r\n", "\n"),
                "tone" => c.choice.tone = Some(index(v, "tone", |i| Tone::ALL.get(i).copied())?),
                "origin" => {
                    let (tag, rest) = v.split_at(v.len().min(1));
                    let i = index(rest, "origin", |i| u8::try_from(i).ok())?;
                    c.choice.origin = Some(match tag {
                        "s" => Origin::State(StateId(i)),
                        "a" => Origin::Actor(ActorId(i)),
                        _ => return Err(BadField(format!("origin: {v:?}"))),
                    });
                }
                "message" => {
                    c.choice.message = Some(index(v, "message", |i| u32::try_from(i).ok())?)
                }
                // The form's own controls.
                "op" | "id" | "part" => {}
                other => return Err(BadField(format!("unknown field {other:?}"))),
            }
        }
        // A kind button: the new kind, acted by its usual body.
        if let Some(k) = pick {
            c.kind = Some(k);
            c.actor = None;
        }
        if c.choice.facts.len() > 256 {
            return Err(BadField("too many facts".into()));
        }
        Ok(c)
    }

    /// The acting body: the one chosen, else the kind's usual one.
    fn actor_for(&self, view: &SeatView) -> Option<BodyId> {
        let me = view.seat.state()?;
        let bodies = bodies_of(view);
        let kind = self.kind?;
        // A body given is used as it is: the rules say if the seat may act for it.
        self.actor.or_else(|| {
            view.scenario()
                .body_of_kind(me, kind.fields().default_body)
                .filter(|b| bodies.contains(b))
                .or_else(|| bodies.first().copied())
        })
    }

    /// The command this composer would send, or what is missing.
    pub fn command(&self, view: &SeatView) -> Result<Command, Rejection> {
        let kind = self.kind.ok_or(Rejection::Missing("an action"))?;
        let actor = self
            .actor_for(view)
            .ok_or(Rejection::Missing("the acting body"))?;
        let mut choice = self.choice.clone();
        choice.text = choice.text.trim().to_owned();
        let action = choice.into_action(kind)?;
        Ok(Command::Submit { actor, action })
    }

    /// After staging: text and chosen facts go; the kind and targets stay.
    pub fn sent(&mut self) {
        self.choice.text.clear();
        self.choice.facts.clear();
    }
}

fn bodies_of(view: &SeatView) -> Vec<BodyId> {
    match (view.seat, view.seat.state()) {
        (Seat::Body(b), _) => vec![b],
        (_, Some(me)) => view.scenario().body_ids(me).collect(),
        _ => Vec::new(),
    }
}

/// What the host says above a seat's page (a refusal, a confirmation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    Ok(String),
    Refused(String),
}

fn notice(h: &mut Html, n: Option<&Notice>) {
    match n {
        Some(Notice::Ok(t)) => {
            h.raw("<p class=\"ok\" role=\"status\">")
                .text(t)
                .raw("</p>");
        }
        Some(Notice::Refused(t)) => {
            h.raw("<p class=\"error\" role=\"alert\">Not done: ")
                .text(t)
                .raw("</p>");
        }
        None => {}
    }
}

/// Everything a seat's page is drawn from.
pub struct SeatPage<'a> {
    pub view: &'a SeatView,
    pub lang: Lang,
    pub clock: Option<RoundClock>,
    pub compose: &'a Compose,
    pub notice: Option<&'a Notice>,
}

/// The seat's whole page; the live panels are pushed again as they change.
pub fn seat_page(p: &SeatPage) -> String {
    let n = Narrator::new(p.view, p.lang);
    let mut b = Html::new();
    b.raw("<div id=\"live\" hx-ext=\"sse\" sse-connect=\"/events\" sse-close=\"gone\">");
    b.raw("<header id=\"p-status\" sse-swap=\"status\">")
        .html(&panel("status", p.view, &n, p.clock))
        .raw("</header><div id=\"notice\">");
    notice(&mut b, p.notice);
    b.raw("</div><main class=\"seat\">");
    b.raw("<section class=\"act\"><div class=\"card\"><h2>Compose an action</h2>")
        .html(&composer(p.view, &n, p.compose, None))
        .raw("</div><div class=\"card\"><h2>Staged this round <span class=\"muted\">(up to ")
        .num(p.view.scenario().actions_per_round)
        .raw(" per seat)</span></h2><div id=\"p-staged\" sse-swap=\"staged\">")
        .html(&panel("staged", p.view, &n, p.clock))
        .raw("</div></div></section>");
    b.raw("<section class=\"inbox card\"><h2>Inbox</h2><div id=\"p-inbox\" sse-swap=\"inbox\">")
        .html(&panel("inbox", p.view, &n, p.clock))
        .raw("</div></section>");
    b.raw("<section class=\"know\">");
    let me = p
        .view
        .seat
        .state()
        .map(|s| n.state(s).to_owned())
        .unwrap_or_default();
    b.raw("<div class=\"card\"><h2>")
        .text(&me)
        .raw(" — relations</h2><div id=\"p-relations\" sse-swap=\"relations\">")
        .html(&panel("relations", p.view, &n, p.clock))
        .raw("</div></div>");
    b.raw("<div class=\"card\"><h2>Messages</h2><div id=\"p-messages\" sse-swap=\"messages\">")
        .html(&panel("messages", p.view, &n, p.clock))
        .raw("</div></div>");
    b.raw("<div class=\"card\"><h2>What you know</h2><div id=\"p-known\" sse-swap=\"known\">")
        .html(&panel("known", p.view, &n, p.clock))
        .raw("</div></div>");
    b.raw("<div class=\"card\"><h2>Contact-point directory <span class=\"chip m8\">Measure 8</span></h2><div id=\"p-directory\" sse-swap=\"directory\">")
        .html(&panel("directory", p.view, &n, p.clock))
        .raw("</div></div></section></main></div>");
    let title = format!("{} — cbm-ttx", n.seat(p.view.seat));
    document(&title, p.lang, " class=\"seat-page\"", &b)
}

/// One live panel of a seat's page.
pub fn panel(name: &str, view: &SeatView, n: &Narrator, clock: Option<RoundClock>) -> Html {
    let mut h = Html::new();
    match name {
        "status" => status(&mut h, view, n, clock),
        "inbox" => inbox(&mut h, view, n),
        "staged" => staged(&mut h, view, n),
        "messages" => messages(&mut h, view, n),
        "relations" => relations(&mut h, view, n),
        "known" => known(&mut h, view, n),
        "directory" => directory(&mut h, view, n),
        _ => {}
    }
    h
}

fn clock_text(secs: u64) -> String {
    format!("{}:{:02}", secs / 60, secs % 60)
}

fn clock_el(h: &mut Html, c: RoundClock, class: &'static str) {
    h.raw("<span class=\"")
        .raw(class)
        .raw("\" data-remaining-ms=\"")
        .num(c.remaining.as_millis() as i128)
        .raw(if c.running {
            "\" data-running=\"1\">"
        } else {
            "\" data-running=\"0\">"
        })
        .text(&clock_text(c.remaining.as_secs()))
        .raw("</span>");
    if !c.running && !c.remaining.is_zero() {
        h.raw(" <span class=\"muted\">paused</span>");
    }
}

fn status(h: &mut Html, view: &SeatView, n: &Narrator, clock: Option<RoundClock>) {
    let s = view.scenario();
    let round_title = view
        .round_info(view.round)
        .map(|r| r.title.get(n.lang).to_owned())
        .unwrap_or_default();
    h.raw("<div class=\"bar\"><span class=\"brand\">cbm-ttx</span><span class=\"seatname\">")
        .text(&n.seat(view.seat))
        .raw("</span>");
    if let Some(name) = view.seats.get(&view.seat) {
        h.raw("<span class=\"muted\">").text(name).raw("</span>");
    }
    h.raw("<span class=\"round\">");
    if view.round > 0 {
        h.raw("Round ")
            .num(view.round)
            .raw(" of ")
            .num(s.round_count())
            .raw(" · ")
            .text(&round_title)
            .raw(" · ");
    }
    h.text(&n.phase_of(view)).raw("</span>");
    if let Some(c) = clock.filter(|_| view.phase == Phase::Deliberation) {
        h.raw("<span class=\"clock-wrap\">⏱ ");
        clock_el(h, c, "clock");
        h.raw("</span>");
    }
    h.raw("</div><p class=\"hint\">");
    let hint = match view.phase {
        Phase::Briefing => {
            "Briefing: read your inbox and discuss. Actions open when control begins deliberation."
        }
        Phase::Deliberation if view.paused => "Paused by exercise control.",
        Phase::Deliberation => "Deliberation: stage your actions, then mark your team ready.",
        Phase::Debrief => "Debrief: outcomes are in your inbox. Discuss what happened.",
        Phase::Ended => "The exercise has ended. Thank you for taking part.",
        Phase::Setup => "Waiting for the exercise to start.",
    };
    h.text(hint).raw("</p>");
}

fn line_class(kind: Kind, mood: Mood) -> &'static str {
    match (kind, mood) {
        (Kind::Public | Kind::Tension | Kind::Message, Mood::Straining) => "bad",
        (Kind::Public | Kind::Tension, Mood::Easing) => "good",
        (Kind::Inject, _) => "inject",
        (Kind::Message, _) => "m8",
        (Kind::Fact, _) => "m2",
        (Kind::Directory, _) => "warn",
        _ => "other",
    }
}

fn inbox(h: &mut Html, view: &SeatView, n: &Narrator) {
    let items = n.inbox(view);
    if items.is_empty() {
        h.raw("<p class=\"muted\">")
            .text(cbm_ttx_core::narrate::INBOX_EMPTY)
            .raw("</p>");
        return;
    }
    let mut round = u8::MAX;
    h.raw("<ol class=\"feed\">");
    for line in items {
        if line.round != round {
            round = line.round;
            h.raw("<li class=\"round-head\">Round ")
                .num(round)
                .raw("</li>");
        }
        h.raw("<li><span class=\"chip ")
            .raw(line_class(line.kind, line.mood))
            .raw("\">")
            .text(line.kind.label())
            .raw("</span> <strong>")
            .text(&line.title)
            .raw("</strong>");
        if let Some(body) = &line.body {
            h.raw("<p>").text(body).raw("</p>");
        }
        h.raw("</li>");
    }
    h.raw("</ol>");
}

fn measure_chip(h: &mut Html, m: Option<Measure>) {
    match m {
        Some(Measure::M2) => h.raw("<span class=\"chip m2\">Measure 2</span>"),
        Some(Measure::M8) => h.raw("<span class=\"chip m8\">Measure 8</span>"),
        None => h.raw("<span class=\"chip other\">no measure</span>"),
    };
}

fn staged(h: &mut Html, view: &SeatView, n: &Narrator) {
    let scenario = view.scenario();
    if view.staged.is_empty() {
        h.raw("<p class=\"muted\">No action staged this round.</p>");
    } else {
        h.raw("<ul class=\"staged\">");
        for s in &view.staged {
            h.raw("<li>");
            measure_chip(h, s.action.kind().measure());
            h.raw(" ")
                .text(&n.body(s.actor))
                .raw(" — ")
                .text(&n.action(&s.action));
            if s.seat == view.seat {
                h.raw("<form method=\"post\" action=\"/act\" hx-post=\"/act\" hx-target=\"#notice\" class=\"inline\">")
                    .raw("<input type=\"hidden\" name=\"op\" value=\"withdraw\"><input type=\"hidden\" name=\"id\" value=\"")
                    .num(s.id)
                    .raw("\"><button type=\"submit\" class=\"small\">Withdraw “")
                    .text(s.action.kind().label())
                    .raw("”</button></form>");
            }
            h.raw("</li>");
        }
        h.raw("</ul>");
    }
    let ready = view.ready.contains(&view.seat);
    let open = view.phase == Phase::Deliberation && !view.paused;
    let label = if scenario.turn_order == TurnOrder::Sequential {
        "End our turn"
    } else {
        "We are ready"
    };
    if ready {
        h.raw("<p class=\"ok\">✔ Marked ready — waiting for the others</p>");
    } else {
        h.raw("<form method=\"post\" action=\"/act\" hx-post=\"/act\" hx-target=\"#notice\">")
            .raw("<input type=\"hidden\" name=\"op\" value=\"ready\"><button type=\"submit\" id=\"ready\"");
        if !open {
            h.raw(" disabled title=\"only during deliberation\"");
        }
        h.raw(">").text(label).raw("</button></form>");
    }
}

fn messages(h: &mut Html, view: &SeatView, n: &Narrator) {
    if view.messages.is_empty() {
        h.raw("<p class=\"muted\">No messages yet.</p>");
        return;
    }
    h.raw("<ul class=\"messages\">");
    for m in view.messages.iter().rev() {
        let (what, text) = n.payload(&m.message.payload);
        h.raw("<li>");
        if m.incoming {
            h.raw("From ")
                .text(n.state(m.message.from.state))
                .raw(": ")
                .text(&what);
        } else {
            h.raw("To ")
                .text(n.state(m.message.to))
                .raw(" (")
                .text(m.message.level.label())
                .raw(" line): ")
                .text(&what);
        }
        h.raw(" ");
        match m.status {
            MessageStatus::Sent => h.raw("<span class=\"muted\">sent, not delivered yet</span>"),
            MessageStatus::Delivered { late: true, round } => h
                .raw("<span class=\"warn\">delivered a round late (round ")
                .num(round)
                .raw(")</span>"),
            MessageStatus::Delivered { round, .. } => h
                .raw("<span class=\"good\">delivered in round ")
                .num(round)
                .raw("</span>"),
            MessageStatus::Lost => {
                h.raw("<span class=\"bad\">bounced: the directory entry is wrong</span>")
            }
        };
        if m.answered {
            h.raw(" <span class=\"good\">answered</span>");
        } else if m.expired {
            h.raw(" <span class=\"bad\">went unanswered</span>");
        }
        if let Some(text) = text {
            h.raw("<blockquote>").text(&text).raw("</blockquote>");
        }
        if let Payload::Share { facts, .. } = &m.message.payload
            && !m.incoming
        {
            h.raw("<ul class=\"facts\">");
            for f in facts {
                h.raw("<li class=\"muted\">").text(n.fact(*f)).raw("</li>");
            }
            h.raw("</ul>");
        }
        h.raw("</li>");
    }
    h.raw("</ul>");
}

/// Ladder colours, calm (green) to crisis (red).
const LADDER: [&str; 6] = [
    "#2e8b57", "#7a9a2e", "#c9a227", "#d9822b", "#d35400", "#c0392b",
];

fn ladder_color(step: usize, steps: usize) -> &'static str {
    if steps <= 1 {
        return LADDER[0];
    }
    LADDER[(step * (LADDER.len() - 1) / (steps - 1)).min(LADDER.len() - 1)]
}

fn ladder_class(step: usize, steps: usize) -> &'static str {
    const C: [&str; 6] = ["l0", "l1", "l2", "l3", "l4", "l5"];
    if steps <= 1 {
        return C[0];
    }
    C[(step * 5 / (steps - 1)).min(5)]
}

/// One labelled bar, drawn as SVG (no inline style: the page's CSP forbids it).
fn bar(h: &mut Html, n: &Narrator, label: &str, t: u8) {
    let s = n.scenario();
    let step = s.ladder_step(t);
    let name = s.ladder.get(step).map(|l| l.name.get(n.lang)).unwrap_or("");
    h.raw("<li class=\"barline\"><span class=\"label\">")
        .text(label)
        .raw("</span><svg class=\"bar\" viewBox=\"0 0 100 8\" preserveAspectRatio=\"none\" aria-hidden=\"true\"><rect width=\"100\" height=\"8\" fill=\"#e1e1e1\"/><rect height=\"8\" width=\"")
        .num(t.min(100))
        .raw("\" fill=\"")
        .raw(ladder_color(step, s.ladder.len()))
        .raw("\"/></svg><span class=\"value ")
        .raw(ladder_class(step, s.ladder.len()))
        .raw("\">")
        .num(t)
        .raw(" ")
        .text(name)
        .raw("</span></li>");
}

fn relations(h: &mut Html, view: &SeatView, n: &Narrator) {
    let Some(me) = view.seat.state() else { return };
    let scenario = view.scenario();
    h.raw("<ul class=\"bars\">");
    for s in scenario.state_ids().filter(|s| *s != me) {
        let label = format!("{} – {}", n.state(me), n.state(s));
        bar(h, n, &label, view.tension(me, s));
    }
    h.raw("</ul>");
}

fn known(h: &mut Html, view: &SeatView, n: &Narrator) {
    if view.facts.is_empty() {
        h.raw("<p class=\"muted\">No facts yet.</p>");
        return;
    }
    let scenario = view.scenario();
    let mut by_incident: Vec<(Option<IncidentId>, Vec<_>)> = Vec::new();
    for k in &view.facts {
        let inc = view.fact(k.fact).map(|f| f.incident);
        match by_incident.iter_mut().find(|(i, _)| *i == inc) {
            Some((_, v)) => v.push(k),
            None => by_incident.push((inc, vec![k])),
        }
    }
    let bodies_total = view.seat.state().map(|s| scenario.state(s).bodies.len());
    for (inc, list) in by_incident {
        h.raw("<h3>")
            .text(inc.map(|i| n.incident(i)).unwrap_or("an incident"))
            .raw("</h3><ul class=\"facts\">");
        for k in list {
            let holders: Vec<String> = k.holders.iter().map(|b| n.body(*b)).collect();
            let partial = bodies_total.is_some_and(|t| k.holders.len() < t)
                && matches!(view.seat, Seat::State(_));
            h.raw("<li>").text(n.fact(k.fact));
            if partial {
                h.raw("<br><span class=\"warn\" title=\"Not all your bodies know this: national co-ordination (measure 2) shares it at home.\">known to: ");
            } else {
                h.raw("<br><span class=\"muted\">known to: ");
            }
            h.text(&holders.join(", ")).raw("</span></li>");
        }
        h.raw("</ul>");
    }
}

fn directory(h: &mut Html, view: &SeatView, n: &Narrator) {
    let scenario = view.scenario();
    h.raw("<ul class=\"directory\">");
    for s in scenario.state_ids() {
        let own = view.seat.state() == Some(s);
        h.raw("<li><strong>").text(n.state(s));
        if own {
            h.raw(" (you)");
        }
        h.raw("</strong>");
        for level in Level::BOTH {
            let Some(entry) = view.directory.get(s.index()).map(|e| e[level_index(level)]) else {
                continue;
            };
            let contact = &scenario.state(s).contacts[level_index(level)];
            let who = match contact.name.get(n.lang) {
                "" => n.body(scenario.contact_body(s, level)),
                name => name.to_owned(),
            };
            h.raw("<div class=\"entry\"><span class=\"lvl\">")
                .text(match level {
                    Level::Policy => "Policy:",
                    Level::Technical => "Technical:",
                })
                .raw("</span> ")
                .text(&who)
                .raw(" ");
            match entry.updated_round {
                Some(r) => h
                    .raw("<span class=\"good\">updated in round ")
                    .num(r)
                    .raw("</span>"),
                None if entry.is_stale() => h
                    .raw("<span class=\"warn\">verified ")
                    .num(entry.verified_months_ago)
                    .raw(" months ago — stale</span>"),
                None => h
                    .raw("<span class=\"muted\">verified ")
                    .num(entry.verified_months_ago)
                    .raw(" months ago</span>"),
            };
            if let Some((r, a)) = entry.last_check {
                h.raw(" <span class=\"")
                    .raw(match a {
                        Answer::Prompt => "good",
                        Answer::Slow => "warn",
                        Answer::None => "bad",
                    })
                    .raw("\">check in round ")
                    .num(r)
                    .raw(": ")
                    .text(a.label())
                    .raw("</span>");
            }
            h.raw("</div>");
        }
        h.raw("</li>");
    }
    h.raw("</ul>");
}

fn option(h: &mut Html, value: &str, label: &str, selected: bool) {
    h.raw("<option value=\"").text(value).raw("\"");
    if selected {
        h.raw(" selected");
    }
    h.raw(">").text(label).raw("</option>");
}

fn check(h: &mut Html, name: &'static str, value: &str, label: &str, on: bool) {
    h.raw("<label class=\"check\"><input type=\"checkbox\" name=\"")
        .raw(name)
        .raw("\" value=\"")
        .text(value)
        .raw("\"");
    if on {
        h.raw(" checked");
    }
    h.raw("> ").text(label).raw("</label>");
}

/// The action composer: kind buttons, the fields the kind asks for
/// ([`ActionKind::fields`]), the text, and a Stage button enabled only when the
/// rules (asked on the seat's own view) would accept the action now — otherwise it
/// says why. `outcome` is the host's answer to the last Stage.
pub fn composer(view: &SeatView, n: &Narrator, c: &Compose, outcome: Option<&Notice>) -> Html {
    let mut h = Html::new();
    h.raw("<form id=\"composer\" method=\"post\" action=\"/act\" hx-post=\"/act\" hx-target=\"#composer\" hx-swap=\"outerHTML\">")
        .raw("<input type=\"hidden\" name=\"op\" value=\"stage\">");
    if view.seat.state().is_none() {
        h.raw("</form>");
        return h;
    }
    h.raw("<div class=\"kinds\">");
    for (measure, title, kinds) in ActionKind::groups() {
        h.raw("<div class=\"group\"><h3 class=\"")
            .raw(match measure {
                Some(Measure::M2) => "m2",
                Some(Measure::M8) => "m8",
                None => "other",
            })
            .raw("\">")
            .text(title)
            .raw("</h3>");
        for k in kinds {
            h.raw("<button type=\"submit\" name=\"pick\" value=\"")
                .num(k.index() as i128)
                .raw("\" formaction=\"/compose\" hx-post=\"/compose\" class=\"kind");
            if c.kind == Some(k) {
                h.raw(" on\" aria-pressed=\"true");
            }
            h.raw("\">").text(k.label()).raw("</button>");
        }
        h.raw("</div>");
    }
    h.raw("</div>");
    let Some(kind) = c.kind else {
        h.raw("<p class=\"muted\">Choose an action above. Each says which confidence-building measure it applies.</p></form>");
        return h;
    };
    // The kind stays chosen when the fields are posted.
    h.raw("<input type=\"hidden\" name=\"kind\" value=\"")
        .num(kind.index() as i128)
        .raw("\"><div class=\"chosen\">");
    measure_chip(&mut h, kind.measure());
    h.raw(" <strong>").text(kind.label()).raw("</strong>");
    if let Some(m) = kind.measure() {
        h.raw("<p class=\"wording\">").text(m.wording()).raw("</p>");
    }
    h.raw("<p>").text(kind.explain()).raw("</p></div>");
    h.html(&fields(view, n, c, kind));
    if kind.fields().text != Need::No {
        h.raw("<label for=\"text\">What you write")
            .raw(if kind.fields().text == Need::Optional {
                " (optional)"
            } else {
                ""
            })
            .raw("</label><textarea id=\"text\" name=\"text\" rows=\"3\" maxlength=\"4000\">")
            .text(&c.choice.text)
            .raw("</textarea>");
    }
    h.html(&verdict(view, c, outcome, false));
    h.raw("</form>");
    h
}

/// The composer's fields for a kind (swapped alone when a choice changes, so the
/// text being typed is never replaced).
pub fn fields(view: &SeatView, n: &Narrator, c: &Compose, kind: ActionKind) -> Html {
    let mut h = Html::new();
    let Some(me) = view.seat.state() else {
        return h;
    };
    let scenario = view.scenario();
    let f = kind.fields();
    h.raw("<div id=\"composer-fields\" hx-post=\"/compose\" hx-trigger=\"change, sse:changed\" hx-include=\"#composer\" hx-vals='{\"part\":\"fields\"}' hx-target=\"this\" hx-swap=\"outerHTML\" hx-sync=\"this:replace\">");
    let bodies = bodies_of(view);
    let actor = c.actor_for(view);
    if bodies.len() > 1 {
        h.raw("<label for=\"actor\">Acting body</label><select id=\"actor\" name=\"actor\">");
        for b in &bodies {
            option(&mut h, &b.body.to_string(), &n.body(*b), actor == Some(*b));
        }
        h.raw("</select>");
    }
    let others: Vec<StateId> = scenario.state_ids().filter(|s| *s != me).collect();
    if f.state != Need::No {
        let label = match (kind, f.state) {
            (ActionKind::PublicStatement, _) => "About (optional)",
            (_, Need::Optional) => "State (optional)",
            _ => "State",
        };
        h.raw("<label for=\"state\">")
            .text(label)
            .raw("</label><select id=\"state\" name=\"state\">");
        option(&mut h, "", "—", c.choice.state.is_none());
        for s in &others {
            option(
                &mut h,
                &s.0.to_string(),
                n.state(*s),
                c.choice.state == Some(*s),
            );
        }
        h.raw("</select>");
    }
    if f.states {
        h.raw("<fieldset><legend>States to check (none ticked: every other State)</legend>");
        for s in &others {
            check(
                &mut h,
                "states",
                &s.0.to_string(),
                n.state(*s),
                c.choice.states.contains(*s),
            );
        }
        h.raw("</fieldset>");
    }
    if f.incident != Need::No {
        let known = view.known_incidents();
        h.raw("<label for=\"incident\">")
            .raw(if f.incident == Need::Optional {
                "Incident (optional)"
            } else {
                "Incident"
            })
            .raw("</label><select id=\"incident\" name=\"incident\">");
        option(&mut h, "", "—", c.choice.incident.is_none());
        for i in &known {
            option(
                &mut h,
                &i.0.to_string(),
                n.incident(*i),
                c.choice.incident == Some(*i),
            );
        }
        h.raw("</select>");
        if known.is_empty() {
            h.raw("<p class=\"muted\">Your seat knows of no incident yet.</p>");
        }
    }
    if f.facts
        && let (Some(inc), Some(actor)) = (c.choice.incident, actor)
    {
        h.raw("<fieldset><legend>Facts to share (none ticked: all your body knows)</legend>");
        for k in view.facts.iter().filter(|k| {
            view.fact(k.fact).is_some_and(|f| f.incident == inc) && k.holders.contains(&actor)
        }) {
            check(
                &mut h,
                "facts",
                &k.fact.0.to_string(),
                n.fact(k.fact),
                c.choice.facts.contains(&k.fact),
            );
        }
        h.raw("</fieldset>");
    }
    if f.tone {
        h.raw("<label for=\"tone\">Tone</label><select id=\"tone\" name=\"tone\">");
        option(&mut h, "", "—", c.choice.tone.is_none());
        for (i, t) in Tone::ALL.iter().enumerate() {
            option(&mut h, &i.to_string(), t.label(), c.choice.tone == Some(*t));
        }
        h.raw("</select>");
    }
    if f.origin {
        h.raw(
            "<label for=\"origin\">Held responsible</label><select id=\"origin\" name=\"origin\">",
        );
        option(&mut h, "", "—", c.choice.origin.is_none());
        for s in &others {
            let o = Origin::State(*s);
            option(
                &mut h,
                &format!("s{}", s.0),
                n.origin(o),
                c.choice.origin == Some(o),
            );
        }
        for i in 0..scenario.actors.len() {
            let o = Origin::Actor(ActorId(i as u8));
            option(
                &mut h,
                &format!("a{i}"),
                n.origin(o),
                c.choice.origin == Some(o),
            );
        }
        h.raw("</select>");
    }
    if f.message {
        let open: Vec<_> = view.unanswered().collect();
        h.raw("<fieldset><legend>The message to answer</legend>");
        if open.is_empty() {
            h.raw("<p class=\"muted\">Nothing waits for an answer.</p>");
        }
        for m in open {
            h.raw("<label class=\"check\"><input type=\"radio\" name=\"message\" value=\"")
                .num(m.id)
                .raw("\"");
            if c.choice.message == Some(m.id) {
                h.raw(" checked");
            }
            h.raw("> ").text(&n.message(m.id)).raw("</label>");
        }
        h.raw("</fieldset>");
    }
    h.raw("</div>");
    h
}

/// The Stage button, or why the action is not possible now (asked of the rules on
/// the seat's own view). `oob`: sent beside the fields to replace the old verdict.
pub fn verdict(view: &SeatView, c: &Compose, outcome: Option<&Notice>, oob: bool) -> Html {
    let mut h = Html::new();
    h.raw(if oob {
        "<div id=\"composer-verdict\" hx-swap-oob=\"true\">"
    } else {
        "<div id=\"composer-verdict\">"
    });
    notice(&mut h, outcome);
    let verdict = c
        .command(view)
        .and_then(|cmd| check_player(view.scenario(), view, view.seat, &cmd));
    match verdict {
        Ok(()) => {
            h.raw("<button type=\"submit\" id=\"stage\" class=\"primary\">Stage action</button>");
        }
        Err(why) => {
            h.raw("<button type=\"submit\" id=\"stage\" class=\"primary\" disabled>Stage action</button><p class=\"warn\">Not possible now: ")
                .text(&why.to_string())
                .raw("</p>");
        }
    }
    h.raw("</div>");
    h
}

/// The panels an event may change (a seat's and the board's).
pub fn touched(e: &EventKind, mine: Option<StateId>) -> &'static [&'static str] {
    use EventKind as K;
    match e {
        K::RoundOpened | K::ExerciseStarted | K::ExerciseEnded => {
            &["status", "staged", "bstatus", "feed"]
        }
        K::RoundResolved => &["status", "staged", "bstatus", "chart"],
        K::DeliberationBegun { .. } | K::DeliberationClosed | K::Paused | K::Resumed => {
            &["status", "staged", "bstatus"]
        }
        K::SeatTaken { .. } | K::SeatFreed { .. } => &["status"],
        // The status bar says whose turn it is.
        K::TurnPassed { .. } => &["status", "staged", "bstatus"],
        K::ActionSubmitted { .. } | K::ActionWithdrawn { .. } | K::SeatReady { .. } => &["staged"],
        K::ActionResolved { .. } => &["staged", "inbox"],
        K::MessageSent { .. }
        | K::MessageDelivered { .. }
        | K::MessageLost { .. }
        | K::MessageDelayed { .. }
        | K::ConcernExpired { .. } => &["messages", "inbox"],
        K::TensionChanged { .. } => &["relations", "inbox", "ladder", "chart"],
        K::FactLearned { .. } | K::IncidentOpened { .. } => &["known", "inbox", "feed"],
        K::CheckResult { .. } | K::ContactsUpdated { .. } | K::ContactBroken { .. } => {
            &["directory", "inbox", "feed"]
        }
        k if cbm_ttx_core::narrate::in_inbox(k, mine) => &["inbox", "feed"],
        _ => &["feed"],
    }
}

/// What, in a seat's view, the composer's verdict and choices depend on: when it
/// changes, the page asks for its composer again.
pub fn composer_digest(view: &SeatView) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut d = std::collections::hash_map::DefaultHasher::new();
    (
        view.round,
        view.phase.label(),
        view.paused,
        view.turn.map(|s| s.0),
        view.ready.contains(&view.seat),
        view.staged.len(),
        view.known_incidents().len(),
        view.facts.len(),
        view.messages.len(),
        view.unanswered().count(),
    )
        .hash(&mut d);
    d.finish()
}

/// The action a staged command carried (for the "staged" confirmation).
pub fn staged_words(n: &Narrator, a: &Action) -> String {
    format!("Staged: {}", n.action(a))
}

// ---- the board --------------------------------------------------------------------

/// The join address and its QR code, shown on the board for the room.
pub struct JoinBanner<'a> {
    pub url: &'a str,
    pub code: &'a str,
    pub qr_svg: &'a str,
}

/// The read-only board for a projector: public feed, escalation ladder, tension
/// chart. Drawn from an observer's view (public only).
pub fn board_page(
    view: &SeatView,
    lang: Lang,
    clock: Option<RoundClock>,
    code: &str,
    join: Option<&JoinBanner>,
) -> String {
    let n = Narrator::new(view, lang);
    let mut b = Html::new();
    b.raw("<div id=\"live\" hx-ext=\"sse\" sse-connect=\"/board/events?code=")
        .text(code)
        .raw("\"><header id=\"b-status\" sse-swap=\"bstatus\">")
        .html(&board_panel("bstatus", view, &n, clock))
        .raw("</header><main class=\"board\"><section class=\"left\"><h2>Escalation ladder</h2><div id=\"b-ladder\" sse-swap=\"ladder\">")
        .html(&board_panel("ladder", view, &n, clock))
        .raw("</div>");
    if let Some(j) = join {
        b.raw("<div class=\"join card\"><h2>Join from your browser</h2><div class=\"qr\">")
            .html(&Html::trusted(j.qr_svg.to_owned()))
            .raw("</div><p class=\"url\">")
            .text(j.url)
            .raw("</p><p>join code <strong class=\"code\">")
            .text(j.code)
            .raw("</strong></p></div>");
    }
    b.raw("</section><section class=\"right\"><h2>Tension over the rounds</h2><div id=\"b-chart\" sse-swap=\"chart\">")
        .html(&board_panel("chart", view, &n, clock))
        .raw("</div><h2>Public events</h2><div id=\"b-feed\" sse-swap=\"feed\">")
        .html(&board_panel("feed", view, &n, clock))
        .raw("</div></section></main></div>");
    document("Board — cbm-ttx", lang, " class=\"board-page\"", &b)
}

/// One live panel of the board.
pub fn board_panel(name: &str, view: &SeatView, n: &Narrator, clock: Option<RoundClock>) -> Html {
    let mut h = Html::new();
    let s = view.scenario();
    match name {
        "bstatus" => {
            let title = view
                .round_info(view.round)
                .map(|r| r.title.get(n.lang).to_owned())
                .unwrap_or_default();
            h.raw("<div class=\"bar big\"><span class=\"title\">")
                .text(s.title.get(n.lang))
                .raw("</span><span class=\"round\">");
            if view.round > 0 {
                h.text(&title)
                    .raw(" · round ")
                    .num(view.round)
                    .raw(" of ")
                    .num(s.round_count())
                    .raw(" · ");
            }
            h.text(&n.phase_of(view)).raw("</span>");
            if let Some(c) = clock.filter(|_| view.phase == Phase::Deliberation) {
                clock_el(&mut h, c, "clock big");
            }
            h.raw("</div>");
        }
        "ladder" => {
            h.raw("<ol class=\"ladder\">");
            let steps = s.ladder.len();
            for (k, step) in s.ladder.iter().enumerate().rev() {
                h.raw("<li class=\"")
                    .raw(ladder_class(k, steps))
                    .raw("\">")
                    .text(step.name.get(n.lang))
                    .raw(" <span>from ")
                    .num(step.from)
                    .raw("</span></li>");
            }
            h.raw("</ol>");
            let mut pairs: Vec<(StateId, StateId, u8)> = s
                .pairs()
                .map(|(a, b)| (a, b, view.tension[s.pair_index(a, b)]))
                .collect();
            pairs.sort_by_key(|(a, b, t)| (std::cmp::Reverse(*t), a.0, b.0));
            pairs.truncate(24);
            h.raw("<ul class=\"bars\">");
            for (a, b, t) in pairs {
                bar(&mut h, n, &format!("{} – {}", n.state(a), n.state(b)), t);
            }
            h.raw("</ul>");
        }
        "chart" => {
            let mut history = view.tension_history.clone();
            if history.last() != Some(&view.tension) {
                history.push(view.tension.clone());
            }
            let svg = cbm_ttx_core::report::chart::tension_svg(s, n.lang, &history);
            h.raw("<div class=\"chart\">")
                .html(&Html::trusted(strip_xml_prolog(svg)))
                .raw("</div>");
        }
        "feed" => {
            h.raw("<ol class=\"feed\">");
            for e in view.events.iter().rev() {
                if !cbm_ttx_core::narrate::on_board(&e.kind) {
                    continue;
                }
                let Some(line) = n.line(e) else { continue };
                h.raw("<li><span class=\"muted\">round ")
                    .num(line.round)
                    .raw("</span> <strong class=\"")
                    .raw(line_class(line.kind, line.mood))
                    .raw("\">")
                    .text(&line.title)
                    .raw("</strong>");
                if let Some(body) = &line.body
                    && !matches!(
                        e.kind,
                        EventKind::RoundOpened | EventKind::ContactsUpdated { .. }
                    )
                {
                    h.raw("<p>").text(body).raw("</p>");
                }
                h.raw("</li>");
            }
            h.raw("</ol>");
        }
        _ => {}
    }
    h
}

fn strip_xml_prolog(svg: String) -> String {
    match svg.find("<svg") {
        Some(i) => svg[i..].to_owned(),
        None => String::new(),
    }
}
