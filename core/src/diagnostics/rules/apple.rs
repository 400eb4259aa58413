//! iOS and macOS: CoreBluetooth state and authorization, the app build's
//! Info.plist, background use. Never anything about location.

use super::Draft;
use crate::diagnostics::kinds::Severity;
use crate::diagnostics::snapshot::{CbAuthorization, CbManagerState, IosSnapshot, MacosSnapshot};
use crate::diagnostics::FindingCode as C;

pub(super) fn ios(s: &IosSnapshot, out: &mut Vec<Draft>) {
    if s.usage_description_present == Some(false) {
        out.push(Draft::new(C::IosUsageDescriptionMissing));
    }
    authorization(s.authorization, s.state, None, out);
    state(s.state, out);
    if s.app_in_background && s.background_mode_declared == Some(false) {
        out.push(Draft::new(C::IosBackgroundModeMissing).severity(Severity::BlocksUnlock));
    }
}

pub(super) fn macos(s: &MacosSnapshot, out: &mut Vec<Draft>) {
    authorization(s.authorization, s.state, s.host_app.as_deref(), out);
    state(s.state, out);
}

fn authorization(
    authorization: Option<CbAuthorization>,
    state: Option<CbManagerState>,
    host_app: Option<&str>,
    out: &mut Vec<Draft>,
) {
    let draft = match authorization {
        // Managed devices: the person can't change it, so never send them
        // to a settings screen that is greyed out.
        Some(CbAuthorization::Restricted) => Draft::new(C::BluetoothPermissionRestricted),
        Some(CbAuthorization::Denied) => match host_app {
            Some(app) => Draft::new(C::MacosHostAppNotAllowed).arg("host_app", app),
            None => Draft::new(C::BluetoothPermissionDenied),
        },
        Some(CbAuthorization::NotDetermined) => Draft::new(C::BluetoothPermissionNotAsked),
        Some(CbAuthorization::AllowedAlways) => return,
        None if state == Some(CbManagerState::Unauthorized) => Draft::new(C::BluetoothPermissionDenied),
        None => return,
    };
    out.push(draft);
}

fn state(state: Option<CbManagerState>, out: &mut Vec<Draft>) {
    let code = match state {
        Some(CbManagerState::PoweredOff) => C::BluetoothOff,
        Some(CbManagerState::Unsupported) => C::BluetoothUnsupported,
        Some(CbManagerState::Resetting) => C::BluetoothStarting,
        // `unauthorized` is explained by the authorization; `unknown` is
        // not a fact yet.
        Some(CbManagerState::Unauthorized | CbManagerState::Unknown | CbManagerState::PoweredOn) | None => return,
    };
    out.push(Draft::new(code));
}
