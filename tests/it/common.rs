use std::sync::Arc;

use cbm_ttx::engine::{Action, Command, Event, EventKind, Game, Seat};
use cbm_ttx::scenario::{self, BodyId, Scenario, StateId};

pub const TUTORIAL: &str = include_str!("../../scenarios/tutorial.ron");
pub const CASCADE: &str = include_str!("../../scenarios/cascade.ron");

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

pub fn state(s: &Scenario, id: &str) -> StateId {
    s.state_by_id(id).unwrap_or_else(|| panic!("no state {id}"))
}

pub fn body(s: &Scenario, st: &str, b: &str) -> BodyId {
    s.body_by_id(state(s, st), b)
        .unwrap_or_else(|| panic!("no body {st}/{b}"))
}

pub fn fact(s: &Scenario, id: &str) -> cbm_ttx::scenario::FactId {
    cbm_ttx::scenario::FactId(
        s.facts
            .iter()
            .position(|f| f.id == id)
            .unwrap_or_else(|| panic!("no fact {id}")) as u16,
    )
}

pub fn incident(s: &Scenario, id: &str) -> cbm_ttx::scenario::IncidentId {
    cbm_ttx::scenario::IncidentId(
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
