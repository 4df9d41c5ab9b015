//! The command line: `validate` and `simulate` for scenario authors (more to come
//! from the app and network modules). Each subcommand is a small function that
//! returns the process exit code.

pub mod play;
pub mod simulate;
pub mod validate;
