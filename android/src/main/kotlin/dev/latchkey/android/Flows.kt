// Live values as Flows: each wraps one subscription of the library in a
// callbackFlow. Collecting subscribes; cancelling the collector cancels
// the subscription (and frees its handle). The library decides what
// changed and when; these only hand values on.
//
//   lifecycleScope.launch {
//       client.locks().stateFlow(lockId).collect { view -> render(view) }
//   }
//
// Values are conflated: a slow collector gets the newest state, never a
// backlog. The flow completes when the client is closed or signs out and
// fails with SubscriptionException for anything else (UnknownLock,
// Storage). Plain JDK + kotlinx-coroutines + the generated bindings, so
// the JVM tests run this very file.
package dev.latchkey.android

import dev.latchkey.KeyInfo
import dev.latchkey.KeysClient
import dev.latchkey.KeysListener
import dev.latchkey.LockView
import dev.latchkey.LockViewListener
import dev.latchkey.LocksClient
import dev.latchkey.NearbyLocks
import dev.latchkey.NearbyLocksListener
import dev.latchkey.Subscription
import dev.latchkey.SubscriptionException
import dev.latchkey.SyncClient
import dev.latchkey.SyncStatus
import dev.latchkey.SyncStatusListener
import kotlinx.coroutines.channels.ProducerScope
import kotlinx.coroutines.channels.awaitClose
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.callbackFlow
import kotlinx.coroutines.flow.conflate

/** One lock's state (bolt, door, battery, faults, last outcome, drift), now and after each change. */
fun LocksClient.stateFlow(lockId: String): Flow<LockView> = subscriptionFlow { scope ->
    subscribe(lockId, object : LockViewListener {
        override fun onUpdate(view: LockView) { scope.trySend(view) }
        override fun onError(error: SubscriptionException) = scope.end(error)
    })
}

/** The latchkey locks in range while collected (a scan session runs only then). */
fun LocksClient.nearbyFlow(): Flow<NearbyLocks> = subscriptionFlow { scope ->
    subscribeNearby(object : NearbyLocksListener {
        override fun onUpdate(nearby: NearbyLocks) { scope.trySend(nearby) }
        override fun onError(error: SubscriptionException) = scope.end(error)
    })
}

/** The keys this phone holds, now and after each one added, renewed or removed. */
fun KeysClient.keysFlow(): Flow<List<KeyInfo>> = subscriptionFlow { scope ->
    subscribe(object : KeysListener {
        override fun onUpdate(keys: List<KeyInfo>) { scope.trySend(keys) }
        override fun onError(error: SubscriptionException) = scope.end(error)
    })
}

/** The sync status (online, last pass, pending and dead-lettered events, next retry). */
fun SyncClient.statusFlow(): Flow<SyncStatus> = subscriptionFlow { scope ->
    subscribeStatus(object : SyncStatusListener {
        override fun onUpdate(status: SyncStatus) { scope.trySend(status) }
        override fun onError(error: SubscriptionException) = scope.end(error)
    })
}

/** Subscribes with `subscribe`, and cancels and frees the subscription when the collector goes. */
private fun <T> subscriptionFlow(subscribe: (ProducerScope<T>) -> Subscription): Flow<T> = callbackFlow {
    val subscription = subscribe(this)
    awaitClose {
        subscription.cancel()
        subscription.close()
    }
}.conflate()

/** The end of a subscription: a closed client completes the flow, anything else fails it. */
private fun ProducerScope<*>.end(error: SubscriptionException) {
    if (error is SubscriptionException.ClientClosed) close() else close(error)
}
