//! The numbers of the rules, in one place, so that the rules section of
//! docs/scenario-format.md (§16, "Rules your scenario plays under") and the code
//! agree; a test checks the docs' table against these constants.
//! Tension runs from 0 to 100 between each pair of States; the deltas here are in
//! tension points, applied between the acting State and the other State and clamped
//! to 0–100; negative numbers ease it.
//!
//! Rules have versions. A journal records the version it was played under, and a
//! resumed or replayed exercise keeps it, so that every record replays exactly.

/// The rules new exercises are played under.
///
/// - 1: the first release. Attributions cost more when wrong and less when right,
///   and countermeasures more when aimed at a State not behind the incident (so the
///   public numbers gave the hidden origin away); players could act on any incident
///   that had begun, known to them or not.
/// - 2: public numbers never depend on hidden truth; players act only on incidents
///   their seat knows of.
/// - 3: in `Sequential` order a State's turn ends when every seat of it that someone
///   holds has said ready (under 1 and 2, the first of them to say so ended it).
pub const RULES: u32 = 3;

/// Version 1: public attribution to the State that did it.
pub const V1_ATTRIBUTION_CORRECT: i8 = 8;
/// Version 1: public attribution to a State that did not do it.
pub const V1_ATTRIBUTION_WRONG: i8 = 15;
/// Version 1: extra, when the attributing State held no fact pointing at the accused.
pub const V1_ATTRIBUTION_UNSUBSTANTIATED: i8 = 5;
/// Version 1: naming the real non-State culprit clears States the attributor's facts implicated.
pub const V1_ATTRIBUTION_CLEARS: i8 = -4;
/// Version 1: extra, when a countermeasure hits a State not behind the named incident
/// (or names none).
pub const V1_COUNTERMEASURE_WRONG_TARGET: i8 = 8;

/// Chance (percent, 0–100) that a message to a stale (correct but unverified for
/// over [`crate::scenario::STALE_AFTER_MONTHS`] months) contact point is held up until
/// the next round's deliberation begins (§16 "Contact points"). Drawn with
/// `engine::rng::chance` keyed by (seed, round, message id). The staleness threshold
/// follows measure 8's annual update of contact data (PC.DEC/1106, 2013).
pub const STALE_DELAY_PERCENT: u32 = 60;

/// A policy-level free-text message (`PolicyMessage`) delivered (§16).
pub const POLICY_MESSAGE_DELIVERED: i8 = -2;
/// A technical-level free-text message (`TechnicalMessage`) delivered (§16).
pub const TECHNICAL_MESSAGE_DELIVERED: i8 = -1;
/// An assistance request (`RequestAssistance`) delivered (§16).
pub const REQUEST_DELIVERED: i8 = -1;
/// Information shared (`ShareInformation`) and delivered (§16).
pub const SHARE_DELIVERED: i8 = -2;
/// A joint analysis (`JointAnalysis`) delivered (§16).
pub const JOINT_ANALYSIS_DELIVERED: i8 = -3;
/// Assistance provided (`ProvideAssistance`) and delivered (§16).
pub const ASSISTANCE_DELIVERED: i8 = -4;
/// A reply (`Respond`) delivered to anything but a concern (§16).
pub const RESPONSE_DELIVERED: i8 = -1;
/// A reply delivered to a concern, instead of [`RESPONSE_DELIVERED`]: the rapid
/// policy line did its job (§16).
pub const CONCERN_ANSWERED: i8 = -6;
/// A concern left unanswered past the end of the round after it was delivered:
/// applied when it expires at the end of a resolution (§16).
pub const CONCERN_IGNORED: i8 = 5;

/// A public statement about a State in a conciliatory tone (§16).
pub const STATEMENT_CONCILIATORY: i8 = -4;
/// A public statement about a State in an assertive tone (§16). A neutral tone, or a
/// statement about no State, changes nothing.
pub const STATEMENT_ASSERTIVE: i8 = 3;
/// A public statement about a State in an accusatory tone (§16).
pub const STATEMENT_ACCUSATORY: i8 = 7;

/// Public attribution of an incident to a State. The same whether the accused was
/// really behind it or not: a public number that depended on the hidden origin would
/// let the room read the truth off the board. Control's record says whether it was
/// right and substantiated, for the debrief (§16 "Tension effects"). Attribution to
/// a non-State actor changes no tension.
pub const ATTRIBUTION: i8 = 12;

/// A countermeasure, with the State it is aimed at (§16).
pub const COUNTERMEASURE: i8 = 12;
/// Extra, when the countermeasure names no incident it answers (version 2 on; §16).
pub const COUNTERMEASURE_UNEXPLAINED: i8 = 8;
