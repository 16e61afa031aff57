import Charts
import Checks
import Formatting
import Foundation
import Imaging

/// A verification as one self-contained HTML page for people: the verdict, the checks, and the pictures behind them.
///
/// The page fetches nothing and runs nothing (a content security policy says so to the browser): styles are
/// inline, charts are inline SVG (sharp at any zoom, their text searchable) and pictures of test images are PNG
/// data URIs, so the file can be archived, mailed or opened from a CI artifact as it is.
public enum HTMLReport {
    /// The whole page, in the order a reviewer reads it: verdict, checks, then the evidence.
    public static func render(_ inputs: ReportInputs) throws -> String {
        let result = inputs.result
        let sections = try [
            header(inputs), verdict(result), checks(result), confusion(inputs), roc(inputs), training(inputs),
            invariance(inputs), robustness(inputs), slices(result), calibration(inputs), drift(inputs), misclassified(inputs), splits(inputs),
            skippedImages(result), modelCard(inputs), hyperparameters(inputs), hashes(inputs),
        ]
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(inputs.specName)): \(result.outcome.rawValue.uppercased())</title>
            <style>\(stylesheet)</style>
            </head>
            <body>
            <main>
            \(sections.joined(separator: "\n"))
            <footer>\(footer(result))</footer>
            </main>
            </body>
            </html>

            """
    }

    // MARK: Sections

    private static func header(_ inputs: ReportInputs) -> String {
        let result = inputs.result
        return """
            <header><p class="eyebrow">modelcheck verification report</p><h1>\(escape(inputs.specName))</h1>
            <p class="meta">model <code>\(escape(result.model.path))</code> · \(escape(result.date))</p></header>
            """
    }

    private static func verdict(_ result: VerificationResult) -> String {
        let outcome = result.outcome
        return """
            <section class="verdict \(outcome.rawValue)"><div class="word">\(CheckText.outcome(result))</div>
            <div class="reason">\(escape(CheckText.outcomeReason(result)))</div><div class="exit">exit code \(outcome.exitCode)</div></section>
            """
    }

    private static func checks(_ result: VerificationResult) -> String {
        guard !result.checks.isEmpty else { return section("Checks", notAvailable("No checks were run.")) }
        let rows = result.checks.map { check -> String in
            let label = CheckText.verdict(check)
            let samples = check.samples.map(String.init) ?? "–"
            return """
                <tr class="row-\(label.lowercased())"><td class="id"><code>\(escape(check.id))</code>\
                <div class="title">\(escape(check.title))</div></td>\
                <td class="num">\(escape(CheckText.value(check)))</td>\
                <td class="num">\(escape(CheckText.bound(check)))</td><td class="num">\(samples)</td>\
                <td><span class="badge \(label.lowercased())">\(label)</span></td><td class="num">\(check.seconds.map { String(format: "%.1f s", $0) } ?? "–")</td>\
                <td class="detail">\(checkDetails(check))</td></tr>
                """
        }
        let table = """
            <table class="checks"><thead><tr><th>check</th><th class="num">value</th><th class="num">bound</th>\
            <th class="num">samples</th><th>verdict</th><th class="num">time</th><th>details</th></tr></thead>
            <tbody>
            \(rows.joined(separator: "\n"))
            </tbody></table>
            """
        return section("Checks", table)
    }

    /// The message, the named numbers and the evidence; evidence starts open where the check did not pass.
    private static func checkDetails(_ check: CheckResult) -> String {
        var parts = ["<p>\(escape(check.message))</p>"]
        if !check.details.isEmpty {
            // Sorted, as dictionaries come in a different order each run and reports should diff cleanly.
            let items = check.details.sorted { $0.key < $1.key }
                .map { "<span><b>\(escape($0.key))</b> \(escape(CheckText.number($0.value)))</span>" }
            parts.append("<p class=\"numbers\">\(items.joined(separator: " "))</p>")
        }
        if !check.evidence.isEmpty {
            let open = check.verdict == .fail || check.verdict == .inconclusive ? " open" : ""
            let items = check.evidence.map { "<li>\(escape($0))</li>" }.joined()
            parts.append("<details\(open)><summary>evidence (\(check.evidence.count))</summary><ul>\(items)</ul></details>")
        }
        return parts.joined()
    }

    private static func confusion(_ inputs: ReportInputs) -> String {
        guard !inputs.confusion.isEmpty else { return section("Confusion matrix", notAvailable("No confusion matrix is available.")) }
        let at = inputs.threshold.map { String(format: " at threshold %.4g (operating point)", $0) } ?? ""
        let chart = ConfusionMatrixChart(classNames: inputs.classNames, counts: inputs.confusion, title: "Test split" + at)
        let note = "<p class=\"note\">Rows are true classes, columns predicted ones; shading is the share of the row.</p>"
        return section("Confusion matrix", figure(chart.render(width: 640, height: 440)) + note)
    }

    private static func roc(_ inputs: ReportInputs) -> String {
        guard !inputs.roc.isEmpty else { return section("ROC curve", notAvailable("No ROC curve is available.")) }
        var chart = LineChart.roc(title: "ROC curve (test split)")
        let name = inputs.auc.map { "AUC " + CheckText.number($0) } ?? "test split"
        chart.add(series: .init(name: name, points: inputs.roc.map { ($0.falsePositiveRate, $0.truePositiveRate) }, color: .blue))
        let auc = inputs.auc.map { "<p class=\"figure-number\">ROC-AUC <b>\(escape(CheckText.number($0)))</b></p>" }
            ?? "<p class=\"note\">AUC not available.</p>"
        return section("ROC curve", auc + figure(chart.render(width: 640, height: 480)))
    }

    private static func training(_ inputs: ReportInputs) -> String {
        let log = inputs.trainingCurves
        var figures: [String] = []
        if TrainingCurveCharts.hasLoss(log) { figures.append(figure(TrainingCurveCharts.loss(log).render(width: 500, height: 360))) }
        if TrainingCurveCharts.hasAccuracy(log) {
            figures.append(figure(TrainingCurveCharts.accuracy(log).render(width: 500, height: 360)))
        }
        guard !figures.isEmpty else { return section("Training", notAvailable("No training curves are available.")) }
        return section("Training", "<div class=\"charts\">\(figures.joined())</div>")
    }

    /// Each transform's check, then the images whose class it changed.
    private static func invariance(_ inputs: ReportInputs) throws -> String {
        let checks = inputs.result.checks.filter { $0.kind == "invariance" }
        // Transforms in the order the checks ran, then any that only have pictures.
        var transforms: [String] = []
        for name in checks.map(transformName) + inputs.invariance.map(\.change) where !transforms.contains(name) {
            transforms.append(name)
        }
        guard !transforms.isEmpty else { return section("Invariance", notAvailable("No invariance results are available.")) }
        var parts: [String] = []
        let rated = checks.compactMap { check in (check.estimate ?? check.value).map { (transformName(check), $0) } }
        if !rated.isEmpty {
            var chart = BarChart(title: "Predictions unchanged", valueLabel: "share of test images", orientation: .horizontal)
            chart.valueRange = 0...1
            chart.valueStyle = .percent
            for (name, share) in rated { chart.add(name, share) }
            parts.append(figure(chart.render(width: 640, height: 100 + 40 * Double(rated.count))))
        }
        for name in transforms {
            let heading = checkHeading(name, checks.first { transformName($0) == name })
            let items = inputs.invariance.filter { $0.change == name }
            let changed = items.filter(\.classChanged)
            let gallery: String
            if changed.isEmpty {
                gallery = items.isEmpty ? notAvailable("No images are available for this transform.")
                    : "<p class=\"note\">None of the \(items.count) pictured images changed class.</p>"
            } else {
                gallery = "<div class=\"gallery\">" + (try changed.map { item in
                    """
                    <figure class="pair"><div class="pair-images"><div>\(try pixelImage(item.original, alt: "original"))\
                    <span>original</span></div><div>\(try pixelImage(item.changed, alt: "transformed"))\
                    <span>\(escape(name))</span></div></div><figcaption>\(escape(item.caption))</figcaption></figure>
                    """
                }.joined()) + "</div>"
            }
            parts.append(heading + gallery)
        }
        return section("Invariance", parts.joined(separator: "\n"))
    }

    /// Each drift check's verdict, then per image property the training and judged histograms over each other, worst
    /// first, and the embeddings' and predicted classes' lines; empty when the spec has no drift check.
    private static func drift(_ inputs: ReportInputs) -> String {
        guard !inputs.drift.isEmpty else { return "" }
        let parts = inputs.drift.map { drift -> String in
            let heading = checkHeading(drift.checkID, inputs.result.checks.first { $0.id == drift.checkID })
            let notes = drift.notes.isEmpty ? "" : "<ul>" + drift.notes.map { "<li>\(escape($0))</li>" }.joined() + "</ul>"
            let charts = drift.properties.map { property -> String in
                let chart = OverlaidHistogram(title: property.name + (property.drifts ? " (drift)" : ""), valueLabel: property.summary,
                                              series: [.init(name: "training", values: property.reference),
                                                       .init(name: "judged", values: property.judged)])
                return figure(chart.render(width: 480, height: 300))
            }
            return heading + notes + "<div class=\"charts\">\(charts.joined())</div>"
        }
        return section("Drift", parts.joined(separator: "\n"))
    }

    /// Each calibration check's verdict, its reliability diagram and its bins as a table, since bins crowd where a
    /// good model is confident and their count labels cannot all fit; empty when the spec has no calibration check.
    private static func calibration(_ inputs: ReportInputs) -> String {
        guard !inputs.calibration.isEmpty else { return "" }
        let parts = inputs.calibration.map { diagram -> String in
            let heading = checkHeading(diagram.checkID, inputs.result.checks.first { $0.id == diagram.checkID })
            func points(_ bins: [ReliabilityFigure.Bin]) -> [ReliabilityDiagram.Bin] { bins.map { ($0.confidence, $0.accuracy, $0.count) } }
            var series = [(name: "model (T = 1)", bins: points(diagram.bins))]
            if let scaled = diagram.scaled { series.append((name: "T = \(CheckText.number(scaled.temperature))", bins: points(scaled.bins))) }
            let chart = ReliabilityDiagram.chart(title: "Reliability diagram (test split, equal-mass bins)", series: series)
            var head = "<tr><th class=\"num\">bin</th><th class=\"num\">images</th><th class=\"num\">confidence</th>"
                + "<th class=\"num\">mean confidence</th><th class=\"num\">accuracy</th>"
            if diagram.scaled != nil { head += "<th class=\"num\">mean confidence, scaled</th><th class=\"num\">accuracy, scaled</th>" }
            let rows = diagram.bins.enumerated().map { m, bin -> String in
                var cells = [String(m + 1), String(bin.count), "\(CheckText.number(bin.lower))–\(CheckText.number(bin.upper))",
                             CheckText.number(bin.confidence), CheckText.number(bin.accuracy)]
                if let scaled = diagram.scaled, scaled.bins.indices.contains(m) {
                    cells += [CheckText.number(scaled.bins[m].confidence), CheckText.number(scaled.bins[m].accuracy)]
                }
                return "<tr>" + cells.map { "<td class=\"num\">\(escape($0))</td>" }.joined() + "</tr>"
            }
            return heading + figure(chart.render(width: 560, height: 480))
                + "<table><thead>\(head)</tr></thead><tbody>\(rows.joined())</tbody></table>"
        }
        return section("Calibration", parts.joined(separator: "\n"))
    }

    /// The spec's transform name: invariance check ids are `<check id>.<transform>`.
    private static func transformName(_ check: CheckResult) -> String {
        check.id.split(separator: ".").last.map(String.init) ?? check.id
    }

    private static func misclassified(_ inputs: ReportInputs) throws -> String {
        guard !inputs.misclassified.isEmpty else {
            return section("Misclassified test images", notAvailable("No misclassified images are available."))
        }
        let figures = try inputs.misclassified.map { item in
            "<figure>\(try pixelImage(item.image, alt: item.caption))<figcaption>\(escape(item.caption))</figcaption></figure>"
        }
        return section("Misclassified test images", "<div class=\"gallery\">\(figures.joined())</div>")
    }

    private static func splits(_ inputs: ReportInputs) -> String {
        guard !inputs.splitCounts.isEmpty else { return section("Data splits", notAvailable("No split counts are available.")) }
        let classCount = max(inputs.classNames.count, inputs.splitCounts.map(\.perClass.count).max() ?? 0)
        let names = (0..<classCount).map { inputs.classNames.indices.contains($0) ? inputs.classNames[$0] : "class \($0)" }
        let head = "<tr><th>split</th>" + names.map { "<th class=\"num\">\(escape($0))</th>" }.joined()
            + "<th class=\"num\">images</th><th class=\"num\">groups</th></tr>"
        let rows = inputs.splitCounts.map { split in
            let counts = (0..<classCount).map { split.perClass.indices.contains($0) ? String(split.perClass[$0]) : "–" }
            return "<tr><td>\(escape(split.split))</td>" + counts.map { "<td class=\"num\">\($0)</td>" }.joined()
                + "<td class=\"num\">\(split.perClass.reduce(0, +))</td><td class=\"num\">\(split.groups)</td></tr>"
        }
        return section("Data splits", "<table><thead>\(head)</thead><tbody>\(rows.joined())</tbody></table>")
    }

    /// The model card's intended use and the limitations the numbers show; the whole card is
    /// model_card.md beside this report.
    private static func modelCard(_ inputs: ReportInputs) -> String {
        let use = inputs.description.map { "<p>Intended use: \(escape($0))</p>" } ?? "<p>The spec gives no intended use (`description:`).</p>"
        let limits = ModelCard.limitations(inputs.result)
        let list = limits.isEmpty ? "<p>No limitation the checks measured.</p>" : "<ul>" + limits.map { "<li>\(escape($0))</li>" }.joined() + "</ul>"
        return section("Model card", use + "<p>Limitations the numbers show (the whole card is model_card.md beside this report):</p>" + list)
    }

    /// The corruptions and colour shifts: the metric against each level (corruptions together, x = severity,
    /// 0 the clean images; each shift on its own, x = its amount), every level's share of changed decisions and
    /// drop with their intervals, and images whose class changed at the strongest level that changed any.
    /// Absent when the spec has no such check.
    private static func robustness(_ inputs: ReportInputs) throws -> String {
        let checks = inputs.result.checks.filter { $0.perturbations != nil && !$0.id.contains("@") }
        guard !checks.isEmpty else { return "" }
        var parts: [String] = []
        let tables = checks.compactMap(\.perturbations)
        // One axis for every chart: from chance (or 0) to 1, so a drop of a point looks like one.
        let lowest = tables.flatMap { $0.rows.compactMap(\.metric) + [$0.clean].compactMap { $0 } }.min() ?? 1
        let range = lowest >= 0.5 ? 0.5...1.0 : 0.0...1.0
        // A corruption's levels may come from several checks (gated 1–3, reported 4–5): one line each.
        let corruptions = tables.filter { $0.kind == .corruption }
        if let metric = corruptions.first?.metric {
            var chart = LineChart(title: "\(metric) under corruption", xLabel: "severity (0: clean)", yLabel: metric)
            chart.yRange = range
            for name in corruptions.map(\.name).reduce(into: [String](), { if !$0.contains($1) { $0.append($1) } }) {
                let same = corruptions.filter { $0.name == name }
                let levels = same.flatMap(\.rows).sorted { $0.level < $1.level }.map { (x: $0.level, y: $0.metric ?? .nan) }
                chart.series.append(.init(name: name, points: [(x: 0.0, y: same.first?.clean ?? .nan)] + levels, marker: .circle))
            }
            parts.append(figure(chart.render(width: 640, height: 460)))
        }
        let shifts = tables.filter { $0.kind == .colourShift }
        if !shifts.isEmpty {
            parts.append("<div class=\"charts\">" + shifts.map { table in
                var chart = LineChart(title: table.name, xLabel: "amount", yLabel: table.metric)
                chart.yRange = range
                chart.series.append(.init(name: table.name, points: table.rows.map { (x: $0.level, y: $0.metric ?? .nan) }, marker: .circle))
                if let clean = table.clean { chart.referenceLines.append(.horizontal(y: clean, label: "clean")) }
                chart.showsLegend = false
                return figure(chart.render(width: 320, height: 240))
            }.joined() + "</div>")
        }
        func cell(_ value: Double?, _ interval: [Double]?) -> String {
            guard let value else { return "undefined" }
            return String(format: "%.3f", value) + (interval.map { " [" + $0.map { String(format: "%.3f", $0) }.joined(separator: ", ") + "]" } ?? "")
        }
        let rows = checks.flatMap { check -> [String] in
            guard let table = check.perturbations else { return [] }
            let label = CheckText.verdict(check)
            return table.rows.map { row in
                "<tr><td><code>\(escape(check.id))</code> <span class=\"badge \(label.lowercased())\">\(label)</span></td>"
                    + "<td class=\"num\">\(escape(PerturbationTable.levelText(row.level)))\(row.gated ? "" : " (not gated)")</td>"
                    + "<td class=\"num\">\(row.changed) of \(row.samples): \(cell(row.flipRate, row.flipInterval))</td>"
                    + "<td class=\"num\">\(cell(row.metric, nil))</td><td class=\"num\">\(cell(row.drop, row.dropInterval))</td></tr>"
            }
        }
        let metric = escape(checks.first?.perturbations?.metric ?? "metric")
        parts.append("<table><thead><tr><th>check</th><th class=\"num\">level</th><th class=\"num\">decisions changed [interval]</th>"
            + "<th class=\"num\">\(metric)</th><th class=\"num\">drop [interval]</th></tr></thead><tbody>\(rows.joined())</tbody></table>")
        for check in checks {
            let items = inputs.perturbed.filter { $0.change == check.id }
            guard let table = check.perturbations, !items.isEmpty else { continue }
            parts.append("<h3><code>\(escape(check.id))</code>: images whose class changed</h3><div class=\"gallery\">" + (try items.map { item in
                """
                <figure class="pair"><div class="pair-images"><div>\(try pixelImage(item.original, alt: "original"))\
                <span>original</span></div><div>\(try pixelImage(item.changed, alt: table.name))\
                <span>\(escape(table.name))</span></div></div><figcaption>\(escape(item.caption))</figcaption></figure>
                """
            }.joined()) + "</div>")
        }
        return section("Robustness", parts.joined(separator: "\n"))
    }

    /// Each sliced check's value per slice, worst first, with its interval: a chart and a table.
    /// Absent when no check was sliced.
    private static func slices(_ result: VerificationResult) -> String {
        let sliced = result.checks.compactMap { check in check.slices.map { (check, $0) } }
        guard !sliced.isEmpty else { return "" }
        let parts = sliced.map { check, table -> String in
            var chart = BarChart(title: "\(check.id) per \(table.by), worst first", valueLabel: check.kind == "metric" ? check.id : "value",
                                 categoryLabel: table.by, orientation: .horizontal)
            chart.valueRange = 0...1
            chart.showsValues = false
            for row in table.rows where row.value != nil {
                let interval = row.interval.flatMap { $0.count == 2 ? $0[0]...$0[1] : nil }
                chart.add("\(row.name) (\(row.samples))", row.value ?? .nan, color: row.judged ? nil : .gray, interval: interval)
            }
            let rows = table.rows.map { row in
                let value = row.value.map { String(format: "%.4f", $0) } ?? "undefined"
                let interval = row.interval.map { $0.map { String(format: "%.3f", $0) }.joined(separator: "–") } ?? ""
                return "<tr><td>\(escape(row.name))</td><td class=\"num\">\(value)</td><td class=\"num\">\(interval)</td>"
                    + "<td class=\"num\">\(row.samples)</td><td>\(row.judged ? "judged" : "listed (fewer than \(table.minSize))")</td></tr>"
            }
            let head = "<tr><th>\(escape(table.by))</th><th class=\"num\">value</th><th class=\"num\">interval</th><th class=\"num\">images</th><th></th></tr>"
            return "<h3>\(escape(check.id))</h3>" + figure(chart.render(width: 640, height: max(200, 60 + 22 * Double(table.rows.count))))
                + "<table><thead>\(head)</thead><tbody>\(rows.joined())</tbody></table>"
        }
        return section("Slices", parts.joined(separator: "\n"))
    }

    /// Every image file left out under `unreadable: skip`, with why; said outright when none was.
    private static func skippedImages(_ result: VerificationResult) -> String {
        guard let headline = SkippedImagesText.headline(result) else {
            return section("Skipped images", "<p>None: every image file in the class folders was used.</p>")
        }
        let rows = result.skippedImages.map { "<tr><td><code>\(escape($0.path))</code></td><td>\(escape($0.reason))</td></tr>" }
        return section("Skipped images", "<p>\(escape(headline)); the data set fingerprint covers this list.</p>"
            + "<table><thead><tr><th>file</th><th>reason</th></tr></thead><tbody>\(rows.joined())</tbody></table>")
    }

    private static func hyperparameters(_ inputs: ReportInputs) -> String {
        guard !inputs.hyperparameters.isEmpty else {
            return section("Hyper-parameters", notAvailable("No hyper-parameters are available."))
        }
        return section("Hyper-parameters", pairs(inputs.hyperparameters, valueClass: "value"))
    }

    private static func hashes(_ inputs: ReportInputs) -> String {
        guard !inputs.hashes.isEmpty else { return section("Hashes", notAvailable("No hashes are available.")) }
        return section("Hashes", pairs(inputs.hashes, valueClass: "hash"))
    }

    private static func footer(_ result: VerificationResult) -> String {
        let environment = result.environment.sorted { $0.key < $1.key }.map { "\(escape($0.key)) \(escape($0.value))" }
        return (["modelcheck \(escape(result.modelcheckVersion))", escape(result.date)] + environment).joined(separator: " · ")
    }

    // MARK: Building blocks

    /// A figure's heading: its name, and when a check stands behind it, the verdict's badge and message.
    private static func checkHeading(_ name: String, _ check: CheckResult?) -> String {
        guard let check else { return "<h3><code>\(escape(name))</code></h3>" }
        let label = CheckText.verdict(check)
        return "<h3><code>\(escape(name))</code> <span class=\"badge \(label.lowercased())\">\(label)</span></h3><p>\(escape(check.message))</p>"
    }

    /// A titled section whose id (the title in lower case, words joined by "-") lets a link open the page at it.
    private static func section(_ title: String, _ content: String) -> String {
        let id = title.lowercased().split { !$0.isLetter && !$0.isNumber }.joined(separator: "-")
        return "<section id=\"\(escape(id))\"><h2>\(escape(title))</h2>\n\(content)\n</section>"
    }

    private static func notAvailable(_ sentence: String) -> String {
        "<p class=\"na\">not available: \(escape(sentence))</p>"
    }

    private static func pairs(_ pairs: [(String, String)], valueClass: String) -> String {
        let rows = pairs.map { "<tr><th scope=\"row\">\(escape($0.0))</th><td class=\"\(valueClass)\">\(escape($0.1))</td></tr>" }
        return "<table class=\"pairs\"><tbody>\(rows.joined())</tbody></table>"
    }

    /// A chart at its drawn size, shrinking with narrow windows.
    private static func figure(_ chart: SVG) -> String {
        "<figure class=\"chart\">\(chart.markup)</figure>"
    }

    /// A photo-sized image: small ones are scaled up by a whole factor, blocky rather than blurred, so
    /// reviewers see the pixels the model saw.
    private static func pixelImage(_ image: RGBImage, alt: String) throws -> String {
        let factor = max(1, smallImageSize / max(1, max(image.width, image.height)))
        return try imageTag(image, alt: alt, width: image.width * factor, height: image.height * factor, pixelated: factor > 1)
    }

    /// Roughly the on-page size of a gallery image, in CSS pixels.
    private static let smallImageSize = 128

    private static func imageTag(_ image: RGBImage, alt: String, width: Int, height: Int, pixelated: Bool) throws -> String {
        // libpng refuses empty images; an empty one is reported rather than failing the whole page.
        guard image.width > 0, image.height > 0 else { return "<span class=\"na\">empty image</span>" }
        let data = Data(try PNGEncoder.encode(image)).base64EncodedString()
        let style = pixelated ? " class=\"pixelated\"" : ""
        return "<img\(style) src=\"data:image/png;base64,\(data)\" width=\"\(width)\" height=\"\(height)\" alt=\"\(escape(alt))\">"
    }

    /// Text for an element or a quoted attribute, on one line as the terminal report shows it.
    static func escape(_ text: String) -> String {
        MarkupText.escaped(PlainText.oneLine(text))
    }

    private static let stylesheet = """
        :root { color-scheme: light; --ink: #1d2330; --muted: #5b6475; --line: #dde1e8; --soft: #f5f7fa; }
        * { box-sizing: border-box; }
        body { margin: 0; background: #eef1f5; color: var(--ink);
          font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
        main { max-width: 1100px; margin: 24px auto; padding: 32px 40px; background: #fff; border-radius: 10px;
          box-shadow: 0 1px 3px rgba(0,0,0,.08); }
        code, .hash, .value { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace;
          font-size: 13px; }
        h1 { margin: 0 0 4px; font-size: 28px; }
        h2 { margin: 40px 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--line); font-size: 20px; }
        h3 { margin: 24px 0 6px; font-size: 16px; }
        .eyebrow { margin: 0; color: var(--muted); font-size: 13px; text-transform: uppercase; letter-spacing: .08em; }
        .meta, .note, footer { color: var(--muted); }
        .verdict { margin: 24px 0 8px; padding: 20px 24px; border-radius: 8px; border-left: 8px solid; }
        .verdict .word { font-size: 40px; font-weight: 800; letter-spacing: .04em; line-height: 1.1; }
        .verdict .reason { font-size: 17px; margin-top: 4px; }
        .verdict .exit { margin-top: 4px; font-family: ui-monospace, Menlo, Consolas, monospace; opacity: .8; }
        .verdict.passed { background: #e9f6ed; border-color: #1f7a35; color: #145227; }
        .verdict.failed { background: #fdecea; border-color: #b42318; color: #7a1710; }
        .verdict.inconclusive { background: #fff5d9; border-color: #b07800; color: #6b4a00; }
        table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
        th, td { padding: 7px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
        thead th { background: var(--soft); font-size: 13px; color: var(--muted); font-weight: 600; }
        .num { text-align: right; white-space: nowrap; }
        .checks .id code { font-weight: 600; }
        .checks .title { color: var(--muted); font-size: 13px; }
        .checks .detail { font-size: 13px; max-width: 420px; overflow-wrap: anywhere; }
        .checks .detail p { margin: 0 0 4px; }
        .numbers span { display: inline-block; margin-right: 10px; color: var(--muted); }
        .numbers b { font-weight: 600; color: var(--ink); }
        details summary { cursor: pointer; color: var(--muted); }
        details ul { margin: 4px 0 0; padding-left: 18px; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; }
        tr.row-fail td { background: #fdecea; }
        tr.row-fail td:first-child { box-shadow: inset 4px 0 #b42318; }
        tr.row-warn td, tr.row-inconclusive td { background: #fff8e5; }
        .badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 700;
          letter-spacing: .03em; color: #fff; }
        .badge.pass { background: #1f7a35; }
        .badge.fail { background: #b42318; }
        .badge.warn, .badge.inconclusive { background: #b07800; }
        .badge.skipped { background: #8a93a3; }
        figure { margin: 0; }
        figure.chart { margin: 8px 0 16px; }
        .charts { display: flex; flex-wrap: wrap; gap: 16px; }
        figure.chart svg { display: block; max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 6px; }
        .figure-number { font-size: 17px; margin: 0 0 8px; }
        .gallery { display: flex; flex-wrap: wrap; gap: 14px; }
        .gallery figure { padding: 8px; border: 1px solid var(--line); border-radius: 6px; background: var(--soft);
          max-width: 300px; }
        .gallery figcaption { margin-top: 6px; font-size: 12px; color: var(--ink); overflow-wrap: anywhere; }
        .pair-images { display: flex; gap: 8px; }
        .pair-images div { display: flex; flex-direction: column; align-items: center; font-size: 11px; color: var(--muted); }
        img.pixelated { image-rendering: pixelated; background: #000; }
        .pairs th { width: 30%; font-weight: 600; }
        .pairs .hash { overflow-wrap: anywhere; }
        .na { color: var(--muted); font-style: italic; }
        footer { margin-top: 40px; padding-top: 12px; border-top: 1px solid var(--line); font-size: 12px; }
        """
}
