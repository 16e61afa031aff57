import Dispatch
import Testing
@testable import Datasets

@Suite struct GroupPatternTests {
    @Test func malariaPatients() throws {
        let pattern = try GroupPattern(MalariaData.patient)
        #expect(try pattern.group(of: "Parasitized/C100P61ThinF_IMG_20150918_144104_cell_162.png") == "C100")
        #expect(try pattern.group(of: "C1_thinF_IMG_20150604_104722_cell_9.png") == "C1")
        #expect(try pattern.group(of: "Uninfected/C39P4thinF_original_IMG_20150622_105102_cell_1.png") == "C39")
    }

    @Test func wholeMatchWithoutCaptureGroup() throws {
        #expect(try GroupPattern("C[0-9]+").group(of: "x/slide_C42_cell.png") == "C42")
    }

    @Test func onlyTheFileNameIsMatched() throws {
        let error = #expect(throws: DatasetError.self) { try GroupPattern("C[0-9]+").group(of: "C5/cell.png") }
        #expect(error == .ungroupedFile(path: "C5/cell.png", pattern: "C[0-9]+"))
    }

    @Test func unmatchedOrEmptyGroupsAreErrorsNamingTheFile() throws {
        let optional = try GroupPattern("^(C[0-9]+)?cell")
        #expect(throws: DatasetError.ungroupedFile(path: "a/cell.png", pattern: "^(C[0-9]+)?cell")) {
            try optional.group(of: "a/cell.png")
        }
        #expect(throws: DatasetError.ungroupedFile(path: "a/x.png", pattern: "^(C*)")) {
            try GroupPattern("^(C*)").group(of: "a/x.png")
        }
    }

    @Test func scanNamesTheUngroupedFile() throws {
        let folder = try DatasetFolder()
        try folder.png("a/C1_x.png", seed: 1)
        try folder.png("a/stray.png", seed: 2)
        let error = #expect(throws: DatasetError.self) {
            try ImageFolder.scan(folder.url, groupPattern: GroupPattern("^(C[0-9]+)"))
        }
        #expect(error == .ungroupedFile(path: folder.url.path + "/a/stray.png", pattern: "^(C[0-9]+)"))
        #expect(error?.description.contains("a/stray.png") == true)
    }

    @Test func invalidPattern() {
        #expect(throws: DatasetError.self) { try GroupPattern("^(C[0-9]+") }
    }

    @Test func sharedAcrossThreads() throws {
        let pattern = try GroupPattern("^(C[0-9]+)")
        let groups = ParallelMap.map(1000) { i in try? pattern.group(of: "C\(i)P1_cell.png") }
        #expect(groups == (0..<1000).map { "C\($0)" })
    }
}
