//! The true state of an exercise, and `apply`: the only function that changes it.

use std::collections::BTreeMap;

use super::command::{Action, ActionId, MessageId, Seat};
use super::event::{Answer, Event, EventKind, Message, Payload, Phase};
use crate::scenario::{
    ActionKind, BodyId, FactId, Level, STALE_AFTER_MONTHS, Scenario, StateId, level_index,
};

/// One directory entry as it truly is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ContactStatus {
    pub correct: bool,
    pub verified_months_ago: u16,
}

impl ContactStatus {
    pub fn is_stale(self) -> bool {
        self.verified_months_ago > STALE_AFTER_MONTHS
    }
    pub fn is_current(self) -> bool {
        self.correct && !self.is_stale()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Staged {
    pub id: ActionId,
    pub seat: Seat,
    pub actor: BodyId,
    pub action: Action,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// Delayed by stale contact data: arrives when this round resolves.
    Due(u8),
    Delivered(u8),
    Lost,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageRecord {
    pub id: MessageId,
    pub message: Message,
    pub sent: u8,
    pub delivery: Delivery,
    /// The recipient answered it.
    pub answered: bool,
    pub to_body: Option<BodyId>,
}

/// Which facts a body knows: one bit per fact.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FactSet(Vec<u64>);

impl FactSet {
    pub fn with_capacity(facts: usize) -> Self {
        FactSet(vec![0; facts.div_ceil(64)])
    }
    pub fn contains(&self, f: FactId) -> bool {
        self.0
            .get(f.index() / 64)
            .is_some_and(|w| w & (1 << (f.index() % 64)) != 0)
    }
    pub fn insert(&mut self, f: FactId) -> bool {
        let w = &mut self.0[f.index() / 64];
        let bit = 1 << (f.index() % 64);
        let new = *w & bit == 0;
        *w |= bit;
        new
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct State {
    pub round: u8,
    pub phase: Phase,
    pub paused: bool,
    pub seed: u64,
    pub next_seq: u32,
    /// Pairwise tension, indexed by [`Scenario::pair_index`].
    pub tension: Vec<u8>,
    /// Highest tension each pair has reached.
    pub peak: Vec<u8>,
    /// Per State: policy, technical.
    pub contacts: Vec<[ContactStatus; 2]>,
    /// Per body, in [`State::slot`] order.
    pub knowledge: Vec<FactSet>,
    body_offset: Vec<usize>,
    pub incident_open: Vec<bool>,
    pub fired: Vec<bool>,
    pub staged: Vec<Staged>,
    pub ready: Vec<Seat>,
    /// Sequential order: whose turn it is.
    pub turn: Option<StateId>,
    pub messages: Vec<MessageRecord>,
    /// Per State and action kind: the first round it was used in (0 = never).
    pub first_used: Vec<[u8; ActionKind::ALL.len()]>,
    pub seats: BTreeMap<Seat, String>,
    pub deliberation_seconds: u32,
    /// Per inject: the round it fired in (0 = not yet).
    pub fired_round: Vec<u8>,
    /// Per State: the round it last updated its directory entries (0 = never).
    pub updated_round: Vec<u8>,
    /// Per State and level: the latest communication-check answer its entry gave.
    /// The checked State sees these results, so its bots may use them.
    pub check_seen: Vec<[Option<Answer>; 2]>,
}

impl State {
    pub fn new(scenario: &Scenario, seed: u64) -> State {
        let mut body_offset = Vec::with_capacity(scenario.states.len());
        let mut total = 0;
        for s in &scenario.states {
            body_offset.push(total);
            total += s.bodies.len();
        }
        State {
            round: 0,
            phase: Phase::Setup,
            paused: false,
            seed,
            next_seq: 0,
            tension: scenario.initial_tension.clone(),
            peak: scenario.initial_tension.clone(),
            contacts: scenario
                .states
                .iter()
                .map(|s| {
                    s.contacts.clone().map(|c| ContactStatus {
                        correct: c.correct,
                        verified_months_ago: c.verified_months_ago,
                    })
                })
                .collect(),
            knowledge: vec![FactSet::with_capacity(scenario.facts.len()); total],
            body_offset,
            incident_open: vec![false; scenario.incidents.len()],
            fired: vec![false; scenario.injects.len()],
            staged: Vec::new(),
            ready: Vec::new(),
            turn: None,
            messages: Vec::new(),
            first_used: vec![[0; ActionKind::ALL.len()]; scenario.states.len()],
            seats: BTreeMap::new(),
            deliberation_seconds: 0,
            fired_round: vec![0; scenario.injects.len()],
            updated_round: vec![0; scenario.states.len()],
            check_seen: vec![[None; 2]; scenario.states.len()],
        }
    }

    pub fn slot(&self, b: BodyId) -> usize {
        self.body_offset[b.state.index()] + b.body as usize
    }

    pub fn knows(&self, b: BodyId, f: FactId) -> bool {
        self.knowledge[self.slot(b)].contains(f)
    }

    /// Does any body of the State know the fact?
    pub fn state_knows(&self, scenario: &Scenario, s: StateId, f: FactId) -> bool {
        scenario.body_ids(s).any(|b| self.knows(b, f))
    }

    pub fn tension(&self, scenario: &Scenario, a: StateId, b: StateId) -> u8 {
        self.tension[scenario.pair_index(a, b)]
    }

    pub fn contact(&self, s: StateId, level: Level) -> ContactStatus {
        self.contacts[s.index()][level_index(level)]
    }

    pub fn message(&self, id: MessageId) -> Option<&MessageRecord> {
        self.messages
            .binary_search_by_key(&id, |m| m.id)
            .ok()
            .map(|i| &self.messages[i])
    }

    fn message_mut(&mut self, id: MessageId) -> Option<&mut MessageRecord> {
        self.messages
            .binary_search_by_key(&id, |m| m.id)
            .ok()
            .map(move |i| &mut self.messages[i])
    }

    pub fn used_by(&self, s: StateId, kind: ActionKind, by_round: u8) -> bool {
        let r = self.first_used[s.index()][kind_index(kind)];
        r != 0 && r <= by_round
    }

    pub fn started(&self) -> bool {
        self.phase != Phase::Setup
    }

    pub fn is_last_round(&self, scenario: &Scenario) -> bool {
        self.round >= scenario.round_count()
    }
}

pub fn kind_index(kind: ActionKind) -> usize {
    kind as usize
}

/// Apply one event to the state. Every change of state goes through here.
pub fn apply(state: &mut State, scenario: &Scenario, event: &Event) {
    state.next_seq = event.seq + 1;
    match &event.kind {
        EventKind::SeatTaken { seat, name } => {
            state.seats.insert(*seat, name.clone());
        }
        EventKind::SeatFreed { seat } => {
            state.seats.remove(seat);
        }
        EventKind::ExerciseStarted => {}
        EventKind::RoundOpened => {
            state.round = event.round;
            state.phase = Phase::Briefing;
            state.ready.clear();
            state.staged.clear();
            state.turn = None;
        }
        EventKind::InjectRevealed { inject, .. } => {
            state.fired[inject.index()] = true;
            if state.fired_round[inject.index()] == 0 {
                state.fired_round[inject.index()] = event.round;
            }
        }
        EventKind::AdHocInject { .. } => {}
        EventKind::IncidentOpened { incident } => state.incident_open[incident.index()] = true,
        EventKind::FactLearned { body, fact, .. } => {
            let slot = state.slot(*body);
            state.knowledge[slot].insert(*fact);
        }
        EventKind::TensionChanged { a, b, value, .. } => {
            let i = scenario.pair_index(*a, *b);
            state.tension[i] = *value;
            state.peak[i] = state.peak[i].max(*value);
        }
        EventKind::ContactBroken { state: s, level } => {
            state.contacts[s.index()][level_index(*level)].correct = false;
        }
        EventKind::DeliberationBegun { seconds } => {
            state.phase = Phase::Deliberation;
            state.deliberation_seconds = *seconds;
            if scenario.turn_order == crate::scenario::TurnOrder::Sequential {
                state.turn = scenario.state_ids().next();
            }
        }
        EventKind::ActionSubmitted {
            id,
            seat,
            actor,
            action,
        } => state.staged.push(Staged {
            id: *id,
            seat: *seat,
            actor: *actor,
            action: action.clone(),
        }),
        EventKind::ActionWithdrawn { id } => state.staged.retain(|s| s.id != *id),
        EventKind::SeatReady { seat } => {
            if !state.ready.contains(seat) {
                state.ready.push(*seat);
            }
        }
        EventKind::TurnPassed { to } => state.turn = *to,
        EventKind::DeliberationClosed => state.turn = None,
        EventKind::ActionResolved { id, actor, kind } => {
            state.staged.retain(|s| s.id != *id);
            let first = &mut state.first_used[actor.state.index()][kind_index(*kind)];
            if *first == 0 {
                *first = event.round;
            }
        }
        EventKind::ActionVoid { id, .. } => state.staged.retain(|s| s.id != *id),
        EventKind::MessageSent { id, message } => {
            state.messages.push(MessageRecord {
                id: *id,
                message: message.clone(),
                sent: event.round,
                delivery: Delivery::Due(event.round),
                answered: false,
                to_body: None,
            });
            if let Payload::Response { to, .. } = &message.payload
                && let Some(orig) = state.message_mut(*to)
            {
                orig.answered = true;
            }
        }
        EventKind::MessageDelivered {
            id,
            to_body,
            message,
            ..
        } => match state.message_mut(*id) {
            Some(m) => {
                m.delivery = Delivery::Delivered(event.round);
                m.to_body = Some(*to_body);
            }
            None => {
                // A State that only sees the delivery (it is the recipient) folds its own
                // knowledge of the exercise from visible events: record the message.
                let at = state.messages.partition_point(|m| m.id < *id);
                state.messages.insert(
                    at,
                    MessageRecord {
                        id: *id,
                        message: message.clone(),
                        sent: event.round,
                        delivery: Delivery::Delivered(event.round),
                        answered: false,
                        to_body: Some(*to_body),
                    },
                );
            }
        },
        EventKind::MessageDelayed { id } => {
            if let Some(m) = state.message_mut(*id) {
                m.delivery = Delivery::Due(event.round + 1);
            }
        }
        EventKind::MessageLost { id, .. } => {
            if let Some(m) = state.message_mut(*id) {
                m.delivery = Delivery::Lost;
            }
        }
        EventKind::CheckResult {
            target,
            level,
            answer,
            ..
        } => {
            state.check_seen[target.index()][level_index(*level)] = Some(*answer);
        }
        EventKind::ContactsUpdated { state: s } => {
            state.contacts[s.index()] = [ContactStatus {
                correct: true,
                verified_months_ago: 0,
            }; 2];
            state.updated_round[s.index()] = event.round;
            state.check_seen[s.index()] = [None; 2];
        }
        EventKind::Coordinated { .. }
        | EventKind::Statement { .. }
        | EventKind::Attribution { .. }
        | EventKind::AttributionAssessed { .. }
        | EventKind::Countermeasure { .. }
        | EventKind::Passed { .. }
        | EventKind::Annotation { .. } => {}
        EventKind::ConcernExpired { id } => {
            if let Some(m) = state.message_mut(*id) {
                // Expired concerns count as closed: no second penalty.
                m.answered = true;
            }
        }
        EventKind::RoundResolved => {
            state.phase = Phase::Debrief;
            state.staged.clear();
            state.ready.clear();
            state.turn = None;
        }
        EventKind::Paused => state.paused = true,
        EventKind::Resumed => state.paused = false,
        EventKind::ExerciseEnded => {
            state.phase = Phase::Ended;
            state.paused = false;
        }
    }
}
