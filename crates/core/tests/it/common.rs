//! Helpers shared by the core's tests and the app's (which include this file).
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::Arc;

use cbm_ttx_core::engine::{Action, Command, Event, EventKind, Game, Seat};
use cbm_ttx_core::journal::{self, Durability, Header};
use cbm_ttx_core::scenario::{self, BodyId, FactId, IncidentId, InjectId, Scenario, StateId, Text};
use cbm_ttx_core::session::{Recording, Session};
use cbm_ttx_core::sim::{Policy, batch};

pub const TUTORIAL: &str = include_str!("../../../../scenarios/tutorial.ron");
pub const CASCADE: &str = include_str!("../../../../scenarios/cascade.ron");

pub fn compile(src: &str) -> Scenario {
    let c = scenario::compile_str("test.ron", src);
    match c.scenario {
        Some(s) => s,
        None => panic!(
            "scenario does not compile:\n{}",
            c.report.lines().join("\n")
        ),
    }
}

pub fn tutorial() -> Arc<Scenario> {
    Arc::new(compile(TUTORIAL))
}

pub fn cascade() -> Arc<Scenario> {
    Arc::new(compile(CASCADE))
}

/// A scenario's text with `turn_order: Sequential` (States act one after another).
pub fn sequential(src: &str) -> Arc<Scenario> {
    let tweaked = src.replacen(
        "actions_per_round: 3,",
        "actions_per_round: 3,\n    turn_order: Sequential,",
        1,
    );
    assert_ne!(
        tweaked, src,
        "no actions_per_round: 3 to put the turn order after"
    );
    Arc::new(compile(&tweaked))
}

pub fn state(s: &Scenario, id: &str) -> StateId {
    s.state_by_id(id).unwrap_or_else(|| panic!("no state {id}"))
}

pub fn body(s: &Scenario, st: &str, b: &str) -> BodyId {
    s.body_by_id(state(s, st), b)
        .unwrap_or_else(|| panic!("no body {st}/{b}"))
}

pub fn fact(s: &Scenario, id: &str) -> cbm_ttx_core::scenario::FactId {
    cbm_ttx_core::scenario::FactId(
        s.facts
            .iter()
            .position(|f| f.id == id)
            .unwrap_or_else(|| panic!("no fact {id}")) as u16,
    )
}

pub fn incident(s: &Scenario, id: &str) -> cbm_ttx_core::scenario::IncidentId {
    cbm_ttx_core::scenario::IncidentId(
        s.incidents
            .iter()
            .position(|f| f.id == id)
            .expect("incident") as u16,
    )
}

/// A game started and in round 1's deliberation.
pub fn deliberating(s: &Arc<Scenario>, seed: u64) -> Game {
    let mut g = Game::new(s.clone(), seed);
    control(&mut g, Command::Start);
    control(&mut g, Command::BeginDeliberation { seconds: 0 });
    g
}

pub fn control(g: &mut Game, c: Command) -> Vec<Event> {
    let label = format!("{c:?}");
    g.handle(Seat::Control, c)
        .unwrap_or_else(|e| panic!("control {label}: {e}"))
        .to_vec()
}

pub fn submit(g: &mut Game, seat: Seat, actor: BodyId, action: Action) {
    let label = format!("{action:?}");
    if let Err(e) = g.handle(seat, Command::Submit { actor, action }) {
        panic!("submit {label}: {e}");
    }
}

/// Close deliberation, then return the events of the resolution.
pub fn resolve(g: &mut Game) -> Vec<Event> {
    control(g, Command::CloseDeliberation)
}

/// Open the next round and begin its deliberation.
pub fn next_round(g: &mut Game) -> Vec<Event> {
    let mut ev = control(g, Command::OpenRound);
    ev.extend(control(g, Command::BeginDeliberation { seconds: 0 }));
    ev
}

pub fn fired(events: &[Event], s: &Scenario, inject: &str) -> bool {
    let id = s.inject_by_id(inject).expect("inject");
    events
        .iter()
        .any(|e| matches!(&e.kind, EventKind::InjectRevealed { inject, .. } if *inject == id))
}

pub fn tweak(from: &str, to: &str) -> String {
    assert!(TUTORIAL.contains(from), "tutorial lacks {from:?}");
    TUTORIAL.replacen(from, to, 1)
}

/// A journaled game with named participants who also appear in free text.
pub fn named_game(dir: &std::path::Path) -> (std::path::PathBuf, Game) {
    let s = cascade();
    let path = dir.join("named.jsonl");
    let rec = Recording {
        path: Some(path.clone()),
        durability: Some(Durability::Flush),
        source_text: Some(CASCADE.into()),
    };
    let mut g = Session::start(s.clone(), None, 99, rec).unwrap();
    let names = [
        "Alice Wong",
        "Boris Petrov",
        "Chiara Rossi",
        "Dmitri Orlov",
        "Eva Lind",
    ];
    for (st, name) in s.state_ids().zip(names) {
        g.command(
            Seat::Control,
            Command::TakeSeat {
                seat: Seat::State(st),
                name: name.into(),
            },
        )
        .unwrap();
    }
    g.command(Seat::Control, Command::Start).unwrap();
    g.command(Seat::Control, Command::BeginDeliberation { seconds: 0 })
        .unwrap();
    let ar = state(&s, "ardenia");
    g.command(
        Seat::State(ar),
        Command::Submit {
            actor: body(&s, "ardenia", "mfa"),
            action: cbm_ttx_core::engine::Action::PublicStatement {
                tone: cbm_ttx_core::scenario::Tone::Conciliatory,
                about: Some(state(&s, "borovia")),
                text: "As Alice Wong said this morning, we seek calm.".into(),
            },
        },
    )
    .unwrap();
    g.command(
        Seat::Control,
        Command::Annotate {
            text: "boris petrov pushed for a joint analysis".into(),
        },
    )
    .unwrap();
    batch::play_rounds(&mut g, Policy::Cooperative);
    let game = g.game().clone();
    (path, game)
}

/// Journal a finished game's record (events only, as `simulate` keeps them in memory).
pub fn write_journal(path: &std::path::Path, game: &Game) {
    std::fs::write(
        path,
        journal::to_bytes(&Header::new(game.scenario(), game.seed()), game.events()),
    )
    .unwrap();
}

/// Where each marker of a scenario's private text belongs.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Owner {
    Fact(FactId),
    Inject(InjectId),
    Incident(IncidentId),
    Round(u8),
    /// Never disclosed to any player seat.
    Never,
}

/// The reference scenario with a unique marker in every private field and id.
pub fn marked() -> (Arc<Scenario>, BTreeMap<String, Owner>) {
    let mut s = (*cascade()).clone();
    let mut markers = BTreeMap::new();
    let mut n = 0;
    let mut mark = |owner: Owner| {
        n += 1;
        let m = format!("MARK{n:05}Z");
        markers.insert(m.clone(), owner);
        m
    };
    s.id = mark(Owner::Never);
    for (i, inc) in s.incidents.iter_mut().enumerate() {
        let o = Owner::Incident(IncidentId(i as u16));
        inc.id = mark(Owner::Never);
        inc.title = Text::Plain(mark(o.clone()));
        inc.description = Text::Plain(mark(o));
    }
    for (i, f) in s.facts.iter_mut().enumerate() {
        f.id = mark(Owner::Never);
        f.text = Text::Plain(mark(Owner::Fact(FactId(i as u16))));
    }
    for (i, inj) in s.injects.iter_mut().enumerate() {
        let o = Owner::Inject(InjectId(i as u16));
        inj.id = mark(Owner::Never);
        inj.title = Text::Plain(mark(o.clone()));
        inj.text = Text::Plain(mark(o.clone()));
        for q in &mut inj.questions {
            *q = Text::Plain(mark(o.clone()));
        }
    }
    for (i, r) in s.rounds.iter_mut().enumerate() {
        let o = Owner::Round(i as u8 + 1);
        r.title = Text::Plain(mark(o.clone()));
        r.briefing = Text::Plain(mark(Owner::Never));
        for q in &mut r.questions {
            *q = Text::Plain(mark(o.clone()));
        }
    }
    for o in &mut s.objectives {
        o.id = mark(Owner::Never);
        o.title = Text::Plain(mark(Owner::Never));
        o.description = Text::Plain(mark(Owner::Never));
    }
    (Arc::new(s), markers)
}

/// Markers found in some text, with their owners.
pub fn found_markers(text: &str, markers: &BTreeMap<String, Owner>) -> Vec<(String, Owner)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("MARK") {
        let m = rest.get(i..i + 10).unwrap_or("");
        if let Some(o) = markers.get(m) {
            out.push((m.to_owned(), o.clone()));
        }
        rest = &rest[i + 4..];
    }
    out
}
