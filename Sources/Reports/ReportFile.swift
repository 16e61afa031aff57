import AtomicWrite
import Foundation

/// Writes reports so that a reader (a CI step, a dashboard) sees the old file or the complete new one, never a
/// partial one, even if `verify` is killed or the machine loses power mid-write.
public enum ReportFile {
    /// Why a report could not be written: the file and the system's reason.
    public struct WriteError: Error, CustomStringConvertible, Equatable, Sendable {
        /// The report file that was to be written.
        public let path: String
        /// What failed, with the system's explanation.
        public let reason: String

        /// One line naming the file and what went wrong.
        public var description: String { "\(path): cannot write report: \(reason)" }
    }

    /// Replaces the file at `url` with `data` atomically; on failure leaves the old file and no temporary one.
    public static func write(_ data: Data, to url: URL) throws {
        do { try AtomicFile.replace(url, with: data) } catch let e as FileWriteError {
            throw WriteError(path: e.file, reason: e.reason)
        }
    }
}
