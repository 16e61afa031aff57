import ArgumentParser
import Checks

/// The one rule for a `--threads` value, the same as a spec's `training.threads`.
enum ThreadCount {
    static func validate(_ threads: Int) throws {
        guard (1...SpecLimits.threads).contains(threads) else {
            throw ValidationError("--threads must be between 1 and \(SpecLimits.threads), got \(threads)")
        }
    }
}
