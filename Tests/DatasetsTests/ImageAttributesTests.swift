import Foundation
import Testing
@testable import Datasets

/// Metadata files: read as RFC 4180 CSV, every problem named with its row, and held to describing
/// exactly the folder's images.
@Suite struct ImageAttributesTests {
    let folder: DatasetFolder
    init() throws { folder = try DatasetFolder() }

    func attributes(_ text: String) throws -> ImageAttributes {
        try folder.text("meta.csv", text)
        return try ImageAttributes(contentsOf: folder.url.appendingPathComponent("meta.csv"))
    }

    /// The problems an error lists, without the file name in front.
    func problems(_ text: String) -> [String] {
        do {
            _ = try attributes(text)
            return []
        } catch DatasetError.invalidMetadata(_, let problems) {
            return problems
        } catch {
            return ["unexpected \(error)"]
        }
    }

    @Test func readsQuotedFieldsCRLFAndABlankLastLine() throws {
        let a = try attributes("site,path,stain\r\nnorth,\"a/x,1.png\",\"dark \"\"B\"\"\"\r\nsouth,a/y.png,pale\r\n\r\n")
        #expect(a.columns == ["site", "stain"])
        #expect(a.paths == ["a/x,1.png", "a/y.png"])
        #expect(a.values("stain", of: ["a/y.png", "a/x,1.png"]) == ["pale", "dark \"B\""])
        #expect(a.values("site", of: ["a/z.png"]) == nil && a.values("microscope", of: ["a/y.png"]) == nil)
        #expect(try ImageAttributes.columns(of: folder.url.appendingPathComponent("meta.csv")) == ["site", "stain"])
    }

    @Test func everyBadRowIsNamedAtOnce() {
        #expect(problems("path,site\na.png,north\nb.png\nc.png,south,extra\na.png,south\n,north\n") == [
            "row 3 has 1 field, the header 2",
            "row 4 has 3 fields, the header 2",
            "row 5 names a.png again (first in row 2)",
            "row 6 has an empty path",
        ])
        // An unclosed quote swallows the rest of the file into one field: a short row, not a silent pass.
        #expect(problems("path,site\n\"a.png,north\nb.png,south\n") == ["row 2 has 1 field, the header 2"])
    }

    @Test func aHeaderWithoutPathOrWithARepeatedColumnIsRefused() {
        #expect(problems("image,site,site\n") == [
            "no 'path' column (the header has 'image', 'site', 'site')", "column 'site' appears twice in the header",
        ])
        #expect(problems("") == ["no header row (expected 'path,' and attribute names)"])
        #expect(problems("path,site\na.png,\"x\"y\n").first?.hasPrefix("not valid CSV") == true)
    }

    @Test func bytesThatAreNotUTF8AreRefused() throws {
        try folder.write("meta.csv", Array("path,site\na.png,".utf8) + [0xFF, 0x0A])
        #expect(throws: DatasetError.invalidMetadata(path: folder.url.appendingPathComponent("meta.csv").path, problems: ["not UTF-8 text"])) {
            try ImageAttributes(contentsOf: folder.url.appendingPathComponent("meta.csv"))
        }
    }

    @Test func theFileMustDescribeTheFoldersImagesOneToOne() throws {
        let manifest = SyntheticManifest.make(classCounts: [2, 1])
        let paths = manifest.entries.map(\.path)
        let exact = try attributes("path,site\n" + paths.map { "\($0),north" }.joined(separator: "\n"))
        try exact.require(describing: manifest)
        let wrong = try attributes("path,site\n\(paths[0]),north\n\(paths[1]),south\nclass1/elsewhere.png,south\n")
        do {
            try wrong.require(describing: manifest)
            Issue.record("a file that misses an image and names another was accepted")
        } catch DatasetError.invalidMetadata(let path, let problems) {
            #expect(path.hasSuffix("meta.csv"))
            #expect(problems == ["names 1 image not in /synthetic: class1/elsewhere.png", "misses 1 image of /synthetic: class1/0.png"])
        }
    }

    @Test func longListsAreCut() throws {
        let manifest = SyntheticManifest.make(classCounts: [20])
        let none = try attributes("path,site\n")
        do {
            try none.require(describing: manifest)
            Issue.record("an empty metadata file was accepted")
        } catch DatasetError.invalidMetadata(_, let problems) {
            #expect(problems.count == 1 && problems[0].hasPrefix("misses 20 images of /synthetic: class0/0.png, ")
                    && problems[0].hasSuffix("and 12 more"), "\(problems)")
        }
    }
}
