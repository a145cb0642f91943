//! sse: `GET /sse?events=N&interval_ms=M`, N events then the end of the response.

use std::time::Duration;

use axum::{
    extract::{RawQuery, State},
    response::sse::{Event, Sse},
};
use futures_util::{Stream, StreamExt, stream};
use serde::Serialize;
use tokio::time::{Interval, MissedTickBehavior, interval};

use crate::common::{
    error::ApiError,
    params::{self, Check, Params},
    shutdown::Shutdown,
};

#[derive(Serialize)]
struct Seq {
    seq: u32,
    total: u32,
}

/// Events i = 1…N, each `id: i\ndata: {"seq":i,"total":N}\n\n`: the first at once, then one
/// every M ms. A client that disconnects drops the stream, and its timer with it; a server
/// that stops ends it.
pub async fn sse(
    State(shutdown): State<Shutdown>,
    RawQuery(query): RawQuery,
) -> Result<Sse<impl Stream<Item = Result<Event, axum::Error>>>, ApiError> {
    let query = Params::parse(query.as_deref().unwrap_or("").as_bytes());
    let mut check = Check::default();
    let total = check
        .optional(&query, "events", params::int(1, 100_000))
        .unwrap_or(10) as u32;
    let interval_ms = check
        .optional(&query, "interval_ms", params::int(0, 10_000))
        .unwrap_or(0) as u64;
    check.finish()?;

    // An interval's first tick is immediate; with M = 0 there is nothing to wait for.
    let ticks = (interval_ms > 0).then(|| {
        let mut ticks = interval(Duration::from_millis(interval_ms));
        ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
        ticks
    });
    let events = stream::unfold(
        (1, ticks),
        move |(seq, mut ticks): (u32, Option<Interval>)| async move {
            if seq > total {
                return None;
            }
            if let Some(ticks) = ticks.as_mut() {
                ticks.tick().await;
            }
            let event = Event::default()
                .id(seq.to_string())
                .json_data(Seq { seq, total });
            Some((event, (seq + 1, ticks)))
        },
    );
    Ok(Sse::new(events.take_until(shutdown.requested())))
}
