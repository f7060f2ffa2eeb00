//! The hybrid logical clock that stamps every change (as Actual Budget and
//! CockroachDB do): wall-clock milliseconds, a counter for changes within
//! one millisecond, and the device, so any two stamps are ordered the same
//! way on every laptop. A stamp is never lower than one this laptop has
//! already seen, so a laptop whose clock runs slow still orders its changes
//! after what it received; a laptop whose clock runs fast pulls the others'
//! stamps forward with it, and `drift` says so in words.
//!
//! Stamps are written as text that sorts in clock order:
//! `<millis, 12 hex digits>-<counter, 4 hex digits>-<device>`.

use std::fmt;

use crate::error::{CoreError, Result};

/// How far a received stamp may be ahead of this laptop's clock before it
/// is reported as a clock problem (Actual Budget refuses beyond 5 minutes;
/// here a change is never refused for it, only reported).
pub const DRIFT_WARNING_MS: u64 = 60 * 60 * 1000;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hlc {
    pub millis: u64,
    pub counter: u16,
    pub device: String,
}

impl Hlc {
    /// The lowest stamp: what a column that was never changed since team
    /// sharing began carries.
    pub fn zero() -> Hlc {
        Hlc {
            millis: 0,
            counter: 0,
            device: String::new(),
        }
    }

    /// The next stamp for a change made here at wall-clock time `now_ms`.
    pub fn tick(&self, now_ms: u64, device: &str) -> Hlc {
        let (millis, counter) = if now_ms > self.millis {
            (now_ms, 0)
        } else if self.counter == u16::MAX {
            (self.millis + 1, 0)
        } else {
            (self.millis, self.counter + 1)
        };
        Hlc {
            millis,
            counter,
            device: device.to_string(),
        }
    }

    /// This laptop's clock after seeing `remote` (never lower than either).
    pub fn receive(&self, remote: &Hlc, now_ms: u64, device: &str) -> Hlc {
        let top = self.millis.max(remote.millis);
        if now_ms > top {
            return Hlc {
                millis: now_ms,
                counter: 0,
                device: device.to_string(),
            };
        }
        let counter = if self.millis == remote.millis {
            self.counter.max(remote.counter)
        } else if top == self.millis {
            self.counter
        } else {
            remote.counter
        };
        Hlc {
            millis: top,
            counter: counter.saturating_add(1),
            device: device.to_string(),
        }
    }

    /// The file-name part of a stamp (without the device, which names the
    /// file's folder).
    pub fn file_stem(&self) -> String {
        format!("{:012x}-{:04x}", self.millis, self.counter)
    }

    pub fn parse(text: &str) -> Result<Hlc> {
        let bad = || CoreError::Sync(format!("\"{text}\" is not a change's time stamp"));
        let mut parts = text.splitn(3, '-');
        let millis = parts.next().ok_or_else(bad)?;
        let counter = parts.next().ok_or_else(bad)?;
        let device = parts.next().unwrap_or("");
        if millis.len() != 12 || counter.len() != 4 {
            return Err(bad());
        }
        Ok(Hlc {
            millis: u64::from_str_radix(millis, 16).map_err(|_| bad())?,
            counter: u16::from_str_radix(counter, 16).map_err(|_| bad())?,
            device: device.to_string(),
        })
    }

    /// A file name's stamp (`<millis>-<counter>.rfc`) with its device.
    pub fn from_file_stem(stem: &str, device: &str) -> Option<Hlc> {
        Hlc::parse(&format!("{stem}-{device}"))
            .ok()
            .filter(|h| h.file_stem() == stem)
    }
}

impl fmt::Display for Hlc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.millis == 0 && self.counter == 0 && self.device.is_empty() {
            return Ok(());
        }
        write!(
            f,
            "{:012x}-{:04x}-{}",
            self.millis, self.counter, self.device
        )
    }
}

/// This computer's wall clock in milliseconds since 1970.
pub fn wall_ms() -> u64 {
    chrono::Utc::now().timestamp_millis().max(0) as u64
}

/// How far `stamp` is ahead of this computer's clock, in words, when it is
/// more than [`DRIFT_WARNING_MS`] ahead.
pub fn drift(stamp: &Hlc, now_ms: u64) -> Option<String> {
    let ahead = stamp.millis.checked_sub(now_ms)?;
    if ahead <= DRIFT_WARNING_MS {
        return None;
    }
    let hours = ahead / 3_600_000;
    let span = if hours >= 48 {
        format!("{} days", (ahead + 43_200_000) / 86_400_000)
    } else if hours >= 2 {
        format!("{hours} hours")
    } else {
        "over an hour".to_string()
    };
    Some(format!(
        "Changes from another laptop are stamped {span} ahead of this laptop's clock. One of \
         the two clocks is wrong: check the date and time on both. Changes are still put in \
         the right order."
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_sort_as_text_in_clock_order() {
        let a = Hlc::zero().tick(1_000, "aa");
        let b = a.tick(1_000, "aa");
        let c = b.tick(999, "bb"); // a slow clock still moves forward
        let d = c.tick(5_000, "aa");
        let all = [&a, &b, &c, &d];
        for pair in all.windows(2) {
            assert!(pair[0] < pair[1]);
            assert!(pair[0].to_string() < pair[1].to_string());
            assert_eq!(Hlc::parse(&pair[1].to_string()).unwrap(), *pair[1]);
        }
        assert_eq!(Hlc::zero().to_string(), "");
    }

    #[test]
    fn receiving_a_later_stamp_moves_this_clock_past_it() {
        let here = Hlc::zero().tick(1_000, "aa");
        let fast = Hlc::zero().tick(9_000_000, "bb");
        let after = here.receive(&fast, 1_001, "aa");
        assert!(after > fast);
        assert!(after.tick(1_002, "aa") > after);
        assert!(drift(&fast, 1_000).is_some());
        assert!(drift(&here, 1_000).is_none());
    }
}
