import ArgumentParser
import Checks
import Collectives
import Foundation
import Pipeline
import Reports
import Training

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Run every check of a spec on a trained model and gate CI on the result.",
        discussion: """
            The model defaults to the spec's last trained run (<training.run>/model.npz). \
            Prints a table, and writes a JUnit XML file (one test case per check) and a JSON \
            result with every number, the spec hash, model hash and dataset fingerprint.

            With --data, the post-train checks judge the model on another labelled folder (class \
            subfolders named as the spec's classes) instead of the test split, without retraining: \
            images of a new clinic, microscope or stain batch. Its images that are byte for byte in \
            the training split are reported as leakage; reports go to <run>/evaluations/<name>/. \
            With --metadata, a CSV file (a `path` column naming each image as Class/file.png, and \
            attribute columns such as site or microscope) gives the slices that `slice_by` names.

            Exit codes: 0 every required check passed; 1 a required check failed; \
            2 a usage, spec or input error; 3 inconclusive (too few samples to decide).
            Example: modelcheck verify Specs/malaria-embedded.spec --junit reports/junit.xml
            Example: modelcheck verify Specs/malaria-embedded.spec --data clinic-b/ --name clinic-b
            """)

    @Argument(help: "The spec file.") var spec: String
    @Option(help: "The model to verify (default: the spec's trained run).") var model: String?
    @Option(help: "Another labelled image folder to judge the model on (default: the spec's test split).") var data: String?
    @Option(help: "The evaluation set's name in reports and its report folder (default: the --data folder's name).") var name: String?
    @Option(help: "A CSV file of the --data images' attributes (path, site, ...), for slices by its columns.") var metadata: String?
    @Option(help: "With a cross-validation split (data.split folds): the fold the model was trained without, as its test part.") var fold: Int?
    @OptionGroup var output: ReportOptions
    @OptionGroup var ci: CIOption
    @OptionGroup var distributed: DistributedOptions

    func validate() throws {
        if name != nil && data == nil { throw ValidationError("--name names a --data folder; give --data too") }
        if metadata != nil && data == nil { throw ValidationError("--metadata describes a --data folder; give --data too") }
        if let setName = evaluationName, setName.range(of: #"^[A-Za-z0-9][A-Za-z0-9._-]*$"#, options: .regularExpression) == nil {
            throw ValidationError("evaluation set name '\(setName)' must be letters, digits, '.', '_' or '-' (it names a folder); give --name")
        }
    }

    /// The --data folder's name in reports.
    private var evaluationName: String? { name ?? data.map { URL(fileURLWithPath: $0).standardizedFileURL.lastPathComponent } }

    func run() throws {
        try distributed.join(spec: self.spec, isCI: ci.isCI)
        let spec = try Spec.load(contentsOf: URL(fileURLWithPath: spec)).crossValidating(fold: fold, trainingSeed: nil)
        let run = TrainingPlanDefaults.runFolder(spec)
        // Reports go into the run folder, and its model may be half-trained: never alongside a writer.
        let lock = try World.group.isLeader ? RunFolderLock.take(run, purpose: "modelcheck verify") : nil
        defer { withExtendedLifetime(lock) {} }
        let modelFile = model.map { URL(fileURLWithPath: $0) } ?? run.appendingPathComponent("model.npz")
        guard FileManager.default.fileExists(atPath: modelFile.path) else {
            throw ValidationError("no model at \(modelFile.path); train it with `modelcheck train \(self.spec)` or give --model")
        }
        let threads = spec.training?.threads ?? ProcessInfo.processInfo.activeProcessorCount
        let evaluation = data.map { folder in
            Spec.EvaluationSet(name: evaluationName ?? folder, folder: URL(fileURLWithPath: folder), groupPattern: spec.data.split.groupPattern,
                               metadata: metadata.map { URL(fileURLWithPath: $0) })
        }
        let outcome = try Verification.verify(spec: spec, modelFile: modelFile, threads: threads, isCI: ci.isCI, evaluation: evaluation)
        let reports = evaluation.map { RunFolder(run.appendingPathComponent("evaluations/\($0.name)")) } ?? RunFolder(run)
        try output.emit(outcome, spec: spec, run: reports)
        try ReportOptions.exit(outcome.result)
    }
}

struct CertifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certify",
        abstract: "Check the set-up, train with BiT-HyperRule, then verify: one command.",
        discussion: """
            Pre-train checks run first, on the model training starts from; a failure stops \
            before any training. Then the spec's training runs (resumable with --resume), and \
            every post-train check runs on the trained model. Exit codes as for verify. \
            A run folder that already holds a run (a checkpoint, a model or a certificate) is kept, \
            moved to <run>.<UTC time>, and the new run starts fresh (with --resume only a certificate is renamed).
            With --data DIR the spec runs on another folder with its classes (split, recipe and \
            checks as the spec says; --metadata gives that folder's metadata file, if its checks slice by one).
            Example: modelcheck certify Specs/malaria-embedded.spec
            Example: modelcheck certify Specs/malaria-embedded.spec --data data/cell_images   (after `modelcheck data fetch malaria data/`)
            With a cross-validation split (data.split `folds`), --fold K and --seed S run one fold and \
            training seed of it; ci/cross-validate runs them all and tabulates the results.
            """)

    @Argument(help: "The spec file.") var spec: String
    @Option(help: "Another image folder with the spec's classes, instead of the spec's data folder.") var data: String?
    @Option(help: "A CSV file of the --data images' attributes (path, site, ...), for slices by its columns.") var metadata: String?
    @Option(help: "With a cross-validation split (data.split folds): this fold is the test part (default: the spec's `fold`).") var fold: Int?
    @Option(help: "Training seed (initial weights, data order, augmentation) instead of the spec's training.seed.") var seed: UInt64?
    @Flag(help: "Continue the run folder's checkpoint.") var resume = false
    @Option(help: "Ed25519 signing key file (default: $\(SigningKeys.environmentVariable), else ~/.modelcheck/signing.key, created on first use).")
    var key: String?
    @OptionGroup var output: ReportOptions
    @OptionGroup var ci: CIOption
    @OptionGroup var distributed: DistributedOptions

    func validate() throws {
        if metadata != nil && data == nil { throw ValidationError("--metadata describes a --data folder; give --data too") }
    }

    func run() throws {
        try distributed.join(spec: self.spec, isCI: ci.isCI)
        let lead = World.group.isLeader
        var spec = try Spec.load(contentsOf: URL(fileURLWithPath: spec), otherData: data != nil).crossValidating(fold: fold, trainingSeed: seed)
        if let data { spec = try spec.onData(URL(fileURLWithPath: data), metadata: metadata.map { URL(fileURLWithPath: $0) }) }
        let runFolder = RunFolder(TrainingPlanDefaults.runFolder(spec))
        let lock = try lead ? RunFolderLock.take(runFolder.url, purpose: "modelcheck certify") : nil
        defer { withExtendedLifetime(lock) {} }
        // An earlier run, and a certificate with the model it binds, is kept, never overwritten.
        if lead, let kept = try runFolder.setAsideEarlierRun(resume: resume) { print("kept the earlier run: \(kept.path)") }
        let threads = spec.training?.threads ?? ProcessInfo.processInfo.activeProcessorCount
        let interrupt = InterruptFlag()
        var progress: TrainingProgress?
        let colored = isatty(STDOUT_FILENO) != 0
        let outcome: Certification.Outcome
        do {
            outcome = try Certification.certify(spec: spec, threads: threads, isCI: ci.isCI, resume: resume,
                                                shouldStop: { interrupt.isRaised },
                                                preTrainChecked: { result in
                print(TerminalReport.render(result, specName: spec.name, colored: colored, stage: .preTrain))
                fflush(nil)
            }, observe: { event in
                if case .started(_, let total, _) = event { progress = TrainingProgress(totalSteps: total) }
                progress?.handle(event)
            })
        } catch let stopped as CertificationInterrupted {
            // Ctrl-C is 130 for every command, as for train: not a usage or input error.
            progress?.finish()
            print(stopped.description)
            throw ExitCode(130)
        }
        progress?.finish()
        if let training = outcome.training {
            print("trained: \(training.training.reason) after \(training.training.steps) steps in \(TrainingProgress.duration(training.seconds)); model \(outcome.run.model.path)")
        } else {
            print("a required pre-train check failed: training was not started")
        }
        try output.emit(outcome.verification, spec: spec, run: outcome.run)
        if lead, outcome.verification.result.outcome == .passed {
            let file = outcome.run.certificate
            let goldens = GoldenCheck.files(in: spec)
            _ = try CertificateSigner.issue(
                result: outcome.verification.result, specName: spec.name, modelFile: outcome.run.model, specFile: spec.file,
                goldenFiles: goldens, modelCard: outcome.run.modelCard,
                metadataFiles: spec.metadataFiles, datasetFolder: spec.data.folder, privateKey: try SigningKeyChoice.privateKey(file: key),
                to: file)
            print("certificate: \(file.path) (check with `modelcheck verify-certificate \(file.path)`)")
        }
        try ReportOptions.exit(outcome.verification.result)
    }
}

struct GoldenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "golden",
        abstract: "Manage golden outputs.",
        subcommands: [GoldenRecordCommand.self])
}

struct GoldenRecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Write the spec's golden files from a model's current outputs (never under CI).",
        discussion: """
            For each golden check, stores the probabilities of the first N test images with the \
            model's hash and the environment (modelcheck version, BLAS core, threads). Commit the \
            files; `verify` compares against them and CI never records (a missing golden fails).
            """)

    @Argument(help: "The spec file.") var spec: String
    @Option(help: "The model (default: the spec's trained run).") var model: String?
    @OptionGroup var ci: CIOption

    func run() throws {
        let spec = try Spec.load(contentsOf: URL(fileURLWithPath: spec))
        let run = TrainingPlanDefaults.runFolder(spec)
        let lock = try RunFolderLock.take(run, purpose: "modelcheck golden record")
        defer { withExtendedLifetime(lock) {} }
        // Golden files live outside the run folder: only their own leftovers are cleared.
        removeStaleTemporaryFiles(of: GoldenCheck.files(in: spec))
        let modelFile = model.map { URL(fileURLWithPath: $0) } ?? run.appendingPathComponent("model.npz")
        let threads = spec.training?.threads ?? ProcessInfo.processInfo.activeProcessorCount
        let files = try GoldenRecorder.record(spec: spec, modelFile: modelFile, threads: threads, isCI: ci.isCI)
        if files.isEmpty { print("the spec has no golden check") }
        for f in files { print("recorded \(f.path)") }
    }
}

/// Where reports go and how the run ends.
struct ReportOptions: ParsableArguments {
    @Option(help: "JUnit XML path (default: <run folder>/junit.xml).") var junit: String?
    @Option(help: "JSON result path (default: <run folder>/verification.json).") var json: String?
    @Option(help: "HTML report path (default: <run folder>/report.html).") var html: String?
    @Option(help: "Markdown summary path, for a pull-request comment (default: <run folder>/summary.md).") var markdown: String?

    /// Prints the table and writes every report.
    /// On several ranks every rank builds the reports' inputs (which may run the model, sharded)
    /// and rank 0 alone writes them.
    func emit(_ outcome: Verification.Outcome, spec: Spec, run: RunFolder) throws {
        let lead = World.group.isLeader
        if lead { try FileManager.default.createDirectory(at: run.url, withIntermediateDirectories: true) }
        let result = outcome.result
        func path(_ given: String?, _ name: String) throws -> URL {
            let url = given.map { URL(fileURLWithPath: $0) } ?? run.url.appendingPathComponent(name)
            if lead { try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true) }
            return url
        }
        let (junitURL, jsonURL, htmlURL, markdownURL) = (try path(junit, "junit.xml"), try path(json, "verification.json"),
                                                         try path(html, "report.html"), try path(markdown, "summary.md"))
        // The run folder was swept when its lock was taken; a report given elsewhere clears only its own leftovers.
        if lead {
            removeStaleTemporaryFiles(of: zip([junit, json, html, markdown], [junitURL, jsonURL, htmlURL, markdownURL])
                .compactMap { given, url in given == nil ? nil : url })
        }
        // The verdict first, so that a file that cannot be written never hides it.
        print(TerminalReport.render(result, specName: outcome.specName, colored: isatty(STDOUT_FILENO) != 0))
        fflush(nil)
        if lead {
            try ReportFile.write(Data(JUnitReport.render(result, specName: outcome.specName, duration: .seconds(outcome.seconds)).utf8), to: junitURL)
            try ReportFile.write(try JSONReport.render(result), to: jsonURL)
            try ReportFile.write(Data(MarkdownSummary.render(result, specName: outcome.specName).utf8), to: markdownURL)
        }
        let inputs: ReportInputs
        do {
            inputs = try outcome.context.map { try ReportBuilder.inputs(result: result, specName: outcome.specName, spec: spec, context: $0, run: run) }
                ?? ReportInputs(result: result, specName: outcome.specName, description: spec.description)
        } catch is NonFiniteOutputs, is StatisticsError {
            // No confusion matrix or curve can be drawn from NaN outputs; the checks say why.
            inputs = ReportInputs(result: result, specName: outcome.specName, description: spec.description)
        }
        guard lead else { return }
        try ReportFile.write(Data(try HTMLReport.render(inputs).utf8), to: htmlURL)
        try ReportFile.write(Data(ModelCard.render(inputs).utf8), to: run.modelCard)
        print("reports: \(htmlURL.path), \(junitURL.path), \(jsonURL.path), \(markdownURL.path), \(run.modelCard.path)")
        fflush(nil)
    }

    /// Ends the process with the outcome's exit code unless it passed.
    static func exit(_ result: VerificationResult) throws {
        if result.outcome != .passed { throw ExitCode(result.outcome.exitCode) }
    }
}
