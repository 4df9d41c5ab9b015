//! The app's logic, headless: screen flow, scenario assets and their errors, the
//! journal and resume, and that every change goes through the engine. Plus the egui
//! panels, driven by real (simulated) clicks.

use std::path::{Path, PathBuf};

use bevy::asset::io::AssetSourceBuilder;
use bevy::asset::io::memory::{Dir, MemoryAssetReader};
use bevy::prelude::*;
use bevy::state::app::StatesPlugin;

use cbm_ttx::app::intent::Draft;
use cbm_ttx::app::library::{FS, Library, asset_path};
use cbm_ttx::app::session::{Session, Viewing};
use cbm_ttx::app::storage::DataDir;
use cbm_ttx::app::{Intent, Screen, ShellPlugin};
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
    {
        let mut d = app.world_mut().resource_mut::<Draft>();
        d.names[0].1 = "Team North".into();
        d.round_minutes = 10;
    }
    send(&mut app, Intent::StartExercise);
    assert_eq!(screen(&app), Screen::Exercise);
    let journal =
        {
            let s = app.world().resource::<Session>();
            assert_eq!(s.game.state().phase, Phase::Briefing);
            assert_eq!(s.round_seconds, 600);
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
    assert!(app.world().resource::<Session>().clock.timed);
    send(&mut app, Intent::Show(Screen::Board));
    assert_eq!(screen(&app), Screen::Board);
    send(&mut app, Intent::Show(Screen::Exercise));
    send(&mut app, Intent::Command(Seat::Control, Command::End));
    assert_eq!(screen(&app), Screen::Debrief);
    // Everything shown was journaled first.
    let loaded = cbm_ttx_core::journal::read(&journal).unwrap();
    assert_eq!(loaded.events, app.world().resource::<Session>().events());
    send(&mut app, Intent::NewExercise);
    assert_eq!(screen(&app), Screen::Picker);
    assert!(app.world().get_resource::<Session>().is_none());
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
    let hash = app
        .world()
        .resource::<Session>()
        .scenario
        .content_hash
        .clone();
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
    let s = app.world().resource::<Session>();
    assert_eq!(
        s.scenario.content_hash, hash,
        "the exercise keeps the version it started with"
    );
    assert!(
        s.notice
            .as_deref()
            .unwrap_or("")
            .contains("changed on disk"),
        "{:?}",
        s.notice
    );
}

#[test]
fn a_seat_cannot_do_controls_work_through_the_ui_the_engine_refuses() {
    let data = tempfile::tempdir().unwrap();
    let (mut app, _dir) = headless(data.path());
    until(&mut app, "library loaded", loaded);
    send(&mut app, Intent::ToLobby);
    send(&mut app, Intent::StartExercise);
    let before = app.world().resource::<Session>().events().len();
    let seat = Seat::State(cbm_ttx_core::scenario::StateId(0));
    send(
        &mut app,
        Intent::Command(seat, Command::BeginDeliberation { seconds: 0 }),
    );
    let s = app.world().resource::<Session>();
    assert_eq!(s.events().len(), before);
    assert_eq!(
        s.error.as_deref(),
        Some("only exercise control may do that")
    );
    // Hot seat: switching to a seat covers the screen until its player reveals it.
    send(&mut app, Intent::View(Viewing::Seat(seat)));
    assert!(app.world().resource::<Session>().covered);
    send(&mut app, Intent::Uncover);
    assert!(!app.world().resource::<Session>().covered);
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
        let s = app.world().resource::<Session>();
        let scenario = s.scenario.clone();
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
        app.world().resource::<Session>().events().to_vec()
        // The app is dropped here without any goodbye: as good as a crash.
    };
    let (mut app, _dir) = headless(data.path());
    until(&mut app, "library loaded", loaded);
    let journals = app.world().resource::<Library>().journals.clone();
    assert_eq!(journals.len(), 1);
    assert!(!journals[0].ended);
    send(&mut app, Intent::Resume(journals[0].path.clone()));
    assert_eq!(screen(&app), Screen::Exercise);
    let s = app.world().resource::<Session>();
    assert_eq!(s.events(), &events[..]);
    assert_eq!(s.game.state().phase, Phase::Deliberation);
    assert_eq!(s.game.state().staged.len(), 1, "the staged action is back");
    assert!(s.clock.timed);
}

// ---- egui panels, clicked for real ------------------------------------------------

mod panels {
    use bevy_egui::egui;
    use cbm_ttx::app::Intent;
    use cbm_ttx::app::ui::panels::{self, Composer};
    use cbm_ttx::app::ui::widgets::button_id;
    use cbm_ttx_core::engine::{Action, Command, Game, Seat, SeatView};
    use cbm_ttx_core::narrate::Narrator;
    use cbm_ttx_core::scenario::{ActionKind, Lang, Level};

    use crate::common::*;

    /// Draw a panel three times: lay out, press at the button's centre, release.
    /// Returns what the panel produced on the release frame.
    fn click<T>(label: &str, mut panel: impl FnMut(&mut egui::Ui) -> Option<T>) -> Option<T> {
        let ctx = egui::Context::default();
        let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1200.0, 900.0));
        let input = |events| egui::RawInput {
            screen_rect: Some(screen),
            events,
            ..Default::default()
        };
        ctx.run_ui(input(vec![]), |ui| {
            panel(ui);
        })
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
            |ui| {
                panel(ui);
            },
        )
        .textures_delta
        .clear();
        let mut out = None;
        ctx.run_ui(input(vec![press(false)]), |ui| {
            if let Some(x) = panel(ui) {
                out = Some(x);
            }
        })
        .textures_delta
        .clear();
        out
    }

    fn deliberating_view(seat: Seat) -> (std::sync::Arc<cbm_ttx_core::scenario::Scenario>, SeatView) {
        let s = tutorial();
        let g: Game = deliberating(&s, 1);
        let v = SeatView::build(&s, seat, g.events());
        (s, v)
    }

    #[test]
    fn the_composer_stages_the_action_it_shows() {
        let (s, view) = deliberating_view(Seat::State(state(&tutorial(), "lakeland")));
        let n = Narrator::new(&s, Lang::En);
        let mut c = Composer {
            kind: Some(ActionKind::PolicyMessage),
            target: Some(state(&s, "hillmark")),
            text: "Shall we talk?".into(),
            ..Default::default()
        };
        let out = click("Stage action", |ui| panels::composer(ui, &n, &view, &mut c));
        let lk = state(&s, "lakeland");
        assert_eq!(
            out,
            Some(Intent::Command(
                Seat::State(lk),
                Command::Submit {
                    actor: body(&s, "lakeland", "cert"),
                    action: Action::ContactMessage {
                        to: state(&s, "hillmark"),
                        level: Level::Policy,
                        text: "Shall we talk?".into()
                    }
                }
            ))
        );
    }

    #[test]
    fn the_composer_stays_disabled_until_the_action_is_complete() {
        let (s, view) = deliberating_view(Seat::State(state(&tutorial(), "lakeland")));
        let n = Narrator::new(&s, Lang::En);
        let mut c = Composer {
            kind: Some(ActionKind::JointAnalysis),
            ..Default::default()
        };
        assert_eq!(c.build().err(), Some("choose a State"));
        let out = click("Stage action", |ui| panels::composer(ui, &n, &view, &mut c));
        assert_eq!(out, None);
    }

    #[test]
    fn a_body_seat_acts_as_itself_and_marks_ready() {
        let s = tutorial();
        let me = Seat::Body(body(&s, "hillmark", "interior"));
        let (s, view) = deliberating_view(me);
        let n = Narrator::new(&s, Lang::En);
        let mut c = Composer {
            kind: Some(ActionKind::NationalCoordination),
            ..Default::default()
        };
        let out = click("Stage action", |ui| panels::composer(ui, &n, &view, &mut c));
        assert!(
            matches!(out, Some(Intent::Command(seat, Command::Submit { actor, .. })) if seat == me && Seat::Body(actor) == me)
        );
        let out = click("We are ready", |ui| panels::staged(ui, &n, &view));
        assert_eq!(out, Some(Intent::Command(me, Command::Ready)));
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
    let mut w = cbm_ttx_core::journal::Writer::create(
        &path,
        &cbm_ttx_core::journal::Header::new(&s, 8),
        cbm_ttx_core::journal::Durability::Flush,
    )
    .unwrap();
    w.append(played.events()).unwrap();
    drop(w);
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
    assert_eq!(screen(&app), Screen::Exercise);
    let session = app.world().resource::<Session>();
    let cut = cbm_ttx_core::engine::history::round_start(played.events(), 2).unwrap();
    assert_eq!(&session.events()[..cut], &played.events()[..cut]);
    assert_eq!(session.game.state().round, 2);
    assert_eq!(session.game.state().phase, Phase::Briefing);
    let fork = cbm_ttx_core::journal::read(session.journal_path().unwrap()).unwrap();
    assert_eq!(fork.header.origin.as_ref().map(|o| o.round), Some(2));
    assert_eq!(fork.events, session.events());
}
