// Reads the CoreBluetooth facts the diagnostics engine needs into a
// PlatformSnapshot. It only reads; every judgement is made in Rust.
#if canImport(CoreBluetooth)
import CoreBluetooth
import Foundation

public enum PlatformSnapshotCollector {
    /// The snapshot now. Pass the central the app uses (its `state` is
    /// `.unknown` until CoreBluetooth has reported it once).
    public static func collect(
        central: CBCentralManager?, appInBackground: Bool = false, online: Bool? = nil
    ) -> PlatformSnapshot {
        let info = Bundle.main.infoDictionary ?? [:]
        let modes = info["UIBackgroundModes"] as? [String] ?? []
        let device = IosSnapshot(
            state: central.map { managerState($0.state) },
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
