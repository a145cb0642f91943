//! Gauntlet's Rust data layer, shared by the Rust targets (rust-axum, rust-rocket): the `db` and
//! `shortener` families of docs/contract.md on Postgres (`DATABASE_URL`, a deadpool of
//! tokio-postgres connections) and Redis (`REDIS_URL`, the redis crate's `ConnectionManager`).
//! Nothing here knows HTTP: a target parses the request with its framework's tools, calls a
//! function of `families`, and answers its `Error` with the contract's JSON error.
//!
//! Either backend may be missing (`"backend":"none"` in /health): without Postgres every data
//! endpoint answers 503 `unavailable`; without Redis the redirects read Postgres directly and
//! count their clicks there.

pub mod cache;
pub mod config;
pub mod db;
pub mod families;

use std::{sync::Arc, time::Duration};

use serde::Serialize;

use cache::Cache;
use config::DataConfig;
use db::Db;
use families::shortener::{clicks::Clicks, redirects::Resolver};

/// What a data call can fail with. `Clone`, so that one in-process lookup can hand its
/// outcome to every request that joined it.
#[derive(Clone, Debug)]
pub enum DataError {
    /// Postgres cannot be reached (refused, closed, timed out, SQLSTATE 08/53/57/58) → 503.
    Unavailable,
    /// Any other error: a bug → 500.
    Bug(String),
}

/// What a family function refuses or fails with; each variant is one row of the contract's
/// error table, which the target renders as its JSON error.
#[derive(Debug)]
pub enum Error {
    /// 404 `not_found`: no such record (or not a short code).
    NotFound,
    /// 422 `validation_failed`: the issues of a JSON body, never empty.
    Invalid(Vec<Issue>),
    /// 503 `unavailable`: Postgres is down, or this server runs without one.
    Unavailable(&'static str),
    /// 500 `internal`: a bug (an SQL error that is not about reachability, no free short code).
    Internal(String),
}

/// One validation failure, as the contract's 422 lists it: where (`["items", 0, "sku"]`,
/// `["page"]`; empty: the body itself) and what. The Rust targets answer with this type too.
#[derive(Debug, PartialEq, Serialize)]
pub struct Issue {
    pub path: Vec<Segment>,
    pub message: String,
}

#[derive(Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Segment {
    Key(String),
    Index(usize),
}

impl Issue {
    /// An issue about a single named input: a parameter, a form field or a body key.
    pub fn at(name: &str, message: impl Into<String>) -> Self {
        Issue {
            path: vec![Segment::Key(name.to_owned())],
            message: message.into(),
        }
    }

    /// An issue about the body as a whole (not an object, say).
    pub fn body(message: impl Into<String>) -> Self {
        Issue {
            path: Vec::new(),
            message: message.into(),
        }
    }

    /// Whether this issue is about the named input (or something inside it).
    pub fn is_at(&self, name: &str) -> bool {
        matches!(self.path.first(), Some(Segment::Key(key)) if key == name)
    }
}

impl From<DataError> for Error {
    fn from(err: DataError) -> Error {
        match err {
            DataError::Unavailable => Error::Unavailable("the database is unavailable"),
            DataError::Bug(message) => Error::Internal(message),
        }
    }
}

/// The backends this process was configured with, and the shortener's resolver and click
/// flusher over them; cheap to clone (every part is a handle).
#[derive(Clone)]
pub struct Data {
    pub db: Option<Db>,
    pub cache: Option<Cache>,
    /// Present when there is a database (redirects need it).
    resolver: Option<Arc<Resolver>>,
    /// Present when there are both: clicks are counted in Redis and flushed to Postgres.
    clicks: Option<Arc<Clicks>>,
    /// The target's name, for the log lines (`rust-axum: redis: connected`).
    name: &'static str,
}

/// How long /health waits for `SELECT 1` and for `PING`.
const HEALTH_TIMEOUT: Duration = Duration::from_secs(1);
/// How long the last click flush may take after the server has stopped.
const LAST_FLUSH: Duration = Duration::from_millis(2500);

#[derive(Serialize)]
pub struct Backend {
    pub backend: &'static str,
    pub up: bool,
}

/// `GET /health`'s body.
#[derive(Serialize)]
pub struct Health {
    pub status: &'static str,
    pub db: Backend,
    pub cache: Backend,
}

impl Data {
    /// Opens what the configuration names; call it inside the tokio runtime (the Redis
    /// manager is created there). Connects lazily: a backend that is down at start is reported
    /// down and used as soon as it answers. Starts nothing: `start` does, once the server runs.
    /// `name` prefixes the log lines.
    pub fn open(config: &DataConfig, name: &'static str) -> Data {
        let db = config.database.clone().map(Db::new);
        let cache = config.redis.clone().map(|info| Cache::new(info, name));
        Data {
            resolver: db.clone().map(|db| Resolver::new(db, cache.clone())),
            clicks: match (&db, &cache) {
                (Some(db), Some(cache)) => {
                    Some(Arc::new(Clicks::new(db.clone(), cache.clone(), name)))
                }
                _ => None,
            },
            db,
            cache,
            name,
        }
    }

    /// Once the server runs: prunes the click ledger (best effort) and starts the 250 ms
    /// click flush.
    pub fn start(&self) {
        if let Some(db) = &self.db {
            families::shortener::clicks::prune_ledger(db, self.name);
        }
        if let Some(clicks) = &self.clicks {
            clicks.start();
        }
    }

    /// Once the server has stopped accepting: waits for the redirects still running to count
    /// their clicks (at most `drain`), stops the periodic flush and applies what is pending
    /// (at most 2.5 s), so that no click is lost or counted twice across a clean stop.
    pub async fn stop(&self, drain: Duration) {
        let Some(clicks) = &self.clicks else {
            return;
        };
        if let Some(resolver) = &self.resolver {
            let _ = tokio::time::timeout(drain, resolver.idle()).await;
        }
        if tokio::time::timeout(LAST_FLUSH, clicks.stop())
            .await
            .is_err()
        {
            eprintln!(
                "{}: shortener: the last click flush did not finish in time; the batch stays in Redis",
                self.name
            );
        }
    }

    /// The database, or the 503 of a server that runs without one.
    pub fn db(&self) -> Result<&Db, Error> {
        self.db.as_ref().ok_or(Error::Unavailable(NO_DATABASE))
    }

    fn resolver(&self) -> Result<&Arc<Resolver>, Error> {
        self.resolver
            .as_ref()
            .ok_or(Error::Unavailable(NO_DATABASE))
    }

    /// `SELECT 1` and `PING`, concurrently, each within 1 s; `degraded` when a backend in use
    /// is down (`none` is not in use).
    pub async fn health(&self) -> Health {
        let db = async {
            match &self.db {
                Some(db) => Backend {
                    backend: "postgres",
                    up: db.ping(HEALTH_TIMEOUT).await,
                },
                None => Backend {
                    backend: "none",
                    up: false,
                },
            }
        };
        let cache = async {
            match &self.cache {
                Some(cache) => Backend {
                    backend: "redis",
                    up: cache.ping(HEALTH_TIMEOUT).await,
                },
                None => Backend {
                    backend: "none",
                    up: false,
                },
            }
        };
        let (db, cache) = tokio::join!(db, cache);
        let down = |backend: &Backend| backend.backend != "none" && !backend.up;
        let status = if down(&db) || down(&cache) {
            "degraded"
        } else {
            "ok"
        };
        Health { status, db, cache }
    }

    /// `db postgres, cache redis` — for the start-up line.
    pub fn describe(&self) -> String {
        format!(
            "db {}, cache {}",
            if self.db.is_some() {
                "postgres"
            } else {
                "none"
            },
            if self.cache.is_some() {
                "redis"
            } else {
                "none"
            }
        )
    }
}

const NO_DATABASE: &str = "this server runs without a database (DATABASE_URL)";
