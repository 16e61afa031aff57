import BiT
import FileFormats
import Foundation
import FuzzDriver

/// Feeds arbitrary bytes to the .npz reader as a model file reaches it: the bytes are written to a
/// file (the reader maps files), read as an archive, and, when that succeeds, loaded as a BiT
/// checkpoint. Thrown errors are the expected answer; a crash, trap, hang or runaway allocation is a finding.
@main
enum NpzFuzzer {
    static func main() {
        exit(fuzz_driver_run(CommandLine.argc, CommandLine.unsafeArgv, testOneInput))
    }
}

private let input = FileManager.default.temporaryDirectory.appendingPathComponent("npz-fuzzer-\(getpid()).npz")

@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard (try? Data(UnsafeBufferPointer(start: data, count: size)).write(to: input)) != nil else {
        fatalError("cannot write the fuzz input to \(input.path)")
    }
    if (try? NpzArchive.read(contentsOf: input)) != nil {
        _ = try? BiTCheckpoint.load(input)
    }
    return 0
}
