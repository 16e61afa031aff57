import BiT
@testable import Datasets

/// Manifests made in memory, for split tests that need many images and no files.
enum SyntheticManifest {
    /// `groups` groups of 1...maxGroupSize images each, a random mix of `classes` classes;
    /// SHA-256 values are made up, all distinct.
    static func make(groups: Int, classes: Int = 2, maxGroupSize: Int = 30, seed: UInt64 = 7) -> DatasetManifest {
        var rng = SeededRandom(seed: seed)
        let names = (0..<classes).map { "class\($0)" }
        var entries: [DatasetManifest.Entry] = []
        for g in 0..<groups {
            let size = 1 + Int(rng.next() % UInt64(maxGroupSize))
            // Most groups lean to one class, as patients do.
            let lean = Int(rng.next() % UInt64(classes))
            for i in 0..<size {
                let label = rng.nextUnit() < 0.7 ? lean : Int(rng.next() % UInt64(classes))
                entries.append(.init(
                    path: "\(names[label])/P\(g)_\(i).png", className: names[label], label: label,
                    group: "P\(g)", byteCount: 100, sha256: sha(entries.count)))
            }
        }
        return DatasetManifest(root: "/synthetic", classNames: names, entries: entries)
    }

    /// `counts[c]` images of class c, no groups.
    static func make(classCounts counts: [Int]) -> DatasetManifest {
        let names = counts.indices.map { "class\($0)" }
        var entries: [DatasetManifest.Entry] = []
        for (label, count) in counts.enumerated() {
            for i in 0..<count {
                entries.append(.init(
                    path: "\(names[label])/\(i).png", className: names[label], label: label,
                    group: nil, byteCount: 100, sha256: sha(entries.count)))
            }
        }
        return DatasetManifest(root: "/synthetic", classNames: names, entries: entries)
    }

    static func sha(_ n: Int) -> String {
        let hex = String(n, radix: 16)
        return String(repeating: "0", count: 64 - hex.count) + hex
    }
}
