//! What junk costs the lock's battery: a nearby attacker sends 1,000 AUTH
//! frames a lock must refuse (a recorded request replayed, requests with a
//! public certificate and someone else's signature, keys from an authority
//! the lock doesn't know, certificate hashes it doesn't hold, and bytes that
//! are no frame at all) over 100 s, reconnecting every 10 frames. The same
//! flood runs against the reference lock and against one whose budget for
//! unproven work never runs out (what the lock did before it had one).

use latchkey_protocol::framing::fragment;
use latchkey_protocol::{
    AuthRequest, CertHash, CertRef, Command, CommandId, DigitalKey, EphemeralKey, Frame, KeyGrant, KeyId, LockContext,
    ResultCode, Role, SigningKey,
};
use latchkey_sim::authority::KeyAuthority;
use latchkey_sim::lock::{AsymOpCounts, LockConfig};
use latchkey_sim::Peripheral;
use latchkey_testkit::START;
use latchkey_testkit::{SimLockHandle, SimWorld};

const FRAMES: u32 = 1000;
const VIRTUAL_MS: u64 = 100_000;
const MTU: u16 = 23;

/// Asymmetric operations, the energy-relevant work of a lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EnergyOps {
    /// ECDSA verifications.
    pub verify: u64,
    /// ECDSA signatures.
    pub sign: u64,
    /// ECDH exchanges.
    pub ecdh: u64,
}

impl EnergyOps {
    /// The difference `after − before`.
    pub fn between(before: AsymOpCounts, after: AsymOpCounts) -> Self {
        Self {
            verify: after.ecdsa_verify - before.ecdsa_verify,
            sign: after.ecdsa_sign - before.ecdsa_sign,
            ecdh: after.ecdh - before.ecdh,
        }
    }

    /// As a JSON object.
    pub fn json(&self) -> String {
        format!(
            "{{\"verify\":{},\"sign\":{},\"ecdh\":{}}}",
            self.verify, self.sign, self.ecdh
        )
    }
}

/// The flood's figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JunkFlood {
    /// Frames sent.
    pub frames: u32,
    /// Virtual seconds they were spread over.
    pub virtual_s: u64,
    /// What they cost the reference lock.
    pub budgeted: EnergyOps,
    /// How many it answered `ERROR(lock_busy)` without checking.
    pub lock_busy_answers: u32,
    /// What they cost a lock with no budget.
    pub unlimited: EnergyOps,
}

impl JunkFlood {
    /// As a JSON object.
    pub fn json(&self) -> String {
        format!(
            "{{\"frames\":{},\"virtual_s\":{},\"budgeted\":{},\"lock_busy_answers\":{},\"unlimited\":{}}}",
            self.frames,
            self.virtual_s,
            self.budgeted.json(),
            self.lock_busy_answers,
            self.unlimited.json()
        )
    }
}

fn cert(authority: &KeyAuthority, lock: &SimLockHandle, holder: &SigningKey) -> Result<DigitalKey, String> {
    authority
        .issue_key(KeyGrant {
            key_id: KeyId::random().map_err(|e| e.to_string())?,
            lock_id: lock.id(),
            lock_group: false,
            holder: holder.public_key(),
            role: Role::Resident,
            not_before: 0,
            not_after: u32::MAX,
            schedule: None,
            offline_allowed: true,
            serial: 1,
        })
        .map_err(|e| e.to_string())
}

fn context(lock: &SimLockHandle) -> LockContext {
    let ad = lock.lock().advertisement();
    LockContext {
        lock_id: lock.id(),
        epoch: ad.epoch,
        challenge: ad.challenge,
    }
}

fn auth(ctx: &LockContext, cert: CertRef, signer: &SigningKey) -> Result<Vec<u8>, String> {
    let eph = EphemeralKey::generate().map_err(|e| e.to_string())?;
    AuthRequest::build(
        ctx,
        cert,
        eph.public_key(),
        Command::Unlock,
        CommandId([0xee; 8]),
        |m| signer.sign_message(m),
    )
    .map(|r| r.encode())
    .map_err(|e| e.to_string())
}

/// Sends one frame; whether the lock answered `ERROR(lock_busy)`.
fn send(lock: &SimLockHandle, frame: &[u8]) -> Result<bool, String> {
    let mut lock = lock.lock();
    let mut answer = None;
    for packet in fragment(frame, MTU).map_err(|e| e.to_string())? {
        answer = lock.on_packet(&packet).or(answer);
    }
    let answer = answer.ok_or("the lock did not answer")?;
    Ok(matches!(Frame::decode(&answer), Ok(Frame::Error(ResultCode::LockBusy))))
}

/// Floods a fresh lock built from `config`.
fn flood(config: LockConfig) -> Result<(EnergyOps, u32), String> {
    let world = SimWorld::new(START).map_err(|e| e.to_string())?;
    let lock = world.add_lock("flooded", config).map_err(|e| e.to_string())?;
    let resident = SigningKey::generate().map_err(|e| e.to_string())?;
    let public_cert = cert(&world.authority, &lock, &resident)?;
    let stranger = KeyAuthority::generate().map_err(|e| e.to_string())?;
    let foreign_cert = cert(&stranger, &lock, &resident)?;
    let impostor = SigningKey::generate().map_err(|e| e.to_string())?;
    let recorded = auth(&context(&lock), CertRef::Full(public_cert.clone()), &impostor)?;
    let before = lock.lock().asym_op_counts();
    let mut busy = 0;
    for i in 0..FRAMES {
        if i % 10 == 0 {
            lock.lock().on_connect(MTU);
        }
        let ctx = context(&lock);
        let frame = match i % 5 {
            0 => recorded.clone(),
            1 => auth(&ctx, CertRef::Full(public_cert.clone()), &impostor)?,
            2 => auth(&ctx, CertRef::Full(foreign_cert.clone()), &resident)?,
            3 => auth(&ctx, CertRef::Hash(CertHash([7; 16])), &impostor)?,
            _ => vec![0x01; 40],
        };
        busy += u32::from(send(&lock, &frame)?);
        world.clock.advance_ms(VIRTUAL_MS / u64::from(FRAMES));
    }
    let after = lock.lock().asym_op_counts();
    Ok((EnergyOps::between(before, after), busy))
}

/// Runs the flood against both locks.
pub fn run() -> Result<JunkFlood, String> {
    let (budgeted, lock_busy_answers) = flood(LockConfig::default())?;
    let (unlimited, _) = flood(LockConfig {
        unauth_ops_burst: u32::MAX,
        unauth_ops_per_connection: u32::MAX,
        ..LockConfig::default()
    })?;
    Ok(JunkFlood {
        frames: FRAMES,
        virtual_s: VIRTUAL_MS / 1000,
        budgeted,
        lock_busy_answers,
        unlimited,
    })
}
