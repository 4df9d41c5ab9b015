//! Screen 4: the debrief (hot wash) — objectives, tensions, what each State did under
//! which measure, the facilitator's notes (and a field to add more: the hot wash is
//! where most are taken), the report, and where the journal is.

use bevy::prelude::*;
use bevy_egui::{
    EguiContexts, EguiPrimaryContextPass,
    egui::{self, RichText},
};

use super::panels;
use super::widgets::*;
use crate::app::intent::Intent;
use crate::app::screen::Screen;
use crate::app::session::Running;
use crate::exercise::Exercise;
use cbm_ttx_core::engine::{Command, EventKind, Phase, Seat, SeatView, Status, evaluate_all};
use cbm_ttx_core::narrate::{Narrator, Record};
use cbm_ttx_core::scenario::{ActionKind, Measure};

pub fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        draw.run_if(in_state(Screen::HotWash)).in_set(super::Draw),
    );
}

fn draw(
    mut contexts: EguiContexts,
    running: Option<ResMut<Running>>,
    exercise: Option<ResMut<Exercise>>,
    mut out: MessageWriter<Intent>,
) -> Result {
    let (Some(mut running), Some(mut ex)) = (running, exercise) else {
        return Ok(());
    };
    let ctx = contexts.ctx_mut()?.clone();
    out.write_batch(show(&ctx, &mut running, &mut ex));
    Ok(())
}

/// The hot wash: objectives, tensions, actions, notes (with a field for more), report.
pub fn show(ctx: &egui::Context, running: &mut Running, ex: &mut Exercise) -> Vec<Intent> {
    let mut root = root_ui(ctx);
    let ui = &mut root;
    let mut intents = Vec::new();
    let scenario = ex.session.scenario().clone();
    let lang = ex.session.settings().lang;
    let view = ex.session.view(Seat::Control).clone();
    let record = Record {
        scenario: &scenario,
        events: &view.events,
    };
    let n = Narrator::new(&record, lang);
    let outcomes = evaluate_all(&scenario, &view.events);
    egui::Panel::top("debrief-top").show(ui, |ui| {
        ui.add_space(6.0);
        ui.horizontal_wrapped(|ui| {
            ui.label(
                RichText::new(format!("Debrief — {}", scenario.title.get(lang)))
                    .size(24.0)
                    .strong(),
            );
            if view.phase != Phase::Ended && button(ui, "Back to the exercise") {
                intents.push(Intent::Show(Screen::Console));
            }
            if button(ui, "Export report") {
                intents.push(Intent::ExportReport);
            }
            if button(ui, "Close and return to scenarios") {
                intents.push(Intent::CloseExercise);
            }
        });
        if let Some(msg) = running.error.clone().or(running.notice.clone()) {
            let color = if running.error.is_some() { BAD } else { GOOD };
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(msg).color(color).strong());
                if button(ui, "Dismiss") {
                    intents.push(Intent::DismissNotice);
                }
            });
        }
        ui.add_space(6.0);
    });
    egui::Panel::right("debrief-notes")
        .resizable(false)
        .exact_size(side_width(ui, 400.0))
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("debrief-notes")
                .show(ui, |ui| {
                    card(ui, "Facilitator notes", |ui| {
                        notes(ui, &view, running, &mut intents)
                    });
                    ui.add_space(6.0);
                    card(ui, "The record", |ui| match ex.session.journal_path() {
                        Some(p) => {
                            ui.label("Journal (every command and event, in order):");
                            ui.label(RichText::new(p.display().to_string()).monospace());
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
                let met = outcomes.iter().filter(|o| o.status == Status::Met).count();
                card(
                    ui,
                    &format!("Objectives: {met} of {} met", outcomes.len()),
                    |ui| panels::objectives(ui, &scenario, lang, &outcomes),
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
    intents
}

/// Notes taken so far, and a field for more (recorded even after the exercise ended).
fn notes(ui: &mut egui::Ui, view: &SeatView, running: &mut Running, intents: &mut Vec<Intent>) {
    let draft = &mut running.control_inputs.note;
    text_field(ui, "note", draft, "an observation from the hot wash", 3);
    let ok = if draft.trim().is_empty() {
        Err("write something first")
    } else {
        Ok(())
    };
    if button_if(ui, ok, "Add note") {
        intents.push(Intent::Command(
            Seat::Control,
            Command::Annotate {
                text: draft.trim().to_owned(),
            },
        ));
        draft.clear();
    }
    let mut any = false;
    for e in view.events.iter().rev() {
        if let EventKind::Annotation { text } = &e.kind {
            ui.label(format!("Round {}: {text}", e.round));
            any = true;
        }
    }
    if !any {
        ui.label(muted("No notes yet."));
    }
}

fn actions_table(ui: &mut egui::Ui, n: &Narrator, view: &SeatView) {
    egui::Grid::new("actions-per-measure")
        .striped(true)
        .num_columns(5)
        .spacing([16.0, 4.0])
        .show(ui, |ui| {
            for h in ["State", "Measure 2", "Measure 8", "Other", "Total"] {
                ui.label(RichText::new(h).strong());
            }
            ui.end_row();
            for s in n.scenario().state_ids() {
                let mut counts = [0usize; 3];
                for e in &view.events {
                    if let EventKind::ActionResolved { actor, kind, .. } = &e.kind
                        && actor.state == s
                        && *kind != ActionKind::Pass
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
