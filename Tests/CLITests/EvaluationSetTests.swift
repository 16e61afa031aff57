import Foundation
import Testing

/// `verify --data`: a trained model judged on another labelled folder without retraining, its
/// images checked against the training split, its reports in their own folder.
@Suite struct EvaluationSetTests {
    /// Images of the embedded sample that the small dataset (its first 12 per class) does not hold.
    static func newClinic(skipping: Int = 12, count: Int = 10) throws -> URL {
        try TrainCommandTests.smallDataset(skipping: skipping, count: count, name: "clinic-b")
    }

    @Test func aNewFolderIsJudgedWithoutRetraining() throws {
        let data = try TrainCommandTests.smallDataset()
        let dir = CLI.temporaryFolder(), run = dir.appendingPathComponent("run")
        let spec = dir.appendingPathComponent("cells.spec")
        try VerifyCommandTests.spec(data: data, run: run, checks: """
          - check: metric
            metric: accuracy
            min: 0.01
            min_samples: 1
          - check: golden
            file: \(dir.path)/golden.json
        """).write(to: spec, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["train", spec.path]).status == 0)
        let modelBytes = try Data(contentsOf: run.appendingPathComponent("model.npz"))

        let clinic = try Self.newClinic()
        let judged = try CLI.run(["verify", spec.path, "--data", clinic.path], environment: [:])
        #expect(judged.status == 0, "\(judged.stdout)\(judged.stderr)")
        #expect(judged.stdout.contains("cells on clinic-b") && judged.stdout.contains("no_leakage.training"), "\(judged.stdout)")
        // The golden file belongs to the spec's own test images: not judged on another set.
        #expect(!judged.stdout.contains("golden"), "\(judged.stdout)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("evaluations/clinic-b/verification.json"))) as? [String: Any])
        let accuracy = (json["checks"] as? [[String: Any]])?.first { $0["id"] as? String == "metric.accuracy" }
        #expect(accuracy?["samples"] as? Int == 20, "\(accuracy ?? [:])")
        for report in ["junit.xml", "report.html", "summary.md"] {
            #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent("evaluations/clinic-b/\(report)").path), "\(report)")
        }
        #expect(try Data(contentsOf: run.appendingPathComponent("model.npz")) == modelBytes, "the model is never retrained")

        // Images the model trained on, in the new set: leakage, and the verdict says so.
        let overlapping = try Self.newClinic(skipping: 0, count: 16)
        let leaky = try CLI.run(["verify", spec.path, "--data", overlapping.path, "--name", "overlap"], environment: [:])
        #expect(leaky.status == 1 && leaky.stdout.contains("are in the training split (same SHA-256)"), "\(leaky.stdout)\(leaky.stderr)")

        // A class folder missing, or one the model does not know: exit 2 naming it.
        try FileManager.default.removeItem(at: clinic.appendingPathComponent("Uninfected"))
        let missing = try CLI.run(["verify", spec.path, "--data", clinic.path], environment: [:])
        #expect(missing.status == 2 && missing.stderr.contains("Uninfected"), "\(missing.stderr)")
        try FileManager.default.createDirectory(at: clinic.appendingPathComponent("Uninfected"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: clinic.appendingPathComponent("Gametocyte"), withIntermediateDirectories: true)
        let extra = try CLI.run(["verify", spec.path, "--data", clinic.path], environment: [:])
        #expect(extra.status == 2 && extra.stderr.contains("Gametocyte"), "\(extra.stderr)")
        // Class folders without images: nothing to judge, which is INCONCLUSIVE (exit 3), never a trap or a pass.
        let empty = CLI.temporaryFolder().appendingPathComponent("empty")
        for cls in ["Parasitized", "Uninfected"] {
            try FileManager.default.createDirectory(at: empty.appendingPathComponent(cls), withIntermediateDirectories: true)
        }
        let nothing = try CLI.run(["verify", spec.path, "--data", empty.path], environment: [:])
        #expect(nothing.status == 3 && nothing.stdout.contains("the test split is empty"), "\(nothing.status) \(nothing.stdout)\(nothing.stderr)")
        let badName = try CLI.run(["verify", spec.path, "--data", clinic.path, "--name", "../up"], environment: [:])
        #expect(badName.status == 2 && badName.stderr.contains("must be letters, digits"), "\(badName.stderr)")
    }
}

/// Evaluation sets declared in the spec: every post-train check also runs on each, its results
/// carry the set's name, and the set's fingerprint is recorded and certified.
@Suite struct SpecEvaluationSetTests {
    @Test func everyPostTrainCheckRunsOnEachSetAndTheCertificateCarriesItsFingerprint() throws {
        let data = try TrainCommandTests.smallDataset()
        let clinic = try EvaluationSetTests.newClinic()
        let dir = CLI.temporaryFolder(), run = dir.appendingPathComponent("run")
        let spec = dir.appendingPathComponent("cells.spec")
        let text = VerifyCommandTests.spec(data: data, run: run, checks: """
          - check: operating_point
            target: youden
            min_samples: 1
          - check: metric
            metric: accuracy
            min: 0.01
            min_samples: 1
        """) + "\nevaluation:\n  - name: clinic-b\n    folder: \(clinic.path)\n"
        try text.write(to: spec, atomically: true, encoding: .utf8)
        let key = dir.appendingPathComponent("k.key"), pub = dir.appendingPathComponent("k.pub")
        #expect(try CLI.run(["keygen", "--private-key", key.path, "--public-key", pub.path]).status == 0)
        let certified = try CLI.run(["certify", spec.path, "--key", key.path], environment: [:])
        #expect(certified.status == 0, "\(certified.stdout)\(certified.stderr)")
        for id in ["metric.accuracy@clinic-b", "no_leakage.training@clinic-b"] {
            #expect(certified.stdout.contains(id), "\(id): \(certified.stdout)")
        }
        // The threshold is chosen once, on the validation split, and carried to the set.
        #expect(!certified.stdout.contains("operating_point@clinic-b"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("verification.json"))) as? [String: Any])
        let sets = try #require(json["evaluationSets"] as? [[String: Any]])
        #expect(sets.first?["name"] as? String == "clinic-b" && sets.first?["images"] as? Int == 20, "\(sets)")
        let accuracy = (json["checks"] as? [[String: Any]])?.first { $0["id"] as? String == "metric.accuracy@clinic-b" }
        #expect(accuracy?["verdict"] as? String == "pass" && (accuracy?["title"] as? String ?? "").contains("at threshold"), "\(accuracy ?? [:])")
        let certificate = try String(contentsOf: run.appendingPathComponent("certificate.json"), encoding: .utf8)
        #expect(certificate.contains("\"evaluationSets\"") && certificate.contains(sets.first?["fingerprint"] as? String ?? "-"))
        #expect(try CLI.run(["verify-certificate", run.appendingPathComponent("certificate.json").path, "--public-key", pub.path]).status == 0)

        // A set holding training images: leakage, and the run fails.
        let leaky = try TrainCommandTests.smallDataset(skipping: 0, count: 16, name: "leaky")
        try text.replacingOccurrences(of: clinic.path, with: leaky.path).write(to: spec, atomically: true, encoding: .utf8)
        let verified = try CLI.run(["verify", spec.path], environment: [:])
        #expect(verified.status == 1 && verified.stdout.contains("no_leakage.training@clinic-b"), "\(verified.stdout)\(verified.stderr)")
    }
}
