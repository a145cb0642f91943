//! Postgres: at most 16 tokio-postgres connections per process in a deadpool, 2 s to connect,
//! every statement prepared once per connection (deadpool's statement cache) and executed
//! with parameters. A connection that Postgres closed is dropped when next taken from the
//! pool, so the pool heals by itself once Postgres is back.

use std::time::Duration;

use deadpool_postgres::{
    Client, Manager, ManagerConfig, Pool, PoolError, RecyclingMethod, Runtime,
};
use tokio_postgres::{NoTls, Row, Statement, types::ToSql, types::Type};

use super::DataError;

/// Connections per process: the same bound for every target (docs/contract.md).
pub const POOL_MAX: usize = 16;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

pub type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

#[derive(Clone)]
pub struct Db {
    pool: Pool,
}

impl Db {
    pub fn new(mut config: tokio_postgres::Config) -> Db {
        config.connect_timeout(CONNECT_TIMEOUT);
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                // Checks `is_closed` only: no round trip per checkout.
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_MAX)
            .runtime(Runtime::Tokio1)
            // Connecting includes the start-up and authentication exchange.
            .create_timeout(Some(CONNECT_TIMEOUT))
            .build()
            .expect("a pool with a runtime and no hooks builds");
        Db { pool }
    }

    /// A pooled connection (a new one is opened if none is idle and fewer than 16 exist).
    pub async fn client(&self) -> Result<Client, DataError> {
        self.pool.get().await.map_err(|err| match err {
            PoolError::Backend(err) => classify(&err),
            PoolError::Timeout(_) | PoolError::Closed => DataError::Unavailable,
            other => DataError::Bug(other.to_string()),
        })
    }

    /// Runs `sql`, prepared once per connection, with `params`.
    pub async fn query(&self, sql: &str, params: Params<'_>) -> Result<Vec<Row>, DataError> {
        let client = self.client().await?;
        query_on(&client, sql, params).await
    }

    /// Like `query`, with the parameter types given instead of inferred by Postgres.
    pub async fn query_typed(
        &self,
        sql: &str,
        types: &[Type],
        params: Params<'_>,
    ) -> Result<Vec<Row>, DataError> {
        let client = self.client().await?;
        let statement = client.prepare_typed_cached(sql, types).await;
        run(&client, statement, params).await
    }

    /// Whether `SELECT 1` answers within `timeout`.
    pub async fn ping(&self, timeout: Duration) -> bool {
        matches!(
            tokio::time::timeout(timeout, self.query("SELECT 1", &[])).await,
            Ok(Ok(_))
        )
    }
}

/// Runs `sql` on one connection, prepared once per connection.
pub async fn query_on(
    client: &Client,
    sql: &str,
    params: Params<'_>,
) -> Result<Vec<Row>, DataError> {
    run(client, client.prepare_cached(sql).await, params).await
}

/// Runs a statement just prepared (or its failure, classified) with `params`.
async fn run(
    client: &Client,
    statement: Result<Statement, tokio_postgres::Error>,
    params: Params<'_>,
) -> Result<Vec<Row>, DataError> {
    let statement = statement.map_err(|err| classify(&err))?;
    client
        .query(&statement, params)
        .await
        .map_err(|err| classify(&err))
}

/// Postgres unreachable — refused, closed, timed out, or SQLSTATE class 08 (connection),
/// 53 (insufficient resources), 57 (operator intervention, e.g. shutting down) or 58 (system)
/// — is `Unavailable`; any other error is a bug.
pub fn classify(err: &tokio_postgres::Error) -> DataError {
    if let Some(db) = err.as_db_error() {
        let class = &db.code().code()[..2];
        return if matches!(class, "08" | "53" | "57" | "58") {
            DataError::Unavailable
        } else {
            DataError::Bug(format!("{}: {}", db.code().code(), db.message()))
        };
    }
    if err.is_closed() {
        return DataError::Unavailable;
    }
    // tokio-postgres keeps its error kinds private; these are its Io, Connect and Timeout kinds.
    let text = err.to_string();
    if text.starts_with("error communicating with the server")
        || text.starts_with("error connecting to server")
        || text.starts_with("timeout waiting for server")
    {
        DataError::Unavailable
    } else {
        DataError::Bug(format!("{text}: {err:?}"))
    }
}

/// Reads a column that the statement defines (a mismatch is a bug, reported as 500).
pub fn column<'r, T: tokio_postgres::types::FromSql<'r>>(
    row: &'r Row,
    index: usize,
) -> Result<T, DataError> {
    row.try_get(index)
        .map_err(|err| DataError::Bug(format!("column {index}: {err}")))
}
