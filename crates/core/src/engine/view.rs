//! What one seat knows: a fold of the events whose audience includes it, and of the
//! scenario text those events disclosed ([`super::disclose`]).
//!
//! A view holds only the public scenario and what was disclosed to it, so a screen,
//! a bot or a web page drawn from a view cannot show what the seat may not know —
//! there is nothing else in it to show. The same type serves a hot-seat view on the
//! facilitator's machine, a LAN client and a browser participant.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::command::{Action, ActionId, MessageId, Seat};
use super::disclose::{self, Disclosure, FactInfo, IncidentInfo, InjectInfo, RoundInfo};
use super::event::{Answer, Event, EventKind, Message, Payload, Phase, Via};
use crate::scenario::{
    ActionKind, BodyId, FactId, IncidentId, InjectId, STALE_AFTER_MONTHS, Scenario, StateId,
    level_index,
};

/// A fact the seat knows, and which of its bodies hold it.
#[derive(Clone, Debug, PartialEq)]
pub struct KnownFact {
    /// The fact.
    pub fact: FactId,
    /// The seat's bodies that know it (for control: every body that knows it).
    pub holders: Vec<BodyId>,
    /// Round the seat first learned it.
    pub round: u8,
    /// How the seat first learned it.
    pub via: Via,
}

/// One published directory entry, as the seat has seen it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DirectoryEntry {
    /// Months since verification as published when the exercise began (0 after an update).
    pub verified_months_ago: u16,
    /// Round in which the owner last updated it (`None`: not during the exercise).
    pub updated_round: Option<u8>,
    /// The latest communication check of this entry the seat saw: round and answer.
    pub last_check: Option<(u8, Answer)>,
}

impl DirectoryEntry {
    /// Unverified for over a year and not updated during the exercise.
    pub fn is_stale(&self) -> bool {
        self.updated_round.is_none() && self.verified_months_ago > STALE_AFTER_MONTHS
    }
}

/// Where a message stands, as far as the seat can tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageStatus {
    /// Sent, no delivery seen yet.
    Sent,
    /// Arrived.
    Delivered {
        /// The round it arrived in.
        round: u8,
        /// It was held up by a stale entry and arrived as deliberation began.
        late: bool,
    },
    /// Bounced: the recipient's directory entry is wrong.
    Lost,
}

/// A message the seat sent or received.
#[derive(Clone, Debug, PartialEq)]
pub struct MessageView {
    /// The message's id.
    pub id: MessageId,
    /// The message.
    pub message: Message,
    /// Round it was sent (or, for an incoming one, delivered) in.
    pub round: u8,
    /// Where it stands as far as the seat can tell.
    pub status: MessageStatus,
    /// The body it reached, once delivered.
    pub to_body: Option<BodyId>,
    /// Addressed to the seat's State (rather than sent by it).
    pub incoming: bool,
    /// A reply to it has been sent.
    pub answered: bool,
    /// A concern that expired unanswered.
    pub expired: bool,
}

/// An action staged by the seat's State this round.
#[derive(Clone, Debug, PartialEq)]
pub struct StagedView {
    /// The action's id.
    pub id: ActionId,
    /// The seat that staged it.
    pub seat: Seat,
    /// The body it acts as.
    pub actor: BodyId,
    /// The action.
    pub action: Action,
}

/// Scenario text disclosed to the seat so far, each map sorted by id.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Known {
    /// Facts the seat learned.
    pub facts: BTreeMap<FactId, FactInfo>,
    /// Injects the seat received.
    pub injects: BTreeMap<InjectId, InjectInfo>,
    /// Incidents the seat heard of.
    pub incidents: BTreeMap<IncidentId, IncidentInfo>,
    /// Rounds that have opened, by 1-based number.
    pub rounds: BTreeMap<u8, RoundInfo>,
}

/// Everything one seat knows about the exercise.
#[derive(Clone, Debug, PartialEq)]
pub struct SeatView {
    /// Whose view it is.
    pub seat: Seat,
    /// The public scenario (see [`disclose::public`]); for control, the whole one.
    scenario: Arc<Scenario>,
    known: Known,
    /// The current round (0 before the start).
    pub round: u8,
    /// The current phase.
    pub phase: Phase,
    /// Whether the exercise is paused.
    pub paused: bool,
    /// Whether the exercise has started.
    pub started: bool,
    /// The current deliberation's clock in seconds (0: none).
    pub deliberation_seconds: u32,
    /// Who sits where (participant names; public).
    pub seats: BTreeMap<Seat, String>,
    /// Seats that said they are ready this round, in order.
    pub ready: Vec<Seat>,
    /// Sequential order: the State whose turn it is.
    pub turn: Option<StateId>,
    /// Pairwise tension (0–100, public), by [`Scenario::pair_index`].
    pub tension: Vec<u8>,
    /// Tension at the start (index 0) and after each resolved round (index r: after
    /// round r); each entry indexed like `tension`.
    pub tension_history: Vec<Vec<u8>>,
    /// Incidents the seat was told of, in the order it heard of them.
    pub incidents: Vec<IncidentId>,
    /// Facts the seat's bodies know, in the order the seat learned them.
    pub facts: Vec<KnownFact>,
    /// The published directory as the seat has seen it, per State (by [`StateId`]):
    /// policy, technical.
    pub directory: Vec<[DirectoryEntry; 2]>,
    /// Actions the seat's State staged this round, in staging order.
    pub staged: Vec<StagedView>,
    /// Messages the seat's State sent or received (control: all), in the order seen.
    pub messages: Vec<MessageView>,
    /// Injects the seat received: id and round.
    pub injects: Vec<(InjectId, u8)>,
    /// Per action kind: the first round the seat's State used it (0: never).
    pub used: [u8; ActionKind::ALL.len()],
    /// Every event the seat may see, in order (empty for a view made
    /// [`SeatView::without_events`]).
    pub events: Vec<Event>,
    /// Whether `events` keeps a copy of each event.
    keep_events: bool,
}

impl SeatView {
    /// The same view, but keeping no copy of the events it folds: everything else
    /// (phase, tension, directory, messages, disclosed texts) is kept as usual. For
    /// bots, which decide from what their seat knows now; batch simulation copies no
    /// event four times over this way.
    pub fn without_events(mut self) -> SeatView {
        self.keep_events = false;
        self.events = Vec::new();
        self
    }

    /// A view before any event. `scenario` is what the seat may hold: the public
    /// scenario for a player or observer, the whole one for control.
    pub fn new(scenario: Arc<Scenario>, seat: Seat) -> SeatView {
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
            injects: Vec::new(),
            used: [0; ActionKind::ALL.len()],
            events: Vec::new(),
            keep_events: true,
            known: Known::default(),
            scenario,
        }
    }

    /// Build the view of `seat` from a whole record, disclosing from the full scenario
    /// (the host's side). The view holds only the public scenario.
    pub fn build(full: &Scenario, public: Arc<Scenario>, seat: Seat, events: &[Event]) -> SeatView {
        let mut v = SeatView::new(public, seat);
        for e in events {
            v.observe_from(full, e);
        }
        v
    }

    /// Take in one event on the host's side: if the seat may see it, disclose what it
    /// reveals from the full scenario and fold it. Returns whether the seat could see it.
    pub fn observe_from(&mut self, full: &Scenario, e: &Event) -> bool {
        if !e.audience.includes(self.seat) {
            return false;
        }
        let k = &self.known;
        let d = disclose::disclose_new(full, self.seat, e, |sub| match sub {
            disclose::Subject::Fact(f) => k.facts.contains_key(&f),
            disclose::Subject::Inject(i) => k.injects.contains_key(&i),
            disclose::Subject::Incident(i) => k.incidents.contains_key(&i),
            disclose::Subject::Round(r) => k.rounds.contains_key(&r),
        });
        self.take(e, d);
        true
    }

    /// Take in one event with the disclosures that came with it (a client's side).
    /// Returns whether the seat may see it (an event it may not see is ignored).
    pub fn observe(&mut self, e: &Event, disclosures: Vec<Disclosure>) -> bool {
        if !e.audience.includes(self.seat) {
            return false;
        }
        self.take(e, disclosures);
        true
    }

    fn take(&mut self, e: &Event, disclosures: Vec<Disclosure>) {
        for d in disclosures {
            self.learn(d);
        }
        if let Some(i) = disclose::incident_named(e)
            && !self.incidents.contains(&i)
        {
            self.incidents.push(i);
        }
        self.apply(e);
        if self.keep_events {
            self.events.push(e.clone());
        }
    }

    fn learn(&mut self, d: Disclosure) {
        match d {
            Disclosure::Fact(id, f) => {
                self.known.facts.insert(id, f);
            }
            Disclosure::Inject(id, i) => {
                self.known.injects.insert(id, i);
            }
            Disclosure::Incident(id, i) => {
                self.known.incidents.insert(id, i);
            }
            Disclosure::Round(r, i) => {
                self.known.rounds.insert(r, i);
            }
        }
    }

    /// The scenario as the seat may hold it (public, unless the seat is control).
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The shared handle of [`SeatView::scenario`].
    pub fn scenario_arc(&self) -> &Arc<Scenario> {
        &self.scenario
    }

    /// A fact the seat knows, as disclosed to it.
    pub fn fact(&self, f: FactId) -> Option<&FactInfo> {
        self.known.facts.get(&f)
    }

    /// An inject the seat received.
    pub fn inject(&self, i: InjectId) -> Option<&InjectInfo> {
        self.known.injects.get(&i)
    }

    /// An incident the seat heard of.
    pub fn incident(&self, i: IncidentId) -> Option<&IncidentInfo> {
        self.known.incidents.get(&i)
    }

    /// A round that has opened: title and the room's questions.
    pub fn round_info(&self, r: u8) -> Option<&RoundInfo> {
        self.known.rounds.get(&r)
    }

    /// Everything disclosed to the seat.
    pub fn known(&self) -> &Known {
        &self.known
    }

    /// Does the seat know this fact (so may its text be shown)?
    pub fn knows(&self, f: FactId) -> bool {
        self.facts.iter().any(|k| k.fact == f)
    }

    /// Does the seat know of the incident: was it told of it, or does it hold one of
    /// its facts?
    pub fn knows_incident(&self, i: IncidentId) -> bool {
        self.incidents.contains(&i)
            || self
                .facts
                .iter()
                .any(|k| self.fact(k.fact).is_some_and(|f| f.incident == i))
    }

    /// Incidents the seat knows of, in the order it heard of them.
    pub fn known_incidents(&self) -> Vec<IncidentId> {
        let mut out = self.incidents.clone();
        for k in &self.facts {
            if let Some(f) = self.fact(k.fact)
                && !out.contains(&f.incident)
            {
                out.push(f.incident);
            }
        }
        out
    }

    /// A message the seat saw, by id.
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
                && !matches!(m.message.payload, Payload::Response { .. })
        })
    }

    /// Tension between two different States as the seat sees it (public). Panics if
    /// an id is out of range.
    pub fn tension(&self, a: StateId, b: StateId) -> u8 {
        self.tension[self.scenario.pair_index(a, b)]
    }

    /// Did the seat's State use this kind of action in round `by_round` or before?
    pub fn used_by(&self, kind: ActionKind, by_round: u8) -> bool {
        let r = self.used[kind.index()];
        r != 0 && r <= by_round
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
            EventKind::RoundOpened => self.open_round(e.round),
            EventKind::InjectRevealed { inject, .. } => {
                if !self.injects.iter().any(|(i, _)| i == inject) {
                    self.injects.push((*inject, e.round));
                }
            }
            EventKind::FactLearned { body, fact, via } => {
                self.learn_fact(*body, *fact, *via, e.round)
            }
            EventKind::TensionChanged { a, b, value, .. } => {
                let n = self.directory.len();
                if a.index() < n && b.index() < n && a != b {
                    self.tension[crate::scenario::model::pair_index(n, *a, *b)] = *value;
                }
            }
            EventKind::DeliberationBegun { seconds } => {
                self.phase = Phase::Deliberation;
                self.deliberation_seconds = *seconds;
                // As the situation does: in Sequential order the first State begins.
                if self.scenario.turn_order == crate::scenario::TurnOrder::Sequential {
                    self.turn = self.scenario.state_ids().next();
                }
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
            EventKind::ActionResolved { id, kind, .. } => {
                self.staged.retain(|s| s.id != *id);
                let first = &mut self.used[kind.index()];
                if *first == 0 {
                    *first = e.round;
                }
            }
            EventKind::ActionWithdrawn { id } | EventKind::ActionVoid { id, .. } => {
                self.staged.retain(|s| s.id != *id)
            }
            EventKind::SeatReady { seat } => {
                if !self.ready.contains(seat) {
                    self.ready.push(*seat);
                }
            }
            EventKind::TurnPassed { to } => self.turn = *to,
            EventKind::MessageSent { id, message } => self.sent(*id, message, e.round),
            EventKind::MessageDelivered {
                id,
                message,
                to_body,
                late,
            } => self.delivered(*id, message, *to_body, *late, e.round),
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
                if let Some(entry) = self.directory.get_mut(target.index()) {
                    entry[level_index(*level)].last_check = Some((e.round, *answer));
                }
            }
            EventKind::ContactsUpdated { state } => {
                for entry in self.directory.get_mut(state.index()).into_iter().flatten() {
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
            EventKind::AdHocInject { .. }
            | EventKind::IncidentOpened { .. }
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

    fn open_round(&mut self, round: u8) {
        self.round = round;
        self.phase = Phase::Briefing;
        self.ready.clear();
        self.staged.clear();
        self.turn = None;
        self.deliberation_seconds = 0;
    }

    fn learn_fact(&mut self, body: BodyId, fact: FactId, via: Via, round: u8) {
        match self.facts.iter_mut().find(|k| k.fact == fact) {
            Some(k) => {
                if !k.holders.contains(&body) {
                    k.holders.push(body);
                }
            }
            None => self.facts.push(KnownFact {
                fact,
                holders: vec![body],
                round,
                via,
            }),
        }
    }

    fn sent(&mut self, id: MessageId, message: &Message, round: u8) {
        if let Payload::Response { to, .. } = &message.payload
            && let Some(m) = self.messages.iter_mut().find(|m| m.id == *to)
        {
            m.answered = true;
        }
        self.messages.push(MessageView {
            id,
            message: message.clone(),
            round,
            status: MessageStatus::Sent,
            to_body: None,
            incoming: false,
            answered: false,
            expired: false,
        });
    }

    fn delivered(
        &mut self,
        id: MessageId,
        message: &Message,
        to_body: BodyId,
        late: bool,
        round: u8,
    ) {
        if let Payload::Response { to, .. } = &message.payload
            && let Some(m) = self.messages.iter_mut().find(|m| m.id == *to)
        {
            m.answered = true;
        }
        let incoming = self.seat.state().is_some_and(|s| s == message.to);
        let status = MessageStatus::Delivered { round, late };
        match self.messages.iter_mut().find(|m| m.id == id) {
            Some(m) => {
                m.status = status;
                m.to_body = Some(to_body);
            }
            None => self.messages.push(MessageView {
                id,
                message: message.clone(),
                round,
                status,
                to_body: Some(to_body),
                incoming,
                answered: false,
                expired: false,
            }),
        }
    }
}
