import ArgumentParser
import Checks
import Foundation
import Pipeline
import Reports

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Run every check of a spec on a trained model and gate CI on the result.",
        discussion: """
            The model defaults to the spec's last trained run (<training.run>/model.npz).
            Prints a table, and writes a JUnit XML file (one test case per check) and a JSON
            result with every number, the spec hash, model hash and dataset fingerprint.

            Exit codes: 0 every required check passed; 1 a required check failed;
            2 a usage, spec or input error; 3 inconclusive (too few samples to decide).
            Example: modelcheck verify Specs/malaria-embedded.spec --junit reports/junit.xml
            """)

    @Argument(help: "The spec file.") var spec: String
    @Option(help: "The model to verify (default: the spec's trained run).") var model: String?
    @OptionGroup var output: ReportOptions

    func run() throws {
        let spec = try Spec.load(contentsOf: URL(fileURLWithPath: spec))
        let run = TrainingPlanDefaults.runFolder(spec)
        let modelFile = model.map { URL(fileURLWithPath: $0) } ?? run.appendingPathComponent("model.npz")
        guard FileManager.default.fileExists(atPath: modelFile.path) else {
            throw ValidationError("no model at \(modelFile.path); train it with `modelcheck train \(self.spec)` or give --model")
        }
        let threads = spec.training?.threads ?? ProcessInfo.processInfo.activeProcessorCount
        let outcome = try Verification.verify(spec: spec, modelFile: modelFile, threads: threads, isCI: CIEnvironment.isCI)
        try output.emit(outcome, defaultFolder: run)
    }
}

struct CertifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certify",
        abstract: "Check the set-up, train with BiT-HyperRule, then verify: one command.",
        discussion: """
            Pre-train checks run first, on the model training starts from; a failure stops
            before any training. Then the spec's training runs (resumable with --resume), and
            every post-train check runs on the trained model. Exit codes as for verify.
            Example: modelcheck certify Specs/malaria-embedded.spec
            """)

    @Argument(help: "The spec file.") var spec: String
    @Flag(help: "Continue the run folder's checkpoint.") var resume = false
    @OptionGroup var output: ReportOptions

    func run() throws {
        let spec = try Spec.load(contentsOf: URL(fileURLWithPath: spec))
        let threads = spec.training?.threads ?? ProcessInfo.processInfo.activeProcessorCount
        let interrupt = InterruptFlag()
        var progress: TrainingProgress?
        let outcome = try Certification.certify(spec: spec, threads: threads, isCI: CIEnvironment.isCI, resume: resume,
                                                shouldStop: { interrupt.isRaised }, observe: { event in
            if case .started(_, let total, _) = event { progress = TrainingProgress(totalSteps: total) }
            progress?.handle(event)
        })
        if progress?.interactive == true { print("") }
        if let training = outcome.training {
            print("trained: \(training.training.reason) after \(training.training.steps) steps in \(TrainingProgress.duration(training.seconds)); model \(outcome.run.model.path)")
        } else {
            print("a required pre-train check failed: training was not started")
        }
        try output.emit(outcome.verification, defaultFolder: outcome.run.url)
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
            For each golden check, stores the probabilities of the first N test images with the
            model's hash and the environment (modelcheck version, BLAS core, threads). Commit the
            files; `verify` compares against them and CI never records (a missing golden fails).
            """)

    @Argument(help: "The spec file.") var spec: String
    @Option(help: "The model (default: the spec's trained run).") var model: String?

    func run() throws {
        let spec = try Spec.load(contentsOf: URL(fileURLWithPath: spec))
        let modelFile = model.map { URL(fileURLWithPath: $0) } ?? TrainingPlanDefaults.runFolder(spec).appendingPathComponent("model.npz")
        let threads = spec.training?.threads ?? ProcessInfo.processInfo.activeProcessorCount
        let files = try GoldenRecorder.record(spec: spec, modelFile: modelFile, threads: threads, isCI: CIEnvironment.isCI)
        if files.isEmpty { print("the spec has no golden check") }
        for f in files { print("recorded \(f.path)") }
    }
}

/// Where reports go and how the run ends.
struct ReportOptions: ParsableArguments {
    @Option(help: "JUnit XML path (default: <run folder>/junit.xml).") var junit: String?
    @Option(help: "JSON result path (default: <run folder>/verification.json).") var json: String?

    func emit(_ outcome: Verification.Outcome, defaultFolder: URL) throws {
        try FileManager.default.createDirectory(at: defaultFolder, withIntermediateDirectories: true)
        let result = outcome.result
        let junitURL = junit.map { URL(fileURLWithPath: $0) } ?? defaultFolder.appendingPathComponent("junit.xml")
        let jsonURL = json.map { URL(fileURLWithPath: $0) } ?? defaultFolder.appendingPathComponent("verification.json")
        try ReportFile.write(Data(JUnitReport.render(result, specName: outcome.specName, duration: .seconds(outcome.seconds)).utf8), to: junitURL)
        try ReportFile.write(try JSONReport.render(result), to: jsonURL)
        print(TerminalReport.render(result, specName: outcome.specName, colored: isatty(STDOUT_FILENO) != 0))
        print("reports: \(junitURL.path), \(jsonURL.path)")
        fflush(nil)
        if result.outcome != .passed { throw ExitCode(result.outcome.exitCode) }
    }
}

/// Whether this runs under CI (`CI=true`, as GitHub Actions, GitLab CI and most others set it).
enum CIEnvironment {
    static var isCI: Bool { ["true", "1", "yes"].contains(ProcessInfo.processInfo.environment["CI"]?.lowercased() ?? "") }
}
