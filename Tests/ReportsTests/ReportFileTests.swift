import Foundation
import Testing
import Reports

@Suite struct ReportFileTests {
    @Test func writesTheBytesAndNothingElse() throws {
        let folder = try TemporaryFolder()
        let file = folder.url.appendingPathComponent("report.json")
        let bytes = Data((0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try ReportFile.write(bytes, to: file)
        #expect(try Data(contentsOf: file) == bytes)
        #expect(try folder.contents == ["report.json"])
    }

    @Test func replacesAnOlderReportWhole() throws {
        let folder = try TemporaryFolder()
        let file = folder.url.appendingPathComponent("junit.xml")
        try ReportFile.write(Data(repeating: 0x41, count: 4096), to: file)
        try ReportFile.write(Data("short".utf8), to: file)
        #expect(try Data(contentsOf: file) == Data("short".utf8))
        try ReportFile.write(Data(), to: file)
        #expect(try Data(contentsOf: file).isEmpty)
        #expect(try folder.contents == ["junit.xml"])
    }

    @Test func failureNamesTheFileAndLeavesNoTemporaryFile() throws {
        let folder = try TemporaryFolder()
        let missing = folder.url.appendingPathComponent("absent/report.json")
        #expect { try ReportFile.write(Data("x".utf8), to: missing) } throws: { error in
            (error as? ReportFile.WriteError)?.path == missing.path
                && "\(error)".hasPrefix("\(missing.path): cannot write report: cannot create a temporary file")
        }
        // A folder in the way: the temporary file is written, then rename fails and it must go.
        let blocked = folder.url.appendingPathComponent("report.json")
        try FileManager.default.createDirectory(at: blocked, withIntermediateDirectories: false)
        #expect(throws: ReportFile.WriteError.self) { try ReportFile.write(Data("x".utf8), to: blocked) }
        #expect(try folder.contents == ["report.json"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: blocked.path).isEmpty)
    }
}
