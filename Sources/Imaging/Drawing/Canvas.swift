/// A mutable RGB raster that charts draw into: rectangles, anti-aliased lines and markers, text
/// (through `BitmapFont`), all clipped to `clip`.
///
/// Coordinates are pixels from the top-left corner. Pixel (i, j) covers [i, i+1) × [j, j+1), so
/// its centre is (i + 0.5, j + 0.5): a 1 px line through centres covers one row exactly.
public struct Canvas: Sendable {
    /// A position in pixel coordinates.
    public typealias Point = (x: Double, y: Double)

    /// On and off lengths of a dashed stroke, in pixels along the line.
    public struct Dash: Sendable, Hashable {
        /// Length of each drawn piece.
        public var on: Double
        /// Length of each gap.
        public var off: Double

        /// A pattern of `on` pixels drawn, `off` pixels skipped.
        public init(on: Double, off: Double) {
            self.on = on
            self.off = off
        }

        /// The pattern charts use for reference lines.
        public static let standard = Dash(on: 6, off: 4)
    }

    /// Shapes for marking data points.
    public enum Marker: Sendable, Hashable, CaseIterable {
        /// A filled disc.
        case circle
        /// A filled axis-aligned square.
        case square
        /// A filled square standing on a corner.
        case diamond
    }

    /// The pixels drawn so far.
    public private(set) var image: RGBImage
    private var clipRect: PixelRect

    /// A `width` × `height` canvas filled with `background`; negative sizes are taken as zero.
    public init(width: Int, height: Int, background: RGBColor = .white) {
        let width = max(0, width), height = max(0, height)
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for offset in stride(from: 0, to: pixels.count, by: 3) {
            pixels[offset] = background.red
            pixels[offset + 1] = background.green
            pixels[offset + 2] = background.blue
        }
        image = RGBImage(width: width, height: height, pixels: pixels)
        clipRect = PixelRect(x: 0, y: 0, width: width, height: height)
    }

    /// Width in pixels.
    public var width: Int { image.width }
    /// Height in pixels.
    public var height: Int { image.height }
    /// The whole canvas.
    public var bounds: PixelRect { PixelRect(x: 0, y: 0, width: width, height: height) }

    /// Drawing changes only pixels inside this rectangle; setting it keeps the part inside the canvas.
    public var clip: PixelRect {
        get { clipRect }
        set { clipRect = newValue.intersection(bounds) }
    }

    /// The colour of pixel (`x`, `y`), which must lie on the canvas.
    public subscript(x: Int, y: Int) -> RGBColor {
        let pixel = image[x: x, y: y]
        return RGBColor(red: pixel.red, green: pixel.green, blue: pixel.blue)
    }

    /// Runs `body` with drawing further restricted to `rect`, then restores the current clip.
    public mutating func withClip(_ rect: PixelRect, _ body: (inout Canvas) -> Void) {
        let saved = clipRect
        clipRect = clipRect.intersection(rect)
        body(&self)
        clipRect = saved
    }

    /// Mixes `color` into pixel (`x`, `y`) by `coverage` (0 keeps the pixel, 1 replaces it).
    public mutating func blend(x: Int, y: Int, color: RGBColor, coverage: Double) {
        guard coverage > 0, clipRect.contains(x: x, y: y) else { return }
        let offset = (y * image.width + x) * 3
        if coverage >= 1 {
            image.pixels[offset] = color.red
            image.pixels[offset + 1] = color.green
            image.pixels[offset + 2] = color.blue
            return
        }
        func mix(_ old: UInt8, _ new: UInt8) -> UInt8 {
            UInt8((Double(old) + (Double(new) - Double(old)) * coverage).rounded())
        }
        image.pixels[offset] = mix(image.pixels[offset], color.red)
        image.pixels[offset + 1] = mix(image.pixels[offset + 1], color.green)
        image.pixels[offset + 2] = mix(image.pixels[offset + 2], color.blue)
    }

    /// Paints `rect` with `color`; an `opacity` below 1 lets what is underneath show through.
    public mutating func fill(_ rect: PixelRect, with color: RGBColor, opacity: Double = 1) {
        let area = rect.intersection(clipRect)
        for y in area.y..<area.maxY {
            for x in area.x..<area.maxX { blend(x: x, y: y, color: color, coverage: opacity) }
        }
    }

    /// Paints a border `width` pixels thick just inside `rect`.
    public mutating func stroke(_ rect: PixelRect, with color: RGBColor, width: Int = 1) {
        let w = min(width, rect.width), h = min(width, rect.height)
        fill(PixelRect(x: rect.x, y: rect.y, width: rect.width, height: h), with: color)
        fill(PixelRect(x: rect.x, y: rect.maxY - h, width: rect.width, height: h), with: color)
        fill(PixelRect(x: rect.x, y: rect.y + h, width: w, height: rect.height - 2 * h), with: color)
        fill(PixelRect(x: rect.maxX - w, y: rect.y + h, width: w, height: rect.height - 2 * h), with: color)
    }

    /// Draws an anti-aliased straight line `width` pixels wide with round ends.
    public mutating func drawLine(from start: Point, to end: Point, color: RGBColor, width: Double = 1, dash: Dash? = nil) {
        drawPolyline([start, end], color: color, width: width, dash: dash)
    }

    /// Draws connected anti-aliased segments through `points`, with round joins.
    ///
    /// A segment with a non-finite end is left out, leaving a gap. Overlapping segments are
    /// merged before blending, so joins are not darker than the rest of the line.
    public mutating func drawPolyline(_ points: [Point], color: RGBColor, width: Double = 1, dash: Dash? = nil) {
        guard width > 0, width.isFinite, !clipRect.isEmpty, points.count >= 1 else { return }
        let reach = max(width, 1) / 2 + 1
        let box: Box = (
            Double(clipRect.x) - reach, Double(clipRect.y) - reach, Double(clipRect.maxX) + reach, Double(clipRect.maxY) + reach)
        let pairs = points.count == 1 ? [(points[0], points[0])] : Array(zip(points, points.dropFirst()))
        let segments = dash.map { Self.dashes(along: pairs, pattern: $0, within: box) }
            ?? pairs.compactMap { Self.clipped($0.0, $0.1, to: box) }
        strokeSegments(segments, color: color, width: width)
    }

    /// Draws a filled anti-aliased disc.
    public mutating func fillCircle(center: Point, radius: Double, color: RGBColor) {
        drawMarker(.circle, at: center, size: 2 * radius, color: color)
    }

    /// Draws a filled anti-aliased `marker` about `size` pixels across, centred on `center`.
    public mutating func drawMarker(_ marker: Marker, at center: Point, size: Double, color: RGBColor) {
        guard center.x.isFinite, center.y.isFinite, size > 0, size.isFinite else { return }
        let r = size / 2
        let reach = (marker == .diamond ? r * 2.0.squareRoot() : r) + 1
        guard let area = pixelArea(minX: center.x - reach, minY: center.y - reach, maxX: center.x + reach, maxY: center.y + reach)
        else { return }
        for y in area.y..<area.maxY {
            for x in area.x..<area.maxX {
                let dx = abs(Double(x) + 0.5 - center.x), dy = abs(Double(y) + 0.5 - center.y)
                let coverage: Double
                switch marker {
                case .circle: coverage = Self.unit(r + 0.5 - (dx * dx + dy * dy).squareRoot())
                case .square: coverage = Self.unit(r + 0.5 - dx) * Self.unit(r + 0.5 - dy)
                case .diamond: coverage = Self.unit(r + 0.5 - (dx + dy) / 2.0.squareRoot())
                }
                blend(x: x, y: y, color: color, coverage: coverage)
            }
        }
    }

    /// The whole pixels of the clip that the box [minX, maxX] × [minY, maxY] touches, if any.
    private func pixelArea(minX: Double, minY: Double, maxX: Double, maxY: Double) -> PixelRect? {
        // Clamping in floating point first keeps far-off coordinates from overflowing Int.
        func column(_ v: Double) -> Int { Int(min(Double(clipRect.maxX), max(Double(clipRect.x), v.rounded(.down)))) }
        func row(_ v: Double) -> Int { Int(min(Double(clipRect.maxY), max(Double(clipRect.y), v.rounded(.down)))) }
        let left = column(minX), top = row(minY)
        let area = PixelRect(x: left, y: top, width: column(maxX) + 1 - left, height: row(maxY) + 1 - top)
            .intersection(clipRect)
        return area.isEmpty ? nil : area
    }

    private mutating func strokeSegments(_ segments: [(Point, Point)], color: RGBColor, width: Double) {
        guard !segments.isEmpty else { return }
        // Lines thinner than a pixel are drawn one pixel wide but fainter, which reads better than gaps.
        let half = max(width, 1) / 2, strength = min(1, width), reach = half + 1
        var bounds: (minX: Double, minY: Double, maxX: Double, maxY: Double) = (.infinity, .infinity, -.infinity, -.infinity)
        for (a, b) in segments {
            bounds = (min(bounds.minX, a.x, b.x), min(bounds.minY, a.y, b.y), max(bounds.maxX, a.x, b.x), max(bounds.maxY, a.y, b.y))
        }
        guard let region = pixelArea(
            minX: bounds.minX - reach, minY: bounds.minY - reach, maxX: bounds.maxX + reach, maxY: bounds.maxY + reach)
        else { return }
        var coverage = [Double](repeating: 0, count: region.width * region.height)
        for (a, b) in segments {
            guard let area = pixelArea(
                minX: min(a.x, b.x) - reach, minY: min(a.y, b.y) - reach,
                maxX: max(a.x, b.x) + reach, maxY: max(a.y, b.y) + reach)
            else { continue }
            let dx = b.x - a.x, dy = b.y - a.y, lengthSquared = dx * dx + dy * dy
            for y in area.y..<area.maxY {
                let py = Double(y) + 0.5
                for x in area.x..<area.maxX {
                    let px = Double(x) + 0.5
                    let t = lengthSquared > 0 ? min(1, max(0, ((px - a.x) * dx + (py - a.y) * dy) / lengthSquared)) : 0
                    let ex = px - (a.x + t * dx), ey = py - (a.y + t * dy)
                    let c = Self.unit(half + 0.5 - (ex * ex + ey * ey).squareRoot()) * strength
                    let index = (y - region.y) * region.width + (x - region.x)
                    if c > coverage[index] { coverage[index] = c }
                }
            }
        }
        for y in region.y..<region.maxY {
            for x in region.x..<region.maxX {
                blend(x: x, y: y, color: color, coverage: coverage[(y - region.y) * region.width + (x - region.x)])
            }
        }
    }

    private typealias Box = (minX: Double, minY: Double, maxX: Double, maxY: Double)

    /// The part of segment `a`–`b` inside `box`, or nil when none is or an end is not finite.
    ///
    /// Each end outside is moved onto the edge it crosses, solving the line for the other
    /// coordinate from that edge: this stays exact for far-off ends (1e300) where interpolating
    /// from the ends would round the visible part away.
    private static func clipped(_ a: Point, _ b: Point, to box: Box) -> (Point, Point)? {
        guard a.x.isFinite, a.y.isFinite, b.x.isFinite, b.y.isFinite else { return nil }
        func onVertical(_ from: Point, _ to: Point, _ edge: Double) -> Point {
            (edge, from.y + (edge - from.x) / (to.x - from.x) * (to.y - from.y))
        }
        func onHorizontal(_ from: Point, _ to: Point, _ edge: Double) -> Point {
            (from.x + (edge - from.y) / (to.y - from.y) * (to.x - from.x), edge)
        }
        var p = a, q = b
        if (p.x < box.minX && q.x < box.minX) || (p.x > box.maxX && q.x > box.maxX) { return nil }
        if p.x < box.minX { p = onVertical(p, q, box.minX) } else if p.x > box.maxX { p = onVertical(p, q, box.maxX) }
        if q.x < box.minX { q = onVertical(q, p, box.minX) } else if q.x > box.maxX { q = onVertical(q, p, box.maxX) }
        if (p.y < box.minY && q.y < box.minY) || (p.y > box.maxY && q.y > box.maxY) { return nil }
        if p.y < box.minY { p = onHorizontal(p, q, box.minY) } else if p.y > box.maxY { p = onHorizontal(p, q, box.maxY) }
        if q.y < box.minY { q = onHorizontal(q, p, box.minY) } else if q.y > box.maxY { q = onHorizontal(q, p, box.maxY) }
        // A segment passing outside a corner ends up with an end beyond the other pair of edges.
        let inside = [p, q].allSatisfy {
            $0.x.isFinite && $0.y.isFinite && $0.x >= box.minX - 1 && $0.x <= box.maxX + 1 && $0.y >= box.minY - 1
                && $0.y <= box.maxY + 1
        }
        return inside ? (p, q) : nil
    }

    /// The drawn pieces of a dashed polyline inside `box`; the pattern runs on across corners.
    private static func dashes(along pairs: [(Point, Point)], pattern: Dash, within box: Box) -> [(Point, Point)] {
        // Sub-pixel dashes would cost a piece per pixel and look solid anyway.
        let on = max(0.5, pattern.on.isFinite ? pattern.on : 0.5)
        let period = on + max(0.5, pattern.off.isFinite ? pattern.off : 0.5)
        func distance(_ a: Point, _ b: Point) -> Double { ((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)).squareRoot() }
        func wrapped(_ length: Double) -> Double { length.isFinite ? length.truncatingRemainder(dividingBy: period) : 0 }
        var pieces: [(Point, Point)] = []
        var travelled = 0.0
        for (a, b) in pairs {
            if let (p, q) = clipped(a, b, to: box) {
                let visible = distance(p, q)
                // Counting along the visible part only keeps the arithmetic exact for far-off ends.
                var phase = wrapped(travelled + distance(a, p)), u = 0.0
                while u < visible {
                    let next = min(visible, u + (phase < on ? on : period) - phase)
                    if phase < on {
                        pieces.append(((p.x + (q.x - p.x) * u / visible, p.y + (q.y - p.y) * u / visible),
                                       (p.x + (q.x - p.x) * next / visible, p.y + (q.y - p.y) * next / visible)))
                    }
                    phase = wrapped(phase + next - u)
                    u = next
                }
            }
            travelled = wrapped(travelled + distance(a, b))
        }
        return pieces
    }

    private static func unit(_ value: Double) -> Double { min(1, max(0, value)) }
}
