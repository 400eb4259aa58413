// The offline story through the Swift bindings: the same scenarios as the
// Kotlin tests in android/src/jvmTest. Needs the library's `sim` feature;
// scripts/test-swift builds it and runs these where Swift exists.
import XCTest
import Latchkey

final class TestAuth: AuthProvider, @unchecked Sendable {
    var token = ""
    func bearerToken(forceRefresh: Bool) async throws -> String {
        if token.isEmpty { throw AuthError.SignedOut }
        return token
    }
}

final class StoryTests: XCTestCase {
    var dir: URL!

    override func setUp() {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("latchkey-swift-\(UUID().uuidString)")
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: dir)
    }

    func residentGrant(_ world: SimulatedWorld, offline: Bool = true) -> SimulatedGrant {
        let now = world.nowUnix()
        return SimulatedGrant(role: .resident, notBefore: now - 60, notAfter: now + 30 * 86_400, offlineAllowed: offline)
    }

    func client(_ world: SimulatedWorld, central: BleCentral? = nil) async throws -> LatchkeyClient {
        var builder = LatchkeyClientBuilder(config: ClientConfig(dataDir: dir.path)).simulatedWorld(world: world)
        if let central { builder = builder.bleCentral(central: central) }
        return try await builder.build()
    }

    func provisioned(_ world: SimulatedWorld, central: BleCentral? = nil) async throws -> (LatchkeyClient, SimulatedLock) {
        let lock = try world.commissionLock(name: "Front door")
        let client = try await client(world, central: central)
        try await client.keys().addLock(metadata: lock.metadata)
        let key = try world.issueKey(lockId: lock.lockId, holderPublicKey: try client.keys().holderPublicKey(), grant: residentGrant(world))
        _ = try await client.keys().addKey(encoded: key, label: "Front door, resident")
        return (client, lock)
    }

    func testOfflineUnlockThroughTheBuiltInSimulatedRadio() async throws {
        let world = try SimulatedWorld()
        let (client, lock) = try await provisioned(world)
        client.setOnline(online: false)
        let first = try await client.locks().unlock(lockId: lock.lockId, listener: nil)
        XCTAssertEqual(first.path, .auth)
        XCTAssertEqual(first.bolt, .unlocked)
        let repeat_ = try await client.locks().lock(lockId: lock.lockId, listener: nil)
        XCTAssertEqual(repeat_.path, .fast)
        XCTAssertEqual(try world.actuationCount(lockId: lock.lockId), 2)
    }

    func testOfflineUnlockThroughASwiftCentral() async throws {
        let world = try SimulatedWorld()
        let central = SimulatedCentral(world: world)
        let (client, lock) = try await provisioned(world, central: central)
        client.setOnline(online: false)
        let report = try await client.locks().unlock(lockId: lock.lockId, listener: nil)
        XCTAssertEqual(report.bolt, .unlocked)
        XCTAssertEqual(central.connects, 1)
    }

    func testErrorsArriveAsTypedSwiftErrors() async throws {
        let world = try SimulatedWorld()
        let central = SimulatedCentral(world: world)
        let (client, lock) = try await provisioned(world, central: central)
        central.failScansWith = .PermissionDenied(permission: "NSBluetoothAlwaysUsageDescription")
        do {
            _ = try await client.locks().unlock(lockId: lock.lockId, listener: nil)
            XCTFail("expected an error")
        } catch let CommandError.Bluetooth(code, _) {
            XCTAssertEqual(code, .bluetoothPermission)
        }
        do {
            _ = try await client.locks().unlock(lockId: String(repeating: "00", count: 16), listener: nil)
            XCTFail("expected an error")
        } catch let CommandError.Refused(code, _, _) {
            XCTAssertEqual(code, .unknownLock)
        }
    }

    func testCancellingTheTaskStopsACommandWithNothingHalfDone() async throws {
        let world = try SimulatedWorld()
        let central = SimulatedCentral(world: world)
        let (client, lock) = try await provisioned(world, central: central)
        _ = try await client.locks().unlock(lock.lockId)
        central.stallAfterAnswer = true
        // The task-aware call (Cancellation.swift): Task.cancel() reaches Rust.
        let task = Task { try await client.locks().lock(lock.lockId) }
        while !central.stalled { try await Task.sleep(nanoseconds: 5_000_000) }
        task.cancel()
        let result = await task.result
        XCTAssertThrowsError(try result.get()) { XCTAssertTrue($0 is CancellationError, "\($0)") }
        central.stallAfterAnswer = false
        XCTAssertEqual(try world.actuationCount(lockId: lock.lockId), 2, "the cancelled command acted at most once")
        for _ in 0..<500 where central.closes < central.connects {
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        XCTAssertEqual(central.closes, central.connects, "the connection was closed")
        XCTAssertEqual(try await client.keys().list().count, 1)
        let report = try await client.locks().lock(lock.lockId)
        XCTAssertEqual(report.bolt, .locked)
    }

    func testAndroid12ScanDeniedForGoodIsDiagnosed() async throws {
        let world = try SimulatedWorld()
        let (client, lock) = try await provisioned(world)
        let permissions = AndroidPermissions(
            bluetoothScan: .deniedPermanently, bluetoothScanNeverForLocation: true, bluetoothConnect: .granted,
            accessFineLocation: .notRequested, accessCoarseLocation: .notRequested, accessBackgroundLocation: .notRequested)
        let android = AndroidSnapshot(apiLevel: 31, targetSdk: 34, permissions: permissions, adapter: .on)
        let findings = try await client.diagnostics().diagnose(
            snapshot: PlatformSnapshot(device: .android(android)), lockId: lock.lockId)
        XCTAssertEqual(findings.first?.code, "android_scan_permission_blocked")
        XCTAssertEqual(findings.first?.action, .openAppSettings)
    }

    func testEventsQueuedOfflineAreUploadedBackOnline() async throws {
        let world = try SimulatedWorld()
        let cloud = try await SimulatedCloud.start(world: world, dataDir: dir.appendingPathComponent("cloud").path)
        let lock = try world.commissionLock(name: "Front door")
        try cloud.registerLock(lock: lock)
        let auth = TestAuth()
        let config = ClientConfig(
            dataDir: dir.appendingPathComponent("phone").path, cloudBaseUrl: cloud.baseUrl(),
            tlsRootCertificatesPem: [cloud.caPem()])
        let client = try await LatchkeyClientBuilder(config: config).simulatedWorld(world: world)
            .authProvider(auth: auth).build()
        auth.token = try cloud.registerPhone(name: "alex-phone", holderPublicKey: try client.keys().holderPublicKey())
        let now = world.nowUnix()
        _ = try cloud.issueKey(lockId: lock.lockId, phone: "alex-phone", role: .resident,
                               notBefore: now - 60, notAfter: now + 86_400, offlineAllowed: true)
        let sync = try XCTUnwrap(client.sync())
        client.setOnline(online: true)
        let provisioned = try await sync.syncNow()
        XCTAssertGreaterThanOrEqual(provisioned.keysAdded, 1)

        client.setOnline(online: false)
        _ = try await client.locks().unlock(lockId: lock.lockId, listener: nil)
        XCTAssertGreaterThan(try await sync.status().pendingEvents, 0)

        client.setOnline(online: true)
        _ = try await sync.syncUntilIdle(maxPasses: 5)
        XCTAssertEqual(try await sync.status().pendingEvents, 0)
        XCTAssertTrue(try cloud.receivedEventKinds(lockId: lock.lockId).contains("unlock_attempt"))
        await cloud.shutdown()
    }
}
