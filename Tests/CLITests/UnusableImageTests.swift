import Foundation
import Testing

/// Image files the data set cannot use (a name that is not UTF-8, an empty `.png`), through the real binary:
/// `unreadable: fail` stops naming the file, `skip` leaves it out and every report lists it, and the data
/// fingerprint (what a certificate binds) changes with each one.
@Suite struct UnusableImageTests {
    /// Writes `bytes` to `folder/name`, a name given as bytes (which Foundation's paths cannot hold when they are
    /// not UTF-8).
    static func write(_ bytes: [UInt8], to folder: URL, name: [UInt8]) throws {
        let path = Array(folder.path.utf8) + [UInt8(ascii: "/")] + name + [0]
        let fd = path.withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_WRONLY | O_CREAT | O_TRUNC, 0o644) } }
        try #require(fd >= 0)
        defer { close(fd) }
        #expect(bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) } == bytes.count)
    }

    /// A real PNG under the name `cell<FF>.png` (byte FF is never UTF-8) in `Parasitized`.
    static func addBadlyNamedImage(to data: URL) throws {
        let folder = data.appendingPathComponent("Parasitized")
        let any = try #require(try FileManager.default.contentsOfDirectory(atPath: folder.path).first)
        let png = try [UInt8](Data(contentsOf: folder.appendingPathComponent(any)))
        try write(png, to: folder, name: Array("cell".utf8) + [0xFF] + Array(".png".utf8))
    }

    static func json(_ url: URL) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    @Test func dataInspectListsANameThatIsNotUTF8AndAnEmptyPNG() throws {
        let data = try TrainCommandTests.smallDataset()
        try Self.addBadlyNamedImage(to: data)
        try Data().write(to: data.appendingPathComponent("Uninfected/empty.png"))
        let r = try CLI.run(["data", "inspect", data.path])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(!r.stderr.contains("vanished"), "\(r.stderr)")
        #expect(r.stdout.contains("Parasitized/cell\\xFF.png: file name is not valid UTF-8"), "\(r.stdout)")
        #expect(r.stdout.contains("Uninfected/empty.png: empty file"), "\(r.stdout)")
    }

    @Test func failStopsNamingTheFileSkipListsItInEveryReportAndTheFingerprintCoversIt() throws {
        let data = try TrainCommandTests.smallDataset()
        let dir = CLI.temporaryFolder(), run = dir.appendingPathComponent("run")
        let checks = """
          - check: metric
            metric: accuracy
            min: 0.01
            min_samples: 1
        """
        let skip = dir.appendingPathComponent("skip.spec"), fail = dir.appendingPathComponent("fail.spec")
        try VerifyCommandTests.spec(data: data, run: run, checks: checks, unreadable: "skip").write(to: skip, atomically: true, encoding: .utf8)
        try VerifyCommandTests.spec(data: data, run: run, checks: checks, unreadable: "fail").write(to: fail, atomically: true, encoding: .utf8)
        let trained = try CLI.run(["train", skip.path])
        try #require(trained.status == 0, "\(trained.stderr)")
        let clean = try CLI.run(["verify", skip.path])
        #expect(clean.status == 0 && !clean.stdout.contains("skipped (unreadable: skip)"), "\(clean.stdout)\(clean.stderr)")
        let verification = run.appendingPathComponent("verification.json")
        let cleanFingerprint = try #require(try Self.json(verification)["datasetFingerprint"] as? String)

        // An empty .png is an image that does not decode, not a file to ignore.
        try Data().write(to: data.appendingPathComponent("Uninfected/empty.png"))
        let stopped = try CLI.run(["verify", fail.path])
        #expect(stopped.status == 2, "\(stopped.stdout)\(stopped.stderr)")
        #expect(stopped.stderr.contains("Uninfected/empty.png: empty file"), "\(stopped.stderr)")
        let oneSkipped = try CLI.run(["verify", skip.path])
        #expect(oneSkipped.status == 0, "\(oneSkipped.stdout)\(oneSkipped.stderr)")
        #expect(oneSkipped.stdout.contains("1 image file skipped (unreadable: skip): Uninfected/empty.png"), "\(oneSkipped.stdout)")
        let emptyFingerprint = try #require(try Self.json(verification)["datasetFingerprint"] as? String)
        #expect(emptyFingerprint != cleanFingerprint)

        // A name that is not UTF-8: named with its bytes, never "vanished".
        try Self.addBadlyNamedImage(to: data)
        let refused = try CLI.run(["verify", fail.path])
        #expect(refused.status == 2, "\(refused.stdout)\(refused.stderr)")
        #expect(refused.stderr.contains("Parasitized/cell\\xFF.png: file name is not valid UTF-8"), "\(refused.stderr)")
        #expect(!refused.stderr.contains("vanished"), "\(refused.stderr)")
        let twoSkipped = try CLI.run(["verify", skip.path])
        #expect(twoSkipped.status == 0, "\(twoSkipped.stdout)\(twoSkipped.stderr)")
        #expect(twoSkipped.stdout.contains("2 image files skipped (unreadable: skip): Parasitized/cell\\xFF.png, Uninfected/empty.png"),
                "\(twoSkipped.stdout)")
        let document = try Self.json(verification)
        #expect(document["datasetFingerprint"] as? String != emptyFingerprint)
        let listed = try #require(document["skippedImages"] as? [[String: Any]], "\(document.keys)")
        #expect(listed.map { $0["path"] as? String } == ["Parasitized/cell\\xFF.png", "Uninfected/empty.png"])
        #expect(listed.map { $0["reason"] as? String }.last == "empty file")

        let html = try String(contentsOf: run.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("<section id=\"skipped-images\">"))
        #expect(html.contains("<td><code>Parasitized/cell\\xFF.png</code></td><td>file name is not valid UTF-8"))
        let markdown = try String(contentsOf: run.appendingPathComponent("summary.md"), encoding: .utf8)
        #expect(markdown.contains("2 image files skipped (unreadable: skip):\n\n- `Parasitized/cell\\xFF.png`: file name is not valid UTF-8"),
                "\(markdown)")
        let junit = try String(contentsOf: run.appendingPathComponent("junit.xml"), encoding: .utf8)
        #expect(junit.contains("<property name=\"dataset.skippedImages\" value=\"2\"/>"), "\(junit)")
        #expect(junit.contains("<system-out>2 image files skipped (unreadable: skip):\nParasitized/cell\\xFF.png: file name"), "\(junit)")
    }

    @Test func aCertificateBindsTheSkippedImages() throws {
        let data = try TrainCommandTests.smallDataset()
        try Data().write(to: data.appendingPathComponent("Uninfected/empty.png"))
        let dir = CLI.temporaryFolder(), run = dir.appendingPathComponent("run")
        let spec = dir.appendingPathComponent("cert.spec")
        try VerifyCommandTests.spec(data: data, run: run, checks: "  - check: no_leakage", unreadable: "skip")
            .write(to: spec, atomically: true, encoding: .utf8)
        let key = dir.appendingPathComponent("k.key"), pub = dir.appendingPathComponent("k.pub")
        #expect(try CLI.run(["keygen", "--private-key", key.path, "--public-key", pub.path]).status == 0)
        let certified = try CLI.run(["certify", spec.path, "--key", key.path])
        try #require(certified.status == 0, "\(certified.stdout)\(certified.stderr)")
        #expect(certified.stdout.contains("1 image file skipped (unreadable: skip): Uninfected/empty.png"), "\(certified.stdout)")
        let certificate = run.appendingPathComponent("certificate.json").path
        let valid = try CLI.run(["verify-certificate", certificate, "--public-key", pub.path])
        #expect(valid.status == 0, "\(valid.stdout)\(valid.stderr)")

        // One more image the run would have skipped: the data is no longer what was certified.
        try Data("not a picture".utf8).write(to: data.appendingPathComponent("Parasitized/notes.jpg"))
        let changed = try CLI.run(["verify-certificate", certificate, "--public-key", pub.path])
        #expect(changed.status == 1 && changed.stdout.contains("dataset"), "\(changed.stdout)\(changed.stderr)")
    }
}
