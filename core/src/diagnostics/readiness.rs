//! Two checklists: "offline readiness", run before an outage (can this
//! phone open this lock with no network?), and "after reconnection", run
//! once the network is back (did everything kept offline reach the cloud?).
//!
//! The reconnection facts are plain values: the sync engine (or the app)
//! fills [`ReconnectionFacts`]; [`ReconnectionFacts::from_outbox`] takes the
//! counts the outbox already knows.

use super::catalog::{Catalog, DEFAULT_LOCALE};
use super::finding::{Finding, MessageArg};
use super::kinds::{FindingArea, PlatformAction, Severity};
use super::observations::{BatteryTrend, KeyState, LockObservations};
use super::rules::{evaluate, sync_error, Draft};
use super::snapshot::{DeviceSnapshot, PlatformSnapshot};
use super::FindingCode as C;
use crate::outbox::OutboxStats;
use serde::{Deserialize, Serialize};

/// Thresholds of the offline readiness check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadinessPolicy {
    /// A key expiring sooner than this (seconds) is a warning.
    pub renewal_margin_s: u32,
    /// A battery below this percentage is a warning.
    pub min_battery_percent: u8,
    /// A lock clock further off than this (seconds) is a warning.
    pub max_clock_skew_s: i64,
}

impl Default for ReadinessPolicy {
    /// Three days, 30 %, two minutes.
    fn default() -> Self {
        Self {
            renewal_margin_s: 3 * 86_400,
            min_battery_percent: 30,
            max_clock_skew_s: 120,
        }
    }
}

/// One line of a checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReadinessItem {
    /// A valid, offline-allowed key for the lock, not about to expire.
    OfflineKey,
    /// The lock holds the newest revocation list the phone carries.
    RevocationCurrent,
    /// The lock's clock is trusted and close to the truth.
    LockClock,
    /// The lock's battery is healthy.
    Battery,
    /// The last unlock tried offline worked.
    LastOfflineUnlock,
    /// A backup way in is recorded.
    BackupEntry,
    /// The phone lets the app use Bluetooth in the background.
    BackgroundUse,
    /// The lock is set up (it has an owner, this account) and no firmware
    /// update left it without stored credentials.
    LockSetup,
    /// After reconnection: every queued event was uploaded.
    EventsUploaded,
    /// After reconnection: no lock is behind on revocations.
    DriftCleared,
    /// After reconnection: keys due for renewal were renewed.
    KeysRenewed,
    /// After reconnection: the last sync worked.
    SyncWorking,
}

impl ReadinessItem {
    /// The stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OfflineKey => "offline_key",
            Self::RevocationCurrent => "revocation_current",
            Self::LockClock => "lock_clock",
            Self::Battery => "battery",
            Self::LastOfflineUnlock => "last_offline_unlock",
            Self::BackupEntry => "backup_entry",
            Self::BackgroundUse => "background_use",
            Self::LockSetup => "lock_setup",
            Self::EventsUploaded => "events_uploaded",
            Self::DriftCleared => "drift_cleared",
            Self::KeysRenewed => "keys_renewed",
            Self::SyncWorking => "sync_working",
        }
    }
}

/// How one check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    /// Fine.
    Pass,
    /// Works, but act soon.
    Warn,
    /// Not ready.
    Fail,
    /// Not known yet (not checked, or never seen).
    Unknown,
}

impl CheckStatus {
    /// The stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Warn => "warn",
            Self::Fail => "fail",
            Self::Unknown => "unknown",
        }
    }
}

/// One checked line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadinessCheck {
    /// What was checked.
    pub item: ReadinessItem,
    /// How it came out.
    pub status: CheckStatus,
    /// The line's title.
    pub title: String,
    /// What it means.
    pub message: String,
    /// The button to offer.
    pub action: PlatformAction,
    /// Findings that explain a warning or failure, root cause first.
    pub findings: Vec<Finding>,
}

/// A checklist's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadinessReport {
    /// Every check passed or only warns (unknown is not ready: it was not verified).
    pub ready: bool,
    /// The checks, in order.
    pub checks: Vec<ReadinessCheck>,
}

/// What the sync engine knows after the network is back.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReconnectionFacts {
    /// The phone is online.
    pub online: bool,
    /// Events still waiting for upload.
    pub queued_events: u64,
    /// Events the server refused for good, kept for support.
    pub dead_letters: u64,
    /// Locks that have not acknowledged the newest revocation list.
    pub locks_with_drift: u32,
    /// Keys due for renewal that were not renewed yet.
    pub keys_due_for_renewal: u32,
    /// The last sync's error code, if it failed.
    pub last_sync_error: Option<String>,
}

impl ReconnectionFacts {
    /// The outbox's counts; the caller adds the rest.
    pub fn from_outbox(stats: &OutboxStats, online: bool) -> Self {
        Self {
            online,
            queued_events: stats.pending,
            dead_letters: stats.dead_letters,
            ..Self::default()
        }
    }
}

struct Line {
    item: ReadinessItem,
    status: CheckStatus,
    args: Vec<MessageArg>,
    drafts: Vec<Draft>,
    action: PlatformAction,
}

fn line(item: ReadinessItem, status: CheckStatus) -> Line {
    Line {
        item,
        status,
        args: Vec::new(),
        drafts: Vec::new(),
        action: PlatformAction::None,
    }
}

impl Line {
    fn because(mut self, draft: Draft) -> Self {
        self.action = draft.action;
        self.drafts.push(draft);
        self
    }

    fn count(mut self, name: &str, value: impl ToString) -> Self {
        self.args.push(MessageArg {
            name: name.into(),
            value: value.to_string(),
        });
        self
    }
}

/// Can this phone open this lock with no network? English texts.
pub fn offline_readiness(
    snapshot: &PlatformSnapshot,
    observations: &LockObservations,
    policy: &ReadinessPolicy,
) -> ReadinessReport {
    offline_readiness_in(snapshot, observations, policy, &Catalog::new(), DEFAULT_LOCALE)
}

/// [`offline_readiness`] with texts in `locale`.
pub fn offline_readiness_in(
    snapshot: &PlatformSnapshot,
    obs: &LockObservations,
    policy: &ReadinessPolicy,
    catalog: &Catalog,
    locale: &str,
) -> ReadinessReport {
    use CheckStatus::{Fail, Pass, Unknown, Warn};
    use ReadinessItem as I;
    let k = &obs.key;
    let offline_key = match k.state {
        KeyState::Unknown => line(I::OfflineKey, Unknown),
        KeyState::Valid | KeyState::OutsideSchedule if k.offline_allowed == Some(false) => {
            line(I::OfflineKey, Fail).because(Draft::new(C::KeyNotOfflineAllowed))
        }
        KeyState::Valid | KeyState::OutsideSchedule => {
            let soon = matches!((k.expires_at, obs.observed_at), (Some(e), Some(now)) if e.saturating_sub(now) < policy.renewal_margin_s);
            if soon {
                line(I::OfflineKey, Warn).because(Draft::new(C::KeyExpiringSoon))
            } else {
                line(I::OfflineKey, Pass)
            }
        }
        KeyState::NotYetValid => line(I::OfflineKey, Warn).because(Draft::new(C::KeyNotYetValid)),
        _ => {
            let key_finding = evaluate(snapshot, obs)
                .into_iter()
                .find(|d| d.code.area() == FindingArea::Key && d.severity == Severity::BlocksUnlock)
                .unwrap_or_else(|| Draft::new(C::NoKey));
            line(I::OfflineKey, Fail).because(key_finding)
        }
    };
    let revocation = if obs.revocation.drift() {
        line(I::RevocationCurrent, Fail).because(Draft::new(C::RevocationDrift))
    } else {
        line(I::RevocationCurrent, Pass)
    };
    let clock = match (obs.clock.trusted, obs.clock.skew_s) {
        (Some(false), _) => line(I::LockClock, Fail).because(Draft::new(C::ClockUntrusted)),
        (_, Some(s)) if s.abs() > policy.max_clock_skew_s => {
            line(I::LockClock, Warn).because(Draft::new(C::LockClockSkewed))
        }
        (None, None) => line(I::LockClock, Unknown),
        _ => line(I::LockClock, Pass),
    };
    let battery = match obs.battery {
        None => line(I::Battery, Unknown),
        Some(b) if b.critical => line(I::Battery, Fail).because(Draft::new(C::BatteryCritical)),
        Some(b) if b.low || b.percent.is_some_and(|p| p < policy.min_battery_percent) => {
            line(I::Battery, Warn).because(Draft::new(C::BatteryLow))
        }
        Some(b) if b.trend == BatteryTrend::FallingFast => {
            line(I::Battery, Warn).because(Draft::new(C::BatteryDrainingFast))
        }
        Some(b) if b.percent.is_none() => line(I::Battery, Unknown),
        Some(_) => line(I::Battery, Pass),
    };
    let last_unlock = match obs.last_offline_unlock {
        None => line(I::LastOfflineUnlock, Unknown),
        Some(r) if r.succeeded => line(I::LastOfflineUnlock, Pass),
        Some(r) => match r.diagnosis {
            Some(d) => line(I::LastOfflineUnlock, Fail).because(Draft::new(C::from_diagnosis(d))),
            None => line(I::LastOfflineUnlock, Fail),
        },
    };
    let backup = match obs.backup_entry {
        Some(_) => line(I::BackupEntry, Pass),
        None => line(I::BackupEntry, Fail),
    };
    let lines = vec![
        offline_key,
        revocation,
        clock,
        battery,
        last_unlock,
        backup,
        background_use(snapshot),
        lock_setup(obs),
    ];
    report(lines, catalog, locale)
}

/// The lock's setup and firmware: a lock with no owner, or whose firmware
/// update dropped credentials no phone has put back, is not ready; an
/// update stopped part-way or refused only warns (the old firmware runs).
fn lock_setup(obs: &LockObservations) -> Line {
    use CheckStatus::{Fail, Pass, Warn};
    let life = &obs.life;
    let l = line(ReadinessItem::LockSetup, Pass);
    if life.unclaimed {
        return Line { status: Fail, ..l }.because(Draft::new(C::LockUnclaimed));
    }
    if life.claimed_elsewhere {
        return Line { status: Fail, ..l }.because(Draft::new(C::LockClaimedElsewhere));
    }
    if !life.credentials_lost.is_empty() {
        let draft = Draft::new(C::FirmwareChangedCredentials).arg("lost", life.credentials_lost.join(","));
        return Line { status: Fail, ..l }.because(draft);
    }
    if life.update_held.is_some() {
        return Line { status: Warn, ..l }.because(Draft::new(C::FirmwareUpdateInterrupted));
    }
    if life.update_rejected.is_some() {
        return Line { status: Warn, ..l }.because(Draft::new(C::FirmwareRejected));
    }
    l
}

/// Evaluates the platform as if the app were in the background: anything
/// that would then stop Bluetooth fails the check.
fn background_use(snapshot: &PlatformSnapshot) -> Line {
    let mut away = snapshot.clone();
    let unknown = match &mut away.device {
        DeviceSnapshot::Android(a) => {
            a.app_in_background = true;
            a.background_restricted.is_none() && a.battery_optimised.is_none()
        }
        DeviceSnapshot::Ios(i) => {
            i.app_in_background = true;
            i.background_mode_declared.is_none()
        }
        DeviceSnapshot::Linux(_) | DeviceSnapshot::Macos(_) => false,
    };
    let phone: Vec<Draft> = evaluate(&away, &LockObservations::default())
        .into_iter()
        .filter(|d| d.code.area() == FindingArea::Phone)
        .collect();
    let status = if phone.iter().any(|d| d.severity == Severity::BlocksUnlock) {
        CheckStatus::Fail
    } else if !phone.is_empty() {
        CheckStatus::Warn
    } else if unknown {
        CheckStatus::Unknown
    } else {
        CheckStatus::Pass
    };
    let mut l = line(ReadinessItem::BackgroundUse, status);
    l.action = phone.first().map(|d| d.action).unwrap_or(PlatformAction::None);
    l.drafts = phone;
    l
}

/// Did everything kept offline reach the cloud? English texts.
pub fn after_reconnection(facts: &ReconnectionFacts) -> ReadinessReport {
    after_reconnection_in(facts, &Catalog::new(), DEFAULT_LOCALE)
}

/// [`after_reconnection`] with texts in `locale`.
pub fn after_reconnection_in(facts: &ReconnectionFacts, catalog: &Catalog, locale: &str) -> ReadinessReport {
    use CheckStatus::{Fail, Pass, Unknown, Warn};
    use ReadinessItem as I;
    let events = if facts.queued_events > 0 {
        let mut l = line(I::EventsUploaded, Fail).count("count", facts.queued_events);
        l.action = PlatformAction::SyncWhenOnline;
        l
    } else if facts.dead_letters > 0 {
        line(I::EventsUploaded, Warn).count("count", facts.dead_letters)
    } else {
        line(I::EventsUploaded, Pass)
    };
    let drift = if facts.locks_with_drift > 0 {
        let mut l = line(I::DriftCleared, Fail).count("count", facts.locks_with_drift);
        l.action = PlatformAction::MoveCloser;
        l
    } else {
        line(I::DriftCleared, Pass)
    };
    let keys = if facts.keys_due_for_renewal > 0 {
        let mut l = line(I::KeysRenewed, Fail).count("count", facts.keys_due_for_renewal);
        l.action = PlatformAction::SyncWhenOnline;
        l
    } else {
        line(I::KeysRenewed, Pass)
    };
    let sync = match (&facts.last_sync_error, facts.online) {
        (_, false) => line(I::SyncWorking, Unknown),
        (Some(e), true) => line(I::SyncWorking, Fail).because(sync_error(e)).count("error", e),
        (None, true) => line(I::SyncWorking, Pass),
    };
    report(vec![events, drift, keys, sync], catalog, locale)
}

fn report(lines: Vec<Line>, catalog: &Catalog, locale: &str) -> ReadinessReport {
    let checks: Vec<ReadinessCheck> = lines
        .into_iter()
        .map(|l| {
            let item = l.item.as_str();
            ReadinessCheck {
                item: l.item,
                status: l.status,
                title: catalog.render(locale, &format!("readiness.{item}.title"), &l.args),
                message: catalog.render(locale, &format!("readiness.{item}.{}", l.status.as_str()), &l.args),
                action: l.action,
                findings: l.drafts.into_iter().map(|d| catalog.finding(locale, d)).collect(),
            }
        })
        .collect();
    ReadinessReport {
        ready: checks
            .iter()
            .all(|c| matches!(c.status, CheckStatus::Pass | CheckStatus::Warn)),
        checks,
    }
}
