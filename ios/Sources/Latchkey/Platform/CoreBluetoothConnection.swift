// One CoreBluetooth connection to a lock's latchkey service: connect,
// discover, subscribe to TX, write RX without response, queue notifications.
#if canImport(CoreBluetooth)
import CoreBluetooth
import Foundation

final class CoreBluetoothConnection: NSObject, BleConnection, CBPeripheralDelegate, @unchecked Sendable {
    private let transport: CoreBluetoothTransport
    private let peripheral: CBPeripheral
    private var queue: DispatchQueue { transport.queue }

    // All state below is touched on `queue` only.
    private var pending: CheckedContinuation<Void, Error>?
    private var rx: CBCharacteristic?
    private var notifications: [Data] = []
    private var waiter: CheckedContinuation<Data, Error>?
    /// Bumped per waiter, so a timeout only ends the wait it was set for.
    private var waiterGeneration = 0
    private var failure: BleError?

    init(transport: CoreBluetoothTransport, peripheral: CBPeripheral) {
        self.transport = transport
        self.peripheral = peripheral
        super.init()
    }

    // MARK: BleConnection

    func connect(timeoutMs: UInt64) async throws {
        try await step(timeoutMs: timeoutMs, onTimeout: .ConnectTimeout) {
            self.peripheral.delegate = self
            self.transport.central.connect(self.peripheral, options: nil)
        }
    }

    func mtu() -> UInt16 {
        // CoreBluetooth reports the payload size; ATT adds 3 bytes of header.
        UInt16(clamping: peripheral.maximumWriteValueLength(for: .withoutResponse) + 3)
    }

    func write(packet: Data) async throws {
        try queue.sync {
            if let failure { throw failure }
            guard let rx else { throw BleError.Disconnected }
            peripheral.writeValue(packet, for: rx, type: .withoutResponse)
        }
    }

    func nextNotification(timeoutMs: UInt64) async throws -> Data {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                if !self.notifications.isEmpty {
                    continuation.resume(returning: self.notifications.removeFirst())
                } else if let failure = self.failure {
                    continuation.resume(throwing: failure)
                } else {
                    self.waiter = continuation
                    self.waiterGeneration += 1
                    let generation = self.waiterGeneration
                    self.queue.asyncAfter(deadline: .now() + .milliseconds(Int(timeoutMs))) {
                        guard generation == self.waiterGeneration, let waiter = self.waiter else { return }
                        self.waiter = nil
                        waiter.resume(throwing: BleError.Timeout)
                    }
                }
            }
        }
    }

    func disconnect() async throws {
        queue.async {
            self.failure = .Disconnected
            self.transport.central.cancelPeripheralConnection(self.peripheral)
            self.transport.forget(self.peripheral)
            self.waiter?.resume(throwing: BleError.Disconnected)
            self.waiter = nil
        }
    }

    // MARK: Steps

    /// Starts a step on the queue and waits for `finishStep`, at most `timeoutMs`.
    private func step(timeoutMs: UInt64, onTimeout: BleError, start: @escaping () -> Void) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
            queue.async {
                self.pending = continuation
                start()
                self.queue.asyncAfter(deadline: .now() + .milliseconds(Int(timeoutMs))) {
                    if self.pending != nil { self.finishStep(onTimeout) }
                }
            }
        }
    }

    private func finishStep(_ error: BleError? = nil) {
        guard let pending else { return }
        self.pending = nil
        if let error { pending.resume(throwing: error) } else { pending.resume() }
    }

    func didConnect() {
        peripheral.discoverServices([CBUUID(string: transport.gatt.serviceUuid)])
    }

    func didFail(_ error: BleError) {
        failure = error
        finishStep(error)
        waiter?.resume(throwing: error)
        waiter = nil
    }

    // MARK: CBPeripheralDelegate

    func peripheral(_ peripheral: CBPeripheral, didDiscoverServices error: Error?) {
        guard error == nil,
              let service = peripheral.services?.first(where: { $0.uuid == CBUUID(string: transport.gatt.serviceUuid) })
        else { return finishStep(.Other(reason: "the device has no latchkey service")) }
        let wanted = [transport.gatt.rxCharacteristicUuid, transport.gatt.txCharacteristicUuid].map(CBUUID.init)
        peripheral.discoverCharacteristics(wanted, for: service)
    }

    func peripheral(_ peripheral: CBPeripheral, didDiscoverCharacteristicsFor service: CBService, error: Error?) {
        let characteristics = service.characteristics ?? []
        rx = characteristics.first { $0.uuid == CBUUID(string: transport.gatt.rxCharacteristicUuid) }
        guard error == nil, rx != nil,
              let tx = characteristics.first(where: { $0.uuid == CBUUID(string: transport.gatt.txCharacteristicUuid) })
        else { return finishStep(.Other(reason: "the latchkey service lacks RX or TX")) }
        peripheral.setNotifyValue(true, for: tx)
    }

    func peripheral(
        _ peripheral: CBPeripheral, didUpdateNotificationStateFor characteristic: CBCharacteristic, error: Error?
    ) {
        finishStep(error.map { .Other(reason: "can't subscribe to TX: \($0.localizedDescription)") })
    }

    func peripheral(_ peripheral: CBPeripheral, didUpdateValueFor characteristic: CBCharacteristic, error: Error?) {
        guard error == nil, let value = characteristic.value else { return }
        if let waiter {
            self.waiter = nil
            waiter.resume(returning: value)
        } else {
            notifications.append(value)
        }
    }
}
#endif
