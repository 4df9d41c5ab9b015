//! Batch simulation: whole exercises played by bots, and what they show.

use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

use super::policy::{Policy, bot_seed};
use crate::engine::{
    Command, Event, EventKind, Game, InjectSource, Phase, Seat, SeatView, Status, disclose,
    evaluate_all,
};
use crate::journal;
use crate::scenario::{Scenario, StateId, TurnOrder};
use crate::session::{Recording, Session, SessionError};

/// Where bots play: a bare game (fast, for batch runs) or a journaled session.
pub trait Table {
    /// The game as it stands (control's knowledge).
    fn game(&self) -> &Game;
    /// Give a command; returns whether it was accepted.
    fn act(&mut self, seat: Seat, cmd: Command) -> bool;
}

impl Table for Game {
    fn game(&self) -> &Game {
        self
    }
    fn act(&mut self, seat: Seat, cmd: Command) -> bool {
        self.handle(seat, cmd).is_ok()
    }
}

impl Table for Session {
    fn game(&self) -> &Game {
        Session::game(self)
    }
    fn act(&mut self, seat: Seat, cmd: Command) -> bool {
        self.command(seat, cmd).is_ok()
    }
}

/// The bots at a table: one per State, each with the view its seat would have on a
/// participant's laptop (public scenario, its events, what they disclosed).
pub struct Bots {
    policy: Policy,
    views: Vec<SeatView>,
    seeds: Vec<u64>,
    /// Events of the game already folded into the views.
    seen: usize,
}

impl Bots {
    /// Bots for every State of the game's scenario.
    pub fn new(game: &Game, policy: Policy) -> Bots {
        Bots::with_public(game, policy, Arc::new(disclose::public(game.scenario())))
    }

    /// As [`Bots::new`], with the public scenario ([`disclose::public`] of the game's)
    /// already made: batch runs make it once, not once per game.
    pub fn with_public(game: &Game, policy: Policy, public: Arc<Scenario>) -> Bots {
        let scenario = game.scenario();
        let seats: Vec<Seat> = scenario.state_ids().map(Seat::State).collect();
        Bots {
            policy,
            seeds: seats
                .iter()
                .map(|s| bot_seed(game.draw_seed(), &s.key(scenario)))
                .collect(),
            views: seats
                .into_iter()
                .map(|s| SeatView::new(public.clone(), s).without_events())
                .collect(),
            seen: 0,
        }
    }

    fn catch_up(&mut self, game: &Game) {
        let new = &game.events()[self.seen.min(game.events().len())..];
        for v in &mut self.views {
            for e in new {
                v.observe_from(game.scenario(), e);
            }
        }
        self.seen = game.events().len();
    }

    /// One State's bot stages its actions and declares itself ready.
    pub fn play_turn(&mut self, table: &mut impl Table, s: StateId) {
        let game = table.game();
        if game.scenario().turn_order == TurnOrder::Sequential && game.situation().turn() != Some(s)
        {
            return;
        }
        self.catch_up(game);
        let seat = Seat::State(s);
        let plan = self
            .policy
            .plan(&self.views[s.index()], self.seeds[s.index()]);
        for (actor, action) in plan {
            table.act(seat, Command::Submit { actor, action });
        }
        table.act(seat, Command::Ready);
    }
}

/// Play one exercise to the end with every State played by `policy`.
pub fn play(scenario: Arc<Scenario>, seed: u64, policy: Policy) -> Game {
    let mut game = Game::new(scenario, seed);
    let r = game.handle(Seat::Control, Command::Start);
    // Control commands in this loop are always in order; a refusal is a bug worth seeing in tests.
    debug_assert!(r.is_ok(), "{r:?}");
    play_rounds(&mut game, policy);
    game
}

/// Continue a game from a round's briefing (or a debrief) to the end.
pub fn play_rounds(table: &mut impl Table, policy: Policy) {
    let bots = Bots::new(table.game(), policy);
    play_until(table, bots, None);
}

/// Play until round `round`'s deliberation is open (for demonstrations).
pub fn play_rounds_until(table: &mut impl Table, policy: Policy, round: u8) {
    let bots = Bots::new(table.game(), policy);
    play_until(table, bots, Some(round));
}

fn play_until(table: &mut impl Table, mut bots: Bots, stop: Option<u8>) {
    let scenario = table.game().scenario().clone();
    // Each pass makes progress; the bound only guards against a bug looping forever.
    for _ in 0..100_000 {
        let st = table.game().situation();
        let (phase, round) = (st.phase(), st.round());
        if let Some(r) = stop
            && round >= r
            && phase == Phase::Deliberation
        {
            return;
        }
        let step = match phase {
            Phase::Setup => Command::Start,
            Phase::Briefing => Command::BeginDeliberation { seconds: 0 },
            Phase::Deliberation => {
                for s in scenario.state_ids() {
                    bots.play_turn(table, s);
                }
                Command::CloseDeliberation
            }
            Phase::Debrief if st.is_last_round(&scenario) => match stop {
                Some(_) => return,
                None => Command::End,
            },
            Phase::Debrief => Command::OpenRound,
            Phase::Ended => return,
        };
        if table.game().situation().phase() == phase {
            table.act(Seat::Control, step);
        }
    }
}

/// The figures of one game that the summary needs.
#[derive(Clone, Debug)]
pub struct GameStats {
    /// Per objective, in scenario order: met at the end of the record.
    pub objectives_met: Vec<bool>,
    /// The highest tension (0–100) any pair reached.
    pub peak: u8,
    /// Per inject, in scenario order: fired by its schedule or trigger (a reveal by
    /// control does not count).
    pub fired: Vec<bool>,
}

/// The figures of one game from its record and the per-pair peaks
/// ([`crate::engine::Situation::peaks`]).
pub fn stats(scenario: &Scenario, events: &[Event], state_peak: &[u8]) -> GameStats {
    let objectives_met = evaluate_all(scenario, events)
        .iter()
        .map(|o| o.status == Status::Met)
        .collect();
    let mut fired = vec![false; scenario.injects.len()];
    for e in events {
        if let EventKind::InjectRevealed { inject, source } = &e.kind
            && *source != InjectSource::Facilitator
        {
            fired[inject.index()] = true;
        }
    }
    GameStats {
        objectives_met,
        peak: state_peak.iter().copied().max().unwrap_or(0),
        fired,
    }
}

/// What a batch of runs with one policy showed.
#[derive(Clone, Debug)]
pub struct PolicySummary {
    /// The policy every State played.
    pub policy: Policy,
    /// How many exercises were played.
    pub runs: usize,
    /// Per objective, in scenario order: runs in which it was met.
    pub objective_met: Vec<usize>,
    /// Peak tension of each run.
    pub peaks: Vec<u8>,
    /// Per inject, in scenario order: runs in which it fired by schedule or trigger.
    pub fired: Vec<usize>,
}

/// What `simulate` plays.
pub struct Options<'a> {
    /// Exercises per policy.
    pub runs: usize,
    /// Base seed; run `i` uses [`run_seed`]`(seed, i)`.
    pub seed: u64,
    /// The policies to play, each for `runs` exercises, in this order.
    pub policies: Vec<Policy>,
    /// Journal every game into this directory (one file per game).
    pub journal_dir: Option<&'a Path>,
    /// Added to each journal's name (see [`free_journal_suffix`]).
    pub journal_suffix: String,
    /// The scenario file and its text, recorded in those journals.
    pub source: Option<std::path::PathBuf>,
    /// The scenario file's text, kept in each journal's header.
    pub source_text: Option<String>,
    /// Continue a recorded exercise instead of starting fresh.
    pub start: Option<Start<'a>>,
}

/// Where batch runs continue a recorded exercise ("what if, from round N?"): the
/// record replays under its own seed and rules up to the round, then each run draws
/// chance under its own seed ([`crate::engine::Reseed`]) and its bots decide with
/// seeds derived from that.
#[derive(Clone, Copy)]
pub struct Start<'a> {
    /// The recorded exercise.
    pub loaded: &'a journal::Loaded,
    /// Bots take over from the start of this round (1-based).
    pub round: u8,
}

/// The file name of one simulated game's journal.
pub fn journal_name(scenario_id: &str, policy: Policy, run: usize, suffix: &str) -> String {
    format!("{scenario_id}-{}-{run:05}{suffix}.jsonl", policy.name())
}

/// A suffix that gives every journal of this batch a name not yet taken in `dir`:
/// empty for the first batch, `-run2`, `-run3`... for later ones (a journal is never
/// overwritten).
pub fn free_journal_suffix(
    dir: &Path,
    scenario_id: &str,
    policies: &[Policy],
    runs: usize,
) -> String {
    (1..)
        .map(|n| {
            if n == 1 {
                String::new()
            } else {
                format!("-run{n}")
            }
        })
        .find(|suffix| {
            policies.iter().all(|p| {
                (0..runs).all(|i| !dir.join(journal_name(scenario_id, *p, i, suffix)).exists())
            })
        })
        .unwrap_or_default()
}

/// The seed of run `i`: consecutive runs get unrelated streams.
pub fn run_seed(base: u64, i: usize) -> u64 {
    base.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(i as u64)
}

/// Play `opts.runs` exercises per policy to the end, every State a bot, and sum up
/// what they showed: one summary per policy, in `opts.policies` order. Errors: a
/// journal cannot be created or written, or the `start` record cannot be replayed
/// ([`SessionError::Journal`] with a `Replay` error).
pub fn simulate(
    scenario: Arc<Scenario>,
    opts: &Options,
) -> Result<Vec<PolicySummary>, SessionError> {
    let mut out = Vec::new();
    let public = Arc::new(disclose::public(&scenario));
    for policy in &opts.policies {
        let mut sum = PolicySummary {
            policy: *policy,
            runs: opts.runs,
            objective_met: vec![0; scenario.objectives.len()],
            peaks: Vec::with_capacity(opts.runs),
            fired: vec![0; scenario.injects.len()],
        };
        for i in 0..opts.runs {
            let seed = run_seed(opts.seed, i);
            let path = opts
                .journal_dir
                .map(|dir| dir.join(journal_name(&scenario.id, *policy, i, &opts.journal_suffix)));
            let game = match &path {
                None => {
                    let mut g = match opts.start {
                        None => Game::new(scenario.clone(), seed),
                        Some(st) => {
                            let (_, _, mut g) =
                                journal::cut(st.loaded, scenario.clone(), st.round, Some(seed))?;
                            let open = crate::engine::history::opening(st.round);
                            if let Err(refused) = g.handle(Seat::Control, open) {
                                return Err(SessionError::Refused(refused));
                            }
                            g
                        }
                    };
                    let bots = Bots::with_public(&g, *policy, public.clone());
                    play_until(&mut g, bots, None);
                    g
                }
                Some(path) => {
                    let mut s = match opts.start {
                        None => {
                            let rec = Recording {
                                path: Some(path.clone()),
                                durability: Some(journal::Durability::Flush),
                                source_text: opts.source_text.clone(),
                            };
                            Session::start(scenario.clone(), opts.source.clone(), seed, rec)?
                        }
                        Some(st) => Session::fork(
                            st.loaded,
                            scenario.clone(),
                            opts.source.clone(),
                            st.round,
                            Some(seed),
                            path,
                        )?,
                    };
                    let bots = Bots::with_public(s.game(), *policy, public.clone());
                    play_until(&mut s, bots, None);
                    s.game().clone()
                }
            };
            let st = stats(&scenario, game.events(), game.situation().peaks());
            for (k, met) in st.objectives_met.iter().enumerate() {
                sum.objective_met[k] += usize::from(*met);
            }
            for (k, f) in st.fired.iter().enumerate() {
                sum.fired[k] += usize::from(*f);
            }
            sum.peaks.push(st.peak);
        }
        out.push(sum);
    }
    Ok(out)
}

fn pct(n: usize, of: usize) -> f64 {
    if of == 0 {
        0.0
    } else {
        100.0 * n as f64 / of as f64
    }
}

/// The report `simulate` prints: the same summaries give the same bytes.
pub fn render(scenario: &Scenario, summaries: &[PolicySummary], seed: u64) -> String {
    let mut s = String::new();
    let runs = summaries.first().map(|x| x.runs).unwrap_or(0);
    let _ = writeln!(
        s,
        "scenario {} \"{}\" — {} runs per policy, seed {seed}",
        scenario.id,
        scenario.title.en(),
        runs
    );
    for sum in summaries {
        let _ = writeln!(s);
        let _ = writeln!(s, "== policy: {} ==", sum.policy.name());
        let total: usize = sum.objective_met.iter().sum();
        let _ = writeln!(
            s,
            "objectives met: {:.1}% overall",
            pct(total, sum.runs * scenario.objectives.len().max(1))
        );
        for (o, met) in scenario.objectives.iter().zip(&sum.objective_met) {
            let _ = writeln!(
                s,
                "  {:>5.1}%  {:<28} {}",
                pct(*met, sum.runs),
                o.id,
                o.title.en()
            );
        }
        let mut peaks = sum.peaks.clone();
        peaks.sort_unstable();
        let q = |p: f64| {
            peaks
                .get(((peaks.len() as f64 - 1.0) * p).round() as usize)
                .copied()
                .unwrap_or(0)
        };
        let mean = if peaks.is_empty() {
            0.0
        } else {
            peaks.iter().map(|p| *p as f64).sum::<f64>() / peaks.len() as f64
        };
        let _ = writeln!(
            s,
            "peak tension: mean {mean:.1}, min {}, median {}, p90 {}, max {}",
            q(0.0),
            q(0.5),
            q(0.9),
            q(1.0)
        );
        for (k, step) in scenario.ladder.iter().enumerate() {
            let upper = scenario.ladder.get(k + 1).map(|n| n.from).unwrap_or(101);
            let n = sum
                .peaks
                .iter()
                .filter(|p| **p >= step.from && **p < upper)
                .count();
            let bar = "#".repeat((pct(n, sum.runs) / 2.5).round() as usize);
            let _ = writeln!(
                s,
                "  {:<14} {:>5.1}%  {bar}",
                step.name.en(),
                pct(n, sum.runs)
            );
        }
        let _ = writeln!(s, "injects fired:");
        for (inj, n) in scenario.injects.iter().zip(&sum.fired) {
            let _ = writeln!(s, "  {:>5.1}%  {}", pct(*n, sum.runs), inj.id);
        }
        let never: Vec<&str> = scenario
            .injects
            .iter()
            .zip(&sum.fired)
            .filter(|(_, n)| **n == 0)
            .map(|(i, _)| i.id.as_str())
            .collect();
        let _ = writeln!(
            s,
            "never fired: {}",
            if never.is_empty() {
                "none".to_owned()
            } else {
                never.join(", ")
            }
        );
    }
    s
}
