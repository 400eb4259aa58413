//! The lock's life: no owner, another account's lock, and what firmware
//! updates did (stopped part-way, refused, dropped stored credentials).

use super::Draft;
use crate::diagnostics::observations::LockObservations;
use crate::diagnostics::FindingCode as C;

pub(super) fn rules(obs: &LockObservations, out: &mut Vec<Draft>) {
    let life = &obs.life;
    if life.unclaimed {
        out.push(Draft::new(C::LockUnclaimed));
    }
    if life.claimed_elsewhere {
        out.push(Draft::new(C::LockClaimedElsewhere));
    }
    if !life.credentials_lost.is_empty() {
        out.push(Draft::new(C::FirmwareChangedCredentials).arg("lost", life.credentials_lost.join(",")));
    }
    if let Some((held, size)) = life.update_held {
        out.push(
            Draft::new(C::FirmwareUpdateInterrupted)
                .arg("held", held)
                .arg("size", size),
        );
    }
    if let Some(code) = &life.update_rejected {
        out.push(Draft::new(C::FirmwareRejected).arg("reason", code));
    }
}
