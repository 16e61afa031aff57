import Foundation
import TestSupport

/// Test data and checks computed outside the code under test.
enum DownloadFixtures {
    /// Deterministic pseudo-random bytes (xorshift64), different for each seed.
    static func bytes(count: Int, seed: UInt64) -> [UInt8] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        return (0..<count).map { _ in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return UInt8(truncatingIfNeeded: state >> 24)
        }
    }

    /// SHA-256 by Python's hashlib, so the expected values do not come from the code under test.
    static func sha256(_ bytes: [UInt8]) throws -> String {
        let scratch = try DownloadScratch()
        try scratch.write("data", bytes)
        let output = try Python.output(script: "import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], 'rb').read()).hexdigest())",
                                [scratch.path("data")])
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    struct ZipMember {
        var name: String
        var data: [UInt8] = []
        var deflate = false
        var symlink = false
    }

    /// Builds a ZIP with Python's zipfile, which stores the names exactly as given (even hostile ones).
    static func makeZip(at url: URL, _ members: [ZipMember]) throws {
        let spec = members.map { member -> [String: Any] in
            ["name": member.name, "data": Data(member.data).base64EncodedString(), "deflate": member.deflate,
             "symlink": member.symlink]
        }
        let specURL = url.deletingLastPathComponent().appending(path: ".\(url.lastPathComponent).json")
        try JSONSerialization.data(withJSONObject: spec).write(to: specURL)
        defer { try? FileManager.default.removeItem(at: specURL) }
        _ = try Python.output(script: """
            import base64, json, sys, warnings, zipfile
            warnings.simplefilter('ignore')  # duplicate names are wanted here
            with zipfile.ZipFile(sys.argv[1], 'w') as archive:
                for m in json.load(open(sys.argv[2])):
                    info = zipfile.ZipInfo(m['name'], date_time=(2020, 1, 1, 0, 0, 0))
                    info.compress_type = zipfile.ZIP_DEFLATED if m['deflate'] else zipfile.ZIP_STORED
                    info.create_system = 3
                    info.external_attr = ((0o120777 if m['symlink'] else 0o100644) << 16)
                    archive.writestr(info, base64.b64decode(m['data']))
            """, [url.path(percentEncoded: false), specURL.path(percentEncoded: false)])
    }

    /// Sets the uncompressed size that the central directory records for `name` (the local header is left alone).
    static func patchDeclaredSize(in url: URL, member name: String, to size: UInt32) throws {
        var bytes = Array(try Data(contentsOf: url))
        let signature: [UInt8] = [0x50, 0x4B, 0x01, 0x02]
        let nameBytes = Array(name.utf8)
        var position = 0
        while let found = bytes[position...].firstRange(of: signature) {
            let record = found.lowerBound
            let nameLength = Int(bytes[record + 28]) | Int(bytes[record + 29]) << 8
            if Array(bytes[(record + 46)..<(record + 46 + nameLength)]) == nameBytes {
                withUnsafeBytes(of: size.littleEndian) { bytes.replaceSubrange((record + 24)..<(record + 28), with: $0) }
                try Data(bytes).write(to: url)
                return
            }
            position = record + 4
        }
        throw CocoaError(.fileReadCorruptFile)
    }
}
