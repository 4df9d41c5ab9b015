//! Checks for events that come from outside (a journal on disk, the network): every
//! index an event holds must exist in the scenario, so that applying it cannot panic
//! ([`refers_within`]), and the event must be possible where the exercise stands
//! ([`plausible`]), so that a damaged or foreign record is refused rather than
//! reported as nonsense ("round 250 of 5"). Events the engine makes itself always pass.

use super::command::{Action, Command, InjectTarget, Seat};
use super::event::{Event, EventKind, Payload, Phase};
use super::situation::Situation;
use crate::scenario::{Audience, BodyId, FactId, IncidentId, Origin, Scenario, StateId, StateSet};

/// Does every index in the event exist in the scenario?
pub fn refers_within(s: &Scenario, e: &Event) -> bool {
    refs(s, e, true)
}

/// Does every State, body and actor the event names exist in a public scenario (see
/// [`super::disclose::public`])? Ids of incidents, facts and injects are not
/// checked: a seat knows those only as keys of what was disclosed to it.
pub fn refers_within_public(s: &Scenario, e: &Event) -> bool {
    refs(s, e, false)
}

fn refs(s: &Scenario, e: &Event, private: bool) -> bool {
    let state = |x: StateId| x.index() < s.states.len();
    let set = |x: StateSet| x.iter().all(state);
    let body = |b: BodyId| state(b.state) && (b.body as usize) < s.state(b.state).bodies.len();
    let fact = |f: FactId| !private || f.index() < s.facts.len();
    let incident = |i: IncidentId| !private || i.index() < s.incidents.len();
    let origin = |o: Origin| match o {
        Origin::State(x) => state(x),
        Origin::Actor(a) => a.index() < s.actors.len(),
    };
    let seat = |x: Seat| match x {
        Seat::State(st) => state(st),
        Seat::Body(b) => body(b),
        Seat::Control | Seat::Observer => true,
    };
    let pair = |a: StateId, b: StateId| state(a) && state(b) && a != b;
    let audience_ok = match &e.audience {
        Audience::States(x) => set(*x),
        Audience::Body(b) => body(*b),
        Audience::Public | Audience::Control => true,
    };
    let payload = |p: &Payload| match p {
        Payload::Concern { incident: i, .. } => i.is_none_or(incident),
        Payload::Request { incident: i, .. }
        | Payload::Assistance { incident: i }
        | Payload::JointAnalysis { incident: i } => incident(*i),
        Payload::Share { incident: i, facts } => incident(*i) && facts.iter().all(|f| fact(*f)),
        Payload::Note { .. } | Payload::Response { .. } => true,
    };
    let action = |a: &Action| match a {
        Action::ShareInformation {
            to,
            incident: i,
            facts,
        } => state(*to) && incident(*i) && facts.iter().all(|f| fact(*f)),
        Action::RequestAssistance {
            to, incident: i, ..
        }
        | Action::ProvideAssistance { to, incident: i } => state(*to) && incident(*i),
        Action::JointAnalysis { with, incident: i } => state(*with) && incident(*i),
        Action::NationalCoordination { incident: i } => i.is_none_or(incident),
        Action::ContactMessage { to, .. } => state(*to),
        Action::RaiseConcern {
            to, incident: i, ..
        } => state(*to) && i.is_none_or(incident),
        Action::CommunicationCheck { targets } => set(*targets),
        Action::PublicStatement { about, .. } => about.is_none_or(state),
        Action::PublicAttribution {
            incident: i, to, ..
        } => incident(*i) && origin(*to),
        Action::Countermeasure {
            against,
            incident: i,
            ..
        } => state(*against) && i.is_none_or(incident),
        Action::UpdateContacts | Action::Respond { .. } | Action::Pass => true,
    };
    audience_ok
        && match &e.kind {
            EventKind::SeatTaken { seat: x, .. }
            | EventKind::SeatFreed { seat: x }
            | EventKind::SeatReady { seat: x } => seat(*x),
            EventKind::InjectRevealed { inject, .. } => {
                !private || inject.index() < s.injects.len()
            }
            EventKind::IncidentOpened { incident: i } => incident(*i),
            EventKind::FactLearned {
                body: b, fact: f, ..
            } => body(*b) && fact(*f),
            EventKind::TensionChanged { a, b, value, .. } => pair(*a, *b) && *value <= 100,
            EventKind::ContactBroken { state: x, .. } | EventKind::ContactsUpdated { state: x } => {
                state(*x)
            }
            EventKind::ActionSubmitted {
                seat: x,
                actor,
                action: a,
                ..
            } => seat(*x) && body(*actor) && action(a),
            EventKind::ActionResolved { actor, .. } | EventKind::Passed { actor } => body(*actor),
            EventKind::TurnPassed { to } => to.is_none_or(state),
            EventKind::MessageSent { message, .. } => {
                body(message.from) && state(message.to) && payload(&message.payload)
            }
            EventKind::MessageDelivered {
                message, to_body, ..
            } => {
                body(message.from)
                    && state(message.to)
                    && body(*to_body)
                    && payload(&message.payload)
            }
            EventKind::MessageLost { to, .. } => state(*to),
            EventKind::CheckResult { by, target, .. } => state(*by) && state(*target),
            EventKind::Coordinated {
                state: x,
                incident: i,
            } => state(*x) && i.is_none_or(incident),
            EventKind::Statement { by, about, .. } => state(*by) && about.is_none_or(state),
            EventKind::Attribution {
                by,
                incident: i,
                to,
                ..
            } => state(*by) && incident(*i) && origin(*to),
            EventKind::Countermeasure {
                by,
                against,
                incident: i,
                ..
            } => state(*by) && state(*against) && i.is_none_or(incident),
            EventKind::ExerciseStarted
            | EventKind::RoundOpened
            | EventKind::AdHocInject { .. }
            | EventKind::DeliberationBegun { .. }
            | EventKind::ActionWithdrawn { .. }
            | EventKind::DeliberationClosed
            | EventKind::ActionVoid { .. }
            | EventKind::MessageDelayed { .. }
            | EventKind::AttributionAssessed { .. }
            | EventKind::ConcernExpired { .. }
            | EventKind::RoundResolved
            | EventKind::Annotation { .. }
            | EventKind::Paused
            | EventKind::Resumed
            | EventKind::ExerciseEnded => true,
        }
}

/// The command that made a run of events, read from its first event (records made
/// before commands were kept). None when no command starts with that event.
pub fn command_of(st: &Situation, events: &[Event]) -> Option<(Seat, Command)> {
    let first = events.first()?;
    let control = |c: Command| Some((Seat::Control, c));
    match &first.kind {
        EventKind::ExerciseStarted => control(Command::Start),
        EventKind::RoundOpened => control(Command::OpenRound),
        EventKind::DeliberationBegun { seconds } => {
            control(Command::BeginDeliberation { seconds: *seconds })
        }
        EventKind::DeliberationClosed => control(Command::CloseDeliberation),
        EventKind::ActionSubmitted {
            seat,
            actor,
            action,
            ..
        } => Some((
            *seat,
            Command::Submit {
                actor: *actor,
                action: action.clone(),
            },
        )),
        EventKind::ActionWithdrawn { id } => {
            let seat = st.staged().iter().find(|s| s.id == *id)?.seat;
            Some((seat, Command::Withdraw { action: *id }))
        }
        EventKind::SeatReady { seat } => Some((*seat, Command::Ready)),
        EventKind::SeatTaken { seat, name } => control(Command::TakeSeat {
            seat: *seat,
            name: name.clone(),
        }),
        EventKind::SeatFreed { seat } => control(Command::FreeSeat { seat: *seat }),
        EventKind::InjectRevealed {
            inject,
            source: super::event::InjectSource::Facilitator,
        } => control(Command::RevealInject { inject: *inject }),
        EventKind::AdHocInject { title, text } => {
            let audience = match &first.audience {
                Audience::Public => InjectTarget::Public,
                Audience::States(set) => InjectTarget::States(*set),
                Audience::Body(b) => InjectTarget::Body(*b),
                Audience::Control => return None,
            };
            control(Command::AdHocInject {
                audience,
                title: title.clone(),
                text: text.clone(),
            })
        }
        EventKind::TensionChanged {
            a,
            b,
            delta,
            cause: super::event::Cause::Facilitator { reason },
            ..
        } => control(Command::AdjustTension {
            a: *a,
            b: *b,
            delta: *delta,
            reason: reason.clone(),
        }),
        // A fact revealed by control may open its incident first.
        EventKind::IncidentOpened { .. } | EventKind::FactLearned { .. } => {
            events.iter().take(64).find_map(|e| match e.kind {
                EventKind::FactLearned {
                    body,
                    fact,
                    via: super::event::Via::Facilitator,
                } => Some((Seat::Control, Command::RevealFact { fact, to: body })),
                _ => None,
            })
        }
        EventKind::Annotation { text } => control(Command::Annotate { text: text.clone() }),
        EventKind::Paused => control(Command::Pause),
        EventKind::Resumed => control(Command::Resume),
        EventKind::ExerciseEnded => control(Command::End),
        _ => None,
    }
}

/// Could this event come next, in the situation the record has reached? Returns a
/// reason when it could not.
pub fn plausible(s: &Scenario, st: &Situation, e: &Event) -> Result<(), &'static str> {
    let phase = st.phase();
    if let EventKind::RoundOpened = e.kind {
        if e.round != st.round() + 1 {
            return Err("a round opens out of turn");
        }
        if e.round > s.round_count() {
            return Err("a round beyond the scenario's last opens");
        }
        return match phase {
            Phase::Setup | Phase::Briefing if st.round() == 0 => Ok(()),
            Phase::Debrief => Ok(()),
            _ => Err("a round opens before the previous one was resolved"),
        };
    }
    if e.round != st.round() {
        return Err("the event's round is not the round the record has reached");
    }
    let need = |ok: bool, why: &'static str| if ok { Ok(()) } else { Err(why) };
    match &e.kind {
        EventKind::ExerciseStarted => need(phase == Phase::Setup, "the exercise starts twice"),
        EventKind::DeliberationBegun { .. } => need(
            phase == Phase::Briefing,
            "deliberation begins outside a briefing",
        ),
        EventKind::ActionSubmitted { .. }
        | EventKind::ActionWithdrawn { .. }
        | EventKind::SeatReady { .. }
        | EventKind::TurnPassed { .. }
        | EventKind::DeliberationClosed => need(
            phase == Phase::Deliberation,
            "a player's step outside deliberation",
        ),
        EventKind::RoundResolved => need(
            phase == Phase::Deliberation,
            "a round is resolved that was not in deliberation",
        ),
        EventKind::ExerciseEnded => need(
            !matches!(phase, Phase::Setup | Phase::Ended),
            "the exercise ends before it began, or twice",
        ),
        EventKind::SeatTaken { .. }
        | EventKind::SeatFreed { .. }
        | EventKind::Annotation { .. } => Ok(()),
        _ => need(
            !matches!(phase, Phase::Setup | Phase::Ended),
            "play outside the running exercise",
        ),
    }
}
