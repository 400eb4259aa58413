// A Swift BleCentral over the simulated radio, shaped like CoreBluetooth:
// every call returns at once, callbacks arrive later on its own queue, raw,
// through BleEvents; writes without response are taken at once with no
// callback. It counts what it was asked and can refuse or stall on demand.
import Foundation
import Latchkey

final class SimulatedCentral: BleCentral, @unchecked Sendable {
    let world: SimulatedWorld
    private let queue = DispatchQueue(label: "simulated-corebluetooth")
    private let lock = NSLock()
    private var events: BleEvents?
    private var links: [UInt64: SimulatedLink] = [:]
    private(set) var connects = 0
    private(set) var closes = 0
    /// The answer to the next scan starts.
    var failScansWith: BleError?
    /// Once the lock's answer arrived, hold it back (never deliver it).
    var stallAfterAnswer = false
    private(set) var stalled = false

    init(world: SimulatedWorld) { self.world = world }

    private func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }

    private func later(_ callback: @escaping (BleEvents) -> Void) {
        guard let events = locked({ self.events }) else { return }
        queue.async { callback(events) }
    }

    func stack() -> BleStack { .coreBluetooth }

    func attach(events: BleEvents) { locked { self.events = events } }

    func startScan(scanId: UInt64, request: BleScanRequest) -> BleStart {
        if let failure = failScansWith { return .failed(error: failure) }
        later { events in
            let heard = self.world.scan(
                companyId: request.companyId, prefix: request.manufacturerDataPrefix, listenMs: 2_000,
                stopAtFirstMatch: true)
            for ad in heard {
                events.scanResult(
                    scanId: scanId, address: ad.address, rssi: ad.rssi, companyId: ad.companyId,
                    data: ad.manufacturerData)
            }
        }
        return .started
    }

    func stopScan(scanId: UInt64) {}

    func connect(connectionId: UInt64, address: String) -> BleStart {
        later { events in
            do {
                let link = try self.world.connect(address: address)
                self.locked {
                    self.links[connectionId] = link
                    self.connects += 1
                }
                events.connected(connectionId: connectionId, status: 0)
            } catch {
                events.disconnected(connectionId: connectionId, status: 6)  // CBError.connectionTimeout
            }
        }
        return .started
    }

    func requestMtu(connectionId: UInt64, mtu: UInt16) -> BleStart {
        guard let link = locked({ links[connectionId] }) else { return notConnected }
        locked { events }?.mtuChanged(connectionId: connectionId, mtu: link.mtu(), status: 0)
        return .done
    }

    func discover(connectionId: UInt64) -> BleStart {
        guard locked({ links[connectionId] }) != nil else { return notConnected }
        later { $0.servicesDiscovered(connectionId: connectionId, status: 0, latchkeyService: true) }
        return .started
    }

    func subscribe(connectionId: UInt64) -> BleStart {
        guard locked({ links[connectionId] }) != nil else { return notConnected }
        later { $0.subscribed(connectionId: connectionId, status: 0) }
        return .started
    }

    func write(connectionId: UInt64, value: Data, withResponse: Bool) -> BleStart {
        guard let link = locked({ links[connectionId] }) else { return notConnected }
        later { events in
            guard let answer = try? link.write(packet: value, answerWaitMs: 3_000) else {
                events.disconnected(connectionId: connectionId, status: 7)  // CBError.peripheralDisconnected
                return
            }
            if self.stallAfterAnswer && !answer.notifications.isEmpty {
                self.locked { self.stalled = true }
                return
            }
            for packet in answer.notifications { events.notification(connectionId: connectionId, value: packet) }
            if answer.disconnected { events.disconnected(connectionId: connectionId, status: 7) }
        }
        return .done
    }

    func close(connectionId: UInt64) {
        guard let link = locked({ links.removeValue(forKey: connectionId) }) else { return }
        link.disconnect()
        locked { closes += 1 }
    }

    private var notConnected: BleStart { .failed(error: .Other(reason: "not connected", status: nil)) }
}
