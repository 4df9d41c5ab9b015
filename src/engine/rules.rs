//! The numbers of the rules, in one place, so that the rules section of
//! docs/scenario-format.md and the code agree.
//! Tension runs from 0 to 100; negative numbers ease it.

/// Chance (percent) that a message to a stale (correct but unverified for over a
/// year) contact point is held up until the next round.
pub const STALE_DELAY_PERCENT: u32 = 60;

pub const POLICY_MESSAGE_DELIVERED: i8 = -2;
pub const TECHNICAL_MESSAGE_DELIVERED: i8 = -1;
pub const REQUEST_DELIVERED: i8 = -1;
pub const SHARE_DELIVERED: i8 = -2;
pub const JOINT_ANALYSIS_DELIVERED: i8 = -3;
pub const ASSISTANCE_DELIVERED: i8 = -4;
pub const RESPONSE_DELIVERED: i8 = -1;
/// A concern answered within a round: the rapid line did its job.
pub const CONCERN_ANSWERED: i8 = -6;
/// A concern left unanswered past the end of the next round.
pub const CONCERN_IGNORED: i8 = 5;

pub const STATEMENT_CONCILIATORY: i8 = -4;
pub const STATEMENT_ASSERTIVE: i8 = 3;
pub const STATEMENT_ACCUSATORY: i8 = 7;

/// Public attribution to the State that did it.
pub const ATTRIBUTION_CORRECT: i8 = 8;
/// Public attribution to a State that did not do it.
pub const ATTRIBUTION_WRONG: i8 = 15;
/// Extra, when the attributing State held no fact pointing at the accused.
pub const ATTRIBUTION_UNSUBSTANTIATED: i8 = 5;
/// Naming the real non-State culprit clears States the attributor's facts implicated.
pub const ATTRIBUTION_CLEARS: i8 = -4;

pub const COUNTERMEASURE: i8 = 12;
/// Extra, when the countermeasure hits a State that is not behind the incident.
pub const COUNTERMEASURE_WRONG_TARGET: i8 = 8;
