import Foundation

/// Runs python3 (ci/setup installs it, with NumPy) so that tests can read what the engine
/// writes with code we did not write, and compute references outside the engine.
public enum Python {
    /// How a run ended and what it printed (standard error holds Python's tracebacks).
    public typealias Result = Subprocess.Result

    /// A run that exited with a failure status; its description has what it printed.
    public struct Failure: Error, CustomStringConvertible {
        public let arguments: [String]
        public let result: Result
        public var description: String {
            "python3 \(arguments.first == "-c" ? ["-c", "<script>"] + arguments.dropFirst(2) : arguments) exited with status "
                + "\(result.status) (is python3 with numpy installed? run ci/setup):\n\(result.errors)\(result.output)"
        }
    }

    /// Runs `python3 arguments…` in `folder` (the current one when nil).
    public static func run(_ arguments: [String], in folder: URL? = nil) throws -> Result {
        try Subprocess.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3"] + arguments, in: folder)
    }

    /// Runs `script` (`python3 -c`) with `arguments`.
    public static func run(script: String, _ arguments: [String] = [], in folder: URL? = nil) throws -> Result {
        try run(["-c", script] + arguments, in: folder)
    }

    /// The standard output of a run that must succeed; a failure throws `Failure`.
    public static func output(_ arguments: [String], in folder: URL? = nil) throws -> String {
        let result = try run(arguments, in: folder)
        guard result.status == 0 else { throw Failure(arguments: arguments, result: result) }
        return result.output
    }

    /// The standard output of `script` run with `arguments`, which must succeed.
    public static func output(script: String, _ arguments: [String] = [], in folder: URL? = nil) throws -> String {
        try output(["-c", script] + arguments, in: folder)
    }

    /// True when `import module` works.
    public static func canImport(_ module: String) -> Bool {
        (try? run(script: "import \(module)").status) == 0
    }
}
