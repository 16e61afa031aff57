import Checks
import Formatting

/// How every report names the image files a run left out under `unreadable: skip`, so that the terminal,
/// Markdown, HTML and JUnit say it alike; the JSON report carries the list as it is.
enum SkippedImagesText {
    /// `2 image files skipped (unreadable: skip)`, nil when none was.
    static func headline(_ result: VerificationResult) -> String? {
        let n = result.skippedImages.count
        return n == 0 ? nil : "\(n) image \(n == 1 ? "file" : "files") skipped (unreadable: skip)"
    }

    /// The headline and the first `shown` paths, for one line: `…: a.png, b.png and 3 more`.
    static func short(_ result: VerificationResult, shown: Int) -> String? {
        guard let headline = headline(result) else { return nil }
        let paths = result.skippedImages.prefix(shown).map { PlainText.oneLine($0.path) }.joined(separator: ", ")
        let rest = result.skippedImages.count - min(shown, result.skippedImages.count)
        return headline + ": " + paths + (rest > 0 ? " and \(rest) more" : "")
    }

    /// One `path: reason` line per skipped image, in path order.
    static func lines(_ result: VerificationResult) -> [String] {
        result.skippedImages.map { PlainText.oneLine($0.line) }
    }
}
