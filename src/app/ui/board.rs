//! Screen: the situation board for a projector. Public information only, large type.

use bevy::prelude::*;
use bevy_egui::{
    EguiContexts,
    egui::{self, RichText},
};

use super::panels;
use super::widgets::*;
use crate::app::intent::Intent;
use crate::app::screen::Screen;
use crate::app::session::Session;
use cbm_ttx_core::engine::{EventKind, Phase, Seat};
use cbm_ttx_core::narrate::{Kind, Narrator};

pub fn draw(
    mut contexts: EguiContexts,
    session: Option<ResMut<Session>>,
    mut out: MessageWriter<Intent>,
) -> Result {
    let Some(mut session) = session else {
        return Ok(());
    };
    let ctx = contexts.ctx_mut()?.clone();
    if !ctx.text_edit_focused()
        && ctx.input(|i| i.key_pressed(egui::Key::B) || i.key_pressed(egui::Key::Escape))
    {
        out.write(Intent::Show(Screen::Exercise));
    }
    let mut root = root_ui(&ctx);
    let ui = &mut root;
    let scenario = session.scenario.clone();
    let n = Narrator::new(&scenario, session.lang);
    // The board shows what an observer may see: nothing private.
    let view = session.view(Seat::Observer).clone();
    egui::Panel::top("board-top").show(ui, |ui| {
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            let title = scenario
                .rounds
                .get(view.round.saturating_sub(1) as usize)
                .map(|r| r.title.get(n.lang))
                .unwrap_or("");
            ui.label(RichText::new(title).size(34.0).strong());
            ui.label(
                RichText::new(format!("{} / {}", view.round, scenario.round_count()))
                    .size(26.0)
                    .color(MUTED),
            );
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if button(ui, "Back to console (B)") {
                    out.write(Intent::Show(Screen::Exercise));
                }
                if session.clock.timed && view.phase == Phase::Deliberation {
                    let color = if session.clock.remaining <= 60.0 {
                        BAD
                    } else {
                        ACCENT
                    };
                    ui.label(
                        RichText::new(clock_text(session.clock.remaining))
                            .size(48.0)
                            .strong()
                            .color(color),
                    );
                }
                let phase = if view.paused {
                    "Paused".to_owned()
                } else {
                    view.phase.label().to_owned()
                };
                ui.label(RichText::new(phase).size(28.0).color(MUTED));
            });
        });
        ui.add_space(8.0);
    });
    egui::Panel::left("board-ladder")
        .exact_size(ui.available_width() * 0.42)
        .show(ui, |ui| {
            ui.label(RichText::new("Escalation ladder").size(24.0).strong());
            ui.add_space(6.0);
            let steps = scenario.ladder.len();
            for (k, step) in scenario.ladder.iter().enumerate().rev() {
                ui.horizontal_wrapped(|ui| {
                    let text =
                        RichText::new(format!(" {}  from {} ", step.name.get(n.lang), step.from))
                            .size(18.0)
                            .strong();
                    egui::Frame::new()
                        .fill(ladder_color(k, steps))
                        .corner_radius(4)
                        .inner_margin(4)
                        .show(ui, |ui| {
                            ui.label(text.color(egui::Color32::WHITE));
                        });
                });
            }
            ui.add_space(10.0);
            panels::tension_table(ui, &n, &view.tension, 17.0);
        });
    egui::CentralPanel::default().show(ui, |ui| {
        ui.label(RichText::new("Tension over the rounds").size(24.0).strong());
        panels::tension_chart(ui, &n, &view, ui.available_height() * 0.45, "board-chart");
        ui.add_space(8.0);
        ui.label(RichText::new("Public events").size(24.0).strong());
        egui::ScrollArea::vertical()
            .id_salt("board-feed")
            .show(ui, |ui| {
                for e in view.events.iter().rev() {
                    let public = matches!(
                        e.kind,
                        EventKind::InjectRevealed { .. }
                            | EventKind::AdHocInject { .. }
                            | EventKind::IncidentOpened { .. }
                            | EventKind::Statement { .. }
                            | EventKind::Attribution { .. }
                            | EventKind::Countermeasure { .. }
                            | EventKind::ContactsUpdated { .. }
                            | EventKind::RoundOpened
                    );
                    if !public {
                        continue;
                    }
                    let Some(line) = n.line(e) else { continue };
                    let color = match line.kind {
                        Kind::Public => BAD,
                        Kind::Inject => ACCENT,
                        Kind::Directory => M8,
                        _ => MUTED,
                    };
                    ui.horizontal_wrapped(|ui| {
                        ui.label(
                            RichText::new(format!("R{}", line.round))
                                .size(18.0)
                                .color(MUTED),
                        );
                        ui.label(RichText::new(&line.title).size(21.0).color(color).strong());
                    });
                    if let (
                        Some(body),
                        EventKind::InjectRevealed { .. }
                        | EventKind::Statement { .. }
                        | EventKind::AdHocInject { .. },
                    ) = (&line.body, &e.kind)
                    {
                        ui.label(RichText::new(body).size(17.0));
                    }
                    ui.add_space(6.0);
                }
            });
    });
    Ok(())
}
