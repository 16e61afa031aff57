import Foundation
import Testing
import Imaging

/// docs/robustness.md's parameter tables must say what CorruptionParameters.swift holds.
@Suite struct CorruptionDocumentationTests {
    static let page: String = {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let file = repository.appendingPathComponent("docs/robustness.md")
        do { return try String(contentsOf: file, encoding: .utf8) } catch { return "cannot read \(file.path): \(error)" }
    }()

    /// The lines between `<!-- name:begin -->` and `<!-- name:end -->`.
    static func section(_ name: String) -> String? {
        guard let start = page.range(of: "<!-- \(name):begin -->\n"), let end = page.range(of: "<!-- \(name):end -->") else { return nil }
        return String(page[start.upperBound..<end.lowerBound])
    }

    static func number(_ value: Double) -> String {
        value.rounded() == value ? String(Int(value)) : String(value)
    }

    static let header = "| corruption | %@ | 1 | 2 | 3 | 4 | 5 |\n| --- | --- | --- | --- | --- | --- | --- |\n"

    @Test func parameterTableIsTheCode() {
        var table = String(format: Self.header, "parameter")
        for corruption in Corruption.allCases {
            let values = CorruptionSeverity.all.map { Self.number(corruption.parameter(at: $0)) }
            table += "| `\(corruption.rawValue)` | \(corruption.parameterName) | \(values.joined(separator: " | ")) |\n"
        }
        #expect(Self.section("corruptions") == table, "docs/robustness.md should hold:\n\(table)")
    }

    @Test func pixelTableIsTheCode() {
        var table = String(format: Self.header, "image")
        for corruption in [Corruption.gaussianBlur, .defocusBlur, .pixelate] {
            for side in [64.0, 128, 480] {
                let values = CorruptionSeverity.all.map { severity in
                    let value = corruption.parameter(at: severity)
                    return String(format: "%.2f", corruption == .pixelate ? side / value : value * side)
                }
                table += "| `\(corruption.rawValue)` | \(Int(side)) px | \(values.joined(separator: " | ")) |\n"
            }
        }
        #expect(Self.section("corruption-pixels") == table, "docs/robustness.md should hold:\n\(table)")
    }
}
