import ArgumentParser
import Checks
import Collectives
import Foundation
import Pipeline

/// What `train`, `verify` and `certify` take to run on several ranks (under mpirun or srun).
struct DistributedOptions: ParsableArguments {
    @Option(help: "On several ranks (mpirun, srun): seconds a collective waits for the slowest rank before the job ends with a message naming the rank that died or stopped answering, exit code 4.")
    var collectiveTimeout = World.defaultCollectiveTimeout

    func validate() throws {
        guard collectiveTimeout > 0, collectiveTimeout.isFinite else { throw ValidationError("--collective-timeout must be a positive number of seconds") }
    }

    /// Joins the job the launcher started and refuses ranks that would not run the same job:
    /// another modelcheck version, spec, command line or CI mode.
    func join(spec: String?, isCI: Bool) throws {
        try World.start(collectiveTimeout: collectiveTimeout)
        let group = World.group
        guard group.size > 1 else { return }
        var items = [
            (what: "modelcheck version", value: ModelcheckVersion.current),
            (what: "command line", value: CommandLine.arguments.dropFirst().joined(separator: " ")),
            (what: "CI mode", value: isCI ? "on" : "off"),
        ]
        if let spec {
            items.append((what: "spec \(spec) (SHA-256)", value: (try? Verification.sha256(of: URL(fileURLWithPath: spec))) ?? "unreadable"))
        }
        try group.requireAgreement(items)
        print("ranks      \(group.size): " + (0..<group.size).map { "\($0) on \(group.hosts[$0])" }.joined(separator: ", "))
    }
}
