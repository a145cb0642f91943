//! Gauntlet's Rocket target: the workload catalogue (docs/contract.md) written the way Rocket 0.5
//! applications are written: attribute routes with typed guards, `FromForm` structs for query
//! strings and form bodies, `Json<T>` for JSON bodies, catchers that give every refusal the
//! contract's JSON error shape, and the data layer (gauntlet-data) as managed state whose click
//! flush the fairings start and stop.

mod basic;
mod body;
mod config;
mod db;
mod error;
mod form;
mod json;
mod mixed;
mod path;
mod query;
mod shortener;
mod sse;
mod stress;
mod upload;
mod values;
mod ws;

use std::process::ExitCode;
use std::time::Duration;

use gauntlet_data::Data;
use rocket::fairing::AdHoc;
use rocket::{Build, Rocket, routes};

use config::Settings;

/// Every route of the catalogue, the catchers for everything refused, and the data layer: the
/// backends as managed state (connected lazily), the click flush started at liftoff and applied
/// one last time at shutdown.
fn app(settings: &Settings) -> Rocket<Build> {
    let data = settings.data.clone();
    rocket::custom(settings.rocket_config())
        // At ignition, in Rocket's runtime (the Redis manager's handle belongs to it).
        .attach(AdHoc::on_ignite("data", |rocket| async move {
            rocket.manage(Data::open(&data, "rust-rocket"))
        }))
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
                shortener::shorten,
                shortener::shorten_wrong_type,
                shortener::stats,
                shortener::redirect,
                db::list,
                db::get_item,
                db::create_item,
                db::create_item_wrong_type,
                db::random,
                db::queries,
                db::recipes,
            ],
        )
        .register("/", error::catchers())
        .attach(AdHoc::on_liftoff("start-up line, click flush", |rocket| {
            Box::pin(async move {
                let config = rocket.config();
                let data = rocket.state::<Data>().expect("managed above");
                data.start();
                println!(
                    "rust-rocket listening on http://{} (Rocket {}, {} worker; {})",
                    config::display_address(config.address, config.port),
                    env!("ROCKET_VERSION"),
                    config.workers,
                    data.describe(),
                );
            })
        }))
        // Rocket runs shutdown fairings once the listener has stopped accepting, while the open
        // connections drain: the redirects still running get the grace period to count their
        // clicks, then what is pending in Redis is applied to Postgres.
        .attach(AdHoc::on_shutdown("last click flush", |rocket| {
            Box::pin(async move {
                if let Some(data) = rocket.state::<Data>() {
                    data.stop(config::DRAIN).await;
                }
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
