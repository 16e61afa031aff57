import Foundation
import Imaging
import Testing
import Reports

/// Opens the report in a real browser: the page must lay out and paint, not just be well-formed text.
@Suite struct HTMLReportBrowserTests {
    /// Debian's package; CI's setup installs it, so its absence is a failure rather than a reason to skip.
    static let chromium = "/usr/bin/chromium"

    @Test func chromiumPaintsTheReport() throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.chromium), "install Debian's chromium package (ci/setup does)")
        try #require(FileManager.default.isExecutableFile(atPath: Self.chromium))
        let folder = try TemporaryFolder()
        let page = folder.url.appendingPathComponent("report.html")
        let screenshot = folder.url.appendingPathComponent("report.png")
        try HTMLReport.render(HTMLReportSamples.full).write(to: page, atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.chromium)
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars", "--no-first-run",
            // A profile of its own, so the test neither reads nor leaves state in the user's.
            "--user-data-dir=" + folder.url.appendingPathComponent("profile").path,
            "--screenshot=" + screenshot.path, "--window-size=1200,2400", page.absoluteString,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // A browser that hangs must fail the test, not stall the suite.
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()

        #expect(process.terminationStatus == 0)
        let image = try ImageDecoder.decode(contentsOf: screenshot)
        #expect(image.width >= 1000 && image.height >= 2000)
        var colours = Set<UInt32>()
        for offset in stride(from: 0, to: image.pixels.count, by: 3) {
            colours.insert(UInt32(image.pixels[offset]) << 16 | UInt32(image.pixels[offset + 1]) << 8 | UInt32(image.pixels[offset + 2]))
        }
        // Text, charts and pictures give thousands; a blank or error page gives a handful.
        #expect(colours.count > 500, "\(colours.count) distinct colours")
    }
}
