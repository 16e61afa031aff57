import Formatting
import Foundation

/// `bench --compare`: the engine and peer frameworks measured in one run, each measurement
/// in its own process, the order alternating between rounds (these machines are shared and
/// noisy; a drift then hits every system alike).
public struct PeerComparison {
    /// The (task, batch) cases measured.
    let cases: [(EngineBenchmark.Task, Int)]
    /// Peer names as Sources/Benchmarking/peers.py knows them.
    let peers: [String]
    let rounds: Int
    /// Variants of the engine measured besides `engineName` (e.g. "modelcheck-bf16").
    let engineVariants: [String]
    /// The command line of the engine's (or a variant's) measurement of one case (a `bench
    /// --json` run); nil where that variant does not apply.
    let engine: (String, EngineBenchmark.Task, Int) -> [String]?
    /// The command line of a peer's measurement of one case.
    let peer: (String, EngineBenchmark.Task, Int) -> [String]
    /// The environment peers run in; the engine's processes inherit this one's.
    let peerEnvironment: [String: String]

    /// A comparison of `cases` over `rounds` alternating rounds; `engine` and `peer` give each
    /// measurement's command line, `peerEnvironment` the environment the peers get.
    public init(cases: [(EngineBenchmark.Task, Int)], peers: [String], rounds: Int, engineVariants: [String] = [],
                peerEnvironment: [String: String],
                engine: @escaping (String, EngineBenchmark.Task, Int) -> [String]?,
                peer: @escaping (String, EngineBenchmark.Task, Int) -> [String]) {
        (self.cases, self.peers, self.rounds, self.engineVariants) = (cases, peers, rounds, engineVariants)
        (self.peerEnvironment, self.engine, self.peer) = (peerEnvironment, engine, peer)
    }

    /// The engine's name in the table, and the prefix of its variants' names.
    public static let engineName = "modelcheck"

    /// One system's results for one case: the per-round medians and peak memory.
    public struct Series: Codable, Sendable {
        /// The engine, one of its variants, or a peer.
        public var system: String
        /// Each round's median img/s.
        public var roundMedians: [Double] = []
        /// Each round's peak resident bytes.
        public var peakBytes: [Int] = []
        /// The median over rounds.
        public var imagesPerSecond: Double { EngineBenchmark.median(roundMedians) }
        /// The largest peak over rounds.
        public var peakMemoryBytes: Int { peakBytes.max() ?? 0 }
    }

    /// Every system's results for one (task, batch) case.
    public struct CaseResult: Codable, Sendable {
        /// What was timed.
        public var task: EngineBenchmark.Task
        /// Images per call.
        public var batch: Int
        /// One series per system that measured this case.
        public var series: [Series]
        /// The fastest peer and the engine's speed over it (> 1: the engine is faster).
        public var bestPeer: String?
        /// The engine's img/s over `bestPeer`'s.
        public var speedRatio: Double?
        /// Each engine variant's speed over the fastest peer.
        public var variantSpeedRatios: [String: Double]?
        /// For training: the leanest peer and the engine's peak memory over it (< 1: the engine uses less).
        public var leanestPeer: String?
        /// The engine's peak memory over `leanestPeer`'s.
        public var memoryRatio: Double?
    }

    /// Everything a comparison measured.
    public struct Result: Codable, Sendable {
        /// One entry per (task, batch) case.
        public var cases: [CaseResult]
        /// Peers that could not run, with the reason.
        public var unavailable: [String: String]

        /// A plain-text table: img/s per system, best peer and ratio; training's peak memory.
        public var table: String {
            // Columns: every system that measured anything, in first-seen order; "-" where a
            // system has no result for a case (ONNX Runtime does not train).
            var systems: [String] = []
            for c in cases { for s in c.series where !systems.contains(s.system) { systems.append(s.system) } }
            func cells(_ c: CaseResult, _ value: (Series) -> String) -> [String] {
                systems.map { name in c.series.first { $0.system == name }.map(value) ?? "-" }
            }
            var rows = [["task"] + systems + ["best peer", "ratio"]]
            for c in cases {
                let variants = (c.variantSpeedRatios ?? [:]).sorted { $0.key < $1.key }.map { String(format: " (%@ %.2fx)", $0.key, $0.value) }
                rows.append([EngineBenchmark.label(c.task, c.batch)] + cells(c) { String(format: "%.1f", $0.imagesPerSecond) }
                            + [c.bestPeer ?? "-", (c.speedRatio.map { String(format: "%.2fx", $0) } ?? "-") + variants.joined()])
                if c.task == .training {
                    rows.append(["peak memory, training"] + cells(c) { ByteCount.gibibytes($0.peakMemoryBytes) }
                                + [c.leanestPeer ?? "-", c.memoryRatio.map { String(format: "%.2fx", $0) } ?? "-"])
                }
            }
            // The task and the names left, the measured numbers right.
            let alignments: [TextTable.Alignment] = [.left] + systems.map { _ in .right } + [.left, .left]
            var lines = TextTable.lines(rows, alignments: alignments)
            lines.insert(String(repeating: "-", count: lines.map(\.count).max() ?? 0), at: 1)
            lines += unavailable.sorted { $0.key < $1.key }.map { "skipped \($0.key): \($0.value)" }
            return lines.joined(separator: "\n")
        }
    }

    /// Runs every round; a peer that reports itself unavailable (not installed, or a task it
    /// cannot do) is dropped for that case and listed.
    public func run(progress: (String) -> Void) throws -> Result {
        var series: [[String: Series]] = cases.map { _ in [:] }
        var unavailable: [String: String] = [:]
        var skipped = Set<String>()
        let engines = [Self.engineName] + engineVariants
        for round in 1...rounds {
            for (ci, (task, batch)) in cases.enumerated() {
                var systems = engines + peers
                if round % 2 == 0 { systems.reverse() }
                for system in systems where !skipped.contains("\(system) \(ci)") {
                    let isEngine = engines.contains(system)
                    guard let command = isEngine ? engine(system, task, batch) : peer(system, task, batch) else { continue }
                    let outcome = try measure(command, engine: isEngine)
                    switch outcome {
                    case .measured(let median, let peak):
                        series[ci][system, default: Series(system: system)].roundMedians.append(median)
                        series[ci][system, default: Series(system: system)].peakBytes.append(peak)
                        progress(String(format: "round %d: %@ %@: %.1f img/s", round, system, EngineBenchmark.label(task, batch), median))
                    case .unavailable(let why):
                        skipped.insert("\(system) \(ci)")
                        unavailable["\(system) (\(EngineBenchmark.label(task, batch)))"] = why
                        progress("round \(round): \(system) \(EngineBenchmark.label(task, batch)): skipped, \(why)")
                    }
                }
            }
        }
        let results = cases.enumerated().map { ci, c in
            let ordered = (engines + peers).compactMap { series[ci][$0] }
            var result = CaseResult(task: c.0, batch: c.1, series: ordered)
            let engine = series[ci][Self.engineName]
            let peerSeries = ordered.filter { !engines.contains($0.system) }
            if let best = peerSeries.max(by: { $0.imagesPerSecond < $1.imagesPerSecond }) {
                result.bestPeer = best.system
                result.speedRatio = engine.map { $0.imagesPerSecond / best.imagesPerSecond }
                let variants = engineVariants.compactMap { name in series[ci][name].map { (name, $0.imagesPerSecond / best.imagesPerSecond) } }
                result.variantSpeedRatios = variants.isEmpty ? nil : Dictionary(uniqueKeysWithValues: variants)
            }
            if c.0 == .training, let engine, let lean = peerSeries.min(by: { $0.peakMemoryBytes < $1.peakMemoryBytes }) {
                result.leanestPeer = lean.system
                result.memoryRatio = Double(engine.peakMemoryBytes) / Double(lean.peakMemoryBytes)
            }
            return result
        }
        return Result(cases: results, unavailable: unavailable)
    }

    enum Outcome {
        case measured(median: Double, peakBytes: Int)
        case unavailable(String)
    }

    /// Runs one measurement process and reads its JSON.
    func measure(_ command: [String], engine: Bool) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        process.environment = engine ? ProcessInfo.processInfo.environment : peerEnvironment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch { return .unavailable("cannot start \(command[0]): \(error.localizedDescription)") }
        // Drain stderr concurrently so a chatty peer cannot fill the pipe and stall.
        let errData = DataBox()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData.data = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        group.wait()
        let stderrTail = String(decoding: errData.data.suffix(600), as: UTF8.self)
        guard process.terminationStatus == 0 else {
            if command.first.map({ !$0.contains("/") }) == true, process.terminationStatus == 127 {
                return .unavailable("\(command[0]) not found")
            }
            throw BenchError("\(command.joined(separator: " ")) exited with status \(process.terminationStatus): \(stderrTail)")
        }
        if engine {
            struct Output: Decodable { let engine: EngineBenchmark.Result }
            let r = try JSONDecoder().decode(Output.self, from: data).engine
            guard let m = r.measurements.first else { throw BenchError("the engine's measurement printed no result") }
            return .measured(median: m.imagesPerSecond, peakBytes: r.peakMemoryBytes)
        }
        struct PeerOutput: Decodable {
            let images_per_second: [Double]?
            let peak_bytes: Int?
            let unavailable: String?
        }
        let line = String(decoding: data, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
        guard let peer = try? JSONDecoder().decode(PeerOutput.self, from: Data(line.utf8)) else {
            throw BenchError("\(command.joined(separator: " ")) printed no result: \(stderrTail)")
        }
        if let why = peer.unavailable { return .unavailable(why) }
        guard let rates = peer.images_per_second, let peak = peer.peak_bytes else { throw BenchError("peer output without a measurement: \(line)") }
        return .measured(median: EngineBenchmark.median(rates), peakBytes: peak)
    }

    /// Bytes written by one thread and read after it finished.
    final class DataBox: @unchecked Sendable {
        var data = Data()
    }
}

/// A benchmark run that could not be completed.
public struct BenchError: Error, CustomStringConvertible {
    /// What failed, with the command and its output where there was one.
    public let description: String
    init(_ description: String) { self.description = description }
}
