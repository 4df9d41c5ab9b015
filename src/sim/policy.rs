//! Bot players. A bot plays a whole State and decides from what its State knows: its
//! own bodies' facts, messages addressed to it, the public directory and tensions.
//! It never reads hidden truth (incident origins, whether others' contact data is correct).

use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::engine::rng::{self, below};
use crate::engine::state::{Delivery, State};
use crate::engine::{Action, Answer, Payload};
use crate::scenario::{
    ActionKind, BodyId, BodyKind, Effect, IncidentId, InjectAudience, Level, Origin,
    STALE_AFTER_MONTHS, Scenario, StateId, StateSet, Tone,
};

#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    clap::ValueEnum,
)]
pub enum Policy {
    /// Uses measures 2 and 8: keeps contacts current, co-ordinates, shares, talks, answers.
    Cooperative,
    /// Does nothing at all.
    Silent,
    /// Attributes publicly on thin evidence and retaliates.
    Hawkish,
    /// Picks any possible action at random.
    Random,
}

impl Policy {
    pub const ALL: [Policy; 4] = [
        Policy::Cooperative,
        Policy::Silent,
        Policy::Hawkish,
        Policy::Random,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Policy::Cooperative => "cooperative",
            Policy::Silent => "silent",
            Policy::Hawkish => "hawkish",
            Policy::Random => "random",
        }
    }

    /// The actions the State `me` stages this round, in order of priority.
    pub fn plan(self, scenario: &Scenario, state: &State, me: StateId) -> Vec<(BodyId, Action)> {
        let limit = scenario.actions_per_round as usize;
        let mut plan = match self {
            Policy::Silent => Vec::new(),
            Policy::Cooperative => cooperative(scenario, state, me),
            Policy::Hawkish => hawkish(scenario, state, me),
            Policy::Random => {
                let mut rng = rng::stream(state.seed, state.round, 0xB07_0000 + me.0 as u64);
                random(scenario, state, me, &mut rng, limit)
            }
        };
        // Drop what the rules would refuse (a bot never wastes a slot on it), then duplicates.
        plan.retain(|(b, a)| crate::engine::check::check_action(scenario, state, *b, a).is_ok());
        let mut seen: Vec<&Action> = Vec::new();
        let mut keep = vec![true; plan.len()];
        for (i, (_, a)) in plan.iter().enumerate() {
            if seen.contains(&a) {
                keep[i] = false;
            } else {
                seen.push(a);
            }
        }
        let mut keep = keep.into_iter();
        plan.retain(|_| keep.next().unwrap_or(false));
        plan.truncate(limit);
        plan
    }
}

/// Incidents this State knows of: it is hit, or one of its bodies holds a fact.
pub fn known_incidents(scenario: &Scenario, state: &State, me: StateId) -> Vec<IncidentId> {
    (0..scenario.incidents.len())
        .filter(|i| state.incident_open[*i])
        .map(|i| IncidentId(i as u16))
        .filter(|i| {
            let inc = scenario.incident(*i);
            inc.affected.contains(me)
                || inc
                    .facts
                    .iter()
                    .any(|f| state.state_knows(scenario, me, *f))
        })
        .collect()
}

/// The State most of our known facts about the incident point to, if any.
pub fn suspect(
    scenario: &Scenario,
    state: &State,
    me: StateId,
    incident: IncidentId,
) -> Option<StateId> {
    let mut counts = vec![0u32; scenario.states.len()];
    for f in &scenario.incident(incident).facts {
        if let Some(Origin::State(s)) = scenario.fact(*f).points_to
            && s != me
            && state.state_knows(scenario, me, *f)
        {
            counts[s.index()] += 1;
        }
    }
    let (best, n) = counts
        .iter()
        .enumerate()
        .max_by_key(|(i, n)| (**n, std::cmp::Reverse(*i)))?;
    (*n > 0).then_some(StateId(best as u8))
}

fn body(scenario: &Scenario, me: StateId, kind: BodyKind) -> BodyId {
    scenario
        .body_of_kind(me, kind)
        .unwrap_or(BodyId { state: me, body: 0 })
}

/// A body of ours that knows something about the incident.
fn knower(scenario: &Scenario, state: &State, me: StateId, incident: IncidentId) -> Option<BodyId> {
    let facts = &scenario.incident(incident).facts;
    scenario
        .body_ids(me)
        .find(|b| facts.iter().any(|f| state.knows(*b, *f)))
}

/// Should the State refresh its own directory entries? It knows their published age,
/// what communication checks of them showed, and injects that told it of changes.
fn own_entries_need_update(scenario: &Scenario, state: &State, s: StateId) -> bool {
    let updated = state.updated_round[s.index()];
    let stale = updated == 0
        && scenario
            .state(s)
            .contacts
            .iter()
            .any(|c| c.verified_months_ago > STALE_AFTER_MONTHS);
    let failed_check = state.check_seen[s.index()]
        .iter()
        .any(|a| matches!(a, Some(Answer::None | Answer::Slow)));
    let told_of_change = scenario.injects.iter().enumerate().any(|(i, inj)| {
        let fired = state.fired_round[i];
        fired > updated
            && audience_includes(&inj.audience, s)
            && inj
                .effects
                .iter()
                .any(|e| matches!(e, Effect::BreakContact(x, _) if *x == s))
    });
    stale || failed_check || told_of_change
}

fn audience_includes(a: &InjectAudience, s: StateId) -> bool {
    match a {
        InjectAudience::Public => true,
        InjectAudience::States(set) => set.contains(s),
        InjectAudience::Bodies(list) => list.iter().any(|b| b.state == s),
        InjectAudience::Control => false,
    }
}

fn unanswered(
    state: &State,
    me: StateId,
) -> impl Iterator<Item = &crate::engine::state::MessageRecord> {
    state.messages.iter().filter(move |m| {
        m.message.to == me
            && !m.answered
            && matches!(m.delivery, Delivery::Delivered(_))
            && !matches!(m.message.payload, Payload::Response { .. })
    })
}

fn cooperative(scenario: &Scenario, state: &State, me: StateId) -> Vec<(BodyId, Action)> {
    let mfa = body(scenario, me, BodyKind::ForeignMinistry);
    let cert = body(scenario, me, BodyKind::Cert);
    let mut plan = Vec::new();
    // Answer concerns first, then anything else waiting.
    let mut waiting: Vec<_> = unanswered(state, me).collect();
    waiting.sort_by_key(|m| (!matches!(m.message.payload, Payload::Concern { .. }), m.id));
    for m in waiting.iter().take(1) {
        let from = if m.message.level == Level::Policy {
            mfa
        } else {
            cert
        };
        plan.push((
            from,
            Action::Respond {
                message: m.id,
                text: String::new(),
            },
        ));
    }
    if own_entries_need_update(scenario, state, me) {
        plan.push((mfa, Action::UpdateContacts));
    }
    let incidents = known_incidents(scenario, state, me);
    // Co-ordinate at home when one body knows what another does not.
    let uneven = incidents.iter().any(|i| {
        scenario.incident(*i).facts.iter().any(|f| {
            let n = scenario
                .body_ids(me)
                .filter(|b| state.knows(*b, *f))
                .count();
            n > 0 && n < scenario.state(me).bodies.len()
        })
    });
    if uneven {
        plan.push((mfa, Action::NationalCoordination { incident: None }));
    }
    for inc in &incidents {
        let i = scenario.incident(*inc);
        if let Some(suspected) = suspect(scenario, state, me, *inc)
            && state.tension(scenario, me, suspected) >= 30
        {
            // Talk to the suspect instead of accusing it.
            plan.push((
                cert,
                Action::JointAnalysis {
                    with: suspected,
                    incident: *inc,
                },
            ));
            plan.push((
                mfa,
                Action::RaiseConcern {
                    to: suspected,
                    incident: Some(*inc),
                    text: String::new(),
                },
            ));
        }
        for other in i.affected.iter().filter(|s| *s != me) {
            if let Some(k) = knower(scenario, state, me, *inc) {
                plan.push((
                    k,
                    Action::ShareInformation {
                        to: other,
                        incident: *inc,
                        facts: Vec::new(),
                    },
                ));
            } else if !i.affected.contains(me) {
                plan.push((
                    cert,
                    Action::ProvideAssistance {
                        to: other,
                        incident: *inc,
                    },
                ));
            }
        }
    }
    // Check the directory at the start, and whoever our messages bounced from last round.
    let bounced: StateSet = state
        .messages
        .iter()
        .filter(|m| {
            m.message.from.state == me && m.delivery == Delivery::Lost && m.sent + 1 >= state.round
        })
        .map(|m| m.message.to)
        .collect();
    if state.round == 1 || !bounced.is_empty() {
        plan.push((cert, Action::CommunicationCheck { targets: bounced }));
    }
    // Keep a policy line open with whoever we are most tense with.
    if let Some(other) = scenario
        .state_ids()
        .filter(|s| *s != me)
        .max_by_key(|s| (state.tension(scenario, me, *s), std::cmp::Reverse(s.0)))
        && state.tension(scenario, me, other) >= 20
    {
        plan.push((
            mfa,
            Action::ContactMessage {
                to: other,
                level: Level::Policy,
                text: String::new(),
            },
        ));
    }
    plan
}

fn hawkish(scenario: &Scenario, state: &State, me: StateId) -> Vec<(BodyId, Action)> {
    let mfa = body(scenario, me, BodyKind::ForeignMinistry);
    let def = scenario.body_of_kind(me, BodyKind::Defence).unwrap_or(mfa);
    let mut plan = Vec::new();
    for inc in known_incidents(scenario, state, me) {
        if !scenario.incident(inc).affected.contains(me) {
            continue;
        }
        // Blame the usual suspect: whoever the evidence points to, else the most tense neighbour.
        let target = suspect(scenario, state, me, inc).or_else(|| {
            scenario
                .state_ids()
                .filter(|s| *s != me)
                .max_by_key(|s| (state.tension(scenario, me, *s), std::cmp::Reverse(s.0)))
        });
        let Some(target) = target else { continue };
        let attributed = state.used_by(me, ActionKind::PublicAttribution, state.round);
        if !attributed {
            plan.push((
                mfa,
                Action::PublicAttribution {
                    incident: inc,
                    to: Origin::State(target),
                    text: String::new(),
                },
            ));
        }
        plan.push((
            def,
            Action::Countermeasure {
                against: target,
                incident: Some(inc),
                text: String::new(),
            },
        ));
        plan.push((
            mfa,
            Action::PublicStatement {
                tone: Tone::Accusatory,
                about: Some(target),
                text: String::new(),
            },
        ));
    }
    plan
}

fn random(
    scenario: &Scenario,
    state: &State,
    me: StateId,
    rng: &mut ChaCha8Rng,
    limit: usize,
) -> Vec<(BodyId, Action)> {
    let others: Vec<StateId> = scenario.state_ids().filter(|s| *s != me).collect();
    let incidents = known_incidents(scenario, state, me);
    let bodies: Vec<BodyId> = scenario.body_ids(me).collect();
    let mut plan = Vec::new();
    let mut attempts = 0;
    while plan.len() < limit && attempts < limit * 6 && !others.is_empty() {
        attempts += 1;
        let kind = ActionKind::ALL[below(rng, ActionKind::ALL.len())];
        let actor = bodies[below(rng, bodies.len())];
        let other = others[below(rng, others.len())];
        let incident = (!incidents.is_empty()).then(|| incidents[below(rng, incidents.len())]);
        let action = match kind {
            ActionKind::ShareInformation => incident.map(|i| Action::ShareInformation {
                to: other,
                incident: i,
                facts: vec![],
            }),
            ActionKind::RequestAssistance => incident.map(|i| Action::RequestAssistance {
                to: other,
                incident: i,
                text: String::new(),
            }),
            ActionKind::ProvideAssistance => incident.map(|i| Action::ProvideAssistance {
                to: other,
                incident: i,
            }),
            ActionKind::JointAnalysis => incident.map(|i| Action::JointAnalysis {
                with: other,
                incident: i,
            }),
            ActionKind::NationalCoordination => {
                Some(Action::NationalCoordination { incident: None })
            }
            ActionKind::TechnicalMessage => Some(Action::ContactMessage {
                to: other,
                level: Level::Technical,
                text: String::new(),
            }),
            ActionKind::PolicyMessage => Some(Action::ContactMessage {
                to: other,
                level: Level::Policy,
                text: String::new(),
            }),
            ActionKind::RaiseConcern => Some(Action::RaiseConcern {
                to: other,
                incident,
                text: String::new(),
            }),
            ActionKind::UpdateContacts => Some(Action::UpdateContacts),
            ActionKind::CommunicationCheck => Some(Action::CommunicationCheck {
                targets: StateSet::one(other),
            }),
            ActionKind::PublicStatement => Some(Action::PublicStatement {
                tone: Tone::ALL[below(rng, 4)],
                about: Some(other),
                text: String::new(),
            }),
            ActionKind::PublicAttribution => incident.map(|i| Action::PublicAttribution {
                incident: i,
                to: Origin::State(other),
                text: String::new(),
            }),
            ActionKind::Countermeasure => Some(Action::Countermeasure {
                against: other,
                incident,
                text: String::new(),
            }),
            ActionKind::Respond => unanswered(state, me).next().map(|m| Action::Respond {
                message: m.id,
                text: String::new(),
            }),
            ActionKind::Pass => Some(Action::Pass),
        };
        if let Some(a) = action
            && crate::engine::check::check_action(scenario, state, actor, &a).is_ok()
        {
            plan.push((actor, a));
        }
    }
    plan
}

impl std::fmt::Display for Policy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
