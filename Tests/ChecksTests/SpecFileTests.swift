import BiT
import Checks
import Foundation
import Testing

/// Specs on disk: paths resolve against the spec's folder, inputs are checked to exist, and the
/// spec's bytes are hashed.
@Suite struct SpecFileTests {
    /// A project laid out as a user would: `Specs/` with its data, models and runs beside it.
    private struct Project {
        let root: URL
        var specs: URL { root.appendingPathComponent("Specs") }

        init() throws {
            root = try SpecTesting.temporaryFolder()
            let fm = FileManager.default
            for folder in ["Specs/data/sample/Parasitized", "Specs/data/sample/Uninfected", "Specs/data/sample/.cache",
                           "models", "runs/baseline"] {
                try fm.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
            }
            for file in ["models/BiT-M-R50x1.npz", "Specs/data/sample/notes.txt"] {
                try Data("x".utf8).write(to: root.appendingPathComponent(file))
            }
            // A baseline is read when the spec is loaded, so it must be a real (small) model.
            let baseline = ResNetV2<Float>(architecture: try ResNetV2Architecture(named: "R14x0.125"), classes: 2, seed: 1)
            try BiTCheckpoint.save(baseline, metadata: ModelMetadata(architecture: "R14x0.125", classNames: ["Parasitized", "Uninfected"],
                                                                     resolution: 32, valueRange: .minusOneToOne),
                                   to: root.appendingPathComponent("runs/baseline/model.npz"))
        }

        /// Writes `text` as `Specs/NAME` and returns its URL.
        func write(_ text: String, as name: String = "m.spec") throws -> URL {
            let url = specs.appendingPathComponent(name)
            try Data(text.utf8).write(to: url)
            return url
        }

        func remove() { try? FileManager.default.removeItem(at: root) }
    }

    static let spec = """
        modelcheck: 1
        name: malaria
        model:
          upstream: ../models/BiT-M-R50x1.npz
        data:
          folder: data/sample
          classes: [Parasitized, Uninfected]
          positive_class: Parasitized
          split:
            by: image
            train: 0.8
            validation: 0.1
            test: 0.1
        training:
          steps: 10
        checks:
          - check: baseline
            model: ../runs/baseline/model.npz
            metric: sensitivity
          - check: golden

        """

    @Test func pathsResolveAgainstTheSpecFolder() throws {
        let project = try Project()
        defer { project.remove() }
        let spec = try Spec.load(contentsOf: try project.write(Self.spec))
        let root = project.root.standardizedFileURL.path
        #expect(spec.file.path == root + "/Specs/m.spec")
        #expect(spec.model == .upstream(URL(fileURLWithPath: root + "/models/BiT-M-R50x1.npz")))
        #expect(spec.data.folder.path == root + "/Specs/data/sample")
        // Outputs need not exist yet: the run folder and the golden file.
        #expect(spec.training?.run.path == root + "/runs/malaria")
        guard let baseline = spec.checks[0].checks(SpecTesting.inputs).first as? BaselineCheck,
              let golden = spec.checks[1].checks(SpecTesting.inputs).first as? GoldenCheck else {
            Issue.record("unexpected kinds \(spec.checks.map(\.kind.name))")
            return
        }
        #expect(baseline.config.model.path == root + "/runs/baseline/model.npz")
        #expect(golden.file.path == root + "/golden/malaria.json")
    }

    @Test func absolutePathsStayAsTheyAre() throws {
        let project = try Project()
        defer { project.remove() }
        let data = project.specs.appendingPathComponent("data/sample").path
        let spec = try Spec.load(contentsOf: try project.write(Self.spec.replacingOccurrences(of: "data/sample", with: data)))
        #expect(spec.data.folder.path == data)
    }

    @Test func missingInputsAreReportedWithTheirPosition() throws {
        let project = try Project()
        defer { project.remove() }
        let text = Self.spec.replacingOccurrences(of: "folder: data/sample", with: "folder: data/missing")
            .replacingOccurrences(of: "BiT-M-R50x1.npz", with: "BiT-M-R101x1.npz")
            .replacingOccurrences(of: "runs/baseline/model.npz", with: "runs/old/model.npz")
        let url = try project.write(text)
        let root = project.root.standardizedFileURL.path
        #expect(throws: SpecErrors([
            SpecError(file: url.path, line: 4, column: 13, message: "upstream: no such file: \(root)/models/BiT-M-R101x1.npz"),
            SpecError(file: url.path, line: 6, column: 11, message: "folder: no such folder: \(root)/Specs/data/missing"),
            SpecError(file: url.path, line: 18, column: 12, message: "model: no such file: \(root)/runs/old/model.npz "
                + "(with 'on_missing: skip' a missing baseline skips this check)"),
        ])) {
            try Spec.load(contentsOf: url)
        }
        // Without file checks the same spec is fine.
        #expect(throws: Never.self) { try Spec.load(contentsOf: url, checkFiles: false) }
    }

    /// A golden file that is not one (merge-conflict text, another file, a folder) is a spec error
    /// with its position when the spec is loaded, not a bare decoding error after every check ran.
    @Test func aGoldenFileThatIsNotOneIsASpecError() throws {
        let project = try Project()
        defer { project.remove() }
        let golden = project.root.appendingPathComponent("golden")
        try FileManager.default.createDirectory(at: golden.appendingPathComponent("folder.json"), withIntermediateDirectories: true)
        try Data("<<<<<<< HEAD\n{}\n=======\n".utf8).write(to: golden.appendingPathComponent("conflict.json"))
        try Data("{\"entries\": []}".utf8).write(to: golden.appendingPathComponent("partial.json"))
        let root = project.root.standardizedFileURL.path
        for (name, problem) in [("conflict.json", "is not a golden file modelcheck wrote (not JSON)"),
                                ("partial.json", "is not a golden file modelcheck wrote (no '"),
                                ("folder.json", "is a folder, not a golden file")] {
            let text = Self.spec.replacingOccurrences(of: "  - check: golden\n", with: "  - check: golden\n    file: ../golden/\(name)\n")
            let url = try project.write(text)
            do {
                _ = try Spec.load(contentsOf: url)
                Issue.record("\(name) was accepted")
            } catch let errors as SpecErrors {
                let message = errors.errors.map(\.description).joined(separator: "\n")
                #expect(errors.errors.count == 1 && message.hasPrefix("\(url.path):21:11: file: \(root)/golden/\(name) \(problem)"), "\(message)")
            }
        }
        // A golden file not yet recorded is not a spec error: `golden record` writes it.
        let missing = Self.spec.replacingOccurrences(of: "  - check: golden\n", with: "  - check: golden\n    file: ../golden/new.json\n")
        #expect(throws: Never.self) { try Spec.load(contentsOf: try project.write(missing)) }
    }

    /// A baseline that exists but is no model (text, a damaged archive) is a spec error with its
    /// position when the spec is loaded, even with 'on_missing: skip'.
    @Test func aBaselineThatIsNotAModelIsASpecError() throws {
        let project = try Project()
        defer { project.remove() }
        let root = project.root.standardizedFileURL.path
        try Data("not a model".utf8).write(to: project.root.appendingPathComponent("runs/baseline/model.npz"))
        for text in [Self.spec, Self.spec.replacingOccurrences(of: "metric: sensitivity", with: "metric: sensitivity\n    on_missing: skip")] {
            let url = try project.write(text)
            do {
                _ = try Spec.load(contentsOf: url)
                Issue.record("a text file was accepted as a baseline")
            } catch let errors as SpecErrors {
                let message = errors.errors.map(\.description).joined(separator: "\n")
                #expect(errors.errors.count == 1
                        && message.hasPrefix("\(url.path):18:12: model: \(root)/runs/baseline/model.npz is not a baseline model modelcheck can read: "),
                        "\(message)")
            }
        }
    }

    @Test func aBaselineThatMayBeMissingIsNotRequired() throws {
        let project = try Project()
        defer { project.remove() }
        let text = Self.spec.replacingOccurrences(of: "model: ../runs/baseline/model.npz",
                                                  with: "model: ../runs/old/model.npz\n    on_missing: skip")
        let spec = try Spec.load(contentsOf: try project.write(text))
        guard let baseline = spec.checks[0].checks(SpecTesting.inputs).first as? BaselineCheck else {
            Issue.record("not a baseline check")
            return
        }
        #expect(baseline.config.onMissing == .skip)
        #expect(baseline.config.model.lastPathComponent == "model.npz")
    }

    @Test func dataFolderMustBeAFolder() throws {
        let project = try Project()
        defer { project.remove() }
        let url = try project.write(Self.spec.replacingOccurrences(of: "folder: data/sample", with: "folder: data/sample/notes.txt"))
        let root = project.root.standardizedFileURL.path
        #expect(throws: SpecErrors([SpecError(file: url.path, line: 6, column: 11,
                                              message: "folder: not a folder: \(root)/Specs/data/sample/notes.txt")])) {
            try Spec.load(contentsOf: url)
        }
    }

    @Test func classesMustMatchTheClassFolders() throws {
        let project = try Project()
        defer { project.remove() }
        let folder = project.root.standardizedFileURL.path + "/Specs/data/sample"
        let wrong = try project.write(Self.spec.replacingOccurrences(of: "[Parasitized, Uninfected]", with: "[Parasitized, Uninfekted]")
            .replacingOccurrences(of: "metric: sensitivity", with: "metric: accuracy")
            .replacingOccurrences(of: "  positive_class: Parasitized\n", with: ""))
        #expect(throws: SpecErrors([
            SpecError(file: wrong.path, line: 7, column: 12,
                      message: "classes: \(folder) also has the class folders Uninfected; list every class"),
            SpecError(file: wrong.path, line: 7, column: 26,
                      message: "classes: no folder 'Uninfekted' in \(folder) (did you mean 'Uninfected'?)"),
        ])) {
            try Spec.load(contentsOf: wrong)
        }
        let positive = try project.write(Self.spec.replacingOccurrences(of: "  classes: [Parasitized, Uninfected]\n", with: "")
            .replacingOccurrences(of: "positive_class: Parasitized", with: "positive_class: Parasitised"), as: "p.spec")
        #expect(throws: SpecErrors([
            SpecError(file: positive.path, line: 7, column: 19,
                      message: "positive_class: 'Parasitised' is not a class folder in \(folder) (did you mean 'Parasitized'?)"),
        ])) {
            try Spec.load(contentsOf: positive)
        }
    }

    @Test func messagesNameTheSpecAsGiven() throws {
        let project = try Project()
        defer { project.remove() }
        // As a command line tool gets it: relative to the working directory.
        let workingDirectory = URL(fileURLWithPath: project.root.path, isDirectory: true)
        _ = try project.write("modelcheck: 1\nname: t\n", as: "bad.spec")
        do {
            _ = try Spec.load(contentsOf: URL(fileURLWithPath: "Specs/bad.spec", relativeTo: workingDirectory))
            Issue.record("the spec parsed")
        } catch let errors as SpecErrors {
            #expect(errors.errors.map(\.description).first == "Specs/bad.spec:1:1: missing required key 'model' in the spec")
        }
        #expect(throws: SpecErrors([SpecError(file: "Specs/none.spec", line: 0, column: 0, message: "no such spec file")])) {
            try Spec.load(contentsOf: URL(fileURLWithPath: "Specs/none.spec", relativeTo: workingDirectory))
        }
        // Paths in a spec named relatively still resolve against its folder.
        _ = try project.write(Self.spec)
        let spec = try Spec.load(contentsOf: URL(fileURLWithPath: "Specs/m.spec", relativeTo: workingDirectory))
        #expect(spec.file.path == project.root.standardizedFileURL.path + "/Specs/m.spec")
        #expect(spec.data.folder.path == project.root.standardizedFileURL.path + "/Specs/data/sample")
    }

    static let hashed = """
        modelcheck: 1
        name: hashed
        model:
          architecture: R14x0.5
        data:
          folder: data
          split:
            by: image
            train: 0.8
            validation: 0.1
            test: 0.1
        checks:
          - check: no_leakage

        """

    @Test func sha256IsOfTheFileBytes() throws {
        let project = try Project()
        defer { project.remove() }
        // `sha256sum` of the text above.
        let expected = "4c841ed03ee81c7d65446a66dca50ded68bcdf4a011920939dd8070585944d4c"
        #expect(try Spec.load(contentsOf: try project.write(Self.hashed), checkFiles: false).sha256 == expected)
        #expect(try SpecTesting.parse(Self.hashed).sha256 == expected)
        // A comment changes nothing parsed but the hash.
        #expect(try SpecTesting.parse(Self.hashed + "# reviewed\n").sha256 != expected)
    }
}
