//! The sections of the after-action report, one method each, over the inputs they
//! share: the scenario, the journal's events, control's view of them, and the words
//! the report tells them in.

use std::collections::BTreeMap;
use std::path::Path;

use crate::engine::{Cause, Event, EventKind, Payload, Seat, SeatView, Status, evaluate_all};
use crate::narrate::{Kind, Narrator, Quoted};
use crate::scenario::{ActionKind, Lang, Level, Measure, Scenario, StateId};

use super::anonymise::Redactor;
use super::words::Words;
use super::{Block, Doc, Options, chart};

/// The report's inputs, and the blocks written so far.
pub struct Sections<'a> {
    s: &'a Scenario,
    seed: u64,
    events: &'a [Event],
    opts: &'a Options,
    lang: Lang,
    view: SeatView,
    words: Words<'a>,
    last_round: u8,
    blocks: Vec<Block>,
}

fn measure_of(kind: ActionKind) -> &'static str {
    match kind.measure() {
        Some(Measure::M2) => "Measure 2",
        Some(Measure::M8) => "Measure 8",
        None => "Other",
    }
}

fn or_dash(s: &str) -> String {
    if s.trim().is_empty() {
        "—".into()
    } else {
        s.to_owned()
    }
}

/// The names of everyone who took a seat, when anonymising (none otherwise).
fn participant_names(events: &[Event], on: bool) -> Vec<String> {
    if !on {
        return Vec::new();
    }
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::SeatTaken { name, .. } => Some(name.trim().to_owned()),
            _ => None,
        })
        .filter(|n| !n.is_empty())
        .collect()
}

impl<'a> Sections<'a> {
    /// The inputs of a report of `events` (a journal's whole record) played with
    /// `seed`. The language is `opts.lang` if the scenario offers it, else its first.
    pub fn new(s: &'a Scenario, seed: u64, events: &'a [Event], opts: &'a Options) -> Self {
        let lang = opts
            .lang
            .filter(|l| s.languages.contains(l))
            .unwrap_or_else(|| s.languages.first().copied().unwrap_or(Lang::En));
        let redactor = Redactor::new(participant_names(events, opts.anonymise));
        let view = SeatView::build(s, std::sync::Arc::new(s.clone()), Seat::Control, events);
        Sections {
            s,
            seed,
            events,
            opts,
            lang,
            view,
            words: Words::new(
                s,
                Narrator::new(
                    crate::narrate::Record {
                        scenario: s,
                        events,
                    },
                    lang,
                ),
                redactor,
                events,
            ),
            last_round: events.iter().map(|e| e.round).max().unwrap_or(0),
            blocks: Vec::new(),
        }
    }

    /// Every section, in order.
    pub fn doc(mut self) -> Doc {
        self.exercise();
        self.participants();
        self.objectives();
        self.tension();
        self.by_state();
        self.contact_points();
        self.messages();
        self.timeline();
        self.notes();
        self.questions();
        let title = format!("After-action report — {}", self.s.title.get(self.lang));
        Doc {
            title,
            blocks: self.blocks,
        }
    }

    fn push(&mut self, b: Block) {
        self.blocks.push(b);
    }

    fn h2(&mut self, t: impl Into<String>) {
        self.push(Block::Heading(2, t.into()));
    }

    fn n(&self) -> &Narrator<'a> {
        &self.words.n
    }

    fn exercise(&mut self) {
        let (s, lang) = (self.s, self.lang);
        self.h2("Exercise");
        self.push(Block::Para(s.summary.get(lang).to_owned()));
        let ended = self
            .events
            .iter()
            .any(|e| matches!(e.kind, EventKind::ExerciseEnded));
        let mut facts = vec![
            vec![
                "Scenario".into(),
                format!(
                    "{} ({}, version {})",
                    s.title.get(lang),
                    s.id,
                    or_dash(&s.version)
                ),
            ],
            vec!["Author".into(), or_dash(&s.author)],
            vec![
                "Rounds played".into(),
                format!(
                    "{} of {}{}",
                    self.last_round,
                    s.round_count(),
                    if ended { "" } else { " (not ended)" }
                ),
            ],
            vec!["Seed".into(), self.seed.to_string()],
            vec!["Events recorded".into(), self.events.len().to_string()],
        ];
        if let Some(j) = &self.opts.journal {
            let shown = if self.opts.anonymise {
                Path::new(j)
                    .file_name()
                    .map(|f| self.words.free(&f.to_string_lossy()))
                    .unwrap_or_default()
            } else {
                j.clone()
            };
            facts.push(vec!["Journal".into(), shown]);
        }
        self.push(Block::Table {
            head: vec!["".into(), "".into()],
            rows: facts,
        });
    }

    fn participants(&mut self) {
        self.h2("Participants");
        if self.opts.anonymise {
            self.push(Block::Note(
                "Chatham House rule: participants are shown by seat only.".into(),
            ));
        }
        let rows: Vec<Vec<String>> = if self.view.seats.is_empty() {
            self.s
                .state_ids()
                .map(|s| vec![self.n().state(s).to_owned(), "(hot seat, unnamed)".into()])
                .collect()
        } else {
            self.view
                .seats
                .iter()
                .map(|(seat, name)| {
                    vec![
                        self.n().seat(*seat),
                        if self.opts.anonymise {
                            "participant".into()
                        } else {
                            name.clone()
                        },
                    ]
                })
                .collect()
        };
        self.push(Block::Table {
            head: vec!["Seat".into(), "Participant".into()],
            rows,
        });
    }

    fn objectives(&mut self) {
        let outcomes = evaluate_all(self.s, self.events);
        let met = outcomes.iter().filter(|o| o.status == Status::Met).count();
        self.h2(format!("Objectives — {met} of {} met", outcomes.len()));
        let rows = self
            .s
            .objectives
            .iter()
            .zip(&outcomes)
            .map(|(o, out)| {
                let evidence: Vec<String> = out
                    .evidence
                    .iter()
                    .filter_map(|seq| self.events.get(*seq as usize))
                    .filter_map(|e| Some(format!("Round {}: {}", e.round, self.words.event(e)?)))
                    .take(3)
                    .collect();
                vec![
                    o.title.get(self.lang).to_owned(),
                    out.expected.clone(),
                    self.words.free(&out.observed),
                    match out.status {
                        Status::Met => "met".into(),
                        Status::NotMet => "not met".into(),
                        Status::Pending => "not decided".into(),
                    },
                    if evidence.is_empty() {
                        "—".into()
                    } else {
                        evidence.join("; ")
                    },
                ]
            })
            .collect();
        self.push(Block::Table {
            head: ["Objective", "Expected", "Observed", "Result", "Evidence"]
                .map(String::from)
                .to_vec(),
            rows,
        });
    }

    fn tension(&mut self) {
        let (s, lang) = (self.s, self.lang);
        self.h2("Tension between States");
        let mut history = self.view.tension_history.clone();
        if history.last() != Some(&self.view.tension) {
            history.push(self.view.tension.clone());
        }
        self.push(Block::Chart {
            title: "Tension over the rounds".into(),
            svg: chart::tension_svg(s, lang, &history),
        });
        let mut head = vec!["Pair".to_owned()];
        head.extend((0..history.len()).map(|i| {
            if i == 0 {
                "Start".to_owned()
            } else {
                format!("R{i}")
            }
        }));
        head.push("Peak".into());
        let rows = s
            .pairs()
            .map(|(a, b)| {
                let i = s.pair_index(a, b);
                let mut row = vec![format!("{} – {}", self.n().state(a), self.n().state(b))];
                row.extend(history.iter().map(|h| h[i].to_string()));
                let peak = history.iter().map(|h| h[i]).max().unwrap_or(0);
                row.push(format!(
                    "{peak} ({})",
                    s.ladder[s.ladder_step(peak)].name.get(lang)
                ));
                row
            })
            .collect();
        self.push(Block::Table { head, rows });
    }

    fn by_state(&mut self) {
        self.h2("What each State did, by measure");
        let mut counts: BTreeMap<StateId, [usize; 3]> = BTreeMap::new();
        let mut done: BTreeMap<StateId, Vec<String>> = BTreeMap::new();
        for e in self.events {
            if let EventKind::ActionResolved { id, actor, kind } = &e.kind {
                if *kind == ActionKind::Pass {
                    continue;
                }
                let slot = match kind.measure() {
                    Some(Measure::M2) => 0,
                    Some(Measure::M8) => 1,
                    None => 2,
                };
                counts.entry(actor.state).or_default()[slot] += 1;
                let what = self.action_text(*id, *kind);
                done.entry(actor.state).or_default().push(format!(
                    "Round {} — {} — {}: {}",
                    e.round,
                    measure_of(*kind),
                    self.n().body(*actor),
                    what
                ));
            }
        }
        let rows = self
            .s
            .state_ids()
            .map(|s| {
                let c = counts.get(&s).copied().unwrap_or_default();
                vec![
                    self.n().state(s).to_owned(),
                    c[0].to_string(),
                    c[1].to_string(),
                    c[2].to_string(),
                    c.iter().sum::<usize>().to_string(),
                ]
            })
            .collect();
        self.push(Block::Table {
            head: ["State", "Measure 2", "Measure 8", "Other", "Total"]
                .map(String::from)
                .to_vec(),
            rows,
        });
        for s in self.s.state_ids() {
            self.push(Block::Heading(3, self.n().state(s).to_owned()));
            match done.remove(&s) {
                Some(list) => self.push(Block::List(list)),
                None => self.push(Block::Note("No actions.".into())),
            }
        }
    }

    /// A resolved action in words, with the free text its player typed.
    fn action_text(&self, id: u32, kind: ActionKind) -> String {
        match self.words.staged.get(&id) {
            Some((_, a)) => {
                let what = self.words.action(a);
                match a.text().map(str::trim).filter(|t| !t.is_empty()) {
                    Some(t) => format!("{what}: {}", Quoted(self.words.free(t))),
                    None => what,
                }
            }
            None => kind.label().to_owned(),
        }
    }

    fn contact_points(&mut self) {
        self.h2("Contact-point performance (measure 8)");
        self.push(Block::Note(
            "Every exchange between States travels through the recipient's directory entry: wrong data loses it, data unverified for over a year may hold it up by a round.".into(),
        ));
        #[derive(Default, Clone, Copy)]
        struct Perf {
            sent: [usize; 2],
            on_time: usize,
            late: usize,
            lost: usize,
        }
        let mut perf: BTreeMap<StateId, Perf> = BTreeMap::new();
        let level_slot = |l: Level| if l == Level::Policy { 0 } else { 1 };
        for e in self.events {
            match &e.kind {
                EventKind::MessageSent { message, .. }
                    if !matches!(message.payload, Payload::Response { .. }) =>
                {
                    perf.entry(message.from.state).or_default().sent[level_slot(message.level)] +=
                        1;
                }
                EventKind::MessageDelivered { message, late, .. }
                    if !matches!(message.payload, Payload::Response { .. }) =>
                {
                    let p = perf.entry(message.from.state).or_default();
                    if *late {
                        p.late += 1;
                    } else {
                        p.on_time += 1;
                    }
                }
                EventKind::MessageLost { id, .. } => {
                    if let Some((_, m)) = self.words.messages.get(id) {
                        perf.entry(m.from.state).or_default().lost += 1;
                    }
                }
                _ => {}
            }
        }
        let rows = self
            .s
            .state_ids()
            .map(|s| {
                let p = perf.get(&s).copied().unwrap_or_default();
                vec![
                    self.n().state(s).to_owned(),
                    p.sent[0].to_string(),
                    p.sent[1].to_string(),
                    p.on_time.to_string(),
                    p.late.to_string(),
                    p.lost.to_string(),
                ]
            })
            .collect();
        self.push(Block::Table {
            head: [
                "Sender",
                "Policy-level sent",
                "Technical-level sent",
                "Delivered on time",
                "Delivered late (stale data)",
                "Lost (wrong data)",
            ]
            .map(String::from)
            .to_vec(),
            rows,
        });
        let checks: Vec<Vec<String>> = self
            .events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::CheckResult {
                    by,
                    target,
                    level,
                    answer,
                } => Some(vec![
                    e.round.to_string(),
                    self.n().state(*by).to_owned(),
                    self.words.entry(*target, *level),
                    answer.label().to_owned(),
                ]),
                _ => None,
            })
            .collect();
        self.push(Block::Heading(3, "Communication checks".into()));
        if checks.is_empty() {
            self.push(Block::Note("No communication check was run.".into()));
        } else {
            self.push(Block::Table {
                head: ["Round", "By", "Entry checked", "Result"]
                    .map(String::from)
                    .to_vec(),
                rows: checks,
            });
        }
        let updates: Vec<String> = self
            .events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::ContactsUpdated { .. } | EventKind::ContactBroken { .. } => {
                    Some(format!("Round {}: {}", e.round, self.words.event(e)?))
                }
                _ => None,
            })
            .collect();
        if !updates.is_empty() {
            self.push(Block::Heading(3, "Directory changes".into()));
            self.push(Block::List(updates));
        }
    }

    /// Every message between States: who wrote what to whom, and what became of it.
    fn messages(&mut self) {
        self.h2("Messages between States");
        let rows: Vec<Vec<String>> = self
            .words
            .messages
            .iter()
            .map(|(id, (round, m))| {
                let text = self.words.text(m);
                vec![
                    round.to_string(),
                    self.words.body(m.from),
                    self.n().state(m.to).to_owned(),
                    if matches!(m.payload, Payload::Response { .. }) {
                        "direct reply".to_owned()
                    } else {
                        m.level.label().to_owned()
                    },
                    self.words.kind(m),
                    if text.trim().is_empty() {
                        "—".into()
                    } else {
                        text
                    },
                    self.words.fate(*id),
                ]
            })
            .collect();
        if rows.is_empty() {
            self.push(Block::Note("No message was sent between States.".into()));
        } else {
            self.push(Block::Table {
                head: [
                    "Round",
                    "From",
                    "To",
                    "Level",
                    "Kind",
                    "Text",
                    "What became of it",
                ]
                .map(String::from)
                .to_vec(),
                rows,
            });
        }
    }

    fn timeline(&mut self) {
        self.h2("Timeline");
        for round in 1..=self.last_round {
            let title = self
                .s
                .rounds
                .get(round as usize - 1)
                .map(|x| x.title.get(self.lang).to_owned())
                .unwrap_or_else(|| format!("Round {round}"));
            self.push(Block::Heading(3, title));
            let mut injects = Vec::new();
            let mut actions = Vec::new();
            let mut outcomes = Vec::new();
            for e in self.events.iter().filter(|e| e.round == round) {
                match &e.kind {
                    EventKind::ActionResolved { kind, actor, id } => {
                        if *kind == ActionKind::Pass {
                            continue;
                        }
                        actions.push(format!(
                            "{} — {} [{}]",
                            self.words.body(*actor),
                            self.action_text(*id, *kind),
                            measure_of(*kind)
                        ));
                    }
                    EventKind::InjectRevealed { .. }
                    | EventKind::AdHocInject { .. }
                    | EventKind::IncidentOpened { .. } => {
                        if let Some(line) = self.n().line(e)
                            && line.kind == Kind::Inject
                        {
                            injects.push(match (&e.kind, line.body) {
                                (EventKind::AdHocInject { .. }, _) => {
                                    self.words.event(e).unwrap_or_default()
                                }
                                (_, Some(body)) => format!("{} — {body}", line.title),
                                (_, None) => line.title,
                            });
                        }
                    }
                    EventKind::MessageDelivered { .. }
                    | EventKind::MessageLost { .. }
                    | EventKind::MessageDelayed { .. }
                    | EventKind::TensionChanged { .. }
                    | EventKind::ConcernExpired { .. }
                    | EventKind::AttributionAssessed { .. }
                    | EventKind::Statement { .. }
                    | EventKind::Attribution { .. }
                    | EventKind::Countermeasure { .. }
                    | EventKind::ContactsUpdated { .. }
                    | EventKind::ActionVoid { .. } => {
                        if let Some(t) = self.words.event(e) {
                            outcomes.push(t);
                        }
                    }
                    _ => {}
                }
            }
            let learned = self
                .events
                .iter()
                .filter(|e| e.round == round && matches!(e.kind, EventKind::FactLearned { .. }))
                .count();
            if learned > 0 {
                outcomes.push(format!(
                    "{learned} time{} a body learned a fact it did not hold before",
                    if learned == 1 { "" } else { "s" }
                ));
            }
            for (label, list) in [
                ("Injects", injects),
                ("Actions", actions),
                ("Outcomes", outcomes),
            ] {
                self.push(Block::Para(format!("{label}:")));
                if list.is_empty() {
                    self.push(Block::Note("none".into()));
                } else {
                    self.push(Block::List(list));
                }
            }
        }
    }

    fn notes(&mut self) {
        self.h2("Facilitator notes");
        let notes: Vec<String> = self
            .events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::Annotation { text } => {
                    Some(format!("Round {}: {}", e.round, self.words.free(text)))
                }
                EventKind::TensionChanged {
                    cause: Cause::Facilitator { reason },
                    a,
                    b,
                    delta,
                    ..
                } => Some(format!(
                    "Round {}: tension {} – {} adjusted by {delta:+}: {}",
                    e.round,
                    self.n().state(*a),
                    self.n().state(*b),
                    self.words.free(reason)
                )),
                EventKind::AdHocInject { title, .. } => Some(format!(
                    "Round {}: ad-hoc inject {}",
                    e.round,
                    Quoted(self.words.free(title))
                )),
                _ => None,
            })
            .collect();
        if notes.is_empty() {
            self.push(Block::Note("No notes were recorded.".into()));
        } else {
            self.push(Block::List(notes));
        }
    }

    fn questions(&mut self) {
        self.h2("Discussion questions");
        for round in 1..=self.last_round.max(1).min(self.s.round_count()) {
            let stage = &self.s.rounds[round as usize - 1];
            let mut qs: Vec<String> = stage
                .questions
                .iter()
                .map(|q| q.get(self.lang).to_owned())
                .collect();
            for e in self.events.iter().filter(|e| e.round == round) {
                if let EventKind::InjectRevealed { inject, .. } = e.kind {
                    for q in &self.s.inject(inject).questions {
                        let q = q.get(self.lang).to_owned();
                        if !qs.contains(&q) {
                            qs.push(q);
                        }
                    }
                }
            }
            self.push(Block::Heading(3, stage.title.get(self.lang).to_owned()));
            if qs.is_empty() {
                self.push(Block::Note("No questions.".into()));
            } else {
                self.push(Block::List(qs));
            }
        }
    }
}
