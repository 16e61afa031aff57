import Charts
import Foundation
import Testing

/// Charts as a reader gets them: the SVG parsed back, its shapes where the data maps to and its text as written.
@Suite struct SVGChartTests {
    private func parse(_ svg: SVG) throws -> SVGTree {
        try #require(SVGTree(svg.document), "not well-formed:\n\(svg.document)")
    }

    /// The "x,y" pairs of a `points` attribute.
    private func points(_ element: SVGTree.Element) -> [(x: Double, y: Double)] {
        (element.attributes["points"] ?? "").split(separator: " ").compactMap { pair in
            let parts = pair.split(separator: ",").compactMap { Double($0) }
            return parts.count == 2 ? (parts[0], parts[1]) : nil
        }
    }

    private func polylines(_ tree: SVGTree, color: ChartColor) -> [SVGTree.Element] {
        tree.all("polyline").filter { $0.attributes["stroke"] == color.css }
    }

    /// Lines of data, which are drawn inside the plot's clipping viewport (the legend's samples are not).
    private func dataLines(_ tree: SVGTree, color: ChartColor) -> [SVGTree.Element] {
        polylines(tree, color: color).filter { $0.ancestors.filter { $0 == "svg" }.count == 2 }
    }

    // MARK: line charts

    @Test func titleAxisTitlesAndTickLabelsAreText() throws {
        var chart = LineChart(title: "Loss", xLabel: "step", yLabel: "cross-entropy")
        chart.add(series: .init(name: "training", points: [(0, 0.69), (100, 0.5), (200, 0.31)], color: .blue))
        let svg = chart.render(width: 640, height: 400)
        let tree = try parse(svg)
        let root = try #require(tree.elements.first)
        #expect(root.name == "svg" && root.attributes["width"] == "640" && root.attributes["height"] == "400")
        #expect(root.attributes["viewBox"] == "0 0 640 400" && root.attributes["aria-label"] == "Loss")
        #expect(tree.all("title").first?.text == "Loss")
        let texts = tree.texts
        for label in ["Loss", "step", "cross-entropy", "training"] { #expect(texts.contains(label), "\(label)") }
        let layout = chart.layout(width: 640, height: 400)
        #expect(layout.xTicks.labels.first == "0" && layout.xTicks.labels.last == "200" && layout.xTicks.labels.count >= 3)
        for label in layout.xTicks.labels + layout.yTicks.labels { #expect(texts.contains(label), "tick \(label)") }
        #expect(tree.all("text").first { $0.text == "Loss" }?.attributes["font-weight"] == "bold")
        #expect(tree.all("text").first { $0.text == "cross-entropy" }?.attributes["transform"]?.hasPrefix("rotate(-90") == true)
    }

    @Test func seriesAreDrawnWhereTheirDataMapTo() throws {
        var chart = LineChart(title: "Loss", xLabel: "step", yLabel: "cross-entropy")
        let data: [(x: Double, y: Double)] = [(0, 0.69), (100, 0.5), (200, 0.31)]
        chart.add(series: .init(name: "training", points: data, color: .red, lineWidth: 3))
        chart.add(series: .init(name: "validation", points: [(0, 0.2), (200, 0.2)], color: .green, marker: .circle))
        let layout = chart.layout()
        let tree = try parse(chart.render())
        let red = dataLines(tree, color: .red)
        #expect(red.count == 1 && red.first?.attributes["stroke-width"] == "3")
        let drawn = points(try #require(red.first))
        #expect(drawn.count == data.count)
        for (point, datum) in zip(drawn, data) {
            let expected = layout.position(x: datum.x, y: datum.y)
            #expect(abs(point.x - expected.x) < 0.01 && abs(point.y - expected.y) < 0.01, "\(datum)")
        }
        // Higher values sit higher on the page, and the ends sit on the plot's edges.
        #expect(drawn[0].y < drawn[1].y && abs(drawn[0].x - layout.plot.x) < 0.01 && abs(drawn[2].x - layout.plot.maxX) < 0.01)
        let dots = tree.all("circle").filter { $0.attributes["fill"] == ChartColor.green.css }
        // Two data points plus the legend's sample marker.
        #expect(dots.count == 3)
        // Data lines are clipped to the plot (with a little spill) by a nested viewport, not by an id.
        #expect(red.first?.ancestors.last == "svg")
        #expect(!chart.render().markup.contains(" id="))
    }

    @Test func textIsEscapedAndNonASCIIStaysText() throws {
        let name = "Plasmodium ovale – Ünïcode"
        var chart = LineChart(title: "a < b & c > d", xLabel: "x\u{1}", yLabel: "\"quoted\" 'y'")
        chart.add(series: .init(name: name, points: [(0, 1), (1, 2)]))
        let svg = chart.render()
        #expect(svg.document.contains("a &lt; b &amp; c &gt; d"))
        #expect(!svg.document.contains("a < b"))
        #expect(svg.document.contains("aria-label=\"a &lt; b &amp; c &gt; d\""))
        // UTF-8 text, not character references, so the file reads and searches as written.
        #expect(svg.document.contains(">\(name)</text>"))
        let tree = try parse(svg)
        #expect(tree.texts.contains("a < b & c > d") && tree.texts.contains(name) && tree.texts.contains("\"quoted\" 'y'"))
        #expect(tree.texts.contains("x\u{FFFD}"), "a control character cannot be carried by XML")

        let matrix = ConfusionMatrixChart(classNames: [name, "uninfected"], counts: [[40, 2], [3, 55]], title: "Test & <split>")
        let matrixTree = try parse(matrix.render(width: 640, height: 440))
        // Beside its row and, broken onto two lines, under its column: whole either way.
        #expect(matrixTree.texts.filter { $0 == name }.count == 2, "row and column name")
        #expect(matrixTree.all("tspan").map(\.text) == ["Plasmodium ovale – ", "Ünïcode", "uninfected"])
        #expect(matrixTree.texts.contains("Test & <split>"))
    }

    @Test func markupIsForHTMLAndDocumentIsAFile() {
        let svg = LineChart(title: "t").render(width: 200, height: 100)
        #expect(svg.markup.hasPrefix("<svg width=\"200\" height=\"100\""))
        #expect(!svg.markup.contains("xmlns") && !svg.markup.contains("<?xml"))
        #expect(svg.document.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""))
    }

    @Test func longNamesAreCutAndKeepTheWholeAsATooltip() throws {
        let long = String(repeating: "very long class name ", count: 10)
        var chart = BarChart(title: "t", orientation: .horizontal)
        chart.add(long, 3)
        let tree = try parse(chart.render(width: 400, height: 200))
        let label = try #require(tree.all("text").first { $0.text.hasSuffix("…") })
        #expect(long.hasPrefix(String(label.text.dropLast())))
        #expect(tree.all("title").contains { $0.text == long && $0.ancestors.last == "text" })
    }

    @Test func nonFiniteValuesAreSkippedAndBreakTheLine() throws {
        var chart = LineChart(title: "NaN", xLabel: "step", yLabel: "loss")
        let data: [(x: Double, y: Double)] = [(0, 1), (1, .nan), (2, 2), (3, 3), (.infinity, 4), (5, -.infinity), (6, 1)]
        chart.add(series: .init(name: "loss", points: data, color: .red, lineWidth: 3))
        let layout = chart.layout()
        #expect(layout.xTicks.range.contains(0) && layout.xTicks.range.contains(6) && layout.xTicks.range.upperBound < 100)
        #expect(layout.yTicks.range.contains(1) && layout.yTicks.range.contains(3) && layout.yTicks.range.upperBound < 100)
        let tree = try parse(chart.render())
        // (2, 2)–(3, 3) is the only run of two; (0, 1) and (6, 1) stand alone, as dots.
        #expect(dataLines(tree, color: .red).map { points($0).count } == [2])
        let dots = tree.all("circle").filter { $0.attributes["fill"] == ChartColor.red.css }
        let lone = layout.position(x: 6, y: 1)
        #expect(dots.count == 2 && dots.contains { abs(($0.number("cx") ?? 0) - lone.x) < 0.01 })

        chart.series = [.init(name: "bad", points: [(.nan, .nan), (1, .infinity)])]
        let bad = try parse(chart.render())
        #expect(bad.texts.contains("no data"))
        #expect(!chart.render().document.contains("nan") && !chart.render().document.contains("inf\""))
    }

    @Test func farOffDataStaysWellFormedAndKeepsItsSlope() throws {
        var chart = LineChart(title: "far")
        chart.yRange = 0...1
        chart.add(series: .init(name: "", points: [(0, 0), (1, 1e300)], color: .red))
        let layout = chart.layout()
        let tree = try parse(chart.render())
        let line = points(try #require(dataLines(tree, color: .red).first))
        #expect(line.count == 2 && line.allSatisfy { abs($0.x) <= 1e6 && abs($0.y) <= 1e6 })
        // The visible end is still at x = 0 on the bottom edge.
        let start = layout.position(x: 0, y: 0)
        #expect(abs(line[0].x - start.x) < 0.01 && abs(line[0].y - start.y) < 0.01)
    }

    @Test func legendAvoidsTheData() {
        var loss = LineChart(title: "Loss", xLabel: "step", yLabel: "loss")
        loss.add(series: .init(name: "training", points: (0...50).map { (Double($0), exp(-Double($0) / 10)) }, color: .blue))
        loss.add(series: .init(name: "validation", points: (0...50).map { (Double($0), 0.1 + exp(-Double($0) / 12)) }, color: .orange))
        let layout = loss.layout()
        let box = try! #require(layout.legend)
        #expect(box.x > layout.plot.midX && box.y < layout.plot.midY, "top right")

        var accuracy = LineChart(title: "Accuracy", xLabel: "epoch", yLabel: "accuracy")
        accuracy.yRange = 0...1
        // A straight rise through the top-right corner.
        accuracy.add(series: .init(name: "training", points: [(0, 0), (20, 1)], color: .green))
        let rising = accuracy.layout()
        let legend = try! #require(rising.legend)
        #expect(!(legend.x > rising.plot.midX && legend.y < rising.plot.midY), "moves away from a curve that fills the top right")
        let samples = (0...200).map { Double($0) / 10 }.map { rising.position(x: $0, y: $0 / 20) }
        #expect(!samples.contains { legend.insetBy(-2).contains(x: $0.x, y: $0.y) })
    }

    @Test func rocHasFixedAxesAndADashedDiagonal() throws {
        var roc = LineChart.roc()
        roc.add(series: .init(name: "model", points: [(0, 0), (0.1, 0.7), (0.3, 0.9), (1, 1)], color: .purple))
        let layout = roc.layout(width: 480, height: 480)
        #expect(layout.xTicks.range == 0...1 && layout.yTicks.range == 0...1)
        let tree = try parse(roc.render(width: 480, height: 480))
        let dashed = tree.all("polyline").filter { $0.attributes["stroke-dasharray"] == "6 4" }
        let diagonal = try #require(dashed.first { points($0).count == 2 && points($0)[0].x < points($0)[1].x })
        let ends = points(diagonal)
        let low = layout.position(x: 0, y: 0), high = layout.position(x: 1, y: 1)
        #expect(abs(ends[0].x - low.x) < 0.01 && abs(ends[0].y - low.y) < 0.01)
        #expect(abs(ends[1].x - high.x) < 0.01 && abs(ends[1].y - high.y) < 0.01)
        #expect(tree.texts.contains("chance") && tree.texts.contains("false positive rate"))
    }

    @Test func reliabilityDiagramLabelsEachBinWithItsCountWhereLabelsFit() throws {
        let before: [ReliabilityDiagram.Bin] = [(0.55, 0.5, 30), (0.75, 0.6, 30), (0.97, 0.7, 30), (0.975, 0.72, 31)]
        let after: [ReliabilityDiagram.Bin] = [(0.52, 0.5, 30), (0.6, 0.6, 30), (0.7, 0.7, 30), (0.72, 0.72, 31)]
        let chart = ReliabilityDiagram.chart(title: "Reliability", series: [("T = 1", before), ("T = 5", after)])
        let layout = chart.layout(width: 500, height: 480)
        #expect(layout.xTicks.range == 0...1 && layout.yTicks.range == 0...1)
        let tree = try parse(chart.render(width: 500, height: 480))
        #expect(tree.texts.contains("perfectly calibrated") && tree.texts.contains("T = 5") && tree.texts.contains("accuracy in bin"))
        // The last two bins crowd together: the second of their labels would overlap the first and is left out.
        let counts = tree.all("text").filter { $0.text.hasPrefix("n=") }
        #expect(counts.map(\.text) == ["n=30", "n=30", "n=30"])
        let third = layout.position(x: 0.97, y: 0.7)
        #expect(counts.contains { abs(($0.number("x") ?? 0) - third.x) < 0.01 && ($0.number("y") ?? .infinity) < third.y })
        #expect(tree.all("circle").count >= 8)
    }

    @Test func emptyAndTinyChartsStayWellFormed() throws {
        var empty = LineChart(title: "Empty", xLabel: "step", yLabel: "loss")
        empty.add(series: .init(name: "training", points: []))
        #expect(try parse(empty.render()).texts.contains("no data"))

        var chart = LineChart(title: "A title much wider than the chart", xLabel: "step", yLabel: "loss")
        chart.add(series: .init(name: "training", points: [(0, 1), (1, 0.5)]))
        var bars = BarChart(title: "t")
        bars.add("a", 1)
        let matrix = ConfusionMatrixChart(classNames: ["a"], counts: [[1]])
        for (width, height) in [(0.0, 0.0), (1, 1), (30, 20), (80, 60), (2000, 150)] {
            for svg in [chart.render(width: width, height: height), bars.render(width: width, height: height),
                        matrix.render(width: width, height: height)] {
                let root = try #require(try parse(svg).elements.first)
                #expect(root.number("width") == width && root.number("height") == height)
            }
        }
    }

    // MARK: confusion matrices

    @Test func confusionMatrixShadesByRowShareAndWritesCounts() throws {
        let chart = ConfusionMatrixChart(classNames: ["cat", "dog"], counts: [[45, 5], [0, 38]])
        #expect(chart.rowFraction(true: 0, predicted: 0) == 0.9)
        #expect(chart.rowFraction(true: 1, predicted: 0) == 0)
        let layout = chart.layout()
        let tree = try parse(chart.render())
        func fill(_ t: Int, _ p: Int) throws -> ChartColor {
            let cell = layout.cells[t][p]
            let rect = try #require(tree.all("rect").first {
                abs(($0.number("x") ?? -1) - cell.x) < 0.01 && abs(($0.number("y") ?? -1) - cell.y) < 0.01
                    && abs(($0.number("width") ?? -1) - cell.width) < 0.01
            })
            let hex = try #require(rect.attributes["fill"].flatMap { UInt32($0.dropFirst(), radix: 16) })
            return ChartColor(hex: hex)
        }
        #expect(try fill(1, 1).luminance < fill(0, 0).luminance, "100% is darker than 90%")
        #expect(try fill(0, 0).luminance < fill(0, 1).luminance)
        #expect(try fill(0, 1).luminance < fill(1, 0).luminance, "10% is darker than 0%")
        #expect(try fill(1, 0) == ConfusionMatrixChart.shade(0))
        let texts = tree.texts
        for text in ["45", "90%", "5", "10%", "0", "0%", "38", "100%", "true", "predicted", "cat", "dog"] {
            #expect(texts.contains(text), "\(text)")
        }
        // Dark cells carry white text.
        #expect(tree.all("text").first { $0.text == "38" }?.attributes["fill"] == ChartColor.white.css)
        #expect(layout.colorBar != nil)
    }

    @Test func confusionMatrixToleratesRaggedAndEmptyInput() throws {
        let ragged = ConfusionMatrixChart(classNames: ["a"], counts: [[3, 1, 0], [], [0, 0, 9]])
        #expect(ragged.classCount == 3)
        #expect(ragged.count(true: 1, predicted: 2) == 0)
        #expect(ragged.rowFraction(true: 1, predicted: 1) == nil)
        #expect(try parse(ragged.render()).texts.contains("2"), "a missing name is shown as its index")
        let empty = ConfusionMatrixChart(classNames: [], counts: [])
        #expect(empty.classCount == 0)
        #expect(try parse(empty.render()).texts.contains("no data"))
        let many = ConfusionMatrixChart(classNames: (0..<60).map { "class \($0)" }, counts: (0..<60).map { t in (0..<60).map { $0 == t ? 50 : 1 } })
        #expect(try parse(many.render()).all("rect").count > 3600)
    }

    // MARK: bar charts

    @Test func barsAreProportionalAndLabelled() throws {
        var chart = BarChart(title: "Per class", valueLabel: "images", categoryLabel: "class")
        chart.add("cat", 410)
        chart.add("dog", 205, color: .orange)
        chart.add("bird", .nan)
        let layout = chart.layout()
        let cat = try #require(layout.bars[0]), dog = try #require(layout.bars[1])
        #expect(layout.bars[2] == nil)
        #expect(abs(cat.maxY - dog.maxY) < 1e-9, "one baseline")
        #expect(abs(cat.height / dog.height - 2) < 1e-9)
        #expect(cat.x < dog.x)
        let tree = try parse(chart.render())
        #expect(tree.all("rect").contains { $0.attributes["fill"] == ChartColor.orange.css && abs(($0.number("height") ?? 0) - dog.height) < 0.01 })
        for text in ["Per class", "images", "class", "cat", "dog", "bird", "410", "205", "nan"] {
            #expect(tree.texts.contains(text), "\(text)")
        }
        // The value is written just above its bar.
        let value = try #require(tree.all("text").first { $0.text == "410" })
        #expect((value.number("y") ?? 0) < cat.y && (value.number("y") ?? 0) > cat.y - 20)
    }

    @Test func horizontalBarsRunDownwardFromTheFirst() throws {
        var chart = BarChart(title: "Agreement", valueLabel: "rate", orientation: .horizontal)
        chart.valueRange = 0...1
        chart.valueStyle = .percent
        chart.add("flip", 0.975)
        chart.add("rotate90", 0.5)
        chart.add("worse", -0.25)
        let layout = chart.layout()
        #expect(layout.valueTicks.labels.first == "0%" && layout.valueTicks.labels.last == "100%")
        let flip = try #require(layout.bars[0]), rotate = try #require(layout.bars[1])
        #expect(flip.y < rotate.y && flip.x == rotate.x)
        #expect(abs(flip.width / rotate.width - 1.95) < 1e-9)
        // Outside the fixed range the bar is cut at the frame.
        #expect(layout.bars[2]?.width == 0)
        #expect(try parse(chart.render()).texts.contains("97.5%"))
    }

    @Test func negativeBarsHangBelowZero() {
        var chart = BarChart()
        chart.add("up", 3)
        chart.add("down", -2)
        let layout = chart.layout()
        let up = try! #require(layout.bars[0]), down = try! #require(layout.bars[1])
        #expect(abs(up.maxY - down.y) < 1e-9, "both start at the zero line")
        #expect(layout.valueTicks.range.lowerBound <= -2 && layout.valueTicks.range.upperBound >= 3)
    }

    // MARK: training curves

    @Test func trainingCurvesHaveOneDefinition() throws {
        let log: [TrainingCurveCharts.Entry] = (0...10).map { (step: Int) -> TrainingCurveCharts.Entry in
            let t = Double(step), validated = step % 5 == 0
            let validationLoss: Double? = validated ? 0.8 - 0.04 * t : nil
            let validationAccuracy: Double? = validated ? 0.5 + 0.04 * t : nil
            return (step * 10, 0.7 - 0.05 * t, validationLoss, validationAccuracy)
        }
        let loss = TrainingCurveCharts.loss(log)
        #expect(loss.series.map(\.name) == ["training", "validation"])
        #expect(loss.series.map(\.color) == [.blue, .orange])
        #expect(loss.series.map(\.points.count) == [11, 3])
        let accuracy = TrainingCurveCharts.accuracy(log)
        #expect(accuracy.series.map(\.name) == ["validation"] && accuracy.series.first?.color == .orange)
        #expect(accuracy.yRange == 0...1 && accuracy.yTickStyle == .percent)
        let texts = try parse(accuracy.render()).texts
        #expect(texts.contains("Validation accuracy") && texts.contains("100%") && texts.contains("step"))

        let trainingOnly: [TrainingCurveCharts.Entry] = [(1, 0.7, nil, nil), (2, 0.6, nil, nil)]
        #expect(TrainingCurveCharts.loss(trainingOnly).series.map(\.name) == ["training"])
        #expect(TrainingCurveCharts.accuracy(trainingOnly).series.isEmpty)
        #expect(TrainingCurveCharts.hasLoss(trainingOnly) && !TrainingCurveCharts.hasAccuracy(trainingOnly))
    }
}
