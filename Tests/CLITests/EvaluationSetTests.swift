import BiT
import Foundation
import Reports
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

/// Metadata files, `sets` and the calibration temperature on evaluation sets, through the binary.
@Suite struct EvaluationSetMetadataTests {
    /// A metadata file for `folder` giving each image a site (alternating) and a microscope.
    static func metadata(for folder: URL, to file: URL, leaving out: Int = 0) throws {
        var rows = ["path,site,microscope"]
        for cls in ["Parasitized", "Uninfected"] {
            let files = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent(cls).path).sorted()
            for (i, name) in files.enumerated() { rows.append("\(cls)/\(name),\(i % 2 == 0 ? "north" : "south"),\"olympus, cx41\"") }
        }
        try (rows.dropLast(out).joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
    }

    @Test func slicesBySiteTheStoredTemperatureAndTheSetsACheckNames() throws {
        let data = try TrainCommandTests.smallDataset()
        let clinic = try EvaluationSetTests.newClinic()
        let dir = CLI.temporaryFolder(), run = dir.appendingPathComponent("run")
        let (dataSites, clinicSites) = (dir.appendingPathComponent("sites.csv"), dir.appendingPathComponent("clinic-sites.csv"))
        try Self.metadata(for: data, to: dataSites)
        try Self.metadata(for: clinic, to: clinicSites)
        let spec = dir.appendingPathComponent("cells.spec")
        try (VerifyCommandTests.spec(data: data, run: run, checks: """
          - check: metric
            metric: accuracy
            min: 0.01
            min_samples: 1
            slice_by: [site, microscope]
            min_slice_size: 1
          - check: metric
            id: clinic_only
            metric: roc_auc
            min: 0.01
            min_samples: 1
            sets: [clinic-b]
          - check: calibration
            temperature: fit
            min_samples: 1
        """).replacingOccurrences(of: "  positive_class:", with: "  metadata: \(dataSites.path)\n  positive_class:")
            + "\nevaluation:\n  - name: clinic-b\n    folder: \(clinic.path)\n    metadata: \(clinicSites.path)\n")
            .write(to: spec, atomically: true, encoding: .utf8)
        let key = dir.appendingPathComponent("k.key"), pub = dir.appendingPathComponent("k.pub")
        #expect(try CLI.run(["keygen", "--private-key", key.path, "--public-key", pub.path]).status == 0)
        let certified = try CLI.run(["certify", spec.path, "--key", key.path], environment: [:])
        #expect(certified.status == 0, "\(certified.stdout)\(certified.stderr)")

        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("verification.json"))) as? [String: Any])
        let checks = try #require(json["checks"] as? [[String: Any]])
        func check(_ id: String) -> [String: Any]? { checks.first { $0["id"] as? String == id } }
        // One check per slicing, on the test split and on the set, each sliced by its own metadata.
        for id in ["metric.accuracy.site", "metric.accuracy.microscope", "metric.accuracy.site@clinic-b"] {
            let slices = check(id)?["slices"] as? [String: Any]
            #expect(slices?["by"] as? String == (id.contains("microscope") ? "microscope" : "site"), "\(id): \(check(id) ?? [:])")
        }
        let sites = (check("metric.accuracy.site@clinic-b")?["slices"] as? [String: Any])?["rows"] as? [[String: Any]]
        #expect(Set(sites?.compactMap { $0["name"] as? String } ?? []) == ["north", "south"], "\(sites ?? [])")
        #expect((check("metric.accuracy.microscope")?["slices"] as? [String: Any]).flatMap { $0["rows"] as? [[String: Any]] }?
            .first?["name"] as? String == "olympus, cx41")
        // `sets: [clinic-b]`: judged on the set only.
        #expect(check("clinic_only") == nil && check("clinic_only@clinic-b")?["verdict"] as? String == "pass")
        // certify stores the temperature it fitted; the set, which has no validation split, is scaled by it.
        let (_, stored) = try BiTCheckpoint.load(run.appendingPathComponent("model.npz"))
        let temperature = try #require(stored.temperature)
        let own = try #require(check("calibration")?["details"] as? [String: Double])
        #expect(abs((own["temperature"] ?? 0) - temperature) < 1e-12, "\(own)")
        let onSet = try #require(check("calibration@clinic-b"))
        #expect(onSet["verdict"] as? String == "pass" && abs(((onSet["details"] as? [String: Double])?["temperature"] ?? 0) - temperature) < 1e-12
                && (onSet["message"] as? String ?? "").contains("fitted on the validation split"), "\(onSet)")
        // verify of the certified model: the same temperature again, now also stored in the model.
        #expect(try CLI.run(["verify", spec.path], environment: [:]).status == 0)

        // The certificate binds both metadata files and the set's fingerprint; a changed set is found.
        let certificateFile = run.appendingPathComponent("certificate.json")
        let certificate = try JSONDecoder().decode(Certificate.self, from: Data(contentsOf: certificateFile))
        #expect(certificate.files.filter { $0.role == .metadata }.count == 2, "\(certificate.files)")
        let valid = try CLI.run(["verify-certificate", certificateFile.path, "--public-key", pub.path])
        #expect(valid.status == 0, "\(valid.stdout)\(valid.stderr)")
        let moved = clinic.appendingPathComponent("Uninfected").appendingPathComponent(
            try #require(try FileManager.default.contentsOfDirectory(atPath: clinic.appendingPathComponent("Uninfected").path).sorted().first))
        try FileManager.default.moveItem(at: moved, to: dir.appendingPathComponent("aside.png"))
        let changed = try CLI.run(["verify-certificate", certificateFile.path, "--public-key", pub.path])
        #expect(changed.status == 1 && changed.stdout.contains("INVALID: evaluation set 'clinic-b' (\(clinic.path)) changed since certification"),
                "\(changed.stdout)\(changed.stderr)")
        try FileManager.default.moveItem(at: dir.appendingPathComponent("aside.png"), to: moved)
        try Data("path,site\n".utf8).write(to: clinicSites)
        let edited = try CLI.run(["verify-certificate", certificateFile.path, "--public-key", pub.path])
        #expect(edited.status == 1 && edited.stdout.contains("INVALID: metadata"), "\(edited.stdout)")
        try Self.metadata(for: clinic, to: clinicSites)

        // verify --data: the slices need --metadata, and a file that misses an image is named.
        let other = try EvaluationSetTests.newClinic(skipping: 22, count: 6)
        let blind = try CLI.run(["verify", spec.path, "--data", other.path], environment: [:])
        #expect(blind.status == 2 && blind.stderr.contains("slice by 'site', 'microscope' on clinic-b") && blind.stderr.contains("give --metadata"),
                "\(blind.stdout)\(blind.stderr)")
        let partial = dir.appendingPathComponent("partial.csv")
        try Self.metadata(for: other, to: partial, leaving: 1)
        let short = try CLI.run(["verify", spec.path, "--data", other.path, "--metadata", partial.path], environment: [:])
        #expect(short.status == 2 && short.stderr.contains("\(partial.path): misses 1 image of"), "\(short.stdout)\(short.stderr)")
        let full = dir.appendingPathComponent("full.csv")
        try Self.metadata(for: other, to: full)
        let judged = try CLI.run(["verify", spec.path, "--data", other.path, "--metadata", full.path], environment: [:])
        #expect(judged.status == 0 && judged.stdout.contains("metric.accuracy.site"), "\(judged.stdout)\(judged.stderr)")
    }
}

/// `train SPEC --data DIR` and `certify SPEC --data DIR`: the spec's recipe and checks on another
/// folder with its classes.
@Suite struct SpecOnOtherDataTests {
    @Test func certifyAndTrainRunTheSpecOnAnotherFolder() throws {
        let project = try SpecProject("cells.spec", checks: """
          - check: metric
            metric: accuracy
            min: 0.01
            min_samples: 1
        """)
        let other = try EvaluationSetTests.newClinic(skipping: 12, count: 12)
        let key = project.dir.appendingPathComponent("k.key"), pub = project.dir.appendingPathComponent("k.pub")
        #expect(try CLI.run(["keygen", "--private-key", key.path, "--public-key", pub.path]).status == 0)
        let certified = try CLI.run(["certify", project.spec.path, "--data", other.path, "--key", key.path], environment: [:])
        #expect(certified.status == 0, "\(certified.stdout)\(certified.stderr)")
        // The split, the fingerprint and the certificate are the other folder's.
        let dataset = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: project.run.appendingPathComponent("dataset.json"))) as? [String: Any])
        #expect((dataset["root"] as? String)?.hasSuffix("clinic-b") == true, "\(dataset["root"] ?? "")")
        let certificate = try JSONDecoder().decode(Certificate.self, from: Data(contentsOf: project.run.appendingPathComponent("certificate.json")))
        #expect(certificate.datasetFolder.hasSuffix("clinic-b"), "\(certificate.datasetFolder)")
        #expect(try CLI.run(["verify-certificate", project.run.appendingPathComponent("certificate.json").path, "--public-key", pub.path]).status == 0)
        // train takes it too; a folder without the spec's classes, or none at all, is exit 2 naming it.
        #expect(try CLI.run(["train", project.spec.path, "--data", other.path], environment: [:]).status == 0)
        try FileManager.default.removeItem(at: other.appendingPathComponent("Uninfected"))
        let missing = try CLI.run(["certify", project.spec.path, "--data", other.path], environment: [:])
        #expect(missing.status == 2 && missing.stderr.contains("only the class folder Parasitized; a classifier needs at least 2"),
                "\(missing.status) \(missing.stderr)")
        let nowhere = try CLI.run(["train", project.spec.path, "--data", other.path + "-not-there"], environment: [:])
        #expect(nowhere.status == 2 && nowhere.stderr.contains("no such folder"), "\(nowhere.stderr)")
        let lonely = try CLI.run(["certify", project.spec.path, "--metadata", "x.csv"], environment: [:])
        #expect(lonely.status == 2 && lonely.stderr.contains("give --data too"), "\(lonely.stderr)")
    }
}
