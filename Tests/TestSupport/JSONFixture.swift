import Foundation

/// Reference values written by a fixture script (Python, snake_case keys) and read by a test.
public enum JSONFixture {
    /// The JSON file at `path` under a test target's `Fixtures` folder (`fixtures`, its Bundle.module URL), decoded.
    public static func decode<T: Decodable>(_ type: T.Type, _ path: String, in fixtures: URL?) throws -> T {
        guard let fixtures else { throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "Fixtures"]) }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(type, from: Data(contentsOf: fixtures.appendingPathComponent(path)))
    }
}
