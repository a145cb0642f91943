//! Redis through the redis crate's `ConnectionManager` (one multiplexed connection, replaced
//! by itself when it breaks). Every call fails fast while Redis is down — one connection
//! attempt per failure and no retries, so no command waits in an offline queue or is resent —
//! and no call takes more than 1 s. A caller that gets an error falls back to Postgres.

use std::{
    fmt,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use redis::{
    Cmd, ConnectionInfo, FromRedisValue,
    aio::{ConnectionManager, ConnectionManagerConfig},
};

/// Per command, the connection attempt included.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(1);

/// `take` of docs/contract.md: moves the pending counters to the processing hash under a
/// fresh batch id, unless a batch is already there (a failed flush), and returns it.
const TAKE_BATCH: &str = "if redis.call('EXISTS', KEYS[2]) == 0 then
  if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
  redis.call('RENAME', KEYS[1], KEYS[2])
  redis.call('HSET', KEYS[2], '#batch', ARGV[1])
end
return redis.call('HGETALL', KEYS[2])";

/// Deletes the processing hash if it still holds batch ARGV[1].
const FINISH_BATCH: &str = "if redis.call('HGET', KEYS[1], '#batch') == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

/// Releases a lock if the token still holds it.
const UNLOCK: &str = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

/// The field of a taken batch that holds its id (not a base62 code, so never a code).
pub const BATCH_FIELD: &str = "#batch";

/// A failed or unanswered Redis call.
#[derive(Debug)]
pub struct CacheError(String);

impl fmt::Display for CacheError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub type CacheResult<T> = Result<T, CacheError>;

/// Counts taken from the pending hash, under the id that makes applying them idempotent.
pub struct Batch {
    pub id: String,
    /// `(code, count)`, the count as Redis returned it (decimal text).
    pub counts: Vec<(String, String)>,
}

impl Batch {
    /// The field/value pairs of `HGETALL` on a taken batch: `#batch` is its id, every other
    /// field a code and its count. `None` when there is no batch (no `#batch`).
    fn from_fields(flat: Vec<String>) -> Option<Batch> {
        let mut id = None;
        let mut counts = Vec::with_capacity(flat.len() / 2);
        let mut pairs = flat.into_iter();
        while let (Some(field), Some(value)) = (pairs.next(), pairs.next()) {
            if field == BATCH_FIELD {
                id = Some(value);
            } else {
                counts.push((field, value));
            }
        }
        id.map(|id| Batch { id, counts })
    }
}

#[derive(Clone)]
pub struct Cache {
    connection: ConnectionManager,
    /// For logging the transitions only.
    up: Arc<AtomicBool>,
    /// The target's name, prefixing the log lines.
    name: &'static str,
}

impl Cache {
    /// Connects lazily, on the first command. `name` prefixes the log lines.
    pub fn new(info: ConnectionInfo, name: &'static str) -> Cache {
        let client = redis::Client::open(info).expect("a parsed redis:// URL opens");
        let config = ConnectionManagerConfig::new()
            // One connection attempt per failed command, no backoff to wait through.
            .set_number_of_retries(0)
            .set_connection_timeout(Some(COMMAND_TIMEOUT))
            .set_response_timeout(Some(COMMAND_TIMEOUT));
        let connection = ConnectionManager::new_lazy_with_config(client, config)
            .expect("a connection manager without push settings builds");
        Cache {
            connection,
            up: Arc::new(AtomicBool::new(false)),
            name,
        }
    }

    async fn run<T: FromRedisValue>(&self, cmd: &Cmd) -> CacheResult<T> {
        let mut connection = self.connection.clone();
        let result =
            match tokio::time::timeout(COMMAND_TIMEOUT, cmd.query_async(&mut connection)).await {
                Ok(Ok(value)) => Ok(value),
                Ok(Err(err)) => Err(CacheError(err.to_string())),
                Err(_) => Err(CacheError(format!(
                    "no answer within {} ms",
                    COMMAND_TIMEOUT.as_millis()
                ))),
            };
        match &result {
            Ok(_) => {
                if !self.up.swap(true, Ordering::Relaxed) {
                    eprintln!("{}: redis: connected", self.name);
                }
            }
            Err(err) => {
                if self.up.swap(false, Ordering::Relaxed) {
                    eprintln!(
                        "{}: redis: {err}; falling back to Postgres until it returns",
                        self.name
                    );
                }
            }
        }
        result
    }

    /// `GET key`
    pub async fn get(&self, key: &str) -> CacheResult<Option<String>> {
        self.run(redis::cmd("GET").arg(key)).await
    }

    /// `SET key value PX ttl`
    pub async fn set(&self, key: &str, value: &str, ttl: Duration) -> CacheResult<()> {
        self.run::<redis::Value>(
            redis::cmd("SET")
                .arg(key)
                .arg(value)
                .arg("PX")
                .arg(ttl.as_millis() as u64),
        )
        .await
        .map(drop)
    }

    /// `SET key <random token> NX PX ttl`: the token if the lock was taken, else `None`.
    pub async fn lock(&self, key: &str, ttl: Duration) -> CacheResult<Option<String>> {
        let token = uuid_v4();
        let reply: Option<String> = self
            .run(
                redis::cmd("SET")
                    .arg(key)
                    .arg(&token)
                    .arg("NX")
                    .arg("PX")
                    .arg(ttl.as_millis() as u64),
            )
            .await?;
        Ok(reply.map(|_| token))
    }

    /// Releases the lock if `token` still holds it (it may have expired and been taken since).
    pub async fn unlock(&self, key: &str, token: &str) -> CacheResult<()> {
        self.run::<i64>(redis::cmd("EVAL").arg(UNLOCK).arg(1).arg(key).arg(token))
            .await
            .map(drop)
    }

    /// `HINCRBY key field 1`
    pub async fn increment(&self, key: &str, field: &str) -> CacheResult<()> {
        self.run::<i64>(redis::cmd("HINCRBY").arg(key).arg(field).arg(1))
            .await
            .map(drop)
    }

    /// The batch in `processing` (a failed flush's) or else the pending counters moved there
    /// under a fresh id; `None` when there is nothing to apply.
    pub async fn take_batch(&self, pending: &str, processing: &str) -> CacheResult<Option<Batch>> {
        let flat: Vec<String> = self
            .run(
                redis::cmd("EVAL")
                    .arg(TAKE_BATCH)
                    .arg(2)
                    .arg(pending)
                    .arg(processing)
                    .arg(uuid_v4()),
            )
            .await?;
        Ok(Batch::from_fields(flat))
    }

    /// Deletes `processing` if it still holds batch `id` (once the batch is applied).
    pub async fn finish_batch(&self, processing: &str, id: &str) -> CacheResult<()> {
        self.run::<i64>(
            redis::cmd("EVAL")
                .arg(FINISH_BATCH)
                .arg(1)
                .arg(processing)
                .arg(id),
        )
        .await
        .map(drop)
    }

    /// Whether `PING` answers within `timeout`.
    pub async fn ping(&self, timeout: Duration) -> bool {
        let ping = redis::cmd("PING");
        matches!(
            tokio::time::timeout(timeout, self.run::<String>(&ping)).await,
            Ok(Ok(pong)) if pong == "PONG"
        )
    }
}

/// A random (version 4) UUID in its text form, from the OS CSPRNG.
pub fn uuid_v4() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the OS random source");
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex = hex::encode(bytes);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_are_read_from_their_fields() {
        let fields = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert!(Batch::from_fields(Vec::new()).is_none());
        let batch = Batch::from_fields(fields(&["celeb01", "17", "#batch", "b-1", "abcdefg", "2"]))
            .expect("a batch");
        assert_eq!(batch.id, "b-1");
        assert_eq!(
            batch.counts,
            vec![
                ("celeb01".to_owned(), "17".to_owned()),
                ("abcdefg".to_owned(), "2".to_owned())
            ]
        );
        // Only the id left (every count applied elsewhere): a batch of nothing, still finished.
        let empty = Batch::from_fields(fields(&["#batch", "b-2"])).expect("a batch");
        assert!(empty.counts.is_empty());
    }

    #[test]
    fn uuids_are_version_4() {
        let uuid = uuid_v4();
        assert_eq!(uuid.len(), 36);
        let groups: Vec<&str> = uuid.split('-').collect();
        assert_eq!(
            groups.iter().map(|g| g.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(groups[2].starts_with('4'));
        assert!(matches!(groups[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b'));
        assert_ne!(uuid_v4(), uuid);
    }
}
