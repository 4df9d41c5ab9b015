//! Is this seat allowed to send this command now? Every command passes through
//! [`check`] before it is executed, whether it comes from a local screen, a bot, the
//! LAN or a browser.
//!
//! A player's command is judged only on what the seat itself may know
//! ([`Awareness`]): the same function answers for the engine (on the true
//! [`Situation`]) and for the seat's own screen or bot (on its [`SeatView`]), so the
//! composer can say *before* the click why an action is not possible, and a refusal
//! never tells a seat something it could not see.

use super::command::{Action, ActionId, Command, InjectTarget, MessageId, Seat};
use super::event::{Payload, Phase};
use super::situation::{Delivery, Situation};
use super::view::{MessageStatus, SeatView};
use crate::scenario::{BodyId, FactId, IncidentId, Origin, Scenario, StateId, TurnOrder};

/// Longest free text accepted in any command (characters).
pub const MAX_TEXT_CHARS: usize = 4000;
/// Longest participant name (characters).
pub const MAX_NAME_CHARS: usize = 80;
/// Longest title of an ad-hoc inject (characters).
pub const MAX_TITLE_CHARS: usize = 200;
/// Longest deliberation clock (seconds): a day.
pub const MAX_ROUND_SECONDS: u32 = 24 * 3600;

/// Why a command was refused. Each variant names one rule; [`std::fmt::Display`]
/// says it in words a participant understands.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    /// A control command from another seat, or a player seat sent a command players do
    /// not have.
    #[error("only exercise control may do that")]
    ControlOnly,
    /// The acting body is neither the seat's own body nor a body of the seat's State.
    #[error("this seat cannot act for that body")]
    NotYourBody,
    /// A player command from control or an observer.
    #[error("only a player seat can do that")]
    NotAPlayer,
    /// Not possible in the current [`Phase`].
    #[error("not possible during {actual}: {needed}")]
    WrongPhase {
        /// The current phase's label.
        actual: &'static str,
        /// What the command needs, in words.
        needed: &'static str,
    },
    /// Players cannot act while the exercise is paused.
    #[error("the exercise is paused")]
    Paused,
    /// Sequential turn order, and another State is acting.
    #[error("it is not your State's turn")]
    NotYourTurn,
    /// The seat has staged `actions_per_round` actions already.
    #[error("this seat has already staged {limit} actions this round (withdraw one first)")]
    TooManyActions {
        /// The scenario's `actions_per_round`.
        limit: u8,
    },
    /// Withdraw of an action this seat did not stage this round.
    #[error("this seat has no staged action #{0}")]
    NoSuchStagedAction(ActionId),
    /// `Ready` twice in one round.
    #[error("this seat is already marked ready")]
    AlreadyReady,
    /// A text longer than its limit (in characters).
    #[error("{what} may be at most {max} characters")]
    TooLong {
        /// Which text, in words.
        what: &'static str,
        /// Its limit in characters.
        max: usize,
    },
    /// A text that must not be blank is blank.
    #[error("{0} is empty")]
    Empty(&'static str),
    /// A field the action kind requires was not chosen ([`super::Choice::into_action`]).
    #[error("choose {0}")]
    Missing(&'static str),
    /// A State id out of range.
    #[error("there is no such State")]
    NoSuchState,
    /// An action aimed at the actor's own State.
    #[error("choose another State than your own")]
    OwnState,
    /// A body id out of range.
    #[error("there is no such body")]
    NoSuchBody,
    /// An actor id out of range.
    #[error("there is no such non-State actor")]
    NoSuchActor,
    /// The seat was not told of the incident and its bodies know none of its facts
    /// (rules 2; under rules 1: the incident is not open).
    #[error("your seat knows of no such incident")]
    UnknownIncident,
    /// None of the seat's bodies knows the fact.
    #[error("your seat knows no such fact")]
    UnknownFact,
    /// A shared fact is not of the incident shared about.
    #[error("that fact belongs to another incident")]
    FactOfAnotherIncident,
    /// The seat knows the fact, but not through the acting body.
    #[error("the acting body does not know that fact: co-ordinate nationally first")]
    ActorLacksFact,
    /// "Share everything" when the acting body knows no fact of the incident.
    #[error("the acting body knows nothing about that incident to share")]
    NothingToShare,
    /// More than 65535 facts listed.
    #[error("too many facts chosen")]
    TooManyFacts,
    /// A communication check that names the actor's own State.
    #[error("a communication check is run on other States")]
    CheckOwnState,
    /// The message is unknown to the seat, not addressed to its State, or not delivered.
    #[error("you can only respond to a message your State received")]
    NotAReceivedMessage,
    /// Replies are not answered.
    #[error("that message is itself a response")]
    RespondToResponse,
    /// The message was answered already (or, a concern, expired unanswered).
    #[error("that message has already been answered")]
    AlreadyAnswered,
    /// `TakeSeat` for control or an out-of-range State.
    #[error("not a seat participants can take")]
    NotASeat,
    /// `FreeSeat` for an empty seat.
    #[error("nobody sits in that seat")]
    SeatEmpty,
    /// `OpenRound` after the last round.
    #[error("that was the last round: end the exercise")]
    LastRound,
    /// A deliberation clock over [`MAX_ROUND_SECONDS`].
    #[error("a round clock may be at most a day")]
    ClockTooLong,
    /// An inject id out of range.
    #[error("no such inject")]
    NoSuchInject,
    /// The inject has fired already.
    #[error("that inject has already been revealed")]
    InjectAlreadyRevealed,
    /// An ad-hoc inject for no State or an out-of-range State.
    #[error("the audience must name existing States")]
    BadAudience,
    /// A tension adjustment between a State and itself.
    #[error("tension is between two different States")]
    SamePair,
    /// A tension adjustment of 0.
    #[error("a change of 0 changes nothing")]
    NoChange,
    /// A fact id out of range.
    #[error("no such fact")]
    NoSuchFact,
    /// Revealing a fact to a body that knows it.
    #[error("that body already knows it")]
    AlreadyKnown,
    /// `Pause` while paused.
    #[error("already paused")]
    AlreadyPaused,
    /// `Resume` while not paused.
    #[error("not paused")]
    NotPaused,
}

/// A message as a seat knows it, for the checks of a response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MessageFacts {
    /// The State it was sent to.
    pub to: StateId,
    /// It has arrived (not lost, not held up).
    pub delivered: bool,
    /// It is itself a reply.
    pub is_response: bool,
    /// Answered by the recipient, or expired unanswered.
    pub answered: bool,
}

/// What the checks of a player's command need to know, from one seat's point of
/// view. Implemented by the true situation (for the engine) and by a [`SeatView`]
/// (for composers and bots); tests prove the two agree on every seat of many games.
pub trait Awareness {
    /// The exercise's phase.
    fn phase(&self) -> Phase;
    /// Whether the exercise is paused.
    fn paused(&self) -> bool;
    /// Sequential turn order: the State whose turn it is (`None` otherwise).
    fn turn(&self) -> Option<StateId>;
    /// Actions this seat has staged this round.
    fn staged_by(&self, seat: Seat) -> usize;
    /// Did this seat stage action `id` this round?
    fn staged_by_seat(&self, seat: Seat, id: ActionId) -> bool;
    /// Has this seat said it is ready this round?
    fn is_ready(&self, seat: Seat) -> bool;
    /// Does the seat know of the incident (told of it, or holding one of its facts)?
    fn knows_incident(&self, seat: Seat, i: IncidentId) -> bool;
    /// The incident of a fact the seat knows (None: the seat knows no such fact).
    fn fact_incident(&self, seat: Seat, f: FactId) -> Option<IncidentId>;
    /// Does the body know the fact? Asked only for the seat's own bodies.
    fn body_knows(&self, b: BodyId, f: FactId) -> bool;
    /// Does the body know any fact of the incident?
    fn body_knows_of(&self, b: BodyId, i: IncidentId) -> bool;
    /// A message the seat can see, if any.
    fn message(&self, seat: Seat, id: MessageId) -> Option<MessageFacts>;
}

/// The engine's side: the true situation, limited to what the seat may know.
pub struct Truth<'a> {
    /// The whole scenario.
    pub scenario: &'a Scenario,
    /// The true situation.
    pub situation: &'a Situation,
}

impl Awareness for Truth<'_> {
    fn phase(&self) -> Phase {
        self.situation.phase()
    }
    fn paused(&self) -> bool {
        self.situation.paused()
    }
    fn turn(&self) -> Option<StateId> {
        self.situation.turn()
    }
    fn staged_by(&self, seat: Seat) -> usize {
        self.situation
            .staged()
            .iter()
            .filter(|s| s.seat == seat)
            .count()
    }
    fn staged_by_seat(&self, seat: Seat, id: ActionId) -> bool {
        self.situation
            .staged()
            .iter()
            .any(|s| s.id == id && s.seat == seat)
    }
    fn is_ready(&self, seat: Seat) -> bool {
        self.situation.ready().contains(&seat)
    }
    fn knows_incident(&self, seat: Seat, i: IncidentId) -> bool {
        let Some(state) = seat.state() else {
            return false;
        };
        if i.index() >= self.scenario.incidents.len() {
            return false;
        }
        if self.situation.rules() < 2 {
            // The first rules let a seat act on any incident that had begun.
            return self.situation.incident_open(i);
        }
        self.situation.incident_told(i, state)
            || seat_bodies(self.scenario, seat).any(|b| self.body_knows_of(b, i))
    }
    fn fact_incident(&self, seat: Seat, f: FactId) -> Option<IncidentId> {
        let fact = self.scenario.facts.get(f.index())?;
        seat_bodies(self.scenario, seat)
            .any(|b| self.situation.knows(b, f))
            .then_some(fact.incident)
    }
    fn body_knows(&self, b: BodyId, f: FactId) -> bool {
        self.situation.knows(b, f)
    }
    fn body_knows_of(&self, b: BodyId, i: IncidentId) -> bool {
        self.scenario
            .incidents
            .get(i.index())
            .is_some_and(|inc| inc.facts.iter().any(|f| self.situation.knows(b, *f)))
    }
    fn message(&self, seat: Seat, id: MessageId) -> Option<MessageFacts> {
        let me = seat.state()?;
        let m = self.situation.message(id)?;
        let delivered = matches!(m.delivery, Delivery::Delivered(_));
        // A seat sees messages its State sent, and those delivered to it.
        let visible = m.message.from.state == me || (m.message.to == me && delivered);
        visible.then_some(MessageFacts {
            to: m.message.to,
            delivered,
            is_response: matches!(m.message.payload, Payload::Response { .. }),
            answered: m.answered,
        })
    }
}

/// The bodies a seat speaks for: all of its State's, or its own.
fn seat_bodies(scenario: &Scenario, seat: Seat) -> impl Iterator<Item = BodyId> + use<> {
    let (state, only) = match seat {
        Seat::State(s) => (Some(s), None),
        Seat::Body(b) => (Some(b.state), Some(b)),
        Seat::Control | Seat::Observer => (None, None),
    };
    let bodies: Vec<BodyId> = match state {
        Some(s) if s.index() < scenario.states.len() => scenario
            .body_ids(s)
            .filter(|b| only.is_none_or(|o| o == *b))
            .collect(),
        _ => Vec::new(),
    };
    bodies.into_iter()
}

impl Awareness for SeatView {
    fn phase(&self) -> Phase {
        self.phase
    }
    fn paused(&self) -> bool {
        self.paused
    }
    fn turn(&self) -> Option<StateId> {
        self.turn
    }
    fn staged_by(&self, seat: Seat) -> usize {
        self.staged.iter().filter(|s| s.seat == seat).count()
    }
    fn staged_by_seat(&self, seat: Seat, id: ActionId) -> bool {
        self.staged.iter().any(|s| s.id == id && s.seat == seat)
    }
    fn is_ready(&self, seat: Seat) -> bool {
        self.ready.contains(&seat)
    }
    fn knows_incident(&self, seat: Seat, i: IncidentId) -> bool {
        seat == self.seat && self.knows_incident(i)
    }
    fn fact_incident(&self, seat: Seat, f: FactId) -> Option<IncidentId> {
        if seat != self.seat {
            return None;
        }
        self.facts
            .iter()
            .find(|k| k.fact == f)
            .and_then(|_| self.fact(f).map(|x| x.incident))
    }
    fn body_knows(&self, b: BodyId, f: FactId) -> bool {
        self.facts
            .iter()
            .any(|k| k.fact == f && k.holders.contains(&b))
    }
    fn body_knows_of(&self, b: BodyId, i: IncidentId) -> bool {
        self.facts
            .iter()
            .any(|k| k.holders.contains(&b) && self.fact(k.fact).is_some_and(|x| x.incident == i))
    }
    fn message(&self, seat: Seat, id: MessageId) -> Option<MessageFacts> {
        if seat != self.seat {
            return None;
        }
        let m = self.message(id)?;
        Some(MessageFacts {
            to: m.message.to,
            delivered: matches!(m.status, MessageStatus::Delivered { .. }),
            is_response: matches!(m.message.payload, Payload::Response { .. }),
            answered: m.answered || m.expired,
        })
    }
}

fn wrong_phase(phase: Phase, needed: &'static str) -> Rejection {
    Rejection::WrongPhase {
        actual: phase.label(),
        needed,
    }
}

/// Check any command from any seat against the true situation. Control commands
/// ([`Command::is_control`]) from any other seat are [`Rejection::ControlOnly`];
/// player commands go to [`check_player`]. `Ok` means [`super::execute::execute`]
/// may run it.
pub fn check(
    scenario: &Scenario,
    situation: &Situation,
    seat: Seat,
    cmd: &Command,
) -> Result<(), Rejection> {
    if cmd.is_control() {
        if seat != Seat::Control {
            return Err(Rejection::ControlOnly);
        }
        return check_control(scenario, situation, cmd);
    }
    let truth = Truth {
        scenario,
        situation,
    };
    check_player(scenario, &truth, seat, cmd)
}

/// Check a player's command (submit, withdraw, ready) on what the seat may know.
/// `scenario` needs only its public part (States, bodies, actors, limits).
/// Errors, in the order checked: [`Rejection::NotAPlayer`] (control, observer),
/// [`Rejection::WrongPhase`] (outside deliberation), [`Rejection::Paused`],
/// [`Rejection::NotYourTurn`], then the command's own rules.
pub fn check_player(
    scenario: &Scenario,
    k: &impl Awareness,
    seat: Seat,
    cmd: &Command,
) -> Result<(), Rejection> {
    let Some(me) = seat.state() else {
        return Err(Rejection::NotAPlayer);
    };
    if k.phase() != Phase::Deliberation {
        return Err(wrong_phase(
            k.phase(),
            "actions can be staged during deliberation",
        ));
    }
    if k.paused() {
        return Err(Rejection::Paused);
    }
    if scenario.turn_order == TurnOrder::Sequential && k.turn() != Some(me) {
        return Err(Rejection::NotYourTurn);
    }
    match cmd {
        Command::Submit { actor, action } => {
            valid_body(scenario, *actor)?;
            if !seat.may_act_as(*actor) {
                return Err(Rejection::NotYourBody);
            }
            if k.staged_by(seat) >= scenario.actions_per_round as usize {
                return Err(Rejection::TooManyActions {
                    limit: scenario.actions_per_round,
                });
            }
            check_action(scenario, k, seat, *actor, action)
        }
        Command::Withdraw { action } => {
            if k.staged_by_seat(seat, *action) {
                Ok(())
            } else {
                Err(Rejection::NoSuchStagedAction(*action))
            }
        }
        Command::Ready => {
            if k.is_ready(seat) {
                Err(Rejection::AlreadyReady)
            } else {
                Ok(())
            }
        }
        _ => Err(Rejection::ControlOnly),
    }
}

/// Is the action well-formed and possible for this body, given what the seat knows?
/// (Phase, turn and the staging limit are checked by [`check_player`].)
pub fn check_action(
    scenario: &Scenario,
    k: &impl Awareness,
    seat: Seat,
    actor: BodyId,
    action: &Action,
) -> Result<(), Rejection> {
    let a = ActionCheck {
        scenario,
        k,
        seat,
        actor,
    };
    if let Some(t) = action.text() {
        text(t, MAX_TEXT_CHARS, "the text")?;
    }
    match action {
        Action::ShareInformation {
            to,
            incident,
            facts,
        } => a.share(*to, *incident, facts),
        Action::RequestAssistance { to, incident, .. }
        | Action::ProvideAssistance { to, incident }
        | Action::JointAnalysis { with: to, incident } => {
            a.other(*to)?;
            a.incident(*incident)
        }
        Action::NationalCoordination { incident } => a.maybe_incident(*incident),
        Action::ContactMessage { to, .. } => a.other(*to),
        Action::RaiseConcern { to, incident, .. }
        | Action::Countermeasure {
            against: to,
            incident,
            ..
        } => {
            a.other(*to)?;
            a.maybe_incident(*incident)
        }
        Action::UpdateContacts | Action::Pass => Ok(()),
        Action::CommunicationCheck { targets } => a.check_targets(*targets),
        Action::PublicStatement { about, .. } => match about {
            Some(s) => a.other(*s),
            None => Ok(()),
        },
        Action::PublicAttribution { incident, to, .. } => a.attribution(*incident, *to),
        Action::Respond { message, .. } => a.respond(*message),
    }
}

/// One action's checks, one small function per rule.
struct ActionCheck<'a, K> {
    scenario: &'a Scenario,
    k: &'a K,
    seat: Seat,
    actor: BodyId,
}

impl<K: Awareness> ActionCheck<'_, K> {
    fn me(&self) -> StateId {
        self.actor.state
    }

    fn other(&self, s: StateId) -> Result<(), Rejection> {
        if s.index() >= self.scenario.states.len() {
            Err(Rejection::NoSuchState)
        } else if s == self.me() {
            Err(Rejection::OwnState)
        } else {
            Ok(())
        }
    }

    fn incident(&self, i: IncidentId) -> Result<(), Rejection> {
        if self.k.knows_incident(self.seat, i) {
            Ok(())
        } else {
            Err(Rejection::UnknownIncident)
        }
    }

    fn maybe_incident(&self, i: Option<IncidentId>) -> Result<(), Rejection> {
        i.map_or(Ok(()), |i| self.incident(i))
    }

    fn share(&self, to: StateId, incident: IncidentId, facts: &[FactId]) -> Result<(), Rejection> {
        self.other(to)?;
        self.incident(incident)?;
        if facts.len() > u16::MAX as usize {
            return Err(Rejection::TooManyFacts);
        }
        for f in facts {
            match self.k.fact_incident(self.seat, *f) {
                None => return Err(Rejection::UnknownFact),
                Some(i) if i != incident => return Err(Rejection::FactOfAnotherIncident),
                Some(_) if !self.k.body_knows(self.actor, *f) => {
                    return Err(Rejection::ActorLacksFact);
                }
                Some(_) => {}
            }
        }
        if facts.is_empty() && !self.k.body_knows_of(self.actor, incident) {
            return Err(Rejection::NothingToShare);
        }
        Ok(())
    }

    fn check_targets(&self, targets: crate::scenario::StateSet) -> Result<(), Rejection> {
        if targets
            .iter()
            .any(|s| s.index() >= self.scenario.states.len())
        {
            Err(Rejection::NoSuchState)
        } else if targets.contains(self.me()) {
            Err(Rejection::CheckOwnState)
        } else {
            Ok(())
        }
    }

    fn attribution(&self, incident: IncidentId, to: Origin) -> Result<(), Rejection> {
        self.incident(incident)?;
        match to {
            Origin::State(s) => self.other(s),
            Origin::Actor(a) if a.index() < self.scenario.actors.len() => Ok(()),
            Origin::Actor(_) => Err(Rejection::NoSuchActor),
        }
    }

    fn respond(&self, message: MessageId) -> Result<(), Rejection> {
        match self.k.message(self.seat, message) {
            Some(m) if m.to == self.me() && m.delivered => {
                if m.is_response {
                    Err(Rejection::RespondToResponse)
                } else if m.answered {
                    Err(Rejection::AlreadyAnswered)
                } else {
                    Ok(())
                }
            }
            _ => Err(Rejection::NotAReceivedMessage),
        }
    }
}

/// Exercise control's commands, checked on the true situation.
fn check_control(scenario: &Scenario, st: &Situation, cmd: &Command) -> Result<(), Rejection> {
    match cmd {
        Command::TakeSeat { seat, name } => take_seat(scenario, st, *seat, name),
        Command::FreeSeat { seat } => {
            if st.seats().contains_key(seat) {
                Ok(())
            } else {
                Err(Rejection::SeatEmpty)
            }
        }
        Command::Start => {
            if st.started() {
                Err(wrong_phase(st.phase(), "the exercise has already started"))
            } else {
                Ok(())
            }
        }
        Command::OpenRound => open_round(scenario, st),
        Command::BeginDeliberation { seconds } => begin_deliberation(st, *seconds),
        Command::CloseDeliberation => {
            if st.phase() == Phase::Deliberation {
                Ok(())
            } else {
                Err(wrong_phase(
                    st.phase(),
                    "only an open deliberation can be closed",
                ))
            }
        }
        Command::RevealInject { inject } => {
            running(st)?;
            if inject.index() >= scenario.injects.len() {
                Err(Rejection::NoSuchInject)
            } else if st.fired(*inject) {
                Err(Rejection::InjectAlreadyRevealed)
            } else {
                Ok(())
            }
        }
        Command::AdHocInject {
            audience,
            title,
            text: body,
        } => ad_hoc(scenario, st, audience, title, body),
        Command::AdjustTension {
            a,
            b,
            delta,
            reason,
        } => adjust_tension(scenario, st, *a, *b, *delta, reason),
        Command::RevealFact { fact, to } => {
            running(st)?;
            valid_body(scenario, *to)?;
            if fact.index() >= scenario.facts.len() {
                Err(Rejection::NoSuchFact)
            } else if st.knows(*to, *fact) {
                Err(Rejection::AlreadyKnown)
            } else {
                Ok(())
            }
        }
        Command::Annotate { text: t } => non_empty_text(t, MAX_TEXT_CHARS, "the note"),
        Command::Pause => {
            running(st)?;
            if st.paused() {
                Err(Rejection::AlreadyPaused)
            } else {
                Ok(())
            }
        }
        Command::Resume => {
            if st.paused() {
                Ok(())
            } else {
                Err(Rejection::NotPaused)
            }
        }
        Command::End => running(st),
        Command::Submit { .. } | Command::Withdraw { .. } | Command::Ready => {
            Err(Rejection::NotAPlayer)
        }
    }
}

/// Started and not yet ended.
fn running(st: &Situation) -> Result<(), Rejection> {
    if !st.started() {
        Err(wrong_phase(st.phase(), "start the exercise first"))
    } else if st.phase() == Phase::Ended {
        Err(wrong_phase(st.phase(), "the exercise has ended"))
    } else {
        Ok(())
    }
}

fn take_seat(scenario: &Scenario, st: &Situation, seat: Seat, name: &str) -> Result<(), Rejection> {
    if st.phase() == Phase::Ended {
        return Err(wrong_phase(st.phase(), "the exercise has ended"));
    }
    valid_seat(scenario, seat)?;
    non_empty_text(name, MAX_NAME_CHARS, "the participant's name")
}

fn open_round(scenario: &Scenario, st: &Situation) -> Result<(), Rejection> {
    running(st)?;
    if st.phase() != Phase::Debrief {
        Err(wrong_phase(st.phase(), "close the current round first"))
    } else if st.is_last_round(scenario) {
        Err(Rejection::LastRound)
    } else {
        Ok(())
    }
}

fn begin_deliberation(st: &Situation, seconds: u32) -> Result<(), Rejection> {
    if st.phase() != Phase::Briefing {
        Err(wrong_phase(
            st.phase(),
            "deliberation follows a round's briefing",
        ))
    } else if seconds > MAX_ROUND_SECONDS {
        Err(Rejection::ClockTooLong)
    } else {
        Ok(())
    }
}

fn ad_hoc(
    scenario: &Scenario,
    st: &Situation,
    audience: &InjectTarget,
    title: &str,
    body: &str,
) -> Result<(), Rejection> {
    running(st)?;
    non_empty_text(title, MAX_TITLE_CHARS, "the inject's title")?;
    text(body, MAX_TEXT_CHARS, "the inject's text")?;
    match audience {
        InjectTarget::Public => Ok(()),
        InjectTarget::States(set) => {
            if set.is_empty() || set.iter().any(|s| s.index() >= scenario.states.len()) {
                Err(Rejection::BadAudience)
            } else {
                Ok(())
            }
        }
        InjectTarget::Body(b) => valid_body(scenario, *b),
    }
}

fn adjust_tension(
    scenario: &Scenario,
    st: &Situation,
    a: StateId,
    b: StateId,
    delta: i8,
    reason: &str,
) -> Result<(), Rejection> {
    running(st)?;
    let n = scenario.states.len();
    if a.index() >= n || b.index() >= n {
        return Err(Rejection::NoSuchState);
    }
    if a == b {
        return Err(Rejection::SamePair);
    }
    non_empty_text(reason, MAX_TEXT_CHARS, "the reason (the debrief will ask)")?;
    if delta == 0 {
        Err(Rejection::NoChange)
    } else {
        Ok(())
    }
}

fn valid_body(scenario: &Scenario, b: BodyId) -> Result<(), Rejection> {
    match scenario.states.get(b.state.index()) {
        Some(s) if (b.body as usize) < s.bodies.len() => Ok(()),
        _ => Err(Rejection::NoSuchBody),
    }
}

fn valid_seat(scenario: &Scenario, seat: Seat) -> Result<(), Rejection> {
    match seat {
        Seat::State(s) if s.index() < scenario.states.len() => Ok(()),
        Seat::Body(b) => valid_body(scenario, b),
        Seat::Observer => Ok(()),
        _ => Err(Rejection::NotASeat),
    }
}

fn text(s: &str, max: usize, what: &'static str) -> Result<(), Rejection> {
    // Count at most max+1 characters: a hostile megabyte string costs no more than that.
    if s.chars().take(max + 1).count() > max {
        Err(Rejection::TooLong { what, max })
    } else {
        Ok(())
    }
}

fn non_empty_text(s: &str, max: usize, what: &'static str) -> Result<(), Rejection> {
    text(s, max, what)?;
    if s.trim().is_empty() {
        Err(Rejection::Empty(what))
    } else {
        Ok(())
    }
}
