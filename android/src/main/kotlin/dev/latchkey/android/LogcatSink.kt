// The library's log lines in Logcat:
//   installLogSink(LogcatSink(), if (BuildConfig.DEBUG) LogLevel.DEBUG else LogLevel.INFO)
package dev.latchkey.android

import android.util.Log
import dev.latchkey.LogLevel
import dev.latchkey.LogRecord
import dev.latchkey.LogSink

/** Forwards the library's log lines to Logcat, tagged by their target. */
class LogcatSink : LogSink {
    override fun log(record: LogRecord) {
        // Logcat tags were limited to 23 characters before API 26.
        val tag = record.target.take(23)
        when (record.level) {
            LogLevel.ERROR -> Log.e(tag, record.message)
            LogLevel.WARN -> Log.w(tag, record.message)
            LogLevel.INFO -> Log.i(tag, record.message)
            LogLevel.DEBUG -> Log.d(tag, record.message)
            LogLevel.TRACE -> Log.v(tag, record.message)
        }
    }
}
