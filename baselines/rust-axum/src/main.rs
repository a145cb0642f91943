//! Gauntlet's Rust baseline: the workload catalogue of docs/contract.md on axum 0.8 and tokio.

mod common;
mod config;
mod state;
mod workloads;

use std::{future::IntoFuture, process::ExitCode, time::Duration};

use axum::{
    Router,
    routing::{get, post},
    serve::ListenerExt,
};
use tokio::net::TcpListener;

use gauntlet_data::Data;

use common::{error::not_found, shutdown};
use config::Config;
use state::AppState;
use workloads::{basic, db, form, json, mixed, path, query, shortener, sse, stress, upload, ws};

/// How long in-flight requests, streams and sockets get to finish after a stop signal.
const DRAIN: Duration = Duration::from_secs(2);

/// Every route of the catalogue; `GET /{code}` is the fallback, so it shadows no other route;
/// any other path or method gets the contract's JSON 404.
fn app(state: AppState) -> Router {
    Router::new()
        .route("/plaintext", get(basic::plaintext))
        .route("/json", get(basic::json))
        .route("/health", get(basic::health))
        .route("/echo", post(basic::echo))
        .route("/json/small", post(json::small))
        .route("/json/medium", post(json::medium))
        .route("/json/large", post(json::large))
        .route("/path/simple/{id}", get(path::simple))
        .route("/path/multiple/{user_id}/{post_id}", get(path::multiple))
        .route(
            "/path/deep/{org}/{team}/{project}/{resource}/{id}",
            get(path::deep),
        )
        .route("/path/int/{n}", get(path::int))
        .route("/path/uuid/{uuid}", get(path::uuid))
        .route("/path/date/{date}", get(path::date))
        .route("/query/few", get(query::few))
        .route("/query/medium", get(query::medium))
        .route("/query/many", get(query::many))
        .route("/form/simple", post(form::simple))
        .route("/form/complex", post(form::complex))
        .route("/upload", post(upload::upload))
        .route("/api/v1/users/{id}/posts", post(mixed::create_post))
        .route("/sse", get(sse::sse))
        .route("/ws", get(ws::ws))
        .route("/stress/cpu/{n}", get(stress::cpu))
        .route("/stress/memory/{mb}", get(stress::memory))
        .route("/api/shorten", post(shortener::shorten))
        .route("/api/stats/{code}", get(shortener::stats))
        .route("/db/items", get(db::list).post(db::create_item))
        .route("/db/items/{id}", get(db::get_item))
        .route("/db/random", get(db::random))
        .route("/db/queries", get(db::queries))
        .route("/api/v1/recipes", get(db::recipes))
        .fallback(shortener::redirect_or_not_found)
        .method_not_allowed_fallback(not_found)
        .with_state(state)
}

fn main() -> ExitCode {
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("rust-axum: {err}");
            return ExitCode::FAILURE;
        }
    };
    // WORKERS worker threads (one per server core) serve every connection: tokio's own
    // multi-core model, one process and one listener. The multi-thread scheduler even with one
    // worker rather than a current-thread runtime: `block_on` below runs on the main thread, so a
    // stop signal is still seen while the worker is busy (a long /stress/cpu).
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(config.workers)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let result = runtime.block_on(serve(config));
    // A CPU-bound handler still running must not hold the exit.
    runtime.shutdown_timeout(Duration::from_millis(500));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("rust-axum: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Serves until SIGINT or SIGTERM, then drains for at most `DRAIN`.
async fn serve(config: Config) -> std::io::Result<()> {
    let listener = TcpListener::bind((config.host.as_str(), config.port)).await?;
    let host = if config.host.contains(':') {
        format!("[{}]", config.host)
    } else {
        config.host.clone()
    };
    let data = Data::open(&config.data, "rust-axum");
    println!(
        "rust-axum listening on http://{host}:{} (axum {}, tokio, {} worker thread(s); {})",
        config.port,
        env!("AXUM_VERSION"),
        config.workers,
        data.describe()
    );
    data.start();

    let (stop, shutdown) = shutdown::channel();
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    let server = axum::serve(
        listener,
        app(AppState {
            shutdown: shutdown.clone(),
            data: data.clone(),
        }),
    )
    .with_graceful_shutdown(shutdown.requested());
    let mut server = tokio::spawn(server.into_future());
    tokio::select! {
        result = &mut server => return result.map_err(std::io::Error::other)?,
        () = stop_signal() => stop.fire(),
    }
    // Upgraded WebSockets are no longer the server's; they and the SSE streams hold a
    // `Shutdown` until they have ended, so `drained` waits for them too.
    let drained = async {
        let _ = server.await;
        stop.drained().await;
    };
    let _ = tokio::time::timeout(DRAIN, drained).await;
    // No request counts a click any more: apply what is pending, so nothing is lost.
    data.stop(Duration::ZERO).await;
    Ok(())
}

async fn stop_signal() {
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("SIGTERM handler");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate.recv() => {}
    }
}
