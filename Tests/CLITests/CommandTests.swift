import BiT
import Datasets
import Foundation
import Imaging
import Testing

@Suite struct CommandTests {
    @Test func inspectDescribesTheCheckpoint() throws {
        let r = try CLI.run(["inspect", CLI.tinyModel])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("R17x0.125 (units 2/1/1/1"))
        #expect(r.stdout.contains("129,387"))
        #expect(r.stdout.contains("3: class 0, class 1, class 2"))
        #expect(r.stdout.contains("values in [-1, 1]"))
        let keys = try CLI.run(["inspect", "--keys", CLI.tinyModel])
        #expect(keys.stdout.contains("resnet/block1/unit02/b/standardized_conv2d/kernel  3x3x8x8"))
    }

    @Test func predictPrintsProbabilitiesThatMatchTheEngine() throws {
        let dir = CLI.temporaryFolder()
        var images: [RGBImage] = []
        var paths: [String] = []
        for i in 0..<3 {
            let image = RGBImage(width: 40 + i, height: 37, pixels: (0..<(40 + i) * 37 * 3).map { UInt8(($0 * (7 + i)) % 251) })
            let path = dir.appendingPathComponent("cell\(i).png")
            try PNGEncoder.write(image, to: path)
            images.append(image)
            paths.append(path.path)
        }
        let r = try CLI.run(["predict", "--model", CLI.tinyModel, "--json"] + paths)
        #expect(r.status == 0, "\(r.stderr)")
        struct Row: Decodable { let path: String; let predicted: String; let probabilities: [String: Double]; let logits: [Double] }
        let rows = try JSONDecoder().decode([Row].self, from: Data(r.stdout.utf8))
        #expect(rows.map(\.path) == paths)

        let (model, _) = try BiTCheckpoint.load(URL(fileURLWithPath: CLI.tinyModel))
        let expected = model.logits(Preprocessing.evaluationBatch(images, resolution: 128, valueRange: .minusOneToOne))
        for (i, row) in rows.enumerated() {
            #expect(abs(row.probabilities.values.reduce(0, +) - 1) < 1e-6)
            for j in 0..<3 { #expect(abs(row.logits[j] - Double(expected[i * 3 + j])) < 1e-5) }
            let best = (0..<3).max { row.logits[$0] < row.logits[$1] }!
            #expect(row.predicted == "class \(best)")
        }
        let plain = try CLI.run(["predict", "--model", CLI.tinyModel, paths[0]])
        #expect(plain.stdout.hasPrefix(paths[0]) && plain.stdout.contains("class 1 0."))
    }

    @Test func predictAppliesTheStoredTemperatureAndSaysSo() throws {
        let dir = CLI.temporaryFolder()
        let image = dir.appendingPathComponent("cell.png")
        try PNGEncoder.write(RGBImage(width: 30, height: 30, pixels: (0..<30 * 30 * 3).map { UInt8(($0 * 11) % 251) }), to: image)
        let (model, loaded) = try BiTCheckpoint.load(URL(fileURLWithPath: CLI.tinyModel))
        var metadata = loaded
        metadata.temperature = 4
        let calibrated = dir.appendingPathComponent("calibrated.npz")
        try BiTCheckpoint.save(model, metadata: metadata, to: calibrated)
        let r = try CLI.run(["predict", "--model", calibrated.path, "--json", image.path])
        #expect(r.status == 0, "\(r.stderr)")
        struct Row: Decodable { let probabilities: [String: Double]; let logits: [Double]; let temperature: Double? }
        let row = try #require(try JSONDecoder().decode([Row].self, from: Data(r.stdout.utf8)).first)
        #expect(row.temperature == 4)
        let e = row.logits.map { exp($0 / 4) }, total = e.reduce(0, +)
        for (j, p) in e.enumerated() { #expect(abs(try #require(row.probabilities["class \(j)"]) - p / total) < 1e-5) }
        let plain = try CLI.run(["predict", "--model", calibrated.path, image.path])
        #expect(plain.stdout.hasPrefix("temperature\t4.0000\t"), "\(plain.stdout)")
        let uncalibrated = try CLI.run(["predict", "--model", CLI.tinyModel, "--json", image.path])
        #expect(!uncalibrated.stdout.contains("temperature"))
    }

    @Test func badInputExitsWith2AndNamesTheFile() throws {
        let dir = CLI.temporaryFolder()
        let missing = dir.appendingPathComponent("nope.npz").path
        let r1 = try CLI.run(["inspect", missing])
        #expect(r1.status == 2 && r1.stderr.contains("nope.npz"))

        let broken = dir.appendingPathComponent("broken.png")
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0]).write(to: broken)
        let r2 = try CLI.run(["predict", "--model", CLI.tinyModel, broken.path])
        #expect(r2.status == 2 && r2.stderr.contains("broken.png"))

        let r3 = try CLI.run(["bench", "--model", "R51x1"])
        #expect(r3.status == 2 && r3.stderr.contains("R51x1"))
        let r4 = try CLI.run(["predict", "--bogus"])
        #expect(r4.status == 2)
        // Thread counts and sizes no machine holds are refused before any work.
        for arguments in [["predict", "--model", CLI.tinyModel, broken.path, "--threads", "100000"], ["bench", "--threads", "0"],
                          ["train", "--data", dir.path, "--threads", "100000"], ["train", "--data", dir.path, "--batch", "1000000000"],
                          ["train", "--data", dir.path, "--batch", "16", "--micro-batch", "32"]] {
            let r = try CLI.run(arguments)
            #expect(r.status == 2 && r.stderr.contains("must be"), "\(arguments): \(r.stderr)")
        }
    }

    @Test func benchPicksTheFastKernelByItself() throws {
        var env = ProcessInfo.processInfo.environment
        env["OPENBLAS_CORETYPE"] = nil
        env["MODELCHECK_BLAS_CORE_CHOSEN"] = nil
        let args = ["bench", "--model", "R14x0.125", "--resolution", "32", "--batch", "2", "--iterations", "1", "--data", "/nonexistent", "--json"]
        let r = try CLI.run(args, environment: env)
        #expect(r.status == 0, "\(r.stderr)")
        struct Measurement: Decodable { let task: String; let batch: Int; let imagesPerSecond: Double }
        struct Engine: Decodable { let blasCore: String; let packedKernels: Bool; let measurements: [Measurement]; let threads: Int }
        struct Bench: Decodable { let engine: Engine; let loadingImagesPerSecond: Double? }
        let output = try JSONDecoder().decode(Bench.self, from: Data(r.stdout.utf8))
        let b = output.engine
        #expect(output.loadingImagesPerSecond == nil)
        // Inference at the batch and at batch 1, then training.
        #expect(b.measurements.map { "\($0.task) \($0.batch)" } == ["inference 2", "inference 1", "training 2"])
        #expect(b.measurements.allSatisfy { $0.imagesPerSecond > 0 })
        #expect(b.packedKernels == PackedConv2D.isSupported)
        if let wanted = CPUFeatures.current.preferredOpenBLASCore {
            #expect(b.blasCore.lowercased() == wanted.lowercased(), "this CPU supports \(wanted), bench ran \(b.blasCore)")
        }
        // A user's own choice wins.
        env["OPENBLAS_CORETYPE"] = "Prescott"
        let forced = try CLI.run(args, environment: env)
        #expect(try JSONDecoder().decode(Bench.self, from: Data(forced.stdout.utf8)).engine.blasCore == "Prescott")
    }
}
