import BiT
import Checks
import Datasets
import Foundation
import Imaging
import Testing

/// Robustness and colour-shift checks: a model that gives way under one perturbation fails that
/// perturbation's gate and passes the others; the images are the same on any thread count.
@Suite(.serialized) struct PerturbationCheckTests {
    let f = CheckFixture.shared

    /// The good model, but every decision flips under gaussian noise at severity 2 or more.
    static func brittleUnderNoise(_ base: ResNetV2<Float>) -> PlantedClassifier {
        PlantedClassifier(base: base) { loader, _ in
            guard case .perturbed(.corruption(.gaussianNoise, let severity), _) = loader.mode else { return false }
            return severity.level >= 2
        }
    }

    func check(_ corruption: Corruption, gates: PerturbationCheck.Gates, severities: [Int] = [1, 2, 3], minSamples: Int = 10) -> PerturbationCheck {
        PerturbationCheck(id: "robustness.\(corruption.rawValue)", kind: "robustness", family: .corruption, name: corruption.rawValue,
                          levels: severities.compactMap(CorruptionSeverity.init).map { .init(.corruption(corruption, $0), value: Double($0.level), gated: true) },
                          gates: gates, minSamples: minSamples, worst: 3)
    }

    @Test func aModelThatGivesWayUnderNoiseFailsItsGateAndPassesTheOthers() throws {
        let planted = f.context(f.goodModel, model: Self.brittleUnderNoise(f.goodModel))
        let flipGate = PerturbationCheck.Gates(maxFlipRate: 0.3, maxDrop: nil, upperBound: false)
        let noise = try check(.gaussianNoise, gates: flipGate).run(planted)
        let honest = try check(.gaussianNoise, gates: flipGate).run(f.context(f.goodModel))
        #expect(honest.verdict == .pass, "\(honest.message)")
        #expect(noise.verdict == .fail && (noise.value ?? 0) > 0.8, "\(noise.message)")
        let (table, good) = (try #require(noise.perturbations), try #require(honest.perturbations))
        // Where the planted model swaps every decision, an image changes exactly when the honest model's does not.
        #expect(table.rows[0].changed == good.rows[0].changed, "\(table.rows)")
        for i in 1...2 { #expect(table.rows[i].changed + good.rows[i].changed == 24, "\(table.rows[i]) \(good.rows[i])") }
        #expect(table.rows[1].changedImages.count == 3 && noise.message.contains("gaussian_noise@2 changes"), "\(noise.message)")
        // Swapped decisions: the planted accuracy is the complement of the honest one at the same noise.
        for i in 1...2 { #expect(abs((table.rows[i].metric ?? -1) - (1 - (good.rows[i].metric ?? -1))) < 1e-12) }
        let dropGate = PerturbationCheck.Gates(maxFlipRate: nil, maxDrop: 0.2, upperBound: true)
        #expect(try check(.gaussianNoise, gates: dropGate).run(planted).verdict == .fail)
        // The same model under blur: nothing planted there.
        let blur = try check(.gaussianBlur, gates: flipGate, severities: [1]).run(planted)
        #expect(blur.verdict == .pass, "\(blur.message)")
        // The good model itself passes the noise gate at severity 1, where the planted one is still honest too.
        #expect(try check(.gaussianNoise, gates: flipGate, severities: [1]).run(planted).verdict == .pass)
    }

    /// The overall gate averages every gated level of every family: the mean of the per-level shares.
    @Test func theOverallGateAveragesEveryGatedLevel() throws {
        let planted = f.context(f.goodModel, model: Self.brittleUnderNoise(f.goodModel))
        let none = PerturbationCheck.Gates(maxFlipRate: nil, maxDrop: nil, upperBound: false)
        let families = [check(.gaussianNoise, gates: none), check(.gaussianBlur, gates: none, severities: [1])]
        let tables = try families.map { try #require(try $0.run(planted).perturbations) }
        let rates = tables.flatMap { $0.rows.map(\.flipRate) }
        let summary = PerturbationSummaryCheck(id: "robustness.mean", kind: "robustness", families: families, maxMeanFlipRate: 0.3, maxMeanDrop: nil)
        let r = try summary.run(planted)
        #expect(abs((r.value ?? -1) - rates.reduce(0, +) / Double(rates.count)) < 1e-12, "\(r.message) \(rates)")
        #expect(r.verdict == .fail && r.details["levels"] == 4 && r.message.contains("over 4 gated levels"), "\(r.message)")
        let honest = try summary.run(f.context(f.goodModel))
        #expect(honest.verdict == .pass, "\(honest.message)")
        // A drop gate on the upper bound is judged too; the bound is above the point value.
        let dropGate = PerturbationSummaryCheck(id: "robustness.mean", kind: "robustness",
                                                families: [check(.gaussianNoise, gates: .init(maxFlipRate: nil, maxDrop: nil, upperBound: true))],
                                                maxMeanFlipRate: nil, maxMeanDrop: 0.2)
        let dropped = try dropGate.run(planted)
        #expect(dropped.verdict == .fail && (dropped.value ?? 0) >= (dropped.details["meanDrop"] ?? 1), "\(dropped.message)")
    }

    @Test func ungatedIsReportedAndTooFewImagesIsInconclusive() throws {
        let context = f.context(f.goodModel)
        let reported = try check(.jpeg, gates: .init(maxFlipRate: nil, maxDrop: nil, upperBound: false), severities: [5]).run(context)
        #expect(reported.verdict == .pass && reported.message.hasSuffix("reported, not gated"), "\(reported.message)")
        let few = try check(.jpeg, gates: .init(maxFlipRate: 0.5, maxDrop: nil, upperBound: false), severities: [5], minSamples: 100).run(context)
        #expect(few.verdict == .inconclusive && few.message.contains("fewer than the 100"), "\(few.message)")
        // A colour shift's levels are amounts.
        let shift = PerturbationCheck(id: "colour_shift.stain_intensity", kind: "colour_shift", family: .colourShift, name: "stain_intensity",
                                      levels: [0.5, 2].map { .init(.colourShift(.stainIntensity, amount: $0), value: $0, gated: true) },
                                      gates: .init(maxFlipRate: 1, maxDrop: nil, upperBound: false), minSamples: 10)
        let shifted = try shift.run(context)
        #expect(shifted.verdict == .pass && shifted.perturbations?.rows.map(\.level) == [0.5, 2], "\(shifted.message)")
        #expect(shifted.message.contains("stain_intensity=0.5"), "\(shifted.message)")
    }

    @Test func perturbedImagesAreTheSameOnOneThreadAndOnTwo() throws {
        let samples = CheckFixture.samples(f.dotManifest, f.dotSplit, .test)
        let pre = Preprocessing(resize: 16, crop: 16)
        for perturbation in [ImagePerturbation.corruption(.shotNoise, CorruptionSeverity(4)!), .colourShift(.hueRotation, amount: 30)] {
            let batches = try [1, 2].map { threads in
                try BatchLoader(samples: samples, preprocessing: pre, batchSize: 64, mode: .perturbed(perturbation, seed: 7), threads: threads)
                    .batch(0).images.array
            }
            #expect(batches[0] == batches[1], "\(perturbation)")
            let clean = try BatchLoader(samples: samples, preprocessing: pre, batchSize: 64, mode: .evaluation, threads: 1).batch(0).images.array
            #expect(batches[0] != clean, "\(perturbation) changed nothing")
        }
        // Another seed draws other noise.
        let noise = ImagePerturbation.corruption(.gaussianNoise, CorruptionSeverity(3)!)
        let seeds = try [7, 8].map { seed in
            try BatchLoader(samples: samples, preprocessing: pre, batchSize: 64, mode: .perturbed(noise, seed: UInt64(seed)), threads: 2)
                .batch(0).images.array
        }
        #expect(seeds[0] != seeds[1])
    }
}
