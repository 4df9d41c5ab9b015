//! The true situation of an exercise, and [`apply`]: the only function that changes it.
//!
//! Every field is private to this module. Other modules read the situation through
//! its accessors; nothing outside `apply` can change it, so "state = fold(apply,
//! events)" holds by construction, not by convention.

use std::collections::BTreeMap;

use super::command::{Action, ActionId, MessageId, Seat};
use super::event::{Answer, Event, EventKind, Message, Payload, Phase};
use crate::scenario::{
    ActionKind, BodyId, FactId, IncidentId, Level, STALE_AFTER_MONTHS, Scenario, StateId, StateSet,
    TurnOrder, level_index,
};

/// One directory entry as it truly is (a seat sees only the published part).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ContactStatus {
    /// The data reaches the contact point (false: messages bounce).
    pub correct: bool,
    /// Months since the entry was last verified; over [`STALE_AFTER_MONTHS`] it is stale.
    pub verified_months_ago: u16,
}

impl ContactStatus {
    /// Unverified for over a year: messages may be held up.
    pub fn is_stale(self) -> bool {
        self.verified_months_ago > STALE_AFTER_MONTHS
    }
    /// Correct and not stale.
    pub fn is_current(self) -> bool {
        self.correct && !self.is_stale()
    }
}

/// An action staged for the current round.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Staged {
    /// The number of its `ActionSubmitted` event.
    pub id: ActionId,
    /// The seat that staged it.
    pub seat: Seat,
    /// The body it acts in the name of.
    pub actor: BodyId,
    /// The action as staged.
    pub action: Action,
}

/// Where a message is on its way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// On its way; arrives as this round's deliberation begins if it was held up by
    /// stale contact data (a round past the last: never). Also the brief state of a
    /// message between its `MessageSent` and what became of it.
    Due(u8),
    /// Arrived in this round.
    Delivered(u8),
    /// Bounced off wrong contact data.
    Lost,
}

/// A message and what became of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageRecord {
    /// The message's id (its `MessageSent` event's `seq`).
    pub id: MessageId,
    /// The message as sent.
    pub message: Message,
    /// Round it was sent in.
    pub sent: u8,
    /// Where it is: due, delivered or lost.
    pub delivery: Delivery,
    /// The recipient answered it (or, for a concern, it expired unanswered).
    pub answered: bool,
    /// The body that received it, once delivered.
    pub to_body: Option<BodyId>,
}

/// Which facts a body knows: one bit per fact, indexed by [`FactId`] (64 facts a
/// word).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FactSet(Vec<u64>);

impl FactSet {
    /// An empty set for a scenario with `facts` facts.
    pub fn with_capacity(facts: usize) -> Self {
        FactSet(vec![0; facts.div_ceil(64)])
    }
    /// Whether the fact is in the set (a fact beyond the capacity never is).
    pub fn contains(&self, f: FactId) -> bool {
        self.0
            .get(f.index() / 64)
            .is_some_and(|w| w & (1 << (f.index() % 64)) != 0)
    }
    /// Add a fact; returns whether it was new. Facts beyond the capacity are ignored.
    fn insert(&mut self, f: FactId) -> bool {
        let Some(w) = self.0.get_mut(f.index() / 64) else {
            return false;
        };
        let bit = 1 << (f.index() % 64);
        let new = *w & bit == 0;
        *w |= bit;
        new
    }
}

/// From round `round` on, chance draws are keyed by `seed` instead of the exercise's
/// seed. A fork of a recorded exercise sets it so that runs continuing the same
/// record explore different outcomes, while the record itself replays exactly
/// (its draws were made under the original seed). Recorded in the fork's journal
/// header ([`crate::journal::Header::reseeds`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Reseed {
    /// The first round (1-based) drawn under `seed`.
    pub round: u8,
    /// The seed of draws from `round` on.
    pub seed: u64,
}

/// Everything that is true in an exercise at one moment: the fold of its events.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Situation {
    round: u8,
    phase: Phase,
    paused: bool,
    seed: u64,
    /// Chance draws from a round on use another seed (forks exploring other
    /// outcomes), by round, ascending.
    reseeds: Vec<Reseed>,
    /// The version of the rules this exercise is played under ([`super::rules::RULES`]).
    rules: u32,
    next_seq: u32,
    /// Pairwise tension (0-100), indexed by [`Scenario::pair_index`].
    tension: Vec<u8>,
    /// Highest tension each pair has reached.
    peak: Vec<u8>,
    /// Per State: policy, technical.
    contacts: Vec<[ContactStatus; 2]>,
    /// Per body, in [`Situation::slot`] order.
    knowledge: Vec<FactSet>,
    body_offset: Vec<usize>,
    incident_open: Vec<bool>,
    /// Per incident: the States an event naming it reached (see
    /// [`super::disclose::incident_named`]).
    incident_told: Vec<StateSet>,
    fired: Vec<bool>,
    staged: Vec<Staged>,
    ready: Vec<Seat>,
    turn: Option<StateId>,
    /// Sorted by id.
    messages: Vec<MessageRecord>,
    /// Per State and action kind: the first round it was used in (0 = never).
    first_used: Vec<[u8; ActionKind::ALL.len()]>,
    seats: BTreeMap<Seat, String>,
    deliberation_seconds: u32,
    /// Per inject: the round it fired in (0 = not yet).
    fired_round: Vec<u8>,
    /// Per State: the round it last updated its directory entries (0 = never).
    updated_round: Vec<u8>,
}

impl Situation {
    /// The situation before the first event, under the current rules.
    pub fn new(scenario: &Scenario, seed: u64) -> Situation {
        Situation::with_rules(scenario, seed, super::rules::RULES)
    }

    /// The situation before the first event, under a given version of the rules (a
    /// record made under older rules replays under them).
    pub fn with_rules(scenario: &Scenario, seed: u64, rules: u32) -> Situation {
        let mut body_offset = Vec::with_capacity(scenario.states.len());
        let mut total = 0;
        for s in &scenario.states {
            body_offset.push(total);
            total += s.bodies.len();
        }
        Situation {
            round: 0,
            phase: Phase::Setup,
            paused: false,
            seed,
            reseeds: Vec::new(),
            rules,
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
            incident_told: vec![StateSet::EMPTY; scenario.incidents.len()],
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
        }
    }

    /// The current round (0 before the exercise starts).
    pub fn round(&self) -> u8 {
        self.round
    }
    /// Where the exercise is in its round cycle.
    pub fn phase(&self) -> Phase {
        self.phase
    }
    /// Whether control has paused the exercise.
    pub fn paused(&self) -> bool {
        self.paused
    }
    /// The exercise's seed (chance draws are keyed by it, until a [`Reseed`]).
    pub fn seed(&self) -> u64 {
        self.seed
    }
    /// Where chance draws change seed (forks of forks may have several), by round.
    pub fn reseeds(&self) -> &[Reseed] {
        &self.reseeds
    }
    /// The seed chance draws in `round` are keyed by: that of the last [`Reseed`]
    /// at or before `round`, else the exercise's.
    pub fn draw_seed(&self, round: u8) -> u64 {
        self.reseeds
            .iter()
            .rev()
            .find(|r| r.round <= round)
            .map_or(self.seed, |r| r.seed)
    }
    /// Replace the reseeds (ascending by round). Only for rounds that have not begun;
    /// [`super::Game::reseed`] guards that.
    pub(super) fn set_reseeds(&mut self, reseeds: Vec<Reseed>) {
        self.reseeds = reseeds;
    }
    /// The version of the rules in force.
    pub fn rules(&self) -> u32 {
        self.rules
    }
    /// The number the next event will get.
    pub fn next_seq(&self) -> u32 {
        self.next_seq
    }
    /// Sequential turn order: the State whose turn it is.
    pub fn turn(&self) -> Option<StateId> {
        self.turn
    }
    /// Seats that said they are ready this round, in order.
    pub fn ready(&self) -> &[Seat] {
        &self.ready
    }
    /// Actions staged this round, in staging order.
    pub fn staged(&self) -> &[Staged] {
        &self.staged
    }
    /// Who sits where (participant names).
    pub fn seats(&self) -> &BTreeMap<Seat, String> {
        &self.seats
    }
    /// The current deliberation's clock, seconds (0: none).
    pub fn deliberation_seconds(&self) -> u32 {
        self.deliberation_seconds
    }
    /// Every message sent so far, sorted by id.
    pub fn messages(&self) -> &[MessageRecord] {
        &self.messages
    }
    /// Pairwise tension, indexed by [`Scenario::pair_index`].
    pub fn tensions(&self) -> &[u8] {
        &self.tension
    }
    /// Highest tension per pair, indexed by [`Scenario::pair_index`].
    pub fn peaks(&self) -> &[u8] {
        &self.peak
    }

    fn slot(&self, b: BodyId) -> usize {
        self.body_offset[b.state.index()] + b.body as usize
    }

    /// Does the body know the fact?
    pub fn knows(&self, b: BodyId, f: FactId) -> bool {
        self.knowledge
            .get(self.slot(b))
            .is_some_and(|k| k.contains(f))
    }

    /// Does any body of the State know the fact?
    pub fn state_knows(&self, scenario: &Scenario, s: StateId, f: FactId) -> bool {
        scenario.body_ids(s).any(|b| self.knows(b, f))
    }

    /// Tension between two different States, 0-100 (order does not matter). Panics
    /// if an id is out of range: ids from the scenario never are.
    pub fn tension(&self, scenario: &Scenario, a: StateId, b: StateId) -> u8 {
        self.tension[scenario.pair_index(a, b)]
    }

    /// A State's directory entry at one level, as it truly is now (after
    /// `UpdateContacts` and `BreakContact`). Panics if the State is out of range.
    pub fn contact(&self, s: StateId, level: Level) -> ContactStatus {
        self.contacts[s.index()][level_index(level)]
    }

    /// The message with this id, if one was sent (binary search: ids are sorted).
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

    /// Has the incident begun?
    pub fn incident_open(&self, i: IncidentId) -> bool {
        self.incident_open.get(i.index()).copied().unwrap_or(false)
    }

    /// Was the State told of the incident (an event naming it reached the State)?
    pub fn incident_told(&self, i: IncidentId, s: StateId) -> bool {
        self.incident_told
            .get(i.index())
            .is_some_and(|set| set.contains(s))
    }

    /// Has the inject been revealed?
    pub fn fired(&self, i: crate::scenario::InjectId) -> bool {
        self.fired.get(i.index()).copied().unwrap_or(false)
    }

    /// The round the inject was first revealed in (0: not yet).
    pub fn fired_round(&self, i: crate::scenario::InjectId) -> u8 {
        self.fired_round.get(i.index()).copied().unwrap_or(0)
    }

    /// The round the State last updated its directory entries (0: never). Panics if
    /// the State is out of range.
    pub fn updated_round(&self, s: StateId) -> u8 {
        self.updated_round[s.index()]
    }

    /// Did the State use this kind of action (resolved, not voided) in round
    /// `by_round` or before? Panics if the State is out of range.
    pub fn used_by(&self, s: StateId, kind: ActionKind, by_round: u8) -> bool {
        let r = self.first_used[s.index()][kind.index()];
        r != 0 && r <= by_round
    }

    /// Has the exercise begun?
    pub fn started(&self) -> bool {
        self.phase != Phase::Setup
    }

    /// Is the current round the scenario's last?
    pub fn is_last_round(&self, scenario: &Scenario) -> bool {
        self.round >= scenario.round_count()
    }

    /// Is round `r` resolved (its outcomes in the record)?
    pub fn resolved_through(&self, r: u8) -> bool {
        self.round > r || (self.round == r && matches!(self.phase, Phase::Debrief | Phase::Ended))
    }
}

/// Apply one event to the situation. Every change goes through here; each event kind
/// has its own small function below. Also records, for every incident the event
/// names, that the States in its audience were told of it. Panics if the event names
/// an id out of the scenario's range: events the engine made never do, and replay
/// checks recorded ones first (`integrity::refers_within`).
pub fn apply(st: &mut Situation, scenario: &Scenario, event: &Event) {
    st.next_seq = event.seq + 1;
    let round = event.round;
    // Whoever an event that names an incident reaches now knows of the incident.
    let told = super::disclose::audience_states(scenario.states.len(), &event.audience);
    if let Some(i) = super::disclose::incident_named(event)
        && let Some(set) = st.incident_told.get_mut(i.index())
    {
        *set = StateSet(set.0 | told.0);
    }
    match &event.kind {
        EventKind::SeatTaken { seat, name } => {
            st.seats.insert(*seat, name.clone());
        }
        EventKind::SeatFreed { seat } => {
            st.seats.remove(seat);
        }
        EventKind::RoundOpened => open_round(st, round),
        EventKind::InjectRevealed { inject, .. } => {
            let i = inject.index();
            st.fired[i] = true;
            if st.fired_round[i] == 0 {
                st.fired_round[i] = round;
            }
        }
        EventKind::IncidentOpened { incident } => st.incident_open[incident.index()] = true,
        EventKind::FactLearned { body, fact, .. } => {
            let slot = st.slot(*body);
            st.knowledge[slot].insert(*fact);
        }
        EventKind::TensionChanged { a, b, value, .. } => {
            let i = scenario.pair_index(*a, *b);
            st.tension[i] = *value;
            st.peak[i] = st.peak[i].max(*value);
        }
        EventKind::ContactBroken { state, level } => {
            st.contacts[state.index()][level_index(*level)].correct = false;
        }
        EventKind::DeliberationBegun { seconds } => begin_deliberation(st, scenario, *seconds),
        EventKind::ActionSubmitted {
            id,
            seat,
            actor,
            action,
        } => st.staged.push(Staged {
            id: *id,
            seat: *seat,
            actor: *actor,
            action: action.clone(),
        }),
        EventKind::ActionWithdrawn { id } | EventKind::ActionVoid { id, .. } => {
            st.staged.retain(|s| s.id != *id)
        }
        EventKind::SeatReady { seat } => {
            if !st.ready.contains(seat) {
                st.ready.push(*seat);
            }
        }
        EventKind::TurnPassed { to } => st.turn = *to,
        EventKind::DeliberationClosed => st.turn = None,
        EventKind::ActionResolved { id, actor, kind } => {
            st.staged.retain(|s| s.id != *id);
            let first = &mut st.first_used[actor.state.index()][kind.index()];
            if *first == 0 {
                *first = round;
            }
        }
        EventKind::MessageSent { id, message } => send_message(st, *id, message, round),
        EventKind::MessageDelivered { id, to_body, .. } => {
            if let Some(m) = st.message_mut(*id) {
                m.delivery = Delivery::Delivered(round);
                m.to_body = Some(*to_body);
            }
        }
        EventKind::MessageDelayed { id } => {
            if let Some(m) = st.message_mut(*id) {
                m.delivery = Delivery::Due(round + 1);
            }
        }
        EventKind::MessageLost { id, .. } => {
            if let Some(m) = st.message_mut(*id) {
                m.delivery = Delivery::Lost;
            }
        }
        EventKind::ContactsUpdated { state } => {
            st.contacts[state.index()] = [ContactStatus {
                correct: true,
                verified_months_ago: 0,
            }; 2];
            st.updated_round[state.index()] = round;
        }
        EventKind::ConcernExpired { id } => {
            // An expired concern counts as closed: no second penalty.
            if let Some(m) = st.message_mut(*id) {
                m.answered = true;
            }
        }
        EventKind::RoundResolved => {
            st.phase = Phase::Debrief;
            st.staged.clear();
            st.ready.clear();
            st.turn = None;
        }
        EventKind::Paused => st.paused = true,
        EventKind::Resumed => st.paused = false,
        EventKind::ExerciseEnded => {
            st.phase = Phase::Ended;
            st.paused = false;
        }
        EventKind::ExerciseStarted
        | EventKind::AdHocInject { .. }
        | EventKind::CheckResult { .. }
        | EventKind::Coordinated { .. }
        | EventKind::Statement { .. }
        | EventKind::Attribution { .. }
        | EventKind::AttributionAssessed { .. }
        | EventKind::Countermeasure { .. }
        | EventKind::Passed { .. }
        | EventKind::Annotation { .. } => {}
    }
}

fn open_round(st: &mut Situation, round: u8) {
    st.round = round;
    st.phase = Phase::Briefing;
    st.ready.clear();
    st.staged.clear();
    st.turn = None;
}

fn begin_deliberation(st: &mut Situation, scenario: &Scenario, seconds: u32) {
    st.phase = Phase::Deliberation;
    st.deliberation_seconds = seconds;
    if scenario.turn_order == TurnOrder::Sequential {
        st.turn = scenario.state_ids().next();
    }
}

fn send_message(st: &mut Situation, id: MessageId, message: &Message, round: u8) {
    st.messages.push(MessageRecord {
        id,
        message: message.clone(),
        sent: round,
        delivery: Delivery::Due(round),
        answered: false,
        to_body: None,
    });
    if let Payload::Response { to, .. } = &message.payload
        && let Some(orig) = st.message_mut(*to)
    {
        orig.answered = true;
    }
}

/// The answer a communication check of this entry gets: none if wrong, slow if stale,
/// prompt if current.
pub fn check_answer(c: ContactStatus) -> Answer {
    if !c.correct {
        Answer::None
    } else if c.is_stale() {
        Answer::Slow
    } else {
        Answer::Prompt
    }
}
