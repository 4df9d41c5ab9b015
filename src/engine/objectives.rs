//! Objectives, evaluated from the record of the exercise, in the manner of an
//! exercise evaluation guide: expected, observed, met or not, and the events that show it.

use serde::{Deserialize, Serialize};

use super::event::{Event, EventKind, Payload};
use crate::scenario::{
    Check, Level, Objective, STALE_AFTER_MONTHS, Scenario, StateId, level_index,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    Met,
    NotMet,
    /// Cannot be decided yet: the round it is due by has not been resolved.
    Pending,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::NotMet => "not met",
            Status::Pending => "pending",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub status: Status,
    /// What the evaluator expected, in words.
    pub expected: String,
    /// What the record shows, in words.
    pub observed: String,
    /// Journal numbers of the events that show it.
    pub evidence: Vec<u32>,
}

/// Where the exercise stands, as far as the record shows.
struct Progress {
    /// Highest round whose resolution is in the record.
    resolved: u8,
    /// Highest round opened.
    opened: u8,
    ended: bool,
}

fn progress(events: &[Event]) -> Progress {
    let mut p = Progress {
        resolved: 0,
        opened: 0,
        ended: false,
    };
    for e in events {
        match e.kind {
            EventKind::RoundOpened => p.opened = e.round,
            EventKind::RoundResolved => p.resolved = e.round,
            EventKind::ExerciseEnded => p.ended = true,
            _ => {}
        }
    }
    p
}

pub fn evaluate_all(scenario: &Scenario, events: &[Event]) -> Vec<Outcome> {
    let p = progress(events);
    scenario
        .objectives
        .iter()
        .map(|o| evaluate_with(scenario, events, o, &p))
        .collect()
}

pub fn evaluate(scenario: &Scenario, events: &[Event], objective: &Objective) -> Outcome {
    evaluate_with(scenario, events, objective, &progress(events))
}

fn name(scenario: &Scenario, s: StateId) -> &str {
    scenario.state(s).name.en()
}

fn evaluate_with(
    scenario: &Scenario,
    events: &[Event],
    objective: &Objective,
    p: &Progress,
) -> Outcome {
    // "by round N" is decided once round N is resolved or the exercise ends.
    let due = |by_round: u8| p.resolved >= by_round || p.ended;
    let decide = |found: Vec<u32>, by_round: u8, expected: String, yes: String, no: String| {
        let status = if !found.is_empty() {
            Status::Met
        } else if due(by_round) {
            Status::NotMet
        } else {
            Status::Pending
        };
        let observed = match status {
            Status::Met => yes,
            Status::NotMet => no,
            Status::Pending => {
                format!("not yet (round {} of {by_round})", p.resolved.max(p.opened))
            }
        };
        Outcome {
            status,
            expected,
            observed,
            evidence: found,
        }
    };
    match &objective.check {
        Check::PolicyContact { a, b, by_round } | Check::TechnicalContact { a, b, by_round } => {
            let level = if matches!(objective.check, Check::PolicyContact { .. }) {
                Level::Policy
            } else {
                Level::Technical
            };
            let found: Vec<u32> = events
                .iter()
                .filter(|e| e.round <= *by_round)
                .filter(|e| match &e.kind {
                    EventKind::MessageDelivered { message, .. } => {
                        message.level == level
                            && ((message.from.state == *a && message.to == *b)
                                || (message.from.state == *b && message.to == *a))
                    }
                    _ => false,
                })
                .map(|e| e.seq)
                .take(1)
                .collect();
            let first = found
                .first()
                .and_then(|s| events.iter().find(|e| e.seq == *s))
                .map(|e| e.round);
            decide(
                found,
                *by_round,
                format!(
                    "{level}-level contact between {} and {} by round {by_round}",
                    name(scenario, *a),
                    name(scenario, *b)
                ),
                format!("contact made in round {}", first.unwrap_or(0)),
                format!("no {level}-level message got through by round {by_round}"),
            )
        }
        Check::FactShared {
            fact,
            with,
            by_round,
        } => {
            let found: Vec<u32> = events
                .iter()
                .filter(|e| e.round <= *by_round)
                .filter(|e| matches!(&e.kind, EventKind::FactLearned { body, fact: f, .. } if f == fact && body.state == *with))
                .map(|e| e.seq)
                .take(1)
                .collect();
            let fact_id = &scenario.fact(*fact).id;
            decide(
                found,
                *by_round,
                format!(
                    "{} knows \"{fact_id}\" by round {by_round}",
                    name(scenario, *with)
                ),
                format!("{} learned it", name(scenario, *with)),
                format!("{} never learned it in time", name(scenario, *with)),
            )
        }
        Check::ActionUsed {
            action,
            by,
            by_round,
        } => {
            let found: Vec<u32> = events
                .iter()
                .filter(|e| e.round <= *by_round)
                .filter(|e| {
                    matches!(&e.kind, EventKind::ActionResolved { actor, kind, .. }
                        if kind == action && by.is_none_or(|s| actor.state == s))
                })
                .map(|e| e.seq)
                .take(1)
                .collect();
            let who = by
                .map(|s| name(scenario, s).to_owned())
                .unwrap_or_else(|| "some State".into());
            decide(
                found,
                *by_round,
                format!("{who} uses \"{}\" by round {by_round}", action.label()),
                "used".into(),
                "not used in time".into(),
            )
        }
        Check::ContactsCurrent { state, by_round } => {
            contacts_current(scenario, events, *state, *by_round, p)
        }
        Check::TensionBelow { a, b, level } => {
            let start = scenario.initial_tension[scenario.pair_index(*a, *b)];
            let breach: Vec<u32> = events
                .iter()
                .filter(|e| {
                    matches!(&e.kind, EventKind::TensionChanged { a: x, b: y, value, .. }
                    if ((x, y) == (a, b) || (x, y) == (b, a)) && value >= level)
                })
                .map(|e| e.seq)
                .take(1)
                .collect();
            let peak = events
                .iter()
                .filter_map(|e| match &e.kind {
                    EventKind::TensionChanged {
                        a: x, b: y, value, ..
                    } if (x, y) == (a, b) || (x, y) == (b, a) => Some(*value),
                    _ => None,
                })
                .fold(start, u8::max);
            let expected = format!(
                "tension between {} and {} stays below {level}",
                name(scenario, *a),
                name(scenario, *b)
            );
            if !breach.is_empty() || start >= *level {
                Outcome {
                    status: Status::NotMet,
                    expected,
                    observed: format!("reached {peak}"),
                    evidence: breach,
                }
            } else if p.ended || p.resolved >= scenario.round_count() {
                Outcome {
                    status: Status::Met,
                    expected,
                    observed: format!("peaked at {peak}"),
                    evidence: vec![],
                }
            } else {
                Outcome {
                    status: Status::Pending,
                    expected,
                    observed: format!("{peak} so far"),
                    evidence: vec![],
                }
            }
        }
        Check::NoAttributionBefore { round, by } => {
            let early: Vec<u32> = events
                .iter()
                .filter(|e| e.round < *round)
                .filter(|e| matches!(&e.kind, EventKind::Attribution { by: who, .. } if by.is_none_or(|s| *who == s)))
                .map(|e| e.seq)
                .collect();
            let expected = match by {
                Some(s) => format!(
                    "{} makes no public attribution before round {round}",
                    name(scenario, *s)
                ),
                None => format!("no public attribution before round {round}"),
            };
            if !early.is_empty() {
                let r = events
                    .iter()
                    .find(|e| e.seq == early[0])
                    .map(|e| e.round)
                    .unwrap_or(0);
                Outcome {
                    status: Status::NotMet,
                    expected,
                    observed: format!("public attribution in round {r}"),
                    evidence: early,
                }
            } else if p.opened >= *round || p.ended || p.resolved >= round.saturating_sub(1) {
                Outcome {
                    status: Status::Met,
                    expected,
                    observed: "no premature attribution".into(),
                    evidence: vec![],
                }
            } else {
                Outcome {
                    status: Status::Pending,
                    expected,
                    observed: "none so far".into(),
                    evidence: vec![],
                }
            }
        }
        Check::ConcernsAnswered => {
            let raised: Vec<u32> = events
                .iter()
                .filter(|e| matches!(&e.kind, EventKind::MessageDelivered { message, .. } if matches!(message.payload, Payload::Concern { .. })))
                .map(|e| e.seq)
                .collect();
            let expired: Vec<u32> = events
                .iter()
                .filter(|e| matches!(e.kind, EventKind::ConcernExpired { .. }))
                .map(|e| e.seq)
                .collect();
            let expected =
                "every concern raised at national-security level is answered within a round"
                    .to_owned();
            if !expired.is_empty() {
                Outcome {
                    status: Status::NotMet,
                    expected,
                    observed: format!(
                        "{} of {} concerns went unanswered",
                        expired.len(),
                        raised.len()
                    ),
                    evidence: expired,
                }
            } else if p.ended || p.resolved >= scenario.round_count() {
                let observed = if raised.is_empty() {
                    "no concern was raised".to_owned()
                } else {
                    format!("all {} answered", raised.len())
                };
                Outcome {
                    status: Status::Met,
                    expected,
                    observed,
                    evidence: raised,
                }
            } else {
                Outcome {
                    status: Status::Pending,
                    expected,
                    observed: format!("{} raised so far, none ignored", raised.len()),
                    evidence: raised,
                }
            }
        }
    }
}

/// Both entries correct and verified within a year, at the end of round `by_round`.
fn contacts_current(
    scenario: &Scenario,
    events: &[Event],
    s: StateId,
    by_round: u8,
    p: &Progress,
) -> Outcome {
    let mut entries = scenario
        .state(s)
        .contacts
        .clone()
        .map(|c| (c.correct, c.verified_months_ago <= STALE_AFTER_MONTHS));
    let mut evidence = Vec::new();
    for e in events.iter().filter(|e| e.round <= by_round) {
        match &e.kind {
            EventKind::ContactsUpdated { state } if *state == s => {
                entries = [(true, true); 2];
                evidence.push(e.seq);
            }
            EventKind::ContactBroken { state, level } if *state == s => {
                entries[level_index(*level)].0 = false;
                evidence.push(e.seq);
            }
            _ => {}
        }
    }
    let current = entries.iter().all(|(correct, fresh)| *correct && *fresh);
    let expected = format!(
        "{}'s directory entries current by round {by_round}",
        name(scenario, s)
    );
    let status = match (p.resolved >= by_round || p.ended, current) {
        (true, true) => Status::Met,
        (true, false) => Status::NotMet,
        (false, _) => Status::Pending,
    };
    let observed = if current {
        "current".into()
    } else {
        "stale or wrong".into()
    };
    Outcome {
        status,
        expected,
        observed,
        evidence,
    }
}
