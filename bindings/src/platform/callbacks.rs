//! The library's own threads that call the app's listeners: one per kind
//! (`latchkey-progress` for command steps, `latchkey-watch` for
//! subscriptions), started on first use, each calling in order. A listener
//! never runs on the caller's thread (a command polled on the main thread
//! can't stall the UI through it, nor a listener stall the command), and a
//! listener that throws loses its call, not the thread.

use std::sync::mpsc::{channel, Sender};
use std::sync::{Mutex, OnceLock};

type Job = Box<dyn FnOnce() + Send>;

/// One named callback thread.
pub(crate) struct CallbackThread {
    name: &'static str,
    sender: OnceLock<Option<Mutex<Sender<Job>>>>,
}

impl CallbackThread {
    pub(crate) const fn new(name: &'static str) -> Self {
        Self {
            name,
            sender: OnceLock::new(),
        }
    }

    /// The thread's queue; `None` if the platform would not start a thread
    /// (jobs then run in place).
    fn sender(&self) -> Option<&Mutex<Sender<Job>>> {
        self.sender
            .get_or_init(|| {
                let (tx, rx) = channel::<Job>();
                std::thread::Builder::new()
                    .name(self.name.into())
                    .spawn(move || {
                        for job in rx {
                            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                        }
                    })
                    .ok()
                    .map(|_| Mutex::new(tx))
            })
            .as_ref()
    }

    /// Runs `job` on the thread, after every job sent before it.
    pub(crate) fn run(&self, job: Box<dyn FnOnce() + Send>) {
        let Some(sender) = self.sender() else {
            return job();
        };
        let sender = sender.lock().unwrap_or_else(|p| p.into_inner()).clone();
        if let Err(returned) = sender.send(job) {
            (returned.0)();
        }
    }
}
