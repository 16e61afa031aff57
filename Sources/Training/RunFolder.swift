import AtomicWrite
import Foundation

/// The files of one training run: `runs/NAME/`.
public struct RunFolder: Sendable {
    /// The folder itself.
    public let url: URL

    /// A run folder at `url` (created when training starts).
    public init(_ url: URL) { self.url = url }

    /// The final model, official npz layout with metadata (the best weights under early stopping).
    public var model: URL { url.appendingPathComponent("model.npz") }
    /// The weights with the lowest validation loss so far.
    public var best: URL { url.appendingPathComponent("best.npz") }
    /// The resumable training state.
    public var checkpoint: URL { url.appendingPathComponent("checkpoint.npz") }
    /// One JSON object per line: steps and evaluations.
    public var log: URL { url.appendingPathComponent("log.jsonl") }
    /// The options and schedule actually used.
    public var hyperparameters: URL { url.appendingPathComponent("hyperparameters.json") }
    /// The dataset's fingerprint and the split used.
    public var dataset: URL { url.appendingPathComponent("dataset.json") }
    /// Training and validation loss per step, as an SVG chart.
    public var lossPlot: URL { url.appendingPathComponent("loss.svg") }
    /// Validation accuracy per evaluation, as an SVG chart.
    public var accuracyPlot: URL { url.appendingPathComponent("accuracy.svg") }

    /// The signed certificate `certify` writes when every required check passed.
    public var certificate: URL { url.appendingPathComponent("certificate.json") }
    /// The model card written from the last verification's evidence.
    public var modelCard: URL { url.appendingPathComponent("model_card.md") }

    /// Keeps an earlier run before a new one starts, rather than overwriting what someone trained:
    /// a folder holding a checkpoint, a model or a certificate moves whole to `NAME.<UTC time of
    /// its newest such file>` beside it, at the same depth, so the relative paths a certificate
    /// binds still resolve. A resumed run keeps its folder and model, so only a certificate is
    /// renamed within it. Returns where the earlier run or certificate went; nil when there was none.
    public func setAsideEarlierRun(resume: Bool) throws -> URL? {
        let files = FileManager.default
        let held = (resume ? [certificate] : [checkpoint, model, certificate]).filter { files.fileExists(atPath: $0.path) }
        guard !held.isEmpty else { return nil }
        let modified = held.compactMap { try? files.attributesOfItem(atPath: $0.path)[.modificationDate] as? Date }.max() ?? Date()
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let stamp = formatter.string(from: modified)
        func free(_ name: (String) -> URL) -> URL {
            var candidate = name(stamp), n = 2
            while files.fileExists(atPath: candidate.path) { candidate = name("\(stamp)-\(n)"); n += 1 }
            return candidate
        }
        let target = resume
            ? free { url.appendingPathComponent("certificate.\($0).json") }
            : free { url.deletingLastPathComponent().appendingPathComponent("\(url.lastPathComponent).\($0)") }
        do {
            try files.moveItem(at: resume ? certificate : url, to: target)
        } catch {
            throw RunFolderError(file: url.path, message: "cannot keep the earlier run at \(target.path): \(error.localizedDescription)")
        }
        return target
    }

    /// Creates the folder if needed.
    public func create() throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// The log's entries, in order.
    public func readLog() throws -> [TrainingLogEntry] {
        guard FileManager.default.fileExists(atPath: log.path) else { return [] }
        let decoder = JSONDecoder()
        return try String(decoding: Data(contentsOf: log), as: UTF8.self).split(separator: "\n").enumerated().map { i, line in
            do { return try decoder.decode(TrainingLogEntry.self, from: Data(line.utf8)) } catch {
                throw RunFolderError(file: log.path, message: "line \(i + 1) is not a log entry: \(error)")
            }
        }
    }

    /// Replaces the log with `entries` atomically (a resumed run drops what followed its checkpoint).
    public func writeLog(_ entries: [TrainingLogEntry]) throws {
        try AtomicFile.replace(log, with: Data(entries.map { try Self.jsonLine($0) }.joined().utf8))
    }

    /// Appends one entry; a line is written whole with a single write.
    public func append(_ entry: TrainingLogEntry) throws {
        let line = try Self.jsonLine(entry)
        // A file that cannot be created fails the open below, which names the path.
        if !FileManager.default.fileExists(atPath: log.path) { _ = FileManager.default.createFile(atPath: log.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: log)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(line.utf8))
    }

    static func jsonLine(_ entry: TrainingLogEntry) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(entry), as: UTF8.self) + "\n"
    }
}

/// A run folder's file could not be read.
public struct RunFolderError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let message: String
    public var description: String { "\(file): \(message)" }
}
