// The button of a diagnostics finding, as the Android screen or request
// it stands for. The engine decides which action; this only opens it.
package dev.latchkey.android

import android.bluetooth.BluetoothAdapter
import android.content.Context
import android.content.Intent
import android.net.Uri
import android.provider.Settings
import dev.latchkey.Finding
import dev.latchkey.PlatformAction

/**
 * The Intent that carries out [Finding.action], or null when the action is
 * not a screen: `REQUEST_PERMISSION` (launch the permission request for
 * [Finding.permissions] with the Activity Result API, after
 * [PermissionMemory.markAsked]) and the advice-only actions (wait, move
 * closer, replace batteries, call someone, sync later, none).
 */
fun Finding.intent(context: Context): Intent? {
    val app = Uri.fromParts("package", context.packageName, null)
    return when (action) {
        PlatformAction.OPEN_APP_SETTINGS -> Intent(Settings.ACTION_APPLICATION_DETAILS_SETTINGS, app)
        PlatformAction.REQUEST_ENABLE_BLUETOOTH -> Intent(BluetoothAdapter.ACTION_REQUEST_ENABLE)
        PlatformAction.OPEN_LOCATION_SETTINGS -> Intent(Settings.ACTION_LOCATION_SOURCE_SETTINGS)
        PlatformAction.OPEN_BLUETOOTH_SETTINGS -> Intent(Settings.ACTION_BLUETOOTH_SETTINGS)
        PlatformAction.OPEN_AIRPLANE_MODE_SETTINGS -> Intent(Settings.ACTION_AIRPLANE_MODE_SETTINGS)
        PlatformAction.OPEN_BATTERY_OPTIMISATION_SETTINGS -> Intent(Settings.ACTION_IGNORE_BATTERY_OPTIMIZATION_SETTINGS)
        PlatformAction.REQUEST_PERMISSION,
        PlatformAction.WAIT_AND_RETRY,
        PlatformAction.MOVE_CLOSER,
        PlatformAction.REPLACE_BATTERIES,
        PlatformAction.CALL_TECHNICIAN,
        PlatformAction.ASK_ADMINISTRATOR,
        PlatformAction.SYNC_WHEN_ONLINE,
        PlatformAction.NONE,
        -> null
    }
}
