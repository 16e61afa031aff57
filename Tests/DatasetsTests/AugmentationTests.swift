import BiT
import Foundation
import Imaging
import Testing
@testable import Datasets

@Suite struct AugmentationTests {
    @Test func drawsStayInTheRangeAndApplyAboutAsOftenAsAsked() throws {
        let shift = try #require(Augmentation(.colourShift(.stainIntensity, range: 0.7...1.4), probability: 0.3))
        var rng = SeededRandom(seed: 1)
        var applied = 0
        for _ in 0..<2000 {
            guard let (perturbation, _) = shift.draw(&rng) else { continue }
            applied += 1
            guard case .colourShift(.stainIntensity, let amount) = perturbation else {
                Issue.record("drew \(perturbation)")
                continue
            }
            #expect(amount >= 0.7 && amount <= 1.4)
        }
        #expect(applied > 2000 * 25 / 100 && applied < 2000 * 35 / 100, "\(applied)")
    }

    @Test func severitiesCoverOneToTheMaximumAndNoMore() throws {
        let blur = try #require(Augmentation(.corruption(.gaussianBlur, maxSeverity: CorruptionSeverity.all[2]), probability: 1))
        var rng = SeededRandom(seed: 2)
        var levels: [Int: Int] = [:]
        for _ in 0..<900 {
            guard case .corruption(.gaussianBlur, let severity)? = blur.draw(&rng)?.perturbation else {
                Issue.record("probability 1 must always apply")
                continue
            }
            levels[severity.level, default: 0] += 1
        }
        #expect(levels.keys.sorted() == [1, 2, 3])
        for (level, n) in levels { #expect(n > 240 && n < 360, "severity \(level): \(n)") }
    }

    @Test func everyDrawTakesThreeNumbersWhateverItDecides() throws {
        let never = try #require(Augmentation(.corruption(.jpeg, maxSeverity: CorruptionSeverity.all[0]), probability: 0))
        let always = try #require(Augmentation(.corruption(.jpeg, maxSeverity: CorruptionSeverity.all[0]), probability: 1))
        var a = SeededRandom(seed: 3), b = SeededRandom(seed: 3), c = SeededRandom(seed: 3)
        #expect(never.draw(&a) == nil)
        #expect(always.draw(&b) != nil)
        for _ in 0..<3 { _ = c.next() }
        #expect(a == c && b == c)
    }

    @Test func refusesWhatNoSpecMayGive() {
        #expect(Augmentation(.colourShift(.stainIntensity, range: 0...1.2)) == nil)
        #expect(Augmentation(.colourShift(.whiteBalance, range: -1...1)) == nil)
        #expect(Augmentation(.colourShift(.hueRotation, range: -Double.infinity...0)) == nil)
        #expect(Augmentation(.colourShift(.saturation, range: 0...1)) != nil)
        #expect(Augmentation(.colourShift(.hueRotation, range: -30...30), probability: 1.01) == nil)
    }

    @Test func encodesAsTheSpecWritesItAndDecodesBack() throws {
        let list = [
            Augmentation(.colourShift(.hueRotation, range: -15...15), probability: 0.25),
            Augmentation(.corruption(.defocusBlur, maxSeverity: CorruptionSeverity.all[3])),
        ].compactMap { $0 }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(list), as: UTF8.self)
        #expect(json == #"[{"p":0.25,"range":[-15,15],"shift":"hue_rotation"},{"corruption":"defocus_blur","max_severity":4,"p":0.5}]"#)
        #expect(try JSONDecoder().decode([Augmentation].self, from: Data(json.utf8)) == list)
        for bad in [#"{"p":0.5,"range":[2,1],"shift":"saturation"}"#, #"{"corruption":"jpeg","max_severity":6,"p":0.5}"#,
                    #"{"p":2,"range":[1,2],"shift":"saturation"}"#] {
            #expect(throws: DecodingError.self) { try JSONDecoder().decode(Augmentation.self, from: Data(bad.utf8)) }
        }
    }
}
