//! The rules engine: plain, deterministic Rust with no bevy types.
//!
//! A [`Command`] from a [`Seat`] is checked ([`check`]), executed into [`Event`]s
//! ([`execute`], [`resolve`]), and each event is applied to the [`Situation`] by
//! [`apply`], the only function that changes it (its fields are private to
//! [`situation`]). Every event carries its audience; a [`SeatView`] folds the events
//! a seat may see and the scenario text they disclose ([`disclose`]). Same scenario,
//! seed and commands: same events, byte for byte.

pub mod check;
pub mod command;
pub mod disclose;
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
pub mod situation;
pub mod triggers;
pub mod view;

pub use check::{Awareness, Rejection};
pub use command::{Action, ActionId, Choice, Command, InjectTarget, MessageId};
pub use disclose::Disclosure;
pub use event::{Answer, Cause, Event, EventKind, InjectSource, Message, Payload, Phase, Via};
pub use game::{Game, ReplayError};
pub use objectives::{Outcome, Status, evaluate_all};
pub use seat::Seat;
pub use situation::{Reseed, Situation, apply};
pub use view::SeatView;
