//! On the radio: a planned command handed to the unlock engine, with the
//! holder signer run off the caller's thread.

use super::plan::Prepared;
use crate::client::SKEW_THRESHOLD_S;
use crate::platform_keys::Signer;
use crate::runtime::blocking;
use crate::transport::Transport;
use crate::unlock::{
    execute, AttemptInput, CommandPolicy, ExecuteError, Executed, FirmwareStep, HousekeepingPlan, ProgressListener,
    SignFuture,
};
use latchkey_protocol::{Command, CommandId};
use std::sync::Arc;
use std::time::Duration;

/// One command as it goes to the lock: the plan, the command and its id
/// (the same on every retry), and firmware work for the session.
pub(crate) struct Request<'a> {
    pub(crate) prepared: &'a Prepared,
    pub(crate) command: Command,
    pub(crate) command_id: CommandId,
    pub(crate) firmware: Option<FirmwareStep>,
    pub(crate) started_at: u32,
}

/// Runs `request` over `transport`. Without a `signer` only FAST can
/// work: an AUTH fails as the phone's key being unavailable.
pub(crate) async fn exchange(
    transport: &dyn Transport,
    signer: Option<Arc<dyn Signer>>,
    request: Request<'_>,
    policy: &CommandPolicy,
    listener: &dyn ProgressListener,
) -> Result<Executed, ExecuteError> {
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
    let prepared = request.prepared;
    let input = AttemptInput {
        lock_id: prepared.meta.lock_id,
        lock_identity: prepared.meta.identity_key,
        cert: &prepared.key.key,
        sign: &sign,
        fast: prepared.fast.clone(),
        lock_has_cert: prepared.fast.is_some(),
        command: request.command,
        command_id: request.command_id,
        housekeeping: HousekeepingPlan {
            revocations: prepared.revocations.clone(),
            time_token: prepared.time_token.clone(),
            phone_now: request.started_at,
            skew_threshold_s: SKEW_THRESHOLD_S,
            fetch_events: true,
            retry_after_time: None,
            event_cursor: prepared.event_cursor,
            pins: prepared.pins.clone(),
            pins_if_asked: prepared.pins_held.clone(),
            firmware: request.firmware,
        },
        answer_timeout: Duration::from_secs(3),
    };
    execute(transport, &input, policy, listener).await
}
