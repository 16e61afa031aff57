import Charts
import Foundation
import Testing

/// Overlaid histograms as a reader gets them: shares per bin, one translucent colour per sample.
struct OverlaidHistogramTests {
    private func parse(_ svg: SVG) throws -> SVGTree {
        try #require(SVGTree(svg.document), "not well-formed:\n\(svg.document)")
    }

    @Test func binsHoldEachSamplesShare() throws {
        let chart = OverlaidHistogram(series: [.init(name: "training", values: [0, 0, 1, 2, .nan]), .init(name: "judged", values: [2, 2])],
                                      binCount: 2)
        let bins = try #require(chart.bins())
        #expect(bins.range == 0...2)
        #expect(bins.shares == [[0.5, 0.5], [0, 1]])
        // A constant variable still gets a bin of its own.
        #expect(OverlaidHistogram(series: [.init(name: "a", values: [3, 3])], binCount: 4).bins()?.range == 2.5...3.5)
        #expect(OverlaidHistogram(series: [.init(name: "a", values: [])]).bins() == nil)
    }

    @Test func barsAreTranslucentInEachSeriesColourWithALegend() throws {
        let chart = OverlaidHistogram(title: "brightness", valueLabel: "KS D 0.4", series: [
            .init(name: "training", values: (0..<100).map { Double($0) }), .init(name: "judged", values: (50..<150).map { Double($0) }),
        ], binCount: 10)
        let tree = try parse(chart.render())
        let style = ChartStyle.standard
        for index in 0..<2 {
            let bars = tree.all("rect").filter { $0.attributes["fill"] == style.color(at: index).css && $0.attributes["fill-opacity"] == "0.45" }
            // Bins 14.9 wide over 0–149: each sample reaches 7 of the 10.
            #expect(bars.count == 7, "\(bars.count)")
        }
        #expect(tree.texts.contains("brightness") && tree.texts.contains("training") && tree.texts.contains("judged")
                && tree.texts.contains("KS D 0.4"))
        #expect(try parse(OverlaidHistogram(title: "empty").render()).texts.contains("no data"))
        #expect(try parse(chart.render(width: 0, height: 0)).elements.first?.number("width") == 0)
    }
}
