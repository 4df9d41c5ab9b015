//! What a seat may read of the scenario, and when.
//!
//! A seat starts with the [`public`] scenario only: the States and their bodies, the
//! published directory, the non-State actors, the ladder and the limits of play — no
//! incident, fact, inject, objective, trigger, round title or briefing, hidden origin
//! or directory truth, and not the scenario's own id, seed or content hash (the ids of
//! States, bodies, actors and ladder steps stay: seats are named by them). Everything
//! else reaches it
//! as a [`Disclosure`] that travels with the event that reveals it ([`disclose`]):
//! a fact's text with the `FactLearned` that teaches it, an inject's text with its
//! `InjectRevealed`, an incident's title with the first event that names it.
//!
//! The same functions serve every front-end: hot-seat views on the facilitator's
//! machine, LAN clients and browser participants hold exactly the same knowledge.

use serde::{Deserialize, Serialize};

use super::command::Seat;
use super::event::{Event, EventKind, Payload};
use crate::scenario::{
    Audience, BodyId, Effect, FactId, IncidentId, InjectId, Level, Origin, Scenario, StateId,
    StateSet, Text,
};

/// A fact as a seat that learned it may read it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FactInfo {
    /// The incident it belongs to.
    pub incident: IncidentId,
    /// The evidence.
    pub text: Text,
    /// Whom the fact implicates, if anyone.
    pub points_to: Option<Origin>,
}

/// An inject as its audience reads it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InjectInfo {
    /// Its title.
    pub title: Text,
    /// Its text.
    pub text: Text,
    /// The facilitator's questions for the room.
    pub questions: Vec<Text>,
    /// Directory entries of the seat's own State this inject broke (a State knows
    /// of its own reorganisation; others' never travel).
    pub breaks: Vec<Level>,
}

/// An incident as a seat that heard of it may read it. Never its true origin.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IncidentInfo {
    /// Its title.
    pub title: Text,
    /// Its description.
    pub description: Text,
    /// 1 (minor) to 5 (critical).
    pub severity: u8,
    /// The States it hits.
    pub affected: StateSet,
}

/// A round as it opens: its title and the room's discussion questions. The
/// facilitator's briefing stays with control.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoundInfo {
    /// The round's title.
    pub title: Text,
    /// Debrief questions for the room.
    pub questions: Vec<Text>,
}

/// Private scenario content that an event entitles a seat to read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Disclosure {
    /// A fact's text, with the `FactLearned` that teaches it.
    Fact(FactId, FactInfo),
    /// An inject's text, with its `InjectRevealed`.
    Inject(InjectId, InjectInfo),
    /// An incident's title and description, with the first event that names it.
    Incident(IncidentId, IncidentInfo),
    /// A round's title and questions (1-based round number), with its `RoundOpened`.
    Round(u8, RoundInfo),
}

/// The scenario as every seat may hold it from the start. Private lists (incidents,
/// facts, injects, objectives) are empty, round titles, briefings and questions are
/// blanked (the list keeps its length, so the number of rounds is public), the
/// scenario's id, seed and content hash are blanked or zeroed, and every directory
/// entry is presumed correct (as published; `verified_months_ago` stays).
pub fn public(s: &Scenario) -> Scenario {
    let mut r = s.clone();
    r.id = String::new();
    r.seed = 0;
    r.content_hash = String::new();
    r.incidents.clear();
    r.facts.clear();
    r.injects.clear();
    r.objectives.clear();
    for round in &mut r.rounds {
        round.title = Text::default();
        round.briefing = Text::default();
        round.questions.clear();
    }
    for st in &mut r.states {
        for c in &mut st.contacts {
            c.correct = true;
        }
    }
    r
}

/// The incident an event names, if any (and so makes known to its audience). No event
/// names more than one.
pub fn incident_named(e: &Event) -> Option<IncidentId> {
    match &e.kind {
        EventKind::IncidentOpened { incident }
        | EventKind::Attribution { incident, .. }
        | EventKind::Countermeasure {
            incident: Some(incident),
            ..
        }
        | EventKind::Coordinated {
            incident: Some(incident),
            ..
        } => Some(*incident),
        EventKind::MessageDelivered { message, .. } => payload_incident(&message.payload),
        _ => None,
    }
}

fn payload_incident(p: &Payload) -> Option<IncidentId> {
    match p {
        Payload::Concern { incident, .. } => *incident,
        Payload::Request { incident, .. }
        | Payload::Share { incident, .. }
        | Payload::Assistance { incident }
        | Payload::JointAnalysis { incident } => Some(*incident),
        Payload::Note { .. } | Payload::Response { .. } => None,
    }
}

/// The States an audience addresses (for control: none; its seat sees all anyway).
pub fn audience_states(scenario_states: usize, a: &Audience) -> StateSet {
    match a {
        Audience::Public => (0..scenario_states as u8)
            .map(StateId)
            .fold(StateSet::EMPTY, StateSet::with),
        Audience::States(set) => *set,
        Audience::Body(b) => StateSet::one(b.state),
        Audience::Control => StateSet::EMPTY,
    }
}

/// What a disclosure is about: the key a seat's knowledge is kept under.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    /// A fact's text and what it points to.
    Fact(FactId),
    /// An inject's title, text and questions.
    Inject(InjectId),
    /// An incident's title and description.
    Incident(IncidentId),
    /// A round's title and questions (1-based).
    Round(u8),
}

/// What the event reveals to a seat that may see it (the caller checks the audience).
/// Ids out of the scenario's range reveal nothing. An incident is disclosed at most
/// once per event.
pub fn disclose(s: &Scenario, seat: Seat, e: &Event) -> Vec<Disclosure> {
    disclose_new(s, seat, e, |_| false)
}

/// As [`disclose`], leaving out what `held` says the seat already has (a seat's view
/// folding events does not copy the same texts again for every event that names an
/// incident).
pub fn disclose_new(
    s: &Scenario,
    seat: Seat,
    e: &Event,
    held: impl Fn(Subject) -> bool,
) -> Vec<Disclosure> {
    let mut out = Vec::new();
    match &e.kind {
        EventKind::FactLearned { fact, .. } if !held(Subject::Fact(*fact)) => {
            if let Some(f) = s.facts.get(fact.index()) {
                out.push(Disclosure::Fact(
                    *fact,
                    FactInfo {
                        incident: f.incident,
                        text: f.text.clone(),
                        points_to: f.points_to,
                    },
                ));
                push_incident(s, f.incident, &held, &mut out);
            }
        }
        EventKind::InjectRevealed { inject, .. } if !held(Subject::Inject(*inject)) => {
            if let Some(i) = s.injects.get(inject.index()) {
                let breaks = i
                    .effects
                    .iter()
                    .filter_map(|ef| match ef {
                        Effect::BreakContact(st, level) if Some(*st) == seat.state() => {
                            Some(*level)
                        }
                        _ => None,
                    })
                    .collect();
                out.push(Disclosure::Inject(
                    *inject,
                    InjectInfo {
                        title: i.title.clone(),
                        text: i.text.clone(),
                        questions: i.questions.clone(),
                        breaks,
                    },
                ));
            }
        }
        EventKind::RoundOpened if !held(Subject::Round(e.round)) => {
            if let Some(r) = e
                .round
                .checked_sub(1)
                .and_then(|i| s.rounds.get(i as usize))
            {
                out.push(Disclosure::Round(
                    e.round,
                    RoundInfo {
                        title: r.title.clone(),
                        questions: r.questions.clone(),
                    },
                ));
            }
        }
        _ => {}
    }
    if let Some(i) = incident_named(e) {
        push_incident(s, i, &held, &mut out);
    }
    out
}

fn push_incident(
    s: &Scenario,
    i: IncidentId,
    held: &impl Fn(Subject) -> bool,
    out: &mut Vec<Disclosure>,
) {
    let already = held(Subject::Incident(i))
        || out
            .iter()
            .any(|d| matches!(d, Disclosure::Incident(x, _) if *x == i));
    if let (false, Some(inc)) = (already, s.incidents.get(i.index())) {
        out.push(Disclosure::Incident(
            i,
            IncidentInfo {
                title: inc.title.clone(),
                description: inc.description.clone(),
                severity: inc.severity,
                affected: inc.affected,
            },
        ));
    }
}

/// Every disclosure a list of events makes to a seat, for the events it may see.
pub fn disclose_all(s: &Scenario, seat: Seat, events: &[Event]) -> Vec<Disclosure> {
    events
        .iter()
        .filter(|e| e.audience.includes(seat))
        .flat_map(|e| disclose(s, seat, e))
        .collect()
}

/// Is every index a disclosure holds within the public scenario's States (the only
/// lists a client can check against)?
pub fn sound(public: &Scenario, d: &Disclosure) -> bool {
    let state = |s: StateId| s.index() < public.states.len();
    match d {
        Disclosure::Fact(_, f) => match f.points_to {
            Some(Origin::State(s)) => state(s),
            Some(Origin::Actor(a)) => a.index() < public.actors.len(),
            None => true,
        },
        Disclosure::Incident(_, i) => i.affected.iter().all(state),
        Disclosure::Inject(..) | Disclosure::Round(..) => true,
    }
}

/// A body of the seat's State, or the seat's own body, for `holders` lists.
pub fn seat_holds(seat: Seat, b: BodyId) -> bool {
    match seat {
        Seat::Control => true,
        Seat::State(s) => b.state == s,
        Seat::Body(mine) => mine == b,
        Seat::Observer => false,
    }
}
