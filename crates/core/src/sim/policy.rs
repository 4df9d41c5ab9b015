//! Bot players. A bot decides only from what its seat may know: a [`SeatView`] (the
//! events its seat saw and the scenario text they disclosed) and a seed of its own.
//! It never reads hidden truth (incident origins, whether others' contact data is
//! correct), and it decides the same in `simulate` as over the network, where it
//! holds exactly the same view.

use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::engine::check::check_action;
use crate::engine::rng::{self, below};
use crate::engine::view::{MessageStatus, MessageView};
use crate::engine::{Action, Answer, Payload, Seat, SeatView};
use crate::scenario::{
    ActionKind, BodyId, BodyKind, IncidentId, Level, Origin, STALE_AFTER_MONTHS, Scenario, StateId,
    StateSet, Tone,
};

/// How a bot plays.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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

/// A bot's own seed for a seat: a one-way function of the exercise seed and the
/// seat's key, so the same bot decides the same in `simulate` and over the network,
/// and the seed it is given reveals nothing of the exercise's chance draws.
pub fn bot_seed(exercise_seed: u64, seat_key: &str) -> u64 {
    let mut h = blake3::Hasher::new();
    h.update(b"cbm-ttx bot seed");
    h.update(&exercise_seed.to_le_bytes());
    h.update(seat_key.as_bytes());
    let mut out = [0u8; 8];
    out.copy_from_slice(&h.finalize().as_bytes()[..8]);
    u64::from_le_bytes(out)
}

impl Policy {
    /// Every policy, in the order `simulate` plays them by default.
    pub const ALL: [Policy; 4] = [
        Policy::Cooperative,
        Policy::Silent,
        Policy::Hawkish,
        Policy::Random,
    ];

    /// The policy named `name` (as [`Policy::name`] spells it).
    pub fn from_name(name: &str) -> Option<Policy> {
        Policy::ALL.into_iter().find(|p| p.name() == name)
    }

    /// The policy's lowercase name, as on the command line: `"cooperative"`, ...
    pub fn name(self) -> &'static str {
        match self {
            Policy::Cooperative => "cooperative",
            Policy::Silent => "silent",
            Policy::Hawkish => "hawkish",
            Policy::Random => "random",
        }
    }

    /// The actions the seat stages this round, in order of priority, at most the
    /// scenario's limit, each one the rules would accept now. A body's seat plans for
    /// its State and keeps its own body's actions.
    pub fn plan(self, view: &SeatView, seed: u64) -> Vec<(BodyId, Action)> {
        let Some(me) = view.seat.state() else {
            return Vec::new();
        };
        let scenario = view.scenario();
        let limit = scenario.actions_per_round as usize;
        let b = Bot { view, me };
        let mut plan = match self {
            Policy::Silent => Vec::new(),
            Policy::Cooperative => b.cooperative(),
            Policy::Hawkish => b.hawkish(),
            Policy::Random => {
                let mut rng = rng::stream(seed, view.round, 0xB07_0000 + me.0 as u64);
                b.random(&mut rng, limit)
            }
        };
        if let Seat::Body(mine) = view.seat {
            plan.retain(|(actor, _)| *actor == mine);
        }
        // Drop what the rules would refuse (a bot never wastes a slot on it), then duplicates.
        plan.retain(|(actor, a)| check_action(scenario, view, view.seat, *actor, a).is_ok());
        let mut seen: Vec<Action> = Vec::new();
        plan.retain(|(_, a)| {
            let new = !seen.contains(a);
            if new {
                seen.push(a.clone());
            }
            new
        });
        plan.truncate(limit);
        plan
    }
}

/// One bot's reasoning: its seat's view and its State.
struct Bot<'a> {
    view: &'a SeatView,
    me: StateId,
}

impl Bot<'_> {
    fn scenario(&self) -> &Scenario {
        self.view.scenario()
    }

    /// Incidents the seat knows of that hit its State or that it holds facts about.
    fn known_incidents(&self) -> Vec<IncidentId> {
        self.view
            .known_incidents()
            .into_iter()
            .filter(|i| {
                self.view
                    .incident(*i)
                    .is_some_and(|inc| inc.affected.contains(self.me))
                    || self.facts_of(*i).next().is_some()
            })
            .collect()
    }

    /// Facts the seat knows about an incident.
    fn facts_of(&self, i: IncidentId) -> impl Iterator<Item = &crate::engine::view::KnownFact> {
        self.view
            .facts
            .iter()
            .filter(move |k| self.view.fact(k.fact).is_some_and(|f| f.incident == i))
    }

    fn affected(&self, i: IncidentId) -> StateSet {
        self.view
            .incident(i)
            .map(|inc| inc.affected)
            .unwrap_or_default()
    }

    /// The State most of our known facts about the incident point to, if any.
    fn suspect(&self, incident: IncidentId) -> Option<StateId> {
        let mut counts = vec![0u32; self.scenario().states.len()];
        for k in self.facts_of(incident) {
            if let Some(Origin::State(s)) = self.view.fact(k.fact).and_then(|f| f.points_to)
                && s != self.me
                && let Some(c) = counts.get_mut(s.index())
            {
                *c += 1;
            }
        }
        let (best, n) = counts
            .iter()
            .enumerate()
            .max_by_key(|(i, n)| (**n, std::cmp::Reverse(*i)))?;
        (*n > 0).then_some(StateId(best as u8))
    }

    fn body(&self, kind: BodyKind) -> BodyId {
        self.scenario()
            .body_of_kind(self.me, kind)
            .unwrap_or(BodyId {
                state: self.me,
                body: 0,
            })
    }

    /// A body of ours that knows something about the incident.
    fn knower(&self, incident: IncidentId) -> Option<BodyId> {
        self.scenario()
            .body_ids(self.me)
            .find(|b| self.facts_of(incident).any(|k| k.holders.contains(b)))
    }

    /// Should the State refresh its own directory entries? It knows their published
    /// age, what communication checks of them showed, and injects that told it of
    /// changes.
    fn own_entries_need_update(&self) -> bool {
        let entries = &self.view.directory[self.me.index()];
        let updated = entries[0].updated_round.unwrap_or(0);
        let stale = updated == 0
            && self
                .scenario()
                .state(self.me)
                .contacts
                .iter()
                .any(|c| c.verified_months_ago > STALE_AFTER_MONTHS);
        let failed_check = entries.iter().any(
            |e| matches!(e.last_check, Some((r, Answer::None | Answer::Slow)) if r >= updated),
        );
        let told_of_change = self.view.injects.iter().any(|(i, round)| {
            *round > updated && self.view.inject(*i).is_some_and(|x| !x.breaks.is_empty())
        });
        stale || failed_check || told_of_change
    }

    fn unanswered(&self) -> impl Iterator<Item = &MessageView> {
        self.view.unanswered()
    }

    fn tension(&self, other: StateId) -> u8 {
        self.view.tension(self.me, other)
    }

    fn others(&self) -> impl Iterator<Item = StateId> + '_ {
        self.scenario().state_ids().filter(move |s| *s != self.me)
    }

    fn cooperative(&self) -> Vec<(BodyId, Action)> {
        let mfa = self.body(BodyKind::ForeignMinistry);
        let cert = self.body(BodyKind::Cert);
        let mut plan = Vec::new();
        // Answer concerns first, then anything else waiting.
        let mut waiting: Vec<&MessageView> = self.unanswered().collect();
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
        if self.own_entries_need_update() {
            plan.push((mfa, Action::UpdateContacts));
        }
        let incidents = self.known_incidents();
        // Co-ordinate at home when one body knows what another does not.
        let bodies = self.scenario().state(self.me).bodies.len();
        let uneven = incidents.iter().any(|i| {
            self.facts_of(*i).any(|k| {
                let n = k.holders.iter().filter(|b| b.state == self.me).count();
                n > 0 && n < bodies
            })
        });
        if uneven {
            plan.push((mfa, Action::NationalCoordination { incident: None }));
        }
        for inc in &incidents {
            if let Some(suspected) = self.suspect(*inc)
                && self.tension(suspected) >= 30
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
            let affected = self.affected(*inc);
            for other in affected.iter().filter(|s| *s != self.me) {
                if let Some(k) = self.knower(*inc) {
                    plan.push((
                        k,
                        Action::ShareInformation {
                            to: other,
                            incident: *inc,
                            facts: Vec::new(),
                        },
                    ));
                } else if !affected.contains(self.me) {
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
        let round = self.view.round;
        let bounced: StateSet = self
            .view
            .messages
            .iter()
            .filter(|m| {
                !m.incoming
                    && m.message.from.state == self.me
                    && m.status == MessageStatus::Lost
                    && m.round + 1 >= round
            })
            .map(|m| m.message.to)
            .collect();
        if round == 1 || !bounced.is_empty() {
            plan.push((cert, Action::CommunicationCheck { targets: bounced }));
        }
        // Keep a policy line open with whoever we are most tense with.
        if let Some(other) = self
            .others()
            .max_by_key(|s| (self.tension(*s), std::cmp::Reverse(s.0)))
            && self.tension(other) >= 20
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

    fn hawkish(&self) -> Vec<(BodyId, Action)> {
        let mfa = self.body(BodyKind::ForeignMinistry);
        let def = self
            .scenario()
            .body_of_kind(self.me, BodyKind::Defence)
            .unwrap_or(mfa);
        let mut plan = Vec::new();
        for inc in self.known_incidents() {
            if !self.affected(inc).contains(self.me) {
                continue;
            }
            // Blame the usual suspect: whoever the evidence points to, else the most tense neighbour.
            let target = self.suspect(inc).or_else(|| {
                self.others()
                    .max_by_key(|s| (self.tension(*s), std::cmp::Reverse(s.0)))
            });
            let Some(target) = target else { continue };
            if !self
                .view
                .used_by(ActionKind::PublicAttribution, self.view.round)
            {
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

    fn random(&self, rng: &mut ChaCha8Rng, limit: usize) -> Vec<(BodyId, Action)> {
        let others: Vec<StateId> = self.others().collect();
        let incidents = self.known_incidents();
        let bodies: Vec<BodyId> = self.scenario().body_ids(self.me).collect();
        let mut plan = Vec::new();
        let mut attempts = 0;
        while plan.len() < limit && attempts < limit * 6 && !others.is_empty() {
            attempts += 1;
            let kind = ActionKind::ALL[below(rng, ActionKind::ALL.len())];
            let actor = bodies[below(rng, bodies.len())];
            let other = others[below(rng, others.len())];
            let incident = (!incidents.is_empty()).then(|| incidents[below(rng, incidents.len())]);
            let choice = crate::engine::Choice {
                state: Some(other),
                incident,
                tone: Some(Tone::ALL[below(rng, Tone::ALL.len())]),
                states: StateSet::one(other),
                message: self.unanswered().next().map(|m| m.id),
                origin: Some(Origin::State(other)),
                ..Default::default()
            };
            let Ok(action) = choice.into_action(kind) else {
                continue;
            };
            if check_action(self.scenario(), self.view, self.view.seat, actor, &action).is_ok() {
                plan.push((actor, action));
            }
        }
        plan
    }
}

impl std::fmt::Display for Policy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
