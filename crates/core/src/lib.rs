//! The exercise core of cbm-ttx: everything that decides, records and explains an
//! exercise, with no bevy (and no window, network or async runtime) in its
//! dependency tree.
//!
//! - [`scenario`]: the RON format, validation with positioned diagnostics, the
//!   compiled model.
//! - [`engine`]: commands → checks → events → `apply`; audiences and seat views.
//! - [`journal`]: the append-only record, the source of truth.
//! - [`sim`]: bot policies and batch simulation.
//! - [`narrate`], [`report`]: events in words; the after-action report and MSEL.

pub mod chars;
pub mod clock;
pub mod engine;
pub mod files;
pub mod journal;
pub mod narrate;
pub mod report;
pub mod scenario;
pub mod session;
pub mod sim;
