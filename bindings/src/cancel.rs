//! Cancelling a command from the app. Kotlin needs none of this:
//! cancelling the coroutine drops the Rust future. Swift's generated async
//! calls have no cancellation handler, so `Task.cancel()` alone would not
//! stop a command; the Swift package's task-aware calls pass a
//! [`CancelToken`] and cancel it from `withTaskCancellationHandler`
//! (`ios/Sources/Latchkey/Platform/Cancellation.swift`).

use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::Poll;
use tokio::sync::Notify;

/// Cancels the command it was passed to: the command is dropped where it
/// stands, exactly as a cancelled Kotlin coroutine drops it.
#[derive(Debug, Default, uniffi::Object)]
pub struct CancelToken {
    cancelled: AtomicBool,
    notify: Notify,
}

#[uniffi::export]
impl CancelToken {
    /// A token not yet cancelled.
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Cancels (idempotent; from any thread).
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
        self.notify.notify_waiters();
    }

    /// Whether [`CancelToken::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }
}

impl CancelToken {
    async fn cancelled(&self) {
        loop {
            let mut notified = pin!(self.notify.notified());
            notified.as_mut().enable();
            if self.is_cancelled() {
                return;
            }
            notified.await;
        }
    }
}

/// `work`'s output, or `None` once `token` is cancelled (`work` is then
/// dropped where it stands).
pub(crate) async fn unless_cancelled<T>(token: Option<&CancelToken>, work: impl Future<Output = T>) -> Option<T> {
    let Some(token) = token else {
        return Some(work.await);
    };
    if token.is_cancelled() {
        return None;
    }
    let mut work = pin!(work);
    let mut cancelled = pin!(token.cancelled());
    std::future::poll_fn(|cx| {
        if cancelled.as_mut().poll(cx).is_ready() {
            return Poll::Ready(None);
        }
        work.as_mut().poll(cx).map(Some)
    })
    .await
}
