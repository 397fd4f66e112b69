import Foundation
import Synchronization
import TrailArchive

/// The in-place progress line of `backup` and `backup restore`, on standard error when it is a terminal.
enum TerminalProgress {
    static var isTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// A progress callback drawing the line, or `nil` when standard error is not a terminal.
    static func reporter() -> (@Sendable (BackupReport) -> Void)? {
        guard isTerminal else { return nil }
        let state = Mutex(BackupProgress())
        return { report in
            guard let text = state.withLock({ $0.redraw(report) }) else { return }
            FileHandle.standardError.write(Data(text.utf8))
        }
    }

    /// Ends the line.
    static func finish() {
        if isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
