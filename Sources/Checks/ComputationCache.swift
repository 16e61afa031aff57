import Foundation

/// Results computed once and shared between checks (and the report), by a key that names everything they depend on.
public final class ComputationCache: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: any Sendable] = [:]

    /// An empty cache.
    public init() {}

    /// The value stored under `key`, computing and storing it first if there is none (or one of another type).
    /// Two callers racing on one key may both compute; both get a correct value, and one is kept.
    public func value<T: Sendable>(_ key: String, _ compute: () throws -> T) rethrows -> T {
        // Unwrapped before the cast: a missing value cast to an optional T would read as a stored nil.
        if let stored = lock.withLock({ values[key] }), let hit = stored as? T { return hit }
        let computed = try compute()
        lock.withLock { values[key] = computed }
        return computed
    }
}
