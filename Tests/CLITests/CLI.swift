import Foundation
import TestSupport

/// Runs the built `modelcheck` binary, as a user or a CI job would.
enum CLI {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// The executable next to the test bundle in the build folder.
    static var executable: URL {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // Swift Testing and XCTest runners differ in where argv[0] points; walk up to the build folder.
        for _ in 0..<4 where !FileManager.default.fileExists(atPath: dir.appendingPathComponent("modelcheck").path) {
            dir.deleteLastPathComponent()
        }
        return dir.appendingPathComponent("modelcheck")
    }

    static func run(_ arguments: [String], environment: [String: String]? = nil) throws -> Result {
        let result = try Subprocess.run(executable, arguments, environment: environment)
        return Result(status: result.status, stdout: result.output, stderr: result.errors)
    }

    /// `modelcheck` started in the background with its output piped, for tests that stop or race a
    /// running command; `waitForLog` blocks until its run log has `lines` lines (or two minutes passed).
    final class Background {
        let process = Process()
        private let out = Pipe()

        init(_ arguments: [String]) throws {
            process.executableURL = CLI.executable
            process.arguments = arguments
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
        }

        func waitForLog(_ log: URL, lines: Int) {
            let deadline = Date().addingTimeInterval(120)
            while process.isRunning, Date() < deadline,
                  ((try? String(contentsOf: log, encoding: .utf8))?.split(separator: "\n").count ?? 0) < lines {
                usleep(20_000)
            }
        }

        /// Sends `signal`, then waits for the end and returns what it printed.
        func stop(with signal: Int32) -> String {
            kill(process.processIdentifier, signal)
            let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return printed
        }

        deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
    }

    static func temporaryFolder() -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("modelcheck-cli-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// The BiT test fixture (official layout, 3 classes).
    static var tinyModel: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("BiTTests/Fixtures/tiny-bit/tiny-bit.npz").path
    }
}
