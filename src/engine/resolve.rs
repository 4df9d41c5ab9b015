//! Resolution: staged actions take effect in a fixed order, messages travel through
//! the contact-point directory, and the consequences follow as events.
//!
//! Order within a resolution: by action kind (contact updates, national co-ordination,
//! communication checks, messages and exchanges, analysis and assistance, statements,
//! attributions, countermeasures), then by the order actions were staged.

use super::command::{Action, ActionId, MessageId};
use super::event::{Answer, Cause, EventKind, Message, Payload, Via};
use super::execute::Ctx;
use super::rng;
use super::rules::*;
use super::state::{Delivery, Staged};
use crate::scenario::{ActionKind, Audience, BodyId, Level, Origin, StateId, StateSet, Tone};

fn rank(kind: ActionKind) -> u8 {
    use ActionKind::*;
    match kind {
        UpdateContacts => 0,
        NationalCoordination => 1,
        CommunicationCheck => 2,
        TechnicalMessage | PolicyMessage | RaiseConcern | RequestAssistance | ShareInformation
        | Respond => 3,
        JointAnalysis | ProvideAssistance => 4,
        PublicStatement => 5,
        PublicAttribution => 6,
        Countermeasure => 7,
        Pass => 8,
    }
}

/// Close deliberation and resolve every staged action, then expire old concerns.
pub fn resolve_round(ctx: &mut Ctx) {
    ctx.emit(Audience::Public, EventKind::DeliberationClosed);
    let staged = take_sorted(ctx, None);
    for s in staged {
        resolve_action(ctx, s);
    }
    expire_concerns(ctx);
    ctx.emit(Audience::Public, EventKind::RoundResolved);
}

/// Sequential order: one State ends its turn; its actions take effect now.
pub fn resolve_state_turn(ctx: &mut Ctx, state: StateId) {
    for s in take_sorted(ctx, Some(state)) {
        resolve_action(ctx, s);
    }
}

fn take_sorted(ctx: &Ctx, only: Option<StateId>) -> Vec<Staged> {
    let mut staged: Vec<Staged> = ctx
        .state
        .staged
        .iter()
        .filter(|s| only.is_none_or(|o| s.actor.state == o))
        .cloned()
        .collect();
    staged.sort_by_key(|s| (rank(s.action.kind()), s.id));
    staged
}

/// Messages held up by stale contact data arrive as the next deliberation begins.
pub fn deliver_delayed(ctx: &mut Ctx) {
    let round = ctx.state.round;
    let due: Vec<MessageId> = ctx
        .state
        .messages
        .iter()
        .filter(|m| matches!(m.delivery, Delivery::Due(r) if r <= round) && m.sent < round)
        .map(|m| m.id)
        .collect();
    for id in due {
        deliver(ctx, id, true);
    }
}

fn own(s: StateId) -> Audience {
    Audience::States(StateSet::one(s))
}

fn resolve_action(ctx: &mut Ctx, staged: Staged) {
    let Staged {
        id, actor, action, ..
    } = staged;
    // Re-check: what was possible when staged may not be now (answered meanwhile...).
    if let Err(why) = super::check::check_action(ctx.scenario, ctx.state, actor, &action) {
        ctx.emit(
            own(actor.state),
            EventKind::ActionVoid {
                id,
                reason: why.to_string(),
            },
        );
        return;
    }
    let kind = action.kind();
    ctx.emit(
        own(actor.state),
        EventKind::ActionResolved { id, actor, kind },
    );
    let me = actor.state;
    match action {
        Action::ShareInformation {
            to,
            incident,
            facts,
        } => {
            let facts = if facts.is_empty() {
                ctx.scenario
                    .incident(incident)
                    .facts
                    .iter()
                    .copied()
                    .filter(|f| ctx.state.knows(actor, *f))
                    .collect()
            } else {
                facts
            };
            send(
                ctx,
                actor,
                to,
                Level::Technical,
                Payload::Share { incident, facts },
            );
        }
        Action::RequestAssistance { to, incident, text } => {
            send(
                ctx,
                actor,
                to,
                Level::Technical,
                Payload::Request { incident, text },
            );
        }
        Action::ProvideAssistance { to, incident } => {
            send(
                ctx,
                actor,
                to,
                Level::Technical,
                Payload::Assistance { incident },
            );
        }
        Action::JointAnalysis { with, incident } => {
            send(
                ctx,
                actor,
                with,
                Level::Technical,
                Payload::JointAnalysis { incident },
            );
        }
        Action::NationalCoordination { incident } => coordinate(ctx, me, incident),
        Action::ContactMessage { to, level, text } => {
            send(ctx, actor, to, level, Payload::Note { text })
        }
        Action::RaiseConcern { to, incident, text } => {
            send(
                ctx,
                actor,
                to,
                Level::Policy,
                Payload::Concern { incident, text },
            );
        }
        Action::UpdateContacts => {
            ctx.emit(Audience::Public, EventKind::ContactsUpdated { state: me });
        }
        Action::CommunicationCheck { targets } => {
            let targets: Vec<StateId> = if targets.is_empty() {
                ctx.scenario.state_ids().filter(|s| *s != me).collect()
            } else {
                targets.iter().collect()
            };
            for target in targets {
                for level in Level::BOTH {
                    let c = ctx.state.contact(target, level);
                    let answer = if !c.correct {
                        Answer::None
                    } else if c.is_stale() {
                        Answer::Slow
                    } else {
                        Answer::Prompt
                    };
                    // The checked State hears of it too: that is how it learns its data is wrong.
                    ctx.emit(
                        Audience::States(StateSet::pair(me, target)),
                        EventKind::CheckResult {
                            by: me,
                            target,
                            level,
                            answer,
                        },
                    );
                }
            }
        }
        Action::PublicStatement { tone, about, text } => {
            ctx.emit(
                Audience::Public,
                EventKind::Statement {
                    by: me,
                    tone,
                    about,
                    text,
                },
            );
            if let Some(other) = about {
                let delta = match tone {
                    Tone::Conciliatory => STATEMENT_CONCILIATORY,
                    Tone::Neutral => 0,
                    Tone::Assertive => STATEMENT_ASSERTIVE,
                    Tone::Accusatory => STATEMENT_ACCUSATORY,
                };
                if delta != 0 {
                    ctx.tension(me, other, delta, Cause::Action { action: id, kind });
                }
            }
        }
        Action::PublicAttribution { incident, to, text } => {
            attribute(ctx, id, me, incident, to, text)
        }
        Action::Countermeasure {
            against,
            incident,
            text,
        } => {
            ctx.emit(
                Audience::Public,
                EventKind::Countermeasure {
                    by: me,
                    against,
                    incident,
                    text,
                },
            );
            let mut delta = COUNTERMEASURE;
            if incident.is_some_and(|i| ctx.scenario.incident(i).origin != Origin::State(against))
                || incident.is_none()
            {
                delta = delta.saturating_add(COUNTERMEASURE_WRONG_TARGET);
            }
            ctx.tension(me, against, delta, Cause::Action { action: id, kind });
        }
        Action::Respond { message, text } => {
            let original = ctx.state.message(message).map(|m| m.message.clone());
            if let Some(orig) = original {
                let id = ctx.next_id();
                let reply = Message {
                    from: actor,
                    to: orig.from.state,
                    level: orig.level,
                    payload: Payload::Response { to: message, text },
                };
                ctx.emit(
                    own(me),
                    EventKind::MessageSent {
                        id,
                        message: reply.clone(),
                    },
                );
                // A reply goes back the way the message came: no directory lookup.
                deliver_to(ctx, id, reply, orig.from, false);
            }
        }
        Action::Pass => {
            ctx.emit(own(me), EventKind::Passed { actor });
        }
    }
}

/// Send a message through the directory: wrong data loses it, stale data may hold it up.
fn send(ctx: &mut Ctx, from: BodyId, to: StateId, level: Level, payload: Payload) {
    let id = ctx.next_id();
    ctx.emit(
        own(from.state),
        EventKind::MessageSent {
            id,
            message: Message {
                from,
                to,
                level,
                payload,
            },
        },
    );
    let contact = ctx.state.contact(to, level);
    if !contact.correct {
        ctx.emit(own(from.state), EventKind::MessageLost { id, to, level });
    } else if contact.is_stale()
        && rng::chance(
            ctx.state.seed,
            ctx.state.round,
            id as u64,
            STALE_DELAY_PERCENT,
        )
    {
        ctx.emit(Audience::Control, EventKind::MessageDelayed { id });
    } else {
        deliver(ctx, id, false);
    }
}

fn deliver(ctx: &mut Ctx, id: MessageId, late: bool) {
    let Some(record) = ctx.state.message(id) else {
        return;
    };
    let message = record.message.clone();
    let to_body = ctx.scenario.contact_body(message.to, message.level);
    deliver_to(ctx, id, message, to_body, late);
}

fn deliver_to(ctx: &mut Ctx, id: MessageId, message: Message, to_body: BodyId, late: bool) {
    let from = message.from;
    let to = message.to;
    let pair = StateSet::pair(from.state, to);
    let payload = message.payload.clone();
    ctx.emit(
        Audience::States(pair),
        EventKind::MessageDelivered {
            id,
            message,
            to_body,
            late,
        },
    );
    let cause = Cause::Delivered { message: id };
    match payload {
        Payload::Note { .. } => {
            let delta = match ctx.state.message(id).map(|m| m.message.level) {
                Some(Level::Policy) => POLICY_MESSAGE_DELIVERED,
                _ => TECHNICAL_MESSAGE_DELIVERED,
            };
            ctx.tension(from.state, to, delta, cause);
        }
        Payload::Concern { .. } => {}
        Payload::Request { .. } => ctx.tension(from.state, to, REQUEST_DELIVERED, cause),
        Payload::Share { facts, .. } => {
            for f in facts {
                ctx.learn(to_body, f, Via::Shared { from: from.state });
            }
            ctx.tension(from.state, to, SHARE_DELIVERED, cause);
        }
        Payload::Assistance { incident } => {
            let scenario = ctx.scenario;
            for f in &scenario.incident(incident).facts {
                if ctx.state.knows(from, *f) {
                    ctx.learn(to_body, *f, Via::Assistance { from: from.state });
                }
            }
            discover(ctx, incident, &[from, to_body]);
            ctx.tension(from.state, to, ASSISTANCE_DELIVERED, cause);
        }
        Payload::JointAnalysis { incident } => {
            let scenario = ctx.scenario;
            for f in &scenario.incident(incident).facts {
                if ctx.state.knows(from, *f) {
                    ctx.learn(to_body, *f, Via::JointAnalysis { with: from.state });
                } else if ctx.state.knows(to_body, *f) {
                    ctx.learn(from, *f, Via::JointAnalysis { with: to });
                }
            }
            discover(ctx, incident, &[from, to_body]);
            ctx.tension(from.state, to, JOINT_ANALYSIS_DELIVERED, cause);
        }
        Payload::Response { to: original, .. } => {
            let was_concern = ctx
                .state
                .message(original)
                .is_some_and(|m| matches!(m.message.payload, Payload::Concern { .. }));
            let delta = if was_concern {
                CONCERN_ANSWERED
            } else {
                RESPONSE_DELIVERED
            };
            ctx.tension(from.state, to, delta, cause);
        }
    }
}

/// Hidden evidence of the incident comes to light for these bodies.
fn discover(ctx: &mut Ctx, incident: crate::scenario::IncidentId, bodies: &[BodyId]) {
    let scenario = ctx.scenario;
    for f in &scenario.incident(incident).facts {
        if scenario.fact(*f).hidden {
            for b in bodies {
                ctx.learn(*b, *f, Via::Discovered);
            }
        }
    }
}

fn coordinate(ctx: &mut Ctx, me: StateId, incident: Option<crate::scenario::IncidentId>) {
    ctx.emit(
        own(me),
        EventKind::Coordinated {
            state: me,
            incident,
        },
    );
    let scenario = ctx.scenario;
    let incidents: Vec<crate::scenario::IncidentId> = match incident {
        Some(i) => vec![i],
        None => (0..scenario.incidents.len())
            .filter(|i| ctx.state.incident_open[*i])
            .map(|i| crate::scenario::IncidentId(i as u16))
            .collect(),
    };
    for i in incidents {
        for f in &scenario.incident(i).facts {
            if ctx.state.state_knows(scenario, me, *f) {
                for b in scenario.body_ids(me) {
                    ctx.learn(b, *f, Via::Coordination);
                }
            }
        }
    }
}

fn attribute(
    ctx: &mut Ctx,
    id: ActionId,
    me: StateId,
    incident: crate::scenario::IncidentId,
    to: Origin,
    text: String,
) {
    let scenario = ctx.scenario;
    ctx.emit(
        Audience::Public,
        EventKind::Attribution {
            id,
            by: me,
            incident,
            to,
            text,
        },
    );
    let correct = scenario.incident(incident).origin == to;
    // Evidence the attributor's State holds that points the same way.
    let known_pointing = |state: &super::state::State, o: Origin| {
        scenario
            .incident(incident)
            .facts
            .iter()
            .filter(|f| {
                scenario.fact(**f).points_to == Some(o) && state.state_knows(scenario, me, **f)
            })
            .count()
    };
    let substantiated = known_pointing(ctx.state, to) > 0;
    ctx.emit(
        Audience::Control,
        EventKind::AttributionAssessed {
            id,
            correct,
            substantiated,
        },
    );
    let cause = Cause::Action {
        action: id,
        kind: ActionKind::PublicAttribution,
    };
    match to {
        Origin::State(accused) => {
            let mut delta = if correct {
                ATTRIBUTION_CORRECT
            } else {
                ATTRIBUTION_WRONG
            };
            if !substantiated {
                delta = delta.saturating_add(ATTRIBUTION_UNSUBSTANTIATED);
            }
            ctx.tension(me, accused, delta, cause);
        }
        Origin::Actor(_) if correct => {
            let cleared: Vec<StateId> = scenario
                .state_ids()
                .filter(|s| *s != me && known_pointing(ctx.state, Origin::State(*s)) > 0)
                .collect();
            for s in cleared {
                ctx.tension(me, s, ATTRIBUTION_CLEARS, cause.clone());
            }
        }
        Origin::Actor(_) => {}
    }
}

/// Concerns delivered before this round and still unanswered at its end expire.
fn expire_concerns(ctx: &mut Ctx) {
    let round = ctx.state.round;
    let expired: Vec<(MessageId, StateId, StateId)> = ctx
        .state
        .messages
        .iter()
        .filter(|m| {
            matches!(m.message.payload, Payload::Concern { .. })
                && !m.answered
                && matches!(m.delivery, Delivery::Delivered(r) if r < round)
        })
        .map(|m| (m.id, m.message.from.state, m.message.to))
        .collect();
    for (id, from, to) in expired {
        ctx.emit(
            Audience::States(StateSet::pair(from, to)),
            EventKind::ConcernExpired { id },
        );
        ctx.tension(
            from,
            to,
            CONCERN_IGNORED,
            Cause::ConcernIgnored { message: id },
        );
    }
}
