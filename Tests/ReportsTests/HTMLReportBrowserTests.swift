import Charts
import Foundation
import Imaging
import Testing
import Reports

/// Opens the report in a real browser: the page must lay out and paint, charts included, not just be well-formed text.
@Suite struct HTMLReportBrowserTests {
    /// Debian's package; CI's setup installs it, so its absence is a failure rather than a reason to skip.
    static let chromium = "/usr/bin/chromium"

    /// `html` as headless Chromium paints it in a window `width` × `height` CSS pixels large.
    private func screenshot(_ html: String, width: Int, height: Int) throws -> RGBImage {
        #expect(FileManager.default.isExecutableFile(atPath: Self.chromium), "install Debian's chromium package (ci/setup does)")
        try #require(FileManager.default.isExecutableFile(atPath: Self.chromium))
        let folder = try TemporaryFolder()
        let page = folder.url.appendingPathComponent("page.html")
        let screenshot = folder.url.appendingPathComponent("page.png")
        try html.write(to: page, atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.chromium)
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars", "--no-first-run",
            "--force-device-scale-factor=1",
            // A profile of its own, so the test neither reads nor leaves state in the user's.
            "--user-data-dir=" + folder.url.appendingPathComponent("profile").path,
            "--screenshot=" + screenshot.path, "--window-size=\(width),\(height)", page.absoluteString,
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
        return try ImageDecoder.decode(contentsOf: screenshot)
    }

    /// Pixels within `tolerance` of `color` on every channel, in the rectangle given (the whole image by default).
    private func count(
        in image: RGBImage, near color: ChartColor, tolerance: Int = 24, x: Range<Int>? = nil, y: Range<Int>? = nil
    ) -> Int {
        let xs = x ?? 0..<image.width, ys = y ?? 0..<image.height
        var found = 0
        for row in ys.clamped(to: 0..<image.height) {
            for column in xs.clamped(to: 0..<image.width) {
                let p = image[x: column, y: row]
                if abs(Int(p.red) - Int(color.red)) <= tolerance && abs(Int(p.green) - Int(color.green)) <= tolerance
                    && abs(Int(p.blue) - Int(color.blue)) <= tolerance { found += 1 }
            }
        }
        return found
    }

    /// Pixels clearly darker than the page's light backgrounds: text, lines, dark cells.
    private func ink(in image: RGBImage, x: Range<Int>? = nil, y: Range<Int>? = nil) -> Int {
        let xs = (x ?? 0..<image.width).clamped(to: 0..<image.width), ys = (y ?? 0..<image.height).clamped(to: 0..<image.height)
        var found = 0
        for row in ys {
            for column in xs {
                let p = image[x: column, y: row]
                if Int(p.red) + Int(p.green) + Int(p.blue) < 3 * 160 { found += 1 }
            }
        }
        return found
    }

    @Test func chromiumPaintsTheReportWithItsCharts() throws {
        let image = try screenshot(try HTMLReport.render(HTMLReportSamples.full), width: 1200, height: 4200)
        #expect(image.width == 1200 && image.height == 4200)
        // Text, charts and pictures cover a good share of the page; a blank or error page has almost no ink.
        let inked = ink(in: image)
        #expect(inked > image.width * image.height / 100, "\(inked) dark pixels")
        var colours = Set<UInt32>()
        for offset in stride(from: 0, to: image.pixels.count, by: 3) {
            colours.insert(UInt32(image.pixels[offset]) << 16 | UInt32(image.pixels[offset + 1]) << 8 | UInt32(image.pixels[offset + 2]))
        }
        #expect(colours.count > 500, "\(colours.count) distinct colours")
        // Series and shading colours appear only in charts: the training lines, the ROC curve, the invariance bars
        // and the confusion matrix's dark diagonal all painted.
        #expect(count(in: image, near: .blue) > 2000, "blue lines and bars")
        #expect(count(in: image, near: .orange) > 300, "orange validation lines")
        #expect(count(in: image, near: ConfusionMatrixChart.shade(0.95)) > 5000, "confusion matrix diagonal")
    }

    @Test func chromiumDrawsAChartWhereItsLayoutSays() throws {
        var chart = LineChart(title: "Loss – Ünïcode", xLabel: "step", yLabel: "cross-entropy")
        chart.add(series: .init(name: "training", points: [(0, 0.7), (50, 0.4), (100, 0.2)], color: .blue, lineWidth: 3))
        let layout = chart.layout(width: 640, height: 400)
        let page = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><style>body { margin: 0; }</style></head><body>"
            + chart.render(width: 640, height: 400).markup + "</body></html>"
        let image = try screenshot(page, width: 640, height: 400)

        // The line passes through each data point's position.
        for (x, y) in [(0.0, 0.7), (25, 0.55), (50, 0.4), (100, 0.2)] {
            let at = layout.position(x: x, y: y)
            let near = count(in: image, near: .blue, tolerance: 40, x: Int(at.x) - 2..<Int(at.x) + 3, y: Int(at.y) - 2..<Int(at.y) + 3)
            #expect(near > 3, "line at (\(x), \(y))")
        }
        // Far from the line the plot is empty.
        let empty = layout.position(x: 90, y: 0.65)
        #expect(count(in: image, near: .blue, tolerance: 60, x: Int(empty.x) - 5..<Int(empty.x) + 5, y: Int(empty.y) - 5..<Int(empty.y) + 5) == 0)
        let plot = layout.plot
        // Title above the plot, tick labels left of it and below it, axis title at the left edge.
        #expect(ink(in: image, x: Int(plot.x)..<Int(plot.maxX), y: 0..<Int(plot.y) - 4) > 100, "title")
        #expect(ink(in: image, x: 30..<Int(plot.x) - 6, y: Int(plot.y)..<Int(plot.maxY)) > 100, "y tick labels")
        #expect(ink(in: image, x: Int(plot.x)..<Int(plot.maxX), y: Int(plot.maxY) + 6..<Int(plot.maxY) + 22) > 100, "x tick labels")
        #expect(ink(in: image, x: 0..<30, y: Int(plot.y)..<Int(plot.maxY)) > 50, "y axis title")
    }
}
