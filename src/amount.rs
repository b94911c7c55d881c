//! A quota number as the provider gave it. Most are whole counts; some (Alibaba bandwidth
//! quotas) are fractional, and a user comparing headroom's output with the console must see
//! the same number. It is held as an `f64`, which holds every whole number up to 2^53 and every
//! decimal of up to 15 significant digits exactly, and printed in its shortest form that reads
//! back the same (`5000.5`, not `5000.500000000001`; `42`, not `42.0`).

use std::fmt;

use serde::{Serialize, Serializer};

/// Whole numbers beyond this are not exact in an `f64`; no quota comes near it.
const EXACT_WHOLE: f64 = 9_007_199_254_740_992.0;

#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, Default)]
pub struct Amount(f64);

impl Amount {
    /// `None` for a value that is not a finite number of zero or more.
    pub fn new(value: f64) -> Option<Amount> {
        (value.is_finite() && value >= 0.0).then_some(Amount(value))
    }

    pub fn value(self) -> f64 {
        self.0
    }

    /// The value as a whole number, when it is one.
    pub fn whole(self) -> Option<u64> {
        (self.0.fract() == 0.0 && self.0 < EXACT_WHOLE).then_some(self.0 as u64)
    }

    /// `self - other`, never below zero.
    pub fn saturating_sub(self, other: Amount) -> Amount {
        match (self.whole(), other.whole()) {
            (Some(a), Some(b)) => Amount::from(a.saturating_sub(b)),
            _ => Amount((self.0 - other.0).max(0.0)),
        }
    }
}

impl From<u64> for Amount {
    fn from(value: u64) -> Self {
        Amount(value as f64)
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.whole() {
            Some(whole) => write!(f, "{whole}"),
            // Rust prints the shortest decimal that reads back as the same f64.
            None => write!(f, "{}", self.0),
        }
    }
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.whole() {
            Some(whole) => serializer.serialize_u64(whole),
            None => serializer.serialize_f64(self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_as_given() {
        let shown = |v: f64| Amount::new(v).unwrap().to_string();
        assert_eq!(shown(42.0), "42");
        assert_eq!(shown(5000.5), "5000.5");
        assert_eq!(shown(1200.25), "1200.25");
        assert_eq!(shown(0.1), "0.1");
        assert_eq!(shown(0.0), "0");
        assert_eq!(
            serde_json::to_string(&Amount::new(5000.5)).unwrap(),
            "5000.5"
        );
        assert_eq!(serde_json::to_string(&Amount::from(7)).unwrap(), "7");
        let parsed: f64 = serde_json::from_str("1200.25").unwrap();
        assert_eq!(Amount::new(parsed).unwrap().to_string(), "1200.25");
    }

    #[test]
    fn refuses_what_is_not_an_amount() {
        assert_eq!(Amount::new(-1.0), None);
        assert_eq!(Amount::new(f64::NAN), None);
        assert_eq!(Amount::new(f64::INFINITY), None);
    }

    #[test]
    fn subtraction_stops_at_zero() {
        let a = |v: f64| Amount::new(v).unwrap();
        assert_eq!(a(10.0).saturating_sub(a(4.0)), a(6.0));
        assert_eq!(a(4.0).saturating_sub(a(10.0)), a(0.0));
        assert_eq!(a(5000.5).saturating_sub(a(1200.25)), a(3800.25));
        assert_eq!(a(1.5).saturating_sub(a(2.0)), a(0.0));
    }
}
