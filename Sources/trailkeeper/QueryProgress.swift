import Foundation
import Synchronization

/// The in-place progress line of `trailkeeper query` on standard error.
final class QueryProgress: Sendable {
    let isEnabled: Bool
    private let isLineOpen = Mutex(false)

    init(isEnabled: Bool) {
        self.isEnabled = isEnabled
    }

    func draw(status: String, elapsed: Double, scanned: Int64, matched: Int64) {
        guard isEnabled else { return }
        let seconds = (elapsed * 10).rounded() / 10
        let text = "\r\(status) \(seconds)s  events scanned \(scanned)  matched \(matched)\u{1B}[K"
        isLineOpen.withLock { $0 = true }
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Clears the line, when one was drawn.
    func finish() {
        let open = isLineOpen.withLock { open in
            defer { open = false }
            return open
        }
        if open { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
