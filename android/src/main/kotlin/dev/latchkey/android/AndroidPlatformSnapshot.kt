// Reads the Android facts the diagnostics engine needs into a
// PlatformSnapshot. It only reads; every judgement (which permission
// matters on which API level, what to fix first) is made in Rust.
package dev.latchkey.android

import android.Manifest
import android.app.Activity
import android.app.ActivityManager
import android.bluetooth.BluetoothAdapter
import android.bluetooth.BluetoothManager
import android.content.Context
import android.content.pm.PackageInfo
import android.content.pm.PackageManager
import android.location.LocationManager
import android.net.ConnectivityManager
import android.net.NetworkCapabilities
import android.os.Build
import android.os.PowerManager
import android.provider.Settings
import androidx.core.content.ContextCompat
import androidx.core.location.LocationManagerCompat
import dev.latchkey.AdapterState
import dev.latchkey.AndroidPermissions
import dev.latchkey.AndroidSnapshot
import dev.latchkey.DeviceSnapshot
import dev.latchkey.NetworkSnapshot
import dev.latchkey.PermissionState
import dev.latchkey.PlatformSnapshot

/**
 * Collects a [PlatformSnapshot] for `client.diagnostics().diagnose(...)`.
 *
 * "Denied for good" can only be told apart from "denied" with an Activity
 * (`shouldShowRequestPermissionRationale`) and the app's memory of having
 * asked: call [PermissionMemory.markAsked] when launching a permission
 * request. Without an Activity a refused permission reads as `DENIED`.
 */
class AndroidPlatformSnapshot(
    context: Context,
    private val memory: PermissionMemory = PermissionMemory(context),
) {
    private val context = context.applicationContext

    /**
     * The snapshot now. [appInBackground] is what only the app knows (its
     * lifecycle). The radio's own facts (scans started in the last 30 s,
     * the last GATT status) are left out: the client fills them from its
     * central when it diagnoses.
     */
    fun collect(activity: Activity? = null, appInBackground: Boolean = false): PlatformSnapshot = PlatformSnapshot(
        format = 1u,
        device = DeviceSnapshot.Android(
            AndroidSnapshot(
                apiLevel = Build.VERSION.SDK_INT.toUInt(),
                targetSdk = context.applicationInfo.targetSdkVersion.toUInt(),
                permissions = permissions(activity),
                locationServicesOn = locationServicesOn(),
                adapter = adapterState(),
                airplaneMode = Settings.Global.getInt(context.contentResolver, Settings.Global.AIRPLANE_MODE_ON, 0) != 0,
                appInBackground = appInBackground,
                batteryOptimised = batteryOptimised(),
                backgroundRestricted = backgroundRestricted(),
            ),
        ),
        network = NetworkSnapshot(online = online(), cloudReachable = null, lastSyncError = null),
    )

    private fun permissions(activity: Activity?): AndroidPermissions {
        val nearby = Build.VERSION.SDK_INT >= 31
        fun state(permission: String, exists: Boolean = true): PermissionState = when {
            !exists -> PermissionState.NOT_REQUESTED
            ContextCompat.checkSelfPermission(context, permission) == PackageManager.PERMISSION_GRANTED ->
                PermissionState.GRANTED
            !memory.askedBefore(permission) -> PermissionState.NOT_REQUESTED
            activity != null && !activity.shouldShowRequestPermissionRationale(permission) ->
                PermissionState.DENIED_PERMANENTLY
            else -> PermissionState.DENIED
        }
        return AndroidPermissions(
            bluetoothScan = state(Manifest.permission.BLUETOOTH_SCAN, exists = nearby),
            bluetoothScanNeverForLocation = scanNeverForLocation(),
            bluetoothConnect = state(Manifest.permission.BLUETOOTH_CONNECT, exists = nearby),
            accessFineLocation = state(Manifest.permission.ACCESS_FINE_LOCATION),
            accessCoarseLocation = state(Manifest.permission.ACCESS_COARSE_LOCATION),
            accessBackgroundLocation = state(
                Manifest.permission.ACCESS_BACKGROUND_LOCATION,
                exists = Build.VERSION.SDK_INT >= 29,
            ),
        )
    }

    /** Whether the merged manifest declares BLUETOOTH_SCAN with neverForLocation. */
    private fun scanNeverForLocation(): Boolean {
        if (Build.VERSION.SDK_INT < 31) return false
        val info = context.packageManager.getPackageInfo(context.packageName, PackageManager.GET_PERMISSIONS)
        val index = info.requestedPermissions?.indexOf(Manifest.permission.BLUETOOTH_SCAN) ?: -1
        if (index < 0) return false
        val flags = info.requestedPermissionsFlags?.getOrNull(index) ?: 0
        return flags and PackageInfo.REQUESTED_PERMISSION_NEVER_FOR_LOCATION != 0
    }

    private fun locationServicesOn(): Boolean? =
        context.getSystemService(LocationManager::class.java)?.let(LocationManagerCompat::isLocationEnabled)

    private fun adapterState(): AdapterState? {
        val pm = context.packageManager
        if (!pm.hasSystemFeature(PackageManager.FEATURE_BLUETOOTH)) return AdapterState.ABSENT
        if (!pm.hasSystemFeature(PackageManager.FEATURE_BLUETOOTH_LE)) return AdapterState.NO_BLE
        val adapter = context.getSystemService(BluetoothManager::class.java)?.adapter ?: return AdapterState.ABSENT
        return when (adapter.state) {
            BluetoothAdapter.STATE_OFF -> AdapterState.OFF
            BluetoothAdapter.STATE_TURNING_ON -> AdapterState.TURNING_ON
            BluetoothAdapter.STATE_ON -> AdapterState.ON
            BluetoothAdapter.STATE_TURNING_OFF -> AdapterState.TURNING_OFF
            else -> null
        }
    }

    private fun batteryOptimised(): Boolean? =
        context.getSystemService(PowerManager::class.java)?.let { !it.isIgnoringBatteryOptimizations(context.packageName) }

    private fun backgroundRestricted(): Boolean? =
        if (Build.VERSION.SDK_INT >= 28) {
            context.getSystemService(ActivityManager::class.java)?.isBackgroundRestricted
        } else {
            null
        }

    private fun online(): Boolean? {
        val cm = context.getSystemService(ConnectivityManager::class.java) ?: return null
        val caps = cm.getNetworkCapabilities(cm.activeNetwork) ?: return false
        return caps.hasCapability(NetworkCapabilities.NET_CAPABILITY_INTERNET) &&
            caps.hasCapability(NetworkCapabilities.NET_CAPABILITY_VALIDATED)
    }
}

/** Remembers which permissions the app has asked for (Android does not say). */
class PermissionMemory(context: Context) {
    private val prefs = context.applicationContext.getSharedPreferences("latchkey.permissions", Context.MODE_PRIVATE)

    /** Call when launching the system's permission request for [permissions]. */
    fun markAsked(vararg permissions: String) {
        prefs.edit().apply { permissions.forEach { putBoolean(it, true) } }.apply()
    }

    /** Whether the app asked for [permission] before. */
    fun askedBefore(permission: String): Boolean = prefs.getBoolean(permission, false)
}
