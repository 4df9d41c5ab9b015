//! The Master Scenario Events List as CSV, for planners who work in spreadsheets.
//!
//! Written to open safely and correctly in Excel and LibreOffice: a UTF-8 byte-order
//! mark (so Cyrillic text is read as UTF-8), and no cell that a spreadsheet would run
//! as a formula (OWASP's advice for CSV injection: a cell that starts with `=`, `+`,
//! `-`, `@`, a tab or a line break gets a leading `'`).

use std::borrow::Cow;

use crate::scenario::{
    ActionKind, Check, Condition, Effect, Inject, InjectAudience, Lang, Origin, Scenario, StateId,
    When,
};

/// The CSV's header row, in column order: one row per inject follows.
pub const COLUMNS: [&str; 10] = [
    "round",
    "inject",
    "title",
    "when",
    "audience",
    "synopsis",
    "expected actions",
    "measures",
    "related objectives",
    "discussion questions",
];

/// Options of the MSEL export.
#[derive(Clone, Debug)]
pub struct Options {
    /// Start with a UTF-8 byte-order mark, so that Excel reads the text as UTF-8.
    pub bom: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { bom: true }
    }
}

/// The MSEL with the default options (with a byte-order mark).
pub fn csv(scenario: &Scenario, lang: Lang) -> Result<String, super::ReportError> {
    csv_with(scenario, lang, &Options::default())
}

/// A cell a spreadsheet would read as a formula, made plain text by a leading `'`.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    let first = cell.trim_start_matches(' ').chars().next();
    match first {
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '\n' | '＝' | '＋' | '－' | '＠') => {
            Cow::Owned(format!("'{cell}"))
        }
        _ => Cow::Borrowed(cell),
    }
}

/// One row per inject, in the order of the rounds they are scheduled for (triggered
/// and manual injects last).
pub fn csv_with(
    scenario: &Scenario,
    lang: Lang,
    opts: &Options,
) -> Result<String, super::ReportError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| super::ReportError::Csv(e.to_string());
    w.write_record(COLUMNS).map_err(err)?;
    let mut order: Vec<usize> = (0..scenario.injects.len()).collect();
    order.sort_by_key(|i| match scenario.injects[*i].when {
        When::Round(r) => (r as u16, *i),
        When::Trigger(_) => (1000, *i),
        When::Manual => (2000, *i),
    });
    for i in order {
        let inj = &scenario.injects[i];
        let (round, when) = match &inj.when {
            When::Round(r) => (r.to_string(), "scheduled".to_owned()),
            When::Trigger(c) => (
                String::new(),
                format!("trigger: {}", condition(scenario, lang, c)),
            ),
            When::Manual => (String::new(), "manual (facilitator)".into()),
        };
        let audience = match &inj.audience {
            InjectAudience::Public => "everyone".to_owned(),
            InjectAudience::Control => "exercise control".into(),
            InjectAudience::States(set) => set
                .iter()
                .map(|s| scenario.state(s).name.get(lang).to_owned())
                .collect::<Vec<_>>()
                .join("; "),
            InjectAudience::Bodies(list) => list
                .iter()
                .map(|b| {
                    format!(
                        "{} / {}",
                        scenario.state(b.state).name.get(lang),
                        scenario.body(*b).name.get(lang)
                    )
                })
                .collect::<Vec<_>>()
                .join("; "),
        };
        let expected: Vec<&str> = inj.expected.iter().map(|k| k.label()).collect();
        let mut measures: Vec<&str> = inj
            .expected
            .iter()
            .filter_map(|k| k.measure())
            .map(|m| m.label())
            .collect();
        measures.sort_unstable();
        measures.dedup();
        let related: Vec<String> = scenario
            .objectives
            .iter()
            .filter(|o| related(scenario, &o.check, inj))
            .map(|o| format!("{}: {}", o.id, o.title.get(lang)))
            .collect();
        let questions: Vec<&str> = inj.questions.iter().map(|q| q.get(lang)).collect();
        let cells = [
            round,
            inj.id.clone(),
            inj.title.get(lang).to_owned(),
            when,
            audience,
            inj.text.get(lang).to_owned(),
            expected.join("; "),
            measures.join("; "),
            related.join("\n"),
            questions.join("\n"),
        ];
        w.write_record(cells.iter().map(|c| neutralise(c).into_owned()))
            .map_err(err)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| super::ReportError::Csv(e.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|e| super::ReportError::Csv(e.to_string()))?;
    Ok(if opts.bom {
        format!("\u{FEFF}{text}")
    } else {
        text
    })
}

/// The States an inject concerns: its audience, the States its effects touch, those
/// its incidents hit and those their facts point at.
fn concerned(s: &Scenario, inj: &Inject) -> Vec<StateId> {
    let mut out: Vec<StateId> = match &inj.audience {
        InjectAudience::States(set) => set.iter().collect(),
        InjectAudience::Bodies(list) => list.iter().map(|b| b.state).collect(),
        _ => Vec::new(),
    };
    for e in &inj.effects {
        match e {
            Effect::Tension(a, b, _) => out.extend([*a, *b]),
            Effect::BreakContact(x, _) => out.push(*x),
            Effect::OpenIncident(_) | Effect::RevealFact(..) => {}
        }
    }
    for i in incidents(s, inj) {
        let inc = s.incident(i);
        out.extend(inc.affected.iter());
        for f in &inc.facts {
            if let Some(Origin::State(x)) = s.fact(*f).points_to {
                out.push(x);
            }
        }
    }
    out
}

/// The incidents an inject brings into play (opening them or revealing their facts).
fn incidents(s: &Scenario, inj: &Inject) -> Vec<crate::scenario::IncidentId> {
    inj.effects
        .iter()
        .filter_map(|e| match e {
            Effect::OpenIncident(i) => Some(*i),
            Effect::RevealFact(f, _) => Some(s.fact(*f).incident),
            _ => None,
        })
        .collect()
}

/// Does the inject's trigger look at this?
fn trigger_mentions(c: &Condition, hit: &dyn Fn(&Condition) -> bool) -> bool {
    hit(c)
        || match c {
            Condition::All(list) | Condition::Any(list) => {
                list.iter().any(|c| trigger_mentions(c, hit))
            }
            Condition::Not(c) => trigger_mentions(c, hit),
            _ => false,
        }
}

/// An objective relates to an inject when the inject bears on what the objective
/// measures: the same facts or incidents, the same pair's tension, the same directory
/// entries, the actions it expects, or what its trigger looks at.
fn related(s: &Scenario, check: &Check, inj: &Inject) -> bool {
    let states = concerned(s, inj);
    let public = matches!(inj.audience, InjectAudience::Public);
    let concerns = |x: &StateId| public || states.contains(x);
    let expects = |kinds: &[ActionKind]| inj.expected.iter().any(|k| kinds.contains(k));
    let trigger = |hit: &dyn Fn(&Condition) -> bool| match &inj.when {
        When::Trigger(c) => trigger_mentions(c, hit),
        _ => false,
    };
    let same_pair =
        |x: &StateId, y: &StateId, a: &StateId, b: &StateId| (x, y) == (a, b) || (x, y) == (b, a);
    match check {
        Check::PolicyContact { a, b, .. } | Check::TechnicalContact { a, b, .. } => {
            let kinds: &[ActionKind] = if matches!(check, Check::PolicyContact { .. }) {
                &[
                    ActionKind::PolicyMessage,
                    ActionKind::RaiseConcern,
                    ActionKind::Respond,
                ]
            } else {
                &[
                    ActionKind::TechnicalMessage,
                    ActionKind::ShareInformation,
                    ActionKind::RequestAssistance,
                    ActionKind::ProvideAssistance,
                    ActionKind::JointAnalysis,
                    ActionKind::Respond,
                ]
            };
            inj.effects.iter().any(|e| {
                matches!(e, Effect::Tension(x, y, _) if same_pair(x, y, a, b))
                    || matches!(e, Effect::BreakContact(x, _) if x == a || x == b)
            }) || (expects(kinds) && (concerns(a) || concerns(b)))
        }
        Check::TensionBelow { a, b, .. } => {
            inj.effects
                .iter()
                .any(|e| matches!(e, Effect::Tension(x, y, _) if same_pair(x, y, a, b)))
                || trigger(
                    &|c| matches!(c, Condition::TensionAtLeast(x, y, _) | Condition::TensionBelow(x, y, _) if same_pair(x, y, a, b)),
                )
        }
        Check::FactShared { fact, .. } => {
            incidents(s, inj).contains(&s.fact(*fact).incident)
                || inj
                    .effects
                    .iter()
                    .any(|e| matches!(e, Effect::RevealFact(f, _) if f == fact))
                || trigger(&|c| matches!(c, Condition::FactKnown { fact: f, .. } if f == fact))
        }
        Check::ContactsCurrent { state, .. } => {
            inj.effects
                .iter()
                .any(|e| matches!(e, Effect::BreakContact(x, _) if x == state))
                || (expects(&[ActionKind::UpdateContacts, ActionKind::CommunicationCheck])
                    && concerns(state))
        }
        Check::ActionUsed { action, .. } => {
            inj.expected.contains(action)
                || trigger(
                    &|c| matches!(c, Condition::ActionUsed { action: x, .. } | Condition::ActionNotUsed { action: x, .. } if x == action),
                )
        }
        Check::NoAttributionBefore { .. } => {
            expects(&[ActionKind::PublicAttribution, ActionKind::PublicStatement])
                || trigger(&|c| {
                    matches!(c, Condition::ActionUsed { action: ActionKind::PublicAttribution, .. } | Condition::ActionNotUsed { action: ActionKind::PublicAttribution, .. })
                })
                // Evidence that points at a State invites a public attribution.
                || incidents(s, inj).iter().any(|i| {
                    s.incident(*i)
                        .facts
                        .iter()
                        .any(|f| matches!(s.fact(*f).points_to, Some(Origin::State(_))))
                })
        }
        Check::ConcernsAnswered => expects(&[ActionKind::RaiseConcern, ActionKind::Respond]),
    }
}

/// A trigger condition in words, for planners.
pub fn condition(s: &Scenario, lang: Lang, c: &Condition) -> String {
    let st = |x: crate::scenario::StateId| s.state(x).name.get(lang).to_owned();
    let who =
        |b: &Option<crate::scenario::StateId>| b.map(st).unwrap_or_else(|| "any State".into());
    match c {
        Condition::TensionAtLeast(a, b, l) => format!("tension {}–{} ≥ {l}", st(*a), st(*b)),
        Condition::TensionBelow(a, b, l) => format!("tension {}–{} < {l}", st(*a), st(*b)),
        Condition::ActionUsed {
            action,
            by,
            by_round,
        } => format!(
            "{} used \"{}\" by round {by_round}",
            who(by),
            action.label()
        ),
        Condition::ActionNotUsed {
            action,
            by,
            by_round,
        } => {
            format!(
                "{} did not use \"{}\" by round {by_round}",
                who(by),
                action.label()
            )
        }
        Condition::FactKnown { fact, state } => {
            format!("{} knows \"{}\"", st(*state), s.fact(*fact).id)
        }
        Condition::InjectFired(i) => format!("inject {} fired", s.inject(*i).id),
        Condition::RoundAtLeast(r) => format!("round {r} or later"),
        Condition::All(list) => list
            .iter()
            .map(|c| condition(s, lang, c))
            .collect::<Vec<_>>()
            .join(" and "),
        Condition::Any(list) => format!(
            "({})",
            list.iter()
                .map(|c| condition(s, lang, c))
                .collect::<Vec<_>>()
                .join(" or ")
        ),
        Condition::Not(c) => format!("not ({})", condition(s, lang, c)),
    }
}
