import Foundation
@testable import BiT
import FileFormats

/// Paths of the committed test fixtures.
enum Fixtures {
    static var root: URL { Bundle.module.url(forResource: "Fixtures", withExtension: nil)! }
    static func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }

    /// A standalone .npy file as an array.
    static func npy(_ relative: String) throws -> NpyArray {
        let data = try Data(contentsOf: url(relative))
        return try data.withUnsafeBytes { try NpyArray.parse($0, name: relative) }
    }
}
