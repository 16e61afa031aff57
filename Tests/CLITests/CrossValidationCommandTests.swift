import Foundation
import Testing

@Suite struct CrossValidationCommandTests {
    /// A spec with a 3-fold patient split of 40 cells per class, trained for 4 steps.
    static func spec(folds: Bool) throws -> URL {
        let data = try TrainCommandTests.smallDataset(count: 40)
        let split = folds ? "folds: 3\n    fold: 0\n    validation: 0.15" : "train: 0.7\n    validation: 0.15\n    test: 0.15"
        let text = """
            modelcheck: 1
            name: cv
            model:
              architecture: R14x0.125
            data:
              folder: \(data.path)
              split:
                by: group
                group_pattern: '^(C[0-9]+)'
                \(split)
              preprocessing: {resize: 18, crop: 16}
            training: {run: \(data.deletingLastPathComponent().appendingPathComponent("run").path), steps: 4, batch: 8, micro_batch: 8, warmup: 1, eval_every: 4, patience: null, checkpoint_every: 4, threads: 2}
            checks:
              - check: no_leakage

            """
        let file = data.deletingLastPathComponent().appendingPathComponent("cv.spec")
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    /// The test patients of a run, from its dataset.json.
    static func testPatients(_ spec: URL) throws -> Set<String> {
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: spec.deletingLastPathComponent().appendingPathComponent("run/dataset.json"))) as! [String: Any]
        let assignment = record["assignment"] as! [String: String]
        // The group pattern's patient: C and the digits after it.
        return Set(assignment.filter { $0.value == "test" }.keys.map { path in
            let name = path.split(separator: "/").last ?? ""
            return "C" + name.dropFirst().prefix { $0.isNumber }
        })
    }

    /// `--fold K` makes fold K the test part: three folds test three disjoint sets of patients.
    @Test func eachFoldTestsOtherPatients() throws {
        let spec = try Self.spec(folds: true)
        var seen: [Set<String>] = []
        for fold in 0..<3 {
            let r = try CLI.run(["train", spec.path, "--fold", "\(fold)"])
            #expect(r.status == 0, "\(r.stderr)")
            let patients = try Self.testPatients(spec)
            #expect(!patients.isEmpty && seen.allSatisfy { $0.isDisjoint(with: patients) }, "fold \(fold): \(patients) against \(seen)")
            seen.append(patients)
        }
    }

    /// With --data the spec's own data folder need not exist (a spec shipped for the full data,
    /// run on a copy or a subset elsewhere).
    @Test func anotherDataFolderReplacesAMissingOne() throws {
        let spec = try Self.spec(folds: true)
        let data = spec.deletingLastPathComponent().appendingPathComponent("cells")
        let moved = spec.deletingLastPathComponent().appendingPathComponent("elsewhere")
        try FileManager.default.moveItem(at: data, to: moved)
        let without = try CLI.run(["train", spec.path])
        #expect(without.status == 2 && without.stderr.contains("no such folder"), "\(without.stderr)")
        let r = try CLI.run(["train", spec.path, "--data", moved.path, "--fold", "1"])
        #expect(r.status == 0, "\(r.stderr)")
    }

    @Test func aFoldTheSpecDoesNotHaveIsAnInputError() throws {
        let r = try CLI.run(["train", try Self.spec(folds: true).path, "--fold", "3"])
        #expect(r.status == 2 && r.stderr.contains("--fold 3:") && r.stderr.contains("has folds 0 to 2"), "\(r.stderr)")
        let plain = try CLI.run(["verify", try Self.spec(folds: false).path, "--fold", "1"])
        #expect(plain.status == 2 && plain.stderr.contains("has no folds"), "\(plain.stderr)")
    }
}
