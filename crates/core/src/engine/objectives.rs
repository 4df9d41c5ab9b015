//! Objectives, evaluated from the record of the exercise, in the manner of an
//! exercise evaluation guide: expected, observed, met or not, and the events that show it.

use serde::{Deserialize, Serialize};

use super::event::{Event, EventKind, Payload};
use crate::scenario::{
    ActionKind, Check, FactId, Level, Objective, STALE_AFTER_MONTHS, Scenario, StateId, level_index,
};

/// An objective's result (docs/scenario-format.md §13).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    /// The record shows it achieved.
    Met,
    /// The record shows it failed (and it cannot become met any more).
    NotMet,
    /// Cannot be decided yet: the round it is due by has not been resolved.
    Pending,
}

impl Status {
    /// The result in words: `"met"`, `"not met"`, `"pending"`.
    pub fn label(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::NotMet => "not met",
            Status::Pending => "pending",
        }
    }
}

/// One objective judged from the record: a line of the exercise evaluation guide.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// Met, not met or pending.
    pub status: Status,
    /// What the evaluator expected, in words.
    pub expected: String,
    /// What the record shows, in words.
    pub observed: String,
    /// Journal numbers (`Event::seq`) of the events that show it, in record order.
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

/// Judge every objective of the scenario from the record (the whole record, or a
/// prefix of it for a live view): one outcome per objective, in the scenario's order.
/// Text is in English (names via `Text::en`).
pub fn evaluate_all(scenario: &Scenario, events: &[Event]) -> Vec<Outcome> {
    let p = progress(events);
    scenario
        .objectives
        .iter()
        .map(|o| evaluate_with(scenario, events, o, &p))
        .collect()
}

/// Judge one objective from the record, as [`evaluate_all`] does.
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
    let e = Eval {
        scenario,
        events,
        p,
    };
    match &objective.check {
        Check::PolicyContact { a, b, by_round } => e.contact(Level::Policy, *a, *b, *by_round),
        Check::TechnicalContact { a, b, by_round } => {
            e.contact(Level::Technical, *a, *b, *by_round)
        }
        Check::FactShared {
            fact,
            with,
            by_round,
        } => e.fact_shared(*fact, *with, *by_round),
        Check::ActionUsed {
            action,
            by,
            by_round,
        } => e.action_used(*action, *by, *by_round),
        Check::ContactsCurrent { state, by_round } => {
            contacts_current(scenario, events, *state, *by_round, p)
        }
        Check::TensionBelow { a, b, level } => e.tension_below(*a, *b, *level),
        Check::NoAttributionBefore { round, by } => e.no_attribution_before(*round, *by),
        Check::ConcernsAnswered => e.concerns_answered(),
    }
}

/// One evaluation: the record, and one small function per kind of check.
struct Eval<'a> {
    scenario: &'a Scenario,
    events: &'a [Event],
    p: &'a Progress,
}

impl Eval<'_> {
    /// "By round N" is decided once round N is resolved or the exercise ends.
    fn due(&self, by_round: u8) -> bool {
        self.p.resolved >= by_round || self.p.ended
    }

    /// Has the whole exercise been played (or ended)?
    fn over(&self) -> bool {
        self.p.ended || self.p.resolved >= self.scenario.round_count()
    }

    fn decide(
        &self,
        found: Vec<u32>,
        by_round: u8,
        expected: String,
        yes: String,
        no: String,
    ) -> Outcome {
        let status = if !found.is_empty() {
            Status::Met
        } else if self.due(by_round) {
            Status::NotMet
        } else {
            Status::Pending
        };
        let observed = match status {
            Status::Met => yes,
            Status::NotMet => no,
            Status::Pending => format!(
                "not yet (round {} of {by_round})",
                self.p.resolved.max(self.p.opened)
            ),
        };
        Outcome {
            status,
            expected,
            observed,
            evidence: found,
        }
    }

    /// The first event up to `by_round` that matches.
    fn first(&self, by_round: u8, hit: impl Fn(&EventKind) -> bool) -> Vec<u32> {
        self.events
            .iter()
            .filter(|e| e.round <= by_round && hit(&e.kind))
            .map(|e| e.seq)
            .take(1)
            .collect()
    }

    fn round_of(&self, seq: u32) -> u8 {
        self.events
            .iter()
            .find(|e| e.seq == seq)
            .map(|e| e.round)
            .unwrap_or(0)
    }

    fn contact(&self, level: Level, a: StateId, b: StateId, by_round: u8) -> Outcome {
        let found = self.first(by_round, |k| match k {
            EventKind::MessageDelivered { message, .. } => {
                message.level == level
                    && ((message.from.state == a && message.to == b)
                        || (message.from.state == b && message.to == a))
            }
            _ => false,
        });
        let first = found.first().map(|s| self.round_of(*s)).unwrap_or(0);
        self.decide(
            found,
            by_round,
            format!(
                "{level}-level contact between {} and {} by round {by_round}",
                name(self.scenario, a),
                name(self.scenario, b)
            ),
            format!("contact made in round {first}"),
            format!("no {level}-level message got through by round {by_round}"),
        )
    }

    fn fact_shared(&self, fact: FactId, with: StateId, by_round: u8) -> Outcome {
        let found = self.first(by_round, |k| {
            matches!(k, EventKind::FactLearned { body, fact: f, .. } if *f == fact && body.state == with)
        });
        let who = name(self.scenario, with);
        let fact_id = &self.scenario.fact(fact).id;
        self.decide(
            found,
            by_round,
            format!("{who} knows \"{fact_id}\" by round {by_round}"),
            format!("{who} learned it"),
            format!("{who} never learned it in time"),
        )
    }

    fn action_used(&self, action: ActionKind, by: Option<StateId>, by_round: u8) -> Outcome {
        let found = self.first(by_round, |k| {
            matches!(k, EventKind::ActionResolved { actor, kind, .. }
                if *kind == action && by.is_none_or(|s| actor.state == s))
        });
        let who = by
            .map(|s| name(self.scenario, s).to_owned())
            .unwrap_or_else(|| "some State".into());
        self.decide(
            found,
            by_round,
            format!("{who} uses \"{}\" by round {by_round}", action.label()),
            "used".into(),
            "not used in time".into(),
        )
    }

    fn tension_below(&self, a: StateId, b: StateId, level: u8) -> Outcome {
        let start = self.scenario.initial_tension[self.scenario.pair_index(a, b)];
        let pair = |x: &StateId, y: &StateId| (*x, *y) == (a, b) || (*x, *y) == (b, a);
        let values: Vec<(u32, u8)> = self
            .events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::TensionChanged {
                    a: x, b: y, value, ..
                } if pair(x, y) => Some((e.seq, *value)),
                _ => None,
            })
            .collect();
        let breach: Vec<u32> = values
            .iter()
            .filter(|(_, v)| *v >= level)
            .map(|(s, _)| *s)
            .take(1)
            .collect();
        let peak = values.iter().map(|(_, v)| *v).fold(start, u8::max);
        let expected = format!(
            "tension between {} and {} stays below {level}",
            name(self.scenario, a),
            name(self.scenario, b)
        );
        let (status, observed) = if !breach.is_empty() || start >= level {
            (Status::NotMet, format!("reached {peak}"))
        } else if self.over() {
            (Status::Met, format!("peaked at {peak}"))
        } else {
            (Status::Pending, format!("{peak} so far"))
        };
        Outcome {
            status,
            expected,
            observed,
            evidence: breach,
        }
    }

    fn no_attribution_before(&self, round: u8, by: Option<StateId>) -> Outcome {
        let early: Vec<u32> = self
            .events
            .iter()
            .filter(|e| e.round < round)
            .filter(|e| matches!(&e.kind, EventKind::Attribution { by: who, .. } if by.is_none_or(|s| *who == s)))
            .map(|e| e.seq)
            .collect();
        let expected = match by {
            Some(s) => format!(
                "{} makes no public attribution before round {round}",
                name(self.scenario, s)
            ),
            None => format!("no public attribution before round {round}"),
        };
        let (status, observed) = if let Some(first) = early.first() {
            (
                Status::NotMet,
                format!("public attribution in round {}", self.round_of(*first)),
            )
        } else if self.p.opened >= round
            || self.p.ended
            || self.p.resolved >= round.saturating_sub(1)
        {
            (Status::Met, "no premature attribution".to_owned())
        } else {
            (Status::Pending, "none so far".to_owned())
        };
        Outcome {
            status,
            expected,
            observed,
            evidence: early,
        }
    }

    fn concerns_answered(&self) -> Outcome {
        let raised: Vec<u32> = self
            .events
            .iter()
            .filter(|e| matches!(&e.kind, EventKind::MessageDelivered { message, .. } if matches!(message.payload, Payload::Concern { .. })))
            .map(|e| e.seq)
            .collect();
        let expired: Vec<u32> = self
            .events
            .iter()
            .filter(|e| matches!(e.kind, EventKind::ConcernExpired { .. }))
            .map(|e| e.seq)
            .collect();
        let expected =
            "every concern raised at national-security level is answered within a round".to_owned();
        if !expired.is_empty() {
            return Outcome {
                status: Status::NotMet,
                expected,
                observed: format!(
                    "{} of {} concerns went unanswered",
                    expired.len(),
                    raised.len()
                ),
                evidence: expired,
            };
        }
        let (status, observed) = if self.over() {
            let observed = if raised.is_empty() {
                "no concern was raised".to_owned()
            } else {
                format!("all {} answered", raised.len())
            };
            (Status::Met, observed)
        } else {
            (
                Status::Pending,
                format!("{} raised so far, none ignored", raised.len()),
            )
        };
        Outcome {
            status,
            expected,
            observed,
            evidence: raised,
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
