//! The rules engine: plain, deterministic Rust with no bevy types.
//!
//! A [`Command`] from a [`Seat`] is checked ([`check`]), executed into [`Event`]s
//! ([`execute`], [`resolve`]), and each event is applied to the [`State`] by
//! [`apply`], the only function that changes it. Every event carries its audience;
//! [`SeatView`] folds the events a seat may see. Same scenario, seed and commands:
//! same events, byte for byte.

pub mod check;
pub mod command;
pub mod event;
pub mod execute;
pub mod game;
pub mod history;
pub mod integrity;
pub mod objectives;
pub mod resolve;
pub mod rng;
pub mod rules;
pub mod seat;
pub mod state;
pub mod triggers;
pub mod view;

pub use check::Rejection;
pub use command::{Action, ActionId, Command, InjectTarget, MessageId};
pub use event::{Answer, Cause, Event, EventKind, InjectSource, Message, Payload, Phase, Via};
pub use game::{Game, ReplayError};
pub use objectives::{Outcome, Status, evaluate_all};
pub use seat::Seat;
pub use state::{State, apply};
pub use view::SeatView;
