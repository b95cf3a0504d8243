//! Group commit for the audit entries of reads, sign-ins and refusals.
//!
//! Auditing every read with its own commit would cap read throughput at the disk's sync rate.
//! Instead, entries queue, in order, to one writer task, which hands everything waiting to the
//! store in one batch. Two ways in:
//!
//! - [`AuditSink::record`] waits until the entry is durable: sign-ins, refusals, audit-log reads.
//! - [`AuditSink::record_read`] queues the entry and returns: reads of health data. "Recorded"
//!   then means: queued in order before the data is sent, and durable in the hash chain within one
//!   commit cycle, a bounded delay of a few milliseconds under load. A crash can lose the read
//!   entries of that last cycle, never a write's entry. If a commit fails, the sink turns
//!   unhealthy and every further read is refused until a commit succeeds again: health data is
//!   never served while its audit cannot be written.
//!
//! Writes of health data do not come through here: they commit their audit entry in the same
//! transaction as the change.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use needlepoint_store::{NewAuditEntry, Store};
use tokio::sync::{mpsc, oneshot};

use crate::error::{AppError, AppResult};

/// The most entries one commit takes; more simply wait for the next commit.
const MAX_BATCH: usize = 1024;

type Ack = Option<oneshot::Sender<Result<(), String>>>;

#[derive(Clone)]
pub struct AuditSink {
    queue: mpsc::Sender<(NewAuditEntry, Ack)>,
    healthy: Arc<AtomicBool>,
}

impl AuditSink {
    /// Starts the writer task on the current Tokio runtime.
    pub fn start(store: Arc<dyn Store>) -> AuditSink {
        let (queue, mut incoming) = mpsc::channel::<(NewAuditEntry, Ack)>(MAX_BATCH * 4);
        let healthy = Arc::new(AtomicBool::new(true));
        let writer_health = healthy.clone();
        tokio::spawn(async move {
            while let Some(first) = incoming.recv().await {
                let mut batch = vec![first];
                while batch.len() < MAX_BATCH {
                    match incoming.try_recv() {
                        Ok(next) => batch.push(next),
                        Err(_) => break,
                    }
                }
                let (entries, acks): (Vec<NewAuditEntry>, Vec<Ack>) = batch.into_iter().unzip();
                let result = store.append_audit(entries).await.map_err(|e| e.to_string());
                if let Err(error) = &result {
                    tracing::error!(%error, "audit commit failed; reads are refused until it recovers");
                }
                writer_health.store(result.is_ok(), Ordering::SeqCst);
                for ack in acks.into_iter().flatten() {
                    let _ = ack.send(result.clone());
                }
            }
        });
        AuditSink { queue, healthy }
    }

    /// Queues the audit entry of a read and returns without waiting for the commit (see the
    /// module notes for what "recorded" means). Fails while audit commits are failing.
    pub async fn record_read(&self, entry: NewAuditEntry) -> AppResult<()> {
        if !self.healthy.load(Ordering::SeqCst) {
            return Err(AppError::internal("the audit log cannot be written"));
        }
        self.queue
            .send((entry, None))
            .await
            .map_err(|_| AppError::internal("the audit writer has stopped"))
    }

    /// Records one entry and returns once it is durable. If it cannot be recorded, the request
    /// must fail: health data is never served unaudited.
    pub async fn record(&self, entry: NewAuditEntry) -> AppResult<()> {
        let (ack, done) = oneshot::channel();
        self.queue
            .send((entry, Some(ack)))
            .await
            .map_err(|_| AppError::internal("the audit writer has stopped"))?;
        match done.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(error)) => Err(AppError::Internal(format!("audit: {error}"))),
            Err(_) => Err(AppError::internal("the audit writer has stopped")),
        }
    }
}
