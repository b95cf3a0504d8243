//! Group commit for audit entries of reads and logins.
//!
//! Auditing every read with its own fsync would cap read throughput at the disk's sync rate
//! (about 4,000 commits/s here). Instead, entries queue to one writer task, which commits
//! everything waiting in a single transaction and then acknowledges each entry. A request that
//! reads health data waits for that acknowledgement before it answers, so "recorded" means: on
//! disk, in the hash chain, before the client sees the data. The delay this adds is bounded by one
//! commit (a fraction of a millisecond to a few milliseconds under load), and batches grow with load
//! instead of the queue. Writes of health data do not come through here: they commit their audit
//! entry in the same transaction as the change.

use std::sync::Arc;

use needlepoint_store::{NewAuditEntry, Store};
use tokio::sync::{mpsc, oneshot};

use crate::error::AppError;

/// The most entries one commit takes; more simply wait for the next commit.
const MAX_BATCH: usize = 1024;

type Ack = oneshot::Sender<Result<(), String>>;

#[derive(Clone)]
pub struct AuditSink {
    queue: mpsc::Sender<(NewAuditEntry, Ack)>,
}

impl AuditSink {
    pub fn start(store: Arc<dyn Store>) -> AuditSink {
        let (queue, mut incoming) = mpsc::channel::<(NewAuditEntry, Ack)>(MAX_BATCH * 4);
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
                    tracing::error!(%error, "audit commit failed; the requests it covered fail too");
                }
                for ack in acks {
                    let _ = ack.send(result.clone());
                }
            }
        });
        AuditSink { queue }
    }

    /// Records one entry and returns once it is durable. If it cannot be recorded, the request
    /// must fail: health data is never served unaudited.
    pub async fn record(&self, entry: NewAuditEntry) -> Result<(), AppError> {
        let (ack, done) = oneshot::channel();
        self.queue
            .send((entry, ack))
            .await
            .map_err(|_| AppError::Internal("the audit writer has stopped".into()))?;
        match done.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(error)) => Err(AppError::Internal(format!("audit: {error}"))),
            Err(_) => Err(AppError::Internal("the audit writer has stopped".into())),
        }
    }
}
