//! cbm-ttx, the shell around [`cbm_ttx_core`]: the running exercise as a bevy
//! resource ([`exercise`]), the LAN host and client ([`net`]), the participant web
//! client ([`web`]), the bevy app ([`app`]) and the command line ([`cli`]).
//! Dependencies point one way: core ← exercise ← net ← web ← app ← cli (checked by
//! a test).

pub mod app;
pub mod cli;
pub mod exercise;
pub mod net;
pub mod output;
pub mod storage;
pub mod web;
