//! Screen 4: the debrief — objectives, tensions, what each State did under which
//! measure, the facilitator's notes, and where the journal is.

use bevy::prelude::*;
use bevy_egui::{
    EguiContexts,
    egui::{self, RichText},
};

use super::UiState;
use super::panels;
use super::widgets::*;
use crate::app::intent::Intent;
use crate::app::session::Session;
use cbm_ttx_core::engine::{EventKind, Seat, evaluate_all};
use cbm_ttx_core::narrate::Narrator;
use cbm_ttx_core::scenario::Measure;

pub fn draw(
    mut contexts: EguiContexts,
    session: Option<ResMut<Session>>,
    mut st: ResMut<UiState>,
    mut out: MessageWriter<Intent>,
) -> Result {
    let Some(mut session) = session else {
        return Ok(());
    };
    let ctx = contexts.ctx_mut()?.clone();
    let mut root = root_ui(&ctx);
    let ui = &mut root;
    let scenario = session.scenario.clone();
    let n = Narrator::new(&scenario, session.lang);
    let view = session.view(Seat::Control).clone();
    let outcomes = evaluate_all(&scenario, session.events());
    egui::Panel::top("debrief-top").show(ui, |ui| {
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            ui.label(
                RichText::new(format!("Debrief — {}", scenario.title.get(n.lang)))
                    .size(24.0)
                    .strong(),
            );
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if button(ui, "New exercise") {
                    out.write(Intent::NewExercise);
                }
                if button(ui, "Export report") {
                    st.export = Some(export(&session));
                }
                if view.phase != cbm_ttx_core::engine::Phase::Ended && button(ui, "Back to the exercise") {
                    out.write(Intent::Show(crate::app::screen::Screen::Exercise));
                }
            });
        });
        if let Some(result) = &st.export {
            match result {
                Ok(p) => ui.label(RichText::new(format!("Report written: {p}")).color(GOOD)),
                Err(e) => ui.label(RichText::new(format!("Report failed: {e}")).color(BAD)),
            };
        }
        ui.add_space(6.0);
    });
    egui::Panel::right("debrief-notes")
        .exact_size(400.0)
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("debrief-notes")
                .show(ui, |ui| {
                    card(ui, "Facilitator notes", |ui| {
                        let mut any = false;
                        for e in &view.events {
                            if let EventKind::Annotation { text } = &e.kind {
                                ui.label(RichText::new(format!("Round {}: {text}", e.round)));
                                any = true;
                            }
                        }
                        if !any {
                            ui.label(muted("No notes were taken."));
                        }
                    });
                    ui.add_space(6.0);
                    card(ui, "The record", |ui| match session.journal_path() {
                        Some(p) => {
                            ui.label("Journal (every event, in order):");
                            ui.label(RichText::new(p.display().to_string()).monospace().small());
                            ui.label(muted(format!("cbm-ttx report {}", p.display())));
                        }
                        None => {
                            ui.label(muted("This exercise was not journaled."));
                        }
                    });
                });
        });
    egui::CentralPanel::default().show(ui, |ui| {
        egui::ScrollArea::vertical()
            .id_salt("debrief-center")
            .show(ui, |ui| {
                let met = outcomes
                    .iter()
                    .filter(|o| o.status == cbm_ttx_core::engine::Status::Met)
                    .count();
                card(
                    ui,
                    &format!("Objectives: {met} of {} met", outcomes.len()),
                    |ui| panels::objectives(ui, &n, &outcomes),
                );
                ui.add_space(6.0);
                card(ui, "Tension over the rounds", |ui| {
                    panels::tension_chart(ui, &n, &view, 260.0, "debrief-chart")
                });
                ui.add_space(6.0);
                card(ui, "Actions per State and measure", |ui| {
                    actions_table(ui, &n, &view)
                });
            });
    });
    Ok(())
}

fn actions_table(ui: &mut egui::Ui, n: &Narrator, view: &cbm_ttx_core::engine::SeatView) {
    egui::Grid::new("actions-per-measure")
        .striped(true)
        .num_columns(5)
        .spacing([16.0, 4.0])
        .show(ui, |ui| {
            for h in ["State", "Measure 2", "Measure 8", "Other", "Total"] {
                ui.label(RichText::new(h).strong());
            }
            ui.end_row();
            for s in n.scenario.state_ids() {
                let mut counts = [0usize; 3];
                for e in &view.events {
                    if let EventKind::ActionResolved { actor, kind, .. } = &e.kind
                        && actor.state == s
                        && *kind != cbm_ttx_core::scenario::ActionKind::Pass
                    {
                        counts[match kind.measure() {
                            Some(Measure::M2) => 0,
                            Some(Measure::M8) => 1,
                            None => 2,
                        }] += 1;
                    }
                }
                ui.label(n.state(s));
                ui.label(RichText::new(counts[0].to_string()).color(M2));
                ui.label(RichText::new(counts[1].to_string()).color(M8));
                ui.label(counts[2].to_string());
                ui.label(counts.iter().sum::<usize>().to_string());
                ui.end_row();
            }
        });
}

/// Write the after-action report next to the journal.
fn export(session: &Session) -> Result<String, String> {
    let Some(journal) = session.journal_path() else {
        return Err("this exercise was not journaled".into());
    };
    let mut dir = journal.as_os_str().to_owned();
    dir.push(".report");
    let opts = cbm_ttx_core::report::Options {
        anonymise: false,
        lang: Some(session.lang),
        journal: Some(journal.display().to_string()),
    };
    cbm_ttx_core::report::write(
        &session.scenario,
        session.game.seed(),
        session.events(),
        std::path::Path::new(&dir),
        &opts,
    )
    .map(|files| files.first().cloned().unwrap_or_default())
    .map_err(|e| e.to_string())
}
