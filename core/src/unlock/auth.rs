//! Standard AUTH: ephemeral ECDH, the holder's signature, the lock's
//! signed answer; leaves a fast key for next time.

use super::attempt::{command_exchange, decode_answer, not_wanted, Answer, AttemptError, AttemptInput};
use super::progress::{Progress, ProgressListener, UnlockPath};
use super::status::StatusView;
use crate::transport::FrameLink;
use latchkey_protocol::{
    derive_auth_keys, AuthRequest, CertRef, EphemeralKey, Frame, LockContext, ProtocolError, ResultCode, SessionCipher,
    SigDomain,
};

/// Why AUTH runs instead of FAST.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum AuthAfter {
    /// No fast key: first contact.
    Nothing,
    /// A FAST was refused (`lost`: the lock no longer holds the key).
    RefusedFast { lost: bool },
    /// The lock's epoch changed: it was reset.
    Reset,
}

/// Standard AUTH. A refused FAST was unauthenticated, so it
/// did not use up the advertised challenge; if the challenge rotated
/// meanwhile, the lock says `stale_challenge` with the next one and the
/// loop retries.
pub(super) async fn run_auth(
    link: &mut FrameLink,
    mut ctx: LockContext,
    input: &AttemptInput<'_>,
    listener: &dyn ProgressListener,
    after: AuthAfter,
    round_trips: &mut u32,
) -> Result<Answer, AttemptError> {
    let path = match after {
        AuthAfter::RefusedFast { .. } => UnlockPath::FastThenAuth,
        _ => UnlockPath::Auth,
    };
    listener.on_progress(Progress::Authenticating { path });
    let mut send_full_cert = !input.lock_has_cert || after != AuthAfter::Nothing;
    // At most one retry: a challenge that rotated between scan and request,
    // or a lock that evicted the certificate from its cache.
    for _ in 0..2 {
        let cert_ref = if send_full_cert {
            CertRef::Full(input.cert.clone())
        } else {
            CertRef::Hash(input.cert.hash())
        };
        let ephemeral = EphemeralKey::generate().map_err(|e| AttemptError::Crypto(e.to_string()))?;
        // The platform signer (StrongBox, the Secure Enclave) may take a
        // while: it runs off the caller's thread, awaited here.
        let body = AuthRequest::signing_body(
            &ctx,
            &cert_ref.hash(),
            &ephemeral.public_key(),
            input.command,
            &input.command_id,
        );
        let signature = (input.sign)(SigDomain::Auth.message(&body))
            .await
            .map_err(AttemptError::Signer)?;
        let request = AuthRequest::build(
            &ctx,
            cert_ref,
            ephemeral.public_key(),
            input.command,
            input.command_id,
            |_| Ok::<_, ProtocolError>(signature),
        )
        .map_err(|e| AttemptError::Signer(e.to_string()))?;
        let request_bytes = request.encode();
        let answer = command_exchange(link, &request_bytes, input, listener).await?;
        *round_trips += 1;
        let result = match decode_answer(&answer, "AUTH_RESULT")? {
            Frame::AuthResult(r) => r,
            other => return Err(not_wanted("AUTH_RESULT", &other)),
        };
        result
            .verify(&input.lock_identity, &input.lock_id, &request_bytes)
            .map_err(|e| AttemptError::UntrustedAnswer {
                reason: format!("AUTH_RESULT does not authenticate: {e}"),
                forged: true,
            })?;
        match result.code {
            ResultCode::StaleChallenge => {
                ctx.challenge = result.next_challenge;
                continue;
            }
            ResultCode::CertificateNotCached if !send_full_cert => {
                send_full_cert = true;
                ctx.challenge = result.next_challenge;
                continue;
            }
            _ => {}
        }
        let at_ms = link.now_ms();
        let (new_fast_key, session) = match result.lock_ephemeral {
            Some(lock_eph) => {
                let shared = ephemeral.agree(&lock_eph).map_err(AttemptError::NotAuthentic)?;
                let (secrets, fast) =
                    derive_auth_keys(&shared, &input.lock_id, &input.cert.key_id(), &request_bytes, &result)
                        .map_err(AttemptError::NotAuthentic)?;
                let cipher = SessionCipher::phone(&secrets).map_err(AttemptError::NotAuthentic)?;
                (Some((fast, result.status.epoch)), Some(cipher))
            }
            None => (None, None),
        };
        return Ok(Answer {
            code: result.code,
            replayed: result.replayed,
            path,
            status: StatusView {
                compact: result.status.compact(),
                lock_time: result.status.lock_time,
                // A refusal's status is redacted: not the door's state.
                full: result.code.carries_full_status().then_some(result.status),
            },
            new_fast_key,
            fast_key_lost: matches!(after, AuthAfter::Reset | AuthAfter::RefusedFast { lost: true }),
            lock_has_cert: result.code.is_ok() || input.lock_has_cert,
            session,
            at_ms,
        });
    }
    Err(AttemptError::BadAnswer(
        "the lock kept refusing the challenge; its clock or radio may be misbehaving".into(),
    ))
}
