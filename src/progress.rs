//! A progress line on stderr while queries are outstanding: `⠙ querying 12 endpoints: 7 done`.
//!
//! It is for a person watching a terminal, so it never appears where it could get in anyone's
//! way: not when stderr is not a terminal (a pipe, a file, cron), not with a format other than
//! the table (a script reads those), not with `--quiet`, not with `-v` (its log lines would
//! tear through it), and not before the queries have taken [`DELAY`], so a fast run never
//! flashes it. It is cleared before anything else is printed. It never touches stdout.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::output::Format;
use crate::printer::Printer;

/// How long the queries may take before the line appears: long enough that a run against
/// endpoints that answer at once never shows it, short enough that a slow one is not silent.
pub const DELAY: Duration = Duration::from_millis(300);

/// How often the line is redrawn once shown (the spinner moves, the count catches up).
const TICK: Duration = Duration::from_millis(100);

/// Whether this run may show a progress line at all: the printer allows one (a person at a
/// terminal, no `--quiet`, no `-v`) and the output is the table. Pure, so the rule can be
/// tested where there is no terminal.
pub fn wanted(printer_allows: bool, format: Format) -> bool {
    printer_allows && format == Format::Table
}

/// Whether the line should be on screen now, `elapsed` after the queries started.
pub fn due(elapsed: Duration, done: usize, total: usize) -> bool {
    elapsed >= DELAY && done < total
}

/// The text of the line.
pub fn message(total: usize, done: usize) -> String {
    let noun = if total == 1 { "endpoint" } else { "endpoints" };
    format!("querying {total} {noun}: {} done", done.min(total))
}

/// The running progress line (or nothing, when it is not wanted). `counter()` is what the
/// engine adds to as answers arrive.
pub struct Progress {
    done: Arc<AtomicUsize>,
    /// Dropping the sender (in `finish`) tells the drawing thread to clear the line and stop.
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Progress {
    /// Starts watching `total` queries; draws nothing unless [`wanted`] says so and they run
    /// past [`DELAY`].
    pub fn start(total: usize, format: Format, printer: &Printer) -> Progress {
        let show = total > 0 && wanted(printer.progress_allowed(), format);
        let done = Arc::new(AtomicUsize::new(0));
        if !show {
            return Progress {
                done,
                stop: None,
                thread: None,
            };
        }
        let (stop, stopped) = mpsc::channel();
        let counter = Arc::clone(&done);
        // A plain thread, not a task: the runtime is single-threaded and busy with the queries,
        // and the line must move even when a task hogs it for a moment.
        let thread = std::thread::Builder::new()
            .name("headroom-progress".into())
            .spawn(move || draw(total, &counter, &stopped))
            // No thread means no progress line, which is no reason to stop the run.
            .ok();
        Progress {
            done,
            stop: Some(stop),
            thread,
        }
    }

    /// The number of answers received so far; pass it to `Engine::query_all`.
    pub fn counter(&self) -> Arc<AtomicUsize> {
        Arc::clone(&self.done)
    }

    /// Clears the line (if it was shown) and waits until it is gone from the terminal, so
    /// that what follows starts on a clean line.
    pub fn finish(mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The drawing thread: waits out the delay, then redraws every tick until told to stop.
fn draw(total: usize, done: &AtomicUsize, stopped: &mpsc::Receiver<()>) {
    let started = Instant::now();
    let mut bar: Option<ProgressBar> = None;
    loop {
        let wait = match bar {
            Some(_) => TICK,
            None => DELAY.saturating_sub(started.elapsed()).max(TICK / 10),
        };
        match stopped.recv_timeout(wait) {
            Err(RecvTimeoutError::Timeout) => {}
            // `finish` dropped the sender: clear the line and go.
            Ok(()) | Err(RecvTimeoutError::Disconnected) => break,
        }
        let count = done.load(Ordering::Relaxed);
        match &bar {
            Some(shown) => {
                shown.set_message(message(total, count));
                shown.tick();
            }
            None if due(started.elapsed(), count, total) => {
                let shown = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
                let style = ProgressStyle::with_template("{spinner} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner());
                shown.set_style(style);
                shown.set_message(message(total, count));
                shown.tick();
                bar = Some(shown);
            }
            None => {}
        }
    }
    if let Some(shown) = bar {
        shown.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_for_a_person_at_a_terminal_watching_the_table() {
        assert!(wanted(true, Format::Table));
        assert!(
            !wanted(false, Format::Table),
            "stderr not a tty, --quiet or -v"
        );
        for format in [
            Format::Json,
            Format::Yaml,
            Format::Csv,
            Format::Prometheus,
            Format::Nagios,
        ] {
            assert!(!wanted(true, format), "{format:?}");
        }
    }

    #[test]
    fn never_before_the_delay_nor_once_everything_answered() {
        assert!(!due(Duration::ZERO, 0, 12));
        assert!(!due(DELAY - Duration::from_millis(1), 0, 12));
        assert!(due(DELAY, 7, 12));
        assert!(!due(Duration::from_secs(5), 12, 12), "all answered");
        assert!(!due(Duration::from_secs(5), 0, 0), "nothing to wait for");
    }

    #[test]
    fn the_line_counts_answers() {
        assert_eq!(message(12, 7), "querying 12 endpoints: 7 done");
        assert_eq!(message(1, 0), "querying 1 endpoint: 0 done");
        assert_eq!(message(3, 9), "querying 3 endpoints: 3 done");
    }

    #[test]
    fn a_hidden_progress_still_counts_and_finishes_at_once() {
        let progress = Progress::start(3, Format::Table, &Printer::plain());
        assert!(progress.thread.is_none());
        progress.counter().fetch_add(2, Ordering::Relaxed);
        assert_eq!(progress.done.load(Ordering::Relaxed), 2);
        let started = Instant::now();
        progress.finish();
        assert!(started.elapsed() < DELAY);
    }
}
