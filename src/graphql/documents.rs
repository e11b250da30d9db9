//! Parsed GraphQL documents, cached by their text. Clients send the same few operations
//! over and over (a front end's queries, persisted queries); parsing one costs more than
//! copying its syntax tree, so each text is parsed once per process and the limits pass
//! and the execution share the parsed document.
//!
//! The cache is a bounded LRU, and only short texts are kept, so neither many distinct
//! documents nor one huge one can make it grow without limit.

use async_graphql::parser::types::ExecutableDocument;
use lru::LruCache;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, PoisonError};

/// How many documents each process keeps.
const CAPACITY: usize = 256;
/// Longer texts are parsed every time: their syntax trees would dominate the cache's
/// memory, and such documents are rare.
const MAX_CACHED_LEN: usize = 8 * 1024;

/// Parsed documents by query text, least recently used out first.
pub struct DocumentCache {
    documents: Mutex<LruCache<Box<str>, Arc<ExecutableDocument>>>,
}

impl Default for DocumentCache {
    fn default() -> Self {
        Self::new(CAPACITY)
    }
}

impl DocumentCache {
    pub fn new(capacity: usize) -> Self {
        let capacity = NonZeroUsize::new(capacity).unwrap_or(NonZeroUsize::MIN);
        Self {
            documents: Mutex::new(LruCache::new(capacity)),
        }
    }

    /// The parsed document of a query text, from the cache or parsed now (and cached when
    /// it parses and is short enough).
    pub fn parse(&self, query: &str) -> async_graphql::parser::Result<Arc<ExecutableDocument>> {
        if let Some(document) = self.lock().get(query) {
            return Ok(document.clone());
        }
        let document = Arc::new(async_graphql::parser::parse_query(query)?);
        if query.len() <= MAX_CACHED_LEN {
            self.lock().put(query.into(), document.clone());
        }
        Ok(document)
    }

    /// How many documents are cached.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LruCache<Box<str>, Arc<ExecutableDocument>>> {
        // The cache holds no invariant a panic could break half-way.
        self.documents
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_is_parsed_once_and_shared() {
        let cache = DocumentCache::new(2);
        let first = cache.parse("{ a }").expect("parses");
        let again = cache.parse("{ a }").expect("parses");
        assert!(Arc::ptr_eq(&first, &again));
    }

    #[test]
    fn the_cache_stays_within_its_capacity() {
        let cache = DocumentCache::new(2);
        for field in ["a", "b", "c", "d"] {
            cache.parse(&format!("{{ {field} }}")).expect("parses");
        }
        assert_eq!(cache.len(), 2);
        let newest = cache.parse("{ d }").expect("parses");
        assert!(Arc::ptr_eq(&newest, &cache.parse("{ d }").expect("parses")));
    }

    #[test]
    fn long_texts_and_syntax_errors_are_not_kept() {
        let cache = DocumentCache::new(4);
        let long = format!("{{ a {} }}", " ".repeat(MAX_CACHED_LEN));
        cache.parse(&long).expect("parses");
        assert!(cache.parse("{ a ").is_err());
        assert!(cache.is_empty());
    }
}
