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
pub const MUTED: Color32 = Color32::from_rgb(0x4a, 0x50, 0x58);

/// Text that stays readable on a projector and a laptop: a regular-weight face
/// (Noto Sans, SIL Open Font License: assets/fonts/OFL.txt) ahead of egui's light
/// default, which remains as a fallback with the emoji fonts.
pub const FONT: &[u8] = include_bytes!("../../../assets/fonts/NotoSans-Regular.ttf");

/// Body text (points) and the smallest text the app draws.
pub const BODY_SIZE: f32 = 16.0;
pub const SMALL_SIZE: f32 = 14.0;
/// Text colour: near black on the light page.
pub const TEXT: Color32 = Color32::from_rgb(0x1c, 0x20, 0x24);

/// The app's light, high-contrast style (projectors wash out dark themes).
pub fn apply_style(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    fonts.font_data.insert(
        "noto-sans".into(),
        std::sync::Arc::new(egui::FontData::from_static(FONT)),
    );
    if let Some(family) = fonts.families.get_mut(&egui::FontFamily::Proportional) {
        family.insert(0, "noto-sans".into());
    }
    ctx.set_fonts(fonts);
    ctx.set_theme(egui::ThemePreference::Light);
    ctx.all_styles_mut(|style| {
        style.spacing.item_spacing = egui::vec2(8.0, 6.0);
        style.spacing.button_padding = egui::vec2(10.0, 5.0);
        style.spacing.combo_width = 200.0;
        style.visuals.panel_fill = PAGE;
        style.visuals.window_fill = CARD;
        style.visuals.selection.bg_fill = ACCENT.gamma_multiply(0.35);
        style.visuals.widgets.noninteractive.fg_stroke.color = TEXT;
        style.visuals.widgets.inactive.fg_stroke.color = TEXT;
        style.visuals.widgets.hovered.fg_stroke.color = Color32::BLACK;
        style.visuals.widgets.active.fg_stroke.color = Color32::BLACK;
        use egui::{FontId, TextStyle};
        style.text_styles = [
            (TextStyle::Heading, FontId::proportional(22.0)),
            (TextStyle::Body, FontId::proportional(BODY_SIZE)),
            (TextStyle::Button, FontId::proportional(BODY_SIZE)),
            (TextStyle::Small, FontId::proportional(SMALL_SIZE)),
            (TextStyle::Monospace, FontId::monospace(14.0)),
        ]
        .into();
    });
}

/// A button whose rectangle is remembered under its label, so tests and the window
/// play-through can find it. Its text wraps: a long label never runs out of its column.
pub fn button(ui: &mut Ui, label: impl Into<String>) -> bool {
    let label = label.into();
    let r = ui.add(egui::Button::new(label.as_str()).wrap());
    remember(ui, &label, &r);
    r.clicked()
}

/// A button showing `text`, remembered under a longer, unique `key` ("Reveal" for
/// "Reveal “Blackout”").
pub fn button_keyed(ui: &mut Ui, text: &str, key: &str) -> bool {
    let r = ui.add(egui::Button::new(text).wrap());
    remember(ui, key, &r);
    r.clicked()
}

/// A button that may be disabled, with the reason as its tooltip.
pub fn button_if(ui: &mut Ui, enabled: Result<(), &str>, label: impl Into<String>) -> bool {
    let label = label.into();
    let r = ui.add_enabled(enabled.is_ok(), egui::Button::new(label.as_str()).wrap());
    remember(ui, &label, &r);
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
    .wrap()
    .fill(if enabled { ACCENT } else { OTHER })
    .min_size(egui::vec2(160.0_f32.min(ui.available_width()), 34.0));
    let r = ui.add_enabled(enabled, b);
    remember(ui, &label, &r);
    r.clicked()
}

/// A choice in a combo box or list, remembered under `label` like a button.
pub fn choice<T: PartialEq>(ui: &mut Ui, value: &mut T, this: T, label: impl Into<String>) -> bool {
    let label = label.into();
    let r = ui.selectable_value(value, this, label.as_str());
    remember(ui, &label, &r);
    r.clicked()
}

/// A combo box whose button is remembered under `name` (choices with [`choice`]).
pub fn combo(
    ui: &mut Ui,
    name: &str,
    selected: impl Into<egui::WidgetText>,
    width: f32,
    add: impl FnOnce(&mut Ui),
) {
    // On a wrapping line, a combo box that would not fit starts the next line.
    let full = ui.max_rect().width();
    if ui.layout().main_wrap && ui.available_size_before_wrap().x < (width + 40.0).min(full) {
        ui.end_row();
    }
    let width = width
        .min(ui.available_size_before_wrap().x - 40.0)
        .max(60.0);
    let r = egui::ComboBox::from_id_salt(name)
        .selected_text(selected)
        .width(width)
        .height(ui.ctx().content_rect().height() * 0.7)
        .truncate()
        .show_ui(ui, add);
    remember(ui, name, &r.response);
}

/// A text field remembered under `name`, as wide as its column allows.
pub fn text_field(
    ui: &mut Ui,
    name: &str,
    text: &mut String,
    hint: &str,
    rows: usize,
) -> egui::Response {
    let edit = if rows > 1 {
        egui::TextEdit::multiline(text).desired_rows(rows)
    } else {
        egui::TextEdit::singleline(text)
    };
    // Clipped: a long unbroken word scrolls inside the field instead of widening it.
    let r = ui.add(
        edit.hint_text(hint)
            .desired_width(ui.available_width())
            .clip_text(true),
    );
    remember(ui, name, &r);
    r
}

/// Labelled controls drawn in the latest pass: label, rectangle, visible part.
#[derive(Clone, Debug, Default)]
pub struct Drawn {
    pub pass: u64,
    /// Label, rectangle, visible part, enabled.
    pub items: Vec<(String, egui::Rect, egui::Rect, bool)>,
}

fn drawn_id() -> egui::Id {
    egui::Id::new("cbm-ttx-drawn")
}

/// Remember where a labelled control was drawn (and how much of it is visible).
pub fn remember(ui: &Ui, label: &str, r: &egui::Response) {
    let pass = ui.ctx().cumulative_pass_nr();
    let visible = r.rect.intersect(ui.clip_rect());
    ui.ctx().data_mut(|d| {
        d.insert_temp(button_id(label), r.rect);
        let list = d.get_temp_mut_or_default::<Drawn>(drawn_id());
        if list.pass != pass {
            list.pass = pass;
            list.items.clear();
        }
        list.items
            .push((label.to_owned(), r.rect, visible, r.enabled()));
    });
}

/// The labelled controls of the latest pass.
pub fn drawn(ctx: &egui::Context) -> Drawn {
    ctx.data(|d| d.get_temp::<Drawn>(drawn_id()).unwrap_or_default())
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

/// Which side column moves where when the screen is too narrow for three columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fold {
    /// The left column's content goes under the right column's.
    LeftIntoRight,
    /// The right column's content goes under the left column's.
    RightIntoLeft,
}

/// Below this width (points) three columns become two.
pub const THREE_COLUMNS_FROM: f32 = 1000.0;

/// The columns' widths (left, centre, right) for an area `total` wide with `gap`
/// between and around columns: side columns get their preferred widths while the
/// centre keeps at least 36 %; below that all three shrink in proportion. When the
/// three would not fit in [`THREE_COLUMNS_FROM`], the folded side column gets width 0
/// (its content goes into the other side column).
pub fn column_widths(total: f32, gap: f32, left: f32, right: f32, fold: Fold) -> (f32, f32, f32) {
    if left > 0.0 && right > 0.0 && total - 4.0 * gap < THREE_COLUMNS_FROM {
        let usable = (total - 3.0 * gap).max(0.0);
        let side = (usable * 0.44).min(left.max(right));
        return match fold {
            Fold::LeftIntoRight => (0.0, usable - side, side),
            Fold::RightIntoLeft => (side, usable - side, 0.0),
        };
    }
    let columns = 1 + [left, right].iter().filter(|w| **w > 0.0).count();
    let usable = (total - gap * (columns as f32 + 1.0)).max(0.0);
    let sides = left + right;
    let room = usable * 0.64;
    let shrink = if sides > room && sides > 0.0 {
        room / sides
    } else {
        1.0
    };
    let (l, r) = (left * shrink, right * shrink);
    (l, usable - l - r, r)
}

/// Lay out the rest of the screen as left and right columns around a flexible centre,
/// each scrolling on its own (see [`column_widths`]); no column ever overlaps another.
/// Widths of 0 leave a column out.
pub fn columns3(
    ui: &mut Ui,
    left_width: f32,
    right_width: f32,
    fold: Fold,
    left: impl FnOnce(&mut Ui),
    centre: impl FnOnce(&mut Ui),
    right: impl FnOnce(&mut Ui),
) {
    let area = ui.available_rect_before_wrap();
    let gap = 8.0;
    let (lw, cw, rw) = column_widths(area.width(), gap, left_width, right_width, fold);
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
    match (lw > 0.0, rw > 0.0) {
        (true, true) => {
            column(ui, lw, "col-left", Box::new(left));
            column(ui, cw, "col-centre", Box::new(centre));
            column(ui, rw, "col-right", Box::new(right));
        }
        // Folded: the right column's content under the left's.
        (true, false) if right_width > 0.0 => {
            column(
                ui,
                lw,
                "col-left",
                Box::new(|ui: &mut Ui| {
                    left(ui);
                    ui.add_space(6.0);
                    right(ui);
                }),
            );
            column(ui, cw, "col-centre", Box::new(centre));
        }
        (false, true) if left_width > 0.0 => {
            column(ui, cw, "col-centre", Box::new(centre));
            column(
                ui,
                rw,
                "col-right",
                Box::new(|ui: &mut Ui| {
                    right(ui);
                    ui.add_space(6.0);
                    left(ui);
                }),
            );
        }
        (true, false) => {
            column(ui, lw, "col-left", Box::new(left));
            column(ui, cw, "col-centre", Box::new(centre));
        }
        (false, true) => {
            column(ui, cw, "col-centre", Box::new(centre));
            column(ui, rw, "col-right", Box::new(right));
        }
        (false, false) => column(ui, cw, "col-centre", Box::new(centre)),
    }
    ui.allocate_rect(area, egui::Sense::hover());
}

/// A QR code, `side` points square including a quiet zone of four modules, dark
/// modules on white (what phone cameras read best). Returns the response of the area.
pub fn qr_code(ui: &mut Ui, qr: &crate::web::QrMatrix, side: f32) -> egui::Response {
    let (rect, response) = ui.allocate_exact_size(egui::vec2(side, side), egui::Sense::hover());
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 0.0, Color32::WHITE);
    let modules = qr.width + 8;
    let m = side / modules as f32;
    for y in 0..qr.width {
        for x in 0..qr.width {
            if qr.dark.get(y * qr.width + x).copied().unwrap_or(false) {
                let min = rect.min + egui::vec2((x + 4) as f32 * m, (y + 4) as f32 * m);
                // A hair wider than a module, so no seams show between neighbours.
                let r = egui::Rect::from_min_size(min, egui::vec2(m + 0.5, m + 0.5));
                painter.rect_filled(r, 0.0, Color32::BLACK);
            }
        }
    }
    response
}
