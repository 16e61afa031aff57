/// What a split lets leak from training into evaluation: groups (patients) with images in
/// more than one split, and byte-identical images (same SHA-256) in more than one split.
/// Identical images within one split are counted too, for information: they weigh an image
/// twice but leak nothing.
public struct LeakageReport: Sendable, Equatable, CustomStringConvertible {
    /// A group whose images lie in several splits.
    public struct SharedGroup: Sendable, Equatable {
        /// The group's name.
        public let group: String
        /// The group's entry paths, in manifest order, by split.
        public let paths: [DatasetSplit.Part: [String]]
    }

    /// Files with identical bytes.
    public struct Duplicate: Sendable, Equatable {
        /// Their SHA-256.
        public let sha256: String
        /// The copies' entry paths, in manifest order, by split.
        public let paths: [DatasetSplit.Part: [String]]

        /// The number of copies.
        public var count: Int { paths.values.reduce(0) { $0 + $1.count } }
    }

    /// Groups in more than one split, by group name (UTF-8 byte order).
    public let sharedGroups: [SharedGroup]
    /// Identical images found in more than one split, in order of their first copy.
    public let crossSplitDuplicates: [Duplicate]
    /// Identical images all within one split (informational), in order of their first copy.
    public let withinSplitDuplicates: [Duplicate]
    /// Whether groups were known (from the manifest or the pattern given), so that shared
    /// groups could be looked for at all.
    public let groupsChecked: Bool

    /// Checks `split` of `manifest`. Groups come from `groupPattern` when given (a manifest
    /// scanned without one can still be checked), else from the manifest's entries.
    public init(_ manifest: DatasetManifest, split: DatasetSplit, groupPattern: GroupPattern? = nil) throws {
        guard split.assignment.count == manifest.entries.count, split.manifestFingerprint == manifest.fingerprint else {
            throw DatasetError.splitMismatch(entries: manifest.entries.count, assigned: split.assignment.count)
        }
        let groups: [String?] = try manifest.entries.map { entry in
            try groupPattern.map { try $0.group(of: manifest.url(of: entry).path) } ?? entry.group
        }
        groupsChecked = groupPattern != nil || groups.contains { $0 != nil }

        var byGroup: [String: [Int]] = [:]
        for (i, group) in groups.enumerated() { if let group { byGroup[group, default: []].append(i) } }
        sharedGroups = byGroup.keys.sorted(by: DatasetManifest.bytewise).compactMap { group in
            let paths = Self.pathsByPart(byGroup[group]!, manifest, split)
            return paths.count > 1 ? SharedGroup(group: group, paths: paths) : nil
        }

        var byHash: [String: [Int]] = [:]
        var firstSeen: [String] = []
        for (i, entry) in manifest.entries.enumerated() {
            if byHash[entry.sha256] == nil { firstSeen.append(entry.sha256) }
            byHash[entry.sha256, default: []].append(i)
        }
        let duplicates = firstSeen.compactMap { sha -> Duplicate? in
            let members = byHash[sha]!
            return members.count > 1 ? Duplicate(sha256: sha, paths: Self.pathsByPart(members, manifest, split)) : nil
        }
        crossSplitDuplicates = duplicates.filter { $0.paths.count > 1 }
        withinSplitDuplicates = duplicates.filter { $0.paths.count == 1 }
    }

    private static func pathsByPart(_ members: [Int], _ manifest: DatasetManifest, _ split: DatasetSplit) -> [DatasetSplit.Part: [String]] {
        Dictionary(grouping: members) { split.assignment[$0] }.mapValues { $0.map { manifest.entries[$0].path } }
    }

    /// Whether anything leaks (within-split duplicates do not count).
    public var hasLeakage: Bool { !sharedGroups.isEmpty || !crossSplitDuplicates.isEmpty }

    /// The findings, one item per line, files named.
    public var lines: [String] {
        var out: [String] = []
        if !groupsChecked {
            out.append("groups: not checked (no group pattern)")
        } else if sharedGroups.isEmpty {
            out.append("groups: none in more than one split")
        } else {
            out.append("groups in more than one split: \(sharedGroups.count)")
            for shared in sharedGroups {
                let counts = DatasetSplit.Part.allCases.compactMap { part in
                    shared.paths[part].map { "\(part.rawValue) \($0.count)" }
                }
                out.append("  \(shared.group): \(counts.joined(separator: ", "))")
                out += Self.pathLines(shared.paths)
            }
        }
        if crossSplitDuplicates.isEmpty {
            out.append("identical images across splits: none")
        } else {
            out.append("identical images across splits: \(crossSplitDuplicates.count)")
            for duplicate in crossSplitDuplicates {
                out.append("  sha256 \(duplicate.sha256):")
                out += Self.pathLines(duplicate.paths)
            }
        }
        let extra = withinSplitDuplicates.reduce(0) { $0 + $1.count - 1 }
        out.append("identical images within one split: \(withinSplitDuplicates.count) sets, \(extra) extra copies (informational)")
        return out
    }

    private static func pathLines(_ paths: [DatasetSplit.Part: [String]]) -> [String] {
        DatasetSplit.Part.allCases.flatMap { part in (paths[part] ?? []).map { "    \(part.rawValue): \($0)" } }
    }

    /// `lines`, joined.
    public var description: String { lines.joined(separator: "\n") }
}
