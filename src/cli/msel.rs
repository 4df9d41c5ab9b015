//! `cbm-ttx msel SCENARIO --out msel.csv`: the Master Scenario Events List.

use std::path::PathBuf;

use cbm_ttx_core::scenario::{self, Lang};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The scenario file (RON).
    pub scenario: PathBuf,
    /// Where to write the CSV (default: standard output).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Language of scenario text (en, fr, de, it, ru, es).
    #[arg(long, value_parser = crate::cli::play::parse_lang)]
    pub lang: Option<Lang>,
}

pub fn run(args: &Args) -> i32 {
    let s = match scenario::load(&args.scenario) {
        Ok((s, _)) => s,
        Err(e) => {
            match e.report() {
                Some(r) => eprint!("{}", r.render(false)),
                None => eprintln!("msel: {e}"),
            }
            return 1;
        }
    };
    let lang = args
        .lang
        .filter(|l| s.languages.contains(l))
        .unwrap_or(s.languages[0]);
    let csv = match cbm_ttx_core::report::msel::csv(&s, lang) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("msel: {e}");
            return 1;
        }
    };
    match &args.out {
        Some(p) => match std::fs::write(p, csv) {
            Ok(()) => {
                println!("{}", p.display());
                0
            }
            Err(e) => {
                eprintln!("msel: {}: {e}", p.display());
                1
            }
        },
        None => {
            print!("{csv}");
            0
        }
    }
}
