//! Settings, read once from the environment; a bad value fails naming its variable.

use std::{env, fmt, num::NonZeroUsize, str::FromStr, thread};

pub struct Config {
    /// `HOST`, default `127.0.0.1`.
    pub host: String,
    /// `PORT`, default 3000.
    pub port: u16,
    /// `WORKERS`: tokio worker threads, default the CPUs this process may run on.
    pub workers: usize,
}

#[derive(Debug)]
pub struct ConfigError {
    variable: &'static str,
    value: String,
    expected: &'static str,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "{}={:?} is not {}",
            self.variable, self.value, self.expected
        )
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        // available_parallelism respects the CPU affinity set by `taskset`.
        let cpus = thread::available_parallelism().map_or(1, NonZeroUsize::get);
        Ok(Config {
            host: env::var("HOST")
                .ok()
                .filter(|host| !host.is_empty())
                .unwrap_or_else(|| "127.0.0.1".to_owned()),
            port: parse("PORT", "a port number")?.unwrap_or(3000),
            workers: parse("WORKERS", "a positive number of threads")?
                .map_or(cpus, NonZeroUsize::get),
        })
    }
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
                value,
                expected,
            })
        }
        _ => Ok(None),
    }
}
