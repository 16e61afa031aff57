import Foundation
import Imaging
import Testing

@Suite struct ChartTests {
    private func color(_ image: RGBImage, _ x: Int, _ y: Int) -> RGBColor {
        let pixel = image[x: x, y: y]
        return RGBColor(red: pixel.red, green: pixel.green, blue: pixel.blue)
    }

    /// How many pixels of `rect` (the part on the image) in `image` have exactly `color`.
    private func count(of target: RGBColor, in rect: PixelRect, of image: RGBImage) -> Int {
        let rect = rect.intersection(PixelRect(x: 0, y: 0, width: image.width, height: image.height))
        var found = 0
        for y in rect.y..<rect.maxY {
            for x in rect.x..<rect.maxX where color(image, x, y) == target { found += 1 }
        }
        return found
    }

    private func pixel(_ position: Canvas.Point) -> (x: Int, y: Int) {
        (Int(position.x.rounded(.down)), Int(position.y.rounded(.down)))
    }

    // MARK: ticks

    @Test func niceTicksOverCommonRanges() {
        let unit = AxisTicks(covering: 0...1, targetCount: 6)
        #expect(unit.values == [0, 0.2, 0.4, 0.6, 0.8, 1])
        #expect(unit.labels == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        #expect(unit.range == 0...1)

        let steps = AxisTicks(covering: 0...523, targetCount: 6)
        #expect(steps.values == [0, 100, 200, 300, 400, 500, 600])
        #expect(steps.labels == ["0", "100", "200", "300", "400", "500", "600"])
        #expect(steps.range == 0...600)

        let small = AxisTicks(covering: 0.0012...0.0057, targetCount: 6)
        #expect(small.values == [0.001, 0.002, 0.003, 0.004, 0.005, 0.006])
        #expect(small.labels == ["0.001", "0.002", "0.003", "0.004", "0.005", "0.006"])

        let negative = AxisTicks(covering: -3...(-1), targetCount: 5)
        #expect(negative.values == [-3, -2.5, -2, -1.5, -1])
        #expect(negative.labels == ["-3.0", "-2.5", "-2.0", "-1.5", "-1.0"])

        let straddling = AxisTicks(covering: -7...12, targetCount: 5)
        #expect(straddling.values == [-10, -5, 0, 5, 10, 15])
    }

    @Test func tickValuesAreTheExactDecimals() {
        let tenths = AxisTicks(covering: 0...1, targetCount: 11)
        #expect(tenths.values[3] == 0.3)
        #expect(tenths.values[7] == 0.7)
        #expect(tenths.labels[3] == "0.3")
        let shifted = AxisTicks(covering: 0.6...1.4, targetCount: 5)
        #expect(shifted.values == [0.6, 0.8, 1, 1.2, 1.4])
    }

    @Test func degenerateRangesAreWidenedAroundTheirValue() {
        let single = AxisTicks(covering: 5...5, targetCount: 6)
        #expect(single.range.contains(5) && single.range.lowerBound < 5 && single.range.upperBound > 5)
        #expect(single.values.contains(5))
        #expect(AxisTicks(covering: 0...0).range == -1...1)
        #expect(AxisTicks(covering: -Double.infinity...Double.infinity, targetCount: 6).values == [0, 0.2, 0.4, 0.6, 0.8, 1])
        // Ticks must stay distinct (and countable) for a tiny spread on a huge value.
        let spread = AxisTicks(covering: 1e20...(1e20 + 1), targetCount: 6)
        #expect(Set(spread.values).count == spread.values.count && spread.values.count >= 2)
    }

    @Test func fixedRangesAreKeptExactly() {
        let fixed = AxisTicks(covering: 0.05...0.95, targetCount: 6, fixed: true)
        #expect(fixed.range == 0.05...0.95)
        #expect(fixed.values == [0.2, 0.4, 0.6, 0.8])
        let percent = AxisTicks(covering: 0...1, targetCount: 6, fixed: true, style: .percent)
        #expect(percent.labels == ["0%", "20%", "40%", "60%", "80%", "100%"])
    }

    @Test func largeAndTinyTickLabelsStayShort() {
        #expect(AxisTicks(covering: 0...50_000, targetCount: 6).labels == ["0", "10k", "20k", "30k", "40k", "50k"])
        #expect(AxisTicks(covering: 10_000...12_000, targetCount: 5).labels == ["10.0k", "10.5k", "11.0k", "11.5k", "12.0k"])
        #expect(AxisTicks(covering: 0...3_000, targetCount: 4).labels == ["0", "1000", "2000", "3000"])
        #expect(AxisTicks(covering: 0...4e6, targetCount: 5).labels == ["0", "1M", "2M", "3M", "4M"])
        #expect(AxisTicks(covering: 0...8e-6, targetCount: 5).labels == ["0", "2e-6", "4e-6", "6e-6", "8e-6"])
        #expect(AxisTicks(covering: 0...2.5e-5, targetCount: 6).labels == ["0", "5e-6", "1e-5", "1.5e-5", "2e-5", "2.5e-5"])
    }

    @Test func numberFormattingKeepsThreeSignificantDigits() {
        #expect(ChartNumberFormat.compact(0.1 + 0.2) == "0.3")
        #expect(ChartNumberFormat.compact(0.693147) == "0.693")
        #expect(ChartNumberFormat.compact(12.345) == "12.3")
        #expect(ChartNumberFormat.compact(-0.5) == "-0.5")
        #expect(ChartNumberFormat.compact(1234) == "1234")
        #expect(ChartNumberFormat.compact(12_345) == "12.3k")
        #expect(ChartNumberFormat.compact(999_999) == "1M")
        #expect(ChartNumberFormat.compact(0.000012345) == "1.23e-5")
        #expect(ChartNumberFormat.compact(0.0012) == "0.0012")
        #expect(ChartNumberFormat.compact(9.9996) == "10")
        #expect(ChartNumberFormat.compact(.nan) == "nan")
        #expect(ChartNumberFormat.compact(-.infinity) == "-inf")
        #expect(ChartNumberFormat.percent(0.975) == "97.5%")
        #expect(ChartNumberFormat.percent(1) == "100%")
        #expect(ChartNumberFormat.percent(1.0 / 3) == "33.3%")
        #expect(ChartNumberFormat.percent(0) == "0%")
    }

    // MARK: line charts

    @Test func seriesIsDrawnWhereItsDataMapTo() {
        var chart = LineChart(title: "Loss", xLabel: "step", yLabel: "cross-entropy")
        chart.add(series: .init(name: "train", points: [(0, 0.69), (100, 0.5), (200, 0.31)], color: .red, lineWidth: 3))
        chart.add(series: .init(name: "validation", points: [(0, 0.2), (200, 0.2)], color: .green, marker: .square))
        let layout = chart.layout()
        let image = chart.render()
        #expect(image.width == 640 && image.height == 400)
        for (x, y) in [(0.0, 0.69), (100, 0.5), (150, 0.405), (200, 0.31)] {
            let at = pixel(layout.position(x: x, y: y))
            #expect(color(image, at.x, at.y) == .red, "(\(x), \(y)) at \(at)")
        }
        let marker = pixel(layout.position(x: 200, y: 0.2))
        #expect(color(image, marker.x - 2, marker.y + 2) == .green)
        // Far from both lines the plot is background or grid, never series colour.
        let empty = pixel(layout.position(x: 190, y: 0.6))
        #expect(![RGBColor.red, .green].contains(color(image, empty.x, empty.y)))
    }

    @Test func axesGridAndTicksLineUp() {
        var chart = LineChart(title: "", xLabel: "x", yLabel: "y")
        chart.add(series: .init(name: "", points: [(0, 0), (1000, 10)]))
        let layout = chart.layout()
        let image = chart.render()
        let plot = layout.plot
        #expect(layout.xTicks.range == 0...1000 && layout.yTicks.range == 0...10)
        // The data line runs corner to corner over the frame, so the frame is checked away from those corners.
        for y in stride(from: plot.y + 8, to: plot.maxY - 8, by: 7) {
            #expect(color(image, plot.x, y).luminance < 0.3 && color(image, plot.maxX - 1, y).luminance < 0.3)
        }
        for x in stride(from: plot.x + 8, to: plot.maxX - 8, by: 7) {
            #expect(color(image, x, plot.maxY - 1).luminance < 0.3 && color(image, x, plot.y).luminance < 0.3)
        }
        // Each x tick mark hangs below the frame in the column of its grid line; the first and last
        // ticks sit on the frame's own edges.
        let style = ChartStyle.standard
        let columns = layout.xTicks.values.map { pixel(layout.position(x: $0, y: 0)).x }
        #expect(columns.first == plot.x && columns.last == plot.maxX - 1)
        for column in columns {
            #expect(color(image, column, plot.maxY + 1).luminance < 0.3)
            #expect(color(image, column, plot.maxY + style.tickLength) == .white)
        }
        for column in columns.dropFirst().dropLast() {
            #expect(color(image, column, plot.y + 5) == style.grid, "grid at column \(column)")
            #expect(color(image, column + 2, plot.y + 5) == .white)
        }
        let rows = layout.yTicks.values.map { pixel(layout.position(x: 0, y: $0)).y }
        #expect(rows.first == plot.maxY - 1 && rows.last == plot.y)
        for row in rows.dropFirst().dropLast() {
            #expect(color(image, plot.maxX - 5, row) == style.grid, "grid at row \(row)")
            #expect(color(image, plot.x - 2, row).luminance < 0.3)
        }
        // Tick labels sit left of the y ticks and under the x ticks.
        let labels = PixelRect(x: style.padding, y: plot.y - 4, width: plot.x - 6 - style.padding, height: plot.height + 8)
        #expect(count(of: style.text, in: labels, of: image) > 20)
        let xLabels = PixelRect(x: plot.x - 20, y: plot.maxY + style.tickLength, width: plot.width + 40, height: 14)
        #expect(count(of: style.text, in: xLabels, of: image) > 20)
    }

    @Test func legendIsReadableAndAvoidsTheData() {
        var loss = LineChart(title: "Loss", xLabel: "step", yLabel: "loss")
        loss.add(series: .init(name: "train", points: (0...50).map { (Double($0), exp(-Double($0) / 10)) }, color: .blue))
        loss.add(series: .init(name: "validation", points: (0...50).map { (Double($0), 0.1 + exp(-Double($0) / 12)) }, color: .orange))
        let layout = loss.layout()
        let image = loss.render()
        let box = try! #require(layout.legend)
        #expect(box.x > layout.plot.x + layout.plot.width / 2 && box.y < layout.plot.y + layout.plot.height / 2, "top right")
        #expect(count(of: ChartStyle.standard.text, in: box, of: image) > 30, "legend text")
        #expect(count(of: .blue, in: box, of: image) > 10 && count(of: .orange, in: box, of: image) > 10, "legend samples")

        var accuracy = LineChart(title: "Accuracy", xLabel: "epoch", yLabel: "accuracy")
        accuracy.yRange = 0...1
        // A straight rise through the top-right corner.
        accuracy.add(series: .init(name: "train", points: [(0, 0), (20, 1)], color: .green))
        let rising = accuracy.layout()
        let legend = try! #require(rising.legend)
        let topRight = legend.x > rising.plot.x + rising.plot.width / 2 && legend.y < rising.plot.y + rising.plot.height / 2
        #expect(!topRight, "moves away from a curve that fills the top right")
        let samples = (0...200).map { Double($0) / 10 }.map { pixel(rising.position(x: $0, y: $0 / 20)) }
        #expect(!samples.contains { legend.insetBy(-2).contains(x: $0.x, y: $0.y) })
    }

    @Test func fixedRangesAndROCDiagonal() {
        var roc = LineChart.roc()
        roc.add(series: .init(name: "model", points: [(0, 0), (0.1, 0.7), (0.3, 0.9), (1, 1)], color: .purple))
        let layout = roc.layout(width: 480, height: 480)
        let image = roc.render(width: 480, height: 480)
        #expect(layout.xTicks.range == 0...1 && layout.yTicks.range == 0...1)
        let diagonal = (10...90).map { Double($0) / 100 }.map { pixel(layout.position(x: $0, y: $0)) }
        let grey = RGBColor(hex: 0x9A9A9A)
        let onDash = diagonal.filter { color(image, $0.x, $0.y) == grey }.count
        #expect(onDash > 20 && onDash < diagonal.count - 10, "dashed: \(onDash) of \(diagonal.count)")
        let knee = pixel(layout.position(x: 0.1, y: 0.7))
        #expect(color(image, knee.x, knee.y) == .purple)
    }

    @Test func nonFiniteValuesAreSkippedAndBreakTheLine() {
        var chart = LineChart(title: "NaN", xLabel: "step", yLabel: "loss")
        let points: [(x: Double, y: Double)] = [(0, 1), (1, .nan), (2, 2), (3, 3), (.infinity, 4), (5, -.infinity), (6, 1)]
        chart.add(series: .init(name: "loss", points: points, color: .red, lineWidth: 3))
        let layout = chart.layout()
        let image = chart.render()
        #expect(layout.xTicks.range.contains(0) && layout.xTicks.range.contains(6) && layout.xTicks.range.upperBound < 100)
        #expect(layout.yTicks.range.contains(1) && layout.yTicks.range.contains(3) && layout.yTicks.range.upperBound < 100)
        let joined = pixel(layout.position(x: 2.5, y: 2.5))
        #expect(color(image, joined.x, joined.y) == .red)
        // No line across the gaps: (0, 1) to (2, 2) and (3, 3) to (6, 1) are not drawn.
        let gap = pixel(layout.position(x: 1, y: 1.5))
        let secondGap = pixel(layout.position(x: 4.5, y: 2))
        #expect(color(image, gap.x, gap.y) != .red && color(image, secondGap.x, secondGap.y) != .red)
        // Lone points between gaps still show as dots.
        let lone = pixel(layout.position(x: 6, y: 1))
        #expect(color(image, lone.x, lone.y) == .red)
        let allBad: [(x: Double, y: Double)] = [(.nan, .nan), (1, .infinity)]
        chart.series = [.init(name: "bad", points: allBad)]
        #expect(chart.render().width == 640)
    }

    @Test func emptySinglePointAndConstantSeries() {
        let style = ChartStyle.standard
        var empty = LineChart(title: "Empty", xLabel: "step", yLabel: "loss")
        empty.add(series: .init(name: "train", points: []))
        let layout = empty.layout()
        let image = empty.render()
        let middle = PixelRect(x: layout.plot.x + layout.plot.width / 2 - 30, y: layout.plot.y + layout.plot.height / 2 - 10, width: 60, height: 20)
        #expect(count(of: style.mutedText, in: middle, of: image) > 20, "no data note")
        #expect(color(image, layout.plot.x, layout.plot.y + 10).luminance < 0.3, "axes still drawn")

        var single = LineChart()
        single.add(series: .init(name: "", points: [(3, 0.25)], color: .red))
        let one = single.layout()
        #expect(one.xTicks.range.lowerBound < 3 && one.xTicks.range.upperBound > 3)
        let dot = pixel(one.position(x: 3, y: 0.25))
        #expect(color(single.render(), dot.x, dot.y) == .red)

        var constant = LineChart()
        constant.add(series: .init(name: "", points: [(0, 7), (10, 7)], color: .red))
        let flat = constant.layout()
        let centre = pixel(flat.position(x: 5, y: 7))
        #expect(abs(centre.y - (flat.plot.y + flat.plot.height / 2)) <= 2, "a constant sits mid-plot")
        #expect(color(constant.render(), centre.x, centre.y) == .red)
    }

    @Test func anySizeRendersWithoutCrashing() {
        var chart = LineChart(title: "A title much wider than the chart", xLabel: "step", yLabel: "loss")
        chart.add(series: .init(name: "train", points: [(0, 1), (1, 0.5)]))
        for (width, height) in [(0, 0), (1, 1), (30, 20), (80, 60), (2000, 150)] {
            let image = chart.render(width: width, height: height)
            #expect(image.width == width && image.height == height)
        }
        var bars = BarChart(title: "t")
        bars.add("a", 1)
        #expect(bars.render(width: 10, height: 10).width == 10)
        #expect(ConfusionMatrixChart(classNames: ["a"], counts: [[1]]).render(width: 12, height: 9).height == 9)
    }

    @Test func chartsSurvivePNGRoundTrip() throws {
        var chart = LineChart(title: "Loss", xLabel: "step", yLabel: "loss")
        chart.add(series: .init(name: "train", points: [(0, 0.69), (10, 0.5)], color: .blue))
        let image = chart.render(width: 640, height: 400)
        #expect(try ImageDecoder.decode(PNGEncoder.encode(image), name: "chart.png") == image)
    }

    // MARK: confusion matrices

    @Test func confusionMatrixShadesByRowShare() {
        let chart = ConfusionMatrixChart(classNames: ["cat", "dog"], counts: [[45, 5], [0, 38]])
        #expect(chart.rowFraction(true: 0, predicted: 0) == 0.9)
        #expect(chart.rowFraction(true: 1, predicted: 0) == 0)
        let layout = chart.layout()
        let image = chart.render()
        func shade(_ t: Int, _ p: Int) -> RGBColor {
            let cell = layout.cells[t][p]
            return color(image, cell.x + 2, cell.y + 2)
        }
        #expect(shade(1, 1).luminance < shade(0, 0).luminance, "100% is darker than 90%")
        #expect(shade(0, 0).luminance < shade(0, 1).luminance)
        #expect(shade(0, 1).luminance < shade(1, 0).luminance, "10% is darker than 0%")
        #expect(shade(1, 0) == ConfusionMatrixChart.shade(0))
        // Dark cells carry white text, light ones dark text.
        #expect(count(of: .white, in: layout.cells[0][0], of: image) > 20)
        #expect(count(of: ChartStyle.standard.text, in: layout.cells[0][1], of: image) > 20)
        #expect(layout.colorBar != nil)
    }

    @Test func confusionMatrixToleratesRaggedAndEmptyInput() {
        let ragged = ConfusionMatrixChart(classNames: ["a"], counts: [[3, 1, 0], [], [0, 0, 9]])
        #expect(ragged.classCount == 3)
        #expect(ragged.count(true: 1, predicted: 2) == 0)
        #expect(ragged.rowFraction(true: 1, predicted: 1) == nil)
        #expect(ragged.render().width == 640)
        let empty = ConfusionMatrixChart(classNames: [], counts: [])
        #expect(empty.classCount == 0)
        #expect(empty.render().height == 400)
        let many = ConfusionMatrixChart(classNames: (0..<60).map { "class \($0)" }, counts: (0..<60).map { t in (0..<60).map { $0 == t ? 50 : 1 } })
        #expect(many.render().width == 640)
    }

    // MARK: bar charts

    @Test func barsAreProportionalAndLabelled() {
        var chart = BarChart(title: "Per class", valueLabel: "images", categoryLabel: "class")
        chart.add("cat", 400)
        chart.add("dog", 200, color: .orange)
        chart.add("bird", .nan)
        let layout = chart.layout()
        let image = chart.render()
        let cat = try! #require(layout.bars[0]), dog = try! #require(layout.bars[1])
        #expect(layout.bars[2] == nil)
        #expect(cat.maxY == dog.maxY, "one baseline")
        #expect(abs(Double(cat.height) / Double(dog.height) - 2) < 0.03)
        #expect(color(image, cat.x + cat.width / 2, cat.y + cat.height / 2) == .blue)
        #expect(color(image, dog.x + dog.width / 2, dog.y + dog.height / 2) == .orange)
        #expect(cat.x < dog.x)
        // The value is written just above each bar.
        let above = PixelRect(x: cat.x, y: cat.y - 12, width: cat.width, height: 11)
        #expect(count(of: ChartStyle.standard.text, in: above, of: image) > 10)
    }

    @Test func horizontalBarsRunDownwardFromTheFirst() {
        var chart = BarChart(title: "Agreement", valueLabel: "rate", orientation: .horizontal)
        chart.valueRange = 0...1
        chart.valueStyle = .percent
        chart.add("flip", 0.975)
        chart.add("rotate90", 0.5)
        chart.add("worse", -0.25)
        let layout = chart.layout()
        #expect(layout.valueTicks.labels.first == "0%" && layout.valueTicks.labels.last == "100%")
        let flip = try! #require(layout.bars[0]), rotate = try! #require(layout.bars[1])
        #expect(flip.y < rotate.y && flip.x == rotate.x)
        #expect(abs(Double(flip.width) / Double(rotate.width) - 1.95) < 0.03)
        // Outside the fixed range the bar is cut at the frame; nothing is drawn past it.
        #expect(chart.render().width == 640)
    }

    @Test func negativeBarsHangBelowZero() {
        var chart = BarChart()
        chart.add("up", 3)
        chart.add("down", -2)
        let layout = chart.layout()
        let up = try! #require(layout.bars[0]), down = try! #require(layout.bars[1])
        #expect(up.maxY - 1 == down.y, "both start at the zero line")
        #expect(layout.valueTicks.range.lowerBound <= -2 && layout.valueTicks.range.upperBound >= 3)
    }
}
