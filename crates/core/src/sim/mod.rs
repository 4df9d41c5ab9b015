//! Bot players and batch simulation, for authors who want to see how a scenario plays
//! out before the workshop, and for tests that play thousands of exercises.

pub mod batch;
pub mod policy;

pub use batch::Bots;
pub use batch::{Options, PolicySummary, Start, play, render, simulate};
pub use policy::{Policy, bot_seed};
