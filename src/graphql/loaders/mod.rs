//! Per-request batch loaders. Built for every request (never shared in schema data), so
//! batches and caches never cross callers. One loader type serves every relation, each
//! relation with a key type of its own, so the number of statements a request issues
//! does not grow with the size of the page.

mod geography;
mod register;
mod studies;
mod support;
mod waves;

pub use geography::*;
pub use register::*;
pub use studies::*;
pub use support::*;
pub use waves::Fetches;

use crate::error::AppError;
use crate::services::writing::RequestContext;
use async_graphql::dataloader::DataLoader;
use sea_orm::DatabaseConnection;
use std::collections::HashMap;
use std::hash::Hash;
use std::time::Duration;

/// Batches look-ups of one request against the database, with the request's caller:
/// loaders of restricted data ask the policy with it.
pub struct DbLoader {
    pub(crate) db: DatabaseConnection,
    pub(crate) request: RequestContext,
}

/// The loaders of one request.
pub type Loaders = DataLoader<DbLoader>;

/// Creates the loaders for one request, and the queue of their fetches, which
/// `Fetches::run_beside` runs in waves beside the request's execution.
pub fn for_request(db: DatabaseConnection, request: RequestContext) -> (Loaders, Fetches) {
    let fetches = Fetches::default();
    let queue = fetches.clone();
    // No batch window: a wave starts when the execution waits, not after a delay.
    let loaders = DataLoader::new(DbLoader { db, request }, move |fetch| queue.queue(fetch))
        .delay(Duration::ZERO);
    (loaders, fetches)
}

/// Loaders for a WebSocket connection, queuing their fetches on the connection's own
/// `Fetches`, which run beside the whole connection.
pub fn for_connection(
    db: DatabaseConnection,
    request: RequestContext,
    fetches: &Fetches,
) -> Loaders {
    let queue = fetches.clone();
    DataLoader::new(DbLoader { db, request }, move |fetch| queue.queue(fetch)).delay(Duration::ZERO)
}

pub(crate) fn fail(err: AppError) -> async_graphql::Error {
    err.into()
}

/// Rows keyed one to one.
pub(crate) fn one<K: Hash + Eq, V>(rows: Vec<V>, key: impl Fn(&V) -> K) -> HashMap<K, V> {
    rows.into_iter().map(|row| (key(&row), row)).collect()
}

/// Rows grouped under their key, in query order.
pub(crate) fn many<K: Hash + Eq, V>(rows: Vec<V>, key: impl Fn(&V) -> K) -> HashMap<K, Vec<V>> {
    let mut groups: HashMap<K, Vec<V>> = HashMap::new();
    for row in rows {
        groups.entry(key(&row)).or_default().push(row);
    }
    groups
}

/// Implements `Loader<$key>` for `DbLoader`: `$body` gets the database and the keys'
/// inner values and returns `AppResult<HashMap<$key, $value>>`.
macro_rules! loader {
    ($key:ident => $value:ty, |$db:ident, $ids:ident| $body:expr) => {
        $crate::graphql::loaders::loader!($key => $value, |$db, _request, $ids| $body);
    };
    ($key:ident => $value:ty, |$db:ident, $request:ident, $ids:ident| $body:expr) => {
        impl async_graphql::dataloader::Loader<$key> for $crate::graphql::loaders::DbLoader {
            type Value = $value;
            type Error = async_graphql::Error;

            async fn load(
                &self,
                keys: &[$key],
            ) -> Result<std::collections::HashMap<$key, $value>, async_graphql::Error> {
                let $db = &self.db;
                let $request = &self.request;
                let $ids = keys.iter().map(|k| k.0.clone()).collect::<Vec<_>>();
                let result: $crate::error::AppResult<std::collections::HashMap<$key, $value>> =
                    async { $body }.await;
                result.map_err($crate::graphql::loaders::fail)
            }
        }
    };
}
pub(crate) use loader;

/// Loads a list relation, empty when nothing is on record.
pub async fn load_list<K>(
    loaders: &Loaders,
    key: K,
) -> async_graphql::Result<<DbLoader as async_graphql::dataloader::Loader<K>>::Value>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    DbLoader: async_graphql::dataloader::Loader<K, Error = async_graphql::Error>,
    <DbLoader as async_graphql::dataloader::Loader<K>>::Value: Default,
{
    Ok(loaders.load_one(key).await?.unwrap_or_default())
}
