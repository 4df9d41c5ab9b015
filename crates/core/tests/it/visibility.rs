//! Across many simulated games, no event reaches a seat outside its audience, every
//! private event is addressed no wider than the rules say, and each seat's view knows
//! exactly the facts its own bodies hold.

use cbm_ttx_core::engine::{Event, EventKind, Seat};
use cbm_ttx_core::scenario::{Audience, Scenario, StateSet};
use cbm_ttx_core::sim::{Policy, play};

use crate::common::*;

/// The widest audience an event of this kind may have. `None`: anything goes (public).
fn widest(e: &Event) -> Option<Audience> {
    use EventKind::*;
    let own = |s| Some(Audience::States(StateSet::one(s)));
    match &e.kind {
        FactLearned { body, .. } => Some(Audience::Body(*body)),
        ActionSubmitted { actor, .. } | ActionResolved { actor, .. } | Passed { actor } => {
            own(actor.state)
        }
        MessageSent { message, .. } => own(message.from.state),
        MessageLost { .. } | ActionVoid { .. } | ActionWithdrawn { .. } | Coordinated { .. } => {
            Some(Audience::States(StateSet(u64::MAX)))
        }
        MessageDelivered { message, .. } => Some(Audience::States(StateSet::pair(
            message.from.state,
            message.to,
        ))),
        CheckResult { by, target, .. } => Some(Audience::States(StateSet::pair(*by, *target))),
        MessageDelayed { .. }
        | ContactBroken { .. }
        | AttributionAssessed { .. }
        | Annotation { .. } => Some(Audience::Control),
        _ => None,
    }
}

fn within(actual: &Audience, widest: &Audience) -> bool {
    match (actual, widest) {
        (Audience::Control, _) => true,
        (a, b) if a == b => true,
        (Audience::States(a), Audience::States(b)) => a.0 & !b.0 == 0,
        (Audience::Body(a), Audience::States(b)) => b.contains(a.state),
        _ => false,
    }
}

fn seats(s: &Scenario) -> Vec<Seat> {
    let mut v = Seat::all_player_seats(s);
    v.push(Seat::Observer);
    v.push(Seat::Control);
    v
}

#[test]
fn no_event_reaches_a_seat_outside_its_audience() {
    let s = cascade();
    let seats = seats(&s);
    let mut games = 0;
    for policy in Policy::ALL {
        for seed in 0..60u64 {
            let g = play(s.clone(), seed, policy);
            games += 1;
            for e in g.events() {
                if let Some(w) = widest(e) {
                    assert!(
                        within(&e.audience, &w),
                        "{policy:?}/{seed}: {e:?} is addressed wider than {w:?}"
                    );
                }
                // Sender-only events: exactly the sender's State.
                if let EventKind::MessageLost { id, .. } = &e.kind {
                    let sent = g.events().iter().find(|x| x.seq == *id).unwrap();
                    assert_eq!(e.audience, sent.audience);
                }
            }
            for seat in &seats {
                let view = g.view(*seat);
                assert!(view.events.iter().all(|e| e.audience.includes(*seat)));
                let visible = g
                    .events()
                    .iter()
                    .filter(|e| e.audience.includes(*seat))
                    .count();
                assert_eq!(view.events.len(), visible);
                // The facts a view holds are exactly those its bodies know.
                for f in 0..s.facts.len() {
                    let f = cbm_ttx_core::scenario::FactId(f as u16);
                    let truth = match seat {
                        Seat::Body(b) => g.situation().knows(*b, f),
                        Seat::State(st) => g.situation().state_knows(&s, *st, f),
                        Seat::Control => s.all_body_ids().any(|b| g.situation().knows(b, f)),
                        Seat::Observer => false,
                    };
                    assert_eq!(
                        view.knows(f),
                        truth,
                        "{policy:?}/{seed} seat {seat:?} fact {}",
                        s.fact(f).id
                    );
                }
            }
        }
    }
    assert_eq!(games, 240);
}

#[test]
fn the_observer_sees_only_public_events() {
    let s = cascade();
    let g = play(s.clone(), 9, Policy::Random);
    let v = g.view(Seat::Observer);
    assert!(!v.events.is_empty());
    assert!(v.events.iter().all(|e| e.audience == Audience::Public));
    assert!(v.facts.is_empty() && v.messages.is_empty());
}
