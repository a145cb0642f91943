//! Settings: HOST, PORT, WORKERS, DATABASE_URL and REDIS_URL from the environment, everything else
//! fixed in code, so that no ROCKET_* variable or Rocket.toml can change what is measured.

use std::{env, net::IpAddr, time::Duration};

use gauntlet_data::config::{ConfigError, DataConfig};
use rocket::config::{Config, Ident, LogLevel, Shutdown};
use rocket::data::{Limits, ToByteUnit};

/// Rocket's default pool for `spawn_blocking`; nothing here uses it.
pub const MAX_BLOCKING: usize = 512;

pub struct Settings {
    /// `HOST`, default `127.0.0.1`: an IP address.
    pub address: IpAddr,
    /// `PORT`, default 3000.
    pub port: u16,
    /// `WORKERS`, default 1: tokio worker threads and Rocket workers, one per server core
    /// (docs/contract.md, "Workers").
    pub workers: usize,
    /// `DATABASE_URL` and `REDIS_URL` (gauntlet-data): the shortener's and db's backends.
    pub data: DataConfig,
}

/// Rocket's grace period (seconds): how long requests, streams and sockets get to end by
/// themselves once shutdown is requested; also how long the last click flush waits for the
/// redirects still running.
const GRACE: u32 = 1;

/// `GRACE` as a duration.
pub const DRAIN: Duration = Duration::from_secs(GRACE as u64);

impl Settings {
    pub fn from_env() -> Result<Settings, ConfigError> {
        Ok(Settings {
            address: parse("HOST", "an IP address")?.unwrap_or([127, 0, 0, 1].into()),
            port: parse("PORT", "a port number")?.unwrap_or(3000),
            workers: match parse::<usize>("WORKERS", "an integer 1…1024")? {
                None => 1,
                Some(n @ 1..=1024) => n,
                Some(n) => {
                    return Err(ConfigError::new(
                        "WORKERS",
                        Some(n.to_string()),
                        "an integer 1…1024",
                    ));
                }
            },
            data: DataConfig::from_env()?,
        })
    }

    /// Rocket's production settings, from code.
    pub fn rocket_config(&self) -> Config {
        Config {
            address: self.address,
            port: self.port,
            workers: self.workers,
            max_blocking: MAX_BLOCKING,
            // Rocket's own `Server` header, on every response.
            ident: Ident::try_new("Rocket").expect("a valid ident"),
            // Per docs/contract.md: JSON and urlencoded bodies 1 MiB, multipart 5 MiB.
            limits: Limits::default()
                .limit("json", 1.mebibytes())
                .limit("form", 1.mebibytes())
                .limit("data-form", 5.mebibytes()),
            // Keep-alive on (Rocket's default idle timeout, seconds).
            keep_alive: 5,
            log_level: LogLevel::Off,
            cli_colors: false,
            shutdown: Shutdown {
                // SIGINT and SIGTERM; then at most 1 s for requests, streams and sockets
                // to end by themselves and 1 s more before connections are cut.
                ctrlc: true,
                signals: [rocket::config::Sig::Term].into_iter().collect(),
                grace: GRACE,
                mercy: 1,
                force: true,
                ..Shutdown::default()
            },
            ..Config::release_default()
        }
    }
}

/// `None` when the variable is unset or empty.
fn parse<T: std::str::FromStr>(
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

/// `host:port`, with an IPv6 host in brackets.
pub fn display_address(address: IpAddr, port: u16) -> String {
    match address {
        IpAddr::V4(ip) => format!("{ip}:{port}"),
        IpAddr::V6(ip) => format!("[{ip}]:{port}"),
    }
}
