import Foundation

/// Collects progress reports, which arrive on URLSession's delegate thread.
final class DownloadReportLog<Report: Sendable>: @unchecked Sendable {
    // @unchecked: `entries` is only touched under `lock`.
    private let lock = NSLock()
    private var entries: [Report] = []

    func record(_ report: Report) { lock.withLock { entries.append(report) } }

    var reports: [Report] { lock.withLock { entries } }
}
