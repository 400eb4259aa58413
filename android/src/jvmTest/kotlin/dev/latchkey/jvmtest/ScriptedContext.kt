// The Context a scripted phone gives the glue (see ScriptedAndroid.kt):
// its Bluetooth stack, and a healthy phone for AndroidPlatformSnapshot
// (every permission granted, location on, online, not battery-optimised).
package dev.latchkey.jvmtest

import android.Manifest
import android.app.ActivityManager
import android.bluetooth.BluetoothAdapter
import android.bluetooth.BluetoothManager
import android.content.BroadcastReceiver
import android.content.ContentResolver
import android.content.Context
import android.content.Intent
import android.content.IntentFilter
import android.content.SharedPreferences
import android.content.pm.ApplicationInfo
import android.content.pm.PackageInfo
import android.content.pm.PackageManager
import android.content.res.AssetManager
import android.content.res.Configuration
import android.content.res.Resources
import android.location.LocationManager
import android.net.ConnectivityManager
import android.net.Network
import android.net.NetworkCapabilities
import android.os.LocaleList
import android.os.PowerManager
import java.io.File
import java.io.InputStream
import java.util.concurrent.ConcurrentHashMap

/** The application Context the glue is given: Bluetooth, and a healthy phone for the snapshot collector. */
class ScriptedContext(private val bt: ScriptedBluetooth) : Context() {
    private val preferences = ConcurrentHashMap<String, MemoryPreferences>()
    private val manager = object : BluetoothManager() {
        override fun getAdapter(): BluetoothAdapter = bt.adapter
    }

    override fun getApplicationContext(): Context = this

    /** The person's languages, in order (Settings > Languages). */
    var languages: LocaleList = LocaleList.forLanguageTags("en-US")

    /** The module's assets: the repository's locales/ as the Gradle task packages them. */
    override fun getAssets(): AssetManager = object : AssetManager() {
        private fun file(path: String) = File(path.replaceFirst(Regex("^latchkey/locales"), "locales"))

        override fun list(path: String): Array<String> = file(path).list()?.filter { it != "en.arb" }?.toTypedArray() ?: emptyArray()

        override fun open(fileName: String): InputStream = file(fileName).inputStream()
    }

    override fun getResources(): Resources = object : Resources() {
        override fun getConfiguration() = Configuration().apply { setLocales(languages) }
    }

    override fun getApplicationInfo() = ApplicationInfo().apply { targetSdkVersion = 35 }

    override fun getContentResolver(): ContentResolver = object : ContentResolver(this) {}

    override fun getPackageManager(): PackageManager = ScriptedPackageManager

    override fun getPackageName() = "dev.latchkey.jvmtest"

    override fun getSharedPreferences(name: String, mode: Int): SharedPreferences =
        preferences.getOrPut(name) { MemoryPreferences() }

    override fun checkSelfPermission(permission: String) = PackageManager.PERMISSION_GRANTED

    override fun getSystemServiceName(serviceClass: Class<*>): String? = when (serviceClass) {
        BluetoothManager::class.java -> BLUETOOTH_SERVICE
        LocationManager::class.java -> LOCATION_SERVICE
        PowerManager::class.java -> POWER_SERVICE
        ActivityManager::class.java -> ACTIVITY_SERVICE
        ConnectivityManager::class.java -> CONNECTIVITY_SERVICE
        else -> null
    }

    override fun getSystemService(name: String): Any? = when (name) {
        BLUETOOTH_SERVICE -> manager
        LOCATION_SERVICE -> object : LocationManager() {
            override fun isLocationEnabled() = true
        }
        POWER_SERVICE -> object : PowerManager() {
            override fun isIgnoringBatteryOptimizations(packageName: String) = true
        }
        ACTIVITY_SERVICE -> object : ActivityManager() {
            override fun isBackgroundRestricted() = false
        }
        CONNECTIVITY_SERVICE -> object : ConnectivityManager() {
            override fun getActiveNetwork() = Network()
            override fun getNetworkCapabilities(network: Network?) = object : NetworkCapabilities() {
                override fun hasCapability(capability: Int) = true
            }
        }
        else -> null
    }

    override fun registerReceiver(receiver: BroadcastReceiver, filter: IntentFilter): Intent? {
        if (filter.hasAction(BluetoothAdapter.ACTION_STATE_CHANGED)) bt.receivers += receiver
        return null
    }

    override fun unregisterReceiver(receiver: BroadcastReceiver) {
        bt.receivers -= receiver
    }
}

/** Has every feature; the manifest declares BLUETOOTH_SCAN with neverForLocation. */
object ScriptedPackageManager : PackageManager() {
    override fun hasSystemFeature(featureName: String) = true

    override fun getPackageInfo(packageName: String, flags: Int) = PackageInfo().apply {
        requestedPermissions = arrayOf(Manifest.permission.BLUETOOTH_SCAN, Manifest.permission.BLUETOOTH_CONNECT)
        requestedPermissionsFlags = intArrayOf(PackageInfo.REQUESTED_PERMISSION_NEVER_FOR_LOCATION, 0)
    }
}

class MemoryPreferences : SharedPreferences {
    private val values = ConcurrentHashMap<String, Boolean>()

    override fun getBoolean(key: String, defValue: Boolean) = values[key] ?: defValue

    override fun edit(): SharedPreferences.Editor = object : SharedPreferences.Editor {
        override fun putBoolean(key: String, value: Boolean): SharedPreferences.Editor {
            values[key] = value
            return this
        }

        override fun apply() {}
    }
}
