import Foundation
import Synchronization
import TrailArchive

/// The in-place progress line of `backup` and `backup restore`, on standard error when it is a
/// terminal; the line ends when the last object is done (or at ``finish()``), before the log lines
/// that follow.
final class TerminalProgress: Sendable {
    let state = Mutex<(progress: BackupProgress, isLineOpen: Bool)>((BackupProgress(), false))

    static var isTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// A progress callback drawing the line, or `nil` when standard error is not a terminal.
    func reporter() -> (@Sendable (BackupReport) -> Void)? {
        guard Self.isTerminal else { return nil }
        return { [self] report in
            let text: String? = state.withLock { s in
                guard var line = s.progress.redraw(report) else { return nil }
                s.isLineOpen = report.done < report.selected
                if !s.isLineOpen { line += "\n" }
                return line
            }
            if let text { FileHandle.standardError.write(Data(text.utf8)) }
        }
    }

    /// Ends a line left open (the run stopped before its last object).
    func finish() {
        let open = state.withLock { s in
            defer { s.isLineOpen = false }
            return s.isLineOpen
        }
        if open { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
