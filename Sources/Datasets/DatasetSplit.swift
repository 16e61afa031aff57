import BiT
import Foundation
import Formatting

/// A division of a manifest's images into train, validation and test, with its counts per
/// split × class and split × group.
///
/// All randomness comes from `SeededRandom(seed: rule.seed)`, and shuffles are this file's own
/// Fisher–Yates (index `⌊next() · (i + 1) / 2⁶⁴⌋`), not the standard library's, whose
/// algorithm may change: a seed gives the same split on every platform and Swift version.
///
/// **By image** (stratified): each class's images, in manifest order, are shuffled, and the
/// first `n_train` go to train, the next `n_validation` to validation, the rest to test. The
/// counts come from a controlled rounding: each split's target total is `N · fraction`
/// rounded by largest remainder; each class × split cell is `⌊n_class · fraction⌋` or one
/// more, the extra images of a class going (classes in label order) to the splits furthest
/// below their target. So every class is divided within one image of its exact proportions.
///
/// **By group**: groups are sorted by name, shuffled, then each in turn goes to the split
/// where it least increases the cost `Σ_split [(X − T)² + Σ_class (x_c − T_c)²] / T`, with
/// `X`, `x_c` the split's images (all, and of class c) and `T = N · fraction`,
/// `T_c = n_c · fraction` their targets; dividing by `T` weighs a small split's error as
/// heavily, relative to its size, as a large one's. Then local search: moving a group to
/// another split, or swapping two groups of different splits, whenever that lowers the cost
/// (groups in shuffled order, first improvement, until a pass finds none). So split sizes
/// land close to their fractions and each split's class mix close to the whole's; the seed
/// decides among the many near-optimal divisions. Every group lands in exactly one split.
///
/// A split left without images is an error (`DatasetError.emptySplit`), never a silent
/// empty test set.
public struct DatasetSplit: Sendable, Equatable, CustomStringConvertible {
    /// The three parts, in report order.
    public enum Part: String, Sendable, Codable, CaseIterable {
        case train, validation, test
    }

    /// The rule that made it; nil for an assignment given by the caller.
    public let rule: SplitRule?
    /// The fingerprint of the manifest it divides.
    public let manifestFingerprint: String
    /// Class names in label order.
    public let classNames: [String]
    /// The part of each manifest entry, by entry index.
    public let assignment: [Part]
    private let partIndices: [[Int]]
    private let partClassCounts: [[Int]]
    private let partGroupCounts: [[String: Int]]

    /// Divides `manifest` by `rule`.
    public init(_ manifest: DatasetManifest, rule: SplitRule) throws {
        let assignment: [Part]
        switch rule.unit {
        case .image: assignment = try Self.byImage(manifest, rule)
        case .group: assignment = try Self.byGroup(manifest, rule)
        }
        try self.init(manifest, assignment: assignment, rule: rule)
    }

    /// A split given entry by entry (a hand-made or imported division), e.g. to check it for
    /// leakage; `assignment[i]` is the part of `manifest.entries[i]`.
    public init(_ manifest: DatasetManifest, assignment: [Part]) throws {
        try self.init(manifest, assignment: assignment, rule: nil)
    }

    private init(_ manifest: DatasetManifest, assignment: [Part], rule: SplitRule?) throws {
        guard assignment.count == manifest.entries.count else {
            throw DatasetError.splitMismatch(entries: manifest.entries.count, assigned: assignment.count)
        }
        var indices = [[Int]](repeating: [], count: 3)
        var classCounts = [[Int]](repeating: [Int](repeating: 0, count: manifest.classNames.count), count: 3)
        var groupCounts = [[String: Int]](repeating: [:], count: 3)
        for (i, part) in assignment.enumerated() {
            let p = part.index, entry = manifest.entries[i]
            indices[p].append(i)
            classCounts[p][entry.label] += 1
            if let group = entry.group { groupCounts[p][group, default: 0] += 1 }
        }
        (self.rule, manifestFingerprint, classNames, self.assignment) = (rule, manifest.fingerprint, manifest.classNames, assignment)
        (partIndices, partClassCounts, partGroupCounts) = (indices, classCounts, groupCounts)
    }

    /// The manifest entry indices of `part`, ascending.
    public func indices(_ part: Part) -> [Int] { partIndices[part.index] }

    /// The number of images of each class in `part`, in label order.
    public func classCounts(_ part: Part) -> [Int] { partClassCounts[part.index] }

    /// The images of each group in `part`, groups in UTF-8 byte order (empty without groups).
    public func groupCounts(_ part: Part) -> [(group: String, count: Int)] {
        partGroupCounts[part.index].sorted { DatasetManifest.bytewise($0.key, $1.key) }.map { ($0.key, $0.value) }
    }

    /// The table of images per split and class, with shares, targets and group counts.
    public var lines: [String] {
        let total = assignment.count
        var header = ["split", "images", "share"]
        if rule != nil { header.append("target") }
        header += classNames + ["groups"]
        var rows = [header]
        func row(_ name: String, _ count: Int, _ target: Double?, _ classes: [Int], _ groups: Int) -> [String] {
            var cells = [name, "\(count)", percent(count, of: total)]
            if let target { cells.append(target == target.rounded() ? "\(Int(target))" : String(format: "%.1f", target)) }
            return cells + classes.map { "\($0)" } + ["\(groups)"]
        }
        for part in Part.allCases {
            let target = rule.map { Double(total) * $0.fraction(part) }
            rows.append(row(part.rawValue, indices(part).count, target, classCounts(part), partGroupCounts[part.index].count))
        }
        let allGroups = Set(partGroupCounts.flatMap(\.keys)).count
        let classTotals = classNames.indices.map { c in partClassCounts.reduce(0) { $0 + $1[c] } }
        rows.append(row("total", total, rule.map { _ in Double(total) }, classTotals, allGroups))
        let title = rule.map { "split \($0)" } ?? "split given by assignment"
        return [title] + TextTable.lines(rows)
    }

    /// One row per group: its images in each split.
    public var groupLines: [String] {
        let groups = Set(partGroupCounts.flatMap(\.keys)).sorted(by: DatasetManifest.bytewise)
        let rows = groups.map { g in [g] + Part.allCases.map { "\(partGroupCounts[$0.index][g] ?? 0)" } }
        return TextTable.lines([["group"] + Part.allCases.map(\.rawValue)] + rows)
    }

    /// `lines`, joined.
    public var description: String { lines.joined(separator: "\n") }

    private func percent(_ count: Int, of total: Int) -> String {
        total == 0 ? "-" : String(format: "%.1f%%", 100 * Double(count) / Double(total))
    }

    // MARK: By image

    private static func byImage(_ manifest: DatasetManifest, _ rule: SplitRule) throws -> [Part] {
        let fractions = Part.allCases.map(rule.fraction)
        let classCounts = manifest.classCounts
        let totals = largestRemainder(manifest.entries.count, fractions)
        for (part, count) in zip(Part.allCases, totals) where count == 0 {
            throw DatasetError.emptySplit(
                part: part.rawValue,
                reason: "\(manifest.entries.count) images × \(rule.fraction(part)) rounds to 0 images")
        }
        // Controlled rounding: floors first, then each class's leftover images to the splits
        // furthest below their totals (ties: larger fractional part, then split order).
        var cells = classCounts.map { n in fractions.map { Int((Double(n) * $0).rounded(.down)) } }
        var columnSums = (0..<3).map { p in cells.reduce(0) { $0 + $1[p] } }
        for (c, n) in classCounts.enumerated() {
            let exact = fractions.map { Double(n) * $0 }
            var open = Array(0..<3)
            for _ in 0..<(n - cells[c].reduce(0, +)) {
                let best = open.min { a, b in
                    let (da, db) = (totals[a] - columnSums[a], totals[b] - columnSums[b])
                    if da != db { return da > db }
                    let (ra, rb) = (exact[a] - Double(cells[c][a]), exact[b] - Double(cells[c][b]))
                    return ra != rb ? ra > rb : a < b
                }!
                cells[c][best] += 1
                columnSums[best] += 1
                open.removeAll { $0 == best }
            }
        }
        var rng = SeededRandom(seed: rule.seed)
        var assignment = [Part](repeating: .train, count: manifest.entries.count)
        for c in manifest.classNames.indices {
            var members = manifest.entries.indices.filter { manifest.entries[$0].label == c }
            shuffle(&members, &rng)
            var start = 0
            for (p, part) in Part.allCases.enumerated() {
                for i in members[start..<(start + cells[c][p])] { assignment[i] = part }
                start += cells[c][p]
            }
        }
        return assignment
    }

    /// `total · fractions` rounded to integers that sum to `total` (largest remainder; ties
    /// to the earlier split).
    private static func largestRemainder(_ total: Int, _ fractions: [Double]) -> [Int] {
        let exact = fractions.map { Double(total) * $0 }
        var counts = exact.map { Int($0.rounded(.down)) }
        let order = counts.indices.sorted { a, b in
            let (ra, rb) = (exact[a] - Double(counts[a]), exact[b] - Double(counts[b]))
            return ra != rb ? ra > rb : a < b
        }
        for p in order.prefix(total - counts.reduce(0, +)) { counts[p] += 1 }
        return counts
    }

    // MARK: By group

    private static func byGroup(_ manifest: DatasetManifest, _ rule: SplitRule) throws -> [Part] {
        var groupOf = [Int](), groupIndex = [String: Int](), names = [String]()
        for entry in manifest.entries {
            guard let group = entry.group else { throw DatasetError.missingGroup(path: manifest.url(of: entry).path) }
            if groupIndex[group] == nil {
                groupIndex[group] = names.count
                names.append(group)
            }
            groupOf.append(groupIndex[group]!)
        }
        let labels = manifest.entries.map(\.label), classes = manifest.classNames.count
        let partOf: [Int]
        if let folds = rule.folds, let fold = rule.fold {
            guard names.count >= folds + 2 else {
                throw DatasetError.emptySplit(part: "test", reason: "only \(names.count) groups for \(folds) folds and a validation part")
            }
            // The folds depend on the seed only, so fold k of every run is the same patients.
            let foldOf = partition(names.indices, names: names, groupOf: groupOf, labels: labels, classes: classes,
                                   fractions: Array(repeating: 1 / Double(folds), count: folds), seed: rule.seed)
            let rest = names.indices.filter { foldOf[$0] != fold }
            let trainOf = partition(rest, names: names, groupOf: groupOf, labels: labels, classes: classes,
                                    fractions: [rule.train, rule.validation].map { $0 / (1 - rule.test) }, seed: rule.seed &+ 1)
            partOf = names.indices.map { foldOf[$0] == fold ? 2 : trainOf[$0] }
        } else {
            guard names.count >= 3 else {
                throw DatasetError.emptySplit(part: "test", reason: "only \(names.count) groups for 3 splits")
            }
            partOf = partition(names.indices, names: names, groupOf: groupOf, labels: labels, classes: classes,
                               fractions: Part.allCases.map(rule.fraction), seed: rule.seed)
        }

        for (p, part) in Part.allCases.enumerated() where !partOf.contains(p) {
            throw DatasetError.emptySplit(
                part: part.rawValue,
                reason: "no division of the \(names.count) groups gives it any without emptying another split (groups too few or too large)")
        }
        return groupOf.map { Part.allCases[partOf[$0]] }
    }

    /// The part of each of `groups` (indices into `names`; other groups get −1) when they are
    /// dealt into parts of the given fractions of their images, each part's class mix as close to
    /// the whole's as the groups allow: a seeded greedy placement, then local search.
    private static func partition<C: Collection<Int>>(_ groups: C, names: [String], groupOf: [Int], labels: [Int], classes: Int,
                                                      fractions: [Double], seed: UInt64) -> [Int] {
        let included = Set(groups)
        let members = groupOf.indices.filter { included.contains(groupOf[$0]) }
        var balancer = GroupBalancer(groupOf: members.map { groupOf[$0] }, labels: members.map { labels[$0] }, groups: names.count,
                                     classes: classes, fractions: fractions)
        var order = Array(groups).sorted { DatasetManifest.bytewise(names[$0], names[$1]) }
        var rng = SeededRandom(seed: seed)
        shuffle(&order, &rng)
        for g in order { balancer.placeGreedily(g) }
        balancer.improve(order)
        return balancer.partOf
    }

    /// The group split's state: images per split and class, and the cost the type's
    /// documentation defines, kept per split so that a move or swap is priced in O(classes).
    private struct GroupBalancer {
        /// Values per split or group: [all images, class 0, class 1, ...].
        let width: Int
        let parts: Int
        let composition: [Double]  // group g at g * width
        var load: [Double]  // split p at p * width
        let targets: [Double]
        var partCost: [Double]
        var partOf: [Int]

        init(groupOf: [Int], labels: [Int], groups: Int, classes: Int, fractions: [Double]) {
            let width = classes + 1
            var composition = [Double](repeating: 0, count: groups * width)
            var whole = [Double](repeating: 0, count: width)
            for (g, label) in zip(groupOf, labels) {
                composition[g * width] += 1
                composition[g * width + 1 + label] += 1
                whole[0] += 1
                whole[1 + label] += 1
            }
            (self.width, self.composition, parts) = (width, composition, fractions.count)
            targets = fractions.flatMap { f in whole.map { $0 * f } }
            load = [Double](repeating: 0, count: fractions.count * width)
            partOf = [Int](repeating: -1, count: groups)
            partCost = []
            partCost = (0..<parts).map { cost($0, adding: nil, removing: nil) }
        }

        /// Split `p`'s cost if group `add` joined it and group `remove` left it.
        func cost(_ p: Int, adding add: Int?, removing remove: Int?) -> Double {
            var sum = 0.0
            for k in 0..<width {
                var x = load[p * width + k] - targets[p * width + k]
                if let add { x += composition[add * width + k] }
                if let remove { x -= composition[remove * width + k] }
                sum += x * x
            }
            return sum / targets[p * width]
        }

        mutating func move(_ g: Int, to p: Int) {
            let from = partOf[g]
            for k in 0..<width {
                if from >= 0 { load[from * width + k] -= composition[g * width + k] }
                load[p * width + k] += composition[g * width + k]
            }
            partOf[g] = p
            if from >= 0 { partCost[from] = cost(from, adding: nil, removing: nil) }
            partCost[p] = cost(p, adding: nil, removing: nil)
        }

        /// Puts unplaced group `g` where it raises the cost least (ties: earlier split).
        mutating func placeGreedily(_ g: Int) {
            var best = 0, bestDelta = Double.infinity
            for p in 0..<parts {
                let delta = cost(p, adding: g, removing: nil) - partCost[p]
                if delta < bestDelta { (best, bestDelta) = (p, delta) }
            }
            move(g, to: best)
        }

        /// Local search: single moves, then pairwise swaps, in `order`, taking every
        /// improvement, until a whole pass finds none.
        mutating func improve(_ order: [Int]) {
            // Improvements below this are rounding noise; requiring more ends the search.
            let epsilon = 1e-9
            var improved = true
            while improved {
                improved = false
                for g in order {
                    let from = partOf[g]
                    let leaving = cost(from, adding: nil, removing: g) - partCost[from]
                    for to in 0..<parts where to != from && leaving + cost(to, adding: g, removing: nil) - partCost[to] < -epsilon {
                        move(g, to: to)
                        improved = true
                        break
                    }
                }
                for (i, a) in order.enumerated() {
                    for b in order[(i + 1)...] where partOf[a] != partOf[b] {
                        let (pa, pb) = (partOf[a], partOf[b])
                        let delta = cost(pa, adding: b, removing: a) - partCost[pa] + cost(pb, adding: a, removing: b) - partCost[pb]
                        if delta < -epsilon {
                            move(a, to: pb)
                            move(b, to: pa)
                            improved = true
                        }
                    }
                }
            }
        }
    }

    /// Fisher–Yates with the index drawn as the high word of `next() · (i + 1)`: the same on
    /// every platform, bias below 2⁻⁵⁰ for any realistic count.
    private static func shuffle(_ items: inout [Int], _ rng: inout SeededRandom) {
        guard items.count > 1 else { return }
        for i in stride(from: items.count - 1, to: 0, by: -1) {
            let j = Int(rng.next().multipliedFullWidth(by: UInt64(i + 1)).high)
            items.swapAt(i, j)
        }
    }
}

extension DatasetSplit.Part {
    fileprivate var index: Int {
        switch self {
        case .train: 0
        case .validation: 1
        case .test: 2
        }
    }
}
