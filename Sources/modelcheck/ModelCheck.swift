import ArgumentParser
import BiT

@main
struct ModelCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "modelcheck",
        abstract: "Train, test and certify BiT image classifiers.",
        subcommands: [BenchCommand.self])

    static func main() {
        BLASRuntime.ensureFastKernel()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}
