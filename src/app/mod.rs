//! The bevy shell: windows, screens, egui panels, scenario assets with hot reload.
//!
//! Everything here is thin. Screens draw views computed by the core and turn clicks
//! into [`Intent`]s; [`intent::handle_intents`] turns intents into commands of the
//! exercise's session service, which journals before anything is shown.
//!
//! [`ShellPlugin`] holds all logic that does not draw (screens, library, exercise,
//! clock); tests run it headless. [`UiPlugin`] adds the window and egui on top.

pub mod inputs;
pub mod intent;
pub mod lan;
pub mod library;
pub mod redraw;
pub mod screen;
pub mod screenshot;
pub mod session;
pub mod ui;

use std::path::PathBuf;

use bevy::prelude::*;

pub use intent::Intent;
pub use screen::Screen;
pub use session::Running;

/// What `cbm-ttx play` asks for.
#[derive(Clone, Debug, Default, Resource)]
pub struct AppOptions {
    /// A scenario to open at start (otherwise the picker opens on the reference scenario).
    pub scenario: Option<PathBuf>,
    /// Render this screen with demonstration content, save a PNG here, and exit.
    pub screenshot: Option<(PathBuf, Screen)>,
    /// UI scale (1.0 = 100 %).
    pub scale: f32,
    /// Window size in pixels (default 1440×900).
    pub size: Option<(u32, u32)>,
    /// With a screenshot of the exercise: show this seat's view (`ardenia`, `ardenia/cert`).
    pub seat: Option<String>,
    /// Language of scenario text (if the scenario has it).
    pub lang: Option<cbm_ttx_core::scenario::Lang>,
    /// Host this exercise on the LAN (`cbm-ttx host`).
    pub host: Option<crate::net::HostOptions>,
    /// Join a hosted exercise (`cbm-ttx join`).
    pub join: Option<crate::net::JoinOptions>,
}

/// Logic without drawing: screens, the scenario library, the session and its clock.
pub struct ShellPlugin;

impl Plugin for ShellPlugin {
    fn build(&self, app: &mut App) {
        app.init_state::<Screen>().add_plugins((
            crate::exercise::ExercisePlugin,
            library::LibraryPlugin,
            intent::IntentPlugin,
            session::SessionPlugin,
        ));
    }
}

/// The window, egui and every screen's panels.
pub struct UiPlugin;

impl Plugin for UiPlugin {
    fn build(&self, app: &mut App) {
        app.add_plugins(bevy_egui::EguiPlugin::default())
            .add_plugins((ui::ScreensPlugin, redraw::RedrawPlugin))
            .add_systems(Startup, |mut commands: Commands| {
                commands.spawn(Camera2d);
            })
            .add_systems(Startup, install_waker);
    }
}

/// Let the scenario watcher wake the event loop when a file changes.
fn install_waker(proxy: Option<Res<bevy::winit::EventLoopProxyWrapper>>) {
    if let Some(p) = proxy {
        let proxy = std::sync::Mutex::new((**p).clone());
        library::set_waker(move || {
            if let Ok(p) = proxy.lock() {
                let _ = p.send_event(bevy::winit::WinitUserEvent::WakeUp);
            }
        });
    }
}

/// Why no window can be opened here, if that is known before trying: on Linux and
/// the BSDs the app needs an X11 display (a desktop session, XWayland on Wayland).
pub fn no_display() -> Option<String> {
    if !cfg!(all(unix, not(target_os = "macos"))) {
        return None;
    }
    let help = "cbm-ttx's window needs a desktop session. Without one:\n  \
        cbm-ttx host SCENARIO --headless   host a LAN exercise without a window\n  \
        cbm-ttx validate SCENARIO          check scenario files\n  \
        cbm-ttx simulate SCENARIO          let bots play\n  \
        cbm-ttx report JOURNAL             write the after-action report\n\
        or run the app under a virtual display: xvfb-run -a cbm-ttx";
    let display = std::env::var("DISPLAY").unwrap_or_default();
    if display.trim().is_empty() {
        let wayland = std::env::var_os("WAYLAND_DISPLAY").is_some();
        return Some(if wayland {
            format!("no X11 display (DISPLAY is not set; on Wayland, enable XWayland).\n{help}")
        } else {
            format!("no display (neither DISPLAY nor WAYLAND_DISPLAY is set).\n{help}")
        });
    }
    // A local display ":N" is a socket; a stale DISPLAY names one that is gone.
    if let Some(n) = display
        .strip_prefix(':')
        .and_then(|d| d.split('.').next())
        .filter(|n| n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty())
    {
        let socket = std::path::Path::new("/tmp/.X11-unix").join(format!("X{n}"));
        if std::path::Path::new("/tmp/.X11-unix").is_dir() && !socket.exists() {
            return Some(format!(
                "the display {display} is not running ({} is missing).\n{help}",
                socket.display()
            ));
        }
    }
    None
}

/// Run the app until its window closes. Returns the process exit code (2 when there
/// is no display to open a window on).
pub fn run(options: AppOptions) -> i32 {
    if let Some(why) = no_display() {
        crate::errln!("error: {why}");
        return 2;
    }
    let mut app = App::new();
    let title = match &options.screenshot {
        Some(_) => "cbm-ttx (screenshot)".to_owned(),
        None => "cbm-ttx — tabletop exercises on OSCE measures 2 and 8".to_owned(),
    };
    library::register_fs_source(&mut app);
    app.add_plugins(
        DefaultPlugins
            .set(WindowPlugin {
                primary_window: Some(Window {
                    title,
                    resolution: options.size.unwrap_or((1440, 900)).into(),
                    ..default()
                }),
                ..default()
            })
            .set(bevy::asset::AssetPlugin {
                meta_check: bevy::asset::AssetMetaCheck::Never,
                ..default()
            })
            .set(bevy::log::LogPlugin { filter: "wgpu=error,naga=warn,bevy_render=warn,bevy_asset::io::source=error,cbm_ttx=info".into(), ..default() }),
    )
    .insert_resource(options.clone())
    .add_plugins((ShellPlugin, UiPlugin, lan::LanAppPlugin));
    if options.screenshot.is_some() {
        app.add_plugins(screenshot::ScreenshotPlugin);
    }
    match app.run() {
        AppExit::Success => 0,
        AppExit::Error(code) => code.get() as i32,
    }
}
