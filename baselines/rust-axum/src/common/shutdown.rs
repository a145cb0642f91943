//! The stop signal, for responses that would otherwise outlive the server: SSE streams and
//! WebSockets end themselves when it fires, instead of being cut off.

use tokio::sync::watch;

/// Held by every open stream and socket; the server has drained once no copy is left.
#[derive(Clone)]
pub struct Shutdown(watch::Receiver<bool>);

/// Fires the signal, and waits for every `Shutdown` to be dropped.
pub struct Stop(watch::Sender<bool>);

pub fn channel() -> (Stop, Shutdown) {
    let (stop, shutdown) = watch::channel(false);
    (Stop(stop), Shutdown(shutdown))
}

impl Shutdown {
    /// Resolves once the server is stopping.
    pub async fn requested(mut self) {
        let _ = self.0.wait_for(|stopping| *stopping).await;
    }
}

impl Stop {
    pub fn fire(&self) {
        let _ = self.0.send(true);
    }

    /// Resolves once every stream and socket has ended.
    pub async fn drained(&self) {
        self.0.closed().await;
    }
}
