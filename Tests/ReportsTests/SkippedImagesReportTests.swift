import Checks
import Datasets
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Reports

/// Image files left out under `unreadable: skip` are named by every report, never dropped silently.
@Suite struct SkippedImagesReportTests {
    static let skipped: [DatasetManifest.SkippedImage] = [
        .init(path: "Parasitized/cell\\xFF.png", cause: .nameNotUTF8, reason: "file name is not valid UTF-8"),
        .init(path: "Uninfected/a<b>.png", cause: .corrupt, reason: "libpng: IDAT: CRC error & more"),
        .init(path: "Uninfected/c.png", cause: .notAnImage, reason: "empty file"),
        .init(path: "Uninfected/d.png", cause: .notAnImage, reason: "empty file"),
    ]

    static var result: VerificationResult {
        var result = SampleResults.result([SampleResults.accuracy])
        result.skippedImages = skipped
        return result
    }

    @Test func terminalSaysHowManyNamesTheFirstAndWhereTheRestAre() {
        let text = TerminalReport.render(Self.result, specName: "malaria", colored: false)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[1] == "4 image files skipped (unreadable: skip): Parasitized/cell\\xFF.png, Uninfected/a<b>.png, "
            + "Uninfected/c.png and 1 more; the JSON, HTML, Markdown and JUnit reports list each with its reason")
        #expect(lines[2] == "")
        let pre = TerminalReport.render(Self.result, specName: "malaria", colored: false, stage: .preTrain)
        #expect(pre.contains("\n4 image files skipped (unreadable: skip): "))
        let clean = TerminalReport.render(SampleResults.result([SampleResults.accuracy]), specName: "malaria", colored: false)
        #expect(!clean.contains("skipped (unreadable"))
    }

    @Test func jsonCarriesEachPathWithItsReason() throws {
        let data = try JSONReport.render(Self.result)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let listed = try #require(object["skippedImages"] as? [[String: String]])
        #expect(listed.map { $0["path"] } == Self.skipped.map(\.path))
        #expect(listed.map { $0["reason"] } == Self.skipped.map(\.reason))
        #expect(listed.map { $0["cause"] } == ["nameNotUTF8", "corrupt", "notAnImage", "notAnImage"])
        #expect(try JSONReport.decoder.decode(VerificationResult.self, from: data) == Self.result)
    }

    @Test func htmlHasASectionListingEveryOne() throws {
        let html = try HTMLReport.render(ReportInputs(result: Self.result, specName: "malaria"))
        let start = try #require(html.range(of: "<section id=\"skipped-images\"><h2>Skipped images</h2>"))
        let end = try #require(html[start.upperBound...].range(of: "</section>"))
        let section = html[start.upperBound..<end.lowerBound]
        #expect(section.contains("<p>4 image files skipped (unreadable: skip); the data set fingerprint covers this list.</p>"),
                "\(section)")
        #expect(section.contains("<tr><td><code>Uninfected/a&lt;b&gt;.png</code></td><td>libpng: IDAT: CRC error &amp; more</td></tr>"))
        #expect(section.contains("<td><code>Uninfected/d.png</code></td>"))
        let clean = try HTMLReport.render(ReportInputs(result: SampleResults.result([SampleResults.accuracy]), specName: "malaria"))
        #expect(clean.contains("<h2>Skipped images</h2>\n<p>None: every image file in the class folders was used.</p>"))
    }

    @Test func markdownListsThemWithTheirReasons() {
        let markdown = MarkdownSummary.render(Self.result, specName: "malaria")
        #expect(markdown.contains("\n4 image files skipped (unreadable: skip):\n\n- `Parasitized/cell\\xFF.png`: file name is not valid UTF-8\n"
            + "- `Uninfected/a<b>.png`: libpng: IDAT: CRC error &amp; more\n"), "\(markdown)")
        let many = SampleResults.result([SampleResults.accuracy])
        var long = many
        long.skippedImages = (0..<25).map { .init(path: "a/\($0).png", cause: .notAnImage, reason: "empty file") }
        let cut = MarkdownSummary.render(long, specName: "malaria")
        #expect(cut.contains("- `a/9.png`: empty file\n\n… and 15 more; see the full report."), "\(cut)")
        #expect(!MarkdownSummary.render(many, specName: "malaria").contains("skipped (unreadable"))
    }

    @Test func junitCountsThemInAPropertyAndListsThemInTheSuiteOutput() {
        let xml = JUnitReport.render(Self.result, specName: "malaria", duration: .seconds(1))
        #expect(XMLParser(data: Data(xml.utf8)).parse(), "well-formed with the suite's output")
        #expect(xml.contains("<property name=\"dataset.skippedImages\" value=\"4\"/>"))
        #expect(xml.contains("    <system-out>4 image files skipped (unreadable: skip):\nParasitized/cell\\xFF.png: file name is not valid UTF-8\n"
            + "Uninfected/a&lt;b&gt;.png: libpng: IDAT: CRC error &amp; more\n"), "\(xml)")
        let clean = JUnitReport.render(SampleResults.result([SampleResults.accuracy]), specName: "malaria", duration: .seconds(1))
        #expect(clean.contains("<property name=\"dataset.skippedImages\" value=\"0\"/>"))
        #expect(!clean.contains("skipped (unreadable"))
    }
}
