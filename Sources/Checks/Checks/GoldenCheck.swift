import BiT
import Foundation

/// The model's probabilities for fixed test images equal the stored golden ones within a
/// tolerance. Recording is explicit (`modelcheck golden record`); under CI a missing golden
/// fails instead of being written, so a CI retry can never bless its own output.
public struct GoldenCheck: Check, Equatable {
    public let id: String
    public let severity: CheckResult.Severity
    public let file: URL
    public let tolerance: Double
    public let images: Int
    /// Identifies the verified model file in the golden (its SHA-256).
    public let modelSHA256: String
    public let environment: [String: String]

    /// A check against the golden `file`.
    public init(id: String = Self.name, severity: CheckResult.Severity = .required, file: URL, tolerance: Double,
                images: Int, modelSHA256: String, environment: [String: String]) {
        (self.id, self.severity, self.file, self.tolerance, self.images) = (id, severity, file, tolerance, images)
        (self.modelSHA256, self.environment) = (modelSHA256, environment)
    }

    /// The golden the current model would write: `images` test images, classes in turn.
    public func current(_ context: CheckContext) throws -> GoldenFile {
        let batch = try context.batch(.test, count: images)
        let p = SoftmaxCrossEntropy.softmax(context.model.logits(batch.images, threads: context.threads))
        let k = p.shape[1]
        let hashes = Dictionary(context.manifest.entries.map { ($0.path, $0.sha256) }, uniquingKeysWith: { a, _ in a })
        let entries = batch.paths.enumerated().map { i, path in
            GoldenFile.Entry(path: path, sha256: hashes[path] ?? "", probabilities: (0..<k).map { Double(p[i * k + $0]) })
        }
        return GoldenFile(modelcheckVersion: ModelcheckVersion.current, environment: environment, modelSHA256: modelSHA256,
                          classNames: context.metadata.classNames, entries: entries)
    }

    public func run(_ context: CheckContext) throws -> CheckResult {
        let title = "outputs match \(file.lastPathComponent) within \(tolerance)"
        guard FileManager.default.fileExists(atPath: file.path) else {
            let how = "record it with `modelcheck golden record SPEC` and commit it"
            return CheckResult(id: id, kind: Self.name, title: title, severity: severity, verdict: context.isCI ? .fail : .inconclusive,
                               message: context.isCI ? "golden file \(file.path) is missing, and CI never records one: \(how)"
                                                     : "golden file \(file.path) does not exist yet: \(how)")
        }
        let stored = try GoldenFile.read(from: file)
        let now = try current(context)
        var rows: [(String, Double)] = []
        var problems: [String] = []
        let byPath = Dictionary(now.entries.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        for entry in stored.entries {
            guard let fresh = byPath[entry.path] else {
                problems.append("\(entry.path) is no longer among the golden test images (data or split changed)")
                continue
            }
            if fresh.sha256 != entry.sha256 { problems.append("\(entry.path) changed on disk (SHA-256 differs)") }
            guard fresh.probabilities.count == entry.probabilities.count else {
                problems.append("\(entry.path): \(fresh.probabilities.count) classes now, \(entry.probabilities.count) stored")
                continue
            }
            rows.append((entry.path, zip(fresh.probabilities, entry.probabilities).map { abs($0 - $1) }.max() ?? 0))
        }
        let worst = rows.map(\.1).max() ?? .infinity
        let pass = problems.isEmpty && !rows.isEmpty && worst <= tolerance
        let environmentNote = stored.environment == environment ? "" : " (recorded in another environment: \(stored.environment))"
        return CheckResult(
            id: id, kind: Self.name, title: title, severity: severity, verdict: pass ? .pass : .fail,
            value: rows.isEmpty ? nil : worst, threshold: tolerance, comparison: .atMost, samples: rows.count,
            message: (problems.first ?? "largest probability difference \(worst) over \(rows.count) images") + environmentNote,
            evidence: problems + rows.sorted { $0.1 > $1.1 }.prefix(5).map { "\($0.0): max |Δp| = \($0.1)" })
    }
}

extension GoldenCheck: CheckDefinition {
    public static let name = "golden"
    public static let phase = CheckPhase.postTrain
    /// A golden file holds outputs for the spec's own test images.
    public static let ownDataOnly = true
    public static let doc = "probabilities for fixed test images equal stored ones within `tolerance`; the file records the model hash "
        + "and environment (version, BLAS core, threads); `modelcheck golden record` writes it, CI never does "
        + "(missing = failure under `CI=true`)"
    static let file = CheckKey.path("file", .derived("golden/<spec name>.json beside the spec's folder") { context in
        context.specName.map { .path(context.specFolder.deletingLastPathComponent().appendingPathComponent("golden")
            .appendingPathComponent("\($0).json")) }
    }, doc: "the golden file (written by `modelcheck golden record`)")
    static let tolerance = CheckKey.number("tolerance", .defaultValue(.number(1e-4)), "greater than 0",
                                           doc: "absolute tolerance on each probability") { $0 > 0 }
    static let images = CheckKey.integer("images", .defaultValue(.integer(8)), atLeast: 1, atMost: SpecLimits.checkImages, doc: "test images the file holds")
    public static let keys = [file, tolerance, images]
    public static let distinctKeys = [file.name]

    /// A golden file that exists must be one: said when the spec is loaded, with its position,
    /// not after every check ran. A missing one is left to `golden record` (and fails under CI).
    public static func validate(_ entry: Spec.Check, _ reader: inout SpecReader) -> Bool {
        guard reader.checkFiles else { return true }
        let url = entry.path(file)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else { return true }
        if isFolder.boolValue {
            reader.report(at: entry.position(of: file), "file: \(url.path) is a folder, not a golden file")
            return false
        }
        do {
            _ = try GoldenFile.read(from: url)
            return true
        } catch {
            reader.report(at: entry.position(of: file), "file: \(url.path) is not a golden file modelcheck wrote (\(GoldenFile.reason(error))); "
                + "restore it or write it anew with `modelcheck golden record`")
            return false
        }
    }

    /// The golden files a spec's golden checks compare with.
    public static func files(in spec: Spec) -> [URL] {
        spec.checks.filter { $0.kind.name == name }.map { $0.path(file) }
    }

    public static func make(_ entry: Spec.Check, _ inputs: CheckBuildInputs) -> [any Check] {
        [GoldenCheck(id: entry.id, severity: entry.severity, file: entry.path(file), tolerance: entry.number(tolerance),
                     images: entry.integer(images), modelSHA256: inputs.modelSHA256, environment: inputs.environment)]
    }
}
