//! The layers hold: core ← exercise/storage ← net ← web ← app ← cli, and the core has no
//! bevy, window or GPU crate in its dependency tree.

use std::path::Path;

/// Every `.rs` file under `dir`, with its text.
fn sources(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            out.extend(sources(&p));
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push((
                p.display().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            ));
        }
    }
    out
}

/// No file under `dir` names any of `forbidden` (as a path: `crate::app`...).
fn never_imports(dir: &str, forbidden: &[&str]) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    for (file, text) in sources(&root) {
        for f in forbidden {
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                assert!(
                    !code.contains(f),
                    "{file}:{}: {f} — the layers point one way: core ← exercise ← net ← web ← app ← cli",
                    n + 1
                );
            }
        }
    }
}

#[test]
fn dependencies_point_one_way() {
    never_imports("src/net", &["crate::app", "crate::cli", "crate::web::"]);
    never_imports("src/web", &["crate::app", "crate::cli"]);
    never_imports("src/app", &["crate::cli"]);
    for file in ["src/exercise.rs", "src/storage.rs"] {
        let text =
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file)).unwrap();
        for f in ["crate::app", "crate::net", "crate::web", "crate::cli"] {
            assert!(!text.contains(f), "{file} names {f}");
        }
    }
    never_imports("crates/core/src", &["bevy", "egui", "cbm_ttx::"]);
}

#[test]
fn the_core_has_no_bevy_window_or_gpu_crate_in_its_tree() {
    let out = std::process::Command::new(env!("CARGO"))
        .args([
            "tree",
            "--offline",
            "-p",
            "cbm-ttx-core",
            "-e",
            "normal",
            "--prefix",
            "none",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tree = String::from_utf8_lossy(&out.stdout);
    assert!(tree.contains("cbm-ttx-core"), "{tree}");
    for name in ["bevy", "egui", "winit", "wgpu", "tokio", "renet"] {
        assert!(
            !tree.lines().any(|l| l.starts_with(name)),
            "the core depends on {name}:\n{tree}"
        );
    }
}

/// Every line the program writes goes through `output::emit`, so a closed pipe ends
/// it quietly (`host --headless | head`, `validate … | head -1`) instead of a panic;
/// the core writes nothing at all.
#[test]
fn all_output_goes_through_one_writer() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for dir in ["src", "crates/core/src"] {
        for (file, text) in sources(&root.join(dir)) {
            if file.ends_with("src/output.rs") {
                continue;
            }
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                // `print!(` and `println!(` also match inside `eprint!(`/`eprintln!(`.
                let bare = code.contains("print!(") || code.contains("println!(");
                assert!(
                    !bare,
                    "{file}:{}: print to a standard stream only through crate::outln!/errln!",
                    n + 1
                );
            }
        }
    }
}
