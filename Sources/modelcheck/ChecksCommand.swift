import ArgumentParser
import Checks

struct ChecksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checks",
        abstract: "List every check a spec can name: its phase, keys, their types and defaults.",
        discussion: "The list is the one the spec parser reads; --markdown prints the check table of docs/checks.md from it.")

    @Flag(help: "Print the check table of docs/checks.md (Markdown) instead.") var markdown = false

    func run() {
        print(markdown ? CheckCatalogue.standard.markdownTable : CheckCatalogue.standard.listing, terminator: "")
    }
}
