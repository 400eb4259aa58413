// Reads the CoreBluetooth facts the diagnostics engine needs into a
// PlatformSnapshot. It only reads; every judgement is made in Rust.
#if canImport(CoreBluetooth)
import CoreBluetooth
import Foundation

public enum PlatformSnapshotCollector {
    /// The snapshot now. Pass the app's `CoreBluetoothCentral` (its state
    /// is unknown until it was first used and CoreBluetooth reported it;
    /// collecting never creates the manager, so it never prompts).
    public static func collect(
        central: CoreBluetoothCentral?, appInBackground: Bool = false, online: Bool? = nil
    ) -> PlatformSnapshot {
        let info = Bundle.main.infoDictionary ?? [:]
        let modes = info["UIBackgroundModes"] as? [String] ?? []
        let device = IosSnapshot(
            state: central?.managerState.map(managerState),
            authorization: authorization(CBManager.authorization),
            usageDescriptionPresent: info["NSBluetoothAlwaysUsageDescription"] != nil,
            backgroundModeDeclared: modes.contains("bluetooth-central"),
            appInBackground: appInBackground
        )
        return PlatformSnapshot(
            format: 1,
            device: .ios(device),
            network: NetworkSnapshot(online: online, cloudReachable: nil, lastSyncError: nil)
        )
    }

    static func managerState(_ state: CBManagerState) -> CbManagerState {
        switch state {
        case .resetting: return .resetting
        case .unsupported: return .unsupported
        case .unauthorized: return .unauthorized
        case .poweredOff: return .poweredOff
        case .poweredOn: return .poweredOn
        default: return .unknown
        }
    }

    static func authorization(_ value: CBManagerAuthorization) -> CbAuthorization? {
        switch value {
        case .notDetermined: return .notDetermined
        case .restricted: return .restricted
        case .denied: return .denied
        case .allowedAlways: return .allowedAlways
        @unknown default: return nil
        }
    }
}
#endif
