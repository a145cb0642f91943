//! The data layer of the shortener and db families: Postgres (`DATABASE_URL`) through a
//! deadpool of tokio-postgres connections, and Redis (`REDIS_URL`) through the redis crate's
//! `ConnectionManager`. Either may be missing (`"backend":"none"` in /health): without
//! Postgres every data endpoint answers 503 `unavailable`; without Redis the redirects read
//! Postgres directly and count their clicks there.

pub mod cache;
pub mod db;

use std::time::Duration;

use serde::Serialize;

use crate::{common::error::ApiError, config::Config};
use cache::Cache;
use db::Db;

/// What a data call can fail with. `Clone`, so that one in-process lookup can hand its
/// outcome to every request that joined it.
#[derive(Clone, Debug)]
pub enum DataError {
    /// Postgres cannot be reached (refused, closed, timed out, SQLSTATE 08/53/57/58) → 503.
    Unavailable,
    /// Any other error: a bug → 500.
    Bug(String),
}

impl From<DataError> for ApiError {
    fn from(err: DataError) -> ApiError {
        match err {
            DataError::Unavailable => ApiError::Unavailable("the database is unavailable"),
            DataError::Bug(message) => ApiError::Internal(message),
        }
    }
}

/// The backends this process was configured with; cheap to clone (both are handles).
#[derive(Clone)]
pub struct Data {
    pub db: Option<Db>,
    pub cache: Option<Cache>,
}

/// How long /health waits for `SELECT 1` and for `PING`.
const HEALTH_TIMEOUT: Duration = Duration::from_secs(1);

#[derive(Serialize)]
pub struct Backend {
    pub backend: &'static str,
    pub up: bool,
}

impl Data {
    /// Opens what the configuration names. Connects lazily: a backend that is down at start
    /// is reported down and used as soon as it answers.
    pub fn open(config: &Config) -> Data {
        Data {
            db: config.database.clone().map(Db::new),
            cache: config.redis.clone().map(Cache::new),
        }
    }

    /// The database, or the 503 of a server that runs without one.
    pub fn db(&self) -> Result<&Db, ApiError> {
        self.db.as_ref().ok_or(ApiError::Unavailable(
            "this server runs without a database (DATABASE_URL)",
        ))
    }

    /// `(db, cache)`: both checked concurrently, each within 1 s.
    pub async fn health(&self) -> (Backend, Backend) {
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
        tokio::join!(db, cache)
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
