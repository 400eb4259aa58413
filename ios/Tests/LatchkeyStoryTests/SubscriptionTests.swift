// Live values through the Swift AsyncSequence wrappers
// (Sources/Latchkey/Platform/Subscriptions.swift), unlatch, sign-out and
// a platform signer checked by the library: the same scenarios as the
// Kotlin tests SubscriptionsTest, SignOutAndUnlatchTest, PlatformKeysTest.
import Foundation
import XCTest
import Latchkey
#if canImport(CryptoKit)
import CryptoKit
#endif

/// Counts from any thread.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}

final class SubscriptionTests: XCTestCase {
    var dir: URL!

    override func setUp() {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("latchkey-swift-\(UUID().uuidString)")
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: dir)
    }

    func grant(_ world: SimulatedWorld, role: Role = .resident) -> SimulatedGrant {
        let now = world.nowUnix()
        return SimulatedGrant(role: role, notBefore: now - 60, notAfter: now + 30 * 86_400, offlineAllowed: true)
    }

    func provisioned(_ world: SimulatedWorld, role: Role = .resident, lock: SimulatedLock? = nil, name: String = "phone")
        async throws -> (LatchkeyClient, SimulatedLock)
    {
        let lock = try lock ?? world.commissionLock(name: "Front door")
        let config = ClientConfig(dataDir: dir.appendingPathComponent(name).path)
        let client = try await LatchkeyClientBuilder(config: config).simulatedWorld(world: world).build()
        try await client.keys().addLock(metadata: lock.metadata)
        let key = try world.issueKey(
            lockId: lock.lockId, holderPublicKey: try client.keys().holderPublicKey(), grant: grant(world, role: role))
        _ = try await client.keys().addKey(encoded: key, label: "Front door")
        return (client, lock)
    }

    func testLockStatesFollowAnUnlock() async throws {
        let world = try SimulatedWorld()
        let (client, lock) = try await provisioned(world)
        var states = client.locks().states(lock.lockId).makeAsyncIterator()
        let first = try await states.next()
        XCTAssertEqual(first?.name, "Front door")
        XCTAssertNil(first?.bolt, "never contacted")
        _ = try await client.locks().unlock(lock.lockId)
        var view = try await states.next()
        while view != nil && view?.bolt != .unlocked { view = try await states.next() }
        XCTAssertEqual(view?.lastOutcome?.command, .unlock)
    }

    func testCancellingTheTaskStopsTheKeyUpdates() async throws {
        let world = try SimulatedWorld()
        let (client, lock) = try await provisioned(world)
        let updates = Counter()
        let before = runningSubscriptionCount()
        let task = Task { for try await _ in client.keys().updates() { updates.add() } }
        while updates.value == 0 { try await Task.sleep(nanoseconds: 5_000_000) }
        XCTAssertEqual(runningSubscriptionCount(), before + 1)
        task.cancel()
        _ = try? await task.value
        for _ in 0..<100 where runningSubscriptionCount() > before { try await Task.sleep(nanoseconds: 10_000_000) }
        XCTAssertEqual(runningSubscriptionCount(), before, "the subscription's task ended with the Swift task")
        let seen = updates.value
        let spare = try world.issueKey(
            lockId: lock.lockId, holderPublicKey: try client.keys().holderPublicKey(), grant: grant(world))
        _ = try await client.keys().addKey(encoded: spare, label: "Spare")
        try await Task.sleep(nanoseconds: 300_000_000)
        XCTAssertEqual(updates.value, seen)
    }

    func testNearbyListsTheLockByName() async throws {
        let world = try SimulatedWorld()
        let (client, lock) = try await provisioned(world)
        for try await nearby in client.locks().nearby() where !nearby.locks.isEmpty {
            XCTAssertEqual(nearby.locks.first?.name, "Front door")
            XCTAssertEqual(nearby.locks.first?.lockId, lock.lockId)
            break
        }
    }

    func testAServiceKeyMayNotUnlatch() async throws {
        let world = try SimulatedWorld()
        let (resident, lock) = try await provisioned(world)
        let report = try await resident.locks().unlatch(lock.lockId)
        XCTAssertEqual(report.command, .unlatch)
        let (tech, _) = try await provisioned(world, role: .service, lock: lock, name: "tech")
        do {
            _ = try await tech.locks().unlatch(lockId: lock.lockId, listener: nil)
            XCTFail("expected a refusal")
        } catch let CommandError.Refused(code, lockResult, _) {
            XCTAssertEqual(code, .roleNotAllowed)
            XCTAssertNil(lockResult)
        }
        XCTAssertEqual(try world.actuationCount(lockId: lock.lockId), 1)
    }

    func testSignOutReportsWhatWasNeverUploadedAndClosesTheClient() async throws {
        let world = try SimulatedWorld()
        let (client, lock) = try await provisioned(world)
        client.setOnline(online: false)
        _ = try await client.locks().unlock(lock.lockId)
        let report = try await client.signOut()
        guard case .noCloud = report.upload else { return XCTFail("\(report.upload)") }
        XCTAssertGreaterThan(report.notUploadedAccessEvents, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("phone/store").path))
        do {
            _ = try await client.keys().list()
            XCTFail("expected the client to be closed")
        } catch CredentialError.ClientClosed {}
    }

    #if canImport(CryptoKit)
    func testASoftwareSignersDerSignaturesVerifyInRust() throws {
        let check = try simulatedSignerCheck(signer: CryptoKitSigner(), count: 2000)
        XCTAssertEqual(check.verified, 2000)
        XCTAssertEqual(check.derEncoded, 2000)
        XCTAssertGreaterThan(check.paddedScalars, 0)
    }
    #endif
}

#if canImport(CryptoKit)
/// A P-256 key in memory, signing as the Secure Enclave does (DER).
final class CryptoKitSigner: Signer, @unchecked Sendable {
    private let key = P256.Signing.PrivateKey()
    func publicKey() throws -> Data { key.publicKey.x963Representation }
    func sign(message: Data) throws -> Data { try key.signature(for: message).derRepresentation }
    func protection() -> KeyProtection { .platform }
    func deleteKey() throws {}
}
#endif
