//! Scenarios as bevy assets: a loader that reuses the core's validation, a file source
//! that reaches any path the user opens, a watcher that polls exactly the files in use
//! (so editing a scenario updates the picker and lobby), and the library the picker shows.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime};

use bevy::asset::io::file::FileAssetReader;
use bevy::asset::io::{AssetSourceBuilder, AssetSourceEvent, AssetWatcher, Reader};
use bevy::asset::{AssetLoadFailedEvent, AssetLoader, AssetPath, LoadContext};
use bevy::prelude::*;

use super::screen::Screen;
use super::session::Running;
use crate::storage::{self, DataDir, JournalEntry};
use cbm_ttx_core::scenario::{Report, Scenario, bundled, compile_bytes, compile_str};

/// The asset source that maps `fs://home/u/x.ron` to `/home/u/x.ron`.
pub const FS: &str = "fs";

/// A scenario file, compiled: the scenario if it is valid, and the full report either way.
#[derive(Asset, TypePath, Debug)]
pub struct ScenarioAsset {
    pub scenario: Option<Arc<Scenario>>,
    pub report: Report,
}

/// Loads `.ron` scenarios through the same validation as `cbm-ttx validate`. An invalid
/// file still loads, so that the picker can show its diagnostics.
#[derive(Default, TypePath)]
pub struct ScenarioLoader;

impl AssetLoader for ScenarioLoader {
    type Asset = ScenarioAsset;
    type Settings = ();
    type Error = std::io::Error;

    async fn load(
        &self,
        reader: &mut dyn Reader,
        _: &(),
        cx: &mut LoadContext<'_>,
    ) -> Result<ScenarioAsset, Self::Error> {
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).await?;
        let shown = display_path(cx.path());
        let c = compile_bytes(&shown, &bytes);
        Ok(ScenarioAsset {
            scenario: c.scenario.map(Arc::new),
            report: c.report,
        })
    }

    fn extensions(&self) -> &[&str] {
        &["ron"]
    }
}

fn display_path(p: &AssetPath) -> String {
    match p.source().as_str() {
        Some(FS) => format!("/{}", p.path().display()),
        _ => p.path().display().to_string(),
    }
}

/// The asset path of a file on disk.
pub fn asset_path(file: &Path) -> AssetPath<'static> {
    let rel = file.strip_prefix("/").unwrap_or(file).to_owned();
    AssetPath::from_path_buf(rel).with_source(FS)
}

/// Wakes a sleeping (reactive) app; installed by the UI once the event loop exists.
static WAKER: OnceLock<Box<dyn Fn() + Send + Sync>> = OnceLock::new();
/// Set by the watcher when a file changed; the app then keeps updating until the
/// reload has come through.
static CHANGED: AtomicBool = AtomicBool::new(false);

pub fn set_waker(wake: impl Fn() + Send + Sync + 'static) {
    let _ = WAKER.set(Box::new(wake));
}

/// Files the watcher polls (absolute paths).
fn watch_list() -> &'static Mutex<Vec<PathBuf>> {
    static LIST: OnceLock<Mutex<Vec<PathBuf>>> = OnceLock::new();
    LIST.get_or_init(|| Mutex::new(Vec::new()))
}

pub fn watch(file: &Path) {
    if let Ok(mut list) = watch_list().lock()
        && !list.iter().any(|p| p == file)
    {
        list.push(file.to_owned());
    }
}

/// Polls the modification time of the watched files twice a second. Watching exactly
/// the files in use avoids recursive watches on whole home directories.
struct PollWatcher {
    stop: Arc<AtomicBool>,
}

impl AssetWatcher for PollWatcher {}

impl Drop for PollWatcher {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

impl PollWatcher {
    fn start(sender: async_channel::Sender<AssetSourceEvent>) -> PollWatcher {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let spawned = std::thread::Builder::new()
            .name("scenario-watcher".into())
            .spawn(move || {
                let mut seen: Vec<(PathBuf, Option<(SystemTime, u64)>)> = Vec::new();
                while !flag.load(Ordering::Relaxed) {
                    let files: Vec<PathBuf> =
                        watch_list().lock().map(|l| l.clone()).unwrap_or_default();
                    for f in files {
                        let now = std::fs::metadata(&f)
                            .ok()
                            .and_then(|m| Some((m.modified().ok()?, m.len())));
                        match seen.iter_mut().find(|(p, _)| *p == f) {
                            None => seen.push((f, now)),
                            Some((_, before)) if *before != now => {
                                *before = now;
                                if now.is_some() {
                                    let rel = f.strip_prefix("/").unwrap_or(&f).to_owned();
                                    if sender
                                        .send_blocking(AssetSourceEvent::ModifiedAsset(rel))
                                        .is_err()
                                    {
                                        return;
                                    }
                                    CHANGED.store(true, Ordering::Relaxed);
                                    if let Some(wake) = WAKER.get() {
                                        wake();
                                    }
                                }
                            }
                            Some(_) => {}
                        }
                    }
                    std::thread::sleep(Duration::from_millis(500));
                }
            });
        if let Err(e) = spawned {
            warn!("scenario files will not be watched for changes: {e}");
        }
        PollWatcher { stop }
    }
}

/// Register the `fs` source. Call before `DefaultPlugins` (the asset plugin reads sources once).
pub fn register_fs_source(app: &mut App) {
    app.register_asset_source(
        FS,
        AssetSourceBuilder::new(|| Box::new(FileAssetReader::new("/")))
            .with_watcher(|sender| Some(Box::new(PollWatcher::start(sender)))),
    );
}

/// Where a library entry comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// Shipped with cbm-ttx (file name under scenarios/).
    Bundled(&'static str),
    File(PathBuf),
}

#[derive(Debug)]
pub struct Entry {
    pub source: Source,
    pub handle: Option<Handle<ScenarioAsset>>,
    /// The latest compilation: the scenario if valid, and its report.
    pub compiled: Option<(Option<Arc<Scenario>>, Report)>,
    /// Could not be read at all.
    pub load_error: Option<String>,
    /// How many times it was reloaded after a change on disk.
    pub reloads: u32,
}

impl Entry {
    /// A new entry, loading at once.
    pub fn load(source: Source, assets: &AssetServer) -> Entry {
        let mut e = Entry {
            source,
            handle: None,
            compiled: None,
            load_error: None,
            reloads: 0,
        };
        load_entry(&mut e, assets);
        e
    }

    pub fn scenario(&self) -> Option<&Arc<Scenario>> {
        self.compiled.as_ref().and_then(|(s, _)| s.as_ref())
    }

    pub fn report(&self) -> Option<&Report> {
        self.compiled.as_ref().map(|(_, r)| r)
    }

    /// The file on disk, if there is one.
    pub fn file(&self) -> Option<PathBuf> {
        match &self.source {
            Source::File(p) => Some(p.clone()),
            Source::Bundled(name) => bundled_file(name),
        }
    }

    pub fn label(&self) -> String {
        match (self.scenario(), &self.source) {
            (Some(s), _) => s.title.en().to_owned(),
            (None, Source::Bundled(n)) => (*n).to_owned(),
            (None, Source::File(p)) => p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        }
    }
}

/// The bundled file on disk next to the working directory, if present (then it is
/// watched like any other; otherwise the copy built into the binary is used).
fn bundled_file(name: &str) -> Option<PathBuf> {
    let here = std::env::current_dir().ok()?.join(name);
    here.is_file().then(|| here.canonicalize().unwrap_or(here))
}

#[derive(Resource, Debug, Default)]
pub struct Library {
    pub entries: Vec<Entry>,
    pub selected: usize,
    pub journals: Vec<JournalEntry>,
    /// A message for the path field (file not found...).
    pub open_error: Option<String>,
}

impl Library {
    pub fn selected(&self) -> Option<&Entry> {
        self.entries.get(self.selected)
    }

    pub fn find_by_hash(&self, hash: &str) -> Option<&Entry> {
        self.entries
            .iter()
            .find(|e| e.scenario().is_some_and(|s| s.content_hash == hash))
    }
}

pub struct LibraryPlugin;

impl Plugin for LibraryPlugin {
    fn build(&self, app: &mut App) {
        // Registered by the window plugin too; headless apps need it for `follow_reload`.
        app.add_message::<bevy::window::RequestRedraw>()
            .init_asset::<ScenarioAsset>()
            .init_asset_loader::<ScenarioLoader>()
            .init_resource::<Library>()
            .init_resource::<DataDir>()
            .add_systems(Startup, fill_library)
            .add_systems(Update, (track_assets, track_failures, follow_reload))
            .add_systems(OnEnter(Screen::Picker), refresh_journals);
    }
}

/// Bundled scenarios, recent files and the file given on the command line.
fn fill_library(
    mut lib: ResMut<Library>,
    assets: Res<AssetServer>,
    data: Res<DataDir>,
    options: Option<Res<super::AppOptions>>,
) {
    for (name, _) in bundled::ALL {
        lib.entries
            .push(Entry::load(Source::Bundled(name), &assets));
    }
    let wanted = options.and_then(|o| o.scenario.clone());
    let mut files = storage::recent_files(&data.0);
    if let Some(w) = &wanted {
        files.insert(0, w.clone());
    }
    for f in files {
        let f = f.canonicalize().unwrap_or(f);
        if lib
            .entries
            .iter()
            .any(|e| e.file().as_deref() == Some(f.as_path()))
            || !f.is_file()
        {
            continue;
        }
        lib.entries.push(Entry::load(Source::File(f), &assets));
    }
    if let Some(w) = wanted {
        let w = w.canonicalize().unwrap_or(w);
        match lib
            .entries
            .iter()
            .position(|e| e.file().as_deref() == Some(w.as_path()))
        {
            Some(i) => lib.selected = i,
            None => lib.open_error = Some(format!("{} is not a file", w.display())),
        }
    }
}

/// Start loading an entry: through the asset server when it is a file (so it is
/// watched), from the copy in the binary otherwise.
pub fn load_entry(e: &mut Entry, assets: &AssetServer) {
    match e.file() {
        Some(f) => {
            watch(&f);
            e.handle = Some(assets.load(asset_path(&f)));
        }
        None => {
            if let Source::Bundled(name) = e.source
                && let Some((_, text)) = bundled::ALL.iter().find(|(n, _)| *n == name)
            {
                let c = compile_str(name, text);
                e.compiled = Some((c.scenario.map(Arc::new), c.report));
            }
        }
    }
}

/// Open a file the user typed or picked; returns the entry's index.
pub fn open_file(
    lib: &mut Library,
    assets: &AssetServer,
    data: &DataDir,
    path: &Path,
) -> Option<usize> {
    lib.open_error = None;
    let path = match path.canonicalize() {
        Ok(p) if p.is_file() => p,
        Ok(p) => {
            lib.open_error = Some(format!("{} is not a file", p.display()));
            return None;
        }
        Err(e) => {
            lib.open_error = Some(format!("{}: {e}", path.display()));
            return None;
        }
    };
    storage::remember_file(&data.0, &path);
    if let Some(i) = lib
        .entries
        .iter()
        .position(|e| e.file().as_deref() == Some(path.as_path()))
    {
        lib.selected = i;
        return Some(i);
    }
    lib.entries.push(Entry::load(Source::File(path), assets));
    lib.selected = lib.entries.len() - 1;
    Some(lib.selected)
}

fn refresh_journals(mut lib: ResMut<Library>, data: Res<DataDir>) {
    lib.journals = storage::list_journals(&data.0);
}

/// Keep entries in step with their assets: first load and every change on disk.
fn track_assets(
    mut events: MessageReader<AssetEvent<ScenarioAsset>>,
    assets: Res<Assets<ScenarioAsset>>,
    mut lib: ResMut<Library>,
    running: Option<ResMut<Running>>,
    exercise: Option<Res<crate::exercise::Exercise>>,
    screen: Res<State<Screen>>,
) {
    let mut running = running;
    for ev in events.read() {
        let (AssetEvent::LoadedWithDependencies { id } | AssetEvent::Modified { id }) = ev else {
            continue;
        };
        let modified = matches!(ev, AssetEvent::Modified { .. });
        let Some(asset) = assets.get(*id) else {
            continue;
        };
        for e in lib
            .entries
            .iter_mut()
            .filter(|e| e.handle.as_ref().is_some_and(|h| h.id() == *id))
        {
            let first = e.compiled.is_none();
            e.compiled = Some((asset.scenario.clone(), asset.report.clone()));
            e.load_error = None;
            if modified && !first {
                e.reloads += 1;
                info!(
                    "scenario {} changed on disk and was reloaded",
                    asset.report.file
                );
                // Mid-exercise, the change is announced, never applied.
                if let (Some(r), Some(ex)) = (running.as_deref_mut(), exercise.as_deref())
                    && matches!(screen.get(), Screen::Console | Screen::Board)
                    && ex.session.source() == e.file().as_deref()
                {
                    r.notice = Some(format!(
                        "{} changed on disk. The running exercise keeps the version it started with; the change applies to the next exercise.",
                        asset.report.file
                    ));
                }
            }
        }
    }
}

/// After a change on disk, keep frames coming until the reload lands (at most 3 s):
/// the app would otherwise sleep until the next input.
fn follow_reload(
    mut since: Local<Option<std::time::Instant>>,
    mut events: MessageReader<AssetEvent<ScenarioAsset>>,
    mut redraw: MessageWriter<bevy::window::RequestRedraw>,
) {
    if CHANGED.swap(false, Ordering::Relaxed) {
        *since = Some(std::time::Instant::now());
    }
    let landed = events
        .read()
        .any(|e| matches!(e, AssetEvent::Modified { .. }));
    match *since {
        Some(t) if !landed && t.elapsed() < Duration::from_secs(3) => {
            redraw.write(bevy::window::RequestRedraw);
        }
        _ => *since = None,
    }
}

fn track_failures(
    mut failed: MessageReader<AssetLoadFailedEvent<ScenarioAsset>>,
    mut lib: ResMut<Library>,
) {
    for f in failed.read() {
        for e in lib
            .entries
            .iter_mut()
            .filter(|e| e.handle.as_ref().is_some_and(|h| h.id() == f.id))
        {
            e.load_error = Some(format!("{}: {}", display_path(&f.path), f.error));
        }
    }
}

/// The text of a scenario's file, to keep in its journal: the bundled copy, or the
/// file on disk if it still holds the same content. None when neither does.
pub fn source_text(scenario: &Scenario, file: Option<&Path>) -> Option<String> {
    if let Some(f) = file
        && let Ok(bytes) = cbm_ttx_core::scenario::read_limited(f)
        && let Ok(text) = String::from_utf8(bytes)
        && compile_str("", &text)
            .scenario
            .is_some_and(|s| s.content_hash == scenario.content_hash)
    {
        return Some(text);
    }
    bundled::ALL.iter().find_map(|(name, text)| {
        compile_str(name, text)
            .scenario
            .filter(|s| s.content_hash == scenario.content_hash)
            .map(|_| (*text).to_owned())
    })
}
