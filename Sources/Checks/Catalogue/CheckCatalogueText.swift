extension CheckCatalogue {
    /// The check table of docs/checks.md: one row per check with its phase, doc and keys with defaults.
    public var markdownTable: String {
        var lines = ["| check | phase | what it asserts | keys (default) |", "| --- | --- | --- | --- |"]
        for kind in kinds {
            let keys = kind.keys.map { key -> String in
                let choices = key.type.hasPrefix("one of ")
                    ? ": " + key.type.dropFirst("one of ".count).replacingOccurrences(of: ", ", with: "\\|") : ""
                switch key.requirement {
                case .required: return "`\(key.name)\(choices)` (required)"
                case .optional: return "`\(key.name)\(choices)`"
                case .defaultValue, .derived: return "`\(key.name)\(choices)` (\(key.defaultDescription))"
                }
            }
            lines.append("| `\(kind.name)` | \(kind.phase.rawValue) | \(kind.doc) | \(keys.joined(separator: ", ")) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The catalogue for a terminal: each check, its phase and doc, then its keys with type, default and doc.
    public var listing: String {
        var out: [String] = []
        for kind in kinds {
            out.append("\(kind.name) (\(kind.phase.rawValue))")
            out.append("  \(kind.doc)")
            out += Self.listing(kind.keys)
            out.append("")
        }
        out.append("every check also takes")
        out += Self.listing(Spec.Check.commonKeys)
        return out.joined(separator: "\n") + "\n"
    }

    /// Keys as two lines each: name, type and default; then the doc, indented under the type.
    private static func listing(_ keys: [CheckKey]) -> [String] {
        let width = keys.map(\.name.count).max() ?? 0
        return keys.flatMap { key in [
            "  \(key.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(key.type); default: \(key.defaultDescription)",
            "  \(String(repeating: " ", count: width))  \(key.doc)",
        ] }
    }
}
