// Quick access from Swift: the app's client shares an (App Group)
// directory with its widget, App Intent or watch extension, and a
// QuickUnlock over that directory opens the lock without building a
// client. Both run in this one test process; separate processes are
// tested in Rust (tests/tests/quick_unlock_processes.rs).

import CryptoKit
import Foundation
import XCTest
import Latchkey

/// Wraps data keys with AES-GCM under a key the "platform" holds (a
/// Keychain item in a shared access group, on a device).
final class MemoryKeyStore: KeyStore, @unchecked Sendable {
    private let kek = SymmetricKey(size: .bits256)

    func wrapDataKey(dataKey: Data) throws -> Data {
        do {
            guard let sealed = try AES.GCM.seal(dataKey, using: kek).combined else {
                throw KeyStoreError.Crypto(reason: "no combined box")
            }
            return sealed
        } catch let e as KeyStoreError {
            throw e
        } catch {
            throw KeyStoreError.Crypto(reason: "\(error)")
        }
    }

    func unwrapDataKey(wrapped: Data) throws -> Data {
        guard let box = try? AES.GCM.SealedBox(combined: wrapped) else {
            throw KeyStoreError.InvalidInput(reason: "not a sealed box")
        }
        guard let key = try? AES.GCM.open(box, using: kek) else { throw KeyStoreError.WrongKey }
        return key
    }
}

final class QuickAccessTests: XCTestCase {
    func testAWidgetUnlocksWithTheAppsFastKeyAndTheAppTakesItIn() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("latchkey-quick-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let quickDir = dir.appendingPathComponent("quick").path
        let keyStore = MemoryKeyStore()
        let world = try SimulatedWorld()
        let lock = try world.commissionLock(name: "Front door")
        let config = ClientConfig(dataDir: dir.appendingPathComponent("app").path, quickAccessDir: quickDir)
        let client = try await LatchkeyClientBuilder(config: config).simulatedWorld(world: world)
            .keyStore(keyStore: keyStore).build()
        try await client.keys().addLock(metadata: lock.metadata)
        let now = world.nowUnix()
        let grant = SimulatedGrant(role: .resident, notBefore: now - 60, notAfter: now + 30 * 86_400, offlineAllowed: true)
        let key = try world.issueKey(lockId: lock.lockId, holderPublicKey: try client.keys().holderPublicKey(), grant: grant)
        _ = try await client.keys().addKey(encoded: key, label: "Front door, resident")
        let first = try await client.locks().unlock(lockId: lock.lockId, listener: nil)
        XCTAssertEqual(first.path, .auth)

        let quick = try QuickUnlock.simulated(quickDir: quickDir, keyStore: keyStore, world: world)
        let report = try await quick.unlock(lockId: lock.lockId, online: false, listener: nil)
        XCTAssertEqual(report.path, .fast)
        do {
            _ = try await quick.unlock(lockId: String(repeating: "00", count: 16), online: true, listener: nil)
            XCTFail("expected an error")
        } catch let CommandError.Refused(code, _, _) {
            XCTAssertEqual(code, .unknownLock)
        }

        try await client.refreshQuickAccess()
        let again = try await client.locks().unlock(lockId: lock.lockId, listener: nil)
        XCTAssertEqual(again.path, .fast)
        XCTAssertEqual(try world.actuationCount(lockId: lock.lockId), 3)
    }
}
