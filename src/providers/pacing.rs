//! Keeping a provider's rate limit: at most `calls` requests in any sliding window of `per`
//! for one access key, whatever the concurrency.
//!
//! A request takes its turn under the key's lock, so the requests of one key queue here
//! without holding any of the engine's concurrency permits (other keys' queries go on); only
//! the request whose turn it is waits for a permit, and its send time is recorded once it has
//! one, just before it goes out. The recorded times are therefore the real send times, and no
//! window of `per` ever holds more than `calls` of them.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::sync::{Mutex, Semaphore, SemaphorePermit};
use tokio::time::Instant;

use crate::sources::Pacing;

pub struct Pacer {
    pacing: Pacing,
    /// When the last `calls` requests went out, oldest first.
    sent: Mutex<VecDeque<Instant>>,
}

impl Pacer {
    pub fn new(pacing: Pacing) -> Pacer {
        Pacer {
            pacing,
            sent: Mutex::new(VecDeque::with_capacity(pacing.calls)),
        }
    }

    /// Waits until one more request fits in the window, then for a concurrency permit, and
    /// records the send. `None` when the permits are closed.
    pub async fn admit<'a>(&self, permits: &'a Semaphore) -> Option<SemaphorePermit<'a>> {
        let mut sent = self.sent.lock().await;
        while sent.len() >= self.pacing.calls {
            let oldest = sent[0];
            let reopens = oldest + self.pacing.per;
            if Instant::now() >= reopens {
                sent.pop_front();
            } else {
                tokio::time::sleep_until(reopens).await;
            }
        }
        let permit = permits.acquire().await.ok()?;
        sent.push_back(Instant::now());
        Some(permit)
    }

    pub fn window(&self) -> Duration {
        self.pacing.per
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn never_more_than_the_limit_in_any_window() {
        let pacer = Pacer::new(Pacing {
            calls: 10,
            per: Duration::from_secs(1),
        });
        let permits = Semaphore::new(64);
        let start = Instant::now();
        let mut times = Vec::new();
        for _ in 0..35 {
            let _permit = pacer.admit(&permits).await.unwrap();
            times.push(Instant::now() - start);
        }
        for (i, at) in times.iter().enumerate().skip(10) {
            assert!(*at - times[i - 10] >= pacer.window(), "{i}: {times:?}");
        }
        // As fast as the limit allows: 35 calls take three full windows.
        assert_eq!(times[34], Duration::from_secs(3));
    }
}
