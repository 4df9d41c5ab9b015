//! Small widgets and the look of the app.

use bevy_egui::egui::{self, Color32, CornerRadius, Frame, Margin, RichText, Stroke, Ui};

pub const ACCENT: Color32 = Color32::from_rgb(0x1f, 0x6f, 0xb2);
pub const M2: Color32 = Color32::from_rgb(0x2e, 0x7d, 0x5b);
pub const M8: Color32 = Color32::from_rgb(0x6a, 0x4c, 0x9c);
pub const OTHER: Color32 = Color32::from_rgb(0x70, 0x70, 0x70);
pub const WARN: Color32 = Color32::from_rgb(0xb2, 0x6b, 0x00);
pub const BAD: Color32 = Color32::from_rgb(0xb0, 0x2a, 0x2a);
pub const GOOD: Color32 = Color32::from_rgb(0x2e, 0x7d, 0x32);
pub const CARD: Color32 = Color32::from_rgb(0xf7, 0xf8, 0xfa);
pub const PAGE: Color32 = Color32::from_rgb(0xe9, 0xec, 0xf0);
pub const MUTED: Color32 = Color32::from_rgb(0x5f, 0x66, 0x70);

/// The app's light, high-contrast style (projectors wash out dark themes).
pub fn apply_style(ctx: &egui::Context) {
    ctx.set_theme(egui::ThemePreference::Light);
    ctx.all_styles_mut(|style| {
        style.spacing.item_spacing = egui::vec2(8.0, 6.0);
        style.spacing.button_padding = egui::vec2(10.0, 5.0);
        style.visuals.panel_fill = PAGE;
        style.visuals.window_fill = CARD;
        style.visuals.selection.bg_fill = ACCENT.gamma_multiply(0.35);
        use egui::{FontId, TextStyle};
        style.text_styles = [
            (TextStyle::Heading, FontId::proportional(22.0)),
            (TextStyle::Body, FontId::proportional(15.0)),
            (TextStyle::Button, FontId::proportional(15.0)),
            (TextStyle::Small, FontId::proportional(12.5)),
            (TextStyle::Monospace, FontId::monospace(13.5)),
        ]
        .into();
    });
}

/// A button whose rectangle is remembered under its label, so tests can click it.
pub fn button(ui: &mut Ui, label: impl Into<String>) -> bool {
    let label = label.into();
    let r = ui.button(label.as_str());
    remember(ui, &label, r.rect);
    r.clicked()
}

/// A button that may be disabled, with the reason as its tooltip.
pub fn button_if(ui: &mut Ui, enabled: Result<(), &str>, label: impl Into<String>) -> bool {
    let label = label.into();
    let r = ui.add_enabled(enabled.is_ok(), egui::Button::new(label.as_str()));
    remember(ui, &label, r.rect);
    let r = match enabled {
        Err(why) => r.on_disabled_hover_text(why),
        Ok(()) => r,
    };
    r.clicked()
}

/// The main action of a screen: large and coloured.
pub fn primary(ui: &mut Ui, enabled: bool, label: impl Into<String>) -> bool {
    let label = label.into();
    let b = egui::Button::new(
        RichText::new(label.as_str())
            .size(17.0)
            .strong()
            .color(Color32::WHITE),
    )
    .fill(if enabled { ACCENT } else { OTHER })
    .min_size(egui::vec2(160.0, 34.0));
    let r = ui.add_enabled(enabled, b);
    remember(ui, &label, r.rect);
    r.clicked()
}

fn remember(ui: &Ui, label: &str, rect: egui::Rect) {
    ui.ctx().data_mut(|d| d.insert_temp(button_id(label), rect));
}

/// Where the button with this label was last drawn (for tests).
pub fn button_id(label: &str) -> egui::Id {
    egui::Id::new(("cbm-ttx-button", label))
}

/// A framed section with a title.
pub fn card<R>(ui: &mut Ui, title: &str, add: impl FnOnce(&mut Ui) -> R) -> R {
    Frame::new()
        .fill(CARD)
        .stroke(Stroke::new(1.0, Color32::from_gray(210)))
        .corner_radius(CornerRadius::same(6))
        .inner_margin(Margin::same(10))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            if !title.is_empty() {
                ui.label(RichText::new(title).size(16.0).strong());
                ui.add_space(4.0);
            }
            add(ui)
        })
        .inner
}

/// A small coloured label.
pub fn chip(ui: &mut Ui, text: &str, color: Color32) {
    Frame::new()
        .fill(color)
        .corner_radius(CornerRadius::same(4))
        .inner_margin(Margin::symmetric(6, 1))
        .show(ui, |ui| {
            ui.label(RichText::new(text).small().color(Color32::WHITE).strong());
        });
}

/// Colour of an escalation-ladder step, from calm green to crisis red.
pub fn ladder_color(step: usize, steps: usize) -> Color32 {
    let palette = [
        Color32::from_rgb(0x3a, 0x8d, 0x4f),
        Color32::from_rgb(0x8a, 0xa6, 0x2c),
        Color32::from_rgb(0xd0, 0x9b, 0x1a),
        Color32::from_rgb(0xd9, 0x66, 0x1f),
        Color32::from_rgb(0xb8, 0x25, 0x25),
    ];
    if steps <= 1 {
        return palette[0];
    }
    palette[(step * (palette.len() - 1) + (steps - 2)) / (steps - 1)]
}

pub fn measure_color(m: Option<cbm_ttx_core::scenario::Measure>) -> Color32 {
    match m {
        Some(cbm_ttx_core::scenario::Measure::M2) => M2,
        Some(cbm_ttx_core::scenario::Measure::M8) => M8,
        None => OTHER,
    }
}

pub fn muted(text: impl Into<String>) -> RichText {
    RichText::new(text.into()).color(MUTED)
}

/// mm:ss, rounded up (a clock shows 00:01 until the last second is gone).
pub fn clock_text(left: std::time::Duration) -> String {
    let s = left.as_millis().div_ceil(1000) as u64;
    format!("{:02}:{:02}", s / 60, s % 60)
}

/// A root `Ui` covering the window, for the panels of one screen.
pub fn root_ui(ctx: &egui::Context) -> Ui {
    Ui::new(
        ctx.clone(),
        egui::Id::new("cbm-ttx-root"),
        egui::UiBuilder::new()
            .layer_id(egui::LayerId::background())
            .max_rect(ctx.content_rect()),
    )
}

/// The width of a side panel: as preferred, but never more than a third of the
/// screen (so the centre keeps room at large UI scales and small windows).
pub fn side_width(ui: &Ui, preferred: f32) -> f32 {
    preferred
        .min(ui.ctx().content_rect().width() / 3.0)
        .max(160.0)
}

/// Lay out the rest of the screen as left and right columns around a flexible centre
/// (each column scrolls on its own). The side columns get their preferred widths
/// while the centre keeps at least 36 % of the width; below that all three shrink in
/// proportion, so no column ever overlaps another. Widths of 0 leave a column out.
pub fn columns3(
    ui: &mut Ui,
    left_width: f32,
    right_width: f32,
    left: impl FnOnce(&mut Ui),
    centre: impl FnOnce(&mut Ui),
    right: impl FnOnce(&mut Ui),
) {
    let area = ui.available_rect_before_wrap();
    let gap = 8.0;
    let columns = 1.0
        + [left_width, right_width]
            .iter()
            .filter(|w| **w > 0.0)
            .count() as f32;
    let usable = (area.width() - gap * (columns + 1.0)).max(0.0);
    let sides = left_width + right_width;
    let room_for_sides = usable * 0.64;
    let shrink = if sides > room_for_sides && sides > 0.0 {
        room_for_sides / sides
    } else {
        1.0
    };
    let (lw, rw) = (left_width * shrink, right_width * shrink);
    let cw = usable - lw - rw;
    let mut x = area.min.x + gap;
    let mut column = |ui: &mut Ui, width: f32, id: &str, add: Box<dyn FnOnce(&mut Ui) + '_>| {
        let rect = egui::Rect::from_min_size(
            egui::pos2(x, area.min.y + gap),
            egui::vec2(width, area.height() - 2.0 * gap),
        );
        x += width + gap;
        let mut child = ui.new_child(
            egui::UiBuilder::new()
                .max_rect(rect)
                .id_salt(id)
                .layout(egui::Layout::top_down(egui::Align::Min)),
        );
        child.set_clip_rect(rect.intersect(ui.clip_rect()));
        egui::ScrollArea::vertical()
            .id_salt(id)
            .auto_shrink([false, false])
            .show(&mut child, |ui| {
                ui.set_width(width - 14.0);
                add(ui)
            });
    };
    if lw > 0.0 {
        column(ui, lw, "col-left", Box::new(left));
    }
    column(ui, cw, "col-centre", Box::new(centre));
    if rw > 0.0 {
        column(ui, rw, "col-right", Box::new(right));
    }
    ui.allocate_rect(area, egui::Sense::hover());
}
