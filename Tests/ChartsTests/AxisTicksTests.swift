import Charts
import Testing

/// Tick placement and label text: the numbers every chart's axes show.
@Suite struct AxisTicksTests {
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
}
