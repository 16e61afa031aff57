import Foundation

/// Runs python3 (ci/setup installs it, with NumPy) so that tests can read what the engine
/// writes with code we did not write, and compute references outside the engine.
public enum Python {
    /// How a run ended and what it printed.
    public struct Result: Sendable {
        public let status: Int32
        /// Standard output.
        public let output: String
        /// Standard error: where Python's tracebacks go.
        public let errors: String
    }

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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        if let folder { process.currentDirectoryURL = folder }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Drain both pipes while the child runs: either one filling up would block it forever.
        nonisolated(unsafe) var errorData = Data()
        let reader = Thread { errorData = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outputData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { usleep(1000) }
        return Result(status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
                      errors: String(decoding: errorData, as: UTF8.self))
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
