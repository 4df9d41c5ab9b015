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
    /// Leave out the UTF-8 byte-order mark (it is there so that spreadsheet programs
    /// read Cyrillic and accents correctly).
    #[arg(long)]
    pub no_bom: bool,
}

pub fn run(args: &Args) -> i32 {
    let s = match scenario::load(&args.scenario) {
        Ok((s, _)) => s,
        Err(e) => {
            match e.report() {
                Some(r) => crate::err!("{}", r.render(false)),
                None => crate::errln!("msel: {e}"),
            }
            return 1;
        }
    };
    let lang = args
        .lang
        .filter(|l| s.languages.contains(l))
        .unwrap_or(s.languages[0]);
    let opts = cbm_ttx_core::report::msel::Options { bom: !args.no_bom };
    let csv = match cbm_ttx_core::report::msel::csv_with(&s, lang, &opts) {
        Ok(c) => c,
        Err(e) => {
            crate::errln!("msel: {e}");
            return 1;
        }
    };
    match &args.out {
        Some(p) => match cbm_ttx_core::files::write_atomic(p, csv.as_bytes()) {
            Ok(()) => {
                crate::outln!("{}", p.display());
                0
            }
            Err(e) => {
                crate::errln!("msel: {}: {e}", p.display());
                1
            }
        },
        None => {
            crate::out!("{csv}");
            0
        }
    }
}
