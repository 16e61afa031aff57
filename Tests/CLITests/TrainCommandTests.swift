import BiT
import Foundation
import Testing

@Suite struct TrainCommandTests {
    /// 12 real cells per class from the embedded malaria sample, in a fresh folder.
    /// `count` images per class of the embedded sample, after the first `skipping`, in a folder called `name`.
    static func smallDataset(skipping: Int = 0, count: Int = 12, name: String = "cells") throws -> URL {
        let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Specs/data/malaria-sample")
        let dir = CLI.temporaryFolder().appendingPathComponent(name)
        for cls in ["Parasitized", "Uninfected"] {
            let target = dir.appendingPathComponent(cls)
            try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
            let files = try FileManager.default.contentsOfDirectory(atPath: sample.appendingPathComponent(cls).path).sorted()
                .dropFirst(skipping).prefix(count)
            for f in files {
                try FileManager.default.copyItem(at: sample.appendingPathComponent(cls).appendingPathComponent(f),
                                                 to: target.appendingPathComponent(f))
            }
        }
        return dir
    }

    static func arguments(data: URL, run: URL) -> [String] {
        ["train", "--data", data.path, "--run", run.path, "--model", "R14x0.125", "--resize", "18", "--crop", "16",
         "--split", "0.5,0.25,0.25", "--steps", "24", "--batch", "8", "--micro-batch", "4", "--lr", "0.05",
         "--warmup", "2", "--decay", "16", "--eval-every", "6", "--patience", "0", "--checkpoint-every", "3",
         "--threads", "2", "--seed", "5"]
    }

    @Test func aRunKilledWithSIGKILLResumesToTheSameWeights() throws {
        let data = try Self.smallDataset()
        let runs = CLI.temporaryFolder()
        let straight = runs.appendingPathComponent("straight"), killed = runs.appendingPathComponent("killed")

        let reference = try CLI.run(Self.arguments(data: data, run: straight))
        #expect(reference.status == 0, "\(reference.stderr)")
        #expect(reference.stdout.contains("test       accuracy"))

        // Start the same run, kill it hard once it is past a few checkpoints, then resume.
        let process = Process()
        process.executableURL = CLI.executable
        process.arguments = Self.arguments(data: data, run: killed)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let log = killed.appendingPathComponent("log.jsonl")
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            let lines = (try? String(contentsOf: log, encoding: .utf8))?.split(separator: "\n").count ?? 0
            if lines >= 10 { break }
            usleep(20_000)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal, "the run finished before it could be killed")
        #expect(!FileManager.default.fileExists(atPath: killed.appendingPathComponent("model.npz").path))

        let resumed = try CLI.run(Self.arguments(data: data, run: killed) + ["--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("resuming at step"))

        let a = try BiTCheckpoint.load(straight.appendingPathComponent("model.npz")).model
        let b = try BiTCheckpoint.load(killed.appendingPathComponent("model.npz")).model
        for name in a.parameters.names {
            #expect(a.parameters.tensor(name).array.map(\.bitPattern) == b.parameters.tensor(name).array.map(\.bitPattern), "\(name)")
        }
        for file in ["best.npz", "checkpoint.npz", "log.jsonl", "hyperparameters.json", "dataset.json", "loss.svg", "accuracy.svg"] {
            #expect(FileManager.default.fileExists(atPath: killed.appendingPathComponent(file).path), "\(file)")
        }
    }

    @Test func augmentNamesAreCheckedThenUsedAndRecorded() throws {
        let data = try Self.smallDataset(count: 6)
        let runs = CLI.temporaryFolder()
        let bad = try CLI.run(Self.arguments(data: data, run: runs.appendingPathComponent("bad")) + ["--augment", "stain_intensty,jpeg"])
        #expect(bad.status == 2, "\(bad.stderr)")
        #expect(bad.stderr.contains("--augment: unknown colour shift or corruption 'stain_intensty' (did you mean 'stain_intensity'?)"), "\(bad.stderr)")
        let twice = try CLI.run(Self.arguments(data: data, run: runs.appendingPathComponent("twice")) + ["--augment", "jpeg, jpeg"])
        #expect(twice.status == 2 && twice.stderr.contains("--augment: 'jpeg' is listed twice"), "\(twice.stderr)")

        let run = runs.appendingPathComponent("augmented")
        let good = try CLI.run(Self.arguments(data: data, run: run) + ["--augment", "stain_intensity, gaussian_blur"])
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.contains("augment    stain_intensity 0.8…1.25 p=0.5, gaussian_blur ≤2 p=0.5"), "\(good.stdout)")
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("hyperparameters.json"))) as? [String: Any]
        let listed = (record?["options"] as? [String: Any])?["augmentation"] as? [[String: Any]]
        #expect(listed?.map { ($0["shift"] ?? $0["corruption"]) as? String } == ["stain_intensity", "gaussian_blur"])
    }

    @Test func labelSmoothingWeightAverageAndTestTimeAugmentationAreUsedAndRecorded() throws {
        let data = try Self.smallDataset(count: 6)
        let runs = CLI.temporaryFolder()
        let run = runs.appendingPathComponent("levers")
        let r = try CLI.run(Self.arguments(data: data, run: run)
            + ["--label-smoothing", "0.1", "--weight-average", "0.9", "--test-time-augmentation", "symmetries"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains(", label smoothing 0.1, weight average 0.9"), "\(r.stdout)")
        #expect(r.stdout.contains("outputs the mean over the 8 symmetries"), "\(r.stdout)")
        // Which kernels the run uses: OpenBLAS's set, and what the engine's own take from it.
        #expect(r.stdout.contains("kernels    OpenBLAS core "), "\(r.stdout)")
        #expect(r.stdout.contains(PackedConv2D.isSupported ? "the engine's own AVX-512 kernels for convolutions" : "no AVX-512"), "\(r.stdout)")
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("hyperparameters.json"))) as? [String: Any]
        let options = record?["options"] as? [String: Any]
        #expect(options?["labelSmoothing"] as? Double == 0.1 && options?["weightAverage"] as? Double == 0.9, "\(options ?? [:])")
        #expect(try BiTCheckpoint.load(run.appendingPathComponent("model.npz")).metadata.testTimeAugmentation == .symmetries)

        for (flag, value) in [("--label-smoothing", "1"), ("--weight-average", "1"), ("--test-time-augmentation", "symetries")] {
            let bad = try CLI.run(Self.arguments(data: data, run: runs.appendingPathComponent("bad")) + [flag, value])
            #expect(bad.status == 2 && bad.stderr.contains(flag), "\(flag): \(bad.stderr)")
        }
    }

    /// With a spec, the recipe is the spec's: a recipe option on the command line is refused, not ignored.
    @Test func recipeOptionsBesideASpecAreRefused() throws {
        let spec = CLI.temporaryFolder().appendingPathComponent("any.spec")
        for extra in [["--steps", "5"], ["--weight-average", "0.9"], ["--transpose"]] {
            let r = try CLI.run(["train", spec.path] + extra)
            #expect(r.status == 2, "\(extra): \(r.stderr)")
            #expect(r.stderr.contains("\(extra[0]) sets the recipe of training without a spec"), "\(r.stderr)")
        }
    }

    @Test func ctrlCStopsAfterTheStepWithACheckpoint() throws {
        let data = try Self.smallDataset()
        let run = CLI.temporaryFolder().appendingPathComponent("interrupted")
        let train = try CLI.Background(Self.arguments(data: data, run: run).map { $0 == "24" ? "400" : $0 })
        let log = run.appendingPathComponent("log.jsonl")
        train.waitForLog(log, lines: 4)
        let printed = train.stop(with: SIGINT)
        #expect(train.process.terminationStatus == 130, "\(printed)")
        #expect(printed.contains("continue with the same command and --resume"))
        let steps = try String(contentsOf: log, encoding: .utf8).split(separator: "\n").filter { $0.contains("\"loss\"") }.count
        #expect(printed.contains("stopped after step \(steps);"), "\(printed)")
    }

    /// What someone trained is never overwritten without a word: training again keeps the earlier run whole.
    @Test func trainingAgainKeepsTheEarlierRun() throws {
        let data = try Self.smallDataset()
        let runs = CLI.temporaryFolder(), run = runs.appendingPathComponent("again")
        let first = try CLI.run(Self.arguments(data: data, run: run))
        #expect(first.status == 0, "\(first.stderr)")
        let model = try Data(contentsOf: run.appendingPathComponent("model.npz"))
        let second = try CLI.run(Self.arguments(data: data, run: run).map { $0 == "24" ? "12" : $0 })
        #expect(second.status == 0, "\(second.stderr)")
        let kept = try FileManager.default.contentsOfDirectory(atPath: runs.path).filter { $0.hasPrefix("again.") }
        #expect(kept.count == 1, "\(kept)")
        let earlier = runs.appendingPathComponent(kept.first ?? "again.missing")
        #expect(second.stdout.contains("kept       the earlier run: \(earlier.path)"), "\(second.stdout)")
        #expect(try Data(contentsOf: earlier.appendingPathComponent("model.npz")) == model)
        #expect(FileManager.default.fileExists(atPath: earlier.appendingPathComponent("checkpoint.npz").path))
        #expect(try Data(contentsOf: run.appendingPathComponent("model.npz")) != model, "the new run trained 12 steps, not 24")
    }

    @Test func aMissingDataFolderIsAnInputError() throws {
        let r = try CLI.run(["train", "--data", "/nonexistent/cells", "--run", CLI.temporaryFolder().path])
        #expect(r.status == 2 && r.stderr.contains("/nonexistent/cells"))
    }
}
