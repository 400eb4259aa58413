//! The handle a subscription returns, and the task that runs it: the
//! core's watcher is polled on the library's runtime, and each value goes
//! to the app's listener on the `latchkey-watch` thread. Cancelling (or
//! dropping the handle) aborts the task and stops every listener call
//! that has not started yet.

use crate::platform::callbacks::CallbackThread;
use async_trait::async_trait;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

/// The thread that calls subscription listeners.
static WATCH: CallbackThread = CallbackThread::new("latchkey-watch");

/// Subscription tasks alive now (started, not yet ended or cancelled).
static RUNNING: AtomicUsize = AtomicUsize::new(0);

/// Counts a task in [`RUNNING`] for as long as it lives (an aborted task
/// drops it too).
struct Running;

impl Running {
    fn start() -> Self {
        RUNNING.fetch_add(1, Ordering::SeqCst);
        Self
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        RUNNING.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Test builds: how many subscription tasks are alive in this process, so
/// a test can see that cancelling a `Flow`'s collector or a Swift task
/// ended the subscription's task, not only its listener calls.
#[cfg(feature = "sim")]
#[uniffi::export]
pub fn running_subscription_count() -> u64 {
    RUNNING.load(Ordering::SeqCst) as u64
}

/// A listener call, ready to run.
pub(crate) type Call = Box<dyn FnOnce() + Send>;

/// What a source yields next.
pub(crate) enum Step {
    /// Call the listener with a new value, then ask again.
    Deliver(Call),
    /// Tell the listener why it ended; nothing follows.
    End(Call),
}

/// A core subscription bound to an app listener (`sources.rs`).
#[async_trait]
pub(crate) trait Source: Send {
    /// Waits for the next value (or the end).
    async fn next(&mut self) -> Step;
}

#[derive(Debug)]
struct Flags {
    /// Cleared by `cancel`: no listener call starts after that.
    wanted: AtomicBool,
    /// Cleared when the source ended.
    running: AtomicBool,
}

/// A running subscription. Keep it while the screen shows its values:
/// `cancel()` (or dropping it: Kotlin `close()`, a Swift deinit) stops it.
#[derive(Debug, uniffi::Object)]
pub struct Subscription {
    flags: Arc<Flags>,
    task: tokio::task::AbortHandle,
}

#[uniffi::export]
impl Subscription {
    /// Stops the subscription (idempotent, any thread): no listener call
    /// starts after it returns; one already running finishes.
    pub fn cancel(&self) {
        self.flags.wanted.store(false, Ordering::SeqCst);
        self.task.abort();
    }

    /// Whether values may still come: not cancelled, and not ended (after
    /// the listener's `onError`).
    pub fn is_active(&self) -> bool {
        self.flags.wanted.load(Ordering::SeqCst) && self.flags.running.load(Ordering::SeqCst)
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.cancel();
    }
}

/// Starts `source` on `runtime`; its listener calls go to the watch
/// thread while the subscription is wanted.
pub(crate) fn start(runtime: &tokio::runtime::Handle, mut source: Box<dyn Source>) -> Arc<Subscription> {
    let flags = Arc::new(Flags {
        wanted: AtomicBool::new(true),
        running: AtomicBool::new(true),
    });
    let shared = flags.clone();
    let running = Running::start();
    let task = runtime.spawn(async move {
        let _running = running;
        loop {
            let (call, last) = match source.next().await {
                Step::Deliver(call) => (call, false),
                Step::End(call) => (call, true),
            };
            if last {
                shared.running.store(false, Ordering::SeqCst);
            }
            let wanted = shared.clone();
            WATCH.run(Box::new(move || {
                if wanted.wanted.load(Ordering::SeqCst) {
                    call();
                }
            }));
            if last {
                break;
            }
        }
    });
    Arc::new(Subscription {
        flags,
        task: task.abort_handle(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;
    use std::time::Duration;

    /// The listener calls made: the value's number, the thread's name.
    type Calls = Arc<Mutex<Vec<(u32, String)>>>;

    /// Yields `left` deliveries, then the end (or waits forever).
    struct Counting {
        left: u32,
        ends: bool,
        calls: Calls,
        dropped: Arc<AtomicBool>,
    }

    impl Drop for Counting {
        fn drop(&mut self) {
            self.dropped.store(true, Ordering::SeqCst);
        }
    }

    #[async_trait]
    impl Source for Counting {
        async fn next(&mut self) -> Step {
            if self.left == 0 && !self.ends {
                std::future::pending::<()>().await;
            }
            let calls = self.calls.clone();
            let n = self.left;
            let call: Call = Box::new(move || {
                let thread = std::thread::current().name().unwrap_or_default().to_string();
                calls.lock().unwrap().push((n, thread));
            });
            if n == 0 {
                return Step::End(call);
            }
            self.left -= 1;
            Step::Deliver(call)
        }
    }

    fn source(left: u32, ends: bool) -> (Box<Counting>, Calls, Arc<AtomicBool>) {
        let calls = Arc::new(Mutex::new(Vec::new()));
        let dropped = Arc::new(AtomicBool::new(false));
        let source = Counting {
            left,
            ends,
            calls: calls.clone(),
            dropped: dropped.clone(),
        };
        (Box::new(source), calls, dropped)
    }

    fn eventually(condition: impl Fn() -> bool) -> bool {
        for _ in 0..200 {
            if condition() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        condition()
    }

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap()
    }

    #[test]
    fn values_reach_the_listener_in_order_on_the_watch_thread_then_the_end() {
        let rt = runtime();
        let (source, calls, dropped) = source(3, true);
        let subscription = start(rt.handle(), source);
        assert!(eventually(|| calls.lock().unwrap().len() == 4));
        let calls = calls.lock().unwrap().clone();
        assert_eq!(calls.iter().map(|(n, _)| *n).collect::<Vec<_>>(), [3, 2, 1, 0]);
        assert!(calls.iter().all(|(_, thread)| thread == "latchkey-watch"), "{calls:?}");
        assert!(eventually(|| dropped.load(Ordering::SeqCst)), "the task ended");
        assert!(!subscription.is_active());
    }

    #[test]
    fn dropping_the_handle_ends_the_task_and_no_call_follows() {
        let rt = runtime();
        let (source, calls, dropped) = source(1, false);
        let subscription = start(rt.handle(), source);
        assert!(eventually(|| calls.lock().unwrap().len() == 1));
        assert!(subscription.is_active());
        drop(subscription);
        assert!(eventually(|| dropped.load(Ordering::SeqCst)), "the task was aborted");
        std::thread::sleep(Duration::from_millis(50));
        assert_eq!(calls.lock().unwrap().len(), 1);
    }
}
