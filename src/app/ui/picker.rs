//! Screen 1: choose a scenario, open a file, or resume an unfinished exercise.

use bevy::prelude::*;
use bevy_egui::{
    EguiContexts, EguiPrimaryContextPass,
    egui::{self, RichText},
};

use super::widgets::*;
use crate::app::intent::Intent;
use crate::app::library::{Library, Source};
use crate::app::screen::Screen;
use crate::storage::JournalEntry;
use cbm_ttx_core::narrate::{Narrator, Record, count};
use cbm_ttx_core::scenario::{Lang, Severity};

/// What is typed on the picker (a path, the join form).
#[derive(Resource, Debug, Default)]
pub struct PickerState {
    pub path_input: String,
    pub join_addr: String,
    pub join_code: String,
    pub join_name: String,
}

pub fn plugin(app: &mut App) {
    app.init_resource::<PickerState>().add_systems(
        EguiPrimaryContextPass,
        draw.run_if(in_state(Screen::Picker)).in_set(super::Draw),
    );
}

/// "Cascade — 29 Nov 2026 14:05 UTC · round 3 of 5 · Ana, Boris".
fn journal_label(lib: &Library, j: &JournalEntry) -> (String, String) {
    let title = lib
        .entries
        .iter()
        .filter_map(|e| e.scenario())
        .find(|s| s.content_hash == j.header.scenario_hash)
        .map(|s| s.title.en().to_owned())
        .unwrap_or_else(|| j.header.scenario_id.clone());
    let when = j
        .started
        .map(|t| {
            let s = t.to_string();
            format!("{} {} UTC", &s[..10], &s[11..16])
        })
        .unwrap_or_default();
    let who = if j.participants.is_empty() {
        String::new()
    } else {
        format!(" · {}", j.participants.join(", "))
    };
    let state = if j.ended {
        format!("ended after round {}", j.round)
    } else {
        format!("stopped in round {}", j.round)
    };
    (
        title,
        format!(
            "{when} · {state}{who}{}",
            if j.torn { " · last line torn" } else { "" }
        ),
    )
}

/// When a journal was started, for button labels ("2026-11-29 14:05").
fn started(j: &JournalEntry) -> String {
    j.started
        .map(|t| {
            let s = t.to_string();
            format!("{} {}", &s[..10], &s[11..16])
        })
        .unwrap_or_else(|| {
            j.path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        })
}

fn draw(
    mut contexts: EguiContexts,
    lib: Res<Library>,
    mut ui_state: ResMut<PickerState>,
    mut out: MessageWriter<Intent>,
) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    out.write_batch(show(&ctx, &lib, &mut ui_state));
    Ok(())
}

/// The picker, drawn from the library and what was typed on it.
pub fn show(ctx: &egui::Context, lib: &Library, ui_state: &mut PickerState) -> Vec<Intent> {
    let mut root = root_ui(ctx);
    let ui = &mut root;
    let mut intents = Vec::new();
    egui::Panel::top("picker-top").show(ui, |ui| {
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            ui.label(RichText::new("cbm-ttx").size(26.0).strong().color(ACCENT));
            ui.label(muted(
                "Tabletop exercises on OSCE cyber/ICT confidence-building measures 2 and 8",
            ));
        });
        ui.add_space(6.0);
    });
    egui::Panel::left("picker-list")
        .resizable(false)
        .exact_size(side_width(ui, 400.0))
        .show(ui, |ui| {
        egui::ScrollArea::vertical().show(ui, |ui| {
            card(ui, "Scenarios", |ui| {
                for (i, e) in lib.entries.iter().enumerate() {
                    let mut label = e.label();
                    if matches!(e.source, Source::Bundled(_)) {
                        label.push_str("  · bundled");
                    }
                    let bad = e.report().is_some_and(|r| r.has_errors()) || e.load_error.is_some();
                    let text = if bad { RichText::new(format!("! {label}")).color(BAD) } else { RichText::new(label) };
                    if ui.selectable_label(lib.selected == i, text).clicked() {
                        intents.push(Intent::Select(i));
                    }
                }
            });
            ui.add_space(8.0);
            card(ui, "Open a scenario file", |ui| {
                let r = ui.add(
                    egui::TextEdit::singleline(&mut ui_state.path_input)
                        .hint_text("/path/to/scenario.ron")
                        .desired_width(f32::INFINITY),
                );
                let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                if (button(ui, "Open") || enter) && !ui_state.path_input.trim().is_empty() {
                    intents.push(Intent::OpenFile(ui_state.path_input.trim().into()));
                }
                if let Some(err) = &lib.open_error {
                    ui.label(RichText::new(err).color(BAD));
                }
            });
            ui.add_space(8.0);
            card(ui, "Join a session on the network", |ui| {
                egui::Grid::new("join-grid").num_columns(2).show(ui, |ui| {
                    ui.label("Host");
                    ui.add(egui::TextEdit::singleline(&mut ui_state.join_addr).hint_text("192.168.1.20").desired_width(200.0));
                    ui.end_row();
                    ui.label("Code");
                    ui.add(egui::TextEdit::singleline(&mut ui_state.join_code).hint_text("from the facilitator").desired_width(200.0));
                    ui.end_row();
                    ui.label("Your name");
                    ui.add(egui::TextEdit::singleline(&mut ui_state.join_name).desired_width(200.0));
                    ui.end_row();
                });
                let ok = if ui_state.join_addr.trim().is_empty() || ui_state.join_code.trim().is_empty() {
                    Err("enter the host's address and the join code")
                } else {
                    Ok(())
                };
                if button_if(ui, ok, "Join") {
                    intents.push(Intent::JoinLan {
                        addr: ui_state.join_addr.trim().to_owned(),
                        code: ui_state.join_code.trim().to_owned(),
                        name: ui_state.join_name.trim().to_owned(),
                    });
                }
            });
            ui.add_space(8.0);
            card(ui, "Unfinished exercises", |ui| {
                let open: Vec<_> = lib.journals.iter().filter(|j| !j.ended).take(8).collect();
                if open.is_empty() {
                    ui.label(muted("None. Every exercise is journaled as it runs; if the app closes mid-round it can be resumed here."));
                }
                for j in open {
                    let (title, detail) = journal_label(lib, j);
                    ui.label(RichText::new(&title).strong());
                    ui.label(muted(&detail));
                    if button(ui, format!("Resume {} of {}", cbm_ttx_core::narrate::Quoted(title), started(j))) {
                        intents.push(Intent::Resume(j.path.clone()));
                    }
                }
            });
            ui.add_space(8.0);
            card(ui, "Recorded exercises (replay, fork)", |ui| {
                let done: Vec<_> = lib.journals.iter().take(8).collect();
                if done.is_empty() {
                    ui.label(muted("None yet."));
                }
                for j in done {
                    let (title, detail) = journal_label(lib, j);
                    ui.label(RichText::new(&title).strong());
                    ui.label(muted(&detail));
                    if button(ui, format!("Replay {} of {}", cbm_ttx_core::narrate::Quoted(title), started(j))) {
                        intents.push(Intent::Replay(j.path.clone()));
                    }
                }
            });
        });
    });
    egui::CentralPanel::default().show(ui, |ui| {
        egui::ScrollArea::vertical().show(ui, |ui| details(ui, lib, &mut intents));
    });
    intents
}

fn details(ui: &mut egui::Ui, lib: &Library, intents: &mut Vec<Intent>) {
    let Some(e) = lib.selected() else {
        ui.label("No scenario.");
        return;
    };
    if let Some(err) = &e.load_error {
        card(ui, "This file cannot be read", |ui| {
            ui.label(RichText::new(err).color(BAD));
        });
        return;
    }
    let Some(report) = e.report() else {
        ui.label(muted("Loading…"));
        return;
    };
    if let Some(s) = e.scenario() {
        let lang = s.languages.first().copied().unwrap_or(Lang::En);
        let record = Record {
            scenario: s,
            events: &[],
        };
        let n = Narrator::new(&record, lang);
        card(ui, "", |ui| {
            ui.label(RichText::new(s.title.get(lang)).size(26.0).strong());
            ui.label(muted(format!(
                "{} · version {} · {} · languages: {}",
                if s.author.is_empty() {
                    "unknown author"
                } else {
                    &s.author
                },
                if s.version.is_empty() {
                    "—"
                } else {
                    &s.version
                },
                report.file,
                s.languages
                    .iter()
                    .map(|l| l.native_name())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
            if e.reloads > 0 {
                ui.label(
                    RichText::new(format!(
                        "Reloaded from disk ({})",
                        count(e.reloads as usize, "time", "times")
                    ))
                    .color(ACCENT),
                );
            }
            ui.add_space(6.0);
            ui.label(RichText::new(s.summary.get(lang)).size(16.0));
            ui.add_space(10.0);
            if primary(ui, true, "Continue to the lobby  »") {
                intents.push(Intent::ToLobby);
            }
        });
        ui.add_space(8.0);
        ui.columns(2, |cols| {
            // Columns are justified layouts: plain top-down keeps paragraphs unstretched.
            let plain = egui::Layout::top_down(egui::Align::Min);
            cols[0].with_layout(plain, |ui| {
                card(ui, &count(s.states.len(), "State", "States"), |ui| {
                    for st in s.state_ids() {
                        let def = s.state(st);
                        ui.label(RichText::new(n.state(st)).strong());
                        let bodies: Vec<&str> =
                            def.bodies.iter().map(|b| b.name.get(lang)).collect();
                        ui.label(RichText::new(bodies.join(" · ")).small().color(MUTED));
                    }
                })
            });
            cols[1].with_layout(plain, |ui| {
                card(ui, &count(s.rounds.len(), "round", "rounds"), |ui| {
                    for (i, r) in s.rounds.iter().enumerate() {
                        ui.label(format!("{}. {}", i + 1, r.title.get(lang)));
                    }
                    ui.add_space(6.0);
                    ui.label(muted(format!(
                        "{} · {} · {} · {} per seat and round{}",
                        count(s.incidents.len(), "incident", "incidents"),
                        count(s.injects.len(), "inject", "injects"),
                        count(s.objectives.len(), "objective", "objectives"),
                        count(s.actions_per_round as usize, "action", "actions"),
                        if s.round_seconds > 0 {
                            format!(" · {} min clock", s.round_seconds / 60)
                        } else {
                            String::new()
                        }
                    )));
                })
            });
        });
        ui.add_space(8.0);
        card(ui, "Objectives", |ui| {
            for o in &s.objectives {
                ui.label(format!("• {}", o.title.get(lang)));
            }
        });
    } else {
        card(ui, "This scenario has errors", |ui| {
            ui.label("Fix them in the file; the list updates when you save.");
        });
    }
    if !report.diagnostics.is_empty() {
        ui.add_space(8.0);
        let errors = report.errors().count();
        let title = format!(
            "{}, {}",
            count(errors, "error", "errors"),
            count(report.warnings().count(), "warning", "warnings")
        );
        card(ui, &title, |ui| {
            for d in &report.diagnostics {
                let color = if d.severity == Severity::Error {
                    BAD
                } else {
                    WARN
                };
                ui.label(
                    RichText::new(format!(
                        "{}:{}:{}  {}",
                        report.file, d.line, d.col, d.message
                    ))
                    .color(color)
                    .monospace(),
                );
                if let Some(h) = &d.hint {
                    ui.label(RichText::new(format!("    hint: {h}")).small().color(MUTED));
                }
            }
        });
    }
}
