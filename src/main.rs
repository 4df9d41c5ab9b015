//! cbm-ttx command line. See README.md.

use clap::{Parser, Subcommand};

use cbm_ttx::cli;

#[derive(Debug, Parser)]
#[command(
    name = "cbm-ttx",
    version,
    about = "Tabletop exercises for OSCE cyber/ICT confidence-building measures 2 and 8"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Open the app (the default): picker, lobby, exercise, board, debrief.
    Play(cli::play::Args),
    /// Check scenario files: syntax and meaning, with file:line:column and hints.
    Validate(cli::validate::Args),
    /// Play whole exercises with bot players and summarise the outcomes.
    Simulate(cli::simulate::Args),
    /// Write the after-action report (HTML and Markdown) of an exercise journal.
    Report(cli::report::Args),
    /// Export a scenario's Master Scenario Events List as CSV.
    Msel(cli::msel::Args),
    /// Host an exercise that participants join over the LAN.
    Host(cli::host::Args),
    /// Join a hosted exercise (the participant app, or headless bots).
    Join(cli::join::Args),
    /// Write a synthetic scenario of any size (load tests, benchmarks).
    Generate(cli::generate::Args),
}

fn main() {
    let cli = Cli::parse();
    let code = match &cli.command {
        None => cli::play::run(&cli::play::Args::default()),
        Some(Command::Play(a)) => cli::play::run(a),
        Some(Command::Validate(a)) => cli::validate::run(a),
        Some(Command::Simulate(a)) => cli::simulate::run(a),
        Some(Command::Report(a)) => cli::report::run(a),
        Some(Command::Msel(a)) => cli::msel::run(a),
        Some(Command::Host(a)) => cli::host::run(a),
        Some(Command::Join(a)) => cli::join::run(a),
        Some(Command::Generate(a)) => cli::generate::run(a),
    };
    std::process::exit(code);
}
