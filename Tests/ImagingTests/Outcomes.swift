import Foundation

/// A lock-guarded tally that concurrentPerform workers report into.
final class Outcomes: @unchecked Sendable {
    private let lock = NSLock()
    private var checked = 0
    private var problems: [String] = []

    func record(_ problem: String?) {
        lock.withLock {
            checked += 1
            if let problem { problems.append(problem) }
        }
    }

    func snapshot() -> (checked: Int, problems: [String]) {
        lock.withLock { (checked, problems) }
    }
}
