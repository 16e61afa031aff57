import Dispatch
import Foundation
import Imaging
import Testing

/// Decoding runs on many threads at once in the tool, so both success and error paths
/// (libpng's and libjpeg's longjmps) must be free of shared state.
@Suite struct ConcurrencyTests {
    @Test func parallelDecodesMatchSerialExpectations() throws {
        let good = try Fixture.all.map { (name: $0.file, bytes: try [UInt8](Data(contentsOf: $0.url)), expected: try $0.expectedPixels()) }
        let bad = try InvalidInputTests.cases.map { (name: $0.file, bytes: try [UInt8](Data(contentsOf: Fixture.invalid($0.file)))) }
        let rounds = 20
        let outcomes = Outcomes()
        DispatchQueue.concurrentPerform(iterations: rounds * (good.count + bad.count)) { index in
            let slot = index % (good.count + bad.count)
            if slot < good.count {
                let fixture = good[slot]
                let matches = (try? ImageDecoder.decode(fixture.bytes, name: fixture.name))?.pixels == fixture.expected
                outcomes.record(matches ? nil : "\(fixture.name) decoded differently")
            } else {
                let input = bad[slot - good.count]
                do {
                    _ = try ImageDecoder.decode(input.bytes, name: input.name)
                    outcomes.record("\(input.name) was accepted")
                } catch let error as ImageError where error.file == input.name {
                    outcomes.record(nil)
                } catch {
                    outcomes.record("\(input.name): unexpected \(error)")
                }
            }
        }
        let (checked, problems) = outcomes.snapshot()
        #expect(checked == rounds * (good.count + bad.count))
        #expect(problems.isEmpty, "\(problems.prefix(5))")
    }
}
