//! Generated scenarios of any size, for benchmarks and load tests: OSCE-sized
//! (57 States) with hundreds of injects, valid by construction.

use std::fmt::Write as _;

/// RON text of a valid scenario with `states` States (2..=64), `injects` injects and
/// `rounds` rounds, and the default number of objectives
/// ([`default_objectives`]).
pub fn scenario_ron(states: usize, injects: usize, rounds: usize) -> String {
    scenario_ron_with_objectives(states, injects, rounds, default_objectives(states))
}

/// One objective per State (at most 60), plus one.
pub fn default_objectives(states: usize) -> usize {
    states.clamp(2, 64).min(60) + 1
}

/// The most objectives a scenario may have.
pub const MAX_OBJECTIVES: usize = u16::MAX as usize;

/// RON text of a valid scenario with `states` States (2..=64), `injects` injects,
/// `rounds` rounds (1..=50) and `objectives` objectives (at most [`MAX_OBJECTIVES`]).
/// The objectives cycle through every kind of check, each valid for the generated
/// States, incidents and rounds.
pub fn scenario_ron_with_objectives(
    states: usize,
    injects: usize,
    rounds: usize,
    objectives: usize,
) -> String {
    scenario_ron_with_bodies(states, 5, injects, rounds, objectives)
}

/// The most national bodies a generated State may have.
pub const MAX_BODIES: usize = 32;

/// As [`scenario_ron_with_objectives`], with `bodies` national bodies per State
/// (5..=[`MAX_BODIES`]; the first five are a CERT, a foreign ministry, interior,
/// defence and a telecom regulator, the rest of kind `Other`). Load tests with hundreds
/// of participants need many body seats.
pub fn scenario_ron_with_bodies(
    states: usize,
    bodies: usize,
    injects: usize,
    rounds: usize,
    objectives: usize,
) -> String {
    let bodies = bodies.clamp(5, MAX_BODIES);
    let objectives = objectives.min(MAX_OBJECTIVES);
    let states = states.clamp(2, 64);
    let rounds = rounds.clamp(1, 50);
    let mut s = String::new();
    let _ = writeln!(s, "#![enable(implicit_some)]\nScenario(");
    let _ = writeln!(s, "    id: \"synthetic-{states}-{injects}\",");
    let _ = writeln!(
        s,
        "    title: {{\"en\": \"Synthetic {states}-State exercise\", \"ru\": \"Синтетическое учение\"}},"
    );
    let _ = writeln!(
        s,
        "    summary: \"Generated for benchmarks and load tests.\",\n    seed: 57,\n    languages: [en, ru],"
    );
    let _ = writeln!(s, "    rounds: [");
    for r in 1..=rounds {
        let _ = writeln!(
            s,
            "        (title: \"Round {r}\", questions: [\"What changed in round {r}?\"]),"
        );
    }
    let _ = writeln!(s, "    ],\n    states: [");
    let kinds = [
        "Cert",
        "ForeignMinistry",
        "Interior",
        "Defence",
        "TelecomRegulator",
    ];
    let ids = ["cert", "mfa", "interior", "defence", "telecom"];
    for i in 0..states {
        let _ = writeln!(
            s,
            "        (\n            id: \"s{i:02}\",\n            name: \"State {i:02}\",\n            bodies: ["
        );
        for (k, id) in kinds.iter().zip(ids).take(bodies) {
            let _ = writeln!(
                s,
                "                (id: \"{id}\", kind: {k}, name: \"{id} of State {i:02}\"),"
            );
        }
        for b in ids.len() + 1..=bodies {
            let _ = writeln!(
                s,
                "                (id: \"b{b}\", kind: Other, name: \"Body {b} of State {i:02}\"),"
            );
        }
        let stale = if i % 3 == 0 { 30 } else { 4 };
        let correct = i % 7 != 0;
        let _ = writeln!(
            s,
            "            ],\n            contacts: (\n                policy: (body: \"mfa\", verified_months_ago: {stale}, correct: {correct}),\n                technical: (body: \"cert\", verified_months_ago: {}),\n            ),\n        ),",
            (i * 5) % 26
        );
    }
    let _ = writeln!(
        s,
        "    ],\n    actors: [(id: \"crew\", name: \"A criminal crew\")],\n    tensions: ["
    );
    for i in 0..states {
        let j = (i + 1) % states;
        let (a, b) = (i.min(j), i.max(j));
        // With two States the ring has one pair, not two.
        if a != b && !(states == 2 && i == 1) {
            let _ = writeln!(
                s,
                "        (between: (\"s{a:02}\", \"s{b:02}\"), level: {}),",
                10 + (i * 13) % 40
            );
        }
    }
    let incidents = injects.div_ceil(5).max(1);
    let _ = writeln!(s, "    ],\n    incidents: [");
    for n in 0..incidents {
        let a = n % states;
        let b = (n * 7 + 3) % states;
        let origin = if n % 2 == 0 {
            "Actor(\"crew\")".to_owned()
        } else {
            format!("State(\"s{b:02}\")")
        };
        let _ = writeln!(
            s,
            "        (\n            id: \"inc{n}\",\n            title: \"Incident {n}\",\n            severity: {},\n            origin: {origin},\n            affected: [\"s{a:02}\"],\n            facts: [",
            1 + n % 5
        );
        let _ = writeln!(
            s,
            "                (id: \"inc{n}-a\", text: \"Indicator {n}\", known_by: [(\"s{a:02}\", \"cert\")], points_to: State(\"s{b:02}\")),"
        );
        let _ = writeln!(
            s,
            "                (id: \"inc{n}-b\", text: \"Record {n}\", known_by: [(\"s{b:02}\", \"interior\")], points_to: Actor(\"crew\")),"
        );
        let _ = writeln!(
            s,
            "                (id: \"inc{n}-c\", text: \"Hidden {n}\", hidden: true),"
        );
        let _ = writeln!(s, "            ],\n        ),");
    }
    let _ = writeln!(s, "    ],\n    injects: [");
    for k in 0..injects {
        let round = 1 + k % rounds;
        let a = k % states;
        let b = (k + 1) % states;
        let (a, b) = (a.min(b), a.max(b));
        let when = match k % 5 {
            0 => format!("Round({round})"),
            1 => format!(
                "Trigger(TensionAtLeast(between: (\"s{a:02}\", \"s{b:02}\"), level: \"friction\"))"
            ),
            2 => format!(
                "Trigger(All([RoundAtLeast({round}), Not(FactKnown(fact: \"inc{}-b\", state: \"s{a:02}\"))]))",
                k / 5
            ),
            3 if rounds > 1 => format!(
                "Trigger(Any([ActionNotUsed(action: ShareInformation, by: \"s{a:02}\", by_round: {}), InjectFired(\"i{}\")]))",
                1 + k % (rounds - 1),
                k - 3
            ),
            _ => format!("Round({round})"),
        };
        let effects = if k % 5 == 0 {
            format!(
                "[OpenIncident(\"inc{}\"), Tension(between: (\"s{a:02}\", \"s{b:02}\"), delta: 4)]",
                k / 5
            )
        } else {
            format!(
                "[Tension(between: (\"s{a:02}\", \"s{b:02}\"), delta: {})]",
                if k % 2 == 0 { 3 } else { -2 }
            )
        };
        let _ = writeln!(
            s,
            "        (id: \"i{k}\", title: \"Inject {k}\", when: {when}, audience: States([\"s{a:02}\", \"s{b:02}\"]), text: \"Something happens ({k}).\", effects: {effects}, questions: [\"Who should know?\"]),"
        );
    }
    let _ = writeln!(s, "    ],\n    objectives: [");
    for k in 0..objectives {
        let _ = writeln!(
            s,
            "        {},",
            objective(k, states, incidents, injects > 0, rounds)
        );
    }
    let _ = writeln!(s, "    ],\n)");
    s
}

/// The `k`-th generated objective, valid by construction: the pairs exist, the facts
/// belong to incidents that injects open (when there are injects), rounds are in range
/// and starting tensions stay below the crisis step.
fn objective(k: usize, states: usize, incidents: usize, opened: bool, rounds: usize) -> String {
    let a = k % states;
    let b = (k + 1) % states;
    let (a, b) = (a.min(b), a.max(b));
    let by_round = 1 + k % rounds;
    const ACTIONS: [&str; 6] = [
        "ShareInformation",
        "NationalCoordination",
        "CommunicationCheck",
        "UpdateContacts",
        "JointAnalysis",
        "PolicyMessage",
    ];
    let check = match k % 8 {
        0 => format!("PolicyContact(between: (\"s{a:02}\", \"s{b:02}\"), by_round: {rounds})"),
        1 => format!("TechnicalContact(between: (\"s{a:02}\", \"s{b:02}\"), by_round: {by_round})"),
        2 if opened => {
            // Fact -a of incident n is known at first by State n % states only.
            let n = (k / 8) % incidents;
            let with = (n % states + 1) % states;
            format!("FactShared(fact: \"inc{n}-a\", with: \"s{with:02}\", by_round: {rounds})")
        }
        3 => format!("TensionBelow(between: (\"s{a:02}\", \"s{b:02}\"), level: \"crisis\")"),
        4 if k % 16 == 4 => format!("NoAttributionBefore(round: {})", 2 + k % rounds),
        4 => format!(
            "NoAttributionBefore(round: {}, by: \"s{a:02}\")",
            2 + k % rounds
        ),
        6 => format!("ContactsCurrent(state: \"s{a:02}\", by_round: {by_round})"),
        7 => "ConcernsAnswered".to_owned(),
        _ => format!(
            "ActionUsed(action: {}, by: \"s{a:02}\", by_round: {by_round})",
            ACTIONS[(k / 8) % ACTIONS.len()]
        ),
    };
    format!("(id: \"o{k}\", title: \"Objective {k}\", check: {check})")
}

#[cfg(test)]
mod tests {
    #[test]
    fn osce_sized_scenario_is_valid() {
        let src = super::scenario_ron(57, 500, 5);
        let c = crate::scenario::compile_str("synthetic.ron", &src);
        assert!(c.scenario.is_some(), "{}", c.report.lines().join("\n"));
        let s = c.scenario.unwrap();
        assert_eq!(s.states.len(), 57);
        assert_eq!(s.injects.len(), 500);
    }

    #[test]
    fn bodies_per_state_are_valid_and_clamped() {
        for (asked, got) in [(0, 5), (5, 5), (9, 9), (32, 32), (99, super::MAX_BODIES)] {
            let src = super::scenario_ron_with_bodies(3, asked, 10, 3, 2);
            let c = crate::scenario::compile_str("synthetic.ron", &src);
            assert!(c.scenario.is_some(), "{}", c.report.lines().join("\n"));
            let s = c.scenario.unwrap();
            assert!(
                s.states.iter().all(|st| st.bodies.len() == got),
                "{asked} asked"
            );
        }
    }
}
