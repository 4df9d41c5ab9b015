//! `CBM_TTX_PROBE=FILE`: after every frame, write what is on the screen as JSON — the
//! labelled controls with their rectangles in window pixels, the screen, the phase
//! and the round clock. The window play-through (`scripts/window-playthrough.sh`)
//! reads it to click controls by label with real X events and to time how soon a
//! click shows. Off unless the variable is set.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, egui};

use super::widgets;
use crate::app::intent::Confirming;
use crate::app::screen::Screen;
use crate::app::session::{Running, Viewing};
use crate::exercise::Exercise;

pub(super) fn enabled() -> bool {
    std::env::var_os("CBM_TTX_PROBE").is_some()
}

pub(super) fn write(
    mut contexts: EguiContexts,
    screen: Res<State<Screen>>,
    exercise: Option<Res<Exercise>>,
    running: Option<Res<Running>>,
    confirming: Res<Confirming>,
    mut frame: Local<u64>,
) -> Result {
    let Some(path) = std::env::var_os("CBM_TTX_PROBE") else {
        return Ok(());
    };
    let ctx = contexts.ctx_mut()?.clone();
    *frame += 1;
    let ppp = ctx.pixels_per_point();
    let px = |r: egui::Rect| {
        [
            (r.min.x * ppp).round(),
            (r.min.y * ppp).round(),
            (r.max.x * ppp).round(),
            (r.max.y * ppp).round(),
        ]
    };
    let controls: Vec<serde_json::Value> = widgets::drawn(&ctx)
        .items
        .iter()
        .map(|(label, rect, visible, enabled)| {
            serde_json::json!({
                "label": label,
                "enabled": enabled,
                "rect": px(*rect),
                "visible": if visible.is_positive() { Some(px(*visible)) } else { None },
            })
        })
        .collect();
    let mut state = serde_json::json!({
        "frame": *frame,
        "ms": cbm_ttx_core::clock::Timestamp::now().0,
        "screen": screen.get().name(),
        "ppp": ppp,
        "asking": confirming.0.as_ref().map(|c| c.question.clone()),
        "controls": controls,
    });
    if let Some(ex) = &exercise {
        let s = &ex.session;
        let st = s.situation();
        let clock = s.clock();
        state["exercise"] = serde_json::json!({
            "phase": st.phase().label(),
            "round": st.round(),
            "paused": st.paused(),
            "events": s.events().len(),
            "staged": st.staged().len(),
            "clock_ms": clock.map(|c| c.remaining.as_millis() as u64),
            "clock_running": clock.is_some_and(|c| c.running),
            "journal": s.journal_path().map(|p| p.display().to_string()),
        });
    }
    if let Some(r) = &running {
        state["running"] = serde_json::json!({
            "viewing": match r.viewing {
                Viewing::Control => "control".to_owned(),
                Viewing::Seat(seat) => exercise
                    .as_ref()
                    .map(|e| seat.key(e.session.scenario()))
                    .unwrap_or_default(),
            },
            "covered": r.covered,
            "error": r.error,
            "notice": r.notice,
        });
    }
    let path = std::path::PathBuf::from(path);
    let mut tmp = path.clone().into_os_string();
    tmp.push(".tmp");
    if std::fs::write(&tmp, state.to_string()).is_ok() {
        let _ = std::fs::rename(&tmp, &path);
    }
    Ok(())
}
