//! Gauntlet's Rocket target: the web families of the workload catalogue (docs/contract.md)
//! written the way Rocket 0.5 applications are written: attribute routes with typed guards,
//! `FromForm` structs for query strings and form bodies, `Json<T>` for JSON bodies, and
//! catchers that give every refusal the contract's JSON error shape.

mod basic;
mod body;
mod config;
mod error;
mod form;
mod json;
mod mixed;
mod path;
mod query;
mod sse;
mod stress;
mod upload;
mod values;
mod ws;

use std::process::ExitCode;
use std::time::Duration;

use rocket::fairing::AdHoc;
use rocket::{Build, Rocket, routes};

use config::Settings;

/// Every route of the catalogue's web families, and the catchers for everything refused.
fn app(settings: &Settings) -> Rocket<Build> {
    rocket::custom(settings.rocket_config())
        .mount(
            "/",
            routes![
                basic::plaintext,
                basic::hello_json,
                basic::health,
                basic::echo,
                basic::echo_wrong_type,
                json::small,
                json::medium,
                json::large,
                json::wrong_type,
                path::simple,
                path::multiple,
                path::deep,
                path::int,
                path::uuid,
                path::date,
                query::few,
                query::medium,
                query::many,
                form::simple,
                form::complex,
                form::wrong_type,
                upload::upload,
                upload::wrong_type,
                mixed::create_post,
                mixed::wrong_type,
                sse::sse,
                ws::ws,
                stress::cpu,
                stress::memory,
            ],
        )
        .register("/", error::catchers())
        .attach(AdHoc::on_liftoff("start-up line", |rocket| {
            Box::pin(async move {
                let config = rocket.config();
                println!(
                    "rust-rocket listening on http://{} (Rocket {}, {} worker; no db, no cache)",
                    config::display_address(config.address, config.port),
                    env!("ROCKET_VERSION"),
                    config.workers,
                );
            })
        }))
}

fn main() -> ExitCode {
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(err) => {
            eprintln!("rust-rocket: {err}");
            return ExitCode::FAILURE;
        }
    };
    // What `#[launch]` does, with the worker count from WORKERS (one per server core) rather than
    // from ROCKET_WORKERS or Rocket.toml: that many tokio worker threads, and Rocket workers.
    let runtime = rocket::tokio::runtime::Builder::new_multi_thread()
        .worker_threads(settings.workers)
        .max_blocking_threads(config::MAX_BLOCKING)
        .thread_name("rocket-worker-thread")
        .enable_all()
        .build()
        .expect("tokio runtime");
    let result = runtime.block_on(app(&settings).launch());
    // A CPU-bound handler still running must not hold the exit.
    runtime.shutdown_timeout(Duration::from_millis(500));
    match result {
        Ok(_) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("rust-rocket: {err}");
            ExitCode::FAILURE
        }
    }
}
