//! The app's integration-test binary: the bevy shell, LAN play and the command line
//! as users run them. The core's own tests live in `crates/core/tests`.

mod app;
mod cli;
#[path = "../../crates/core/tests/it/common.rs"]
mod common;
mod lan;
mod layers;
mod screens;
mod web;
