import Foundation
import Testing
@testable import Datasets

@Suite struct DownloadCatalogueTests {
    @Test func malariaIsPinned() throws {
        let item = try KnownDownloads.malaria(base: nil)
        // Without a mirror configured, the official address; this test never fetches it.
        if try KnownDownloads.mirrorBase() == nil {
            #expect(item.url.absoluteString == "https://data.lhncbc.nlm.nih.gov/public/Malaria/cell_images.zip")
        }
        #expect(item.fileName == "cell_images.zip")
        #expect(item.expectedSize == 353_452_851)
        #expect(item.expectedSHA256 == "0a949556b2414159b5100192609805376654c4266d8d187be9b1922fad43c668")
    }

    @Test func checkpointsAreNamedAsPublished() throws {
        #expect(KnownDownloads.checkpointNames.count == 18)
        let base = URL(string: "https://storage.googleapis.com/bit_models/")!
        for name in ["BiT-M-R50x1", "BiT-S-R152x4", "BiT-M-R101x3-ILSVRC2012"] {
            let item = try KnownDownloads.checkpoint(named: name, base: base)
            #expect(item.url.absoluteString == "https://storage.googleapis.com/bit_models/\(name).npz")
            #expect(item.fileName == "\(name).npz")
            // Nothing is published to pin: the server's length is the size check.
            #expect(item.expectedSize == nil && item.expectedSHA256 == nil)
        }
        #expect(try KnownDownloads.checkpoint(named: "BiT-M-R50x1.npz", base: base).fileName == "BiT-M-R50x1.npz")
        let pinned = try KnownDownloads.checkpoint(named: "BiT-M-R50x1", sha256: String(repeating: "0", count: 64), base: base)
        #expect(pinned.expectedSHA256 == String(repeating: "0", count: 64))

        let unknown = #expect(throws: DownloadError.self) { try KnownDownloads.checkpoint(named: "BiT-L-R50x1", base: base) }
        #expect(unknown?.kind == .invalidInput)
        #expect(unknown?.description.contains("BiT-M-R50x1") == true)
        #expect(throws: DownloadError.self) { try KnownDownloads.checkpoint(named: "BiT-S-R50x1-ILSVRC2012", base: base) }
    }

    @Test func aMirrorServesFilesFlat() throws {
        let mirror = URL(string: "http://127.0.0.1:8000/mirror/")!
        #expect(try KnownDownloads.malaria(base: mirror).url.absoluteString == "http://127.0.0.1:8000/mirror/cell_images.zip")
        #expect(try KnownDownloads.checkpoint(named: "BiT-M-R50x1", base: URL(string: "http://127.0.0.1:8000")!).url.absoluteString
                == "http://127.0.0.1:8000/BiT-M-R50x1.npz")
        #expect(try KnownDownloads.mirrorBase(in: [KnownDownloads.mirrorVariable: "http://127.0.0.1:9/m"]) == URL(string: "http://127.0.0.1:9/m"))
        #expect(try KnownDownloads.mirrorBase(in: [KnownDownloads.mirrorVariable: ""]) == nil)
        #expect(try KnownDownloads.mirrorBase(in: [:]) == nil)
        let bad = #expect(throws: DownloadError.self) {
            try KnownDownloads.mirrorBase(in: [KnownDownloads.mirrorVariable: "/srv/mirror"])
        }
        #expect(bad?.kind == .invalidInput && bad?.description.contains(KnownDownloads.mirrorVariable) == true)
    }

    @Test func fetchesACheckpointFromAMirrorAndReportsItsHash() async throws {
        let weights = DownloadFixtures.bytes(count: 200_000, seed: 5)
        let server = try DownloadTestServer(files: ["BiT-M-R50x1.npz": .init(body: weights)])
        let folder = try DownloadScratch()
        let quick = Downloader(maxAttempts: 1, idleTimeout: 10, retryDelay: .zero)
        let result = try await KnownDownloads.fetchCheckpoint(named: "BiT-M-R50x1", into: folder.url, base: server.base,
                                                              downloader: quick)
        #expect(result.sha256 == (try DownloadFixtures.sha256(weights)))
        #expect(try folder.bytes("BiT-M-R50x1.npz") == weights)

        // A pinned hash that does not match is caught even though the file is already present.
        let wrong = String(repeating: "1", count: 64)
        let error = await #expect(throws: DownloadError.self) {
            try await KnownDownloads.fetchCheckpoint(named: "BiT-M-R50x1", into: folder.url, sha256: wrong,
                                                     base: server.base, downloader: quick)
        }
        #expect(error?.kind == .hashMismatch)
        #expect(!folder.exists("BiT-M-R50x1.npz.part"))
    }

    @Test func fetchesAndUnpacksAnArchive() async throws {
        let folder = try DownloadScratch()
        let archive = folder.url.appending(path: "source.zip")
        let cell = DownloadFixtures.bytes(count: 3000, seed: 8)
        try DownloadFixtures.makeZip(at: archive, [
            .init(name: "cell_images/Parasitized/p1.png", data: cell),
            .init(name: "cell_images/Uninfected/u1.png", data: cell.reversed(), deflate: true),
        ])
        let zipBytes = try folder.bytes("source.zip")
        let server = try DownloadTestServer(files: ["cell_images.zip": .init(body: zipBytes)])
        let item = try DownloadItem(url: server.url("cell_images.zip"), expectedSize: zipBytes.count,
                                    expectedSHA256: DownloadFixtures.sha256(zipBytes))
        let destination = folder.url.appending(path: "data")
        let quick = Downloader(maxAttempts: 1, idleTimeout: 10, retryDelay: .zero)
        let fetched = try await KnownDownloads.fetchArchive(item, into: destination, downloader: quick,
                                                            downloadProgress: { _ in }, extractionProgress: { _ in })
        #expect(fetched.extraction.topLevelItems == ["cell_images"])
        #expect(try folder.listing("data") == ["cell_images", "cell_images.zip"])
        #expect(try folder.bytes("data/cell_images/Uninfected/u1.png") == cell.reversed())

        // A rerun re-verifies the archive without downloading it and rebuilds the tree.
        try FileManager.default.removeItem(at: destination.appending(path: "cell_images/Parasitized/p1.png"))
        let again = try await KnownDownloads.fetchArchive(item, into: destination, downloader: quick,
                                                          downloadProgress: { _ in }, extractionProgress: { _ in })
        #expect(again.download.wasAlreadyPresent)
        #expect(server.requests.count == 1)
        #expect(try folder.bytes("data/cell_images/Parasitized/p1.png") == cell)
    }
}
