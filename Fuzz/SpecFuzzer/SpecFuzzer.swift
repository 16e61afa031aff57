import Checks
import Foundation
import FuzzDriver

/// Feeds arbitrary bytes to the spec parser as `modelcheck verify SPEC` reads a spec: UTF-8 text,
/// parsed and validated against the standard check catalogue. Spec errors are the expected answer;
/// a crash, trap, hang or runaway allocation is a finding.
@main
enum SpecFuzzer {
    static func main() {
        exit(fuzz_driver_run(CommandLine.argc, CommandLine.unsafeArgv, testOneInput))
    }
}

// Inputs name no files that must exist: a fuzz run must not depend on, or read, the machine's files.
private let baseDirectory = FileManager.default.temporaryDirectory

@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    // Spec.load refuses bytes that are not UTF-8 before parsing; so does this.
    guard let text = String(validating: UnsafeBufferPointer(start: data, count: size), as: UTF8.self) else { return 0 }
    _ = try? Spec.parse(text, file: "fuzz.spec", baseDirectory: baseDirectory, checkFiles: false)
    return 0
}
