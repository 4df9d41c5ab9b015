//! After-action report and MSEL export: pure functions from a journal's record and
//! its scenario to documents. The report is built once as a [`Doc`] of blocks and
//! rendered twice, as self-contained HTML (with an SVG chart) and as Markdown.

pub mod chart;
pub mod html;
pub mod markdown;
pub mod msel;

use std::collections::BTreeMap;
use std::path::Path;

use crate::engine::{Event, EventKind, Payload, Seat, SeatView, Status, evaluate_all};
use crate::narrate::{Kind, Narrator};
use crate::scenario::{ActionKind, Lang, Level, Measure, Scenario, StateId};

/// A block of a report, rendered by both the HTML and the Markdown writer.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    Heading(u8, String),
    Para(String),
    /// A paragraph in small, muted type.
    Note(String),
    List(Vec<String>),
    Table {
        head: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    /// An SVG chart (embedded in HTML; written next to the Markdown file).
    Chart {
        title: String,
        svg: String,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Doc {
    pub title: String,
    pub blocks: Vec<Block>,
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{0}")]
    Csv(String),
}

/// Options of `cbm-ttx report`.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Chatham House: participants appear by seat only; their names appear nowhere.
    pub anonymise: bool,
    pub lang: Option<Lang>,
    /// Shown as the record's source (file name only when anonymising).
    pub journal: Option<String>,
}

/// Write report.html, report.md and tension.svg into `dir`. Returns the paths written.
pub fn write(
    scenario: &Scenario,
    seed: u64,
    events: &[Event],
    dir: &Path,
    opts: &Options,
) -> Result<Vec<String>, ReportError> {
    let doc = build(scenario, seed, events, opts);
    let io = |p: &Path| {
        let path = p.display().to_string();
        move |source| ReportError::Io {
            path: path.clone(),
            source,
        }
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let mut written = Vec::new();
    let html_path = dir.join("report.html");
    std::fs::write(&html_path, html::render(&doc)).map_err(io(&html_path))?;
    written.push(html_path.display().to_string());
    let md_path = dir.join("report.md");
    let (md, charts) = markdown::render(&doc);
    std::fs::write(&md_path, md).map_err(io(&md_path))?;
    written.push(md_path.display().to_string());
    for (name, svg) in charts {
        let p = dir.join(name);
        std::fs::write(&p, svg).map_err(io(&p))?;
        written.push(p.display().to_string());
    }
    Ok(written)
}

/// Replaces participant names in free text when anonymising.
struct Redactor {
    names: Vec<String>,
}

impl Redactor {
    fn new(events: &[Event], on: bool) -> Redactor {
        let mut names: Vec<String> = if on {
            events
                .iter()
                .filter_map(|e| match &e.kind {
                    EventKind::SeatTaken { name, .. } => Some(name.trim().to_owned()),
                    _ => None,
                })
                .filter(|n| !n.is_empty())
                .collect()
        } else {
            Vec::new()
        };
        // Longest first, so "Anna Maria" is replaced before "Anna".
        names.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
        names.dedup();
        Redactor { names }
    }

    fn clean(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for n in &self.names {
            out = replace_ci(&out, n, "[participant]");
        }
        out
    }
}

/// Case-insensitive replace (by Unicode lower case; names are short).
fn replace_ci(hay: &str, needle: &str, with: &str) -> String {
    if needle.is_empty() {
        return hay.to_owned();
    }
    let lower_needle: Vec<char> = needle.chars().flat_map(char::to_lowercase).collect();
    let chars: Vec<char> = hay.chars().collect();
    let mut out = String::with_capacity(hay.len());
    let mut i = 0;
    while i < chars.len() {
        let mut matched = 0;
        let mut j = i;
        let mut k = 0;
        while j < chars.len() && k < lower_needle.len() {
            let lc: Vec<char> = chars[j].to_lowercase().collect();
            if lower_needle[k..].starts_with(&lc) {
                k += lc.len();
                j += 1;
                matched = j - i;
            } else {
                matched = 0;
                break;
            }
        }
        if k == lower_needle.len() && matched > 0 {
            out.push_str(with);
            i += matched;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

fn measure_of(kind: ActionKind) -> &'static str {
    match kind.measure() {
        Some(Measure::M2) => "Measure 2",
        Some(Measure::M8) => "Measure 8",
        None => "Other",
    }
}

/// Assemble the after-action report.
pub fn build(scenario: &Scenario, seed: u64, events: &[Event], opts: &Options) -> Doc {
    let lang = opts
        .lang
        .filter(|l| scenario.languages.contains(l))
        .unwrap_or_else(|| scenario.languages.first().copied().unwrap_or(Lang::En));
    let record = crate::narrate::Record { scenario, events };
    let n = Narrator::new(&record, lang);
    let r = Redactor::new(events, opts.anonymise);
    let view = SeatView::build(
        scenario,
        std::sync::Arc::new(scenario.clone()),
        Seat::Control,
        events,
    );
    let mut b = Vec::new();
    let title = format!("After-action report — {}", scenario.title.get(lang));

    // ---- summary ---------------------------------------------------------------------
    b.push(Block::Heading(2, "Exercise".into()));
    b.push(Block::Para(scenario.summary.get(lang).to_owned()));
    let last_round = events.iter().map(|e| e.round).max().unwrap_or(0);
    let ended = events
        .iter()
        .any(|e| matches!(e.kind, EventKind::ExerciseEnded));
    let mut facts = vec![
        vec![
            "Scenario".into(),
            format!(
                "{} ({}, version {})",
                scenario.title.get(lang),
                scenario.id,
                or_dash(&scenario.version)
            ),
        ],
        vec!["Author".into(), or_dash(&scenario.author)],
        vec![
            "Rounds played".into(),
            format!(
                "{last_round} of {}{}",
                scenario.round_count(),
                if ended { "" } else { " (not ended)" }
            ),
        ],
        vec!["Seed".into(), seed.to_string()],
        vec!["Events recorded".into(), events.len().to_string()],
    ];
    if let Some(j) = &opts.journal {
        let shown = if opts.anonymise {
            Path::new(j)
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default()
        } else {
            j.clone()
        };
        facts.push(vec!["Journal".into(), shown]);
    }
    b.push(Block::Table {
        head: vec!["".into(), "".into()],
        rows: facts,
    });

    b.push(Block::Heading(2, "Participants".into()));
    let seated: Vec<(Seat, String)> = view
        .seats
        .iter()
        .map(|(s, name)| (*s, name.clone()))
        .collect();
    if opts.anonymise {
        b.push(Block::Note(
            "Chatham House rule: participants are shown by seat only.".into(),
        ));
    }
    let rows: Vec<Vec<String>> = if seated.is_empty() {
        scenario
            .state_ids()
            .map(|s| vec![n.state(s).to_owned(), "(hot seat, unnamed)".into()])
            .collect()
    } else {
        seated
            .iter()
            .map(|(seat, name)| {
                vec![
                    n.seat(*seat),
                    if opts.anonymise {
                        "participant".into()
                    } else {
                        name.clone()
                    },
                ]
            })
            .collect()
    };
    b.push(Block::Table {
        head: vec!["Seat".into(), "Participant".into()],
        rows,
    });

    // ---- objectives ------------------------------------------------------------------
    let outcomes = evaluate_all(scenario, events);
    let met = outcomes.iter().filter(|o| o.status == Status::Met).count();
    b.push(Block::Heading(
        2,
        format!("Objectives — {met} of {} met", outcomes.len()),
    ));
    let rows = scenario
        .objectives
        .iter()
        .zip(&outcomes)
        .map(|(o, out)| {
            let evidence: Vec<String> = out
                .evidence
                .iter()
                .filter_map(|seq| events.get(*seq as usize))
                .filter_map(|e| n.line(e))
                .take(3)
                .map(|l| format!("#{} (round {}) {}", l.seq, l.round, r.clean(&l.title)))
                .collect();
            vec![
                o.title.get(lang).to_owned(),
                out.expected.clone(),
                r.clean(&out.observed),
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
    b.push(Block::Table {
        head: [
            "Objective",
            "Expected",
            "Observed",
            "Result",
            "Evidence (journal events)",
        ]
        .map(String::from)
        .to_vec(),
        rows,
    });

    // ---- tension ---------------------------------------------------------------------
    b.push(Block::Heading(2, "Tension between States".into()));
    let mut history = view.tension_history.clone();
    if history.last() != Some(&view.tension) {
        history.push(view.tension.clone());
    }
    b.push(Block::Chart {
        title: "Tension over the rounds".into(),
        svg: chart::tension_svg(scenario, lang, &history),
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
    let rows = scenario
        .pairs()
        .map(|(a, b2)| {
            let i = scenario.pair_index(a, b2);
            let mut row = vec![format!("{} – {}", n.state(a), n.state(b2))];
            row.extend(history.iter().map(|h| h[i].to_string()));
            let peak = history.iter().map(|h| h[i]).max().unwrap_or(0);
            row.push(format!(
                "{peak} ({})",
                scenario.ladder[scenario.ladder_step(peak)].name.get(lang)
            ));
            row
        })
        .collect();
    b.push(Block::Table { head, rows });

    // ---- per State and measure -------------------------------------------------------
    b.push(Block::Heading(2, "What each State did, by measure".into()));
    let mut counts: BTreeMap<StateId, [usize; 3]> = BTreeMap::new();
    let mut done: BTreeMap<StateId, Vec<String>> = BTreeMap::new();
    let staged: BTreeMap<u32, &crate::engine::Action> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::ActionSubmitted { id, action, .. } => Some((*id, action)),
            _ => None,
        })
        .collect();
    for e in events {
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
            let what = staged
                .get(id)
                .map(|a| n.action(a))
                .unwrap_or_else(|| kind.label().to_owned());
            done.entry(actor.state).or_default().push(format!(
                "Round {} — {} — {}: {}",
                e.round,
                measure_of(*kind),
                n.body(*actor),
                r.clean(&what)
            ));
        }
    }
    let rows = scenario
        .state_ids()
        .map(|s| {
            let c = counts.get(&s).copied().unwrap_or_default();
            vec![
                n.state(s).to_owned(),
                c[0].to_string(),
                c[1].to_string(),
                c[2].to_string(),
                c.iter().sum::<usize>().to_string(),
            ]
        })
        .collect();
    b.push(Block::Table {
        head: ["State", "Measure 2", "Measure 8", "Other", "Total"]
            .map(String::from)
            .to_vec(),
        rows,
    });
    for s in scenario.state_ids() {
        b.push(Block::Heading(3, n.state(s).to_owned()));
        match done.get(&s) {
            Some(list) => b.push(Block::List(list.clone())),
            None => b.push(Block::Note("No actions.".into())),
        }
    }

    // ---- contact points --------------------------------------------------------------
    b.push(Block::Heading(
        2,
        "Contact-point performance (measure 8)".into(),
    ));
    b.push(Block::Note(
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
    for e in events {
        match &e.kind {
            EventKind::MessageSent { message, .. }
                if !matches!(message.payload, Payload::Response { .. }) =>
            {
                perf.entry(message.from.state).or_default().sent[level_slot(message.level)] += 1;
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
                if let Some(EventKind::MessageSent { message, .. }) =
                    events.get(*id as usize).map(|e| &e.kind)
                {
                    perf.entry(message.from.state).or_default().lost += 1;
                }
            }
            _ => {}
        }
    }
    let rows = scenario
        .state_ids()
        .map(|s| {
            let p = perf.get(&s).copied().unwrap_or_default();
            vec![
                n.state(s).to_owned(),
                p.sent[0].to_string(),
                p.sent[1].to_string(),
                p.on_time.to_string(),
                p.late.to_string(),
                p.lost.to_string(),
            ]
        })
        .collect();
    b.push(Block::Table {
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
    let checks: Vec<Vec<String>> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::CheckResult {
                by,
                target,
                level,
                answer,
            } => Some(vec![
                e.round.to_string(),
                n.state(*by).to_owned(),
                n.state(*target).to_owned(),
                level.to_string(),
                answer.label().to_owned(),
            ]),
            _ => None,
        })
        .collect();
    b.push(Block::Heading(3, "Communication checks".into()));
    if checks.is_empty() {
        b.push(Block::Note("No communication check was run.".into()));
    } else {
        b.push(Block::Table {
            head: ["Round", "By", "Of", "Level", "Result"]
                .map(String::from)
                .to_vec(),
            rows: checks,
        });
    }
    let updates: Vec<String> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::ContactsUpdated { state } => Some(format!(
                "Round {}: {} updated its entries",
                e.round,
                n.state(*state)
            )),
            EventKind::ContactBroken { state, level } => Some(format!(
                "Round {}: {}'s {level} entry became wrong (scenario)",
                e.round,
                n.state(*state)
            )),
            _ => None,
        })
        .collect();
    if !updates.is_empty() {
        b.push(Block::Heading(3, "Directory changes".into()));
        b.push(Block::List(updates));
    }

    // ---- timeline ----------------------------------------------------------------------
    b.push(Block::Heading(2, "Timeline".into()));
    for round in 1..=last_round {
        let title = scenario
            .rounds
            .get(round as usize - 1)
            .map(|x| x.title.get(lang).to_owned())
            .unwrap_or_default();
        b.push(Block::Heading(3, title));
        let mut injects = Vec::new();
        let mut actions = Vec::new();
        let mut outcomes_list = Vec::new();
        for e in events.iter().filter(|e| e.round == round) {
            let Some(line) = n.line(e) else { continue };
            let text = match &line.body {
                Some(body) if matches!(line.kind, Kind::Inject | Kind::Public) => {
                    format!("{} — {}", line.title, body)
                }
                _ => line.title.clone(),
            };
            let text = r.clean(&text);
            match (&e.kind, line.kind) {
                (EventKind::ActionResolved { kind, actor, id }, _) => {
                    let what = staged
                        .get(id)
                        .map(|a| n.action(a))
                        .unwrap_or_else(|| kind.label().to_owned());
                    actions.push(r.clean(&format!(
                        "{} — {} [{}]",
                        n.body(*actor),
                        what,
                        measure_of(*kind)
                    )));
                }
                (_, Kind::Inject) => injects.push(text),
                (
                    EventKind::MessageDelivered { .. }
                    | EventKind::MessageLost { .. }
                    | EventKind::MessageDelayed { .. },
                    _,
                )
                | (
                    EventKind::TensionChanged { .. }
                    | EventKind::ConcernExpired { .. }
                    | EventKind::AttributionAssessed { .. },
                    _,
                )
                | (
                    EventKind::Statement { .. }
                    | EventKind::Attribution { .. }
                    | EventKind::Countermeasure { .. },
                    _,
                )
                | (EventKind::ContactsUpdated { .. } | EventKind::ActionVoid { .. }, _) => {
                    outcomes_list.push(text)
                }
                _ => {}
            }
        }
        let facts_learned = events
            .iter()
            .filter(|e| e.round == round && matches!(e.kind, EventKind::FactLearned { .. }))
            .count();
        if facts_learned > 0 {
            outcomes_list.push(format!("{facts_learned} fact(s) reached new bodies"));
        }
        for (label, list) in [
            ("Injects", injects),
            ("Actions", actions),
            ("Outcomes", outcomes_list),
        ] {
            b.push(Block::Para(format!("{label}:")));
            if list.is_empty() {
                b.push(Block::Note("none".into()));
            } else {
                b.push(Block::List(list));
            }
        }
    }

    // ---- notes and questions -----------------------------------------------------------
    b.push(Block::Heading(2, "Facilitator notes".into()));
    let notes: Vec<String> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Annotation { text } => Some(format!("Round {}: {}", e.round, r.clean(text))),
            EventKind::TensionChanged {
                cause: crate::engine::Cause::Facilitator { reason },
                a,
                b: b2,
                delta,
                ..
            } => Some(format!(
                "Round {}: tension {} – {} adjusted by {delta:+}: {}",
                e.round,
                n.state(*a),
                n.state(*b2),
                r.clean(reason)
            )),
            EventKind::AdHocInject { title, .. } => Some(format!(
                "Round {}: ad-hoc inject \"{}\"",
                e.round,
                r.clean(title)
            )),
            _ => None,
        })
        .collect();
    if notes.is_empty() {
        b.push(Block::Note("No notes were recorded.".into()));
    } else {
        b.push(Block::List(notes));
    }
    b.push(Block::Heading(2, "Discussion questions".into()));
    for round in 1..=last_round.max(1).min(scenario.round_count()) {
        let stage = &scenario.rounds[round as usize - 1];
        let mut qs: Vec<String> = stage
            .questions
            .iter()
            .map(|q| q.get(lang).to_owned())
            .collect();
        for e in events.iter().filter(|e| e.round == round) {
            if let EventKind::InjectRevealed { inject, .. } = e.kind {
                for q in &scenario.inject(inject).questions {
                    let q = q.get(lang).to_owned();
                    if !qs.contains(&q) {
                        qs.push(q);
                    }
                }
            }
        }
        b.push(Block::Heading(3, stage.title.get(lang).to_owned()));
        if qs.is_empty() {
            b.push(Block::Note("No questions.".into()));
        } else {
            b.push(Block::List(qs));
        }
    }
    Doc { title, blocks: b }
}

fn or_dash(s: &str) -> String {
    if s.trim().is_empty() {
        "—".into()
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::replace_ci;

    #[test]
    fn names_are_replaced_whatever_their_case() {
        assert_eq!(
            replace_ci("Anna said ANNA was right", "anna", "[p]"),
            "[p] said [p] was right"
        );
        assert_eq!(replace_ci("Пётр и ПЁТР", "пётр", "[p]"), "[p] и [p]");
        assert_eq!(replace_ci("no match", "xyz", "[p]"), "no match");
    }
}
