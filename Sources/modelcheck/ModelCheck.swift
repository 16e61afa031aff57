import ArgumentParser
import Collectives
import Foundation

@main
struct ModelCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "modelcheck",
        abstract: "Train, test and certify BiT image classifiers.",
        discussion: """
            Exit codes: 0 success (every required check passed); 1 a required check failed; \
            2 a usage, spec or input error (the message names the file, and the line and column \
            for specs); 3 inconclusive (too few samples to decide); 4 a rank of a multi-process job died or stopped \
            answering (the message names it); 130 stopped by Ctrl-C.
            """,
        subcommands: [CertifyCommand.self, VerifyCommand.self, VerifyCertificateCommand.self, KeygenCommand.self, TrainCommand.self,
                      GoldenCommand.self, PredictCommand.self,
                      InspectCommand.self, DataCommand.self, ModelsCommand.self, BenchCommand.self, ChecksCommand.self])

    static func main() async {
        OpenBLASCoreChoice.ensureFastKernel()
        MemoryTuning.reuseFreedMemory()
        do {
            var command = try parseAsRoot()
            if World.launchedRanks > 1 && !((command as? DistributedCommand)?.runsOnRanks ?? false) {
                throw ValidationError("this command runs in one process; start it without mpirun or srun (train, verify and certify run on several ranks)")
            }
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            World.exit(0)
        } catch {
            let code = exitCode(for: error)
            if error is CleanExit || (World.group.size == 1 && (code == .success || error is ExitCode)) { exit(withError: error) }
            if error is ExitCode { World.exit(code.rawValue) }
            // Usage errors and bad input share exit code 2, so CI can tell them from a failed check.
            fflush(nil)  // what stdout holds comes first, as it happened
            let group = World.group
            let who = group.size > 1 ? "\(group.describe(rank: group.rank)): " : ""
            FileHandle.standardError.write(Data("modelcheck: \(who)\(fullMessage(for: error))\n".utf8))
            if error is CollectiveFault { World.exit(World.faultExitCode, fault: true) }
            World.exit(2)
        }
    }
}

/// A command that runs on every rank of an MPI job.
protocol DistributedCommand { var runsOnRanks: Bool { get } }
extension DistributedCommand { var runsOnRanks: Bool { true } }
extension TrainCommand: DistributedCommand {}
extension VerifyCommand: DistributedCommand {}
extension CertifyCommand: DistributedCommand {}
extension BenchCommand: DistributedCommand { var runsOnRanks: Bool { task == .allreduce } }
