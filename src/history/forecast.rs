//! The forecast: a least-squares line through the samples of one quota, `used` against time.
//!
//! Samples are summed into [`Moments`] (count, sums of x, y, x², xy) so that the store can keep
//! them per day and per hour and a forecast over a month of samples reads a few dozen sums
//! instead of thousands of samples. x is in seconds from an origin chosen near the samples
//! (the start of a bucket, or the run's time), which keeps the sums small enough for an f64 to
//! hold them exactly while they are whole numbers.

use crate::quota::{Amount, Trend};

/// A trend needs at least this many samples...
pub const MIN_SAMPLES: u64 = 3;
/// ...spanning at least this long: a slope from one afternoon says nothing about a month.
pub const MIN_SPAN_SECONDS: i64 = 86_400;
const DAY: f64 = 86_400.0;

/// The sums of a least-squares fit, x in seconds from some origin.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Moments {
    pub n: f64,
    pub sx: f64,
    pub sxx: f64,
    pub sy: f64,
    pub sxy: f64,
}

impl Moments {
    pub fn add(&mut self, x: f64, y: f64) {
        self.n += 1.0;
        self.sx += x;
        self.sxx += x * x;
        self.sy += y;
        self.sxy += x * y;
    }

    /// Adds `other`, whose x are counted from an origin `shift` seconds after this one's.
    pub fn merge_shifted(&mut self, other: &Moments, shift: f64) {
        self.n += other.n;
        self.sx += other.sx + other.n * shift;
        self.sxx += other.sxx + 2.0 * shift * other.sx + other.n * shift * shift;
        self.sy += other.sy;
        self.sxy += other.sxy + shift * other.sy;
    }

    /// The least-squares slope in units a second; `None` when every x is the same.
    pub fn slope(&self) -> Option<f64> {
        let denominator = self.n * self.sxx - self.sx * self.sx;
        if self.n < 2.0 || denominator <= 0.0 || !denominator.is_finite() {
            return None;
        }
        let slope = (self.n * self.sxy - self.sx * self.sy) / denominator;
        slope.is_finite().then_some(slope)
    }
}

/// The trend of a quota from the samples of its window (`moments`, x counted from `now`),
/// the first of which was taken at `first_at`; the last is `now`'s, with `used` and `limit`.
/// `None` without enough history (fewer than 3 samples, or less than a day between them).
pub fn trend(
    moments: &Moments,
    first_at: i64,
    now: i64,
    used: Amount,
    limit: Option<Amount>,
) -> Option<Trend> {
    if moments.n < MIN_SAMPLES as f64 || now - first_at < MIN_SPAN_SECONDS {
        return None;
    }
    let per_day = moments.slope()? * DAY;
    let days_to_full = match limit {
        Some(limit) if per_day > 0.0 => Some((limit.value() - used.value()).max(0.0) / per_day),
        _ => None,
    };
    let full_at = days_to_full.and_then(|days| {
        let seconds = (days * DAY).round();
        // Far beyond any date a timestamp holds, the quota is simply never full.
        (seconds < 1e11)
            .then(|| jiff::Timestamp::from_second(now.checked_add(seconds as i64)?).ok())
            .flatten()
    });
    Some(Trend {
        per_day,
        days_to_full,
        full_at,
        samples: moments.n as u64,
        since: jiff::Timestamp::from_second(first_at).ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fit(points: &[(f64, f64)]) -> Moments {
        let mut m = Moments::default();
        for &(x, y) in points {
            m.add(x, y);
        }
        m
    }

    #[test]
    fn slope_of_a_straight_line() {
        let m = fit(&[(0.0, 10.0), (1.0, 12.0), (2.0, 14.0)]);
        assert_eq!(m.slope(), Some(2.0));
        assert_eq!(fit(&[(5.0, 1.0), (5.0, 2.0)]).slope(), None);
        assert_eq!(fit(&[(5.0, 1.0)]).slope(), None);
    }

    #[test]
    fn shifted_sums_are_the_sums_of_shifted_points() {
        let points = [(3.0, 7.0), (90.0, 8.5), (4000.0, 11.0)];
        let whole = fit(&points.map(|(x, y)| (x - 86_400.0, y)));
        let mut merged = Moments::default();
        merged.merge_shifted(&fit(&points[..1]), -86_400.0);
        merged.merge_shifted(&fit(&points[1..]), -86_400.0);
        for (a, b) in [
            (whole.n, merged.n),
            (whole.sx, merged.sx),
            (whole.sxx, merged.sxx),
            (whole.sy, merged.sy),
            (whole.sxy, merged.sxy),
        ] {
            assert!((a - b).abs() <= 1e-9 * a.abs().max(1.0), "{a} != {b}");
        }
    }

    #[test]
    fn forecast_only_with_enough_history_a_limit_and_growth() {
        let now = 1_800_000_000;
        // One a day for four days, 10 more each day, the last now at 70 of 100.
        let m = fit(&[
            (-3.0 * DAY, 40.0),
            (-2.0 * DAY, 50.0),
            (-DAY, 60.0),
            (0.0, 70.0),
        ]);
        let used = Amount::from(70);
        let t = trend(&m, now - 3 * 86_400, now, used, Some(Amount::from(100))).unwrap();
        assert!((t.per_day - 10.0).abs() < 1e-9);
        assert!((t.days_to_full.unwrap() - 3.0).abs() < 1e-9);
        assert_eq!(t.full_at.unwrap().as_second(), now + 3 * 86_400);
        assert_eq!(t.samples, 4);
        // Unlimited: a trend, no forecast.
        let t = trend(&m, now - 3 * 86_400, now, used, None).unwrap();
        assert_eq!((t.days_to_full, t.full_at), (None, None));
        // Full already: 0 days.
        let t = trend(&m, now - 3 * 86_400, now, used, Some(Amount::from(60))).unwrap();
        assert_eq!(t.days_to_full, Some(0.0));
        // Falling: no forecast.
        let falling = fit(&[(-2.0 * DAY, 9.0), (-DAY, 8.0), (0.0, 7.0)]);
        let t = trend(
            &falling,
            now - 2 * 86_400,
            now,
            used,
            Some(Amount::from(10)),
        )
        .unwrap();
        assert!(t.per_day < 0.0 && t.days_to_full.is_none());
        // Two samples, or three within a day: no trend.
        assert!(
            trend(
                &fit(&[(-DAY, 1.0), (0.0, 2.0)]),
                now - 86_400,
                now,
                used,
                None
            )
            .is_none()
        );
        let short = fit(&[(-80_000.0, 1.0), (-1.0, 2.0), (0.0, 3.0)]);
        assert!(trend(&short, now - 80_000, now, used, None).is_none());
    }
}
