//! ws: `GET /ws` echoes every text and binary message with its opcode; a message over 1 MiB
//! closes the connection with 1009.

use std::{error::Error as _, time::Duration};

use axum::{
    extract::{
        State, WebSocketUpgrade,
        ws::{CloseFrame, Message, WebSocket, close_code, rejection::WebSocketUpgradeRejection},
    },
    response::Response,
};
use tungstenite::error::{CapacityError, Error as WsError};

use crate::common::{error::error_response, shutdown::Shutdown};

/// The contract's limit: 1,048,576 bytes, text measured in UTF-8 bytes. Checked here on each
/// whole message, not by tungstenite: tungstenite refuses a message the moment it passes its
/// limit (a fragmented one mid-way) and its stream then ends, so the rest of what the client
/// is still sending could not be read and closing would reset the connection (the client sees
/// 1006, not 1009). A message read whole leaves the stream readable for the closing handshake.
const MAX_MESSAGE: usize = 1 << 20;
/// tungstenite's limits, a ceiling only: a message up to 16 MiB is read whole (so its 1009
/// always arrives); a frame or message beyond is refused by tungstenite as it arrives (1009
/// too, but the client may see a reset).
const MAX_BUFFERED: usize = 16 << 20;
/// How long a client gets to answer our close frame.
const CLOSE_WAIT: Duration = Duration::from_secs(2);

/// `GET /ws`
pub async fn ws(
    State(shutdown): State<Shutdown>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    match upgrade {
        Ok(upgrade) => upgrade
            .max_message_size(MAX_BUFFERED)
            .max_frame_size(MAX_BUFFERED)
            .on_upgrade(|socket| echo(socket, shutdown)),
        Err(rejection) => error_response(
            rejection.status(),
            "upgrade_required",
            &rejection.body_text(),
            None,
        ),
    }
}

async fn echo(mut socket: WebSocket, shutdown: Shutdown) {
    // Held until the socket is closed: the server waits for it (within its drain time).
    let stopping = shutdown.requested();
    tokio::pin!(stopping);
    loop {
        let received = tokio::select! {
            received = socket.recv() => received,
            () = &mut stopping => return close(socket, close_code::AWAY, "server shutting down").await,
        };
        match received {
            Some(Ok(message)) if too_long(&message) => {
                return close(socket, close_code::SIZE, "message over 1 MiB").await;
            }
            Some(Ok(message @ (Message::Text(_) | Message::Binary(_)))) => {
                if socket.send(message).await.is_err() {
                    return;
                }
            }
            // tungstenite answers pings and close frames itself.
            Some(Ok(_)) => {}
            Some(Err(err)) if is_too_long(&err) => {
                return close(socket, close_code::SIZE, "message over 1 MiB").await;
            }
            Some(Err(_)) | None => return,
        }
    }
}

/// Sends a close frame, then reads until the client's reply (for at most `CLOSE_WAIT`), so
/// that a client still sending gets the frame rather than a reset.
async fn close(mut socket: WebSocket, code: u16, reason: &'static str) {
    let frame = CloseFrame {
        code,
        reason: reason.into(),
    };
    if socket.send(Message::Close(Some(frame))).await.is_err() {
        return;
    }
    let reply = async {
        loop {
            match socket.recv().await {
                Some(Ok(_)) => {}
                Some(Err(err)) if is_too_long(&err) => {}
                _ => return,
            }
        }
    };
    let _ = tokio::time::timeout(CLOSE_WAIT, reply).await;
}

/// A text or binary message over `MAX_MESSAGE` bytes.
fn too_long(message: &Message) -> bool {
    match message {
        Message::Text(text) => text.len() > MAX_MESSAGE,
        Message::Binary(bytes) => bytes.len() > MAX_MESSAGE,
        _ => false,
    }
}

/// tungstenite refuses a message over its ceiling, but leaves closing to us.
fn is_too_long(err: &axum::Error) -> bool {
    matches!(
        err.source()
            .and_then(|source| source.downcast_ref::<WsError>()),
        Some(WsError::Capacity(CapacityError::MessageTooLong { .. }))
    )
}
