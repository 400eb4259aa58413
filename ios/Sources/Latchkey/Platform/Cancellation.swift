// Commands bound to the calling task. The generated async calls have no
// cancellation handler, so `Task.cancel()` alone would not stop them; these
// pass a CancelToken and cancel it from `withTaskCancellationHandler`. The
// command is then dropped where it stands, as a cancelled Kotlin coroutine
// drops it: the lock acts at most once, the store stays intact, the
// connection is closed. A cancelled call throws `CancellationError`.
import Foundation

extension LocksClient {
    /// Unlocks `lockId`; `Task.cancel()` stops it.
    public func unlock(_ lockId: String, listener: ProgressListener? = nil) async throws -> CommandReport {
        try await cancellable { try await self.unlock(lockId: lockId, listener: listener, cancel: $0) }
    }

    /// Locks `lockId`; `Task.cancel()` stops it.
    public func lock(_ lockId: String, listener: ProgressListener? = nil) async throws -> CommandReport {
        try await cancellable { try await self.lock(lockId: lockId, listener: listener, cancel: $0) }
    }

    /// Unlocks `lockId` and pulls the latch (a service key may not:
    /// `CommandError.Refused` with `.roleNotAllowed`); `Task.cancel()` stops it.
    public func unlatch(_ lockId: String, listener: ProgressListener? = nil) async throws -> CommandReport {
        try await cancellable { try await self.unlatch(lockId: lockId, listener: listener, cancel: $0) }
    }

    /// Reads `lockId`'s status; `Task.cancel()` stops it.
    public func status(_ lockId: String, listener: ProgressListener? = nil) async throws -> CommandReport {
        try await cancellable { try await self.status(lockId: lockId, listener: listener, cancel: $0) }
    }
}

/// Runs `body` with a token that the calling task's cancellation cancels.
func cancellable<T>(_ body: (CancelToken) async throws -> T) async throws -> T {
    let token = CancelToken()
    do {
        return try await withTaskCancellationHandler {
            try await body(token)
        } onCancel: {
            token.cancel()
        }
    } catch CommandError.Cancelled {
        throw CancellationError()
    }
}
