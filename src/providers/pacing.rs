//! Keeping a provider's rate limit: at most `calls` requests in any sliding window of `per`
//! for one access key, whatever the concurrency.
//!
//! The provider counts requests when they arrive, which is some time after they are sent and
//! before their answer comes back. So a request counts against the window from the moment it
//! is sent until `per` after its answer arrived: a new one is sent only while fewer than
//! `calls` are in flight or answered within the last `per`. Its arrival is then at least `per`
//! after the arrival of the request `calls` before it, whatever the network's delays, and the
//! provider never sees more than `calls` in any window.
//!
//! Requests of one key take their turn in order under the key's lock, holding none of the
//! engine's concurrency permits while they wait (other keys' queries go on); only the request
//! whose turn it is waits for a permit.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex as SyncMutex};
use std::time::Duration;

use tokio::sync::{Mutex, Notify, Semaphore, SemaphorePermit};
use tokio::time::Instant;

use crate::sources::Pacing;

pub struct Pacer {
    pacing: Pacing,
    /// Held while a request waits for its turn, so turns are taken in order.
    turn: Mutex<()>,
    state: Arc<SyncMutex<Window>>,
    /// Woken when an answer arrives (an in-flight request becomes an answered one).
    answered: Arc<Notify>,
}

#[derive(Default)]
struct Window {
    in_flight: usize,
    /// When the answers of the last requests arrived, oldest first.
    answered: VecDeque<Instant>,
}

/// A request's place in the window; dropping it (the answer arrived, or the attempt ended
/// otherwise) starts its last `per`.
pub struct Ticket {
    state: Arc<SyncMutex<Window>>,
    answered: Arc<Notify>,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut window = lock(&self.state);
        window.in_flight = window.in_flight.saturating_sub(1);
        window.answered.push_back(Instant::now());
        drop(window);
        self.answered.notify_waiters();
    }
}

fn lock(state: &SyncMutex<Window>) -> std::sync::MutexGuard<'_, Window> {
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Pacer {
    pub fn new(pacing: Pacing) -> Pacer {
        Pacer {
            pacing,
            turn: Mutex::new(()),
            state: Arc::new(SyncMutex::new(Window::default())),
            answered: Arc::new(Notify::new()),
        }
    }

    /// Waits until one more request fits in the window, then for a concurrency permit. The
    /// ticket must live until the answer has arrived. `None` when the permits are closed.
    pub async fn admit<'a>(&self, permits: &'a Semaphore) -> Option<(SemaphorePermit<'a>, Ticket)> {
        let _turn = self.turn.lock().await;
        loop {
            // Registered before the state is read, so an answer in between is not missed.
            let answered = self.answered.notified();
            let wait_until = {
                let mut window = lock(&self.state);
                let now = Instant::now();
                while window
                    .answered
                    .front()
                    .is_some_and(|&at| at + self.pacing.per <= now)
                {
                    window.answered.pop_front();
                }
                if window.in_flight + window.answered.len() < self.pacing.calls {
                    None
                } else {
                    Some(window.answered.front().map(|&at| at + self.pacing.per))
                }
            };
            match wait_until {
                None => break,
                Some(Some(reopens)) => {
                    tokio::select! {
                        () = tokio::time::sleep_until(reopens) => {}
                        () = answered => {}
                    }
                }
                Some(None) => answered.await,
            }
        }
        let permit = permits.acquire().await.ok()?;
        lock(&self.state).in_flight += 1;
        let ticket = Ticket {
            state: Arc::clone(&self.state),
            answered: Arc::clone(&self.answered),
        };
        Some((permit, ticket))
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
        let latency = Duration::from_millis(100);
        let start = Instant::now();
        let mut sent = Vec::new();
        let mut answered = Vec::new();
        for _ in 0..35 {
            let (_permit, ticket) = pacer.admit(&permits).await.unwrap();
            sent.push(Instant::now() - start);
            // One at a time here; the answer arrives after the latency.
            tokio::time::sleep(latency).await;
            answered.push(Instant::now() - start);
            drop(ticket);
        }
        for i in 10..sent.len() {
            assert!(
                sent[i] >= answered[i - 10] + pacer.window(),
                "{i}: sent {:?}, answer {} before at {:?}",
                sent[i],
                i - 10,
                answered[i - 10]
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_requests_wait_for_answers_in_flight() {
        let pacer = Arc::new(Pacer::new(Pacing {
            calls: 2,
            per: Duration::from_secs(1),
        }));
        let permits = Arc::new(Semaphore::new(64));
        let start = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..4 {
            let (pacer, permits) = (Arc::clone(&pacer), Arc::clone(&permits));
            tasks.push(tokio::spawn(async move {
                let (_permit, ticket) = pacer.admit(&permits).await.unwrap();
                let sent = Instant::now() - start;
                tokio::time::sleep(Duration::from_millis(300)).await;
                drop(ticket);
                sent
            }));
        }
        let mut sent = Vec::new();
        for task in tasks {
            sent.push(task.await.unwrap());
        }
        sent.sort();
        // Two at once; the next two a window after the first answers (0.3 s + 1 s).
        assert_eq!(
            sent,
            [
                Duration::ZERO,
                Duration::ZERO,
                Duration::from_millis(1300),
                Duration::from_millis(1300)
            ]
        );
    }
}
