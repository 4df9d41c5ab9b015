//! Resolution: staged actions take effect in a fixed order, messages travel through
//! the contact-point directory, and the consequences follow as events. One small
//! function per kind of action.
//!
//! Order within a resolution: by action kind (contact updates, national co-ordination,
//! communication checks, messages and exchanges, analysis and assistance, statements,
//! attributions, countermeasures), then by the order actions were staged.
//!
//! No public event depends on hidden truth (an incident's origin, whether a State's
//! directory data is correct, what another State knows): the public numbers of an
//! attribution or a countermeasure are the same whoever was really behind the
//! incident. Only control's `AttributionAssessed` records whether it was right.

use super::check::{Truth, check_action};
use super::command::{ActionId, MessageId};
use super::event::{Answer, Cause, EventKind, Message, Payload, Via};
use super::execute::Ctx;
use super::rng;
use super::rules::*;
use super::situation::{Delivery, Staged, check_answer};
use crate::scenario::{
    ActionKind, Audience, BodyId, IncidentId, Level, Origin, StateId, StateSet, Tone,
};

use super::command::Action;

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
    for s in take_sorted(ctx, None) {
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
        .now()
        .staged()
        .iter()
        .filter(|s| only.is_none_or(|o| s.actor.state == o))
        .cloned()
        .collect();
    staged.sort_by_key(|s| (rank(s.action.kind()), s.id));
    staged
}

/// Messages held up by stale contact data arrive as the next deliberation begins.
pub fn deliver_delayed(ctx: &mut Ctx) {
    let round = ctx.now().round();
    let due: Vec<MessageId> = ctx
        .now()
        .messages()
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

/// One staged action takes effect, or is voided if it is no longer possible.
fn resolve_action(ctx: &mut Ctx, staged: Staged) {
    let Staged {
        id,
        seat,
        actor,
        action,
    } = staged;
    // Re-check: what was possible when staged may not be now (answered meanwhile...).
    let truth = Truth {
        scenario: ctx.scenario,
        situation: ctx.now(),
    };
    if let Err(why) = check_action(ctx.scenario, &truth, seat, actor, &action) {
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
    let cause = Cause::Action { action: id, kind };
    match action {
        Action::ShareInformation {
            to,
            incident,
            facts,
        } => share(ctx, actor, to, incident, facts),
        Action::RequestAssistance { to, incident, text } => {
            let p = Payload::Request { incident, text };
            send(ctx, actor, to, Level::Technical, p)
        }
        Action::ProvideAssistance { to, incident } => send(
            ctx,
            actor,
            to,
            Level::Technical,
            Payload::Assistance { incident },
        ),
        Action::JointAnalysis { with, incident } => send(
            ctx,
            actor,
            with,
            Level::Technical,
            Payload::JointAnalysis { incident },
        ),
        Action::NationalCoordination { incident } => coordinate(ctx, actor.state, incident),
        Action::ContactMessage { to, level, text } => {
            send(ctx, actor, to, level, Payload::Note { text })
        }
        Action::RaiseConcern { to, incident, text } => send(
            ctx,
            actor,
            to,
            Level::Policy,
            Payload::Concern { incident, text },
        ),
        Action::UpdateContacts => {
            let state = actor.state;
            ctx.emit(Audience::Public, EventKind::ContactsUpdated { state });
        }
        Action::CommunicationCheck { targets } => check_contacts(ctx, actor.state, targets),
        Action::PublicStatement { tone, about, text } => {
            statement(ctx, actor.state, tone, about, text, cause)
        }
        Action::PublicAttribution { incident, to, text } => {
            attribute(ctx, id, actor.state, incident, to, text)
        }
        Action::Countermeasure {
            against,
            incident,
            text,
        } => countermeasure(ctx, actor.state, against, incident, text, cause),
        Action::Respond { message, text } => respond(ctx, actor, message, text),
        Action::Pass => {
            ctx.emit(own(actor.state), EventKind::Passed { actor });
        }
    }
}

/// Share facts (none chosen: every fact the body knows of the incident).
fn share(
    ctx: &mut Ctx,
    actor: BodyId,
    to: StateId,
    incident: IncidentId,
    facts: Vec<crate::scenario::FactId>,
) {
    let facts = if facts.is_empty() {
        ctx.scenario
            .incident(incident)
            .facts
            .iter()
            .copied()
            .filter(|f| ctx.now().knows(actor, *f))
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

/// Ping contact points: each answers as its data truly is. Both sides hear of it.
fn check_contacts(ctx: &mut Ctx, me: StateId, targets: StateSet) {
    let targets: Vec<StateId> = if targets.is_empty() {
        ctx.scenario.state_ids().filter(|s| *s != me).collect()
    } else {
        targets.iter().collect()
    };
    for target in targets {
        for level in Level::BOTH {
            let answer: Answer = check_answer(ctx.now().contact(target, level));
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

fn statement(
    ctx: &mut Ctx,
    me: StateId,
    tone: Tone,
    about: Option<StateId>,
    text: String,
    cause: Cause,
) {
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
            ctx.tension(me, other, delta, cause);
        }
    }
}

/// A countermeasure: the same public cost whoever was really behind the incident.
fn countermeasure(
    ctx: &mut Ctx,
    me: StateId,
    against: StateId,
    incident: Option<IncidentId>,
    text: String,
    cause: Cause,
) {
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
    if ctx.now().rules() < 2 {
        let wrong =
            incident.is_none_or(|i| ctx.scenario.incident(i).origin != Origin::State(against));
        if wrong {
            delta = delta.saturating_add(V1_COUNTERMEASURE_WRONG_TARGET);
        }
    } else if incident.is_none() {
        delta = delta.saturating_add(COUNTERMEASURE_UNEXPLAINED);
    }
    ctx.tension(me, against, delta, cause);
}

fn respond(ctx: &mut Ctx, actor: BodyId, message: MessageId, text: String) {
    let Some(orig) = ctx.now().message(message).map(|m| m.message.clone()) else {
        return;
    };
    let id = ctx.next_id();
    let reply = Message {
        from: actor,
        to: orig.from.state,
        level: orig.level,
        payload: Payload::Response { to: message, text },
    };
    ctx.emit(
        own(actor.state),
        EventKind::MessageSent {
            id,
            message: reply.clone(),
        },
    );
    // A reply goes back the way the message came: no directory lookup.
    deliver_to(ctx, id, reply, orig.from, false);
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
    let contact = ctx.now().contact(to, level);
    let situation = ctx.now();
    if !contact.correct {
        ctx.emit(own(from.state), EventKind::MessageLost { id, to, level });
    } else if contact.is_stale()
        && rng::chance(
            situation.draw_seed(situation.round()),
            situation.round(),
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
    let Some(record) = ctx.now().message(id) else {
        return;
    };
    let message = record.message.clone();
    let to_body = ctx.scenario.contact_body(message.to, message.level);
    deliver_to(ctx, id, message, to_body, late);
}

/// A message arrives; its payload takes effect.
fn deliver_to(ctx: &mut Ctx, id: MessageId, message: Message, to_body: BodyId, late: bool) {
    let from = message.from;
    let to = message.to;
    let level = message.level;
    let payload = message.payload.clone();
    ctx.emit(
        Audience::States(StateSet::pair(from.state, to)),
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
            let delta = match level {
                Level::Policy => POLICY_MESSAGE_DELIVERED,
                Level::Technical => TECHNICAL_MESSAGE_DELIVERED,
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
            pool(ctx, incident, from, to_body, false);
            ctx.tension(from.state, to, ASSISTANCE_DELIVERED, cause);
        }
        Payload::JointAnalysis { incident } => {
            pool(ctx, incident, from, to_body, true);
            ctx.tension(from.state, to, JOINT_ANALYSIS_DELIVERED, cause);
        }
        Payload::Response { to: original, .. } => {
            let was_concern = ctx
                .now()
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

/// Assistance and joint analysis: the helper's facts reach the other side (and, for a
/// joint analysis, the other side's reach the helper); hidden evidence comes to light
/// for both.
fn pool(ctx: &mut Ctx, incident: IncidentId, from: BodyId, to_body: BodyId, both_ways: bool) {
    let scenario = ctx.scenario;
    for f in &scenario.incident(incident).facts {
        if ctx.now().knows(from, *f) {
            let via = if both_ways {
                Via::JointAnalysis { with: from.state }
            } else {
                Via::Assistance { from: from.state }
            };
            ctx.learn(to_body, *f, via);
        } else if both_ways && ctx.now().knows(to_body, *f) {
            ctx.learn(
                from,
                *f,
                Via::JointAnalysis {
                    with: to_body.state,
                },
            );
        }
    }
    for f in &scenario.incident(incident).facts {
        if scenario.fact(*f).hidden {
            for b in [from, to_body] {
                ctx.learn(b, *f, Via::Discovered);
            }
        }
    }
}

/// National co-ordination: what one body of the State knows, all its bodies learn.
fn coordinate(ctx: &mut Ctx, me: StateId, incident: Option<IncidentId>) {
    ctx.emit(
        own(me),
        EventKind::Coordinated {
            state: me,
            incident,
        },
    );
    let scenario = ctx.scenario;
    let incidents: Vec<IncidentId> = match incident {
        Some(i) => vec![i],
        None => (0..scenario.incidents.len() as u16)
            .map(IncidentId)
            .filter(|i| ctx.now().incident_open(*i))
            .collect(),
    };
    for i in incidents {
        for f in &scenario.incident(i).facts {
            if ctx.now().state_knows(scenario, me, *f) {
                for b in scenario.body_ids(me) {
                    ctx.learn(b, *f, Via::Coordination);
                }
            }
        }
    }
}

/// A public attribution. Its public cost does not depend on who was really behind
/// the incident (that would let the room read the hidden origin off the board);
/// control learns whether it was right and substantiated.
fn attribute(
    ctx: &mut Ctx,
    id: ActionId,
    me: StateId,
    incident: IncidentId,
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
    let substantiated = scenario.incident(incident).facts.iter().any(|f| {
        scenario.fact(*f).points_to == Some(to) && ctx.now().state_knows(scenario, me, *f)
    });
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
    if ctx.now().rules() < 2 {
        return attribute_v1(ctx, me, incident, to, correct, substantiated, cause);
    }
    if let Origin::State(accused) = to {
        ctx.tension(me, accused, ATTRIBUTION, cause);
    }
}

/// The first rules' attribution: its public cost depended on the hidden origin.
fn attribute_v1(
    ctx: &mut Ctx,
    me: StateId,
    incident: IncidentId,
    to: Origin,
    correct: bool,
    substantiated: bool,
    cause: Cause,
) {
    let scenario = ctx.scenario;
    match to {
        Origin::State(accused) => {
            let mut delta = if correct {
                V1_ATTRIBUTION_CORRECT
            } else {
                V1_ATTRIBUTION_WRONG
            };
            if !substantiated {
                delta = delta.saturating_add(V1_ATTRIBUTION_UNSUBSTANTIATED);
            }
            ctx.tension(me, accused, delta, cause);
        }
        Origin::Actor(_) if correct => {
            let implicated = |st: &super::situation::Situation, s: StateId| {
                scenario.incident(incident).facts.iter().any(|f| {
                    scenario.fact(*f).points_to == Some(Origin::State(s))
                        && st.state_knows(scenario, me, *f)
                })
            };
            let cleared: Vec<StateId> = scenario
                .state_ids()
                .filter(|s| *s != me && implicated(ctx.now(), *s))
                .collect();
            for s in cleared {
                ctx.tension(me, s, V1_ATTRIBUTION_CLEARS, cause.clone());
            }
        }
        Origin::Actor(_) => {}
    }
}

/// Concerns delivered before this round and still unanswered at its end expire.
fn expire_concerns(ctx: &mut Ctx) {
    let round = ctx.now().round();
    let expired: Vec<(MessageId, StateId, StateId)> = ctx
        .now()
        .messages()
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
