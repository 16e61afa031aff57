import Foundation

extension Spec {
    /// One check entry of the spec: the settings common to all checks, and its own keys' values,
    /// validated against its kind's definition, from which the runnable checks are built.
    public struct Check: Sendable, Equatable {
        /// Unique within the spec; names the check in results and reports.
        public var id: String
        public var severity: CheckResult.Severity
        public var onEmpty: OnEmpty
        /// The data a post-train check runs on, by name (`test`, evaluation sets); nil for all of it.
        public var sets: [String]? = nil
        /// Which check, as the catalogue defines it.
        public var kind: CheckKind
        /// The entry's own keys by name: as given, or their defaults.
        public var values: [String: CheckValue]
        /// Where each given key's value is in the spec file.
        public var valuePositions: [String: SpecPosition]
        /// Where the check's entry starts in the spec file, for reports that point back to it.
        public var position: SpecPosition
        /// The rest of the spec, as far as the check depends on it.
        public var context: CheckEntryContext

        /// An entry as parsed.
        public init(id: String, severity: CheckResult.Severity, onEmpty: OnEmpty, kind: CheckKind, values: [String: CheckValue],
                    valuePositions: [String: SpecPosition] = [:], position: SpecPosition, context: CheckEntryContext) {
            (self.id, self.severity, self.onEmpty, self.kind, self.values) = (id, severity, onEmpty, kind, values)
            (self.valuePositions, self.position, self.context) = (valuePositions, position, context)
        }

        /// The runnable checks this entry stands for (several for one invariance entry: one per transform).
        public func checks(_ inputs: CheckBuildInputs) -> [any Checks.Check] { kind.make(self, inputs) }

        /// The keys every check takes beside `check:`, read the same way as a check's own keys.
        public static let commonKeys: [CheckKey] = [
            CheckKey("id", type: "letters, digits, '.', '_', '-'", .optional,
                     doc: "names the check in results, unique in the spec; without it the check's name "
                         + "(metric and baseline: name.metric)") { node, reader in
                reader.identifier(node, "id").map(CheckValue.text)
            },
            .choice("severity", .defaultValue(.text(CheckResult.Severity.required.rawValue)),
                    among: CheckResult.Severity.allCases.map(\.rawValue),
                    doc: "whether a failure gates the run or is only reported"),
            .choice("on_empty", .defaultValue(.text(OnEmpty.inconclusive.rawValue)), among: OnEmpty.allCases.map(\.rawValue),
                    doc: "the verdict when the data the check needs is empty"),
            CheckKey("sets", type: "list of set names", .optional,
                     doc: "post-train checks: the data it runs on, `test` (the spec's test split) and evaluation set names; "
                         + "absent: all of it") { node, reader in
                guard let items = reader.list(node, "sets", of: "set names") else { return nil }
                var names: [CheckValue] = [], ok = !items.isEmpty
                if items.isEmpty { reader.report(node, "sets: name at least one set (`test`, or an evaluation set)") }
                for item in items {
                    guard let name = reader.identifier(item, "sets") else { ok = false; continue }
                    if names.contains(.text(name)) {
                        reader.report(item, "sets: '\(name)' is listed twice")
                        ok = false
                    }
                    names.append(.text(name))
                }
                return ok ? .list(names) : nil
            },
        ]

        /// Whether the check runs on the set named `name` (`test` for the spec's own test split).
        public func runs(on name: String) -> Bool { sets?.contains(name) ?? true }

        /// The value of `key`, given or defaulted; nil for an optional key left out.
        public func value(_ key: CheckKey) -> CheckValue? { values[key.name] }

        /// A number key's value; its definition guarantees one (given, or its default).
        public func number(_ key: CheckKey) -> Double {
            guard case .number(let x) = values[key.name] else { preconditionFailure(missing(key, "number")) }
            return x
        }

        /// An integer key's value; its definition guarantees one.
        public func integer(_ key: CheckKey) -> Int {
            guard case .integer(let n) = values[key.name] else { preconditionFailure(missing(key, "integer")) }
            return n
        }

        /// A string or choice key's value; its definition guarantees one.
        public func text(_ key: CheckKey) -> String {
            guard case .text(let s) = values[key.name] else { preconditionFailure(missing(key, "text")) }
            return s
        }

        /// A path key's value; its definition guarantees one.
        public func path(_ key: CheckKey) -> URL {
            guard case .path(let url) = values[key.name] else { preconditionFailure(missing(key, "path")) }
            return url
        }

        /// Where `key`'s value is, or the entry's start when it was not given.
        public func position(of key: CheckKey) -> SpecPosition { valuePositions[key.name] ?? position }

        // Reached only when a definition reads a key it does not declare with a default: a bug, not a spec problem.
        private func missing(_ key: CheckKey, _ type: String) -> String {
            "\(kind.name) check read '\(key.name)' as a \(type) without the parser having given it one"
        }

        /// The verdict when the data a check needs is empty (no test images of a class, say).
        public enum OnEmpty: String, Sendable, CaseIterable {
            case fail
            case skip
            case inconclusive

            /// The verdict a check returns for empty data.
            public var verdict: CheckResult.Verdict {
                switch self {
                case .fail: .fail
                case .skip: .skipped
                case .inconclusive: .inconclusive
                }
            }
        }
    }
}
