// latchkey's BleCentral over CoreBluetooth. Each method is one CoreBluetooth
// call, made at once, answering what CoreBluetooth allows; each delegate
// callback is forwarded raw (connection id, error code, value) to BleEvents.
// No waiting, no timers, no retries: the order of operations, timeouts,
// flow control and which callback belongs to which connection attempt are
// decided in Rust (latchkey-core's central driver, tested against scripts
// of CoreBluetooth's behaviour in core/tests/central_apple_quirks.rs).
//
// Pass it to `LatchkeyClientBuilder(config:).bleCentral(central:)`. The
// CBCentralManager is created on the first scan or connect, so the
// Bluetooth permission prompt appears when the person first acts, not when
// the app builds the client.
#if canImport(CoreBluetooth)
import CoreBluetooth
import Foundation

public final class CoreBluetoothCentral: NSObject, BleCentral, CBCentralManagerDelegate, CBPeripheralDelegate,
    @unchecked Sendable
{
    /// Every delegate callback and all state below live on this queue. The
    /// library calls the methods below from its own threads (never a Swift
    /// concurrency thread), so `queue.sync` there only waits for the queue.
    private let queue = DispatchQueue(label: "dev.latchkey.corebluetooth")
    private let gatt = latchkeyGattService()
    private var manager: CBCentralManager?
    private var events: BleEvents?

    /// Active scans, by id: one CoreBluetooth scan serves them all.
    private var scans: [UInt64: BleScanRequest] = [:]
    private var known: [UUID: CBPeripheral] = [:]
    /// Open connection attempts, by id.
    private var links: [UInt64: Link] = [:]
    /// The attempt a peripheral's callbacks belong to now.
    private var current: [UUID: UInt64] = [:]
    /// An attempt being cancelled: its didDisconnect is still to come.
    private var closing: [UUID: UInt64] = [:]

    private struct Link {
        let peripheral: CBPeripheral
        var rx: CBCharacteristic?
        var tx: CBCharacteristic?
    }

    public override init() { super.init() }

    /// Creates the manager now, so iOS asks the person for Bluetooth (for a
    /// finding's `request_permission` action, or an onboarding screen).
    public func requestAccess() {
        queue.async { _ = self.centralManager() }
    }

    /// The manager's state; nil until the first scan or connect created it.
    public var managerState: CBManagerState? {
        queue.sync { manager?.state }
    }

    // MARK: BleCentral

    public func stack() -> BleStack { .coreBluetooth }

    public func attach(events: BleEvents) {
        queue.sync { self.events = events }
    }

    /// `scanForPeripherals(withServices: [service])`; every advertisement is
    /// forwarded to every active scan (Rust checks the lock id).
    public func startScan(scanId: UInt64, request: BleScanRequest) -> BleStart {
        queue.sync {
            let central = centralManager()
            if let refusal = refusal(central.state) { return refusal }
            scans[scanId] = request
            central.scanForPeripherals(
                withServices: [CBUUID(string: request.serviceUuid)],
                options: [CBCentralManagerScanOptionAllowDuplicatesKey: true])
            return .started
        }
    }

    /// `stopScan()` once no scan is left.
    public func stopScan(scanId: UInt64) {
        queue.async {
            self.scans[scanId] = nil
            if self.scans.isEmpty, self.manager?.state == .poweredOn { self.manager?.stopScan() }
        }
    }

    /// `connect(_:options:)` as attempt `connectionId`.
    public func connect(connectionId: UInt64, address: String) -> BleStart {
        queue.sync {
            let central = centralManager()
            if let refusal = refusal(central.state) { return refusal }
            guard let id = UUID(uuidString: address),
                  let peripheral = known[id] ?? central.retrievePeripherals(withIdentifiers: [id]).first
            else {
                return .failed(error: .Other(reason: "peripheral \(address) is unknown; scan first", status: nil))
            }
            peripheral.delegate = self
            links[connectionId] = Link(peripheral: peripheral)
            current[id] = connectionId
            central.connect(peripheral, options: nil)
            return .started
        }
    }

    /// CoreBluetooth negotiates the MTU by itself: report
    /// `maximumWriteValueLength(for: .withoutResponse) + 3` (the ATT header).
    public func requestMtu(connectionId: UInt64, mtu: UInt16) -> BleStart {
        queue.sync {
            guard let link = links[connectionId] else { return notConnected }
            let length = link.peripheral.maximumWriteValueLength(for: .withoutResponse)
            events?.mtuChanged(connectionId: connectionId, mtu: UInt16(clamping: length + 3), status: 0)
            return .done
        }
    }

    /// `discoverServices([service])`; characteristics follow in the callback.
    public func discover(connectionId: UInt64) -> BleStart {
        queue.sync {
            guard let link = links[connectionId] else { return notConnected }
            link.peripheral.discoverServices([CBUUID(string: gatt.serviceUuid)])
            return .started
        }
    }

    /// `setNotifyValue(true, for: tx)`.
    public func subscribe(connectionId: UInt64) -> BleStart {
        queue.sync {
            guard let link = links[connectionId], let tx = link.tx else { return notConnected }
            link.peripheral.setNotifyValue(true, for: tx)
            return .started
        }
    }

    /// `writeValue(_:for:type:)` on RX. Without response, only when
    /// `canSendWriteWithoutResponse` (else `notReady`:
    /// `peripheralIsReady(toSendWriteWithoutResponse:)` follows).
    public func write(connectionId: UInt64, value: Data, withResponse: Bool) -> BleStart {
        queue.sync {
            guard let link = links[connectionId], let rx = link.rx else { return notConnected }
            if withResponse {
                link.peripheral.writeValue(value, for: rx, type: .withResponse)
                return .started
            }
            guard link.peripheral.canSendWriteWithoutResponse else { return .notReady }
            link.peripheral.writeValue(value, for: rx, type: .withoutResponse)
            return .done
        }
    }

    /// `cancelPeripheralConnection`; forgets the attempt.
    public func close(connectionId: UInt64) {
        queue.async {
            guard let link = self.links.removeValue(forKey: connectionId) else { return }
            let id = link.peripheral.identifier
            if self.current[id] == connectionId {
                self.current[id] = nil
                if link.peripheral.state == .connected || link.peripheral.state == .connecting {
                    self.closing[id] = connectionId
                }
            }
            self.manager?.cancelPeripheralConnection(link.peripheral)
        }
    }

    // MARK: Central manager callbacks

    public func centralManagerDidUpdateState(_ central: CBCentralManager) {
        let state: BleAdapterState
        switch central.state {
        case .poweredOn: state = .on
        case .poweredOff: state = .off
        case .resetting: state = .resetting
        case .unauthorized: state = .unauthorized
        case .unsupported: state = .unsupported
        default: return
        }
        events?.adapterState(state: state)
    }

    public func centralManager(
        _ central: CBCentralManager, didDiscover peripheral: CBPeripheral,
        advertisementData: [String: Any], rssi: NSNumber
    ) {
        guard let data = advertisementData[CBAdvertisementDataManufacturerDataKey] as? Data, data.count >= 2
        else { return }
        known[peripheral.identifier] = peripheral
        // Manufacturer data starts with the company id, little-endian.
        let companyId = UInt16(data[data.startIndex]) | UInt16(data[data.startIndex + 1]) << 8
        for scanId in scans.keys {
            events?.scanResult(
                scanId: scanId, address: peripheral.identifier.uuidString, rssi: rssi.int16Value,
                companyId: companyId, data: Data(data.dropFirst(2)))
        }
    }

    public func centralManager(_ central: CBCentralManager, didConnect peripheral: CBPeripheral) {
        closing[peripheral.identifier] = nil
        guard let id = current[peripheral.identifier] else { return }
        events?.connected(connectionId: id, status: 0)
    }

    public func centralManager(
        _ central: CBCentralManager, didFailToConnect peripheral: CBPeripheral, error: Error?
    ) {
        guard let id = current[peripheral.identifier] else { return }
        events?.disconnected(connectionId: id, status: status(error, failed: true))
    }

    /// A cancelled attempt's disconnect belongs to that attempt, even when a
    /// new attempt to the same lock has started since.
    public func centralManager(
        _ central: CBCentralManager, didDisconnectPeripheral peripheral: CBPeripheral, error: Error?
    ) {
        let uuid = peripheral.identifier
        if let old = closing.removeValue(forKey: uuid) {
            events?.disconnected(connectionId: old, status: status(error, failed: false))
        } else if let id = current[uuid] {
            events?.disconnected(connectionId: id, status: status(error, failed: false))
        }
    }

    // MARK: Peripheral callbacks

    public func peripheral(_ peripheral: CBPeripheral, didDiscoverServices error: Error?) {
        guard let id = current[peripheral.identifier] else { return }
        let service = peripheral.services?.first { $0.uuid == CBUUID(string: gatt.serviceUuid) }
        guard error == nil, let service else {
            events?.servicesDiscovered(connectionId: id, status: status(error, failed: false), latchkeyService: false)
            return
        }
        peripheral.discoverCharacteristics(
            [CBUUID(string: gatt.rxCharacteristicUuid), CBUUID(string: gatt.txCharacteristicUuid)], for: service)
    }

    public func peripheral(
        _ peripheral: CBPeripheral, didDiscoverCharacteristicsFor service: CBService, error: Error?
    ) {
        guard let id = current[peripheral.identifier], var link = links[id] else { return }
        link.rx = service.characteristics?.first { $0.uuid == CBUUID(string: gatt.rxCharacteristicUuid) }
        link.tx = service.characteristics?.first { $0.uuid == CBUUID(string: gatt.txCharacteristicUuid) }
        links[id] = link
        events?.servicesDiscovered(
            connectionId: id, status: status(error, failed: false), latchkeyService: link.rx != nil && link.tx != nil)
    }

    public func peripheral(
        _ peripheral: CBPeripheral, didUpdateNotificationStateFor characteristic: CBCharacteristic, error: Error?
    ) {
        guard let id = current[peripheral.identifier] else { return }
        events?.subscribed(connectionId: id, status: status(error, failed: false))
    }

    public func peripheral(_ peripheral: CBPeripheral, didWriteValueFor characteristic: CBCharacteristic, error: Error?) {
        guard let id = current[peripheral.identifier] else { return }
        events?.writeDone(connectionId: id, status: status(error, failed: false))
    }

    public func peripheralIsReady(toSendWriteWithoutResponse peripheral: CBPeripheral) {
        guard let id = current[peripheral.identifier] else { return }
        events?.readyToWrite(connectionId: id)
    }

    public func peripheral(
        _ peripheral: CBPeripheral, didUpdateValueFor characteristic: CBCharacteristic, error: Error?
    ) {
        guard let id = current[peripheral.identifier],
              characteristic.uuid == CBUUID(string: gatt.txCharacteristicUuid),
              error == nil, let value = characteristic.value
        else { return }
        events?.notification(connectionId: id, value: value)
    }

    // MARK: Helpers

    /// The manager, created on first use (this is when iOS asks the person).
    private func centralManager() -> CBCentralManager {
        if let manager { return manager }
        let created = CBCentralManager(
            delegate: self, queue: queue, options: [CBCentralManagerOptionShowPowerAlertKey: false])
        manager = created
        return created
    }

    /// What CoreBluetooth allows in `state`: nil when powered on; `notReady`
    /// while the manager starts or resets (`adapterState` follows).
    private func refusal(_ state: CBManagerState) -> BleStart? {
        switch state {
        case .poweredOn: return nil
        case .poweredOff: return .failed(error: .BluetoothOff)
        case .unauthorized: return .failed(error: .PermissionDenied(permission: "NSBluetoothAlwaysUsageDescription"))
        case .unsupported: return .failed(error: .Unavailable(reason: "this device has no Bluetooth LE"))
        default: return .notReady
        }
    }

    private var notConnected: BleStart { .failed(error: .Other(reason: "not connected", status: nil)) }

    /// A `CBError` code as a status (0: no error; -1: an error with code 0).
    private func status(_ error: Error?, failed: Bool) -> Int32 {
        guard let error = error as NSError? else { return failed ? -1 : 0 }
        return error.code == 0 ? -1 : Int32(truncatingIfNeeded: error.code)
    }
}
#endif
