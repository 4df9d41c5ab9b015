//! Every screen drawn with egui_kittest at the sizes and scales a workshop meets
//! (1280×720, 1600×1000, 1920×1080; scale 1.0 and 1.5), with demonstration content
//! and with long unbroken words. Checked by measuring what was drawn, not by eye:
//! no control runs off the window, no text is cut off at the side of its column, no
//! two controls overlap, no paragraph is justified, and the controls a screen is for
//! (its main button, Stage, We are ready…) are on screen without scrolling at 1.0.

use std::cell::Cell;
use std::sync::Arc;

use bevy_egui::egui::{self, Rect, accesskit::Role, epaint::Shape};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

use cbm_ttx::app::Intent;
use cbm_ttx::app::Screen;
use cbm_ttx::app::inputs::SeatInput;
use cbm_ttx::app::intent::Lobby;
use cbm_ttx::app::library::{Entry, Library, Source};
use cbm_ttx::app::screenshot::{demo_exercise, demo_lobby, demo_participant, demo_replay};
use cbm_ttx::app::session::{Running, Viewing};
use cbm_ttx::app::ui::console::ConsoleState;
use cbm_ttx::app::ui::picker::PickerState;
use cbm_ttx::app::ui::{
    board, confirm, console, hotwash, lobby, participant, picker, replay, widgets,
};
use cbm_ttx::exercise::Exercise;
use cbm_ttx_core::engine::{Command, Seat};
use cbm_ttx_core::scenario::{ActionKind, Scenario};

use crate::common::*;

pub const SIZES: [(f32, f32); 3] = [(1280.0, 720.0), (1600.0, 1000.0), (1920.0, 1080.0)];
pub const SCALES: [f32; 2] = [1.0, 1.5];

/// A 124-character title without a space, and a State with a long name.
const LONG: &str = "Exchange-wide-outage-of-the-central-securities-depository-settlement-and-clearing-platforms-after-a-ransomware-intrusion-XYZ";

fn long_words() -> Arc<Scenario> {
    assert_eq!(LONG.chars().count(), 124);
    let src = TUTORIAL
        .replace("\"Exchange offline\"", &format!("\"{LONG}\""))
        .replace(
            "\"A note from the cybercrime unit\"",
            &format!("\"{LONG}-2\""),
        );
    let s = compile(&src);
    assert!(s.injects.iter().any(|i| i.title.en() == LONG));
    Arc::new(s)
}

/// What one frame drew, in points.
struct Drawn {
    size: egui::Vec2,
    /// Interactive controls: role, label, rectangle.
    controls: Vec<(Role, String, Rect)>,
    /// What text fields hold (scrolled inside the field, not cut off).
    values: Vec<String>,
    /// Text: the text, its rectangle, its clip rectangle, justified over several rows.
    texts: Vec<(String, Rect, Rect, bool)>,
}

fn flatten(shape: &Shape, clip: Rect, out: &mut Vec<(String, Rect, Rect, bool)>) {
    match shape {
        Shape::Vec(v) => v.iter().for_each(|s| flatten(s, clip, out)),
        Shape::Text(t) => {
            // Row by row: a label that follows another on a wrapped line starts where
            // the other ends, though its galley's rectangle begins at the line's start.
            let justified = t.galley.job.justify && t.galley.rows.len() > 1;
            for row in &t.galley.rows {
                if row.row.glyphs.is_empty() {
                    continue;
                }
                let r = row.rect_without_leading_space().translate(t.pos.to_vec2());
                out.push((row.text(), r, clip, justified));
            }
        }
        _ => {}
    }
}

fn measure(h: &Harness<'_, ()>, size: egui::Vec2) -> Drawn {
    let mut texts = Vec::new();
    for s in &h.output().shapes {
        flatten(&s.shape, s.clip_rect, &mut texts);
    }
    let interactive = [
        Role::Button,
        Role::CheckBox,
        Role::TextInput,
        Role::MultilineTextInput,
        Role::ComboBox,
        Role::Slider,
        Role::SpinButton,
        Role::RadioButton,
    ];
    let controls = h
        .root()
        .children_recursive()
        .filter(|n| interactive.contains(&n.accesskit_node().role()))
        .map(|n| {
            (
                n.accesskit_node().role(),
                n.accesskit_node().label().unwrap_or_default(),
                n.rect(),
            )
        })
        .collect();
    let values = h
        .root()
        .children_recursive()
        .filter_map(|n| n.value())
        .filter(|v| !v.is_empty())
        .collect();
    Drawn {
        size,
        controls,
        values,
        texts,
    }
}

/// The faults this test exists for, as messages.
fn faults(d: &Drawn) -> Vec<String> {
    let mut out = Vec::new();
    let screen = Rect::from_min_size(egui::Pos2::ZERO, d.size);
    for (role, label, r) in &d.controls {
        if r.min.x < screen.min.x - 0.5 || r.max.x > screen.max.x + 0.5 {
            out.push(format!("{role:?} {label:?} runs off the window: {r:?}"));
        }
    }
    for (i, (ra, la, a)) in d.controls.iter().enumerate() {
        for (rb, lb, b) in &d.controls[i + 1..] {
            let o = a.intersect(*b);
            let nested = a.contains_rect(*b) || b.contains_rect(*a);
            if o.is_positive() && o.area() > 4.0 && !nested {
                out.push(format!("{ra:?} {la:?} {a:?} overlaps {rb:?} {lb:?} {b:?}"));
            }
        }
    }
    for (text, r, clip, justified) in &d.texts {
        let in_view = r.max.y > clip.min.y && r.min.y < clip.max.y;
        let cut = r.min.x < clip.min.x - 1.0 || r.max.x > clip.max.x + 1.0;
        let in_field = d.values.iter().any(|v| v.contains(text.trim()));
        if in_view && cut && !text.trim().is_empty() && !in_field {
            out.push(format!(
                "text {text:?} is cut off at the side: {r:?} in {clip:?}"
            ));
        }
        if *justified {
            out.push(format!("text {text:?} is justified (stretched spaces)"));
        }
    }
    // Visible texts of different columns must not overlap.
    let visible: Vec<(&String, Rect)> = d
        .texts
        .iter()
        .map(|(t, r, c, _)| (t, r.intersect(*c)))
        .filter(|(t, r)| r.is_positive() && r.area() > 20.0 && !t.trim().is_empty())
        .collect();
    for (i, (ta, a)) in visible.iter().enumerate() {
        for (tb, b) in &visible[i + 1..] {
            let o = a.intersect(*b);
            if o.is_positive() && o.area() > 0.25 * a.area().min(b.area()) {
                out.push(format!("text {ta:?} {a:?} overlaps text {tb:?} {b:?}"));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Draw a screen at every size and scale; fail with every fault found. `visible`:
/// labels that must be on screen, without scrolling, at scale 1.0.
fn check(name: &str, visible: &[&str], mut draw: impl FnMut(&egui::Context) -> Vec<Intent>) {
    let mut all = Vec::new();
    for (w, h) in SIZES {
        for scale in SCALES {
            let size = egui::vec2(w / scale, h / scale);
            let styled = Cell::new(false);
            let mut harness = Harness::builder()
                .with_size(size)
                .with_pixels_per_point(scale)
                .with_max_steps(8)
                .build_ui(|ui| {
                    let ctx = ui.ctx().clone();
                    if !styled.replace(true) {
                        widgets::apply_style(&ctx);
                    }
                    draw(&ctx);
                });
            let _ = harness.try_run();
            let d = measure(&harness, size);
            for f in faults(&d) {
                all.push(format!("{name} at {w}×{h}, scale {scale}: {f}"));
            }
            if scale == 1.0 {
                for label in visible {
                    match harness.query_by_label(label) {
                        None => all.push(format!("{name} at {w}×{h}: no {label:?} drawn")),
                        Some(n) => {
                            let r = n.rect();
                            let screen = Rect::from_min_size(egui::Pos2::ZERO, size);
                            if !screen.contains_rect(r) {
                                all.push(format!(
                                    "{name} at {w}×{h}: {label:?} is not fully on screen: {r:?}"
                                ));
                            }
                        }
                    }
                }
            }
        }
    }
    assert!(all.is_empty(), "{} faults:\n{}", all.len(), all.join("\n"));
}

/// A floating window (over the screen, so overlaps are its nature): at every size and
/// scale its title and `visible` controls are fully inside the app's window.
fn check_window(
    name: &str,
    title: &str,
    visible: &[&str],
    mut draw: impl FnMut(&egui::Context) -> Vec<Intent>,
) {
    let mut all = Vec::new();
    for (w, h) in SIZES {
        for scale in SCALES {
            let size = egui::vec2(w / scale, h / scale);
            let styled = Cell::new(false);
            let mut harness = Harness::builder()
                .with_size(size)
                .with_pixels_per_point(scale)
                .with_max_steps(8)
                .build_ui(|ui| {
                    let ctx = ui.ctx().clone();
                    if !styled.replace(true) {
                        widgets::apply_style(&ctx);
                    }
                    draw(&ctx);
                });
            let _ = harness.try_run();
            let screen = Rect::from_min_size(egui::Pos2::ZERO, size);
            for label in std::iter::once(&title).chain(visible) {
                match harness.query_by_label(label) {
                    None => all.push(format!("{name} at {w}×{h}, scale {scale}: no {label:?}")),
                    Some(n) if !screen.contains_rect(n.rect()) => all.push(format!(
                        "{name} at {w}×{h}, scale {scale}: {label:?} is off screen: {:?}",
                        n.rect()
                    )),
                    Some(_) => {}
                }
            }
        }
    }
    assert!(all.is_empty(), "{} faults:\n{}", all.len(), all.join("\n"));
}

fn library(scenarios: &[Arc<Scenario>]) -> Library {
    Library {
        entries: scenarios
            .iter()
            .map(|s| Entry {
                source: Source::Bundled("cascade.ron"),
                handle: None,
                compiled: Some((
                    Some(s.clone()),
                    cbm_ttx_core::scenario::compile_str("cascade.ron", CASCADE).report,
                )),
                load_error: None,
                reloads: 0,
            })
            .collect(),
        selected: 0,
        journals: Vec::new(),
        open_error: None,
    }
}

#[test]
fn picker_fits_every_size() {
    let lib = library(&[cascade(), long_words()]);
    let mut st = PickerState::default();
    check("picker", &["Continue to the lobby  »"], |ctx| {
        picker::show(ctx, &lib, &mut st)
    });
}

#[test]
fn lobby_fits_every_size_with_seats_under_their_state() {
    for s in [cascade(), long_words()] {
        let mut l: Lobby = demo_lobby(s.clone(), None, None);
        for (seat, name) in l.names.iter_mut() {
            if matches!(seat, Seat::State(_)) {
                *name =
                    "Delegation-of-the-Ministry-of-Foreign-Affairs-and-International-Co-operation"
                        .into();
            }
        }
        check("lobby", &["Start the exercise  »"], |ctx| {
            lobby::show(ctx, &l, None, None, None)
        });
        // Hosting with the web client on: the browser address and its QR code too.
        let web = join_info_for_tests();
        check("lobby with web", &["Start the exercise  »"], |ctx| {
            lobby::show(ctx, &l, None, Some(&web), None)
        });
    }
}

fn console_of(s: &Arc<Scenario>, target: Screen) -> (Exercise, Running) {
    let ex = demo_exercise(s, None, target, None).expect("demonstration exercise");
    let running = Running::new(&ex);
    (ex, running)
}

#[test]
fn console_fits_every_size() {
    for s in [cascade(), long_words()] {
        let (mut ex, mut running) = console_of(&s, Screen::Console);
        let mut st = ConsoleState::default();
        // Cascade stops in round 3's deliberation; the two-round tutorial at its end.
        let main = if s.round_count() >= 3 {
            "Close deliberation and resolve  (N)"
        } else {
            "End the exercise  (N)"
        };
        check("console", &[main], |ctx| {
            console::show(ctx, &mut running, &mut ex, &mut st, None, false)
        });
        st.tab = console::Tab::Adjudicate;
        check("console (adjudicate)", &["Add note"], |ctx| {
            console::show(ctx, &mut running, &mut ex, &mut st, None, false)
        });
        st.tab = console::Tab::Log;
        check("console (log)", &[], |ctx| {
            console::show(ctx, &mut running, &mut ex, &mut st, None, false)
        });
        // The help window stays inside the window at every size and scale.
        st.tab = console::Tab::Discussion;
        st.show_help = true;
        check_window(
            "console help",
            "How to run an exercise",
            &["Close help"],
            |ctx| console::show(ctx, &mut running, &mut ex, &mut st, None, false),
        );
        st.show_help = false;
    }
}

#[test]
fn seat_view_fits_every_size_with_stage_and_ready_in_view() {
    for s in [cascade(), long_words()] {
        let (mut ex, mut running) = console_of(&s, Screen::Console);
        let mut st = ConsoleState::default();
        // The last State has staged nothing yet: its view has the Ready button.
        let last = s.state_ids().last().unwrap();
        let seat = Seat::State(last);
        running.viewing = Viewing::Seat(seat);
        running.covered = false;
        let input = running.input(seat);
        input.kind = Some(ActionKind::PolicyMessage);
        input.choice.text = LONG.into();
        check("seat view", &["Stage action", "We are ready"], |ctx| {
            console::show(ctx, &mut running, &mut ex, &mut st, None, false)
        });
        running.covered = true;
        check("privacy cover", &["Show my view"], |ctx| {
            console::show(ctx, &mut running, &mut ex, &mut st, None, false)
        });
    }
}

#[test]
fn board_hotwash_and_replay_fit_every_size() {
    for s in [cascade(), long_words()] {
        let (mut ex, _) = console_of(&s, Screen::Board);
        check("board", &["Back to console (B)"], |ctx| {
            board::show(ctx, &mut ex, None)
        });
        let web = join_info_for_tests();
        check("board with web", &["Back to console (B)"], |ctx| {
            board::show(ctx, &mut ex, Some(&web))
        });
        let (mut ex, mut running) = console_of(&s, Screen::HotWash);
        check("hot wash", &["Export report"], |ctx| {
            hotwash::show(ctx, &mut running, &mut ex)
        });
        let rp = demo_replay(s.clone(), None, None);
        check("replay", &["Fork: play round 2 again"], |ctx| {
            replay::show(ctx, &rp)
        });
    }
}

#[test]
fn participant_fits_every_size() {
    for s in [cascade(), long_words()] {
        let client = demo_participant(&s, None, None);
        let mut input = SeatInput::default();
        check("participant", &["‹ Leave"], |ctx| {
            participant::show(ctx, Some(&client), &mut input, 0.0)
        });
    }
}

#[test]
fn the_confirmation_fits_every_size() {
    let s = cascade();
    let (mut ex, mut running) = console_of(&s, Screen::Console);
    let mut st = ConsoleState::default();
    let ask = Intent::Command(Seat::Control, Command::End).confirm(
        format!("Reveal “{LONG}” now?"),
        "It cannot be undone.",
        "Reveal now",
    );
    let Intent::Ask(c) = ask else { unreachable!() };
    // Over the console (nothing behind it answers), then alone to measure it.
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1280.0, 720.0))
        .build_ui(|ui| {
            let ctx = ui.ctx().clone();
            console::show(&ctx, &mut running, &mut ex, &mut st, None, true);
            confirm::show(&ctx, &c);
        });
    harness.run();
    harness.get_by_label("Cancel");
    drop(harness);
    check("confirmation", &["Reveal now", "Cancel"], |ctx| {
        confirm::show(ctx, &c)
    });
}

/// How a browser would join a host on a typical venue network.
fn join_info_for_tests() -> cbm_ttx::web::JoinInfo {
    let opts = cbm_ttx::web::WebOptions {
        bind: "192.168.1.20:5151".parse().unwrap(),
        public_url: None,
    };
    cbm_ttx::web::join_info(&opts, 5151, "K7QXM2")
}
