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

/// Public attribution of an incident to a State. The same whether the accused was
/// really behind it or not: a public number that depended on the hidden origin would
/// let the room read the truth off the board. Control's record says whether it was
/// right and substantiated, for the debrief.
pub const ATTRIBUTION: i8 = 12;

pub const COUNTERMEASURE: i8 = 12;
/// Extra, when the countermeasure names no incident it answers.
pub const COUNTERMEASURE_UNEXPLAINED: i8 = 8;
