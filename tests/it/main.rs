//! The one integration-test binary: behaviour users rely on, through the public API
//! and the real command line.

mod app;
mod common;
mod determinism;
mod engine;
mod fuzz;
mod journal;
mod lan;
mod report;
mod simulate;
mod validate;
mod visibility;
