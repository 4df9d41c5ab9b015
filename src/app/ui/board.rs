//! Screen: the situation board for a projector. What an observer may see, large type.

use bevy::prelude::*;
use bevy_egui::{
    EguiContexts, EguiPrimaryContextPass,
    egui::{self, RichText},
};

use super::panels;
use super::widgets::*;
use crate::app::intent::Intent;
use crate::app::screen::Screen;
use crate::exercise::Exercise;
use crate::web::{JoinInfo, WebHost};
use cbm_ttx_core::engine::{EventKind, Phase, Seat};
use cbm_ttx_core::narrate::{Mood, Narrator};

pub fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        draw.run_if(in_state(Screen::Board)).in_set(super::Draw),
    );
}

fn draw(
    mut contexts: EguiContexts,
    exercise: Option<ResMut<Exercise>>,
    web: Option<Res<WebHost>>,
    mut out: MessageWriter<Intent>,
) -> Result {
    let Some(mut ex) = exercise else {
        return Ok(());
    };
    let ctx = contexts.ctx_mut()?.clone();
    out.write_batch(show(&ctx, &mut ex, web.as_deref().map(WebHost::join)));
    Ok(())
}

/// The board: what an observer may see, in large type; with the web client on, how
/// to join from a browser (address and QR code) under the ladder.
pub fn show(ctx: &egui::Context, ex: &mut Exercise, web: Option<&JoinInfo>) -> Vec<Intent> {
    let mut intents = Vec::new();
    if !ctx.text_edit_focused()
        && ctx.input(|i| i.key_pressed(egui::Key::B) || i.key_pressed(egui::Key::Escape))
    {
        intents.push(Intent::Show(Screen::Console));
    }
    let mut root = root_ui(ctx);
    let ui = &mut root;
    let lang = ex.session.settings().lang;
    let clock = ex.session.clock();
    // The board shows what an observer may see: nothing private.
    let view = ex.session.view(Seat::Observer).clone();
    let n = Narrator::new(&view, lang);
    let scenario = view.scenario();
    egui::Panel::top("board-top").show(ui, |ui| {
        ui.add_space(8.0);
        ui.horizontal_wrapped(|ui| {
            let title = view
                .round_info(view.round)
                .map(|r| r.title.get(lang))
                .unwrap_or("");
            ui.label(RichText::new(title).size(34.0).strong());
            ui.label(
                RichText::new(format!(
                    "round {} of {}",
                    view.round,
                    scenario.round_count()
                ))
                .size(26.0)
                .color(MUTED),
            );
            let phase = n.phase_of(&view);
            ui.label(RichText::new(phase).size(28.0).color(MUTED));
            if let Some(c) = clock.filter(|_| view.phase == Phase::Deliberation) {
                let color = if c.remaining.as_secs() <= 60 {
                    BAD
                } else {
                    ACCENT
                };
                ui.label(
                    RichText::new(clock_text(c.remaining))
                        .size(48.0)
                        .strong()
                        .color(color),
                );
            }
            if button(ui, "Back to console (B)") {
                intents.push(Intent::Show(Screen::Console));
            }
        });
        ui.add_space(8.0);
    });
    egui::Panel::left("board-ladder")
        .resizable(false)
        .exact_size(side_width(ui, ui.available_width() * 0.42))
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("board-left")
                .show(ui, |ui| {
                    ui.label(RichText::new("Escalation ladder").size(24.0).strong());
                    ui.add_space(6.0);
                    let steps = scenario.ladder.len();
                    for (k, step) in scenario.ladder.iter().enumerate().rev() {
                        let text =
                            RichText::new(format!(" {}  from {} ", step.name.get(lang), step.from))
                                .size(18.0)
                                .strong();
                        egui::Frame::new()
                            .fill(ladder_color(k, steps))
                            .corner_radius(4)
                            .inner_margin(4)
                            .show(ui, |ui| {
                                ui.label(text.color(egui::Color32::WHITE));
                            });
                    }
                    ui.add_space(10.0);
                    panels::tension_table(ui, &n, &view.tension, 17.0);
                    if let Some(w) = web {
                        ui.add_space(12.0);
                        ui.label(RichText::new("Join from a browser").size(20.0).strong());
                        ui.label(RichText::new(&w.address).size(20.0).monospace());
                        ui.label(RichText::new(format!("code {}", w.code)).size(20.0));
                        qr_code(ui, &w.qr, ui.available_width().clamp(120.0, 200.0))
                            .on_hover_text(&w.url);
                    }
                });
        });
    egui::CentralPanel::default().show(ui, |ui| {
        ui.label(RichText::new("Tension over the rounds").size(24.0).strong());
        panels::tension_chart(ui, &n, &view, ui.available_height() * 0.45, "board-chart");
        ui.add_space(8.0);
        ui.label(RichText::new("Public events").size(24.0).strong());
        egui::ScrollArea::vertical()
            .id_salt("board-feed")
            .show(ui, |ui| feed(ui, &n, &view));
    });
    intents
}

/// The public feed, newest first, coloured by whether each line eases or strains.
fn feed(ui: &mut egui::Ui, n: &Narrator, view: &cbm_ttx_core::engine::SeatView) {
    for e in view.events.iter().rev() {
        if !cbm_ttx_core::narrate::on_board(&e.kind) {
            continue;
        }
        let Some(line) = n.line(e) else { continue };
        let color = match line.mood {
            Mood::Straining => BAD,
            Mood::Easing => GOOD,
            Mood::Neutral => match line.kind {
                cbm_ttx_core::narrate::Kind::Inject => ACCENT,
                cbm_ttx_core::narrate::Kind::Directory => M8,
                _ => egui::Color32::from_gray(40),
            },
        };
        ui.horizontal_wrapped(|ui| {
            ui.label(
                RichText::new(format!("round {}", line.round))
                    .size(18.0)
                    .color(MUTED),
            );
            ui.label(RichText::new(&line.title).size(21.0).color(color).strong());
        });
        if let (
            Some(body),
            EventKind::InjectRevealed { .. }
            | EventKind::Statement { .. }
            | EventKind::Attribution { .. }
            | EventKind::Countermeasure { .. }
            | EventKind::AdHocInject { .. },
        ) = (&line.body, &e.kind)
        {
            ui.label(RichText::new(body).size(17.0));
        }
        ui.add_space(6.0);
    }
}
