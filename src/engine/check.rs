//! Is this seat allowed to send this command now? Every command passes through
//! [`check`] before it is executed, whether it comes from a local UI, a bot or the network.

use super::command::{Action, Command, InjectTarget, Seat};
use super::event::{Payload, Phase};
use super::state::{Delivery, State};
use crate::scenario::{BodyId, IncidentId, Origin, Scenario, StateId, TurnOrder};

/// Longest free text accepted in any command (characters).
pub const MAX_TEXT_CHARS: usize = 4000;
/// Longest participant name.
pub const MAX_NAME_CHARS: usize = 80;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    #[error("only exercise control may do that")]
    ControlOnly,
    #[error("this seat cannot act for that body")]
    NotYourBody,
    #[error("only a player seat can do that")]
    NotAPlayer,
    #[error("not possible during {actual}: {needed}")]
    WrongPhase {
        actual: &'static str,
        needed: &'static str,
    },
    #[error("the exercise is paused")]
    Paused,
    #[error("it is not your State's turn")]
    NotYourTurn,
    #[error("this seat has already staged {limit} actions this round")]
    TooManyActions { limit: u8 },
    #[error("{0}")]
    Invalid(String),
}

fn invalid(msg: impl Into<String>) -> Rejection {
    Rejection::Invalid(msg.into())
}

fn wrong_phase(state: &State, needed: &'static str) -> Rejection {
    Rejection::WrongPhase {
        actual: state.phase.label(),
        needed,
    }
}

pub fn check(
    scenario: &Scenario,
    state: &State,
    seat: Seat,
    cmd: &Command,
) -> Result<(), Rejection> {
    if cmd.is_control() {
        if seat != Seat::Control {
            return Err(Rejection::ControlOnly);
        }
        return check_control(scenario, state, cmd);
    }
    if seat.state().is_none() {
        return Err(Rejection::NotAPlayer);
    }
    if state.phase != Phase::Deliberation {
        return Err(wrong_phase(
            state,
            "actions can be staged during deliberation",
        ));
    }
    if state.paused {
        return Err(Rejection::Paused);
    }
    if scenario.turn_order == TurnOrder::Sequential && state.turn != seat.state() {
        return Err(Rejection::NotYourTurn);
    }
    match cmd {
        Command::Submit { actor, action } => {
            valid_body(scenario, *actor)?;
            if !seat.may_act_as(*actor) {
                return Err(Rejection::NotYourBody);
            }
            let staged = state.staged.iter().filter(|s| s.seat == seat).count();
            if staged >= scenario.actions_per_round as usize {
                return Err(Rejection::TooManyActions {
                    limit: scenario.actions_per_round,
                });
            }
            check_action(scenario, state, *actor, action)
        }
        Command::Withdraw { action } => match state.staged.iter().find(|s| s.id == *action) {
            Some(s) if s.seat == seat => Ok(()),
            Some(_) => Err(invalid("another seat staged that action")),
            None => Err(invalid(format!("there is no staged action #{action}"))),
        },
        Command::Ready => {
            if state.ready.contains(&seat) {
                Err(invalid("this seat is already marked ready"))
            } else {
                Ok(())
            }
        }
        _ => Ok(()),
    }
}

fn check_control(scenario: &Scenario, state: &State, cmd: &Command) -> Result<(), Rejection> {
    let running = || {
        if !state.started() {
            Err(wrong_phase(state, "start the exercise first"))
        } else if state.phase == Phase::Ended {
            Err(wrong_phase(state, "the exercise has ended"))
        } else {
            Ok(())
        }
    };
    match cmd {
        Command::TakeSeat { seat, name } => {
            if state.phase == Phase::Ended {
                return Err(wrong_phase(state, "the exercise has ended"));
            }
            valid_seat(scenario, *seat)?;
            text(name, MAX_NAME_CHARS, "a name")?;
            if name.trim().is_empty() {
                return Err(invalid("give the participant a name"));
            }
            Ok(())
        }
        Command::FreeSeat { seat } => {
            if state.seats.contains_key(seat) {
                Ok(())
            } else {
                Err(invalid("nobody sits in that seat"))
            }
        }
        Command::Start => {
            if state.started() {
                Err(wrong_phase(state, "the exercise has already started"))
            } else {
                Ok(())
            }
        }
        Command::OpenRound => {
            running()?;
            if state.phase != Phase::Debrief {
                Err(wrong_phase(state, "close the current round first"))
            } else if state.is_last_round(scenario) {
                Err(invalid("that was the last round: end the exercise"))
            } else {
                Ok(())
            }
        }
        Command::BeginDeliberation { seconds } => {
            if state.phase != Phase::Briefing {
                Err(wrong_phase(
                    state,
                    "deliberation follows a round's briefing",
                ))
            } else if *seconds > 24 * 3600 {
                Err(invalid("a round clock of more than a day"))
            } else {
                Ok(())
            }
        }
        Command::CloseDeliberation => {
            if state.phase != Phase::Deliberation {
                Err(wrong_phase(
                    state,
                    "only an open deliberation can be closed",
                ))
            } else {
                Ok(())
            }
        }
        Command::RevealInject { inject } => {
            running()?;
            match state.fired.get(inject.index()) {
                None => Err(invalid("no such inject")),
                Some(true) => Err(invalid("that inject has already been revealed")),
                Some(false) => Ok(()),
            }
        }
        Command::AdHocInject {
            audience,
            title,
            text: body,
        } => {
            running()?;
            text(title, 200, "a title")?;
            text(body, MAX_TEXT_CHARS, "an inject")?;
            if title.trim().is_empty() {
                return Err(invalid("give the inject a title"));
            }
            match audience {
                InjectTarget::Public => Ok(()),
                InjectTarget::States(set) => {
                    if set.is_empty() || set.iter().any(|s| s.index() >= scenario.states.len()) {
                        Err(invalid("the audience must name existing States"))
                    } else {
                        Ok(())
                    }
                }
                InjectTarget::Body(b) => valid_body(scenario, *b),
            }
        }
        Command::AdjustTension {
            a,
            b,
            delta,
            reason,
        } => {
            running()?;
            pair(scenario, *a, *b)?;
            text(reason, MAX_TEXT_CHARS, "a reason")?;
            if reason.trim().is_empty() {
                Err(invalid("say why the tension changes: the debrief will ask"))
            } else if *delta == 0 {
                Err(invalid("a change of 0 changes nothing"))
            } else {
                Ok(())
            }
        }
        Command::RevealFact { fact, to } => {
            running()?;
            valid_body(scenario, *to)?;
            if fact.index() >= scenario.facts.len() {
                Err(invalid("no such fact"))
            } else if state.knows(*to, *fact) {
                Err(invalid("that body already knows it"))
            } else {
                Ok(())
            }
        }
        Command::Annotate { text: t } => {
            text(t, MAX_TEXT_CHARS, "a note")?;
            if t.trim().is_empty() {
                Err(invalid("the note is empty"))
            } else {
                Ok(())
            }
        }
        Command::Pause => {
            running()?;
            if state.paused {
                Err(invalid("already paused"))
            } else {
                Ok(())
            }
        }
        Command::Resume => {
            if state.paused {
                Ok(())
            } else {
                Err(invalid("not paused"))
            }
        }
        Command::End => running(),
        Command::Submit { .. } | Command::Withdraw { .. } | Command::Ready => Ok(()),
    }
}

/// Is the action well-formed and possible for this body, given what its State knows?
pub fn check_action(
    scenario: &Scenario,
    state: &State,
    actor: BodyId,
    action: &Action,
) -> Result<(), Rejection> {
    let me = actor.state;
    let other = |s: StateId| -> Result<(), Rejection> {
        if s.index() >= scenario.states.len() {
            Err(invalid("no such State"))
        } else if s == me {
            Err(invalid("choose another State than your own"))
        } else {
            Ok(())
        }
    };
    let open = |i: IncidentId| -> Result<(), Rejection> {
        match state.incident_open.get(i.index()) {
            Some(true) => Ok(()),
            Some(false) => Err(invalid("that incident has not happened (yet)")),
            None => Err(invalid("no such incident")),
        }
    };
    if let Some(t) = action.text() {
        text(t, MAX_TEXT_CHARS, "the text")?;
    }
    match action {
        Action::ShareInformation {
            to,
            incident,
            facts,
        } => {
            other(*to)?;
            open(*incident)?;
            if facts.len() > scenario.facts.len() {
                return Err(invalid("too many facts"));
            }
            for f in facts {
                let Some(fd) = scenario.facts.get(f.index()) else {
                    return Err(invalid("no such fact"));
                };
                if fd.incident != *incident {
                    return Err(invalid("that fact belongs to another incident"));
                }
                if !state.knows(actor, *f) {
                    return Err(invalid(
                        "your body does not know that fact: co-ordinate nationally first",
                    ));
                }
            }
            if facts.is_empty()
                && !scenario
                    .incident(*incident)
                    .facts
                    .iter()
                    .any(|f| state.knows(actor, *f))
            {
                return Err(invalid(
                    "your body knows nothing about that incident to share",
                ));
            }
            Ok(())
        }
        Action::RequestAssistance { to, incident, .. }
        | Action::ProvideAssistance { to, incident } => {
            other(*to)?;
            open(*incident)
        }
        Action::JointAnalysis { with, incident } => {
            other(*with)?;
            open(*incident)
        }
        Action::NationalCoordination { incident } => match incident {
            Some(i) => open(*i),
            None => Ok(()),
        },
        Action::ContactMessage { to, .. } => other(*to),
        Action::RaiseConcern { to, incident, .. } => {
            other(*to)?;
            match incident {
                Some(i) => open(*i),
                None => Ok(()),
            }
        }
        Action::UpdateContacts | Action::Pass => Ok(()),
        Action::CommunicationCheck { targets } => {
            if targets.iter().any(|s| s.index() >= scenario.states.len()) {
                Err(invalid("no such State"))
            } else if targets.contains(me) {
                Err(invalid("a communication check is run on other States"))
            } else {
                Ok(())
            }
        }
        Action::PublicStatement { about, .. } => match about {
            Some(s) => other(*s),
            None => Ok(()),
        },
        Action::PublicAttribution { incident, to, .. } => {
            open(*incident)?;
            match to {
                Origin::State(s) => other(*s),
                Origin::Actor(a) if a.index() < scenario.actors.len() => Ok(()),
                Origin::Actor(_) => Err(invalid("no such actor")),
            }
        }
        Action::Countermeasure {
            against, incident, ..
        } => {
            other(*against)?;
            match incident {
                Some(i) => open(*i),
                None => Ok(()),
            }
        }
        Action::Respond { message, .. } => {
            let Some(m) = state.message(*message) else {
                return Err(invalid("no such message"));
            };
            if m.message.to != me || !matches!(m.delivery, Delivery::Delivered(_)) {
                return Err(invalid(
                    "you can only respond to messages your State received",
                ));
            }
            if matches!(m.message.payload, Payload::Response { .. }) {
                return Err(invalid("that is already a response"));
            }
            if m.answered {
                return Err(invalid("that message has already been answered"));
            }
            Ok(())
        }
    }
}

fn valid_body(scenario: &Scenario, b: BodyId) -> Result<(), Rejection> {
    match scenario.states.get(b.state.index()) {
        Some(s) if (b.body as usize) < s.bodies.len() => Ok(()),
        _ => Err(invalid("no such body")),
    }
}

fn valid_seat(scenario: &Scenario, seat: Seat) -> Result<(), Rejection> {
    match seat {
        Seat::State(s) if s.index() < scenario.states.len() => Ok(()),
        Seat::Body(b) => valid_body(scenario, b),
        Seat::Observer => Ok(()),
        _ => Err(invalid("not a seat participants can take")),
    }
}

fn pair(scenario: &Scenario, a: StateId, b: StateId) -> Result<(), Rejection> {
    let n = scenario.states.len();
    if a.index() >= n || b.index() >= n {
        Err(invalid("no such State"))
    } else if a == b {
        Err(invalid("tension is between two different States"))
    } else {
        Ok(())
    }
}

fn text(s: &str, max: usize, what: &str) -> Result<(), Rejection> {
    // Count at most max+1 characters: a hostile megabyte string costs no more than that.
    if s.chars().take(max + 1).count() > max {
        Err(invalid(format!("{what} may be at most {max} characters")))
    } else {
        Ok(())
    }
}
