//! Click counting, exactly once. A redirect adds 1 to its code's field of the pending hash in
//! Redis; every 250 ms a flush takes the pending hash atomically as a batch with an id, adds it
//! to `urls.clicks` in one transaction that also records the id in `click_batches` (so a batch
//! retried after a lost reply is skipped, never counted twice), and only then deletes the batch.
//! A failed flush leaves the batch to be retried first. With Redis down (or not configured), a
//! redirect counts itself in Postgres.

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use serde_json::{Map, Value};
use tokio::{sync::watch, task::JoinHandle};

use crate::{
    DataError,
    cache::Cache,
    db::{Db, classify},
};

pub const PENDING_KEY: &str = "gauntlet:clicks:pending";
pub const PROCESSING_KEY: &str = "gauntlet:clicks:processing";
const FLUSH_INTERVAL: Duration = Duration::from_millis(250);
/// Batches applied per flush at most (a failed flush's batch, then the pending one, …).
const BATCHES_PER_FLUSH: usize = 3;

pub const COUNT_ONE_SQL: &str = "UPDATE urls SET clicks = clicks + 1 WHERE code = $1";
const RECORD_BATCH_SQL: &str =
    "INSERT INTO click_batches (id) VALUES ($1) ON CONFLICT (id) DO NOTHING RETURNING id";
const ADD_BATCH_SQL: &str = "UPDATE urls AS u SET clicks = u.clicks + v.value::bigint \
     FROM jsonb_each_text($1::text::jsonb) AS v WHERE u.code = v.key";
const PRUNE_BATCHES_SQL: &str =
    "DELETE FROM click_batches WHERE applied_at < now() - interval '1 day'";

/// Counts one redirect of `code`: in Redis, or in Postgres if Redis does not take it. Fails
/// only if neither does.
pub async fn count(db: &Db, cache: Option<&Cache>, code: &str) -> Result<(), DataError> {
    if let Some(cache) = cache
        && cache.increment(PENDING_KEY, code).await.is_ok()
    {
        return Ok(());
    }
    db.query(COUNT_ONE_SQL, &[&code]).await.map(drop)
}

/// Prunes the ledger of batches applied more than a day ago (once per start; best effort).
pub fn prune_ledger(db: &Db, name: &'static str) {
    let db = db.clone();
    tokio::spawn(async move {
        if let Err(err) = db.query(PRUNE_BATCHES_SQL, &[]).await {
            eprintln!("{name}: shortener: could not prune click_batches: {err:?}");
        }
    });
}

struct Flusher {
    db: Db,
    cache: Cache,
    /// Whether the last flush failed (failures are logged once, until one succeeds).
    failing: AtomicBool,
    /// One flush at a time in this process.
    running: tokio::sync::Mutex<()>,
    /// The target's name, prefixing the log lines.
    name: &'static str,
}

/// The periodic flush: `start` runs it, `stop` ends it and applies what is left.
pub struct Clicks {
    flusher: Arc<Flusher>,
    stop: watch::Sender<bool>,
    /// The running flush task, between `start` and `stop`.
    task: Mutex<Option<JoinHandle<()>>>,
}

impl Clicks {
    /// A flusher that does nothing until `start`.
    pub fn new(db: Db, cache: Cache, name: &'static str) -> Clicks {
        Clicks {
            flusher: Arc::new(Flusher {
                db,
                cache,
                failing: AtomicBool::new(false),
                running: tokio::sync::Mutex::new(()),
                name,
            }),
            stop: watch::channel(false).0,
            task: Mutex::new(None),
        }
    }

    /// Starts flushing every 250 ms (on the current tokio runtime); once only.
    pub fn start(&self) {
        let mut task = self.task.lock().unwrap();
        if task.is_some() || *self.stop.borrow() {
            return;
        }
        let flusher = Arc::clone(&self.flusher);
        let mut stopped = self.stop.subscribe();
        *task = Some(tokio::spawn(async move {
            loop {
                tokio::select! {
                    () = tokio::time::sleep(FLUSH_INTERVAL) => flusher.flush().await,
                    _ = stopped.changed() => return,
                }
            }
        }));
    }

    /// Stops the periodic flush and applies what is pending (up to 3 tries, 200 ms apart).
    pub async fn stop(&self) {
        self.stop.send_replace(true);
        let task = self.task.lock().unwrap().take();
        if let Some(task) = task {
            let _ = task.await;
        }
        for attempt in 0..3 {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            self.flusher.flush().await;
            if !self.flusher.failing.load(Ordering::Relaxed) {
                return;
            }
        }
    }
}

impl Flusher {
    async fn flush(&self) {
        let _running = self.running.lock().await;
        let mut result = Ok(());
        for _ in 0..BATCHES_PER_FLUSH {
            match self.apply_one().await {
                Ok(true) => continue,
                Ok(false) => break,
                Err(err) => {
                    result = Err(err);
                    break;
                }
            }
        }
        match result {
            Ok(()) => {
                if self.failing.swap(false, Ordering::Relaxed) {
                    eprintln!("{}: shortener: click flush recovered", self.name);
                }
            }
            Err(err) => {
                if !self.failing.swap(true, Ordering::Relaxed) {
                    eprintln!(
                        "{}: shortener: click flush failed, will retry: {err}",
                        self.name
                    );
                }
            }
        }
    }

    /// One batch: taken, applied, finished. `false` when there was nothing to take.
    async fn apply_one(&self) -> Result<bool, String> {
        let batch = self
            .cache
            .take_batch(PENDING_KEY, PROCESSING_KEY)
            .await
            .map_err(|err| format!("redis: {err}"))?;
        let Some(batch) = batch else {
            return Ok(false);
        };
        let counts: Map<String, Value> = batch
            .counts
            .into_iter()
            .map(|(code, count)| (code, Value::String(count)))
            .collect();
        let counts = Value::Object(counts).to_string();
        self.apply(&batch.id, &counts)
            .await
            .map_err(|err| format!("postgres: {err:?}"))?;
        self.cache
            .finish_batch(PROCESSING_KEY, &batch.id)
            .await
            .map_err(|err| format!("redis: {err}"))?;
        Ok(true)
    }

    /// Records batch `id` in the ledger and, only if it is new, adds its counts: one transaction.
    async fn apply(&self, id: &str, counts: &str) -> Result<(), DataError> {
        let mut client = self.db.client().await?;
        let tx = client.transaction().await.map_err(|err| classify(&err))?;
        let record = tx
            .prepare_cached(RECORD_BATCH_SQL)
            .await
            .map_err(|err| classify(&err))?;
        let fresh = tx
            .query(&record, &[&id])
            .await
            .map_err(|err| classify(&err))?;
        if !fresh.is_empty() {
            let add = tx
                .prepare_cached(ADD_BATCH_SQL)
                .await
                .map_err(|err| classify(&err))?;
            tx.execute(&add, &[&counts])
                .await
                .map_err(|err| classify(&err))?;
        }
        tx.commit().await.map_err(|err| classify(&err))
    }
}
