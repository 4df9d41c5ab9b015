//! Commands that passed [`super::check`] become events here, one small function per
//! command. Each event is applied as soon as it is made ([`Ctx::emit`]), so later
//! steps of the same command see its effect.

use super::command::{Action, ActionId, Command, InjectTarget, Seat};
use super::event::{Cause, Event, EventKind, InjectSource, Via};
use super::resolve;
use super::situation::{Situation, apply};
use super::triggers;
use crate::scenario::{
    Audience, BodyId, Effect, FactId, IncidentId, InjectAudience, InjectId, Scenario, StateId,
    StateSet, TurnOrder, When,
};

/// Where events are made: the scenario, the situation they change, and the list
/// they join.
pub struct Ctx<'a> {
    /// The scenario played.
    pub scenario: &'a Scenario,
    /// The true situation; changed only by applying emitted events.
    pub situation: &'a mut Situation,
    /// The record; new events are pushed at its end.
    pub out: &'a mut Vec<Event>,
}

impl Ctx<'_> {
    /// Make an event in the current round, apply it, record it; returns its number.
    pub fn emit(&mut self, audience: Audience, kind: EventKind) -> u32 {
        let round = self.situation.round();
        self.emit_in(round, audience, kind)
    }

    /// Make an event in a given round (a round's opening event belongs to the new round).
    pub fn emit_in(&mut self, round: u8, audience: Audience, kind: EventKind) -> u32 {
        let seq = self.situation.next_seq();
        let event = Event {
            seq,
            round,
            audience,
            kind,
        };
        apply(self.situation, self.scenario, &event);
        self.out.push(event);
        seq
    }

    /// The number the next event will get (and so the id of what it creates).
    pub fn next_id(&self) -> u32 {
        self.situation.next_seq()
    }

    /// Read the situation.
    pub fn now(&self) -> &Situation {
        self.situation
    }

    /// Move tension between two States, clamped to 0-100. No event if nothing changes.
    pub fn tension(&mut self, a: StateId, b: StateId, delta: i8, cause: Cause) {
        let old = self.situation.tension(self.scenario, a, b);
        let value = (old as i16 + delta as i16).clamp(0, 100) as u8;
        if value != old {
            self.emit(
                Audience::Public,
                EventKind::TensionChanged {
                    a,
                    b,
                    delta,
                    value,
                    cause,
                },
            );
        }
    }

    /// A body learns a fact (if it did not know it).
    pub fn learn(&mut self, body: BodyId, fact: FactId, via: Via) {
        if !self.situation.knows(body, fact) {
            self.emit(
                Audience::Body(body),
                EventKind::FactLearned { body, fact, via },
            );
        }
    }
}

/// Execute a command that passed [`super::check::check`] from `seat`: emit its events
/// into `ctx`. Unchecked commands may panic or make an inconsistent record.
pub fn execute(ctx: &mut Ctx, seat: Seat, cmd: Command) {
    match cmd {
        Command::Submit { actor, action } => submit(ctx, seat, actor, action),
        Command::Withdraw { action } => withdraw(ctx, action),
        Command::Ready => ready(ctx, seat),
        Command::TakeSeat { seat, name } => {
            let name = name.trim().to_owned();
            ctx.emit(Audience::Public, EventKind::SeatTaken { seat, name });
        }
        Command::FreeSeat { seat } => {
            ctx.emit(Audience::Public, EventKind::SeatFreed { seat });
            // The seat the turn was waiting for may be the one freed.
            if let Some(s) = seat.state()
                && ctx.now().rules() >= 3
            {
                pass_turn_if_done(ctx, s);
            }
        }
        Command::Start => {
            ctx.emit(Audience::Public, EventKind::ExerciseStarted);
            open_round(ctx);
        }
        Command::OpenRound => open_round(ctx),
        Command::BeginDeliberation { seconds } => {
            ctx.emit(Audience::Public, EventKind::DeliberationBegun { seconds });
            resolve::deliver_delayed(ctx);
        }
        Command::CloseDeliberation => resolve::resolve_round(ctx),
        Command::RevealInject { inject } => fire(ctx, inject, InjectSource::Facilitator),
        Command::AdHocInject {
            audience,
            title,
            text,
        } => ad_hoc(ctx, audience, title, text),
        Command::AdjustTension {
            a,
            b,
            delta,
            reason,
        } => ctx.tension(a, b, delta, Cause::Facilitator { reason }),
        Command::RevealFact { fact, to } => {
            open_incident(ctx, ctx.scenario.fact(fact).incident, None);
            ctx.learn(to, fact, Via::Facilitator);
        }
        Command::Annotate { text } => {
            ctx.emit(Audience::Control, EventKind::Annotation { text });
        }
        Command::Pause => {
            ctx.emit(Audience::Public, EventKind::Paused);
        }
        Command::Resume => {
            ctx.emit(Audience::Public, EventKind::Resumed);
        }
        Command::End => {
            ctx.emit(Audience::Public, EventKind::ExerciseEnded);
        }
    }
}

fn submit(ctx: &mut Ctx, seat: Seat, actor: BodyId, action: Action) {
    let id = ctx.next_id();
    ctx.emit(
        Audience::States(StateSet::one(actor.state)),
        EventKind::ActionSubmitted {
            id,
            seat,
            actor,
            action,
        },
    );
}

fn withdraw(ctx: &mut Ctx, action: ActionId) {
    let state = ctx
        .now()
        .staged()
        .iter()
        .find(|s| s.id == action)
        .map(|s| s.actor.state);
    if let Some(s) = state {
        ctx.emit(
            Audience::States(StateSet::one(s)),
            EventKind::ActionWithdrawn { id: action },
        );
    }
}

/// A seat is ready; in sequential order, the State's turn ends and its actions resolve.
fn ready(ctx: &mut Ctx, seat: Seat) {
    ctx.emit(Audience::Public, EventKind::SeatReady { seat });
    if let Some(s) = seat.state() {
        pass_turn_if_done(ctx, s);
    }
}

/// In `Sequential` order, end State `s`'s turn (resolve its actions, pass to the next
/// State) once it is done. Under rules 3 and later a State is done when one of its
/// seats is ready and every seat of it that someone holds (its State seat, its
/// bodies' seats) is ready: a delegation whose CERT says ready keeps its turn until
/// its foreign ministry does too. Under rules 1 and 2 the first ready of any of its
/// seats ended the turn.
fn pass_turn_if_done(ctx: &mut Ctx, s: StateId) {
    let st = ctx.now();
    if ctx.scenario.turn_order != TurnOrder::Sequential || st.turn() != Some(s) {
        return;
    }
    let ours = |x: &Seat| x.state() == Some(s);
    let any_ready = st.ready().iter().any(ours);
    let held_ready = st.rules() < 3
        || st
            .seats()
            .keys()
            .filter(|x| ours(x))
            .all(|x| st.ready().contains(x));
    if any_ready && held_ready {
        resolve::resolve_state_turn(ctx, s);
        let next = ctx.scenario.state_ids().find(|n| n.0 > s.0);
        ctx.emit(Audience::Public, EventKind::TurnPassed { to: next });
    }
}

fn ad_hoc(ctx: &mut Ctx, audience: InjectTarget, title: String, text: String) {
    let audience = match audience {
        InjectTarget::Public => Audience::Public,
        InjectTarget::States(set) => Audience::States(set),
        InjectTarget::Body(b) => Audience::Body(b),
    };
    ctx.emit(audience, EventKind::AdHocInject { title, text });
}

/// Open the next round: scheduled injects first, in file order, then every trigger
/// that holds, until no more fire (a fired inject can satisfy another's trigger).
fn open_round(ctx: &mut Ctx) {
    let round = ctx.now().round() + 1;
    ctx.emit_in(round, Audience::Public, EventKind::RoundOpened);
    let scenario = ctx.scenario;
    for (i, inj) in scenario.injects.iter().enumerate() {
        let id = InjectId(i as u16);
        if inj.when == When::Round(round) && !ctx.now().fired(id) {
            fire(ctx, id, InjectSource::Scheduled);
        }
    }
    loop {
        let due = scenario.injects.iter().enumerate().find(|(i, inj)| {
            !ctx.now().fired(InjectId(*i as u16))
                && matches!(&inj.when, When::Trigger(c) if triggers::holds(scenario, ctx.now(), c))
        });
        match due {
            Some((i, _)) => fire(ctx, InjectId(i as u16), InjectSource::Triggered),
            None => break,
        }
    }
}

/// Reveal an inject to its audience and apply its effects in order (§11). Does not
/// check whether it has fired before: callers do.
pub fn fire(ctx: &mut Ctx, inject: InjectId, source: InjectSource) {
    let scenario = ctx.scenario;
    let inj = scenario.inject(inject);
    let audiences: Vec<Audience> = match &inj.audience {
        InjectAudience::Public => vec![Audience::Public],
        InjectAudience::States(set) => vec![Audience::States(*set)],
        InjectAudience::Bodies(list) => list.iter().map(|b| Audience::Body(*b)).collect(),
        InjectAudience::Control => vec![Audience::Control],
    };
    for audience in audiences {
        ctx.emit(
            audience,
            EventKind::InjectRevealed {
                inject,
                source: source.clone(),
            },
        );
    }
    for effect in &inj.effects {
        match effect {
            Effect::OpenIncident(i) => open_incident(ctx, *i, Some(&inj.audience)),
            Effect::Tension(a, b, d) => ctx.tension(*a, *b, *d, Cause::Inject(inject)),
            Effect::RevealFact(f, bodies) => {
                open_incident(ctx, scenario.fact(*f).incident, Some(&inj.audience));
                for b in bodies {
                    ctx.learn(*b, *f, Via::Inject(inject));
                }
            }
            Effect::BreakContact(s, level) => {
                ctx.emit(
                    Audience::Control,
                    EventKind::ContactBroken {
                        state: *s,
                        level: *level,
                    },
                );
            }
        }
    }
}

/// An incident begins: the States it hits (and whoever the inject told) learn of it,
/// and the bodies that hold its first facts learn them.
fn open_incident(ctx: &mut Ctx, incident: IncidentId, told: Option<&InjectAudience>) {
    if ctx.now().incident_open(incident) {
        return;
    }
    let scenario = ctx.scenario;
    let inc = scenario.incident(incident);
    let audience = match told {
        Some(InjectAudience::Public) => Audience::Public,
        Some(InjectAudience::States(set)) => Audience::States(StateSet(set.0 | inc.affected.0)),
        Some(InjectAudience::Bodies(list)) => Audience::States(
            list.iter()
                .map(|b| b.state)
                .fold(inc.affected, StateSet::with),
        ),
        Some(InjectAudience::Control) | None => Audience::States(inc.affected),
    };
    ctx.emit(audience, EventKind::IncidentOpened { incident });
    for f in &inc.facts {
        for b in &scenario.fact(*f).known_by {
            ctx.learn(*b, *f, Via::Incident);
        }
    }
}
