//! The Master Scenario Events List as CSV, for planners who work in spreadsheets.

use crate::scenario::{Check, Condition, Effect, InjectAudience, Lang, Scenario, When};

pub const COLUMNS: [&str; 9] = [
    "round",
    "inject",
    "title",
    "when",
    "audience",
    "synopsis",
    "expected actions",
    "measures",
    "related objectives",
];

/// One row per inject, in the order of the rounds they are scheduled for (triggered
/// and manual injects last).
pub fn csv(scenario: &Scenario, lang: Lang) -> Result<String, super::ReportError> {
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
        let related: Vec<&str> = scenario
            .objectives
            .iter()
            .filter(|o| related(&o.check, inj))
            .map(|o| o.id.as_str())
            .collect();
        w.write_record([
            round,
            inj.id.clone(),
            inj.title.get(lang).to_owned(),
            when,
            audience,
            inj.text.get(lang).to_owned(),
            expected.join("; "),
            measures.join("; "),
            related.join("; "),
        ])
        .map_err(err)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| super::ReportError::Csv(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| super::ReportError::Csv(e.to_string()))
}

/// An objective relates to an inject when they concern the same States, facts or
/// actions.
fn related(check: &Check, inj: &crate::scenario::Inject) -> bool {
    let states: Vec<crate::scenario::StateId> = inj
        .effects
        .iter()
        .flat_map(|e| match e {
            Effect::Tension(a, b, _) => vec![*a, *b],
            Effect::BreakContact(s, _) => vec![*s],
            _ => vec![],
        })
        .chain(match &inj.audience {
            InjectAudience::States(set) => set.iter().collect(),
            InjectAudience::Bodies(list) => list.iter().map(|b| b.state).collect(),
            _ => vec![],
        })
        .collect();
    match check {
        Check::TensionBelow { a, b, .. }
        | Check::PolicyContact { a, b, .. }
        | Check::TechnicalContact { a, b, .. } => {
            inj.effects.iter().any(
                |e| matches!(e, Effect::Tension(x, y, _) if (x, y) == (a, b) || (x, y) == (b, a)),
            ) || (!inj.expected.is_empty() && states.contains(a) && states.contains(b))
        }
        Check::FactShared { fact, .. } => inj.effects.iter().any(|e| match e {
            Effect::RevealFact(f, _) => f == fact,
            Effect::OpenIncident(_) => false,
            _ => false,
        }),
        Check::ContactsCurrent { state, .. } => {
            inj.effects
                .iter()
                .any(|e| matches!(e, Effect::BreakContact(s, _) if s == state))
                || (inj
                    .expected
                    .contains(&crate::scenario::ActionKind::UpdateContacts)
                    && states.contains(state))
        }
        Check::ActionUsed { action, .. } => inj.expected.contains(action),
        Check::NoAttributionBefore { .. } => inj
            .expected
            .contains(&crate::scenario::ActionKind::PublicStatement),
        Check::ConcernsAnswered => inj
            .expected
            .contains(&crate::scenario::ActionKind::RaiseConcern),
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
