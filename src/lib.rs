//! cbm-ttx: a tabletop discussion-exercise simulator for OSCE cyber/ICT
//! confidence-building measures 2 and 8.
//!
//! The rules live in [`scenario`] and [`engine`] (no bevy); [`journal`] records
//! exercises; [`sim`] plays them with bots.

pub mod app;
pub mod cli;
pub mod engine;
pub mod journal;
pub mod narrate;
pub mod net;
pub mod report;
pub mod scenario;
pub mod sim;
