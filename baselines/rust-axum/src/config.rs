//! Settings, read once from the environment; a bad value fails naming its variable.

use std::{env, str::FromStr};

use gauntlet_data::config::{ConfigError, DataConfig};

pub struct Config {
    /// `HOST`, default `127.0.0.1`.
    pub host: String,
    /// `PORT`, default 3000.
    pub port: u16,
    /// `DATABASE_URL` and `REDIS_URL`: the shortener's and db's Postgres and Redis.
    pub data: DataConfig,
    /// `WORKERS`, default 1: tokio worker threads, one per server core (docs/contract.md, "Workers").
    pub workers: usize,
}

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        Ok(Config {
            host: env::var("HOST")
                .ok()
                .filter(|host| !host.is_empty())
                .unwrap_or_else(|| "127.0.0.1".to_owned()),
            port: parse("PORT", "a port number")?.unwrap_or(3000),
            data: DataConfig::from_env()?,
            workers: workers()?,
        })
    }
}

/// `WORKERS`: an integer 1…1024, 1 when unset.
fn workers() -> Result<usize, ConfigError> {
    match parse::<usize>("WORKERS", "an integer 1…1024")? {
        None => Ok(1),
        Some(n @ 1..=1024) => Ok(n),
        Some(n) => Err(ConfigError::new(
            "WORKERS",
            Some(n.to_string()),
            "an integer 1…1024",
        )),
    }
}

/// `None` when the variable is unset or empty.
fn parse<T: FromStr>(
    variable: &'static str,
    expected: &'static str,
) -> Result<Option<T>, ConfigError> {
    match env::var(variable) {
        Ok(value) if !value.trim().is_empty() => value
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| ConfigError::new(variable, Some(value), expected)),
        _ => Ok(None),
    }
}
