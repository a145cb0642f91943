//! Code → URL, cache-aside with a stampede guard: when a hot code's cache entry expires under
//! load, one Postgres read refills it. In this process, concurrent misses of a code join one
//! lookup (single flight); across processes, the lookup that takes the Redis lock
//! (`SET NX PX`) reads Postgres and fills the cache while the others poll the cache for that
//! fill, for about a second at most. With Redis down (or not configured), every lookup reads
//! Postgres directly.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use futures_util::{
    FutureExt,
    future::{BoxFuture, Shared},
};

use tokio::sync::watch;

use crate::{
    DataError,
    cache::Cache,
    db::{Db, column},
};

pub const SELECT_URL_SQL: &str = "SELECT url FROM urls WHERE code = $1";

pub fn url_key(code: &str) -> String {
    format!("gauntlet:url:{code}")
}

pub fn lock_key(code: &str) -> String {
    format!("gauntlet:lock:url:{code}")
}

/// The cached value of a code that does not exist (no URL is empty).
const MISSING: &str = "";
const URL_TTL: Duration = Duration::from_millis(60_000);
const MISSING_TTL: Duration = Duration::from_millis(5_000);
const LOCK_TTL: Duration = Duration::from_millis(2_000);
/// Pauses between polls while another process fills the cache (≈ 1 s in all), then a read of our own.
const WAIT_STEPS_MS: [u64; 23] = [
    5, 10, 20, 40, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50,
];

/// The URL of a code, or `None` when there is no such code.
pub type Lookup = Result<Option<String>, DataError>;
type Flight = Shared<BoxFuture<'static, Lookup>>;

pub struct Resolver {
    db: Db,
    cache: Option<Cache>,
    /// The lookups in progress in this process, by code.
    flights: Mutex<HashMap<String, Flight>>,
    /// How many redirects are running (from their lookup to their click's count), so that the
    /// last click flush can wait for them.
    running: watch::Sender<usize>,
}

/// Held by a running redirect; counts it in `Resolver::running`.
pub struct Running<'a>(&'a watch::Sender<usize>);

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.0.send_modify(|running| *running -= 1);
    }
}

/// A cached value: `Some(None)` for a code cached as missing, `None` for no entry.
fn cached(value: Option<String>) -> Option<Option<String>> {
    value.map(|url| if url == MISSING { None } else { Some(url) })
}

impl Resolver {
    pub fn new(db: Db, cache: Option<Cache>) -> Arc<Resolver> {
        Arc::new(Resolver {
            db,
            cache,
            flights: Mutex::new(HashMap::new()),
            running: watch::channel(0).0,
        })
    }

    /// Marks a redirect as running until the returned guard is dropped.
    pub fn enter(&self) -> Running<'_> {
        self.running.send_modify(|running| *running += 1);
        Running(&self.running)
    }

    /// Resolves once no redirect is running.
    pub async fn idle(&self) {
        let mut running = self.running.subscribe();
        let _ = running.wait_for(|running| *running == 0).await;
    }

    pub fn cache(&self) -> Option<&Cache> {
        self.cache.as_ref()
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    async fn read_db(&self, code: &str) -> Lookup {
        let rows = self.db.query(SELECT_URL_SQL, &[&code]).await?;
        rows.first().map(|row| column::<String>(row, 0)).transpose()
    }

    /// The URL of `code`: from the cache, else from one lookup shared by every concurrent miss.
    pub async fn resolve(self: &Arc<Self>, code: &str) -> Lookup {
        let Some(cache) = &self.cache else {
            return self.read_db(code).await;
        };
        match cache.get(&url_key(code)).await {
            Err(_) => return self.read_db(code).await, // cache down: no fill
            Ok(value) => {
                if let Some(hit) = cached(value) {
                    return Ok(hit);
                }
            }
        }
        let flight = {
            let mut flights = self.flights.lock().unwrap();
            flights
                .entry(code.to_owned())
                .or_insert_with(|| self.start_flight(code.to_owned()))
                .clone()
        };
        flight.await
    }

    /// Spawns the lookup, so that it finishes (and releases its lock) even if every request
    /// waiting for it goes away. Called with `flights` locked, so it removes itself only
    /// after it has been inserted.
    fn start_flight(self: &Arc<Self>, code: String) -> Flight {
        let this = Arc::clone(self);
        let task = tokio::spawn(async move {
            let result = this.lookup(&code).await;
            this.flights.lock().unwrap().remove(&code);
            result
        });
        task.map(|joined| joined.unwrap_or_else(|err| Err(DataError::Bug(err.to_string()))))
            .boxed()
            .shared()
    }

    async fn lookup(&self, code: &str) -> Lookup {
        let cache = self.cache.as_ref().expect("lookups run only with a cache");
        let (key, lock) = (url_key(code), lock_key(code));
        let token = match cache.lock(&lock, LOCK_TTL).await {
            Ok(token) => token,
            Err(_) => return self.read_db(code).await, // cache down
        };
        if let Some(token) = token {
            let result = async {
                // A holder before us may have filled it between our miss and our lock.
                if let Some(hit) = cached(cache.get(&key).await.unwrap_or(None)) {
                    return Ok(hit);
                }
                let url = self.read_db(code).await?;
                let (value, ttl) = match &url {
                    Some(url) => (url.as_str(), URL_TTL),
                    None => (MISSING, MISSING_TTL),
                };
                // A cache that failed since: the next miss fills it.
                let _ = cache.set(&key, value, ttl).await;
                Ok(url)
            }
            .await;
            let _ = cache.unlock(&lock, &token).await;
            return result;
        }
        for pause in WAIT_STEPS_MS {
            tokio::time::sleep(Duration::from_millis(pause)).await;
            if let Some(hit) = cached(cache.get(&key).await.unwrap_or(None)) {
                return Ok(hit);
            }
        }
        // The holder is slow or gone: wait no longer, and leave the fill to it.
        self.read_db(code).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cached_values() {
        assert_eq!(cached(None), None);
        assert_eq!(cached(Some(String::new())), Some(None));
        assert_eq!(
            cached(Some("https://example.com/".to_owned())),
            Some(Some("https://example.com/".to_owned()))
        );
    }

    #[test]
    fn keys_are_the_contracts() {
        assert_eq!(url_key("celeb01"), "gauntlet:url:celeb01");
        assert_eq!(lock_key("celeb01"), "gauntlet:lock:url:celeb01");
    }

    #[test]
    fn polls_last_about_a_second() {
        assert_eq!(&WAIT_STEPS_MS[..4], &[5, 10, 20, 40]);
        assert!(WAIT_STEPS_MS[4..].iter().all(|&pause| pause == 50));
        assert_eq!(WAIT_STEPS_MS.len(), 4 + 19);
    }
}
