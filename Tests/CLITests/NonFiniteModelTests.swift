import BiT
import Checks
import Foundation
import Reports
import Testing

/// A model whose weights hold NaN: every check that needs its outputs fails with the reason, the
/// process never traps, every report is written and agrees on exit code 1, and predict refuses.
@Suite struct NonFiniteModelTests {
    @Test func aNaNModelFailsEveryCheckThatNeedsItsOutputsAndWritesEveryReport() throws {
        let project = try SpecProject("nan.spec", checks: """
          - check: finite_outputs
          - check: softmax_sums_to_one
          - check: metric
            metric: roc_auc
            min: 0.01
            min_samples: 1
          - check: metric
            metric: expected_calibration_error
            max: 0.99
            min_samples: 1
          - check: invariance
            transforms: [rotate90]
            min_agreement: 0.01
            min_samples: 1
        """)
        let (data, dir, run, spec) = (project.data, project.dir, project.run, project.spec)
        #expect(try CLI.run(["train", spec.path]).status == 0)

        let (model, metadata) = try BiTCheckpoint.load(run.appendingPathComponent("model.npz"))
        let head = model.parameters.tensor(ResNetV2<Float>.headKernel)
        for i in 0..<head.count { head[i] = .nan }
        let broken = dir.appendingPathComponent("nan.npz")
        try BiTCheckpoint.save(model, metadata: metadata, to: broken)

        let verified = try CLI.run(["verify", spec.path, "--model", broken.path])
        #expect(verified.status == 1, "\(verified.stdout)\(verified.stderr)")
        #expect(verified.stdout.contains("outputs are not finite (NaN or infinity)"), "\(verified.stdout)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("verification.json"))) as? [String: Any])
        #expect(json["exitCode"] as? Int == 1)
        let finite = (json["checks"] as? [[String: Any]])?.first { $0["id"] as? String == "finite_outputs" }
        let finiteMessage = finite?["message"] as? String ?? ""
        #expect(finiteMessage.contains("the first non-finite value is in the parameter resnet/head/conv2d/kernel"), "\(finiteMessage)")
        // JSON has no infinity: the softmax check's infinite error is written as a string and read back as a number.
        let decoded = try Reports.JSONReport.decoder.decode(VerificationResult.self, from: Data(contentsOf: run.appendingPathComponent("verification.json")))
        #expect(decoded.checks.first { $0.id == "softmax_sums_to_one" }?.value == .infinity)
        let verdicts = (json["checks"] as? [[String: Any]] ?? []).map { "\($0["id"] ?? "")=\($0["verdict"] ?? "")" }
        #expect(verdicts == ["finite_outputs=fail", "softmax_sums_to_one=fail", "metric.roc_auc=fail", "metric.expected_calibration_error=fail", "invariance.rotate90=fail"],
                "\(verdicts)")
        let junit = try String(contentsOf: run.appendingPathComponent("junit.xml"), encoding: .utf8)
        #expect(junit.contains("failures=\"5\""), "\(junit.prefix(400))")
        #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent("report.html").path))

        // A NaN baseline cannot vouch for anything: the baseline check fails and says whose outputs are broken.
        let baselineSpec = dir.appendingPathComponent("baseline.spec")
        try VerifyCommandTests.spec(data: data, run: run, checks: """
          - check: baseline
            model: \(broken.path)
            metric: accuracy
            max_drop: 0.5
        """).write(to: baselineSpec, atomically: true, encoding: .utf8)
        let baseline = try CLI.run(["verify", baselineSpec.path])
        #expect(baseline.status == 1, "\(baseline.stdout)\(baseline.stderr)")
        #expect(baseline.stdout.contains("the baseline model's outputs are not finite"), "\(baseline.stdout)")

        let image = try #require(FileManager.default.contentsOfDirectory(atPath: data.appendingPathComponent("Parasitized").path).first)
        let predicted = try CLI.run(["predict", "--model", broken.path, data.appendingPathComponent("Parasitized/\(image)").path])
        #expect(predicted.status == 1 && predicted.stderr.contains("non-finite outputs"), "\(predicted.stdout)\(predicted.stderr)")
        #expect(predicted.stderr.contains("(first non-finite: parameter resnet/head/conv2d/kernel"), "\(predicted.stderr)")
        #expect(predicted.stdout.isEmpty)
    }
}
