//! `cbm-ttx report JOURNAL`: the after-action report as HTML and Markdown.

use std::path::PathBuf;

use cbm_ttx_core::journal;
use cbm_ttx_core::report::{self, Options};
use cbm_ttx_core::scenario::Lang;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The exercise journal (.jsonl).
    pub journal: PathBuf,
    /// Output directory (default: next to the journal, `<journal>.report`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Chatham House rule: show seats only; no participant name appears anywhere.
    #[arg(long)]
    pub anonymise: bool,
    /// The scenario file, if the journal's recorded path is gone.
    #[arg(long)]
    pub scenario: Option<PathBuf>,
    /// Language of scenario text in the report (en, fr, de, it, ru, es).
    #[arg(long, value_parser = crate::cli::play::parse_lang)]
    pub lang: Option<Lang>,
}

pub fn run(args: &Args) -> i32 {
    let loaded = match journal::read(&args.journal) {
        Ok(l) => l,
        Err(e) => {
            crate::errln!("report: {e}");
            return 1;
        }
    };
    if let Some(t) = &loaded.torn {
        crate::errln!(
            "note: line {} of the journal was cut off (a crash while writing) and is left out",
            t.line
        );
    }
    let how = format!("cbm-ttx report {} --scenario FILE", args.journal.display());
    let scenario = match super::scenario_of(&loaded, args.scenario.as_deref(), &how) {
        Ok(s) => s,
        Err(e) => {
            crate::errln!("report: {e}");
            return 1;
        }
    };
    // Every command in the record is checked before anything is reported.
    let game = match loaded.replay(scenario.clone()) {
        Ok(g) => g,
        Err(e) => {
            crate::errln!("report: {e}");
            return 1;
        }
    };
    let out = args.out.clone().unwrap_or_else(|| {
        let mut p = args.journal.clone().into_os_string();
        p.push(".report");
        PathBuf::from(p)
    });
    let opts = Options {
        anonymise: args.anonymise,
        lang: args.lang,
        journal: Some(args.journal.display().to_string()),
    };
    match report::write(&scenario, loaded.header.seed, game.events(), &out, &opts) {
        Ok(files) => {
            for f in files {
                crate::outln!("{f}");
            }
            0
        }
        Err(e) => {
            crate::errln!("report: {e}");
            1
        }
    }
}
