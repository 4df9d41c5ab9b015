//! What one seat may see, folded from the events whose audience includes it.
//!
//! A view is built only from visible events and the public part of the scenario
//! (States, bodies, the directory as published, the ladder). Fact texts are shown
//! only for facts a visible `FactLearned` event gave the seat, so nothing private can
//! leak through a forgotten check in the UI.

use std::collections::BTreeMap;

use super::command::{Action, ActionId, MessageId, Seat};
use super::event::{Answer, Event, EventKind, Message, Phase, Via};
use crate::scenario::{BodyId, FactId, IncidentId, Scenario, StateId, level_index};

#[derive(Clone, Debug, PartialEq)]
pub struct KnownFact {
    pub fact: FactId,
    /// The seat's bodies that know it (for control: every body that knows it).
    pub holders: Vec<BodyId>,
    pub round: u8,
    pub via: Via,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DirectoryEntry {
    /// Months since verification as published when the exercise began.
    pub verified_months_ago: u16,
    /// Round in which the owner last updated it.
    pub updated_round: Option<u8>,
    /// The latest communication check of this entry the seat saw: round and answer.
    pub last_check: Option<(u8, Answer)>,
}

impl DirectoryEntry {
    pub fn is_stale(&self) -> bool {
        self.updated_round.is_none()
            && self.verified_months_ago > crate::scenario::STALE_AFTER_MONTHS
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageStatus {
    /// Sent, no delivery seen yet.
    Sent,
    Delivered {
        round: u8,
        late: bool,
    },
    /// Bounced: the recipient's directory entry is wrong.
    Lost,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MessageView {
    pub id: MessageId,
    pub message: Message,
    pub round: u8,
    pub status: MessageStatus,
    pub to_body: Option<BodyId>,
    /// Addressed to the seat's State (rather than sent by it).
    pub incoming: bool,
    pub answered: bool,
    pub expired: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StagedView {
    pub id: ActionId,
    pub seat: Seat,
    pub actor: BodyId,
    pub action: Action,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SeatView {
    pub seat: Seat,
    pub round: u8,
    pub phase: Phase,
    pub paused: bool,
    pub started: bool,
    /// The current deliberation's clock in seconds (0: none).
    pub deliberation_seconds: u32,
    pub seats: BTreeMap<Seat, String>,
    pub ready: Vec<Seat>,
    pub turn: Option<StateId>,
    /// Pairwise tension, by [`Scenario::pair_index`].
    pub tension: Vec<u8>,
    /// Tension at the start (index 0) and after each resolved round.
    pub tension_history: Vec<Vec<u8>>,
    pub incidents: Vec<IncidentId>,
    pub facts: Vec<KnownFact>,
    /// Per State: policy, technical.
    pub directory: Vec<[DirectoryEntry; 2]>,
    pub staged: Vec<StagedView>,
    pub messages: Vec<MessageView>,
    /// Every event the seat may see, in order.
    pub events: Vec<Event>,
}

impl SeatView {
    pub fn new(scenario: &Scenario, seat: Seat) -> SeatView {
        SeatView {
            seat,
            round: 0,
            phase: Phase::Setup,
            paused: false,
            started: false,
            deliberation_seconds: 0,
            seats: BTreeMap::new(),
            ready: Vec::new(),
            turn: None,
            tension: scenario.initial_tension.clone(),
            tension_history: vec![scenario.initial_tension.clone()],
            incidents: Vec::new(),
            facts: Vec::new(),
            directory: scenario
                .states
                .iter()
                .map(|s| {
                    s.contacts.clone().map(|c| DirectoryEntry {
                        verified_months_ago: c.verified_months_ago,
                        ..Default::default()
                    })
                })
                .collect(),
            staged: Vec::new(),
            messages: Vec::new(),
            events: Vec::new(),
        }
    }

    /// Build the view of `seat` from a whole record.
    pub fn build(scenario: &Scenario, seat: Seat, events: &[Event]) -> SeatView {
        let mut v = SeatView::new(scenario, seat);
        for e in events {
            v.observe(e);
        }
        v
    }

    /// Take in one event if the seat may see it; returns whether it could.
    pub fn observe(&mut self, e: &Event) -> bool {
        if !e.audience.includes(self.seat) {
            return false;
        }
        self.apply(e);
        self.events.push(e.clone());
        true
    }

    /// Does the seat know this fact (so may its text be shown)?
    pub fn knows(&self, f: FactId) -> bool {
        self.facts.iter().any(|k| k.fact == f)
    }

    pub fn message(&self, id: MessageId) -> Option<&MessageView> {
        self.messages.iter().find(|m| m.id == id)
    }

    /// Incoming messages the seat's State has not answered.
    pub fn unanswered(&self) -> impl Iterator<Item = &MessageView> {
        self.messages.iter().filter(|m| {
            m.incoming
                && !m.answered
                && !m.expired
                && matches!(m.status, MessageStatus::Delivered { .. })
                && !matches!(m.message.payload, super::event::Payload::Response { .. })
        })
    }

    fn apply(&mut self, e: &Event) {
        match &e.kind {
            EventKind::SeatTaken { seat, name } => {
                self.seats.insert(*seat, name.clone());
            }
            EventKind::SeatFreed { seat } => {
                self.seats.remove(seat);
            }
            EventKind::ExerciseStarted => self.started = true,
            EventKind::RoundOpened => {
                self.round = e.round;
                self.phase = Phase::Briefing;
                self.ready.clear();
                self.staged.clear();
                self.turn = None;
                self.deliberation_seconds = 0;
            }
            EventKind::IncidentOpened { incident } => {
                if !self.incidents.contains(incident) {
                    self.incidents.push(*incident);
                }
            }
            EventKind::FactLearned { body, fact, via } => {
                match self.facts.iter_mut().find(|k| k.fact == *fact) {
                    Some(k) => {
                        if !k.holders.contains(body) {
                            k.holders.push(*body);
                        }
                    }
                    None => self.facts.push(KnownFact {
                        fact: *fact,
                        holders: vec![*body],
                        round: e.round,
                        via: *via,
                    }),
                }
            }
            EventKind::TensionChanged { a, b, value, .. } => {
                let n = self.directory.len();
                self.tension[crate::scenario::model::pair_index(n, *a, *b)] = *value;
            }
            EventKind::DeliberationBegun { seconds } => {
                self.phase = Phase::Deliberation;
                self.deliberation_seconds = *seconds;
            }
            EventKind::ActionSubmitted {
                id,
                seat,
                actor,
                action,
            } => self.staged.push(StagedView {
                id: *id,
                seat: *seat,
                actor: *actor,
                action: action.clone(),
            }),
            EventKind::ActionWithdrawn { id }
            | EventKind::ActionResolved { id, .. }
            | EventKind::ActionVoid { id, .. } => self.staged.retain(|s| s.id != *id),
            EventKind::SeatReady { seat } => {
                if !self.ready.contains(seat) {
                    self.ready.push(*seat);
                }
            }
            EventKind::TurnPassed { to } => self.turn = *to,
            EventKind::MessageSent { id, message } => {
                if let super::event::Payload::Response { to, .. } = &message.payload
                    && let Some(m) = self.messages.iter_mut().find(|m| m.id == *to)
                {
                    m.answered = true;
                }
                self.messages.push(MessageView {
                    id: *id,
                    message: message.clone(),
                    round: e.round,
                    status: MessageStatus::Sent,
                    to_body: None,
                    incoming: false,
                    answered: false,
                    expired: false,
                });
            }
            EventKind::MessageDelivered {
                id,
                message,
                to_body,
                late,
            } => {
                let incoming = self.seat.state().is_some_and(|s| s == message.to);
                let status = MessageStatus::Delivered {
                    round: e.round,
                    late: *late,
                };
                match self.messages.iter_mut().find(|m| m.id == *id) {
                    Some(m) => {
                        m.status = status;
                        m.to_body = Some(*to_body);
                    }
                    None => self.messages.push(MessageView {
                        id: *id,
                        message: message.clone(),
                        round: e.round,
                        status,
                        to_body: Some(*to_body),
                        incoming,
                        answered: false,
                        expired: false,
                    }),
                }
            }
            EventKind::MessageLost { id, .. } => {
                if let Some(m) = self.messages.iter_mut().find(|m| m.id == *id) {
                    m.status = MessageStatus::Lost;
                }
            }
            EventKind::ConcernExpired { id } => {
                if let Some(m) = self.messages.iter_mut().find(|m| m.id == *id) {
                    m.expired = true;
                }
            }
            EventKind::CheckResult {
                target,
                level,
                answer,
                ..
            } => {
                self.directory[target.index()][level_index(*level)].last_check =
                    Some((e.round, *answer));
            }
            EventKind::ContactsUpdated { state } => {
                for entry in &mut self.directory[state.index()] {
                    entry.updated_round = Some(e.round);
                    entry.verified_months_ago = 0;
                }
            }
            EventKind::DeliberationClosed => self.turn = None,
            EventKind::RoundResolved => {
                self.phase = Phase::Debrief;
                self.staged.clear();
                self.ready.clear();
                self.tension_history.truncate(e.round as usize);
                self.tension_history.push(self.tension.clone());
            }
            EventKind::Paused => self.paused = true,
            EventKind::Resumed => self.paused = false,
            EventKind::ExerciseEnded => {
                self.phase = Phase::Ended;
                self.paused = false;
            }
            EventKind::InjectRevealed { .. }
            | EventKind::AdHocInject { .. }
            | EventKind::ContactBroken { .. }
            | EventKind::MessageDelayed { .. }
            | EventKind::Coordinated { .. }
            | EventKind::Statement { .. }
            | EventKind::Attribution { .. }
            | EventKind::AttributionAssessed { .. }
            | EventKind::Countermeasure { .. }
            | EventKind::Passed { .. }
            | EventKind::Annotation { .. } => {}
        }
    }
}
