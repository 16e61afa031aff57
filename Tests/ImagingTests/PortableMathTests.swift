import Randomness
import Foundation
import Testing
@testable import Imaging

/// PortableMath must agree with Fixtures/corruptions.py to the bit (the same operations in the
/// same order) and with the C library to a few units in the last place.
@Suite struct PortableMathTests {
    static let exp: [(Double, [UInt64])] = [
        (-3.7, [0x3F99511FC6871044]),
        (0.5, [0x3FFA61298E1E069C]),
        (-60.0, [0x3A85AE191A99585A]),
        (12.25, [0x410982AA4F9AEC90]),
    ]
    static let log: [(Double, [UInt64])] = [
        (0.123, [0xC000C3BAB03AD16E]),
        (0.00392156862745098, [0xC0162A40FDA3E3CC]),
        (0.9999999, [0xBE7AD7F2B1049BA0]),
        (3.5, [0x3FF40B512EB53D60]),
    ]
    static let sinCos: [(Double, [UInt64])] = [
        (5.9, [0xBFD7ED98640BBD1B, 0x3FEDADE73EF95029]),
        (-1.0, [0xBFEAED548F090CEE, 0x3FE14A280FB5068C]),
        (0.7853981633974483, [0x3FE6A09E667F3BCC, 0x3FE6A09E667F3BCD]),
        (3.141592653589793, [0x3CA1A62633100000, 0xBFF0000000000000]),
    ]

    static func bits(_ values: Double...) -> [UInt64] { values.map(\.bitPattern) }

    @Test func sameBitsAsThePythonTranscription() {
        for (x, expected) in Self.exp { #expect(Self.bits(PortableMath.exp(x)) == expected, "exp(\(x))") }
        for (x, expected) in Self.log { #expect(Self.bits(PortableMath.log(x)) == expected, "log(\(x))") }
        for (x, expected) in Self.sinCos {
            let (sine, cosine) = PortableMath.sinCos(x)
            #expect(Self.bits(sine, cosine) == expected, "sinCos(\(x))")
        }
    }

    @Test func closeToTheCLibrary() {
        var generator = SeededRandom(seed: 17)
        for _ in 0..<20_000 {
            let u = generator.nextUnitInterval()
            let x = 80 * u - 40
            #expect(abs(PortableMath.exp(x) - Foundation.exp(x)) <= 4 * Foundation.exp(x).ulp, "exp(\(x))")
            let y = u * 1000
            #expect(abs(PortableMath.log(u) - Foundation.log(u)) <= 4 * Foundation.log(u).ulp, "log(\(u))")
            #expect(abs(PortableMath.log(y) - Foundation.log(y)) <= 4 * Foundation.log(y).ulp, "log(\(y))")
            let angle = 14 * u - 7
            let (sine, cosine) = PortableMath.sinCos(angle)
            #expect(abs(sine - Foundation.sin(angle)) <= 2e-16 && abs(cosine - Foundation.cos(angle)) <= 2e-16, "sinCos(\(angle))")
        }
    }

    @Test func edgesGiveIEEEAnswersNotCrashes() {
        #expect(PortableMath.exp(0) == 1 && PortableMath.log(1) == 0)
        #expect(PortableMath.exp(800) == .infinity && PortableMath.exp(-800) == 0 && PortableMath.exp(.nan).isNaN)
        #expect(PortableMath.log(0) == -.infinity && PortableMath.log(-1).isNaN && PortableMath.log(.infinity) == .infinity)
        #expect(PortableMath.sinCos(.nan).sin.isNaN && PortableMath.sinCos(.infinity).cos.isNaN && PortableMath.sinCos(1e300).sin.isNaN)
        let quarter = PortableMath.sinCos(Double.pi / 2)
        #expect(quarter.sin == 1 && abs(quarter.cos) < 1e-16)
    }
}
