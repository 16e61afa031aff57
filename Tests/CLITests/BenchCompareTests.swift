import Foundation
import Testing

/// `bench --compare` against stand-in peers: a script that reports fixed speeds, so the
/// orchestration (alternating rounds, medians, ratios, skipped peers) is checked exactly,
/// while the engine's side is a real measurement of a small model.
@Suite struct BenchCompareTests {
    static let fakePeers = """
        import json, sys
        peer, task = sys.argv[1], sys.argv[2]
        batch = int(sys.argv[sys.argv.index("--batch") + 1])
        if peer == "slowpeer" and task == "train":
            print(json.dumps({"peer": peer, "task": task, "unavailable": "cannot train"}))
        else:
            rate = {"fastpeer": 8.0, "slowpeer": 2.0}[peer] * (1 if task == "infer" else 0.5)
            print(json.dumps({"peer": peer, "task": task, "batch": batch,
                              "images_per_second": [rate, rate * 3, rate], "peak_bytes": 4 << 30}))
        """

    @Test func comparesWithPeersInTheSameRun() throws {
        let folder = CLI.temporaryFolder()
        let script = folder.appendingPathComponent("peers.py")
        try Self.fakePeers.write(to: script, atomically: true, encoding: .utf8)
        let r = try CLI.run(["bench", "--compare", "--model", "R14x0.125", "--resolution", "32", "--batch", "2",
                             "--iterations", "1", "--rounds", "2", "--peers", "fastpeer,slowpeer",
                             "--peer-script", script.path, "--python", "python3", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        struct Series: Decodable { let system: String; let roundMedians: [Double]; let peakBytes: [Int] }
        struct Case: Decodable {
            let task: String; let batch: Int; let series: [Series]
            let bestPeer: String?; let speedRatio: Double?; let leanestPeer: String?; let memoryRatio: Double?
        }
        struct Output: Decodable { let cases: [Case]; let unavailable: [String: String] }
        let out = try JSONDecoder().decode(Output.self, from: Data(r.stdout.utf8))
        #expect(out.cases.map { "\($0.task) \($0.batch)" } == ["inference 2", "inference 1", "training 2"])
        for c in out.cases {
            let engine = try #require(c.series.first { $0.system == "modelcheck" })
            #expect(engine.roundMedians.count == 2 && engine.roundMedians.allSatisfy { $0 > 0 })
            // The fastest peer is the one the ratio is taken against, from its median.
            let fast = try #require(c.series.first { $0.system == "fastpeer" })
            #expect(fast.roundMedians == [c.task == "inference" ? 8 : 4, c.task == "inference" ? 8 : 4])
            #expect(c.bestPeer == "fastpeer")
            let median = engine.roundMedians.sorted()[1]
            #expect(abs(try #require(c.speedRatio) - median / fast.roundMedians[0]) < 1e-9)
        }
        let training = out.cases[2]
        #expect(!training.series.contains { $0.system == "slowpeer" })
        #expect(out.unavailable["slowpeer (training, batch 2)"] == "cannot train")
        #expect(training.leanestPeer == "fastpeer" && (training.memoryRatio ?? 1) < 1)

        // The plain table names every system and marks what a peer could not do.
        let table = try CLI.run(["bench", "--compare", "--model", "R14x0.125", "--resolution", "32", "--batch", "2",
                                 "--iterations", "1", "--rounds", "1", "--peers", "fastpeer,slowpeer",
                                 "--peer-script", script.path, "--python", "python3"])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains("best peer") && table.stdout.contains("skipped slowpeer (training, batch 2): cannot train"))
    }

    @Test func bf16IsAVariantOfBatch1InTheSameRounds() throws {
        let folder = CLI.temporaryFolder()
        let script = folder.appendingPathComponent("peers.py")
        try Self.fakePeers.write(to: script, atomically: true, encoding: .utf8)
        let r = try CLI.run(["bench", "--compare", "--model", "R14x0.125", "--resolution", "32", "--batch", "2",
                             "--iterations", "1", "--rounds", "2", "--peers", "fastpeer", "--weights", "bf16",
                             "--peer-script", script.path, "--python", "python3", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        struct Series: Decodable { let system: String; let roundMedians: [Double] }
        struct Case: Decodable { let task: String; let batch: Int; let series: [Series]; let speedRatio: Double?; let variantSpeedRatios: [String: Double]? }
        struct Output: Decodable { let cases: [Case] }
        let out = try JSONDecoder().decode(Output.self, from: Data(r.stdout.utf8))
        for c in out.cases {
            let single = c.task == "inference" && c.batch == 1
            #expect(c.series.map(\.system) == (single ? ["modelcheck", "modelcheck-bf16", "fastpeer"] : ["modelcheck", "fastpeer"]))
            #expect(c.speedRatio != nil)
            let variant = c.series.first { $0.system == "modelcheck-bf16" }
            #expect(variant?.roundMedians.count == (single ? 2 : nil))
            if let variant {
                let ratio = try #require(c.variantSpeedRatios?["modelcheck-bf16"])
                #expect(abs(ratio - variant.roundMedians.sorted()[1] / 8) < 1e-9)
            } else {
                #expect(c.variantSpeedRatios == nil)
            }
        }
    }

    @Test func aMissingPeerScriptIsAUsageError() throws {
        let r = try CLI.run(["bench", "--compare", "--peer-script", "/nonexistent/peers.py"])
        #expect(r.status == 2 && r.stderr.contains("/nonexistent/peers.py"))
    }
}
