import Checks
import Datasets
import Foundation
import Imaging
import Testing
@testable import Reports

@Suite struct HTMLReportTests {
    /// The `src` of every `<img>` tag, in order.
    static func imageSources(_ html: String) -> [String] {
        html.components(separatedBy: "<img").dropFirst().map { tag in
            guard let start = tag.range(of: "src=\"") else { return "" }
            return String(tag[start.upperBound...].prefix { $0 != "\"" })
        }
    }

    @Test func verdictComesFirstWithItsExitCode() throws {
        let html = try HTMLReport.render(HTMLReportSamples.full)
        let verdict = try #require(html.range(of: "<div class=\"word\">FAILED</div>"))
        #expect(html.contains("exit code 1"))
        let checks = try #require(html.range(of: "<h2>Checks</h2>"))
        #expect(verdict.lowerBound < checks.lowerBound)
        // Sections can be linked to: report.html#confusion-matrix opens the page there.
        for id in ["checks", "confusion-matrix", "roc-curve", "training", "invariance", "misclassified-test-images", "data-splits",
                   "hyper-parameters", "hashes"] {
            #expect(html.contains("<section id=\"\(id)\"><h2>"), "\(id)")
        }

        let passed = ReportInputs(result: SampleResults.result([SampleResults.accuracy]), specName: "m")
        #expect(try HTMLReport.render(passed).contains("<div class=\"word\">PASSED</div>"))
        let inconclusive = ReportInputs(result: SampleResults.result([SampleResults.rotate90]), specName: "m")
        #expect(try HTMLReport.render(inconclusive).contains("exit code 3"))
    }

    @Test func everyCheckHasARowAndFailuresStandOut() throws {
        let inputs = HTMLReportSamples.full
        let html = try HTMLReport.render(inputs)
        for check in inputs.result.checks {
            #expect(html.contains("<code>\(HTMLReport.escape(check.id))</code>"), "\(check.id)")
        }
        #expect(html.contains("<td class=\"num\">0.962 [0.931, 0.980]</td>"))
        #expect(html.components(separatedBy: "<tr class=\"row-fail\">").count - 1 == 2)
        #expect(html.contains("<summary>evidence (7)</summary>"))
    }

    @Test func calibrationSectionOnlyWithACalibrationCheck() throws {
        #expect(!(try HTMLReport.render(HTMLReportSamples.full)).contains("id=\"calibration\""))
        var inputs = HTMLReportSamples.full
        let check = CheckResult(id: "calibration", kind: "calibration", title: "ECE ≤ 0.05 (2 equal-mass bins, after temperature scaling)",
                                severity: .required, verdict: .pass, value: 0.03, message: "ECE 0.2 before, 0.03 with T = 4.8")
        inputs.result.checks.append(check)
        inputs.calibration = [ReliabilityFigure(checkID: "calibration", bins: [(0.6, 0.8, 0.7, 0.5, 50), (0.8, 1, 0.95, 0.7, 51)],
                                                scaled: (4.8, [(0.5, 0.6, 0.55, 0.5, 50), (0.6, 0.9, 0.72, 0.7, 51)]))]
        let html = try HTMLReport.render(inputs)
        let section = try #require(html.range(of: "<section id=\"calibration\"><h2>Calibration</h2>"))
        let part = String(html[section.lowerBound...]).components(separatedBy: "</section>")[0]
        #expect(part.contains("ECE 0.2 before, 0.03 with T = 4.8") && part.contains("<svg") && part.contains("n=51"))
        #expect(part.contains("T = 4.800"))
        // The bins' table: count, confidence range, mean confidence and accuracy, before and after.
        #expect(part.contains("<td class=\"num\">51</td><td class=\"num\">0.800–1</td><td class=\"num\">0.950</td><td class=\"num\">0.700</td>"
            + "<td class=\"num\">0.720</td><td class=\"num\">0.700</td>"), "\(part)")
    }

    @Test func driftSectionOnlyWithADriftCheckWorstPropertyFirst() throws {
        #expect(!(try HTMLReport.render(HTMLReportSamples.full)).contains("id=\"drift\""))
        var inputs = HTMLReportSamples.full
        inputs.result.checks.append(CheckResult(id: "drift", kind: "drift", title: "judged data like the training split", severity: .required,
                                                verdict: .fail, value: 1e-9, message: "drift in brightness (D 0.800)"))
        inputs.drift = [DriftFigure(checkID: "drift", properties: [
            .init(name: "brightness", reference: [1, 2, 3], judged: [7, 8, 9], summary: "KS D 0.8, corrected p 1e-9", drifts: true),
            .init(name: "width", reference: [18, 18], judged: [18], summary: "KS D 0, corrected p 1", drifts: false),
        ], notes: ["embeddings: MMD² 0.3, corrected p 0.0005: drift"])]
        let html = try HTMLReport.render(inputs)
        let section = try #require(html.range(of: "<section id=\"drift\"><h2>Drift</h2>"))
        let part = String(html[section.lowerBound...]).components(separatedBy: "</section>")[0]
        #expect(part.contains("drift in brightness (D 0.800)") && part.contains("<li>embeddings: MMD² 0.3, corrected p 0.0005: drift</li>"))
        let brightness = try #require(part.range(of: "brightness (drift)")), width = try #require(part.range(of: ">width<"))
        #expect(brightness.lowerBound < width.lowerBound && part.components(separatedBy: "<svg").count - 1 == 2)
    }

    /// A sliced check gets a chart and a table of its slices, worst first, with intervals; others do not.
    @Test func slicesSectionShowsEachPatientWorstFirst() throws {
        // Patient A: 10 of 10 right; B: 4 of 10; C: 2 images, too few to judge.
        let labels = Array(repeating: 1, count: 22)
        let right: [Bool] = Array(repeating: true, count: 10) + (0..<10).map { $0 < 4 } + [true, false]
        let logits: [Float] = right.flatMap { $0 ? [-2, 2] : [2, -2] }
        let groups = Array(repeating: "A", count: 10) + Array(repeating: "B", count: 10) + ["C", "C"]
        let table = try SliceTable(.accuracy, on: DatasetPredictions(logits: logits, labels: labels, classes: 2), positive: 1,
                                   groups: groups, by: "patient", minSize: 5, confidence: 0.95)
        #expect(table.rows.map { $0.name } == ["B", "A", "C"] && table.worst?.value == 0.4 && table.gap == 0.6)
        var check = SampleResults.accuracy
        check.slices = table
        let html = try HTMLReport.render(ReportInputs(result: SampleResults.result([check]), specName: "m"))
        let section = try #require(html.range(of: "<section id=\"slices\">").map { String(html[$0.lowerBound...]) })
        let b = try #require(section.range(of: "<td>B</td>")), a = try #require(section.range(of: "<td>A</td>"))
        #expect(b.lowerBound < a.lowerBound, "worst first")
        #expect(section.contains("listed (fewer than 5)") && section.contains("<svg"))
        #expect(!(try HTMLReport.render(ReportInputs(result: SampleResults.result([SampleResults.accuracy]), specName: "m"))).contains("id=\"slices\""))
    }

    /// Perturbation checks get a chart of the metric per level, a table with intervals and their gallery;
    /// a corruption's levels from two checks make one line.
    @Test func robustnessSectionShowsChartTableAndGallery() throws {
        func row(_ level: Double, _ changed: Int, gated: Bool = true) -> PerturbationTable.Row {
            .init(level: level, changed: changed, samples: 100, flipRate: Double(changed) / 100, flipInterval: [0, 0.2],
                  metric: 0.9 - Double(changed) / 100, drop: Double(changed) / 100, dropInterval: [0, 0.3], gated: gated,
                  changedImages: changed > 0 ? ["Parasitized/C1_a.png"] : [])
        }
        func check(_ id: String, _ table: PerturbationTable) -> CheckResult {
            var r = CheckResult(id: id, kind: id.hasPrefix("colour") ? "colour_shift" : "robustness", title: "t", severity: .required,
                                verdict: .pass, samples: 100, message: "m")
            r.perturbations = table
            r.seconds = 1.25
            return r
        }
        let gated = check("robustness.jpeg", .init(kind: .corruption, name: "jpeg", metric: "accuracy", clean: 0.9, rows: [row(1, 0), row(2, 3)], seed: 0))
        let severe = check("severe.jpeg", .init(kind: .corruption, name: "jpeg", metric: "accuracy", clean: 0.9, rows: [row(5, 30, gated: false)], seed: 0))
        let hue = check("colour_shift.hue_rotation", .init(kind: .colourShift, name: "hue_rotation", metric: "accuracy", clean: 0.9,
                                                            rows: [row(-20, 2), row(20, 4)], seed: 0))
        var inputs = ReportInputs(result: SampleResults.result([gated, severe, hue]), specName: "m")
        inputs.perturbed = [BeforeAfterImage(change: "severe.jpeg", original: HTMLReportSamples.image(seed: 1),
                                             changed: HTMLReportSamples.image(seed: 2), caption: "C1_a.png: a → b", classChanged: true)]
        let html = try HTMLReport.render(inputs)
        let section = try #require(html.range(of: "<section id=\"robustness\">").map { String(html[$0.lowerBound...].prefix { _ in true }) })
        let part = String(section[..<(section.range(of: "</section>")?.lowerBound ?? section.endIndex)])
        #expect(part.contains("accuracy under corruption") && part.components(separatedBy: "role=\"img\"").count - 1 == 2, "two charts")
        #expect(part.contains("<td class=\"num\">5 (not gated)</td>") && part.contains("30 of 100: 0.300 [0.000, 0.200]"))
        #expect(part.contains("<code>severe.jpeg</code>: images whose class changed") && part.contains("C1_a.png: a → b"))
        // Both jpeg checks draw one line: its legend entry appears once.
        #expect(part.components(separatedBy: ">jpeg</text>").count - 1 == 1)
        #expect(html.contains("<td class=\"num\">1.2 s</td>") || html.contains("<td class=\"num\">1.3 s</td>"), "each check's time")
        #expect(!(try HTMLReport.render(ReportInputs(result: SampleResults.result([SampleResults.accuracy]), specName: "m"))).contains("id=\"robustness\""))
    }

    @Test func selfContained() throws {
        let html = try HTMLReport.render(HTMLReportSamples.full).lowercased()
        #expect(!html.contains("http://"))
        #expect(!html.contains("https://"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("<link"))
    }

    @Test func picturesAreEmbeddedPNGs() throws {
        let html = try HTMLReport.render(HTMLReportSamples.full)
        let sources = Self.imageSources(html)
        // Only real images: 2 changed pairs and 3 misclassified; charts are not images.
        #expect(sources.count == 4 + 3)
        let prefix = "data:image/png;base64,"
        for source in sources {
            #expect(source.hasPrefix(prefix))
            let data = try #require(Data(base64Encoded: String(source.dropFirst(prefix.count))))
            let image = try ImageDecoder.decode([UInt8](data), name: "embedded")
            #expect(image.width > 0 && image.height > 0)
        }
        // Transforms come in the order their checks ran: rotate90 first, whose changed pair starts with image 5.
        let thumbnail = try ImageDecoder.decode([UInt8](try #require(Data(base64Encoded: String(sources[0].dropFirst(prefix.count))))),
                                                name: "first original")
        #expect(thumbnail == HTMLReportSamples.image(seed: 5))
        #expect(html.contains("image-rendering: pixelated"))
    }

    @Test func chartsAreInlineSVG() throws {
        let html = try HTMLReport.render(HTMLReportSamples.full)
        let figures = html.components(separatedBy: "<figure class=\"chart\">").dropFirst().map { $0.components(separatedBy: "</figure>")[0] }
        // Confusion matrix, ROC, loss, accuracy, invariance bars.
        #expect(figures.count == 5)
        #expect(figures.allSatisfy { $0.hasPrefix("<svg ") && !$0.contains("<img") })
        #expect(html.components(separatedBy: "role=\"img\"").count - 1 == 5)
        #expect(!html.contains("xmlns"), "inline SVG needs no namespace, and the page names no address")
        for title in ["Test split", "ROC curve (test split)", "Loss", "Validation accuracy", "Predictions unchanged"] {
            #expect(html.contains("<title>\(title)</title>"), "\(title)")
        }
        // Class names are real text in the chart, escaped where they hold markup characters.
        #expect(html.contains(">Plasmodium ovale – Ünïcode</text>"))
        #expect(html.contains(">uninfected &lt;&amp;&gt;</text>"))
        for axis in [">false positive rate</text>", ">cross-entropy</text>", ">predicted</text>", ">share of test images</text>"] {
            #expect(html.contains(axis), "\(axis)")
        }
    }

    @Test func theConfusionMatrixSaysWhichThresholdDecided() throws {
        var inputs = HTMLReportSamples.full
        inputs.threshold = 0.0312345
        #expect(try HTMLReport.render(inputs).contains("<title>Test split at threshold 0.03123 (operating point)</title>"))
    }

    @Test func escapesText() throws {
        let check = CheckResult(id: "x<y", kind: "metric", title: "t", severity: .required, verdict: .fail,
                                message: "1 < 2 & 3 > 2 \"q\"", evidence: ["<img src=x>"])
        let html = try HTMLReport.render(ReportInputs(result: SampleResults.result([check]), specName: "<b>spec</b>",
                                                      hyperparameters: [("a&b", "<i>")]))
        #expect(html.contains("1 &lt; 2 &amp; 3 &gt; 2 &quot;q&quot;"))
        #expect(!html.contains("1 < 2"))
        #expect(html.contains("<code>x&lt;y</code>"))
        #expect(html.contains("<li>&lt;img src=x&gt;</li>"))
        #expect(html.contains("&lt;b&gt;spec&lt;/b&gt;"))
        #expect(html.contains("a&amp;b") && html.contains("&lt;i&gt;"))
        #expect(Self.imageSources(html).isEmpty)
        let hostile = try HTMLReport.render(HTMLReportSamples.full)
        #expect(hostile.contains("message a&lt;b &amp; c&gt;d &quot;q&quot; &apos;a&apos; \u{FFFD}end second line"))
        #expect(!hostile.contains("\u{1}"))
    }

    @Test func missingPiecesSayNotAvailable() throws {
        let html = try HTMLReport.render(ReportInputs(result: SampleResults.oneFailure, specName: "bare"))
        for section in ["Confusion matrix", "ROC curve", "Training", "Invariance", "Misclassified test images", "Data splits",
                        "Hyper-parameters", "Hashes"] {
            let start = try #require(html.range(of: "<h2>\(section)</h2>"), "\(section)")
            #expect(html[start.upperBound...].prefix(80).contains("not available"), "\(section)")
        }
        #expect(Self.imageSources(html).isEmpty)
    }
}
