// A Swift-implemented BleTransport that reaches the simulated locks packet
// by packet, the way CoreBluetoothTransport reaches real ones.
import Foundation
import Latchkey

final class SimulatedTransport: BleTransport, @unchecked Sendable {
    let world: SimulatedWorld
    private let lock = NSLock()
    private(set) var connects = 0
    private(set) var disconnects = 0
    /// Thrown by the next scans.
    var failScansWith: BleError?
    /// Once the lock's answer arrived, hold it back until cancelled.
    var stallAfterAnswer = false
    private(set) var stalled = false

    init(world: SimulatedWorld) { self.world = world }

    func scan(request: BleScanRequest) async throws -> [BleAdvertisement] {
        if let failure = failScansWith { throw failure }
        return world.scan(request: request)
    }

    func connection(address: String) throws -> BleConnection { Connection(transport: self, address: address) }

    fileprivate func count(_ body: (SimulatedTransport) -> Void) {
        lock.lock(); body(self); lock.unlock()
    }

    fileprivate final class Connection: BleConnection, @unchecked Sendable {
        let transport: SimulatedTransport
        let address: String
        var link: SimulatedLink?

        init(transport: SimulatedTransport, address: String) {
            self.transport = transport
            self.address = address
        }

        func connect(timeoutMs: UInt64) async throws {
            link = try transport.world.connect(address: address)
            transport.count { $0.connects += 1 }
        }

        func mtu() -> UInt16 { link?.mtu() ?? 23 }

        func write(packet: Data) async throws {
            guard let link else { throw BleError.Disconnected }
            try link.write(packet: packet)
        }

        func nextNotification(timeoutMs: UInt64) async throws -> Data {
            guard let link else { throw BleError.Disconnected }
            let packet = try link.nextNotification(timeoutMs: timeoutMs)
            if transport.stallAfterAnswer {
                transport.count { $0.stalled = true }
                while !Task.isCancelled { try await Task.sleep(nanoseconds: 10_000_000) }
                throw CancellationError()
            }
            return packet
        }

        func disconnect() async throws {
            guard let open = link else { return }
            link = nil
            open.disconnect()
            transport.count { $0.disconnects += 1 }
        }
    }
}
