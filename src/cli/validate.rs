//! `cbm-ttx validate FILE...`: every problem of every file, with positions and hints.

use std::io::IsTerminal;
use std::path::PathBuf;

use cbm_ttx_core::scenario::{compile_bytes, read_limited};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario files (RON) to check.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Print one line per problem (file:line:col: ...) instead of source excerpts.
    #[arg(long)]
    pub short: bool,
}

/// Exit code 0 when every file is valid (warnings allowed), 1 otherwise.
pub fn run(args: &Args) -> i32 {
    let color = std::io::stdout().is_terminal();
    let mut failed = false;
    for path in &args.files {
        let shown = path.display().to_string();
        let bytes = match read_limited(path) {
            Ok(b) => b,
            Err(e) => {
                crate::outln!("{shown}: cannot read: {e}");
                failed = true;
                continue;
            }
        };
        let compiled = compile_bytes(&shown, &bytes);
        let report = &compiled.report;
        if args.short {
            for line in report.lines() {
                crate::outln!("{line}");
            }
        } else {
            crate::out!("{}", report.render(color));
        }
        crate::outln!("{}", report.summary());
        failed |= report.has_errors();
    }
    i32::from(failed)
}
