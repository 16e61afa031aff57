import Foundation
import Testing
@testable import Datasets

/// Every test talks only to its own `DownloadTestServer` on 127.0.0.1.
@Suite struct DownloaderTests {
    let body = DownloadFixtures.bytes(count: 1_000_000, seed: 1)
    let quick = Downloader(maxAttempts: 1, idleTimeout: 10, retryDelay: .zero)

    private func server(_ file: DownloadTestServer.File? = nil) throws -> DownloadTestServer {
        try DownloadTestServer(files: ["data.bin": file ?? .init(body: body)])
    }

    @Test func downloadsAndVerifiesSizeAndHash() async throws {
        let server = try server()
        let folder = try DownloadScratch()
        let hash = try DownloadFixtures.sha256(body)
        let item = try DownloadItem(url: server.url("data.bin"), expectedSize: body.count, expectedSHA256: hash.uppercased())
        let log = DownloadReportLog<DownloadProgress>()
        let result = try await quick.download(item, into: folder.url, progress: log.record)

        #expect(try folder.bytes("data.bin") == body)
        #expect(result.sha256 == hash)
        #expect(result.byteCount == body.count)
        #expect(!result.wasAlreadyPresent && result.resumedFromByte == 0)
        #expect(try folder.listing() == ["data.bin"])
        #expect(server.requests.count == 1)
        #expect(server.requests[0].headers["range"] == nil)
        #expect(server.requests[0].headers["accept-encoding"] == "identity")

        let downloading = log.reports.filter { $0.phase == .downloading }
        #expect(downloading.map(\.bytesDone) == downloading.map(\.bytesDone).sorted())
        #expect(downloading.last == DownloadProgress(phase: .downloading, bytesDone: body.count, totalBytes: body.count))
        #expect(log.reports.last == DownloadProgress(phase: .verifying, bytesDone: body.count, totalBytes: body.count))
    }

    @Test func resumesACutDownloadWithARangeRequest() async throws {
        let server = try server(.init(body: body, faults: [.cut(afterBytes: 400_000)]))
        let folder = try DownloadScratch()
        let item = try DownloadItem(url: server.url("data.bin"), expectedSize: body.count,
                                    expectedSHA256: DownloadFixtures.sha256(body))

        let error = await #expect(throws: DownloadError.self) { try await quick.download(item, into: folder.url) }
        #expect(error?.kind == .connection)
        #expect(error?.description.contains(server.url("data.bin").absoluteString) == true)
        #expect(!folder.exists("data.bin"))
        #expect(try folder.bytes("data.bin.part") == Array(body.prefix(400_000)))

        let result = try await quick.download(item, into: folder.url)
        #expect(server.requests.map { $0.headers["range"] } == [nil, "bytes=400000-"])
        #expect(result.resumedFromByte == 400_000)
        #expect(try folder.bytes("data.bin") == body)
        #expect(try folder.listing() == ["data.bin"])
    }

    @Test func retriesWithinOneCallAndResumesEachTime() async throws {
        let server = try server(.init(body: body, faults: [.cut(afterBytes: 300_000), .status(503), .cut(afterBytes: 200_000)]))
        let folder = try DownloadScratch()
        let patient = Downloader(maxAttempts: 4, idleTimeout: 10, retryDelay: .zero)
        let result = try await patient.download(try DownloadItem(url: server.url("data.bin"), expectedSize: body.count),
                                                into: folder.url)
        #expect(server.requests.map { $0.headers["range"] } == [nil, "bytes=300000-", "bytes=300000-", "bytes=500000-"])
        #expect(result.resumedFromByte == 500_000)
        #expect(try folder.bytes("data.bin") == body)
    }

    @Test func givesUpAfterMaxAttempts() async throws {
        let server = try server(.init(body: body, faults: [.status(500), .status(500)]))
        let folder = try DownloadScratch()
        let twice = Downloader(maxAttempts: 2, idleTimeout: 10, retryDelay: .zero)
        let error = await #expect(throws: DownloadError.self) {
            try await twice.download(try DownloadItem(url: server.url("data.bin")), into: folder.url)
        }
        #expect(error?.kind == .httpStatus && error?.status == 500)
        #expect(server.requests.count == 2)
    }

    @Test func restartsWhenTheServerIgnoresRange() async throws {
        let server = try server(.init(body: body, honoursRange: false))
        let folder = try DownloadScratch()
        // Bytes that are not a prefix of the file: they must be discarded, not kept in front of the new body.
        try folder.write("data.bin.part", DownloadFixtures.bytes(count: 123_456, seed: 99))
        let item = try DownloadItem(url: server.url("data.bin"), expectedSize: body.count,
                                    expectedSHA256: DownloadFixtures.sha256(body))
        let result = try await quick.download(item, into: folder.url)
        #expect(server.requests.map { $0.headers["range"] } == ["bytes=123456-"])
        #expect(result.resumedFromByte == 0)
        #expect(try folder.bytes("data.bin") == body)
    }

    @Test func aPartLongerThanTheFileIsDiscardedAfter416() async throws {
        let server = try server()
        let folder = try DownloadScratch()
        try folder.write("data.bin.part", body + [1, 2, 3])
        let twice = Downloader(maxAttempts: 2, idleTimeout: 10, retryDelay: .zero)
        let result = try await twice.download(try DownloadItem(url: server.url("data.bin")), into: folder.url)
        #expect(server.requests.map { $0.headers["range"] } == ["bytes=\(body.count + 3)-", nil])
        #expect(try folder.bytes("data.bin") == body)
        #expect(result.sha256 == (try DownloadFixtures.sha256(body)))
    }

    @Test func aCompletePartIsFinishedAfter416WithoutTransfer() async throws {
        let server = try server()
        let folder = try DownloadScratch()
        try folder.write("data.bin.part", body)
        let result = try await quick.download(try DownloadItem(url: server.url("data.bin")), into: folder.url)
        #expect(server.requests.map { $0.headers["range"] } == ["bytes=\(body.count)-"])
        #expect(result.resumedFromByte == body.count)
        #expect(try folder.bytes("data.bin") == body)
    }

    @Test func aWrongHashIsRejectedAndMovedAside() async throws {
        let server = try server()
        let folder = try DownloadScratch()
        let wrong = String(repeating: "ab", count: 32)
        let item = try DownloadItem(url: server.url("data.bin"), expectedSHA256: wrong)
        let error = await #expect(throws: DownloadError.self) { try await quick.download(item, into: folder.url) }
        let actual = try DownloadFixtures.sha256(body)
        #expect(error?.kind == .hashMismatch)
        for part in [server.url("data.bin").absoluteString, wrong, actual, folder.path("data.bin.rejected")] {
            #expect(error?.description.contains(part) == true, "\(part) missing from: \(String(describing: error))")
        }
        #expect(try folder.listing() == ["data.bin.rejected"])
        #expect(try folder.bytes("data.bin.rejected") == body)

        // The rerun starts from nothing (no Range), rather than resuming the rejected bytes.
        await #expect(throws: DownloadError.self) { try await quick.download(item, into: folder.url) }
        #expect(server.requests.map { $0.headers["range"] } == [nil, nil])
    }

    @Test func aServerOfferingTheWrongSizeIsRefusedBeforeTransfer() async throws {
        let server = try server()
        let folder = try DownloadScratch()
        let item = try DownloadItem(url: server.url("data.bin"), expectedSize: body.count + 1)
        let error = await #expect(throws: DownloadError.self) { try await quick.download(item, into: folder.url) }
        #expect(error?.kind == .sizeMismatch)
        #expect(error?.description.contains("\(body.count)") == true)
        #expect(error?.description.contains("\(body.count + 1)") == true)
        #expect(try folder.listing() == [])
    }

    @Test func aBodyLongerThanExpectedIsRefused() async throws {
        let server = try server(.init(body: body, declaresLength: false))
        let folder = try DownloadScratch()
        let item = try DownloadItem(url: server.url("data.bin"), expectedSize: body.count - 100)
        let error = await #expect(throws: DownloadError.self) { try await quick.download(item, into: folder.url) }
        #expect(error?.kind == .sizeMismatch)
        #expect(try folder.listing() == [])
    }

    @Test func aShortBodyWithoutDeclaredLengthFailsTheSizeCheck() async throws {
        let server = try server(.init(body: body, declaresLength: false))
        let folder = try DownloadScratch()
        // With no length from the server or the catalogue, only the hash can tell; here the size is known.
        let item = try DownloadItem(url: server.url("data.bin"), expectedSize: body.count + 100)
        let error = await #expect(throws: DownloadError.self) { try await quick.download(item, into: folder.url) }
        #expect(error?.kind == .connection)
        #expect(error?.description.contains("\(body.count) of \(body.count + 100) bytes") == true)
        #expect(!folder.exists("data.bin"))
    }

    @Test func http404IsAClearError() async throws {
        let server = try server()
        let folder = try DownloadScratch()
        let error = await #expect(throws: DownloadError.self) {
            try await quick.download(try DownloadItem(url: server.url("missing.bin")), into: folder.url)
        }
        #expect(error?.kind == .httpStatus && error?.status == 404)
        #expect(error?.description.contains(server.url("missing.bin").absoluteString) == true)
        #expect(error?.description.contains("HTTP 404") == true)
        #expect(try folder.listing() == [])
    }

    @Test func aVerifiedFileIsNotDownloadedAgain() async throws {
        let server = try server()
        let folder = try DownloadScratch()
        let item = try DownloadItem(url: server.url("data.bin"), expectedSize: body.count,
                                    expectedSHA256: DownloadFixtures.sha256(body))
        _ = try await quick.download(item, into: folder.url)
        let again = try await quick.download(item, into: folder.url)
        #expect(again.wasAlreadyPresent && again.byteCount == body.count)
        #expect(server.requests.count == 1)

        // Same size, different bytes: fetched again and replaced.
        try folder.write("data.bin", DownloadFixtures.bytes(count: body.count, seed: 7))
        let repaired = try await quick.download(item, into: folder.url)
        #expect(!repaired.wasAlreadyPresent)
        #expect(server.requests.count == 2)
        #expect(try folder.bytes("data.bin") == body)
    }

    @Test func withoutPinsTheServerLengthIsCheckedAndTheHashReturned() async throws {
        let server = try server()
        let folder = try DownloadScratch()
        let item = try DownloadItem(url: server.url("data.bin"))
        let result = try await quick.download(item, into: folder.url)
        #expect(result.sha256 == (try DownloadFixtures.sha256(body)))
        // Only verified downloads get the final name, so its presence is enough when nothing is pinned.
        let again = try await quick.download(item, into: folder.url)
        #expect(again.wasAlreadyPresent && again.sha256 == result.sha256)
        #expect(server.requests.count == 1)
    }

    @Test func aStalledServerTimesOut() async throws {
        let server = try server(.init(body: body, faults: [.stall(afterBytes: 1000, seconds: 3)]))
        let folder = try DownloadScratch()
        let impatient = Downloader(maxAttempts: 1, idleTimeout: 1, retryDelay: .zero)
        let error = await #expect(throws: DownloadError.self) {
            try await impatient.download(try DownloadItem(url: server.url("data.bin")), into: folder.url)
        }
        #expect(error?.kind == .timeout)
        #expect(try folder.bytes("data.bin.part") == Array(body.prefix(1000)))
    }

    @Test func aSecondDownloaderIntoTheSamePartIsRefused() throws {
        let folder = try DownloadScratch()
        let site = DownloadSite(url: "http://127.0.0.1/x", file: folder.path("x"))
        let first = try PartFile(path: folder.path("x.part"), site: site)
        let error = #expect(throws: DownloadError.self) { try PartFile(path: folder.path("x.part"), site: site) }
        #expect(error?.kind == .busy)
        withExtendedLifetime(first) {}
    }

    @Test func itemsAreValidated() throws {
        let kinds = [
            #expect(throws: DownloadError.self) { try DownloadItem(url: URL(string: "ftp://127.0.0.1/a.zip")!) },
            #expect(throws: DownloadError.self) { try DownloadItem(url: URL(string: "http://127.0.0.1/a.zip")!, fileName: "../a.zip") },
            #expect(throws: DownloadError.self) { try DownloadItem(url: URL(string: "http://127.0.0.1/a.zip")!, expectedSHA256: "abc") },
        ].map { $0?.kind }
        #expect(kinds == [.invalidInput, .invalidInput, .invalidInput])
        let item = try DownloadItem(url: URL(string: "http://127.0.0.1/dir/a.zip")!, expectedSHA256: String(repeating: "AB", count: 32))
        #expect(item.fileName == "a.zip" && item.expectedSHA256 == String(repeating: "ab", count: 32))
    }

    @Test func contentRangeParsing() {
        let full = ContentRange(header: "bytes 100-199/200")
        #expect(full?.first == 100 && full?.last == 199 && full?.total == 200)
        let unknownTotal = ContentRange(header: "bytes 0-9/*")
        #expect(unknownTotal?.first == 0 && unknownTotal?.total == nil)
        let unsatisfied = ContentRange(header: "bytes */200")
        #expect(unsatisfied?.first == nil && unsatisfied?.total == 200)
        for bad in ["bytes 5-4/10", "bytes 0-10/10", "bytes -1-3/10", "items 0-1/2", "bytes */*", "bytes 1/2"] {
            #expect(ContentRange(header: bad) == nil, "\(bad)")
        }
    }
}
