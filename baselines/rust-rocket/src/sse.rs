//! sse: `GET /sse?events=N&interval_ms=M` as Rocket's `EventStream`, N events then the end.

use std::time::Duration;

use rocket::form::{self, FromForm};
use rocket::response::stream::{Event, EventStream};
use rocket::tokio::{select, time::sleep};
use rocket::{Shutdown, get};

use crate::error::ApiError;
use crate::values::{Int, Scalar};

#[derive(FromForm)]
pub struct SseQuery {
    #[field(default = Scalar(Int(10)))]
    events: Scalar<Int<1, 100_000>>,
    #[field(default = Scalar(Int(0)))]
    interval_ms: Scalar<Int<0, 10_000>>,
}

/// Events i = 1…N, each `id: i\ndata: {"seq":i,"total":N}\n\n`: the first at once, then one
/// every M ms. A client that disconnects drops the stream and its timer; a server that stops
/// (Rocket's `Shutdown`) ends it.
///
/// Rocket writes a field as `name:value`; the contract's bytes are `name: value`, which SSE
/// parsers read the same (they drop one leading space), so each value carries that space.
/// Rocket's 30 s heartbeat comments are turned off: the body is exactly the events.
#[get("/sse?<query..>")]
pub fn sse(
    query: form::Result<'_, SseQuery>,
    mut shutdown: Shutdown,
) -> Result<EventStream![Event + 'static], ApiError> {
    let query = query?;
    let (total, interval) = (query.events.0.0, query.interval_ms.0.0);
    let interval = Duration::from_millis(interval as u64);
    let stream = EventStream! {
        for seq in 1..=total {
            if seq > 1 && !interval.is_zero() {
                select! {
                    () = sleep(interval) => {}
                    () = &mut shutdown => break,
                }
            }
            yield Event::data(format!(" {{\"seq\":{seq},\"total\":{total}}}")).id(format!(" {seq}"));
        }
    };
    Ok(stream.heartbeat(None))
}
