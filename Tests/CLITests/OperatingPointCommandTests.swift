import BiT
import Foundation
import Reports
import Testing

/// certify stores the operating point's threshold in the model it certifies; predict applies and prints it.
@Suite struct OperatingPointCommandTests {
    @Test func certifyStoresTheThresholdAndPredictUsesIt() throws {
        let project = try SpecProject("op.spec", checks: """
          - check: operating_point
            target: youden
            min_samples: 1
          - check: metric
            metric: sensitivity
            min: 0.01
            min_samples: 1
            severity: warn
        """)
        let (data, dir, run, spec) = (project.data, project.dir, project.run, project.spec)
        let key = dir.appendingPathComponent("k.key"), pub = dir.appendingPathComponent("k.pub")
        #expect(try CLI.run(["keygen", "--private-key", key.path, "--public-key", pub.path]).status == 0)
        let certified = try CLI.run(["certify", spec.path, "--key", key.path])
        #expect(certified.status == 0, "\(certified.stdout)\(certified.stderr)")

        let model = run.appendingPathComponent("model.npz")
        let (_, metadata) = try BiTCheckpoint.load(model)
        let threshold = try #require(metadata.threshold)
        #expect(metadata.positiveClass == "Parasitized")
        // The certificate carries the same threshold, and binds the model file that holds it.
        let certificate = try JSONDecoder().decode(Certificate.self, from: Data(contentsOf: run.appendingPathComponent("certificate.json")))
        let chosen = try #require(certificate.checks.first { $0.id == "operating_point" })
        #expect(chosen.verdict == .pass && chosen.details["threshold"] == threshold, "\(chosen.message)")
        let gate = try #require(certificate.checks.first { $0.id == "metric.sensitivity" })
        #expect(gate.details["threshold"] == threshold && gate.message.contains("(operating_point)"), "\(gate.message)")
        let report = try String(contentsOf: run.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(report.contains(String(format: "<title>Test split at threshold %.4g (operating point)</title>", threshold)))
        let valid = try CLI.run(["verify-certificate", run.appendingPathComponent("certificate.json").path, "--public-key", pub.path])
        #expect(valid.status == 0, "\(valid.stdout)\(valid.stderr)")
        // verify chooses the same threshold again, so it agrees with the stored one.
        let verified = try CLI.run(["verify", spec.path])
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")

        let images = try ["Parasitized", "Uninfected"].flatMap { cls in
            try FileManager.default.contentsOfDirectory(atPath: data.appendingPathComponent(cls).path).sorted()
                .map { data.appendingPathComponent(cls).appendingPathComponent($0).path }
        }
        let text = try CLI.run(["predict", "--model", model.path] + images)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.hasPrefix(String(format: "threshold %.4g (Parasitized)\n", threshold)), "\(text.stdout)")
        let json = try CLI.run(["predict", "--model", model.path, "--json"] + images)
        struct Row: Decodable { let predicted: String; let probabilities: [String: Double]; let threshold: Double? }
        let rows = try JSONDecoder().decode([Row].self, from: Data(json.stdout.utf8))
        #expect(rows.count == images.count)
        for row in rows {
            let p = try #require(row.probabilities["Parasitized"])
            #expect(row.threshold == threshold)
            #expect(row.predicted == (p >= threshold ? "Parasitized" : "Uninfected"), "p \(p) at threshold \(threshold)")
        }

        // The stored threshold decides, not the arg-max: below every probability all are positive, above none is.
        let (net, _) = try BiTCheckpoint.load(model)
        for (stored, expected) in [(-1.0, "Parasitized"), (2.0, "Uninfected")] {
            var moved = metadata
            moved.threshold = stored
            let file = dir.appendingPathComponent("moved.npz")
            try BiTCheckpoint.save(net, metadata: moved, to: file)
            let r = try CLI.run(["predict", "--model", file.path, "--json"] + images)
            let predicted = try JSONDecoder().decode([Row].self, from: Data(r.stdout.utf8)).map(\.predicted)
            #expect(predicted == Array(repeating: expected, count: images.count), "threshold \(stored): \(r.stderr)")
        }
        // A threshold that names no class cannot decide: refused from the file, exit 2.
        var unnamed = metadata
        unnamed.positiveClass = nil
        let broken = dir.appendingPathComponent("unnamed.npz")
        try BiTCheckpoint.save(net, metadata: unnamed, to: broken)
        let refused = try CLI.run(["predict", "--model", broken.path, images[0]])
        #expect(refused.status == 2 && refused.stderr.contains("unnamed.npz") && refused.stderr.contains("cannot decide"), "\(refused.stderr)")
    }
}
