//! `cbm-ttx play [SCENARIO]`: the app. `--screenshot` renders one screen to a PNG and exits.

use std::path::PathBuf;

use crate::app::{self, AppOptions, Screen};

#[derive(Debug, Default, clap::Args)]
pub struct Args {
    /// A scenario file to open (default: the bundled reference scenario).
    pub scenario: Option<PathBuf>,
    /// Render a screen with demonstration content, write it as PNG to this path, and exit.
    #[arg(long)]
    pub screenshot: Option<PathBuf>,
    /// The screen for --screenshot: picker, lobby, console, board, hotwash, replay or participant.
    #[arg(long, value_parser = parse_screen, default_value = "picker", requires = "screenshot")]
    pub screen: Screen,
    #[command(flatten)]
    pub window: WindowArgs,
    /// With --screenshot --screen console: show this seat's view, e.g. `ardenia` or `ardenia/cert`.
    #[arg(long, requires = "screenshot")]
    pub seat: Option<String>,
    /// Language of the scenario's text: en, fr, de, it, ru or es (if the scenario has it).
    #[arg(long, value_parser = parse_lang)]
    pub lang: Option<cbm_ttx_core::scenario::Lang>,
}

/// How the app's window opens (`play` and `join`).
#[derive(Debug, Clone, clap::Args)]
pub struct WindowArgs {
    /// UI scale, e.g. 1.5 for a projector.
    #[arg(long, default_value_t = 1.0)]
    pub scale: f32,
    /// Window size in pixels, e.g. 1280x720 (default 1440x900).
    #[arg(long, value_parser = parse_size)]
    pub size: Option<(u32, u32)>,
}

impl Default for WindowArgs {
    fn default() -> Self {
        WindowArgs {
            scale: 1.0,
            size: None,
        }
    }
}

pub fn parse_screen(s: &str) -> Result<Screen, String> {
    Screen::from_name(s).ok_or_else(|| {
        let names: Vec<&str> = Screen::ALL.iter().map(|s| s.name()).collect();
        format!("unknown screen {s:?}: use {}", names.join(", "))
    })
}

pub fn parse_size(s: &str) -> Result<(u32, u32), String> {
    let (w, h) = s
        .split_once(['x', 'X', '×'])
        .ok_or_else(|| format!("size {s:?}: use WIDTHxHEIGHT, e.g. 1280x720"))?;
    let n = |v: &str| {
        v.trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (200..=10_000).contains(n))
            .ok_or_else(|| format!("size {s:?}: use WIDTHxHEIGHT, e.g. 1280x720"))
    };
    Ok((n(w)?, n(h)?))
}

pub fn parse_lang(s: &str) -> Result<cbm_ttx_core::scenario::Lang, String> {
    cbm_ttx_core::scenario::Lang::from_code(s)
        .ok_or_else(|| format!("unknown language {s:?}: use en, fr, de, it, ru or es"))
}

pub fn run(args: &Args) -> i32 {
    app::run(AppOptions {
        scenario: args.scenario.clone(),
        screenshot: args.screenshot.clone().map(|p| (p, args.screen)),
        scale: args.window.scale,
        size: args.window.size,
        seat: args.seat.clone(),
        lang: args.lang,
        ..Default::default()
    })
}
