// Live values as AsyncSequences: each wraps one subscription of the
// library in an AsyncThrowingStream. Iterating subscribes; cancelling the
// iterating task (or leaving the loop) cancels the subscription. The
// library decides what changed and when; these only hand values on.
//
//   for try await view in client.locks().states(lockId) { render(view) }
//
// Only the newest value is buffered: a slow consumer gets the current
// state, never a backlog. The sequence ends when the client is closed or
// signs out and throws SubscriptionError for anything else (UnknownLock,
// Storage).
import Foundation

extension LocksClient {
    /// One lock's state (bolt, door, battery, faults, last outcome, drift), now and after each change.
    public func states(_ lockId: String) -> AsyncThrowingStream<LockView, Error> {
        subscriptionStream { try self.subscribe(lockId: lockId, listener: LockViewStream($0)) }
    }

    /// The latchkey locks in range while iterated (a scan session runs only then).
    public func nearby() -> AsyncThrowingStream<NearbyLocks, Error> {
        subscriptionStream { try self.subscribeNearby(listener: NearbyStream($0)) }
    }
}

extension KeysClient {
    /// The keys this phone holds, now and after each one added, renewed or removed.
    public func updates() -> AsyncThrowingStream<[KeyInfo], Error> {
        subscriptionStream { try self.subscribe(listener: KeysStream($0)) }
    }
}

extension SyncClient {
    /// The sync status (online, last pass, pending and dead-lettered events, next retry).
    public func statuses() -> AsyncThrowingStream<SyncStatus, Error> {
        subscriptionStream { try self.subscribeStatus(listener: SyncStatusStream($0)) }
    }
}

/// Subscribes with `subscribe`; the stream's end (a cancelled task, a
/// finished loop) cancels the subscription.
func subscriptionStream<T>(
    _ subscribe: (AsyncThrowingStream<T, Error>.Continuation) throws -> Subscription
) -> AsyncThrowingStream<T, Error> {
    AsyncThrowingStream(bufferingPolicy: .bufferingNewest(1)) { continuation in
        do {
            let subscription = try subscribe(continuation)
            continuation.onTermination = { _ in subscription.cancel() }
        } catch {
            continuation.finish(throwing: error)
        }
    }
}

/// The end of a subscription: a closed client ends the sequence, anything else throws.
func end<T>(_ continuation: AsyncThrowingStream<T, Error>.Continuation, _ error: SubscriptionError) {
    if case .ClientClosed = error {
        continuation.finish()
    } else {
        continuation.finish(throwing: error)
    }
}

final class LockViewStream: LockViewListener, @unchecked Sendable {
    let continuation: AsyncThrowingStream<LockView, Error>.Continuation
    init(_ continuation: AsyncThrowingStream<LockView, Error>.Continuation) { self.continuation = continuation }
    func onUpdate(view: LockView) { continuation.yield(view) }
    func onError(error: SubscriptionError) { end(continuation, error) }
}

final class NearbyStream: NearbyLocksListener, @unchecked Sendable {
    let continuation: AsyncThrowingStream<NearbyLocks, Error>.Continuation
    init(_ continuation: AsyncThrowingStream<NearbyLocks, Error>.Continuation) { self.continuation = continuation }
    func onUpdate(nearby: NearbyLocks) { continuation.yield(nearby) }
    func onError(error: SubscriptionError) { end(continuation, error) }
}

final class KeysStream: KeysListener, @unchecked Sendable {
    let continuation: AsyncThrowingStream<[KeyInfo], Error>.Continuation
    init(_ continuation: AsyncThrowingStream<[KeyInfo], Error>.Continuation) { self.continuation = continuation }
    func onUpdate(keys: [KeyInfo]) { continuation.yield(keys) }
    func onError(error: SubscriptionError) { end(continuation, error) }
}

final class SyncStatusStream: SyncStatusListener, @unchecked Sendable {
    let continuation: AsyncThrowingStream<SyncStatus, Error>.Continuation
    init(_ continuation: AsyncThrowingStream<SyncStatus, Error>.Continuation) { self.continuation = continuation }
    func onUpdate(status: SyncStatus) { continuation.yield(status) }
    func onError(error: SubscriptionError) { end(continuation, error) }
}
