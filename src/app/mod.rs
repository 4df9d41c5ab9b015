//! The bevy shell: windows, screens, egui panels, scenario assets with hot reload.
//!
//! Everything here is thin. Screens draw views computed by the engine and turn clicks
//! into [`Intent`]s; [`intent::handle_intents`] turns intents into engine commands via
//! [`Session::command`], which journals before anything is shown.
//!
//! [`ShellPlugin`] holds all logic that does not draw (screens, library, session,
//! clock); tests run it headless. [`UiPlugin`] adds the window and egui on top.

pub mod intent;
pub mod lan;
pub mod library;
pub mod screen;
pub mod screenshot;
pub mod session;
pub mod storage;
pub mod ui;

use std::path::PathBuf;
use std::time::Duration;

use bevy::prelude::*;
use bevy::winit::{UpdateMode, WinitSettings};

pub use intent::Intent;
pub use screen::Screen;
pub use session::Session;

/// What `cbm-ttx play` asks for.
#[derive(Clone, Debug, Default, Resource)]
pub struct AppOptions {
    /// A scenario to open at start (otherwise the picker opens on the reference scenario).
    pub scenario: Option<PathBuf>,
    /// Render this screen with demonstration content, save a PNG here, and exit.
    pub screenshot: Option<(PathBuf, Screen)>,
    /// UI scale (1.0 = 100 %).
    pub scale: f32,
    /// With a screenshot of the exercise: show this seat's view (`ardenia`, `ardenia/cert`).
    pub seat: Option<String>,
    /// Language of scenario text (if the scenario has it).
    pub lang: Option<cbm_ttx_core::scenario::Lang>,
    /// Host this exercise on the LAN (`cbm-ttx host`).
    pub host: Option<crate::cli::host::Args>,
    /// Join a hosted exercise (`cbm-ttx join`).
    pub join: Option<crate::cli::join::Args>,
}

/// Logic without drawing: screens, the scenario library, the session and its clock.
pub struct ShellPlugin;

impl Plugin for ShellPlugin {
    fn build(&self, app: &mut App) {
        app.init_state::<Screen>().add_plugins((
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
            .add_plugins(ui::ScreensPlugin)
            // Laptops on battery: redraw only on input, and once a second while a clock runs.
            .insert_resource(WinitSettings {
                focused_mode: UpdateMode::reactive_low_power(Duration::from_secs(5)),
                unfocused_mode: UpdateMode::reactive_low_power(Duration::from_secs(30)),
            })
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

/// Run the app until its window closes. Returns the process exit code.
pub fn run(options: AppOptions) -> i32 {
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
                    resolution: (1440, 900).into(),
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
