//! The data clients' settings, read once from the environment (`DATABASE_URL`, `REDIS_URL`); a
//! bad value fails naming its variable. `ConfigError` is also what the targets report their
//! own variables' failures with, so every variable fails the same way.

use std::{env, fmt};

use redis::IntoConnectionInfo;

/// Which backends to open. The Postgres pool is one per process (`db::POOL_MAX` connections)
/// whatever `WORKERS` is: the targets on this crate run their N workers as threads of one
/// process, which share it (docs/contract.md, "Workers").
#[derive(Clone, Default)]
pub struct DataConfig {
    /// `DATABASE_URL` (`postgres://…`): the shortener's and db's Postgres; unset → none.
    pub database: Option<tokio_postgres::Config>,
    /// `REDIS_URL` (`redis://…`): the redirect cache and click counters; unset → none.
    pub redis: Option<redis::ConnectionInfo>,
}

#[derive(Debug)]
pub struct ConfigError {
    variable: &'static str,
    /// `None` for URLs, which may hold a password.
    value: Option<String>,
    expected: &'static str,
}

impl ConfigError {
    pub fn new(variable: &'static str, value: Option<String>, expected: &'static str) -> Self {
        ConfigError {
            variable,
            value,
            expected,
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match &self.value {
            Some(value) => write!(f, "{}={value:?} is not {}", self.variable, self.expected),
            None => write!(f, "{} is not {}", self.variable, self.expected),
        }
    }
}

impl std::error::Error for ConfigError {}

impl DataConfig {
    pub fn from_env() -> Result<DataConfig, ConfigError> {
        Ok(DataConfig {
            database: database_url(non_empty("DATABASE_URL").as_deref())?,
            redis: redis_url(non_empty("REDIS_URL").as_deref())?,
        })
    }
}

/// `DATABASE_URL`: a `postgres://` or `postgresql://` URL that tokio-postgres accepts.
fn database_url(value: Option<&str>) -> Result<Option<tokio_postgres::Config>, ConfigError> {
    let Some(value) = value else {
        return Ok(None);
    };
    let scheme_ok = value.starts_with("postgres://") || value.starts_with("postgresql://");
    match value.parse::<tokio_postgres::Config>() {
        Ok(config) if scheme_ok && !config.get_hosts().is_empty() => Ok(Some(config)),
        _ => Err(ConfigError::new("DATABASE_URL", None, "a postgres:// URL")),
    }
}

/// `REDIS_URL`: a `redis://` URL that the redis crate accepts.
fn redis_url(value: Option<&str>) -> Result<Option<redis::ConnectionInfo>, ConfigError> {
    let Some(value) = value else {
        return Ok(None);
    };
    match value.into_connection_info() {
        Ok(info) if value.starts_with("redis://") => Ok(Some(info)),
        _ => Err(ConfigError::new("REDIS_URL", None, "a redis:// URL")),
    }
}

/// The variable's value, trimmed; `None` when it is unset or blank.
fn non_empty(variable: &str) -> Option<String> {
    env::var(variable)
        .ok()
        .map(|value| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls() {
        assert!(database_url(None).unwrap().is_none());
        for good in [
            "postgres://gauntlet:gauntlet@127.0.0.1:5432/gauntlet",
            "postgresql://u@localhost/db",
        ] {
            assert!(database_url(Some(good)).unwrap().is_some(), "{good}");
        }
        for bad in ["mysql://u@h/db", "host=localhost user=u", "postgres://"] {
            let err = database_url(Some(bad)).err().expect(bad);
            // The URL may hold a password: it is never echoed.
            assert_eq!(err.to_string(), "DATABASE_URL is not a postgres:// URL");
        }
    }

    #[test]
    fn redis_urls() {
        assert!(redis_url(None).unwrap().is_none());
        assert!(redis_url(Some("redis://127.0.0.1:6379")).unwrap().is_some());
        for bad in ["rediss://127.0.0.1:6379", "127.0.0.1:6379", "http://h"] {
            let err = redis_url(Some(bad)).err().expect(bad);
            assert_eq!(err.to_string(), "REDIS_URL is not a redis:// URL");
        }
    }

    #[test]
    fn errors_name_the_variable() {
        let err = ConfigError::new("PORT", Some("x".to_owned()), "a port number");
        assert_eq!(err.to_string(), r#"PORT="x" is not a port number"#);
    }
}
