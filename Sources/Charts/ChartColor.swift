/// An opaque sRGB colour for chart ink, written into SVG as `#rrggbb`.
public struct ChartColor: Sendable, Hashable {
    /// Red sample.
    public var red: UInt8
    /// Green sample.
    public var green: UInt8
    /// Blue sample.
    public var blue: UInt8

    /// The colour with these samples.
    public init(red: UInt8, green: UInt8, blue: UInt8) {
        (self.red, self.green, self.blue) = (red, green, blue)
    }

    /// The colour written as 0xRRGGBB, as in CSS.
    public init(hex: UInt32) {
        self.init(red: UInt8((hex >> 16) & 0xFF), green: UInt8((hex >> 8) & 0xFF), blue: UInt8(hex & 0xFF))
    }

    /// `#rrggbb`, as SVG and CSS read it.
    public var css: String {
        let digits = Array("0123456789abcdef")
        return "#" + String([red, green, blue].flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xF)]] })
    }

    /// This colour moved `amount` (0...1) of the way towards `other`.
    public func mixed(with other: ChartColor, amount: Double) -> ChartColor {
        let t = amount.isNaN ? 0 : min(1, max(0, amount))
        func channel(_ a: UInt8, _ b: UInt8) -> UInt8 {
            UInt8((Double(a) + (Double(b) - Double(a)) * t).rounded())
        }
        return ChartColor(red: channel(red, other.red), green: channel(green, other.green), blue: channel(blue, other.blue))
    }

    /// Perceived brightness in 0...1 (Rec. 709 weights on the stored samples), for picking readable text colours.
    public var luminance: Double {
        (0.2126 * Double(red) + 0.7152 * Double(green) + 0.0722 * Double(blue)) / 255
    }

    /// White.
    public static let white = ChartColor(hex: 0xFFFFFF)
    /// A mid grey.
    public static let gray = ChartColor(hex: 0x7F7F7F)
    /// The palette's blue.
    public static let blue = ChartColor(hex: 0x2A6FB5)
    /// The palette's orange.
    public static let orange = ChartColor(hex: 0xF08A1C)
    /// The palette's green.
    public static let green = ChartColor(hex: 0x2F9A3E)
    /// The palette's red.
    public static let red = ChartColor(hex: 0xD13B36)
    /// The palette's purple.
    public static let purple = ChartColor(hex: 0x8560B8)
    /// The palette's brown.
    public static let brown = ChartColor(hex: 0x8A5A44)
    /// The palette's pink.
    public static let pink = ChartColor(hex: 0xD76FB8)
    /// The palette's olive.
    public static let olive = ChartColor(hex: 0xA2A534)
    /// The palette's cyan.
    public static let cyan = ChartColor(hex: 0x1CA9BE)
}
