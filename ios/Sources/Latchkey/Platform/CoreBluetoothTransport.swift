// latchkey's BleTransport over CoreBluetooth. It only scans, connects and
// moves packets; decoding, framing, timeouts, retries and diagnosis stay in
// Rust. Pass it to `LatchkeyClientBuilder(config:).bleTransport(transport:)`.
#if canImport(CoreBluetooth)
import CoreBluetooth
import Foundation

public final class CoreBluetoothTransport: NSObject, BleTransport, CBCentralManagerDelegate, @unchecked Sendable {
    /// Every CoreBluetooth callback and all state below run on this queue.
    let queue = DispatchQueue(label: "dev.latchkey.corebluetooth")
    private(set) var central: CBCentralManager!
    let gatt = latchkeyGattService()

    private var stateWaiters: [CheckedContinuation<Void, Error>] = []
    private var scanRequest: BleScanRequest?
    private var scanSeen: [String: BleAdvertisement] = [:]
    private var scanDone: CheckedContinuation<[BleAdvertisement], Never>?
    private var known: [UUID: CBPeripheral] = [:]
    private var connections: [UUID: CoreBluetoothConnection] = [:]

    public override init() {
        super.init()
        central = CBCentralManager(delegate: self, queue: queue)
    }

    // MARK: BleTransport

    public func scan(request: BleScanRequest) async throws -> [BleAdvertisement] {
        try await poweredOn()
        return await withCheckedContinuation { continuation in
            queue.async {
                self.scanRequest = request
                self.scanSeen = [:]
                self.scanDone = continuation
                let service = CBUUID(string: request.serviceUuid)
                self.central.scanForPeripherals(withServices: [service], options: nil)
                self.queue.asyncAfter(deadline: .now() + .milliseconds(Int(request.timeoutMs))) {
                    self.finishScan()
                }
            }
        }
    }

    public func connection(address: String) throws -> BleConnection {
        guard let id = UUID(uuidString: address) else {
            throw BleError.Other(reason: "\(address) is not a CoreBluetooth peripheral identifier")
        }
        return try queue.sync {
            guard let peripheral = known[id] ?? central.retrievePeripherals(withIdentifiers: [id]).first else {
                throw BleError.Other(reason: "peripheral \(address) is unknown; scan first")
            }
            let connection = CoreBluetoothConnection(transport: self, peripheral: peripheral)
            connections[id] = connection
            return connection
        }
    }

    // MARK: State

    /// Waits until the central is powered on, or throws what stands in the way.
    private func poweredOn() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
            queue.async {
                if let error = self.stateError() {
                    continuation.resume(throwing: error)
                } else if self.central.state == .poweredOn {
                    continuation.resume()
                } else {
                    self.stateWaiters.append(continuation)
                }
            }
        }
    }

    /// The error for the central's current state (nil: on, or still starting).
    private func stateError() -> BleError? {
        switch central.state {
        case .poweredOff: return .BluetoothOff
        case .unauthorized: return .PermissionDenied(permission: "NSBluetoothAlwaysUsageDescription")
        case .unsupported: return .Unavailable(reason: "this device has no Bluetooth LE")
        default: return nil
        }
    }

    public func centralManagerDidUpdateState(_ central: CBCentralManager) {
        guard central.state != .unknown, central.state != .resetting else { return }
        let waiters = stateWaiters
        stateWaiters = []
        let error = stateError()
        for waiter in waiters {
            if let error { waiter.resume(throwing: error) } else { waiter.resume() }
        }
    }

    // MARK: Scanning

    public func centralManager(
        _ central: CBCentralManager, didDiscover peripheral: CBPeripheral,
        advertisementData: [String: Any], rssi: NSNumber
    ) {
        guard let request = scanRequest,
              let data = advertisementData[CBAdvertisementDataManufacturerDataKey] as? Data,
              data.count >= 2 else { return }
        // Manufacturer data starts with the company id, little-endian.
        let companyId = UInt16(data[data.startIndex]) | UInt16(data[data.startIndex + 1]) << 8
        let payload = data.dropFirst(2)
        guard companyId == request.companyId, payload.starts(with: request.manufacturerDataPrefix) else { return }
        known[peripheral.identifier] = peripheral
        let address = peripheral.identifier.uuidString
        scanSeen[address] = BleAdvertisement(
            address: address, rssi: rssi.int16Value, companyId: companyId, manufacturerData: Data(payload))
        if request.stopAtFirstMatch { finishScan() }
    }

    private func finishScan() {
        guard let done = scanDone else { return }
        scanDone = nil
        scanRequest = nil
        central.stopScan()
        done.resume(returning: Array(scanSeen.values))
    }

    // MARK: Connections (routed to their CoreBluetoothConnection)

    public func centralManager(_ central: CBCentralManager, didConnect peripheral: CBPeripheral) {
        connections[peripheral.identifier]?.didConnect()
    }

    public func centralManager(_ central: CBCentralManager, didFailToConnect peripheral: CBPeripheral, error: Error?) {
        connections[peripheral.identifier]?.didFail(.Other(reason: error?.localizedDescription ?? "connection failed"))
    }

    public func centralManager(
        _ central: CBCentralManager, didDisconnectPeripheral peripheral: CBPeripheral, error: Error?
    ) {
        connections.removeValue(forKey: peripheral.identifier)?.didFail(.Disconnected)
    }

    func forget(_ peripheral: CBPeripheral) {
        connections.removeValue(forKey: peripheral.identifier)
    }
}
#endif
