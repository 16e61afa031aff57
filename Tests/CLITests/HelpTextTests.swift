import Foundation
import Testing

/// The argument parser wraps help text to the terminal's width; a line break written into the
/// source splits a sentence wherever the terminal is wider than the source was.
@Suite struct HelpTextTests {
    /// Every command path, found by walking the SUBCOMMANDS sections of the help itself.
    static func commands(under path: [String] = []) throws -> [[String]] {
        let help = try CLI.run(path + ["--help"], environment: ["COLUMNS": "1000"]).stdout
        guard let section = help.range(of: "SUBCOMMANDS:\n") else { return [path] }
        let names = help[section.upperBound...].split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("  "), !line.hasPrefix("   "), let name = line.split(separator: " ").first,
                  name.first?.isLetter == true, name != "See" else { return nil }
            return String(name)
        }
        return try [path] + names.flatMap { try commands(under: path + [$0]) }
    }

    @Test func noSentenceIsBrokenByAHandMadeLineBreak() throws {
        let all = try Self.commands()
        #expect(all.count >= 14, "\(all)")
        for command in all {
            let help = try CLI.run(command + ["--help"], environment: ["COLUMNS": "1000"]).stdout
            let lines = help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for (line, next) in zip(lines, lines.dropFirst()) {
                // A sentence goes on when a line ends in a word or comma and the next starts in lower case.
                let continues = (line.last?.isLetter == true || line.last == ",") && next.first?.isLowercase == true
                #expect(!continues, "modelcheck \(command.joined(separator: " ")): '\(line)' / '\(next)'")
            }
        }
    }
}
