//! [`EtagStore`]: the last `ETag` seen for each resolved request path, bounded in size
//! and safe to share between tasks.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// How many paths are remembered before the oldest is forgotten.
pub(crate) const DEFAULT_CAPACITY: usize = 4096;

/// Remembers ETags by resolved path (without query). The lock is never held across
/// an `await`, and a poisoned lock is recovered (the map stays consistent because
/// every update is a few infallible steps).
#[derive(Debug)]
pub(crate) struct EtagStore {
    capacity: usize,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    etags: HashMap<String, String>,
    /// Paths in insertion order, oldest first; same set of keys as `etags`.
    order: VecDeque<String>,
}

impl Default for EtagStore {
    fn default() -> Self {
        Self::with_capacity(DEFAULT_CAPACITY)
    }
}

impl EtagStore {
    /// A store that remembers at most `capacity` paths (at least one).
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            state: Mutex::new(State::default()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The ETag remembered for `path`, exactly as the server sent it.
    pub(crate) fn get(&self, path: &str) -> Option<String> {
        self.lock().etags.get(path).cloned()
    }

    /// Remembers `etag` for `path`, forgetting the oldest path when full.
    pub(crate) fn remember(&self, path: &str, etag: &str) {
        let mut state = self.lock();
        if let Some(existing) = state.etags.get_mut(path) {
            etag.clone_into(existing);
            return;
        }
        while state.order.len() >= self.capacity {
            match state.order.pop_front() {
                Some(oldest) => {
                    state.etags.remove(&oldest);
                }
                None => break,
            }
        }
        state.order.push_back(path.to_owned());
        state.etags.insert(path.to_owned(), etag.to_owned());
    }

    /// Forgets `path`.
    pub(crate) fn forget(&self, path: &str) {
        let mut state = self.lock();
        if state.etags.remove(path).is_some() {
            state.order.retain(|p| p != path);
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        let state = self.lock();
        assert_eq!(state.etags.len(), state.order.len());
        state.etags.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remember_update_forget() {
        let store = EtagStore::default();
        assert_eq!(store.get("/a"), None);
        store.remember("/a", "\"1\"");
        store.remember("/a", "W/\"2\"");
        assert_eq!(store.get("/a").as_deref(), Some("W/\"2\""));
        assert_eq!(store.len(), 1);
        store.forget("/a");
        store.forget("/never");
        assert_eq!(store.get("/a"), None);
        assert_eq!(store.len(), 0);
    }

    #[test]
    fn bounded_evicts_oldest_inserted() {
        let store = EtagStore::with_capacity(3);
        for p in ["/1", "/2", "/3"] {
            store.remember(p, "e");
        }
        store.remember("/1", "updated");
        store.remember("/4", "e");
        assert_eq!(store.get("/1"), None);
        assert_eq!(store.get("/2").as_deref(), Some("e"));
        assert_eq!(store.len(), 3);
        // Insert/forget cycles do not grow the bookkeeping.
        for _ in 0..100 {
            store.remember("/x", "e");
            store.forget("/x");
        }
        assert_eq!(store.len(), 2);
    }

    #[test]
    fn survives_a_poisoned_lock() {
        let store = std::sync::Arc::new(EtagStore::default());
        let s = store.clone();
        let _ = std::thread::spawn(move || {
            let _guard = s.lock();
            panic!("poison");
        })
        .join();
        store.remember("/a", "e");
        assert_eq!(store.get("/a").as_deref(), Some("e"));
    }
}
