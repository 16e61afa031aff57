import BiT
import FileFormats
import Foundation
import TestSupport
import Testing
@testable import Training

/// Resuming reads the run's checkpoint against the model being trained: a member that model cannot hold is refused
/// from its npy header, before anything is inflated.
@Suite(.serialized) struct TrainingCheckpointTests {
    static let architecture = "R14x0.125"

    static func shapes() throws -> [(name: String, shape: [Int])] {
        ResNetV2<Float>.parameterShapes(try ResNetV2Architecture(named: architecture), classes: 2)
    }

    /// A freshly initialised checkpoint's members, deflated, plus `bomb` (key → npy header) over 1 GiB of zeros.
    static func checkpoint(bomb: (key: String, header: [UInt8])) throws -> URL {
        let model = ResNetV2<Float>(architecture: try ResNetV2Architecture(named: architecture), classes: 2, seed: 4)
        let state = TrainingCheckpoint.State(step: 0, earlyStopping: EarlyStopping(patience: nil), finished: nil,
                                             options: TrainerTests.options(steps: 1))
        let metadata = ModelMetadata(architecture: architecture, classNames: ["a", "b"], resolution: 16, valueRange: .minusOneToOne)
        let run = TrainerTests.temporaryRun()
        try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        let plain = run.appendingPathComponent("plain.npz")
        try TrainingCheckpoint(parameters: model.parameters, velocity: model.parameters, best: nil, state: state, metadata: metadata)
            .write(to: plain)
        let archive = try NpzArchive.read(contentsOf: plain)
        var zip = DeflatedZip()
        for key in archive.keys where key != bomb.key { zip.add(key + ".npy", bytes: try #require(archive[key]).serialized()) }
        zip.add(bomb.key + ".npy", prefix: bomb.header, zeros: 1 << 30)
        let file = run.appendingPathComponent("checkpoint.npz")
        try zip.write(to: file)
        return file
    }

    static func expectRefused(_ file: URL, _ kind: CheckpointError.Kind, key: String) throws {
        let started = Date()
        #expect { _ = try TrainingCheckpoint.read(from: file, expecting: try shapes()) } throws: { error in
            (error as? CheckpointError).map { $0.kind == kind && $0.key == key && $0.path == file.path } ?? false
        }
        #expect(Date().timeIntervalSince(started) < 1, "refused without inflating the 1 GiB member")
    }

    @Test func resumingFromACheckpointWithoutAParameterOrItsAverageIsAnError() throws {
        let data = try TrainerTests.dataset(12)
        var options = TrainerTests.options(steps: 4)
        options.weightAverage = 0.9
        let run = TrainerTests.temporaryRun()
        _ = try TrainerTests.makeTrainer(data, [], options: options, run: run).train(resume: false)
        let file = RunFolder(run).checkpoint
        let full = try NpzArchive.read(contentsOf: file)
        func resumeWithout(_ dropped: (String) -> Bool) throws -> String {
            var edited = NpzArchive()
            for key in full.keys where !dropped(key) { edited.set(try #require(full[key]), forKey: key) }
            try edited.write(to: file)
            do { _ = try TrainerTests.makeTrainer(data, [], options: options, run: run).train(resume: true) } catch { return "\(error)" }
            return "resumed"
        }
        let head = ResNetV2<Float>.headKernel
        #expect(try resumeWithout { $0.hasPrefix("average/") }.contains("has no weight average to resume"))
        #expect(try resumeWithout { $0 == head }.contains("missing parameter \(head)"))
        #expect(try resumeWithout { $0 == "average/" + head }.contains("missing parameter \(head)"))
        #expect(try resumeWithout { _ in false } == "resumed")
    }

    @Test func anExtraHugeMemberIsRefusedUninflated() throws {
        let file = try Self.checkpoint(bomb: ("velocity/extra", DeflatedZip.npyHeader(descr: "<f4", shape: [1 << 28])))
        try Self.expectRefused(file, .unexpectedKey, key: "velocity/extra")
    }

    @Test func aHugeMemberOfTheWrongShapeIsRefusedUninflated() throws {
        let key = "velocity/" + ResNetV2<Float>.headKernel
        let file = try Self.checkpoint(bomb: (key, DeflatedZip.npyHeader(descr: "<f4", shape: [1, 1, 1 << 14, 1 << 14])))
        try Self.expectRefused(file, .shapeMismatch, key: key)
    }

    @Test func aHugeStateMemberIsRefusedUninflated() throws {
        let file = try Self.checkpoint(bomb: (TrainingCheckpoint.stateKey, DeflatedZip.npyHeader(descr: "|u1", shape: [1 << 30])))
        try Self.expectRefused(file, .badMetadata, key: TrainingCheckpoint.stateKey)
    }
}
