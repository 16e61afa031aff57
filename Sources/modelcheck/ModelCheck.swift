import ArgumentParser
import Foundation

@main
struct ModelCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "modelcheck",
        abstract: "Train, test and certify BiT image classifiers.",
        discussion: """
            Exit codes: 0 success (every required check passed); 1 a required check failed; \
            2 a usage, spec or input error (the message names the file, and the line and column \
            for specs); 3 inconclusive (too few samples to decide); 130 stopped by Ctrl-C.
            """,
        subcommands: [CertifyCommand.self, VerifyCommand.self, VerifyCertificateCommand.self, KeygenCommand.self, TrainCommand.self,
                      GoldenCommand.self, PredictCommand.self,
                      InspectCommand.self, DataCommand.self, ModelsCommand.self, BenchCommand.self, ChecksCommand.self])

    static func main() async {
        OpenBLASCoreChoice.ensureFastKernel()
        MemoryTuning.reuseFreedMemory()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .success || error is CleanExit || error is ExitCode { exit(withError: error) }
            // Usage errors and bad input share exit code 2, so CI can tell them from a failed check.
            fflush(nil)  // what stdout holds comes first, as it happened
            FileHandle.standardError.write(Data("modelcheck: \(fullMessage(for: error))\n".utf8))
            Foundation.exit(2)
        }
    }
}
