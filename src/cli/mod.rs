//! The command line: one module per subcommand, each a small function that returns
//! the process exit code. Options are clap types here and plain structs below.

/// `println!` for the command line: a closed pipe (`cbm-ttx validate … | head -1`)
/// ends the process quietly instead of panicking.
#[macro_export]
macro_rules! outln {
    ($($t:tt)*) => { $crate::cli::emit(false, format_args!("{}\n", format_args!($($t)*))) };
}

/// `print!` for the command line (see [`outln!`]).
#[macro_export]
macro_rules! out {
    ($($t:tt)*) => { $crate::cli::emit(false, format_args!($($t)*)) };
}

/// `eprintln!` for the command line (see [`outln!`]).
#[macro_export]
macro_rules! errln {
    ($($t:tt)*) => { $crate::cli::emit(true, format_args!("{}\n", format_args!($($t)*))) };
}

/// `eprint!` for the command line (see [`outln!`]).
#[macro_export]
macro_rules! err {
    ($($t:tt)*) => { $crate::cli::emit(true, format_args!($($t)*)) };
}

/// The exit status when the output was closed: 128 + SIGPIPE, as shells expect.
pub const CLOSED_OUTPUT: i32 = 141;

/// Write to standard output (or error). If the reader has gone away, exit quietly
/// with [`CLOSED_OUTPUT`]; another failure to write is reported once on standard error.
pub fn emit(to_stderr: bool, text: std::fmt::Arguments) {
    use std::io::Write;
    let result = if to_stderr {
        std::io::stderr().lock().write_fmt(text)
    } else {
        std::io::stdout().lock().write_fmt(text)
    };
    match result {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(CLOSED_OUTPUT),
        Err(e) if !to_stderr => {
            let _ = writeln!(std::io::stderr(), "cannot write the output: {e}");
            std::process::exit(74)
        }
        Err(_) => {}
    }
}

pub mod generate;
pub mod host;
pub mod join;
pub mod msel;
pub mod play;
pub mod report;
pub mod simulate;
pub mod validate;

/// The scenario a journal was recorded with (its own copy, the file it names, a
/// bundled scenario with the same content, or the file given), or a message saying
/// how to give it with this command.
pub fn scenario_of(
    loaded: &cbm_ttx_core::journal::Loaded,
    given: Option<&std::path::Path>,
    how: &str,
) -> Result<std::sync::Arc<cbm_ttx_core::scenario::Scenario>, String> {
    loaded
        .find_scenario(given, &[])
        .map(|(s, _)| s)
        .map_err(|e| match e {
            cbm_ttx_core::journal::FindError::Load(l) => match l.report() {
                Some(r) => format!("{}\n{}", r.summary(), r.lines().join("\n")),
                None => l.to_string(),
            },
            cbm_ttx_core::journal::FindError::Journal(j) => format!("{j}; give its file: {how}"),
        })
}

/// Parse a bot policy name for clap (`cooperative`, `silent`, `hawkish`, `random`).
pub fn parse_policy(s: &str) -> Result<cbm_ttx_core::sim::Policy, String> {
    cbm_ttx_core::sim::Policy::from_name(s)
        .ok_or_else(|| format!("unknown policy {s:?}: use cooperative, silent, hawkish or random"))
}
