//! cbm-ttx, the shell around [`cbm_ttx_core`]: the LAN host and client ([`net`]), the
//! bevy app ([`app`]) and the command line ([`cli`]). Dependencies point one way:
//! core ← net ← app ← cli.

pub mod app;
pub mod cli;
pub mod net;
