//! Wall-clock time, kept outside the engine's deterministic content: every journal
//! line says when it was recorded (UTC), the round clock is derived from those times,
//! and reports say when things happened and how long answers took.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A moment in UTC, in milliseconds since the Unix epoch. Written as RFC 3339
/// (`2026-11-29T20:31:02.123Z`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub u64);

impl Timestamp {
    /// Now, by this machine's clock (the epoch if the clock is before it).
    pub fn now() -> Timestamp {
        Timestamp::from(SystemTime::now())
    }

    /// The time from `earlier` to `self`, to the millisecond (zero if `earlier` is
    /// later).
    pub fn since(self, earlier: Timestamp) -> Duration {
        Duration::from_millis(self.0.saturating_sub(earlier.0))
    }

    /// This moment plus a duration.
    pub fn plus(self, d: Duration) -> Timestamp {
        Timestamp(self.0.saturating_add(d.as_millis() as u64))
    }

    /// Parse RFC 3339 (`2026-11-29T20:31:02.123Z`); `None` if it is not. Precision
    /// below a millisecond is dropped.
    pub fn parse(s: &str) -> Option<Timestamp> {
        humantime::parse_rfc3339_weak(s).ok().map(Timestamp::from)
    }

    /// `HH:MM` (UTC), for timelines.
    pub fn hh_mm(self) -> String {
        let s = self.to_string();
        s.get(11..16).unwrap_or("").to_owned()
    }
}

impl From<SystemTime> for Timestamp {
    fn from(t: SystemTime) -> Timestamp {
        Timestamp(
            t.duration_since(UNIX_EPOCH)
                .map(|d| d.as_millis() as u64)
                .unwrap_or(0),
        )
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = UNIX_EPOCH + Duration::from_millis(self.0);
        write!(f, "{}", humantime::format_rfc3339_millis(t))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Timestamp, D::Error> {
        let s = String::deserialize(d)?;
        Timestamp::parse(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("not an RFC 3339 time: {s:?}")))
    }
}

/// Where a session gets the time from: the system clock, or a clock a test drives.
pub trait WallClock: Send + Sync {
    /// The current time (UTC).
    fn now(&self) -> Timestamp;
}

/// The machine's clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl WallClock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock that moves only when told (tests, demonstrations).
#[derive(Debug, Default)]
pub struct ManualClock(std::sync::atomic::AtomicU64);

impl ManualClock {
    /// A clock standing at `t`.
    pub fn at(t: Timestamp) -> ManualClock {
        ManualClock(std::sync::atomic::AtomicU64::new(t.0))
    }
    /// Move the clock forward by `d` (whole milliseconds; shared by every holder).
    pub fn advance(&self, d: Duration) {
        self.0
            .fetch_add(d.as_millis() as u64, std::sync::atomic::Ordering::SeqCst);
    }
}

impl WallClock for ManualClock {
    fn now(&self) -> Timestamp {
        Timestamp(self.0.load(std::sync::atomic::Ordering::SeqCst))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_round_trip() {
        let t = Timestamp(1_764_448_262_123);
        assert_eq!(t.to_string(), "2025-11-29T20:31:02.123Z");
        assert_eq!(Timestamp::parse(&t.to_string()), Some(t));
        assert_eq!(t.hh_mm(), "20:31");
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(serde_json::from_str::<Timestamp>(&json).unwrap(), t);
    }
}
