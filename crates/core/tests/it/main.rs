//! The core's integration tests: the rules, the scenario format, the journal,
//! simulation and reports, through the public API. No bevy is compiled for these.

mod common;
mod determinism;
mod docs;
mod engine;
mod fuzz;
mod journal;
mod outputs;
mod privacy;
mod report;
mod simulate;
mod synth;
mod validate;
mod visibility;
