//! The app's logic, headless: screen flow, scenario assets and their errors, the
//! journal and resume, and that every change goes through the engine. Plus the egui
//! panels, driven by real (simulated) clicks.

use std::path::{Path, PathBuf};

use bevy::asset::io::AssetSourceBuilder;
use bevy::asset::io::memory::{Dir, MemoryAssetReader};
use bevy::prelude::*;
use bevy::state::app::StatesPlugin;

use cbm_ttx::app::library::{FS, Library, asset_path};
use cbm_ttx::app::session::{Running, Viewing};
use cbm_ttx::app::{Intent, Screen, ShellPlugin};
use cbm_ttx::exercise::Exercise;
use cbm_ttx::storage::DataDir;
use cbm_ttx_core::engine::{Command, EventKind, Phase, Seat};

use crate::common::*;

/// A headless app whose `fs` source is an in-memory directory holding the bundled
/// scenarios (at their real paths) and whatever the test adds.
fn headless(data: &Path) -> (App, Dir) {
    let dir = Dir::default();
    for (name, text) in cbm_ttx_core::scenario::bundled::ALL {
        let real = std::env::current_dir()
            .unwrap()
            .join(name)
            .canonicalize()
            .unwrap();
        dir.insert_asset_text(&rel(&real), text);
    }
    let mut app = App::new();
    let reader_dir = dir.clone();
    app.register_asset_source(
        FS,
        AssetSourceBuilder::new(move || {
            Box::new(MemoryAssetReader {
                root: reader_dir.clone(),
            })
        }),
    );
    app.add_plugins((MinimalPlugins, StatesPlugin, AssetPlugin::default()))
        .insert_resource(DataDir(data.to_owned()))
        .add_plugins(ShellPlugin);
    (app, dir)
}

fn rel(p: &Path) -> PathBuf {
    p.strip_prefix("/").unwrap_or(p).to_owned()
}

/// Run frames until the condition holds (assets load on other threads).
fn until(app: &mut App, what: &str, cond: impl Fn(&mut App) -> bool) {
    for _ in 0..500 {
        app.update();
        if cond(app) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    panic!("timed out waiting for: {what}");
}

fn send(app: &mut App, i: Intent) {
    app.world_mut().write_message(i);
    app.update();
    app.update(); // state transitions apply on the next frame
}

fn screen(app: &App) -> Screen {
    *app.world().resource::<State<Screen>>().get()
}

fn exercise(app: &App) -> &Exercise {
    app.world().resource::<Exercise>()
}

fn running(app: &App) -> &Running {
    app.world().resource::<Running>()
}

fn loaded(app: &mut App) -> bool {
    app.world()
        .resource::<Library>()
        .entries
        .iter()
        .all(|e| e.compiled.is_some() || e.load_error.is_some())
}

#[test]
fn picker_to_lobby_to_exercise_to_debrief_with_a_journal() {
    let data = tempfile::tempdir().unwrap();
    let (mut app, _dir) = headless(data.path());
    until(&mut app, "library loaded", loaded);
    assert_eq!(screen(&app), Screen::Picker);
    {
        let lib = app.world().resource::<Library>();
        assert_eq!(lib.entries.len(), 2);
        assert!(
            lib.entries.iter().all(|e| e.scenario().is_some()),
            "{:?}",
            lib.entries
                .iter()
                .map(|e| &e.load_error)
                .collect::<Vec<_>>()
        );
        assert_eq!(lib.selected().unwrap().scenario().unwrap().id, "cascade");
    }
    send(&mut app, Intent::ToLobby);
    assert_eq!(screen(&app), Screen::Lobby);
    let first = Seat::State(cbm_ttx_core::scenario::StateId(0));
    send(&mut app, Intent::SetName(first, "Team North".into()));
    send(&mut app, Intent::SetRoundMinutes(10));
    send(
        &mut app,
        Intent::SetLanguage(cbm_ttx_core::scenario::Lang::Ru),
    );
    send(&mut app, Intent::StartExercise);
    assert_eq!(screen(&app), Screen::Console);
    let journal =
        {
            let s = &exercise(&app).session;
            assert_eq!(s.situation().phase(), Phase::Briefing);
            assert_eq!(s.settings().round_seconds, 600);
            assert!(s.events().iter().any(
                |e| matches!(&e.kind, EventKind::SeatTaken { name, .. } if name == "Team North")
            ));
            s.journal_path().unwrap().to_owned()
        };
    assert!(journal.starts_with(data.path()));
    send(
        &mut app,
        Intent::Command(Seat::Control, Command::BeginDeliberation { seconds: 600 }),
    );
    assert!(exercise(&app).session.clock().is_some_and(|c| c.running));
    send(&mut app, Intent::Show(Screen::Board));
    assert_eq!(screen(&app), Screen::Board);
    send(&mut app, Intent::Show(Screen::Console));
    send(&mut app, Intent::Command(Seat::Control, Command::End));
    assert_eq!(screen(&app), Screen::HotWash);
    // Notes can be added in the hot wash, after the end.
    send(
        &mut app,
        Intent::Command(
            Seat::Control,
            Command::Annotate {
                text: "Hot wash: the policy line was never tested.".into(),
            },
        ),
    );
    assert_eq!(running(&app).error, None);
    // Everything shown was journaled first, settings included.
    let loaded = cbm_ttx_core::journal::read(&journal).unwrap();
    assert_eq!(loaded.events(), exercise(&app).session.events());
    let settings = loaded.settings().unwrap();
    assert_eq!(settings.round_seconds, 600);
    assert_eq!(settings.lang, cbm_ttx_core::scenario::Lang::Ru);
    send(&mut app, Intent::CloseExercise);
    assert_eq!(screen(&app), Screen::Picker);
    assert!(app.world().get_resource::<Exercise>().is_none());
    assert!(app.world().get_resource::<Running>().is_none());
}

#[test]
fn a_broken_scenario_shows_its_errors_and_cannot_be_played() {
    let data = tempfile::tempdir().unwrap();
    let (mut app, dir) = headless(data.path());
    let broken = PathBuf::from("/exercises/broken.ron");
    dir.insert_asset_text(
        &rel(&broken),
        &TUTORIAL.replace("severity: 2", "severity: 11"),
    );
    until(&mut app, "library loaded", loaded);
    // Opening goes through the asset server (the in-memory file is not on disk).
    let handle = app
        .world()
        .resource::<AssetServer>()
        .load::<cbm_ttx::app::library::ScenarioAsset>(asset_path(&broken));
    app.world_mut()
        .resource_mut::<Library>()
        .entries
        .push(cbm_ttx::app::library::Entry {
            source: cbm_ttx::app::library::Source::File(broken.clone()),
            handle: Some(handle),
            compiled: None,
            load_error: None,
            reloads: 0,
        });
    until(&mut app, "broken file compiled", |app| {
        app.world().resource::<Library>().entries[2]
            .compiled
            .is_some()
    });
    {
        let lib = app.world().resource::<Library>();
        let report = lib.entries[2].report().unwrap();
        assert!(report.has_errors());
        let d = report.errors().next().unwrap();
        assert_eq!(d.problem, cbm_ttx_core::scenario::Problem::OutOfRange);
        assert!(
            d.line > 1 && report.file == "/exercises/broken.ron",
            "{}:{}",
            report.file,
            d.line
        );
    }
    send(&mut app, Intent::Select(2));
    send(&mut app, Intent::ToLobby);
    assert_eq!(
        screen(&app),
        Screen::Picker,
        "a scenario with errors must not reach the lobby"
    );
    assert!(app.world().resource::<Library>().open_error.is_some());
    // A path that does not exist is an error message, not a crash.
    send(&mut app, Intent::OpenFile("/nonexistent/x.ron".into()));
    assert!(
        app.world()
            .resource::<Library>()
            .open_error
            .as_deref()
            .unwrap()
            .contains("nonexistent")
    );
}

#[test]
fn editing_the_scenario_updates_the_library_but_not_a_running_exercise() {
    let data = tempfile::tempdir().unwrap();
    let (mut app, dir) = headless(data.path());
    until(&mut app, "library loaded", loaded);
    send(&mut app, Intent::Select(1));
    send(&mut app, Intent::ToLobby);
    send(&mut app, Intent::StartExercise);
    let hash = exercise(&app).session.scenario().content_hash.clone();
    let path = app.world().resource::<Library>().entries[1].file().unwrap();
    dir.insert_asset_text(
        &rel(&path),
        &TUTORIAL.replace("Exchange offline", "Exchange offline again"),
    );
    app.world()
        .resource::<AssetServer>()
        .reload(asset_path(&path));
    until(&mut app, "reloaded", |app| {
        app.world().resource::<Library>().entries[1].reloads > 0
    });
    let lib = app.world().resource::<Library>();
    assert_ne!(
        lib.entries[1].scenario().unwrap().content_hash,
        hash,
        "the library has the new version"
    );
    assert_eq!(
        exercise(&app).session.scenario().content_hash,
        hash,
        "the exercise keeps the version it started with"
    );
    let notice = running(&app).notice.clone();
    assert!(
        notice.as_deref().unwrap_or("").contains("changed on disk"),
        "{notice:?}"
    );
}

#[test]
fn a_seat_cannot_do_controls_work_through_the_ui_the_engine_refuses() {
    let data = tempfile::tempdir().unwrap();
    let (mut app, _dir) = headless(data.path());
    until(&mut app, "library loaded", loaded);
    send(&mut app, Intent::ToLobby);
    send(&mut app, Intent::StartExercise);
    let before = exercise(&app).session.events().len();
    let seat = Seat::State(cbm_ttx_core::scenario::StateId(0));
    send(
        &mut app,
        Intent::Command(seat, Command::BeginDeliberation { seconds: 0 }),
    );
    assert_eq!(exercise(&app).session.events().len(), before);
    assert_eq!(
        running(&app).error.as_deref(),
        Some("only exercise control may do that")
    );
    // Hot seat: switching to a seat covers the screen until its player reveals it.
    send(&mut app, Intent::View(Viewing::Seat(seat)));
    assert!(running(&app).covered);
    send(&mut app, Intent::Uncover);
    assert!(!running(&app).covered);
}

#[test]
fn kill_mid_round_and_resume_with_nothing_lost() {
    let data = tempfile::tempdir().unwrap();
    let events = {
        let (mut app, _dir) = headless(data.path());
        until(&mut app, "library loaded", loaded);
        send(&mut app, Intent::ToLobby);
        send(&mut app, Intent::StartExercise);
        send(
            &mut app,
            Intent::Command(Seat::Control, Command::BeginDeliberation { seconds: 300 }),
        );
        send(&mut app, Intent::SetRoundMinutes(7));
        let scenario = exercise(&app).session.scenario().clone();
        let ar = state(&scenario, "ardenia");
        let actor = body(&scenario, "ardenia", "mfa");
        let msg = cbm_ttx_core::engine::Action::ContactMessage {
            to: state(&scenario, "borovia"),
            level: cbm_ttx_core::scenario::Level::Policy,
            text: "Call us.".into(),
        };
        send(
            &mut app,
            Intent::Command(Seat::State(ar), Command::Submit { actor, action: msg }),
        );
        send(
            &mut app,
            Intent::Command(
                Seat::Control,
                Command::Annotate {
                    text: "Ardenia reached out quickly.".into(),
                },
            ),
        );
        exercise(&app).session.events().to_vec()
        // The app is dropped here without any goodbye: as good as a crash.
    };
    let (mut app, _dir) = headless(data.path());
    until(&mut app, "library loaded", loaded);
    let journals = app.world().resource::<Library>().journals.clone();
    assert_eq!(journals.len(), 1);
    assert!(!journals[0].ended);
    send(&mut app, Intent::Resume(journals[0].path.clone()));
    assert_eq!(screen(&app), Screen::Console);
    let s = &exercise(&app).session;
    assert_eq!(s.events(), &events[..]);
    assert_eq!(s.situation().phase(), Phase::Deliberation);
    assert_eq!(s.situation().staged().len(), 1, "the staged action is back");
    assert_eq!(
        s.settings().round_seconds,
        7 * 60,
        "the lobby's settings are back"
    );
    let clock = s.clock().expect("the round clock is back");
    assert!(clock.running && clock.remaining <= std::time::Duration::from_secs(300));
}

// ---- egui panels, clicked for real ------------------------------------------------

mod panels {
    use bevy_egui::egui;
    use cbm_ttx::app::Intent;
    use cbm_ttx::app::inputs::SeatInput;
    use cbm_ttx::app::ui::panels;
    use cbm_ttx::app::ui::widgets::button_id;
    use cbm_ttx_core::engine::{Action, Choice, Command, Game, Rejection, Seat, SeatView};
    use cbm_ttx_core::narrate::Narrator;
    use cbm_ttx_core::scenario::{ActionKind, Lang, Level};

    use crate::common::*;

    /// Draw a panel three times: lay out, press at the button's centre, release.
    /// Returns what the panel produced on the release frame.
    fn click(label: &str, mut panel: impl FnMut(&mut egui::Ui, &mut Vec<Intent>)) -> Vec<Intent> {
        let ctx = egui::Context::default();
        let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1200.0, 900.0));
        let input = |events| egui::RawInput {
            screen_rect: Some(screen),
            events,
            ..Default::default()
        };
        let mut ignored = Vec::new();
        ctx.run_ui(input(vec![]), |ui| panel(ui, &mut ignored))
            .textures_delta
            .clear();
        let rect: Option<egui::Rect> = ctx.data(|d| d.get_temp(button_id(label)));
        let at = rect
            .unwrap_or_else(|| panic!("no button {label:?} was drawn"))
            .center();
        let press = |pressed| egui::Event::PointerButton {
            pos: at,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: Default::default(),
        };
        ctx.run_ui(
            input(vec![egui::Event::PointerMoved(at), press(true)]),
            |ui| panel(ui, &mut ignored),
        )
        .textures_delta
        .clear();
        let mut out = Vec::new();
        ctx.run_ui(input(vec![press(false)]), |ui| panel(ui, &mut out))
            .textures_delta
            .clear();
        out
    }

    fn deliberating_view(seat: Seat) -> SeatView {
        let s = tutorial();
        let g: Game = deliberating(&s, 1);
        g.view(seat)
    }

    #[test]
    fn the_composer_stages_the_action_it_shows() {
        let s = tutorial();
        let view = deliberating_view(Seat::State(state(&s, "lakeland")));
        let n = Narrator::new(&view, Lang::En);
        let mut c = SeatInput {
            kind: Some(ActionKind::PolicyMessage),
            choice: Choice {
                state: Some(state(&s, "hillmark")),
                text: "Shall we talk?".into(),
                ..Default::default()
            },
            ..Default::default()
        };
        let out = click("Stage action", |ui, out| {
            panels::composer(ui, &n, &view, &mut c, out)
        });
        let lk = state(&s, "lakeland");
        // A policy-level message goes out from the foreign ministry by default.
        assert_eq!(
            out,
            vec![Intent::Command(
                Seat::State(lk),
                Command::Submit {
                    actor: body(&s, "lakeland", "mfa"),
                    action: Action::ContactMessage {
                        to: state(&s, "hillmark"),
                        level: Level::Policy,
                        text: "Shall we talk?".into()
                    }
                }
            )]
        );
        assert_eq!(
            c.choice.text, "Shall we talk?",
            "kept until the action shows up staged"
        );
    }

    #[test]
    fn the_composer_says_why_before_the_click_and_keeps_what_was_typed() {
        let s = tutorial();
        let view = deliberating_view(Seat::State(state(&s, "lakeland")));
        let n = Narrator::new(&view, Lang::En);
        let mut c = SeatInput {
            kind: Some(ActionKind::JointAnalysis),
            ..Default::default()
        };
        let out = click("Stage action", |ui, out| {
            panels::composer(ui, &n, &view, &mut c, out)
        });
        assert_eq!(out, vec![]);
        assert_eq!(c.build().err(), Some(Rejection::Missing("a State")));
        // A statement "about" one's own State: refused before the click, text kept.
        let mut c = SeatInput {
            kind: Some(ActionKind::PublicStatement),
            choice: Choice {
                state: Some(state(&s, "lakeland")),
                tone: Some(cbm_ttx_core::scenario::Tone::Neutral),
                text: "We are calm.".into(),
                ..Default::default()
            },
            ..Default::default()
        };
        let out = click("Stage action", |ui, out| {
            panels::composer(ui, &n, &view, &mut c, out)
        });
        assert_eq!(out, vec![]);
        assert_eq!(c.choice.text, "We are calm.");
    }

    #[test]
    fn a_body_seat_acts_as_itself_and_marks_ready() {
        let s = tutorial();
        let me = Seat::Body(body(&s, "hillmark", "interior"));
        let view = deliberating_view(me);
        let n = Narrator::new(&view, Lang::En);
        let mut c = SeatInput {
            kind: Some(ActionKind::NationalCoordination),
            ..Default::default()
        };
        let out = click("Stage action", |ui, out| {
            panels::composer(ui, &n, &view, &mut c, out)
        });
        assert!(
            matches!(out.as_slice(), [Intent::Command(seat, Command::Submit { actor, .. })] if *seat == me && Seat::Body(*actor) == me)
        );
        let out = click("We are ready", |ui, out| panels::staged(ui, &n, &view, out));
        assert_eq!(out, vec![Intent::Command(me, Command::Ready)]);
    }

    /// Every piece of text egui painted in one frame.
    fn painted(out: &egui::FullOutput) -> String {
        let mut all = String::new();
        for s in &out.shapes {
            if let egui::epaint::Shape::Text(t) = &s.shape {
                all.push_str(t.galley.text());
                all.push('\n');
            }
        }
        all
    }

    /// Hot seat: what one team typed and chose is theirs; the next team at the same
    /// screen sees none of it, and a new exercise starts with nothing.
    #[test]
    fn the_next_team_at_the_screen_sees_nothing_of_the_previous_teams_draft() {
        use cbm_ttx::app::session::{Running, Viewing};
        use cbm_ttx::app::ui::console;
        use cbm_ttx::exercise::Exercise;
        let s = tutorial();
        let mut session = cbm_ttx_core::session::Session::start(
            s.clone(),
            None,
            1,
            cbm_ttx_core::session::Recording::default(),
        )
        .unwrap();
        session.command(Seat::Control, Command::Start).unwrap();
        session
            .command(Seat::Control, Command::BeginDeliberation { seconds: 0 })
            .unwrap();
        let ex = Exercise::new(session);
        let mut running = Running::new(&ex);
        let lk = Seat::State(state(&s, "lakeland"));
        let hm = Seat::State(state(&s, "hillmark"));
        // Lakeland's team drafts a message, chooses a target and an acting body.
        running.viewing = Viewing::Seat(lk);
        let draft = running.input(lk);
        draft.kind = Some(ActionKind::PolicyMessage);
        draft.actor = Some(body(&s, "lakeland", "finance"));
        draft.choice.state = Some(state(&s, "hillmark"));
        draft.choice.text = "SECRET-DRAFT-7Q: we suspect Hillmark".into();
        // Hillmark's team takes the screen.
        running.viewing = Viewing::Seat(hm);
        let mut ex = ex;
        let view = ex.session.view(hm).clone();
        let n = Narrator::new(&view, Lang::En);
        let ctx = egui::Context::default();
        let input = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(
                egui::Pos2::ZERO,
                egui::vec2(1600.0, 1000.0),
            )),
            ..Default::default()
        };
        let mut intents = Vec::new();
        let mut frame = |running: &mut Running| {
            ctx.run_ui(input.clone(), |ui| {
                console::seat_view(ui, &n, None, &view, running.input(hm), &mut intents)
            })
        };
        frame(&mut running).textures_delta.clear();
        let mut out = frame(&mut running);
        out.textures_delta.clear();
        let text = painted(&out);
        assert!(text.contains("Hillmark"), "the seat view was drawn: {text}");
        assert!(
            !text.contains("SECRET-DRAFT-7Q"),
            "the draft leaked: {text}"
        );
        assert!(
            !text.contains("Financial Market Authority"),
            "the chosen body leaked"
        );
        assert_eq!(running.input(hm).choice.text, "");
        assert_eq!(running.input(hm).kind, None);
        // Lakeland's draft is still there when its team comes back.
        assert!(running.input(lk).choice.text.starts_with("SECRET-DRAFT-7Q"));
    }
}

mod fonts {
    use bevy_egui::egui::{self, FontId};
    use cbm_ttx_core::scenario::{Lang, Text};

    use crate::common::*;

    /// Every symbol the UI draws (✔ comes from the emoji fallback font, where egui's
    /// has_glyph gives a false negative; it is checked on screenshots) and every Russian text of the reference scenario
    /// render with the fonts the app ships (no empty boxes).
    #[test]
    fn cyrillic_scenario_text_and_ui_symbols_have_glyphs() {
        let ctx = egui::Context::default();
        ctx.run_ui(egui::RawInput::default(), |_| {})
            .textures_delta
            .clear();
        let font = FontId::proportional(15.0);
        let s = cascade();
        let mut texts: Vec<String> = vec!["·»–—•…‹⏱×".into()];
        let mut add = |t: &Text| {
            if let Text::Translated(map) = t
                && let Some(ru) = map.get("ru")
            {
                texts.push(ru.clone());
            }
        };
        add(&s.title);
        add(&s.summary);
        s.states.iter().for_each(|st| add(&st.name));
        s.injects.iter().for_each(|i| add(&i.text));
        s.rounds.iter().for_each(|r| add(&r.title));
        assert!(texts.len() > 10, "the reference scenario has Russian texts");
        assert!(texts.iter().any(|t| t.contains("Ардения")));
        for t in texts {
            let missing: String = t
                .chars()
                .filter(|c| !ctx.fonts_mut(|f| f.has_glyph(&font, *c)))
                .collect();
            assert!(missing.is_empty(), "no glyph for {missing:?} in {t:?}");
        }
        assert_eq!(s.title.get(Lang::Ru), "Каскад: зима инцидентов");
    }
}

#[test]
fn replay_steps_through_a_journal_and_forks_a_new_exercise() {
    let data = tempfile::tempdir().unwrap();
    let s = tutorial();
    let played = cbm_ttx_core::sim::play(s.clone(), 8, cbm_ttx_core::sim::Policy::Cooperative);
    let jdir = data.path().join("journals");
    std::fs::create_dir_all(&jdir).unwrap();
    let path = jdir.join("tutorial-old.jsonl");
    write_journal(&path, &played);
    let (mut app, _dir) = headless(data.path());
    until(&mut app, "library loaded", loaded);
    assert_eq!(app.world().resource::<Library>().journals.len(), 1);
    send(&mut app, Intent::Replay(path.clone()));
    assert_eq!(screen(&app), Screen::Replay);
    send(&mut app, Intent::ReplayRound(9));
    assert_eq!(
        app.world().resource::<cbm_ttx::app::intent::Replay>().round,
        2,
        "clamped to the last round played"
    );
    send(&mut app, Intent::Fork);
    assert_eq!(screen(&app), Screen::Console);
    let session = &exercise(&app).session;
    let cut = cbm_ttx_core::engine::history::round_start(played.events(), 2).unwrap();
    assert_eq!(&session.events()[..cut], &played.events()[..cut]);
    assert_eq!(session.situation().round(), 2);
    assert_eq!(session.situation().phase(), Phase::Briefing);
    let fork = cbm_ttx_core::journal::read(session.journal_path().unwrap()).unwrap();
    assert_eq!(fork.header.origin.as_ref().map(|o| o.round), Some(2));
    assert_eq!(fork.events(), session.events());
}
