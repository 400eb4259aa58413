//! On the radio: a planned command handed to the unlock engine, with a
//! fresh command id and the holder signer run off the caller's thread.

use super::plan::Prepared;
use crate::client::SKEW_THRESHOLD_S;
use crate::error::LatchkeyError;
use crate::platform_keys::Signer;
use crate::runtime::blocking;
use crate::transport::Transport;
use crate::unlock::{execute, AttemptInput, CommandPolicy, Executed, HousekeepingPlan, ProgressListener, SignFuture};
use latchkey_protocol::{Command, CommandId};
use std::sync::Arc;
use std::time::Duration;

/// Runs `prepared` over `transport`. Without a `signer` only FAST can
/// work: an AUTH fails as the phone's key being unavailable.
pub(crate) async fn exchange(
    transport: &dyn Transport,
    signer: Option<Arc<dyn Signer>>,
    prepared: &Prepared,
    command: Command,
    policy: &CommandPolicy,
    listener: &dyn ProgressListener,
    started_at: u32,
) -> Result<Executed, LatchkeyError> {
    // On the blocking pool: a hardware signer can take a while, and the
    // command's future may be polled on the app's main thread.
    let sign = move |message: Vec<u8>| -> SignFuture {
        let signer = signer.clone();
        Box::pin(async move {
            let Some(signer) = signer else {
                return Err("no holder key here: this process was given no signer".to_string());
            };
            match blocking(move || Ok(signer.sign(&message))).await {
                Ok(signed) => signed.map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            }
        })
    };
    let input = AttemptInput {
        lock_id: prepared.meta.lock_id,
        lock_identity: prepared.meta.identity_key,
        cert: &prepared.key.key,
        sign: &sign,
        fast: prepared.fast.clone(),
        lock_has_cert: prepared.fast.is_some(),
        command,
        command_id: CommandId::random().map_err(LatchkeyError::crypto)?,
        housekeeping: HousekeepingPlan {
            revocations: prepared.revocations.clone(),
            time_token: prepared.time_token.clone(),
            phone_now: started_at,
            skew_threshold_s: SKEW_THRESHOLD_S,
            fetch_events: true,
            retry_after_time: None,
            event_cursor: prepared.event_cursor,
            pins: prepared.pins.clone(),
        },
        answer_timeout: Duration::from_secs(3),
    };
    Ok(execute(transport, &input, policy, listener).await?)
}
