import Imaging
import Testing

@Suite struct CanvasTests {
    private func pixels(_ canvas: Canvas, where predicate: (RGBColor) -> Bool) -> [(x: Int, y: Int)] {
        var found: [(x: Int, y: Int)] = []
        for y in 0..<canvas.height {
            for x in 0..<canvas.width where predicate(canvas[x, y]) { found.append((x, y)) }
        }
        return found
    }

    @Test func startsAsBackgroundAndBecomesAnRGBImage() {
        let canvas = Canvas(width: 7, height: 3, background: RGBColor(hex: 0x102030))
        #expect(canvas.image.width == 7 && canvas.image.height == 3)
        #expect(canvas.image.pixels == [UInt8](repeating: 0, count: 21).flatMap { _ in [0x10, 0x20, 0x30] })
        #expect(Canvas(width: -2, height: 5).image.pixels.isEmpty)
    }

    @Test func fillIsClippedToCanvasAndClip() {
        var canvas = Canvas(width: 10, height: 10)
        canvas.fill(PixelRect(x: -5, y: 8, width: 8, height: 8), with: .red)
        #expect(pixels(canvas) { $0 == .red }.count == 3 * 2)
        canvas.withClip(PixelRect(x: 5, y: 0, width: 2, height: 3)) { canvas in
            canvas.fill(PixelRect(x: 0, y: 0, width: 10, height: 10), with: .blue)
        }
        #expect(pixels(canvas) { $0 == .blue }.map { [$0.x, $0.y] } == [[5, 0], [6, 0], [5, 1], [6, 1], [5, 2], [6, 2]])
        // The clip is restored afterwards.
        canvas.fill(PixelRect(x: 9, y: 9, width: 1, height: 1), with: .green)
        #expect(canvas[9, 9] == .green)
    }

    @Test func blendMixesByCoverage() {
        var canvas = Canvas(width: 1, height: 1, background: .white)
        canvas.blend(x: 0, y: 0, color: .black, coverage: 0.5)
        #expect(canvas[0, 0] == RGBColor(red: 128, green: 128, blue: 128))
        canvas.blend(x: 0, y: 0, color: .red, coverage: 0)
        canvas.blend(x: 5, y: 5, color: .red, coverage: 1)
        #expect(canvas[0, 0] == RGBColor(red: 128, green: 128, blue: 128))
    }

    @Test func lineThroughPixelCentresIsCrisp() {
        var canvas = Canvas(width: 20, height: 9)
        canvas.drawLine(from: (2.5, 4.5), to: (17.5, 4.5), color: .black)
        let inked = pixels(canvas) { $0 != .white }
        #expect(inked.allSatisfy { $0.y == 4 && canvas[$0.x, $0.y] == .black })
        #expect(inked.map(\.x) == Array(2...17))

        var thick = Canvas(width: 20, height: 9)
        thick.drawLine(from: (2.5, 4.5), to: (17.5, 4.5), color: .black, width: 3)
        for y in 3...5 { #expect(thick[10, y] == .black) }
        #expect(thick[10, 2] == .white && thick[10, 6] == .white)
    }

    @Test func diagonalLinesAreAntiAliased() {
        var canvas = Canvas(width: 30, height: 30)
        canvas.drawLine(from: (2, 3), to: (27, 19), color: .black, width: 2)
        let greys = pixels(canvas) { $0 != .white && $0 != .black }
        #expect(!greys.isEmpty)
        #expect(canvas[14, 11] == .black)
    }

    @Test func polylineJoinsAreNoDarkerThanTheLine() {
        let grey = RGBColor(hex: 0x808080)
        var joined = Canvas(width: 40, height: 12)
        joined.drawPolyline([(3, 6.2), (20, 6.2), (37, 6.2)], color: grey, width: 2.5)
        var single = Canvas(width: 40, height: 12)
        single.drawLine(from: (3, 6.2), to: (37, 6.2), color: grey, width: 2.5)
        for y in 0..<12 {
            for x in 0..<40 {
                let a = joined[x, y], b = single[x, y]
                #expect(abs(Int(a.red) - Int(b.red)) <= 1, "(\(x), \(y))")
            }
        }
    }

    @Test func dashedLinesHaveGapsInTheirPattern() {
        var canvas = Canvas(width: 101, height: 5)
        canvas.drawLine(from: (0.5, 2.5), to: (100.5, 2.5), color: .black, dash: Canvas.Dash(on: 6, off: 4))
        let row = (0..<101).map { canvas[$0, 2] != .white }
        let drawn = row.filter { $0 }.count
        #expect((55...70).contains(drawn), "\(drawn) of 101 pixels drawn")
        #expect(row[2] && !row[8])
    }

    @Test func nonFiniteAndFarOffCoordinatesAreSafe() {
        var canvas = Canvas(width: 20, height: 20)
        canvas.drawLine(from: (.nan, 3), to: (10, 10), color: .black)
        canvas.drawPolyline([(.infinity, 0), (3, 3), (-.infinity, .nan)], color: .black, width: 3, dash: .standard)
        canvas.fillCircle(center: (.nan, 5), radius: 3, color: .black)
        canvas.drawMarker(.square, at: (5, 5), size: .infinity, color: .black)
        #expect(pixels(canvas) { $0 != .white }.isEmpty)
        // A line from far away still draws the part that crosses the canvas, dashed or not.
        canvas.drawLine(from: (-1e300, 10.5), to: (1e300, 10.5), color: .black)
        #expect((0..<20).allSatisfy { canvas[$0, 10] == .black })
        canvas.drawLine(from: (5.5, -1e18), to: (5.5, 1e18), color: .red, dash: .standard)
        #expect((0..<20).contains { canvas[5, $0] == .red })
    }

    @Test func markersAreFilledShapesOfTheirSize() {
        for marker in Canvas.Marker.allCases {
            var canvas = Canvas(width: 30, height: 30)
            canvas.drawMarker(marker, at: (15, 15), size: 10, color: .black)
            #expect(canvas[14, 14] == .black, "\(marker)")
            #expect(canvas[15, 2] == .white && canvas[2, 15] == .white, "\(marker)")
            let area = pixels(canvas) { $0 != .white }.reduce(0.0) { sum, p in sum + 1 - Double(canvas[p.x, p.y].red) / 255 }
            let expected = ["circle": Double.pi * 25, "square": 100, "diamond": 100][String(describing: marker)]!
            #expect(abs(area - expected) / expected < 0.08, "\(marker): area \(area)")
        }
    }
}
