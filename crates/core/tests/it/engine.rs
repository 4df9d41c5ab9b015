//! The rules: who may do what when, and what actions cause.

use cbm_ttx_core::engine::rules::*;
use cbm_ttx_core::engine::{
    Action, Command, EventKind, Game, InjectTarget, Payload, Phase, Rejection, Seat, Status, Via,
    evaluate_all,
};
use cbm_ttx_core::scenario::{Level, Origin, StateSet, Tone};

use crate::common::*;

#[test]
fn a_seat_acts_only_for_its_own_state_or_body() {
    let s = tutorial();
    let mut g = deliberating(&s, 1);
    let lk_cert = body(&s, "lakeland", "cert");
    let lk_mfa = body(&s, "lakeland", "mfa");
    let hm = state(&s, "hillmark");
    let msg = Action::ContactMessage {
        to: hm,
        level: Level::Policy,
        text: "hello".into(),
    };
    let r = g.handle(
        Seat::Body(lk_cert),
        Command::Submit {
            actor: lk_mfa,
            action: msg.clone(),
        },
    );
    assert_eq!(r.err(), Some(Rejection::NotYourBody));
    let r = g.handle(
        Seat::State(hm),
        Command::Submit {
            actor: lk_mfa,
            action: msg.clone(),
        },
    );
    assert_eq!(r.err(), Some(Rejection::NotYourBody));
    assert!(
        g.handle(
            Seat::State(state(&s, "lakeland")),
            Command::Submit {
                actor: lk_mfa,
                action: msg
            }
        )
        .is_ok()
    );
    // Players cannot run the exercise; observers cannot act.
    assert_eq!(
        g.handle(Seat::Body(lk_cert), Command::CloseDeliberation)
            .err(),
        Some(Rejection::ControlOnly)
    );
    assert_eq!(
        g.handle(Seat::Observer, Command::Ready).err(),
        Some(Rejection::NotAPlayer)
    );
}

#[test]
fn actions_only_during_an_unpaused_deliberation() {
    let s = tutorial();
    let mut g = Game::new(s.clone(), 1);
    let lk = state(&s, "lakeland");
    let actor = body(&s, "lakeland", "cert");
    let submit = || Command::Submit {
        actor,
        action: Action::Pass,
    };
    assert!(matches!(
        g.handle(Seat::State(lk), submit()),
        Err(Rejection::WrongPhase { .. })
    ));
    control(&mut g, Command::Start);
    assert_eq!(g.situation().phase(), Phase::Briefing);
    assert!(matches!(
        g.handle(Seat::State(lk), submit()),
        Err(Rejection::WrongPhase { .. })
    ));
    assert!(matches!(
        g.handle(Seat::Control, Command::CloseDeliberation),
        Err(Rejection::WrongPhase { .. })
    ));
    control(&mut g, Command::BeginDeliberation { seconds: 300 });
    control(&mut g, Command::Pause);
    assert_eq!(
        g.handle(Seat::State(lk), submit()).err(),
        Some(Rejection::Paused)
    );
    control(&mut g, Command::Resume);
    assert!(g.handle(Seat::State(lk), submit()).is_ok());
}

#[test]
fn a_seat_stages_at_most_the_scenario_limit() {
    let s = tutorial();
    let mut g = deliberating(&s, 1);
    let seat = Seat::State(state(&s, "lakeland"));
    let actor = body(&s, "lakeland", "cert");
    for _ in 0..s.actions_per_round {
        submit(&mut g, seat, actor, Action::Pass);
    }
    assert_eq!(
        g.handle(
            seat,
            Command::Submit {
                actor,
                action: Action::Pass
            }
        )
        .err(),
        Some(Rejection::TooManyActions {
            limit: s.actions_per_round
        })
    );
    // Withdrawing frees a slot.
    let id = g.situation().staged()[0].id;
    g.handle(seat, Command::Withdraw { action: id }).unwrap();
    assert!(
        g.handle(
            seat,
            Command::Submit {
                actor,
                action: Action::Pass
            }
        )
        .is_ok()
    );
}

#[test]
fn a_body_cannot_share_what_it_does_not_know() {
    let s = tutorial();
    let mut g = deliberating(&s, 1);
    let hm_mfa = body(&s, "hillmark", "mfa");
    let share = Action::ShareInformation {
        to: state(&s, "lakeland"),
        incident: incident(&s, "exchange"),
        facts: vec![fact(&s, "exchange-rented")],
    };
    let r = g.handle(
        Seat::State(state(&s, "hillmark")),
        Command::Submit {
            actor: hm_mfa,
            action: share,
        },
    );
    assert_eq!(r.unwrap_err(), Rejection::ActorLacksFact);
}

#[test]
fn national_coordination_spreads_facts_to_every_body() {
    let s = tutorial();
    let mut g = deliberating(&s, 1);
    let hm = state(&s, "hillmark");
    let rented = fact(&s, "exchange-rented");
    assert!(!g.situation().knows(body(&s, "hillmark", "cert"), rented));
    submit(
        &mut g,
        Seat::State(hm),
        body(&s, "hillmark", "mfa"),
        Action::NationalCoordination { incident: None },
    );
    resolve(&mut g);
    for b in s.body_ids(hm) {
        assert!(g.situation().knows(b, rented), "{:?} does not know", b);
    }
}

#[test]
fn sharing_information_reaches_the_recipients_technical_contact() {
    let s = tutorial();
    let mut g = deliberating(&s, 1);
    let hm = state(&s, "hillmark");
    let lk = state(&s, "lakeland");
    let rented = fact(&s, "exchange-rented");
    submit(
        &mut g,
        Seat::State(hm),
        body(&s, "hillmark", "interior"),
        Action::ShareInformation {
            to: lk,
            incident: incident(&s, "exchange"),
            facts: vec![],
        },
    );
    let ev = resolve(&mut g);
    // Lakeland's technical contact point is its CERT, and its entry is current: delivered now.
    let lk_cert = body(&s, "lakeland", "cert");
    assert!(g.situation().knows(lk_cert, rented));
    assert!(!g.situation().knows(body(&s, "lakeland", "mfa"), rented));
    assert!(ev.iter().any(
        |e| matches!(&e.kind, EventKind::FactLearned { body, fact, via: Via::Shared { from } }
        if *body == lk_cert && *fact == rented && *from == hm)
    ));
    let before = s.initial_tension[s.pair_index(lk, hm)];
    assert_eq!(
        g.situation().tension(&s, lk, hm),
        (before as i16 + SHARE_DELIVERED as i16) as u8
    );
}

#[test]
fn stale_contact_data_delays_some_messages_by_a_round_and_never_loses_them() {
    let s = tutorial();
    let lk = state(&s, "lakeland");
    let hm = state(&s, "hillmark");
    let (mut delayed, mut on_time) = (0, 0);
    for seed in 0..60 {
        let mut g = deliberating(&s, seed);
        let msg = Action::ContactMessage {
            to: hm,
            level: Level::Technical,
            text: "ping".into(),
        };
        submit(&mut g, Seat::State(lk), body(&s, "lakeland", "cert"), msg);
        let ev = resolve(&mut g);
        assert!(
            !ev.iter()
                .any(|e| matches!(e.kind, EventKind::MessageLost { .. }))
        );
        if ev
            .iter()
            .any(|e| matches!(e.kind, EventKind::MessageDelayed { .. }))
        {
            delayed += 1;
            assert!(
                !ev.iter()
                    .any(|e| matches!(e.kind, EventKind::MessageDelivered { .. }))
            );
            let next = next_round(&mut g);
            assert!(
                next.iter()
                    .any(|e| matches!(e.kind, EventKind::MessageDelivered { late: true, .. }))
            );
        } else {
            on_time += 1;
            assert!(
                ev.iter()
                    .any(|e| matches!(e.kind, EventKind::MessageDelivered { late: false, .. }))
            );
        }
    }
    assert!(
        delayed > 10 && on_time > 10,
        "delayed {delayed}, on time {on_time}"
    );
}

#[test]
fn wrong_contact_data_loses_messages_until_the_owner_updates_it() {
    let s = cascade();
    let ar = state(&s, "ardenia");
    let cv = state(&s, "corvinia");
    let mut g = deliberating(&s, 3);
    let ask = || Action::ContactMessage {
        to: cv,
        level: Level::Policy,
        text: "Can we talk?".into(),
    };
    submit(&mut g, Seat::State(ar), body(&s, "ardenia", "mfa"), ask());
    let ev = resolve(&mut g);
    assert!(ev.iter().any(
        |e| matches!(e.kind, EventKind::MessageLost { to, level: Level::Policy, .. } if to == cv)
    ));
    // The sender sees the bounce; Corvinia does not even know a message was sent.
    let cv_view = g.view(Seat::State(cv));
    assert!(cv_view.messages.is_empty());
    let ar_view = g.view(Seat::State(ar));
    assert_eq!(
        ar_view.messages[0].status,
        cbm_ttx_core::engine::view::MessageStatus::Lost
    );
    // Corvinia updates its entries (resolved before messages in the same round).
    next_round(&mut g);
    submit(
        &mut g,
        Seat::State(cv),
        body(&s, "corvinia", "mfa"),
        Action::UpdateContacts,
    );
    submit(&mut g, Seat::State(ar), body(&s, "ardenia", "mfa"), ask());
    let ev = resolve(&mut g);
    assert!(ev.iter().any(
        |e| matches!(&e.kind, EventKind::MessageDelivered { message, .. } if message.to == cv)
    ));
}

#[test]
fn a_communication_check_shows_who_answers_and_tells_the_checked_state() {
    let s = cascade();
    let ar = state(&s, "ardenia");
    let cv = state(&s, "corvinia");
    let bo = state(&s, "borovia");
    let mut g = deliberating(&s, 3);
    submit(
        &mut g,
        Seat::State(ar),
        body(&s, "ardenia", "cert"),
        Action::CommunicationCheck {
            targets: StateSet::one(cv).with(bo),
        },
    );
    resolve(&mut g);
    let ar_view = g.view(Seat::State(ar));
    use cbm_ttx_core::engine::Answer;
    assert_eq!(
        ar_view.directory[cv.index()][0].last_check.map(|c| c.1),
        Some(Answer::None)
    );
    assert_eq!(
        ar_view.directory[cv.index()][1].last_check.map(|c| c.1),
        Some(Answer::Prompt)
    );
    assert_eq!(
        ar_view.directory[bo.index()][1].last_check.map(|c| c.1),
        Some(Answer::Slow)
    );
    let cv_view = g.view(Seat::State(cv));
    assert_eq!(
        cv_view.directory[cv.index()][0].last_check.map(|c| c.1),
        Some(Answer::None)
    );
    // A third State sees none of it.
    let dl_view = g.view(Seat::State(state(&s, "dalmora")));
    assert!(
        dl_view
            .directory
            .iter()
            .all(|d| d.iter().all(|e| e.last_check.is_none()))
    );
}

#[test]
fn tone_of_public_statements_moves_tension() {
    let s = tutorial();
    let lk = state(&s, "lakeland");
    let hm = state(&s, "hillmark");
    let start = s.initial_tension[s.pair_index(lk, hm)] as i16;
    for (tone, delta) in [
        (Tone::Conciliatory, STATEMENT_CONCILIATORY),
        (Tone::Neutral, 0),
        (Tone::Assertive, STATEMENT_ASSERTIVE),
        (Tone::Accusatory, STATEMENT_ACCUSATORY),
    ] {
        let mut g = deliberating(&s, 1);
        submit(
            &mut g,
            Seat::State(lk),
            body(&s, "lakeland", "mfa"),
            Action::PublicStatement {
                tone,
                about: Some(hm),
                text: "We note.".into(),
            },
        );
        resolve(&mut g);
        assert_eq!(
            g.situation().tension(&s, lk, hm) as i16,
            start + delta as i16,
            "{tone:?}"
        );
    }
}

#[test]
fn attribution_is_judged_privately_and_costs_the_same_in_public_whoever_did_it() {
    let s = tutorial();
    let lk = state(&s, "lakeland");
    let hm = state(&s, "hillmark");
    let start = s.initial_tension[s.pair_index(lk, hm)] as i16;
    let assessed = |ev: &[cbm_ttx_core::engine::Event]| {
        ev.iter().find_map(|e| match e.kind {
            EventKind::AttributionAssessed {
                correct,
                substantiated,
                ..
            } => {
                assert_eq!(e.audience, cbm_ttx_core::scenario::Audience::Control);
                Some((correct, substantiated))
            }
            _ => None,
        })
    };
    // Wrong (QUILL did it) but substantiated: Lakeland's CERT holds the Hillmark IP fact.
    let mut g = deliberating(&s, 1);
    let attr = Action::PublicAttribution {
        incident: incident(&s, "exchange"),
        to: Origin::State(hm),
        text: "Hillmark did it.".into(),
    };
    submit(&mut g, Seat::State(lk), body(&s, "lakeland", "mfa"), attr);
    let ev = resolve(&mut g);
    assert_eq!(assessed(&ev), Some((false, true)));
    assert_eq!(
        g.situation().tension(&s, lk, hm) as i16,
        start + ATTRIBUTION as i16
    );
    // Hillmark attributing to Lakeland holds no evidence at all: control sees that; the
    // room sees the same public cost.
    let mut g = deliberating(&s, 1);
    let attr = Action::PublicAttribution {
        incident: incident(&s, "exchange"),
        to: Origin::State(lk),
        text: String::new(),
    };
    submit(&mut g, Seat::State(hm), body(&s, "hillmark", "mfa"), attr);
    let ev = resolve(&mut g);
    assert_eq!(assessed(&ev), Some((false, false)));
    assert_eq!(
        g.situation().tension(&s, lk, hm) as i16,
        start + ATTRIBUTION as i16
    );
    // Naming the real culprit is judged right, and moves no public number.
    let mut g = deliberating(&s, 1);
    let quill = Origin::Actor(cbm_ttx_core::scenario::ActorId(0));
    submit(
        &mut g,
        Seat::State(lk),
        body(&s, "lakeland", "mfa"),
        Action::PublicAttribution {
            incident: incident(&s, "exchange"),
            to: quill,
            text: String::new(),
        },
    );
    let ev = resolve(&mut g);
    assert_eq!(assessed(&ev).map(|a| a.0), Some(true));
    assert_eq!(g.situation().tension(&s, lk, hm) as i16, start);
}

#[test]
fn concerns_must_be_answered_within_a_round() {
    let s = tutorial();
    let lk = state(&s, "lakeland");
    let hm = state(&s, "hillmark");
    let raise = || Action::RaiseConcern {
        to: hm,
        incident: None,
        text: "Explain the traffic.".into(),
    };
    // Ignored: expires at the end of the next round and tension rises.
    let mut g = deliberating(&s, 1);
    submit(
        &mut g,
        Seat::State(lk),
        body(&s, "lakeland", "mfa"),
        raise(),
    );
    resolve(&mut g);
    next_round(&mut g);
    let before = g.situation().tension(&s, lk, hm) as i16;
    let ev = resolve(&mut g);
    assert!(
        ev.iter()
            .any(|e| matches!(e.kind, EventKind::ConcernExpired { .. }))
    );
    assert_eq!(
        g.situation().tension(&s, lk, hm) as i16,
        before + CONCERN_IGNORED as i16
    );
    // Answered: tension eases.
    let mut g = deliberating(&s, 1);
    submit(
        &mut g,
        Seat::State(lk),
        body(&s, "lakeland", "mfa"),
        raise(),
    );
    resolve(&mut g);
    next_round(&mut g);
    let concern = g
        .situation()
        .messages()
        .iter()
        .find(|m| matches!(m.message.payload, Payload::Concern { .. }))
        .unwrap()
        .id;
    let before = g.situation().tension(&s, lk, hm) as i16;
    submit(
        &mut g,
        Seat::State(hm),
        body(&s, "hillmark", "mfa"),
        Action::Respond {
            message: concern,
            text: "We are investigating.".into(),
        },
    );
    let ev = resolve(&mut g);
    assert!(
        !ev.iter()
            .any(|e| matches!(e.kind, EventKind::ConcernExpired { .. }))
    );
    assert_eq!(
        g.situation().tension(&s, lk, hm) as i16,
        before + CONCERN_ANSWERED as i16
    );
    // And it cannot be answered twice.
    assert!(g.situation().message(concern).unwrap().answered);
}

#[test]
fn triggers_fire_on_silence_and_on_shared_knowledge() {
    let s = tutorial();
    let lk = state(&s, "lakeland");
    // Nobody shares in round 1: the tabloid headline fires when round 2 opens.
    let mut g = deliberating(&s, 1);
    resolve(&mut g);
    let ev = next_round(&mut g);
    assert!(fired(&ev, &s, "headline"));
    assert!(!fired(&ev, &s, "thanks"));
    // Hillmark shares the rental record: no headline, and the "thanks" inject fires.
    let mut g = deliberating(&s, 1);
    submit(
        &mut g,
        Seat::State(state(&s, "hillmark")),
        body(&s, "hillmark", "interior"),
        Action::ShareInformation {
            to: lk,
            incident: incident(&s, "exchange"),
            facts: vec![fact(&s, "exchange-rented")],
        },
    );
    resolve(&mut g);
    let ev = next_round(&mut g);
    assert!(!fired(&ev, &s, "headline"));
    assert!(fired(&ev, &s, "thanks"));
}

#[test]
fn objectives_are_pending_until_due_then_met_or_not() {
    let s = tutorial();
    let lk = state(&s, "lakeland");
    let hm = state(&s, "hillmark");
    let by_id = |g: &Game, id: &str| {
        let i = s.objectives.iter().position(|o| o.id == id).unwrap();
        evaluate_all(&s, g.events())[i].clone()
    };
    let mut g = deliberating(&s, 1);
    assert_eq!(by_id(&g, "policy-contact").status, Status::Pending);
    submit(
        &mut g,
        Seat::State(lk),
        body(&s, "lakeland", "mfa"),
        Action::ContactMessage {
            to: hm,
            level: Level::Policy,
            text: "Call me.".into(),
        },
    );
    resolve(&mut g);
    let o = by_id(&g, "policy-contact");
    assert_eq!(o.status, Status::Met);
    assert_eq!(o.evidence.len(), 1);
    assert!(matches!(
        g.events()[o.evidence[0] as usize].kind,
        EventKind::MessageDelivered { .. }
    ));
    // No attribution in round 1: met once round 2 opens.
    assert_eq!(by_id(&g, "no-early-blame").status, Status::Met);
    // Never shared by the end of round 2: not met.
    next_round(&mut g);
    resolve(&mut g);
    assert_eq!(by_id(&g, "rented-shared").status, Status::NotMet);
    control(&mut g, Command::End);
    assert_eq!(by_id(&g, "calm").status, Status::Met);
}

#[test]
fn control_can_adjudicate_reveal_and_annotate() {
    let s = tutorial();
    let lk = state(&s, "lakeland");
    let hm = state(&s, "hillmark");
    let mut g = deliberating(&s, 1);
    let before = g.situation().tension(&s, lk, hm);
    control(
        &mut g,
        Command::AdjustTension {
            a: lk,
            b: hm,
            delta: 12,
            reason: "Hillmark's TV mocked the outage".into(),
        },
    );
    assert_eq!(g.situation().tension(&s, lk, hm), before + 12);
    assert!(matches!(
        g.handle(
            Seat::Control,
            Command::AdjustTension {
                a: lk,
                b: hm,
                delta: 3,
                reason: " ".into()
            }
        ),
        Err(Rejection::Empty(_))
    ));
    control(
        &mut g,
        Command::AdHocInject {
            audience: InjectTarget::States(StateSet::one(hm)),
            title: "Call from a journalist".into(),
            text: "Do you comment?".into(),
        },
    );
    control(
        &mut g,
        Command::Annotate {
            text: "Lakeland team argued about who owns the CERT.".into(),
        },
    );
    let manual = s.inject_by_id("thanks").unwrap();
    control(&mut g, Command::RevealInject { inject: manual });
    assert!(
        g.handle(Seat::Control, Command::RevealInject { inject: manual })
            .is_err(),
        "an inject fires once"
    );
    // Annotations are control's alone; the ad-hoc inject only Hillmark's.
    let lk_view = g.view(Seat::State(lk));
    assert!(!lk_view.events.iter().any(|e| matches!(
        e.kind,
        EventKind::Annotation { .. } | EventKind::AdHocInject { .. }
    )));
    let hm_view = g.view(Seat::State(hm));
    assert!(
        hm_view
            .events
            .iter()
            .any(|e| matches!(e.kind, EventKind::AdHocInject { .. }))
    );
}

#[test]
fn sequential_order_lets_one_state_act_at_a_time_and_resolves_its_turn() {
    let src = TUTORIAL.replace(
        "actions_per_round: 3,",
        "actions_per_round: 3,\n    turn_order: Sequential,",
    );
    let s = std::sync::Arc::new(compile(&src));
    let lk = state(&s, "lakeland");
    let hm = state(&s, "hillmark");
    let mut g = deliberating(&s, 1);
    assert_eq!(g.situation().turn(), Some(lk));
    let hm_msg = Command::Submit {
        actor: body(&s, "hillmark", "mfa"),
        action: Action::UpdateContacts,
    };
    assert_eq!(
        g.handle(Seat::State(hm), hm_msg.clone()).err(),
        Some(Rejection::NotYourTurn)
    );
    submit(
        &mut g,
        Seat::State(lk),
        body(&s, "lakeland", "mfa"),
        Action::ContactMessage {
            to: hm,
            level: Level::Policy,
            text: "hi".into(),
        },
    );
    let ev = g.handle(Seat::State(lk), Command::Ready).unwrap().to_vec();
    // Lakeland's action took effect at once, and the turn passed to Hillmark.
    assert!(
        ev.iter()
            .any(|e| matches!(e.kind, EventKind::MessageDelivered { .. }))
    );
    assert_eq!(g.situation().turn(), Some(hm));
    assert!(g.handle(Seat::State(hm), hm_msg).is_ok());
}

#[test]
fn a_round_cannot_open_past_the_last() {
    let s = tutorial();
    let mut g = deliberating(&s, 1);
    resolve(&mut g);
    next_round(&mut g);
    resolve(&mut g);
    assert!(matches!(
        g.handle(Seat::Control, Command::OpenRound),
        Err(Rejection::LastRound)
    ));
    control(&mut g, Command::End);
    assert_eq!(g.situation().phase(), Phase::Ended);
    assert!(g.handle(Seat::Control, Command::End).is_err());
}

/// In `Sequential` order a State's turn ends when every seat of it that someone holds
/// has said ready, whatever seats are held and in whatever order they say so; a
/// freed seat no longer holds it up. Under rules 2 the first ready ended it.
mod sequential_turns {
    use super::*;
    use proptest::prelude::*;
    use std::sync::Arc;

    fn sequential() -> Arc<cbm_ttx_core::scenario::Scenario> {
        Arc::new(compile(&TUTORIAL.replace(
            "actions_per_round: 3,",
            "actions_per_round: 3,\n    turn_order: Sequential,",
        )))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]
        #[test]
        fn the_turn_waits_for_every_held_seat(held in proptest::collection::vec(any::<bool>(), 1..8), order in any::<proptest::sample::Index>(), free_last in any::<bool>(), rules in 2u32..4) {
            let s = sequential();
            let lk = state(&s, "lakeland");
            let seats: Vec<Seat> = std::iter::once(Seat::State(lk))
                .chain(s.body_ids(lk).map(Seat::Body))
                .collect();
            let taken: Vec<Seat> = seats.iter().zip(held.iter().cycle()).filter(|(_, h)| **h).map(|(s, _)| *s).collect();
            let mut g = Game::with_rules(s.clone(), 1, rules);
            for (i, seat) in taken.iter().enumerate() {
                control(&mut g, Command::TakeSeat { seat: *seat, name: format!("p{i}") });
            }
            control(&mut g, Command::Start);
            control(&mut g, Command::BeginDeliberation { seconds: 0 });
            prop_assert_eq!(g.situation().turn(), Some(lk));
            // Who says ready, in a shuffled order; with nobody seated, the State seat.
            let mut sayers = if taken.is_empty() { vec![Seat::State(lk)] } else { taken.clone() };
            let k = order.index(sayers.len());
            sayers.rotate_left(k);
            let last = sayers.pop().unwrap();
            for (n, seat) in sayers.iter().enumerate() {
                g.handle(*seat, Command::Ready).unwrap();
                let passed = g.situation().turn() != Some(lk);
                prop_assert_eq!(passed, rules < 3 && n == 0, "{} ready of {:?}", n + 1, taken);
                if passed { return Ok(()); }
            }
            if free_last && !sayers.is_empty() {
                // The seat still to say ready is freed: the turn no longer waits for it.
                control(&mut g, Command::FreeSeat { seat: last });
            } else {
                g.handle(last, Command::Ready).unwrap();
            }
            prop_assert_ne!(g.situation().turn(), Some(lk));
        }
    }
}
