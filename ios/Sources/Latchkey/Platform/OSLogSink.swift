// The library's log lines in the unified log (Console.app, `log stream`),
// beside Android's LogcatSink:
//   installLogSink(sink: OSLogSink(), maxLevel: .info)
// Each line's target (`latchkey::command`, `latchkey::sync`, …) is its
// category, under one subsystem. Messages name locks and keys by id and
// the names hosts gave them, so they are private in the unified log by
// default (shown while a debugger is attached or with a logging profile);
// `publicMessages: true` makes them readable in sysdiagnoses.
#if canImport(os)
import Foundation
import os

public final class OSLogSink: LogSink, @unchecked Sendable {
    private let subsystem: String
    private let publicMessages: Bool
    private let lock = NSLock()
    private var loggers: [String: Logger] = [:]

    public init(subsystem: String = "dev.latchkey", publicMessages: Bool = false) {
        self.subsystem = subsystem
        self.publicMessages = publicMessages
    }

    public func log(record: LogRecord) {
        let logger = self.logger(record.target)
        let type = OSLogSink.type(record.level)
        if publicMessages {
            logger.log(level: type, "\(record.message, privacy: .public)")
        } else {
            logger.log(level: type, "\(record.message, privacy: .private)")
        }
    }

    /// One Logger per category, made on first use.
    private func logger(_ category: String) -> Logger {
        lock.lock()
        defer { lock.unlock() }
        if let logger = loggers[category] { return logger }
        let logger = Logger(subsystem: subsystem, category: category)
        loggers[category] = logger
        return logger
    }

    /// The unified log has no "warning": a warning is a notice (`.default`,
    /// kept on disk like errors); `.fault` is left to the system's own bugs.
    static func type(_ level: LogLevel) -> OSLogType {
        switch level {
        case .error: return .error
        case .warn: return .default
        case .info: return .info
        case .debug, .trace: return .debug
        }
    }
}
#endif
