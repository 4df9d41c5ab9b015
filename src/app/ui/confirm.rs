//! The question before an irreversible step (the engine has no undo): drawn over any
//! screen while [`Confirming`] holds one; nothing behind it can be clicked, Enter
//! confirms and Esc cancels.

use bevy::prelude::*;
use bevy_egui::{
    EguiContexts,
    egui::{self, RichText},
};

use super::widgets::*;
use crate::app::intent::{Confirm, Confirming, Intent};

pub(super) fn draw(
    mut contexts: EguiContexts,
    confirming: Res<Confirming>,
    mut out: MessageWriter<Intent>,
) -> Result {
    if let Some(c) = &confirming.0 {
        let ctx = contexts.ctx_mut()?.clone();
        out.write_batch(show(&ctx, c));
    }
    Ok(())
}

/// The dialog for a question; returns the answer when given.
pub fn show(ctx: &egui::Context, c: &Confirm) -> Vec<Intent> {
    let mut out = Vec::new();
    let width = (ctx.content_rect().width() - 40.0).clamp(200.0, 520.0);
    egui::Modal::new(egui::Id::new("cbm-ttx-confirm")).show(ctx, |ui| {
        ui.set_width(width);
        ui.label(RichText::new(&c.question).size(20.0).strong());
        ui.add_space(6.0);
        ui.label(&c.detail);
        ui.add_space(10.0);
        ui.horizontal_wrapped(|ui| {
            if primary(ui, true, c.yes.clone()) {
                out.push(Intent::Answer(true));
            }
            if button(ui, "Cancel") {
                out.push(Intent::Answer(false));
            }
        });
        ui.label(muted("Enter: yes · Esc: cancel"));
    });
    if out.is_empty() {
        let (enter, esc) = ctx.input(|i| {
            (
                i.key_pressed(egui::Key::Enter),
                i.key_pressed(egui::Key::Escape),
            )
        });
        if enter {
            out.push(Intent::Answer(true));
        } else if esc {
            out.push(Intent::Answer(false));
        }
    }
    out
}
