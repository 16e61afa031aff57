/// Why a dataset could not be scanned, grouped, split or stored; each case names the file,
/// folder or setting at fault.
public enum DatasetError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The dataset root is missing or not a folder.
    case notAFolder(path: String)
    /// The root holds no class folder, or (for a classifier) only one: nothing to tell apart.
    case tooFewClasses(root: String, found: [String])
    /// An explicitly ordered class has no folder.
    case missingClassFolder(name: String, root: String)
    /// A class folder exists that the explicit class order does not name.
    case unlistedClassFolder(name: String, root: String)
    /// The explicit class order names a class twice.
    case duplicateClassName(String)
    /// A file or folder could not be listed or read.
    case unreadable(path: String, reason: String)
    /// The group pattern is not a valid regular expression.
    case invalidGroupPattern(pattern: String, reason: String)
    /// A file name the group pattern does not match (or whose group comes out empty).
    case ungroupedFile(path: String, pattern: String)
    /// A group split was asked of a manifest whose entry has no group.
    case missingGroup(path: String)
    /// Split fractions that are not all positive or do not sum to 1.
    case invalidFractions(train: Double, validation: Double, test: Double)
    case invalidFolds(folds: Int, fold: Int, validation: Double)
    /// Too few images or groups to give every split at least one.
    case emptySplit(part: String, reason: String)
    /// A split's assignment does not cover the manifest's entries one to one.
    case splitMismatch(entries: Int, assigned: Int)
    /// A manifest file that cannot be written, parsed, or whose content contradicts itself.
    case invalidManifest(path: String, reason: String)
    /// A metadata file (per-image attributes) that cannot be read or does not describe its folder's images one to one.
    case invalidMetadata(path: String, problems: [String])

    /// One line naming what is wrong and where.
    public var description: String {
        switch self {
        case .notAFolder(let path):
            return "\(path): not a folder"
        case .tooFewClasses(let root, let found):
            return "\(root): " + (found.isEmpty ? "no class folders" : "only the class folder \(found[0])")
                + "; a classifier needs at least 2 (one subfolder per class)"
        case .missingClassFolder(let name, let root):
            return "\(root): no folder for class '\(name)'"
        case .unlistedClassFolder(let name, let root):
            return "\(root)/\(name): folder not named in the class order"
        case .duplicateClassName(let name):
            return "class '\(name)' is named twice in the class order"
        case .unreadable(let path, let reason):
            return "\(path): \(reason)"
        case .invalidGroupPattern(let pattern, let reason):
            return "group pattern '\(pattern)' is not a valid regular expression: \(reason)"
        case .ungroupedFile(let path, let pattern):
            return "\(path): file name does not match the group pattern '\(pattern)'"
        case .missingGroup(let path):
            return "\(path): no group (scan the folder with a group pattern to split by group)"
        case .invalidFractions(let train, let validation, let test):
            return "split fractions \(train)/\(validation)/\(test) must all be positive and sum to 1"
        case .invalidFolds(let folds, let fold, let validation):
            return "fold \(fold) of \(folds) with validation \(validation): folds must be 2 to 50, the fold 0 to folds − 1, and validation between 0 and 1 − 1/folds"
        case .emptySplit(let part, let reason):
            return "the \(part) split would be empty: \(reason)"
        case .splitMismatch(let entries, let assigned):
            return "a split assigns \(assigned) images but the manifest has \(entries)"
        case .invalidManifest(let path, let reason):
            return "\(path): \(reason)"
        case .invalidMetadata(let path, let problems):
            return "\(path): " + problems.joined(separator: "; ")
        }
    }
}
