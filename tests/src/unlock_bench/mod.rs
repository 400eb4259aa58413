//! `latchkey-bench unlock`: what one unlock costs, first contact (AUTH) and
//! repeat (FAST), on the radio model in virtual time, next to the published
//! message sequences of Nuki's and Tedee's BLE protocols replayed over the
//! same model; plus the phone's real CPU time per repeat unlock.
//!
//! The exchange is measured alone: from the connection being established
//! to the answer, with no follow-on session work (event collection, which
//! runs after the answer, is not part of an unlock's latency).
//!
//! `lock_energy` breaks the lock's asymmetric work down by kind (the
//! battery-relevant figure) for both unlocks and for a flood of junk
//! requests ([`junk`]).

mod junk;

pub use junk::{EnergyOps, JunkFlood};

use latchkey_core::transport::{FrameLink, ScanFilter, Transport};
use latchkey_core::unlock::{run_attempt, AttemptInput, AttemptOutcome, HousekeepingPlan, NoProgress, SignFuture};
use latchkey_protocol::{Command, CommandId, DigitalKey, FastKey, KeyGrant, KeyId, Role, SigningKey};
use latchkey_sim::lock::LockConfig;
use latchkey_sim::radio::{nuki_like, replay_sequence, tedee_like, LinkParams, LinkStats, Step};
use latchkey_testkit::START;
use latchkey_testkit::{SimLockHandle, SimWorld};
use std::time::{Duration, Instant};

/// Repeat unlocks timed for the CPU figure.
const CPU_SAMPLES: usize = 400;

/// Figures for one exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Figures {
    /// Round trips until the answer.
    pub round_trips: u32,
    /// Frame bytes up.
    pub bytes_up: u64,
    /// Frame bytes down.
    pub bytes_down: u64,
    /// Packets up at ATT MTU 23.
    pub packets_up_mtu23: u32,
    /// Virtual ms from connection to answer at MTU 185, 30 ms interval.
    pub virtual_ms_mtu185: u64,
    /// Asymmetric operations on the lock.
    pub lock_asym_ops: u64,
}

impl Figures {
    fn json(&self) -> String {
        format!(
            "{{\"round_trips\":{},\"bytes_up\":{},\"bytes_down\":{},\"packets_up_mtu23\":{},\"virtual_ms_mtu185\":{},\"lock_asym_ops\":{}}}",
            self.round_trips, self.bytes_up, self.bytes_down, self.packets_up_mtu23, self.virtual_ms_mtu185, self.lock_asym_ops
        )
    }

    fn from_replay(steps: &[Step]) -> Self {
        let at185: LinkStats = replay_sequence(&LinkParams::mtu185(), steps);
        let at23: LinkStats = replay_sequence(&LinkParams::mtu23(), steps);
        Self {
            round_trips: at185.round_trips,
            bytes_up: at185.bytes_up,
            bytes_down: at185.bytes_down,
            packets_up_mtu23: at23.packets_up,
            virtual_ms_mtu185: at185.exchange_ms,
            lock_asym_ops: at185.lock_asym_ops,
        }
    }
}

/// Everything the benchmark reports.
#[derive(Debug, Clone, PartialEq)]
pub struct UnlockBench {
    /// latchkey first contact.
    pub first: Figures,
    /// latchkey repeat unlock.
    pub repeat: Figures,
    /// Nuki BLE API v2.1 lock action, replayed.
    pub nuki_like: Figures,
    /// Tedee PTLS session + command, replayed.
    pub tedee_like: Figures,
    /// Median phone-side CPU per repeat unlock (protocol work, no storage).
    pub phone_unlock_cpu_us_median: f64,
    /// The lock's asymmetric work by kind: first contact.
    pub first_energy: EnergyOps,
    /// The lock's asymmetric work by kind: repeat.
    pub repeat_energy: EnergyOps,
    /// A flood of junk requests.
    pub junk: JunkFlood,
}

impl UnlockBench {
    /// The JSON object the issue specifies.
    pub fn json(&self) -> String {
        format!(
            "{{\"unlock\":{{\"first\":{},\"repeat\":{}}},\"reference\":{{\"nuki_like\":{},\"tedee_like\":{}}},\"phone_unlock_cpu_us_median\":{:.1},\"lock_energy\":{{\"first\":{},\"repeat\":{},\"junk\":{}}}}}",
            self.first.json(),
            self.repeat.json(),
            self.nuki_like.json(),
            self.tedee_like.json(),
            self.phone_unlock_cpu_us_median,
            self.first_energy.json(),
            self.repeat_energy.json(),
            self.junk.json()
        )
    }
}

struct Holder {
    key: SigningKey,
    cert: DigitalKey,
}

fn holder(world: &SimWorld, lock: &SimLockHandle) -> Result<Holder, String> {
    let key = SigningKey::generate().map_err(|e| e.to_string())?;
    let cert = world
        .authority
        .issue_key(KeyGrant {
            key_id: KeyId::random().map_err(|e| e.to_string())?,
            lock_id: lock.id(),
            lock_group: false,
            holder: key.public_key(),
            role: Role::Resident,
            not_before: START - 60,
            not_after: START + 30 * 86_400,
            schedule: None,
            offline_allowed: true,
            serial: 1,
        })
        .map_err(|e| e.to_string())?;
    Ok(Holder { key, cert })
}

async fn attempt(
    world: &SimWorld,
    lock: &SimLockHandle,
    params: LinkParams,
    holder: &Holder,
    fast: Option<(FastKey, u32, u32)>,
) -> Result<(AttemptOutcome, EnergyOps), String> {
    let transport = world.transport(params);
    let filter = ScanFilter {
        short_lock_id: Some(lock.id().short()),
        first_match: true,
    };
    let scanned = transport
        .scan(&filter, Duration::from_secs(5))
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .next()
        .ok_or("lock not found")?;
    let link = transport
        .connect(&scanned.address, Duration::from_secs(5))
        .await
        .map_err(|e| e.to_string())?;
    let mut link = FrameLink::new(link);
    let sign = |m: Vec<u8>| -> SignFuture {
        Box::pin(std::future::ready(
            holder.key.sign_message(&m).map_err(|e| e.to_string()),
        ))
    };
    let input = AttemptInput {
        lock_id: lock.id(),
        lock_identity: lock.meta.identity_key,
        cert: &holder.cert,
        sign: &sign,
        lock_has_cert: fast.is_some(),
        fast,
        command: Command::Unlock,
        command_id: CommandId::random().map_err(|e| e.to_string())?,
        housekeeping: HousekeepingPlan::default(),
        answer_timeout: Duration::from_secs(3),
    };
    let ops_before = lock.lock().asym_op_counts();
    let outcome = run_attempt(&mut link, &scanned.advertisement, &input, &NoProgress)
        .await
        .map_err(|e| e.to_string())?;
    link.close().await;
    let ops = EnergyOps::between(ops_before, lock.lock().asym_op_counts());
    if !outcome.code.is_ok() {
        return Err(format!("the lock refused: {}", outcome.code));
    }
    Ok((outcome, ops))
}

/// First contact then a repeat, on a fresh lock at the given MTU.
async fn first_and_repeat(params: LinkParams) -> Result<[(AttemptOutcome, EnergyOps); 2], String> {
    let world = SimWorld::new(START).map_err(|e| e.to_string())?;
    let lock = world
        .add_lock("bench", LockConfig::default())
        .map_err(|e| e.to_string())?;
    let h = holder(&world, &lock)?;
    let first = attempt(&world, &lock, params, &h, None).await?;
    let (fast_key, epoch) = first.0.new_fast_key.clone().ok_or("AUTH gave no fast key")?;
    let repeat = attempt(&world, &lock, params, &h, Some((fast_key, 1, epoch))).await?;
    Ok([first, repeat])
}

fn figures(at185: &(AttemptOutcome, EnergyOps), at23: &(AttemptOutcome, EnergyOps)) -> Figures {
    Figures {
        round_trips: at185.0.round_trips,
        bytes_up: at185.0.bytes_up as u64,
        bytes_down: at185.0.bytes_down as u64,
        packets_up_mtu23: at23.0.packets_up,
        virtual_ms_mtu185: at185.0.latency_ms,
        lock_asym_ops: at185.1.verify + at185.1.sign + at185.1.ecdh,
    }
}

/// Median wall time of the phone's work for a repeat unlock: building and
/// MACing the request, framing, verifying the answer. The simulated lock
/// runs in the same thread (its HMAC check is included); storage is not.
async fn phone_cpu_us(samples: usize) -> Result<f64, String> {
    let world = SimWorld::new(START).map_err(|e| e.to_string())?;
    let lock = world
        .add_lock("bench", LockConfig::default())
        .map_err(|e| e.to_string())?;
    let h = holder(&world, &lock)?;
    let params = LinkParams::mtu185();
    let (first, _) = attempt(&world, &lock, params, &h, None).await?;
    let (fast_key, epoch) = first.new_fast_key.ok_or("AUTH gave no fast key")?;
    let mut times = Vec::with_capacity(samples);
    for counter in 1..=samples as u32 {
        let started = Instant::now();
        attempt(&world, &lock, params, &h, Some((fast_key.clone(), counter, epoch))).await?;
        times.push(started.elapsed().as_secs_f64() * 1e6);
    }
    times.sort_by(f64::total_cmp);
    Ok(times[times.len() / 2])
}

/// Runs the benchmark.
pub async fn run() -> Result<UnlockBench, String> {
    let [first185, repeat185] = first_and_repeat(LinkParams::mtu185()).await?;
    let [first23, repeat23] = first_and_repeat(LinkParams::mtu23()).await?;
    Ok(UnlockBench {
        first: figures(&first185, &first23),
        repeat: figures(&repeat185, &repeat23),
        nuki_like: Figures::from_replay(nuki_like()),
        tedee_like: Figures::from_replay(tedee_like()),
        phone_unlock_cpu_us_median: phone_cpu_us(CPU_SAMPLES).await?,
        first_energy: first185.1,
        repeat_energy: repeat185.1,
        junk: junk::run()?,
    })
}
