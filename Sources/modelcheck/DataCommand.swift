import ArgumentParser
import Datasets
import Foundation

struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Fetch and inspect image datasets.",
        subcommands: [DataFetchCommand.self, DataInspectCommand.self])
}

struct DataFetchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Download a public dataset, verify its size and SHA-256, and unpack it safely.",
        discussion: """
            Datasets: malaria (the NIH/NLM thin-smear cell images, cell_images.zip, 353 MB). \
            An interrupted download resumes; a file that fails verification is set aside as \
            <name>.rejected. Set \(KnownDownloads.mirrorVariable) to fetch from a mirror.
            Example: modelcheck data fetch malaria data/
            """)

    @Argument(help: "Dataset name: malaria.") var name: String
    @Argument(help: "Folder to download into.") var directory: String

    func run() async throws {
        guard name == "malaria" else { throw ValidationError("unknown dataset '\(name)'; known: malaria") }
        let bar = ProgressLine(descriptor: STDERR_FILENO)
        let fetched = try await KnownDownloads.fetchMalaria(
            into: URL(fileURLWithPath: directory),
            downloadProgress: { p in bar.show("download", done: p.bytesDone, total: p.totalBytes, unit: "MB") },
            extractionProgress: { p in bar.show("unpack", done: p.filesDone, total: p.fileCount, unit: "files") })
        bar.finish()
        print("""
            \(fetched.download.file.path)  \(fetched.download.byteCount) bytes, sha256 \(fetched.download.sha256) (verified)
            \(fetched.extraction.fileCount) files unpacked into \(fetched.extraction.destination.path): \(fetched.extraction.topLevelItems.joined(separator: ", "))
            """)
    }
}

struct DataInspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Describe an image folder: classes, counts, groups, image sizes, problems.",
        discussion: """
            Decodes every image, so undecodable, tiny and duplicate images are found before training.
            Example: modelcheck data inspect Specs/data/malaria-sample --group-pattern '^(C[0-9]+)'
            """)

    @Argument(help: "Image folder with one subfolder per class.") var directory: String
    @Option(help: "Regular expression over file names whose first group names the group (patient).") var groupPattern: String?
    @Option(help: "Class folder order, comma-separated.") var classes: String?

    func run() throws {
        let manifest = try ImageFolder.scan(URL(fileURLWithPath: directory), classes: classes.map { $0.split(separator: ",").map(String.init) },
                                            groupPattern: try groupPattern.map { try GroupPattern($0) })
        DatasetInspection(manifest).lines.forEach { print($0) }
    }
}

struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "Fetch released BiT checkpoints.",
        subcommands: [ModelsFetchCommand.self])
}

struct ModelsFetchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Download a released BiT checkpoint (.npz), verifying its size and, when given, its SHA-256.",
        discussion: """
            The BiT authors publish no checksums: the size is checked against the server's, and \
            the SHA-256 is printed so you can pin it with --sha256 next time.
            Example: modelcheck models fetch BiT-M-R50x1 models/
            """)

    @Argument(help: "Checkpoint name, e.g. BiT-M-R50x1 or BiT-S-R101x3.") var name: String
    @Argument(help: "Folder to download into.") var directory: String
    @Option(help: "Expected SHA-256 (hex).") var sha256: String?

    func run() async throws {
        guard KnownDownloads.checkpointNames.contains(name) else {
            throw ValidationError("unknown checkpoint '\(name)'; known: \(KnownDownloads.checkpointNames.joined(separator: ", "))")
        }
        let bar = ProgressLine(descriptor: STDERR_FILENO)
        let r = try await KnownDownloads.fetchCheckpoint(named: name, into: URL(fileURLWithPath: directory), sha256: sha256,
                                                         progress: { p in bar.show("download", done: p.bytesDone, total: p.totalBytes, unit: "MB") })
        bar.finish()
        print("\(r.file.path)  \(r.byteCount) bytes, sha256 \(r.sha256)\(r.wasAlreadyPresent ? " (already present)" : "")\(sha256 == nil ? "" : " (verified)")")
    }
}
