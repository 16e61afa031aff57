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
