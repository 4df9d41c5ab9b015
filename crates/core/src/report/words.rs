//! The exercise in words for readers of the report: who did what, to whom, through
//! which directory entry, and why it turned out as it did. Event numbers stay inside;
//! readers get names, rounds and reasons.

use std::collections::BTreeMap;

use crate::engine::{Action, ActionId, Cause, Event, EventKind, Message, MessageId, Payload};
use crate::narrate::{Narrator, Quoted};
use crate::scenario::{BodyId, Level, Origin, Scenario, StateId, level_index};

use super::anonymise::Redactor;

/// What happened to one message, gathered from the events after it was sent.
#[derive(Clone, Debug, Default)]
pub struct Fate {
    /// The round it was sent in.
    pub sent_round: u8,
    /// Once it arrived: the round, the body it reached, and whether it was late (held
    /// up by a stale entry).
    pub delivered: Option<(u8, BodyId, bool)>,
    /// It was held up by a stale entry (control's knowledge).
    pub delayed: bool,
    /// The round it bounced off a wrong entry, if it did.
    pub lost_round: Option<u8>,
    /// Replies to it: the reply's message id.
    pub replies: Vec<MessageId>,
    /// For a concern: the round it expired unanswered, if it did.
    pub expired_round: Option<u8>,
}

/// The record indexed for telling: staged actions, messages and what became of them,
/// with a narrator and the report's redactor. Built once per report.
pub struct Words<'a> {
    /// The narrator (control's reading of the whole record).
    pub n: Narrator<'a>,
    s: &'a Scenario,
    r: Redactor,
    events: &'a [Event],
    /// Staged actions by id: the acting body and the action.
    pub staged: BTreeMap<ActionId, (BodyId, &'a Action)>,
    /// Messages by id: round sent and the message.
    pub messages: BTreeMap<MessageId, (u8, &'a Message)>,
    /// What became of each message, by id.
    pub fates: BTreeMap<MessageId, Fate>,
}

impl<'a> Words<'a> {
    /// Index `events` (the whole record) for telling, with the narrator `n` and the
    /// redactor `r` for free text.
    pub fn new(s: &'a Scenario, n: Narrator<'a>, r: Redactor, events: &'a [Event]) -> Self {
        let mut staged = BTreeMap::new();
        let mut messages = BTreeMap::new();
        let mut fates: BTreeMap<MessageId, Fate> = BTreeMap::new();
        for e in events {
            match &e.kind {
                EventKind::ActionSubmitted {
                    id, actor, action, ..
                } => {
                    staged.insert(*id, (*actor, action));
                }
                EventKind::MessageSent { id, message } => {
                    messages.insert(*id, (e.round, message));
                    fates.entry(*id).or_default().sent_round = e.round;
                    if let Payload::Response { to, .. } = &message.payload {
                        fates.entry(*to).or_default().replies.push(*id);
                    }
                }
                EventKind::MessageDelivered {
                    id, to_body, late, ..
                } => fates.entry(*id).or_default().delivered = Some((e.round, *to_body, *late)),
                EventKind::MessageDelayed { id } => fates.entry(*id).or_default().delayed = true,
                EventKind::MessageLost { id, .. } => {
                    fates.entry(*id).or_default().lost_round = Some(e.round)
                }
                EventKind::ConcernExpired { id } => {
                    fates.entry(*id).or_default().expired_round = Some(e.round)
                }
                _ => {}
            }
        }
        Words {
            n,
            s,
            r,
            events,
            staged,
            messages,
            fates,
        }
    }

    /// Free text typed by a player or the facilitator, anonymised if asked.
    pub fn free(&self, text: &str) -> String {
        self.r.clean(text)
    }

    /// A State's name.
    pub fn state(&self, s: StateId) -> &str {
        self.n.state(s)
    }

    /// "LK-CERT (Lakeland)".
    pub fn body(&self, b: BodyId) -> String {
        format!("{} ({})", self.n.body(b), self.state(b.state))
    }

    /// "Hillmark's technical-level entry (HM-CERT incident mailbox, at HM-CERT)".
    pub fn entry(&self, state: StateId, level: Level) -> String {
        let c = &self.s.state(state).contacts[level_index(level)];
        let holder = self.n.body(BodyId {
            state,
            body: c.body,
        });
        let name = c.name.get(self.n.lang);
        if name.trim().is_empty() {
            format!(
                "{}'s {level}-level directory entry (at {holder})",
                self.state(state)
            )
        } else {
            format!(
                "{}'s {level}-level directory entry ({name}, at {holder})",
                self.state(state)
            )
        }
    }

    /// The kind of a message in words: "policy message", "concern about "Blackout"".
    pub fn kind(&self, m: &Message) -> String {
        match &m.payload {
            Payload::Note { .. } => format!("{} message", m.level),
            Payload::Concern { incident, .. } => match incident {
                Some(i) => format!("concern about {}", Quoted(self.n.incident(*i))),
                None => "concern".into(),
            },
            Payload::Request { incident, .. } => {
                format!(
                    "request for assistance with {}",
                    Quoted(self.n.incident(*incident))
                )
            }
            Payload::Share { incident, facts } => format!(
                "information on {} ({} fact{})",
                Quoted(self.n.incident(*incident)),
                facts.len(),
                if facts.len() == 1 { "" } else { "s" }
            ),
            Payload::Assistance { incident } => {
                format!("assistance with {}", Quoted(self.n.incident(*incident)))
            }
            Payload::JointAnalysis { incident } => {
                format!("joint analysis of {}", Quoted(self.n.incident(*incident)))
            }
            Payload::Response { to, .. } => match self.messages.get(to) {
                Some((round, orig)) => format!(
                    "reply to {}'s {} of round {round}",
                    self.state(orig.from.state),
                    self.kind(orig)
                ),
                None => "reply".into(),
            },
        }
    }

    /// What the message said: its text, or the facts it carried.
    pub fn text(&self, m: &Message) -> String {
        match &m.payload {
            Payload::Note { text }
            | Payload::Concern { text, .. }
            | Payload::Request { text, .. }
            | Payload::Response { text, .. } => self.free(text),
            Payload::Share { facts, .. } => facts
                .iter()
                .map(|f| Quoted(self.n.fact(*f)).to_string())
                .collect::<Vec<_>>()
                .join("; "),
            Payload::Assistance { .. } | Payload::JointAnalysis { .. } => String::new(),
        }
    }

    /// Why a State's entry was wrong when a message was lost in `round`.
    fn why_wrong(&self, state: StateId, level: Level, round: u8) -> String {
        // The last break of that entry before the loss, unless the State updated since.
        let mut broken: Option<u8> = None;
        for e in self.events.iter().take_while(|e| e.round <= round) {
            match &e.kind {
                EventKind::ContactBroken { state: s, level: l } if *s == state && *l == level => {
                    broken = Some(e.round)
                }
                EventKind::ContactsUpdated { state: s } if *s == state => broken = None,
                _ => {}
            }
        }
        let cause = broken.and_then(|r| {
            self.events
                .iter()
                .filter(|e| e.round == r)
                .find_map(|e| match &e.kind {
                    EventKind::InjectRevealed { inject, .. }
                        if self.s.inject(*inject).effects.iter().any(|x| {
                            matches!(x, crate::scenario::Effect::BreakContact(s, l) if *s == state && *l == level)
                        }) =>
                    {
                        Some(format!(
                            "since round {r} ({})",
                            Quoted(self.s.inject(*inject).title.get(self.n.lang))))
                    }
                    _ => None,
                })
                .or(Some(format!("since round {r}")))
        });
        cause.unwrap_or_else(|| "from the start: the data in the directory was out of date".into())
    }

    fn months(&self, state: StateId, level: Level) -> u16 {
        self.s.state(state).contacts[level_index(level)].verified_months_ago
    }

    /// What became of a message, in words.
    pub fn fate(&self, id: MessageId) -> String {
        let Some((_, m)) = self.messages.get(&id) else {
            return String::new();
        };
        let f = self.fates.get(&id).cloned().unwrap_or_default();
        let is_reply = matches!(m.payload, Payload::Response { .. });
        let mut out = match (f.delivered, f.lost_round) {
            (_, Some(round)) => format!(
                "lost in round {round}: {} was wrong ({}); nobody received it",
                self.entry(m.to, m.level),
                self.why_wrong(m.to, m.level, round)
            ),
            (Some((round, to, false)), _) if is_reply => {
                format!("delivered to {} in round {round}", self.body(to))
            }
            (Some((round, to, false)), _) => {
                format!("delivered on time to {} in round {round}", self.body(to))
            }
            (Some((round, to, true)), _) => format!(
                "delivered late, in round {round}, to {}: {} was stale (last verified {} months before the exercise), so it was held up a round",
                self.body(to),
                self.entry(m.to, m.level),
                self.months(m.to, m.level)
            ),
            (None, None) if f.delayed => format!(
                "never arrived: {} was stale (last verified {} months before the exercise), so it was held up, and the exercise ended first",
                self.entry(m.to, m.level),
                self.months(m.to, m.level)
            ),
            (None, None) => "not delivered before the record ends".into(),
        };
        for reply in &f.replies {
            if let Some((round, r)) = self.messages.get(reply) {
                out.push_str(&format!(
                    "; answered by {} in round {round}",
                    self.body(r.from)
                ));
            }
        }
        if let Some(round) = f.expired_round {
            out.push_str(&format!(
                "; the concern expired unanswered at the end of round {round}"
            ));
        } else if f.replies.is_empty()
            && f.delivered.is_some()
            && matches!(m.payload, Payload::Concern { .. })
        {
            out.push_str("; not answered");
        }
        out
    }

    /// A staged action in words. Replies name the message they answer.
    pub fn action(&self, a: &Action) -> String {
        match a {
            Action::Respond { message, .. } => match self.messages.get(message) {
                Some((round, m)) => format!(
                    "Reply to {}'s {} of round {round}",
                    self.state(m.from.state),
                    self.kind(m)
                ),
                None => "Reply".into(),
            },
            _ => self.n.action(a),
        }
    }

    fn origin(&self, o: Origin) -> &str {
        self.n.origin(o)
    }

    fn quoted(&self, text: &str) -> String {
        let t = self.free(text);
        if t.trim().is_empty() {
            String::new()
        } else {
            format!(": {}", Quoted(t.trim()))
        }
    }

    fn cause(&self, c: &Cause) -> String {
        match c {
            Cause::Inject(i) => format!(
                "inject {}",
                Quoted(self.s.inject(*i).title.get(self.n.lang))
            ),
            Cause::Action { action, kind } => match self.staged.get(action) {
                Some((actor, a)) => format!("{}: {}", self.body(*actor), self.action(a)),
                None => kind.label().to_owned(),
            },
            Cause::Delivered { message } => match self.messages.get(message) {
                Some((_, m)) => format!(
                    "{} from {} reached {}",
                    self.kind(m),
                    self.state(m.from.state),
                    self.state(m.to)
                ),
                None => "a message was delivered".into(),
            },
            Cause::ConcernIgnored { message } => match self.messages.get(message) {
                Some((round, m)) => format!(
                    "{}'s concern of round {round} went unanswered by {}",
                    self.state(m.from.state),
                    self.state(m.to)
                ),
                None => "a concern went unanswered".into(),
            },
            Cause::Facilitator { reason } => format!("exercise control: {}", self.free(reason)),
        }
    }

    /// A message's one-line summary: "policy message from X to Y".
    fn message_line(&self, id: MessageId) -> String {
        match self.messages.get(&id) {
            Some((_, m)) => format!(
                "{} from {} to {}",
                self.kind(m),
                self.body(m.from),
                self.state(m.to)
            ),
            None => "a message".into(),
        }
    }

    /// An event in words, for the timeline and the evidence of objectives; None for
    /// bookkeeping nobody needs to read.
    pub fn event(&self, e: &Event) -> Option<String> {
        Some(match &e.kind {
            EventKind::MessageSent { message, .. } => {
                let text = self.text(message);
                format!(
                    "{} sent {} to {}{}",
                    self.body(message.from),
                    self.kind(message),
                    self.state(message.to),
                    if text.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", Quoted(text))
                    }
                )
            }
            EventKind::MessageDelivered {
                id, to_body, late, ..
            } => format!(
                "The {} reached {}{}",
                self.message_line(*id),
                self.body(*to_body),
                if *late {
                    " a round late (the recipient's directory entry was stale)"
                } else {
                    ""
                }
            ),
            EventKind::MessageDelayed { id } => match self.messages.get(id) {
                Some((_, m)) => format!(
                    "The {} was held up: {} is stale (last verified {} months before the exercise)",
                    self.message_line(*id),
                    self.entry(m.to, m.level),
                    self.months(m.to, m.level)
                ),
                None => return None,
            },
            EventKind::MessageLost { id, to, level } => format!(
                "The {} was lost: {} is wrong ({})",
                self.message_line(*id),
                self.entry(*to, *level),
                self.why_wrong(*to, *level, e.round)
            ),
            EventKind::ConcernExpired { id } => match self.messages.get(id) {
                Some((round, m)) => format!(
                    "{}'s concern of round {round} to {} expired unanswered",
                    self.state(m.from.state),
                    self.state(m.to)
                ),
                None => return None,
            },
            EventKind::TensionChanged {
                a,
                b,
                delta,
                value,
                cause,
            } => format!(
                "Tension {} – {} {delta:+}, now {value} ({}): {}",
                self.state(*a),
                self.state(*b),
                self.s.ladder[self.s.ladder_step(*value)]
                    .name
                    .get(self.n.lang),
                self.cause(cause)
            ),
            EventKind::ActionResolved { id, actor, kind } => match self.staged.get(id) {
                Some((_, a)) => format!("{}: {}", self.body(*actor), self.action(a)),
                None => format!("{}: {}", self.body(*actor), kind.label()),
            },
            EventKind::ActionVoid { id, reason } => match self.staged.get(id) {
                Some((actor, a)) => format!(
                    "{}'s action ({}) could not take effect: {}",
                    self.body(*actor),
                    self.action(a),
                    reason
                ),
                None => format!("An action could not take effect: {reason}"),
            },
            EventKind::ActionWithdrawn { id } => match self.staged.get(id) {
                Some((actor, a)) => {
                    format!("{} withdrew: {}", self.body(*actor), self.action(a))
                }
                None => return None,
            },
            EventKind::Statement {
                by,
                tone,
                about,
                text,
            } => format!(
                "{} made a {} public statement{}{}",
                self.state(*by),
                tone.label(),
                about
                    .map(|s| format!(" about {}", self.state(s)))
                    .unwrap_or_default(),
                self.quoted(text)
            ),
            EventKind::Attribution {
                by,
                incident,
                to,
                text,
                ..
            } => format!(
                "{} publicly attributed {} to {}{}",
                self.state(*by),
                Quoted(self.n.incident(*incident)),
                self.origin(*to),
                self.quoted(text)
            ),
            EventKind::AttributionAssessed {
                id,
                correct,
                substantiated,
            } => {
                let what = match self.staged.get(id) {
                    Some((actor, Action::PublicAttribution { incident, to, .. })) => format!(
                        "{}'s attribution of {} to {}",
                        self.state(actor.state),
                        Quoted(self.n.incident(*incident)),
                        self.origin(*to)
                    ),
                    _ => "The attribution".into(),
                };
                format!(
                    "(for exercise control) {what} was {} and {}",
                    if *correct { "right" } else { "wrong" },
                    if *substantiated {
                        "backed by evidence the State held"
                    } else {
                        "not backed by any evidence the State held"
                    }
                )
            }
            EventKind::Countermeasure {
                by,
                against,
                incident,
                text,
            } => format!(
                "{} took countermeasures against {}{}{}",
                self.state(*by),
                self.state(*against),
                incident
                    .map(|i| format!(" over {}", Quoted(self.n.incident(i))))
                    .unwrap_or_else(|| " without naming an incident".into()),
                self.quoted(text)
            ),
            EventKind::CheckResult {
                by,
                target,
                level,
                answer,
            } => format!(
                "{}'s communication check of {}: {}",
                self.state(*by),
                self.entry(*target, *level),
                answer.label()
            ),
            EventKind::ContactsUpdated { state } => format!(
                "{} updated and verified both its directory entries",
                self.state(*state)
            ),
            EventKind::ContactBroken { state, level } => format!(
                "(for exercise control) {} became wrong",
                self.entry(*state, *level)
            ),
            EventKind::AdHocInject { title, text } => {
                format!("{} — {}", self.free(title), self.free(text))
            }
            EventKind::Annotation { text } => format!("Note: {}", self.free(text)),
            EventKind::SeatTaken { .. } | EventKind::SeatFreed { .. } => return None,
            _ => {
                let line = self.n.line(e)?;
                match line.body {
                    Some(body) if matches!(line.kind, crate::narrate::Kind::Inject) => {
                        format!("{} — {}", line.title, body)
                    }
                    _ => line.title,
                }
            }
        })
    }
}
