//! What a seat may know, tested by kind over many games:
//! - a seat's own checks (the composer's, a bot's) agree with the engine's on every
//!   candidate action, so a refusal never tells a seat what it could not see;
//! - nothing a player seat receives depends on hidden origins;
//! - no private scenario text reaches a seat before, or outside, the event that
//!   discloses it to that seat.

use std::collections::BTreeMap;
use std::sync::Arc;

use cbm_ttx_core::engine::check::{Truth, check_player};
use cbm_ttx_core::engine::disclose::{self, Disclosure};
use cbm_ttx_core::engine::{Choice, Command, Event, EventKind, Game, Seat, SeatView};
use cbm_ttx_core::scenario::{
    ActionKind, ActorId, FactId, IncidentId, Origin, Scenario, StateId, StateSet, Tone,
};
use cbm_ttx_core::sim::{Bots, Policy, batch};
use proptest::prelude::*;
use proptest::test_runner::TestRng;

use crate::common::*;

/// Candidate actions a seat might try: every kind, with targets drawn from the whole
/// scenario (known and unknown incidents, facts, messages alike).
fn candidates(s: &Scenario, g: &Game, seat: Seat, rng: &mut TestRng, n: usize) -> Vec<Command> {
    let me = seat.state().unwrap();
    let bodies: Vec<_> = s.body_ids(me).filter(|b| seat.may_act_as(*b)).collect();
    let pick = |rng: &mut TestRng, k: usize| (rng.next_u32() as usize) % k.max(1);
    let mut out = Vec::new();
    for _ in 0..n {
        let kind = ActionKind::ALL[pick(rng, ActionKind::ALL.len())];
        let actor = bodies[pick(rng, bodies.len())];
        let state = StateId(pick(rng, s.states.len() + 1) as u8);
        let incident = IncidentId(pick(rng, s.incidents.len() + 1) as u16);
        let facts: Vec<FactId> = (0..pick(rng, 3))
            .map(|_| FactId(pick(rng, s.facts.len() + 1) as u16))
            .collect();
        let message = match g.situation().messages().len() {
            0 => pick(rng, g.events().len() + 1) as u32,
            m => g.situation().messages()[pick(rng, m)].id,
        };
        let origin = if rng.next_u32().is_multiple_of(2) {
            Origin::State(state)
        } else {
            Origin::Actor(ActorId(pick(rng, s.actors.len() + 1) as u8))
        };
        let choice = Choice {
            state: Some(state),
            incident: (!rng.next_u32().is_multiple_of(5)).then_some(incident),
            facts,
            text: String::new(),
            tone: Some(Tone::ALL[pick(rng, 4)]),
            states: StateSet::one(state),
            message: Some(message),
            origin: Some(origin),
        };
        if let Ok(action) = choice.into_action(kind) {
            out.push(Command::Submit { actor, action });
        }
    }
    out.push(Command::Ready);
    out.push(Command::Withdraw {
        action: pick(rng, g.events().len() + 1) as u32,
    });
    out
}

#[test]
fn a_seats_own_checks_agree_with_the_engine_on_every_candidate() {
    let mut rng = TestRng::deterministic_rng(proptest::test_runner::RngAlgorithm::ChaCha);
    let mut compared = 0usize;
    // Both turn orders: in Sequential order whose turn it is decides most checks.
    for s in [
        cascade(),
        tutorial(),
        sequential(CASCADE),
        sequential(TUTORIAL),
    ] {
        let public = Arc::new(disclose::public(&s));
        let seats: Vec<Seat> = Seat::all_player_seats(&s);
        for policy in Policy::ALL {
            for seed in 0..6u64 {
                let mut g = Game::new(s.clone(), seed);
                g.handle(Seat::Control, Command::Start).unwrap();
                let mut bots = Bots::new(&g, policy);
                for round in 1..=s.round_count() {
                    batch::play_rounds_until(&mut g, policy, round);
                    if g.situation().round() != round {
                        break;
                    }
                    // Control tells a body a fact: maybe of an incident its State was
                    // never told of.
                    let bodies: Vec<_> = s.all_body_ids().collect();
                    let body = bodies[(rng.next_u32() as usize) % bodies.len()];
                    let fact = FactId((rng.next_u32() as usize % s.facts.len()) as u16);
                    let _ = g.handle(Seat::Control, Command::RevealFact { fact, to: body });
                    // Check before anyone acted, then after each State's turn.
                    for st in s.state_ids().chain(std::iter::once(StateId(99))) {
                        for seat in &seats {
                            let view = SeatView::build(&s, public.clone(), *seat, g.events());
                            let truth = Truth {
                                scenario: &s,
                                situation: g.situation(),
                            };
                            for cmd in candidates(&s, &g, *seat, &mut rng, 40) {
                                let engine = check_player(&s, &truth, *seat, &cmd);
                                let own = check_player(view.scenario(), &view, *seat, &cmd);
                                assert_eq!(
                                    engine, own,
                                    "{policy:?}/{seed} round {round} seat {seat:?}: {cmd:?}"
                                );
                                compared += 1;
                            }
                        }
                        if st.index() < s.states.len() {
                            bots.play_turn(&mut g, st);
                        }
                    }
                    g.handle(Seat::Control, Command::CloseDeliberation).unwrap();
                }
            }
        }
    }
    assert!(compared > 100_000, "{compared}");
}

/// The same scenario with every incident's hidden origin set by `origin`.
fn with_origins(s: &Scenario, origin: impl Fn(usize) -> Origin) -> Arc<Scenario> {
    let mut v = s.clone();
    for (i, inc) in v.incidents.iter_mut().enumerate() {
        inc.origin = origin(i);
    }
    Arc::new(v)
}

#[test]
fn nothing_a_player_seat_receives_depends_on_hidden_origins() {
    let s = cascade();
    let n = s.states.len();
    let variants = [
        with_origins(&s, |i| s.incidents[i].origin),
        with_origins(&s, |_| Origin::Actor(ActorId(0))),
        with_origins(&s, |i| Origin::State(StateId((i % n) as u8))),
        with_origins(&s, |i| Origin::State(StateId(((i + 2) % n) as u8))),
    ];
    let seats = Seat::all_player_seats(&s);
    for policy in Policy::ALL {
        for seed in 0..40u64 {
            let games: Vec<Game> = variants
                .iter()
                .map(|v| batch::play(v.clone(), seed, policy))
                .collect();
            let seen = |g: &Game, seat: Seat| -> Vec<Event> {
                g.events()
                    .iter()
                    .filter(|e| e.audience.includes(seat))
                    .cloned()
                    .collect()
            };
            for seat in seats.iter().copied().chain([Seat::Observer]) {
                let first = seen(&games[0], seat);
                for (k, g) in games.iter().enumerate().skip(1) {
                    assert_eq!(
                        first,
                        seen(g, seat),
                        "{policy:?}/{seed}: seat {seat:?} can tell origin variant {k} from the original"
                    );
                }
            }
        }
    }
}

fn owners(d: &Disclosure) -> Owner {
    match d {
        Disclosure::Fact(f, _) => Owner::Fact(*f),
        Disclosure::Inject(i, _) => Owner::Inject(*i),
        Disclosure::Incident(i, _) => Owner::Incident(*i),
        Disclosure::Round(r, _) => Owner::Round(*r),
    }
}

fn found(bytes: &str, markers: &BTreeMap<String, Owner>) -> Vec<(String, Owner)> {
    found_markers(bytes, markers)
}

#[test]
fn no_private_text_reaches_a_seat_before_or_outside_the_event_that_discloses_it() {
    let (s, markers) = marked();
    let public = disclose::public(&s);
    let public_json = serde_json::to_string(&public).unwrap();
    assert!(
        found(&public_json, &markers).is_empty(),
        "the public scenario carries private text: {:?}",
        found(&public_json, &markers)
    );
    let mut disclosed_any = 0;
    for policy in Policy::ALL {
        for seed in 0..30u64 {
            let g = batch::play(s.clone(), seed, policy);
            for seat in Seat::all_player_seats(&s)
                .into_iter()
                .chain([Seat::Observer])
            {
                for e in g.events().iter().filter(|e| e.audience.includes(seat)) {
                    let ds = disclose::disclose(&s, seat, e);
                    // Everything this seat receives with this event.
                    let sent = serde_json::to_string(&(e, &ds)).unwrap();
                    for (m, owner) in found(&sent, &markers) {
                        assert_ne!(owner, Owner::Never, "{m} reached {seat:?} with {e:?}");
                        assert!(
                            ds.iter().any(|d| owners(d) == owner),
                            "{m} ({owner:?}) reached {seat:?} with an event that does not disclose it: {e:?}"
                        );
                        disclosed_any += 1;
                    }
                    // Each disclosure is one this event may make to this seat.
                    for d in &ds {
                        let ok = match (d, &e.kind) {
                            (Disclosure::Fact(f, _), EventKind::FactLearned { fact, .. }) => {
                                f == fact
                            }
                            (
                                Disclosure::Inject(i, _),
                                EventKind::InjectRevealed { inject, .. },
                            ) => i == inject,
                            (Disclosure::Round(r, _), EventKind::RoundOpened) => *r == e.round,
                            (Disclosure::Incident(i, _), EventKind::FactLearned { fact, .. }) => {
                                s.fact(*fact).incident == *i
                            }
                            (Disclosure::Incident(i, _), _) => {
                                disclose::incident_named(e) == Some(*i)
                            }
                            _ => false,
                        };
                        assert!(ok, "{d:?} disclosed to {seat:?} with {e:?}");
                    }
                }
            }
        }
    }
    assert!(disclosed_any > 1000);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// A seat's view built from what it received equals the host's view of it: the
    /// same knowledge whichever side folds it.
    #[test]
    fn a_clients_view_equals_the_hosts(seed in 0u64..1000, policy in 0usize..4, seq in any::<bool>()) {
        let s = if seq { sequential(CASCADE) } else { cascade() };
        let g = batch::play(s.clone(), seed, Policy::ALL[policy]);
        let public = Arc::new(disclose::public(&s));
        for seat in Seat::all_player_seats(&s) {
            let host = g.view(seat);
            let mut client = SeatView::new(public.clone(), seat);
            for e in g.events().iter().filter(|e| e.audience.includes(seat)) {
                client.observe(e, disclose::disclose(&s, seat, e));
            }
            prop_assert_eq!(&host, &client);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    /// What every seat may see of the situation (round, phase, pause, whose turn it is,
    /// who is ready, the clock length, who sits where, tension) is, after every event,
    /// what the situation says: a seat's screen never shows another state of play than
    /// the engine judges it by.
    #[test]
    fn every_view_agrees_with_the_situation_on_what_is_public(
        seed in 0u64..1000, policy in 0usize..4, seq in any::<bool>(), small in any::<bool>()
    ) {
        let src = if small { TUTORIAL } else { CASCADE };
        let s = if seq { sequential(src) } else { Arc::new(compile(src)) };
        let g = batch::play(s.clone(), seed, Policy::ALL[policy]);
        let public = Arc::new(disclose::public(&s));
        let seats: Vec<Seat> = Seat::all_player_seats(&s).into_iter().chain([Seat::Observer]).collect();
        let mut views: Vec<SeatView> = seats.iter().map(|x| SeatView::new(public.clone(), *x)).collect();
        let mut st = cbm_ttx_core::engine::Situation::new(&s, seed);
        for e in g.events() {
            cbm_ttx_core::engine::apply(&mut st, &s, e);
            for v in &mut views {
                v.observe_from(&s, e);
                let st = &st;
                prop_assert_eq!(v.round, st.round(), "{:?} after {:?}", v.seat, e.kind);
                prop_assert_eq!(v.phase, st.phase(), "{:?} after {:?}", v.seat, e.kind);
                prop_assert_eq!(v.paused, st.paused());
                prop_assert_eq!(v.turn, st.turn(), "{:?} after {:?}", v.seat, e.kind);
                prop_assert_eq!(&v.ready, st.ready());
                prop_assert_eq!(&v.seats, st.seats());
            }
        }
    }
}
