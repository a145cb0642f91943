//! ws: `GET /ws` (rocket_ws) echoes every text and binary message with its opcode; a message
//! over 1 MiB closes the connection with 1009.

use std::time::Duration;

use rocket::futures::{SinkExt, StreamExt};
use rocket::tokio::{select, time::timeout};
use rocket::{Shutdown, get};
use rocket_ws::frame::{CloseCode, CloseFrame};
use rocket_ws::result::Error as WsError;
use rocket_ws::stream::DuplexStream;
use rocket_ws::{Channel, Config, Message, WebSocket};

/// 1,048,576 bytes; tungstenite measures text in UTF-8 bytes too.
const MAX_MESSAGE: usize = 1 << 20;
/// tungstenite's default: frames up to this size are read whole before the message size is
/// refused, so the 1009 reliably reaches a client that is still sending.
const MAX_FRAME: usize = 16 << 20;
/// How long a client gets to answer our close frame.
const CLOSE_WAIT: Duration = Duration::from_secs(2);

#[get("/ws")]
pub fn ws(ws: WebSocket, mut shutdown: Shutdown) -> Channel<'static> {
    let config = Config {
        max_message_size: Some(MAX_MESSAGE),
        max_frame_size: Some(MAX_FRAME),
        ..Config::default()
    };
    ws.config(config).channel(move |mut stream| {
        Box::pin(async move {
            loop {
                let received = select! {
                    received = stream.next() => received,
                    () = &mut shutdown => {
                        return close(stream, CloseCode::Away, "server shutting down").await;
                    }
                };
                match received {
                    Some(Ok(message @ (Message::Text(_) | Message::Binary(_)))) => {
                        stream.send(message).await?;
                    }
                    // tungstenite answers pings and close frames itself.
                    Some(Ok(_)) => {}
                    // The only capacity error of a message: over `max_message_size`.
                    Some(Err(WsError::Capacity(_))) => {
                        return close(stream, CloseCode::Size, "message over 1 MiB").await;
                    }
                    Some(Err(_)) | None => return Ok(()),
                }
            }
        })
    })
}

/// Sends a close frame, then reads until the client's reply (for at most `CLOSE_WAIT`), so
/// that a client still sending gets the frame rather than a reset.
async fn close(
    mut stream: DuplexStream,
    code: CloseCode,
    reason: &'static str,
) -> rocket_ws::result::Result<()> {
    let frame = CloseFrame {
        code,
        reason: reason.into(),
    };
    stream.close(Some(frame)).await?;
    let _ = timeout(CLOSE_WAIT, async {
        while let Some(Ok(_) | Err(WsError::Capacity(_))) = stream.next().await {}
    })
    .await;
    Ok(())
}
