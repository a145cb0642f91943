//! Settings, read once from the environment; a bad value fails naming its variable.

use std::{env, fmt, str::FromStr};

use redis::IntoConnectionInfo;

pub struct Config {
    /// `HOST`, default `127.0.0.1`.
    pub host: String,
    /// `PORT`, default 3000.
    pub port: u16,
    /// `DATABASE_URL` (`postgres://…`): the shortener's and db's Postgres; unset → none.
    pub database: Option<tokio_postgres::Config>,
    /// `REDIS_URL` (`redis://…`): the redirect cache and click counters; unset → none.
    pub redis: Option<redis::ConnectionInfo>,
    /// `WORKERS`, default 1: tokio worker threads, one per server core (docs/contract.md, "Workers").
    pub workers: usize,
}

#[derive(Debug)]
pub struct ConfigError {
    variable: &'static str,
    /// `None` for URLs, which may hold a password.
    value: Option<String>,
    expected: &'static str,
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

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        Ok(Config {
            host: env::var("HOST")
                .ok()
                .filter(|host| !host.is_empty())
                .unwrap_or_else(|| "127.0.0.1".to_owned()),
            port: parse("PORT", "a port number")?.unwrap_or(3000),
            database: database_url()?,
            redis: redis_url()?,
            workers: workers()?,
        })
    }
}

/// `WORKERS`: an integer 1…1024, 1 when unset.
fn workers() -> Result<usize, ConfigError> {
    match parse::<usize>("WORKERS", "an integer 1…1024")? {
        None => Ok(1),
        Some(n @ 1..=1024) => Ok(n),
        Some(n) => Err(ConfigError {
            variable: "WORKERS",
            value: Some(n.to_string()),
            expected: "an integer 1…1024",
        }),
    }
}

/// `DATABASE_URL`: a `postgres://` or `postgresql://` URL that tokio-postgres accepts.
fn database_url() -> Result<Option<tokio_postgres::Config>, ConfigError> {
    let Some(value) = non_empty("DATABASE_URL") else {
        return Ok(None);
    };
    let expected = "a postgres:// URL";
    let scheme_ok = value.starts_with("postgres://") || value.starts_with("postgresql://");
    match value.parse::<tokio_postgres::Config>() {
        Ok(config) if scheme_ok && !config.get_hosts().is_empty() => Ok(Some(config)),
        _ => Err(ConfigError {
            variable: "DATABASE_URL",
            value: None,
            expected,
        }),
    }
}

/// `REDIS_URL`: a `redis://` URL that the redis crate accepts.
fn redis_url() -> Result<Option<redis::ConnectionInfo>, ConfigError> {
    let Some(value) = non_empty("REDIS_URL") else {
        return Ok(None);
    };
    match value.as_str().into_connection_info() {
        Ok(info) if value.starts_with("redis://") => Ok(Some(info)),
        _ => Err(ConfigError {
            variable: "REDIS_URL",
            value: None,
            expected: "a redis:// URL",
        }),
    }
}

fn non_empty(variable: &str) -> Option<String> {
    env::var(variable)
        .ok()
        .map(|value| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}

/// `None` when the variable is unset or empty.
fn parse<T: FromStr>(
    variable: &'static str,
    expected: &'static str,
) -> Result<Option<T>, ConfigError> {
    match env::var(variable) {
        Ok(value) if !value.trim().is_empty() => {
            value.trim().parse().map(Some).map_err(|_| ConfigError {
                variable,
                value: Some(value),
                expected,
            })
        }
        _ => Ok(None),
    }
}
