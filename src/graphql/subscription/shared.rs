//! Reads that every subscriber of this replica would otherwise repeat for the same event:
//! the state of the event's organisation, and whether a filter selects it. The first
//! subscriber to need one reads it; those that need it meanwhile wait for that read and
//! all later ones take its answer, so an event costs one read per organisation (and one
//! per distinct filter) however many subscribers it reaches. What each subscriber may
//! see is still decided per subscriber: the readability of the event before any read
//! here, and the organisation's fields by its own resolvers and caller.
//!
//! Answers are kept by event position, so a subscriber that processes an event late
//! gets the state read for that event, never one from a different change. The memory
//! is bounded: the oldest answers are forgotten first.

use crate::feed::Position;
use crate::graphql::types::organisation::Organisation;
use crate::services::organisations::{self, OrganisationFilter};
use entity::{organisation, signature};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::OnceCell;

/// Answers kept per kind: enough for the events a burst of writes brings, for the
/// subscribers that are a little behind.
const CAPACITY: usize = 4_096;

type State = Option<(organisation::Model, Option<signature::Model>)>;

/// The shared reads, one per replica (in the schema's data).
#[derive(Default)]
pub struct SharedReads {
    states: Memo<(Position, String), State>,
    selections: Memo<(Position, String, String), bool>,
}

impl SharedReads {
    /// The organisation as it was read for the event at `position`.
    pub async fn organisation(
        &self,
        db: &DatabaseConnection,
        position: Position,
        code: &str,
    ) -> crate::error::AppResult<Option<Organisation>> {
        let state = self
            .states
            .get_or_load((position, code.to_owned()), || {
                organisations::by_code_with_signature(db, code)
            })
            .await?;
        Ok(state.map(|(row, signature)| Organisation::with_signature(row, signature)))
    }

    /// Whether the filter selects the organisation, as read for the event at `position`.
    pub async fn selects(
        &self,
        db: &DatabaseConnection,
        position: Position,
        filter: &OrganisationFilter,
        code: &str,
    ) -> bool {
        // The derived `Debug` names every field and value: equal text, equal filter.
        let key = (position, code.to_owned(), format!("{filter:?}"));
        let answer = self
            .selections
            .get_or_load(key, || async {
                let count = filter
                    .apply(organisation::Entity::find())
                    .filter(organisation::Column::Code.eq(code))
                    .count(db)
                    .await?;
                Ok::<_, sea_orm::DbErr>(count > 0)
            })
            .await;
        answer.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "a subscription filter could not be checked");
            false
        })
    }
}

/// Answers by key, each read once while it is remembered.
struct Memo<K, V> {
    entries: Mutex<Entries<K, V>>,
}

struct Entries<K, V> {
    cells: HashMap<K, Arc<OnceCell<V>>>,
    order: VecDeque<K>,
}

impl<K, V> Default for Memo<K, V> {
    fn default() -> Self {
        Self {
            entries: Mutex::new(Entries {
                cells: HashMap::new(),
                order: VecDeque::new(),
            }),
        }
    }
}

impl<K: Eq + Hash + Clone, V: Clone> Memo<K, V> {
    /// The answer for `key`, read by `load` unless another caller read it or is reading
    /// it. A failed read is not remembered: the next caller tries again.
    async fn get_or_load<F, Fut, E>(&self, key: K, load: F) -> Result<V, E>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<V, E>>,
    {
        let cell = self.cell(key);
        cell.get_or_try_init(load).await.cloned()
    }

    fn cell(&self, key: K) -> Arc<OnceCell<V>> {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(cell) = entries.cells.get(&key) {
            return cell.clone();
        }
        let cell = Arc::new(OnceCell::new());
        entries.cells.insert(key.clone(), cell.clone());
        entries.order.push_back(key);
        while entries.order.len() > CAPACITY {
            if let Some(oldest) = entries.order.pop_front() {
                entries.cells.remove(&oldest);
            }
        }
        cell
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .cells
            .len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn concurrent_callers_share_one_read_and_a_failure_is_retried() {
        let memo: Memo<u32, u32> = Memo::default();
        let reads = AtomicUsize::new(0);
        let read = || async {
            reads.fetch_add(1, Ordering::SeqCst);
            tokio::task::yield_now().await;
            Ok::<_, ()>(7)
        };
        let answers =
            futures_util::future::join_all((0..50).map(|_| memo.get_or_load(1, read))).await;
        assert!(answers.iter().all(|a| *a == Ok(7)));
        assert_eq!(reads.load(Ordering::SeqCst), 1);
        assert_eq!(memo.get_or_load(2, || async { Err(()) }).await, Err(()));
        assert_eq!(
            memo.get_or_load(2, || async { Ok::<_, ()>(8) }).await,
            Ok(8)
        );
    }

    #[tokio::test]
    async fn the_oldest_answers_are_forgotten_first() {
        let memo: Memo<usize, usize> = Memo::default();
        for key in 0..CAPACITY + 10 {
            let answer = memo.get_or_load(key, || async { Ok::<_, ()>(key) }).await;
            assert_eq!(answer, Ok(key));
        }
        assert_eq!(memo.len(), CAPACITY);
        let again = AtomicUsize::new(0);
        let answer = memo
            .get_or_load(0, || async {
                again.fetch_add(1, Ordering::SeqCst);
                Ok::<_, ()>(0)
            })
            .await;
        assert_eq!(answer, Ok(0));
        assert_eq!(again.load(Ordering::SeqCst), 1, "key 0 was forgotten");
    }
}
