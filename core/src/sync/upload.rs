//! The upload step: draining the outbox, one batch in flight, in outbox
//! order, at most N events or the byte budget per request; only what the
//! cloud confirmed (stored or already held) is deleted, in one flushed
//! step; what it refused for good goes to the dead letters with its reason.
//!
//! A whole upload refused with a 4xx is split until the event responsible
//! is alone, and an event refused alone is dead-lettered, so one event the
//! cloud will never take cannot stall the queue. Refusals that are about
//! the request's target or sender, not its events, never dead-letter: 404
//! (no upload route at that URL: a wrong base URL or a cloud without the
//! API), 401 (after one fresh token) and 403 fail the pass and are retried
//! with backoff; 408, 425, 429 and 5xx are temporary. Three events refused
//! alone in a row mean the cloud refuses every upload: the pass fails and
//! nothing more is set aside until an upload is accepted again.

use super::common::on_disk;
use super::error::Failure;
use super::http::Api;
use super::status::SyncReport;
use super::wire::{EventStatus, UploadItem, UploadResponse};
use crate::outbox::{EventId, Outbox, StoredEvent};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};

/// `{"events":[` … `]}`.
const ENVELOPE_BYTES: usize = 13;
/// Where events go.
const UPLOAD_PATH: &str = "/v1/events";
/// Events refused one by one in a row after which the refusal is taken to
/// be of every upload (a proxy or a cloud that refuses the request itself),
/// not of those events: nothing more is set aside until an upload is
/// accepted again, so a blanket refusal can't empty the queue into the
/// dead letters.
const BLANKET_REFUSAL_AFTER: u32 = 3;

/// The configured bounds of an upload.
#[derive(Debug, Clone, Copy)]
pub(super) struct Limits {
    /// Most events per request.
    pub(super) max_events: usize,
    /// Most bytes per request (one event always goes, whatever its size).
    pub(super) max_request_bytes: usize,
    /// Most bytes sent per pass while the network is metered.
    pub(super) metered_bytes_per_pass: usize,
}

/// Batch sizing, kept from one pass to the next by the engine.
#[derive(Debug)]
pub(super) struct Pace {
    /// Events per upload; halved while isolating an event the cloud refuses.
    limit: usize,
    /// Events refused alone in a row, with no upload accepted between them.
    lone_refusals: u32,
}

impl Pace {
    /// Full batches, no refusals seen.
    pub(super) fn new(limits: &Limits) -> Self {
        Self {
            limit: limits.max_events.max(1),
            lone_refusals: 0,
        }
    }
}

/// Uploads until the outbox is empty (or, while `metered` says so, the
/// metered budget is spent). `metered` is read live: the platform may
/// report a change mid-pass.
pub(super) async fn drain(
    api: &Api<'_>,
    outbox: &Outbox,
    limits: &Limits,
    metered: &AtomicBool,
    pace: &mut Pace,
    report: &mut SyncReport,
) -> Result<(), Failure> {
    let mut sent_bytes = 0usize;
    loop {
        if metered.load(Ordering::SeqCst) && sent_bytes >= limits.metered_bytes_per_pass {
            return Ok(());
        }
        let limit = pace.limit;
        let budget = limits.max_request_bytes;
        let peeked = outbox.clone();
        let batch = on_disk(move || peeked.peek(limit, budget)).await?;
        if batch.is_empty() {
            return Ok(());
        }
        let (body, count) = encode(&batch, budget)?;
        sent_bytes = sent_bytes.saturating_add(body.len());
        let sent = &batch[..count];
        crash_point!("sync.upload.before_request");
        match api.post_encoded::<UploadResponse>(UPLOAD_PATH, body).await {
            Ok(answer) => {
                // The cloud committed the batch; the phone has not yet
                // recorded it: the window where a crash means a resend.
                crash_point!("sync.upload.committed_not_confirmed");
                report.upload_requests += 1;
                settle(outbox, sent, answer, report).await?;
                crash_point!("sync.upload.confirmed");
                // Back to full batches, doubling (after isolating a refused
                // event, its neighbours go in small batches first).
                let max = limits.max_events.max(1);
                pace.limit = pace.limit.max(count).saturating_mul(2).min(max);
                pace.lone_refusals = 0;
            }
            // No upload route there: the URL or the cloud is wrong, not the
            // events. Nothing is set aside; the pass fails and is retried.
            Err(Failure::Rejected {
                status: 404,
                code,
                message,
            }) => {
                return Err(Failure::Rejected {
                    status: 404,
                    code,
                    message: format!(
                        "the cloud has no event upload at {}{UPLOAD_PATH} ({message}); check the configured cloud URL",
                        api.base_url
                    ),
                })
            }
            // The request as a whole was refused (and not for its sender:
            // 401 and 403 are `Failure::Auth`): halve the batch until the
            // event responsible is alone, then set it aside.
            Err(Failure::Rejected { status, code, message }) => {
                if count > 1 {
                    pace.limit = (count / 2).max(1);
                    continue;
                }
                let Some(id) = sent.first().map(|e| e.id) else {
                    return Ok(());
                };
                if pace.lone_refusals >= BLANKET_REFUSAL_AFTER {
                    return Err(Failure::Rejected {
                        status,
                        code,
                        message: format!(
                            "the cloud refuses every upload, one event at a time too ({message}); \
                             the queue is kept and tried again later"
                        ),
                    });
                }
                let reason = format!("refused by the cloud (HTTP {status} {code}): {message}");
                let outbox = outbox.clone();
                on_disk(move || outbox.dead_letter(&id, &reason)).await?;
                report.dead_lettered += 1;
                pace.limit = 1;
                pace.lone_refusals += 1;
            }
            Err(other) => return Err(other),
        }
    }
}

/// The request body for the first events of `batch` that fit `budget`
/// (at least one), and how many that is.
fn encode(batch: &[StoredEvent], budget: usize) -> Result<(Vec<u8>, usize), Failure> {
    let mut body = b"{\"events\":[".to_vec();
    let mut count = 0;
    for stored in batch {
        let item = serde_json::to_vec(&UploadItem {
            id: stored.id.to_string(),
            event: &stored.event,
        })
        .map_err(|e| Failure::Encode {
            what: "an event",
            reason: e.to_string(),
        })?;
        let grown = body.len() + item.len() + usize::from(count > 0) + 2;
        if count > 0 && grown > budget.max(ENVELOPE_BYTES) {
            break;
        }
        if count > 0 {
            body.push(b',');
        }
        body.extend_from_slice(&item);
        count += 1;
    }
    body.extend_from_slice(b"]}");
    Ok((body, count))
}

/// Applies the cloud's per-event answers: dead letters first (each
/// flushed), then one flushed confirm of everything stored or held.
async fn settle(
    outbox: &Outbox,
    sent: &[StoredEvent],
    answer: UploadResponse,
    report: &mut SyncReport,
) -> Result<(), Failure> {
    let results: HashMap<&str, _> = answer.results.iter().map(|r| (r.id.as_str(), r)).collect();
    let mut confirmed: Vec<EventId> = Vec::new();
    let mut refused: Vec<(EventId, String)> = Vec::new();
    for event in sent {
        let id = event.id.to_string();
        match results.get(id.as_str()) {
            Some(r) if r.status == EventStatus::Stored => {
                report.uploaded += 1;
                confirmed.push(event.id);
            }
            Some(r) if r.status == EventStatus::Duplicate => {
                report.duplicates += 1;
                confirmed.push(event.id);
            }
            Some(r) if r.status == EventStatus::Rejected => {
                let reason = r.reason.clone().unwrap_or_else(|| "no reason given".into());
                refused.push((event.id, format!("refused by the cloud: {reason}")));
            }
            // No verdict: it stays pending and goes again.
            _ => {}
        }
    }
    if confirmed.is_empty() && refused.is_empty() {
        return Err(Failure::Protocol(
            "the cloud answered the upload without settling any of its events".into(),
        ));
    }
    report.dead_lettered += refused.len() as u64;
    let outbox = outbox.clone();
    on_disk(move || {
        for (id, reason) in &refused {
            outbox.dead_letter(id, reason)?;
        }
        outbox.confirm(&confirmed)?;
        Ok::<_, Failure>(())
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outbox::OutboxEvent;

    fn event(detail: &str) -> StoredEvent {
        StoredEvent {
            id: EventId::new(),
            position: 1,
            appended_at_ms: 0,
            event: OutboxEvent::Failure {
                lock_id: None,
                diagnosis_code: "storage".into(),
                detail: detail.into(),
                at: 0,
            },
            encoded_len: 0,
        }
    }

    #[test]
    fn a_batch_is_cut_to_the_byte_budget_but_never_empty() {
        let batch: Vec<StoredEvent> = (0..10).map(|_| event(&"x".repeat(100))).collect();
        let (body, count) = encode(&batch, 600).unwrap();
        assert!((1..10).contains(&count), "{count}");
        assert!(body.len() <= 600, "{}", body.len());
        let parsed: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(parsed["events"].as_array().unwrap().len(), count);

        let (body, count) = encode(&batch[..1], 10).unwrap();
        assert_eq!(count, 1, "one event always goes, even over budget");
        assert!(serde_json::from_slice::<serde_json::Value>(&body).is_ok());
    }
}
