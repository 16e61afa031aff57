import Foundation
import Imaging
import Testing
@testable import Datasets

@Suite struct DatasetInspectionTests {
    @Test func reportsClassesGroupsSizesAndProblems() throws {
        let folder = try DatasetFolder()
        try folder.copyMalaria(MalariaData.parasitized[0], to: "Parasitized/C100_a.png")
        try folder.copyMalaria(MalariaData.parasitized[2], to: "Parasitized/C101_a.png")
        try folder.png("Uninfected/C100_b.png", seed: 1, width: 40, height: 50)
        try folder.png("Uninfected/C102_a.png", seed: 2, width: 10, height: 12)
        try folder.write("Uninfected/C102_corrupt.png", Array(try folder.bytes("Uninfected/C100_b.png").prefix(60)))
        try folder.write("Uninfected/C103_copy.png", try folder.bytes("Parasitized/C100_a.png"))
        try folder.text("Uninfected/C104_notes.txt", "not an image")
        try folder.text("Parasitized/.DS_Store", "")
        try folder.folder("Empty")

        let manifest = try ImageFolder.scan(folder.url, groupPattern: GroupPattern("^(C[0-9]+)"))
        let inspection = DatasetInspection(manifest)
        let real = try [0, 2].map { try ImageDecoder.decode(contentsOf: MalariaData.root().appendingPathComponent(MalariaData.parasitized[$0])) }

        #expect(inspection.classNames == ["Empty", "Parasitized", "Uninfected"])
        #expect(inspection.classCounts == [0, 2, 4])
        #expect(inspection.emptyClasses == ["Empty"])
        #expect(inspection.groupCount == 4)
        #expect(inspection.imagesPerGroup == DatasetInspection.Summary([2, 1, 2, 1]))
        let widths = [real[0].width, real[1].width, 40, 10, real[0].width]
        let heights = [real[0].height, real[1].height, 50, 12, real[0].height]
        #expect(inspection.width == DatasetInspection.Summary(widths))
        #expect(inspection.height == DatasetInspection.Summary(heights))

        #expect(inspection.undecodable.map(\.path) == ["Uninfected/C102_corrupt.png"])
        let error = try #require(inspection.undecodable.first?.error)
        #expect(error.kind == .decodingFailed)
        #expect(!error.reason.isEmpty)
        #expect(inspection.tiny == [.init(path: "Uninfected/C102_a.png", width: 10, height: 12)])
        #expect(inspection.duplicates == [["Parasitized/C100_a.png", "Uninfected/C103_copy.png"]])
        #expect(inspection.ignored.map(\.reason) == [.hidden, .notAnImage])
        #expect(inspection.problemCount == 6)

        let lines = inspection.lines
        #expect(lines.contains("    Uninfected/C102_corrupt.png: \(error.reason)"))
        #expect(lines.contains("  empty class: Empty"))
        #expect(lines.contains("  ignored, not a PNG or JPEG (by content or name): 1"))
        #expect(lines.contains("    Uninfected/C104_notes.txt"))
        #expect(lines.contains("    Parasitized/C100_a.png = Uninfected/C103_copy.png"))
        #expect(lines.contains("    Uninfected/C102_a.png: 10x12"))
        #expect(lines.contains("groups 4, images per group min 1, median 1.5, max 2"))
        #expect(lines.contains("problems: 6"))
    }

    @Test func cleanDataset() throws {
        let folder = try DatasetFolder()
        try folder.png("a/1.png", seed: 1, width: 40, height: 40)
        try folder.png("b/2.png", seed: 2, width: 60, height: 50)
        let inspection = DatasetInspection(try ImageFolder.scan(folder.url))
        #expect(inspection.problemCount == 0)
        #expect(inspection.groupCount == nil)
        #expect(Array(inspection.lines.dropFirst(2)) == [
            "images 2 in 2 classes",
            "  a  1",
            "  b  1",
            "groups: none (no group pattern)",
            "width  min 40, median 50, max 60",
            "height min 40, median 45, max 50",
            "problems: none",
        ])
    }

    @Test func summaryMedian() {
        #expect(DatasetInspection.Summary([3, 1, 2])?.median == 2)
        #expect(DatasetInspection.Summary([4, 1, 2, 3])?.median == 2.5)
        #expect(DatasetInspection.Summary([4, 1, 2, 3])?.description == "min 1, median 2.5, max 4")
        #expect(DatasetInspection.Summary([]) == nil)
    }
}
