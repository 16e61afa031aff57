import Foundation

/// The one live progress line of every command: a bar and a text redrawn in place on a
/// terminal, at most five times a second; nothing when the stream is not a terminal (CI logs
/// get plain lines from the caller instead).
final class ProgressLine: @unchecked Sendable {
    /// Whether the stream is a terminal, where redrawing in place makes sense.
    let interactive: Bool
    private let descriptor: Int32
    private let lock = NSLock()
    private var last = Date.distantPast
    private var drawn = false

    /// A line on standard output or standard error (`STDOUT_FILENO`, `STDERR_FILENO`).
    init(descriptor: Int32) {
        self.descriptor = descriptor
        interactive = isatty(descriptor) != 0
    }

    /// Redraws the line: a bar when `fraction` is known, then `text`. `force` skips the throttle (the last step).
    func show(_ text: String, fraction: Double?, force: Bool = false) {
        guard interactive else { return }
        lock.withLock {
            guard force || Date().timeIntervalSince(last) > 0.2 else { return }
            last = Date()
            var line = "\r"
            if let fraction, fraction.isFinite {
                let width = 24, filled = Int((Double(width) * min(max(fraction, 0), 1)).rounded(.down))
                line += String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled) + " "
            }
            write(line + text + "    ")
            drawn = true
        }
    }

    /// Shows how much of a known or unknown total is done, e.g. `download 12 / 353 MB (3%)`.
    func show(_ label: String, done: Int, total: Int?, unit: String) {
        let scale = unit == "MB" ? 1_048_576.0 : 1
        let text = total.map { String(format: "%@ %.0f / %.0f %@ (%.0f%%)", label, Double(done) / scale, Double($0) / scale, unit,
                                      100 * Double(done) / Double(max($0, 1))) }
            ?? String(format: "%@ %.0f %@", label, Double(done) / scale, unit)
        show(text, fraction: total.map { Double(done) / Double(max($0, 1)) })
    }

    /// Ends the line so that what follows starts on its own; nothing if it was never drawn.
    func finish() {
        lock.withLock {
            if drawn { write("\n") }
            drawn = false
        }
    }

    private func write(_ text: String) {
        fflush(nil)  // what print() buffered comes first, as it happened
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
    }
}
