//! Runs a request's batch loads in waves, inside the request's own task, so the
//! statements a request issues depend on the query and the data, never on timing.
//!
//! async-graphql's `DataLoader` spawns one fetch per key type that sleeps for a batch
//! window and then takes whatever keys have arrived. The execution does not enqueue a
//! level's keys in one go: `FuturesUnordered` (fields) and `FuturesOrdered` (lists longer
//! than 30) hand the thread back after polling each ready child once, so a page of 100
//! rows needs several polls to reach every row, and on a busy machine the window closes
//! in between: one relation became two or three statements. Here the fetches are not
//! spawned but queued; a wave starts only when the previous one has finished and the
//! execution has nothing left to do without it (polled until it waits without having
//! woken itself), and takes every key requested until then.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Wake, Waker};

/// A fetch the loaders asked to run.
type Fetch = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// The fetches one request's loaders queued and not yet started.
#[derive(Clone, Default)]
pub struct Fetches(Arc<Mutex<Vec<Fetch>>>);

impl Fetches {
    /// Queues a fetch; the loaders call this instead of spawning a task.
    pub(super) fn queue(&self, fetch: Fetch) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(fetch);
    }

    fn take(&self) -> Vec<Fetch> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Runs `work` (the request's execution) to its end, starting the queued fetches in
    /// waves whenever it waits for them.
    pub async fn run_beside<F: Future>(self, work: F) -> F::Output {
        let mut work = std::pin::pin!(work);
        let mut wave: Vec<Fetch> = Vec::new();
        let wakeup = Arc::new(Wakeup::default());
        let waker = Waker::from(wakeup.clone());
        std::future::poll_fn(|cx| {
            loop {
                wave.retain_mut(|fetch| fetch.as_mut().poll(cx).is_pending());
                // The execution runs while a wave is out too: a resolver reading the
                // database itself must finish and give its pooled connection back, or a
                // fetch waiting for that connection would wait for ever.
                wakeup.arm(cx.waker());
                if let Poll::Ready(output) = work.as_mut().poll(&mut Context::from_waker(&waker)) {
                    return Poll::Ready(output);
                }
                if wakeup.fired() {
                    // It yielded with work left: poll it again on the runtime's next turn
                    // (which also renews the task's cooperative budget).
                    cx.waker().wake_by_ref();
                    return Poll::Pending;
                }
                if !wave.is_empty() {
                    // Keys requested meanwhile wait for the next wave, whatever order the
                    // database answers this one in.
                    return Poll::Pending;
                }
                wave = self.take();
                if wave.is_empty() {
                    // Waiting on something other than a loader, which wakes it.
                    return Poll::Pending;
                }
            }
        })
        .await
    }
}

/// The execution's waker: remembers that it fired and passes the wake-up on to the task.
#[derive(Default)]
struct Wakeup {
    fired: AtomicBool,
    task: Mutex<Option<Waker>>,
}

impl Wakeup {
    fn arm(&self, task: &Waker) {
        let mut current = self.task.lock().unwrap_or_else(PoisonError::into_inner);
        if !current.as_ref().is_some_and(|w| w.will_wake(task)) {
            *current = Some(task.clone());
        }
        self.fired.store(false, Ordering::SeqCst);
    }

    fn fired(&self) -> bool {
        self.fired.load(Ordering::SeqCst)
    }
}

impl Wake for Wakeup {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.fired.store(true, Ordering::SeqCst);
        if let Some(task) = self
            .task
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
        {
            task.wake_by_ref();
        }
    }
}
