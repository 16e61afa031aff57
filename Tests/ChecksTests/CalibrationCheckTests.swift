import BiT
import Checks
import Datasets
import Testing

@Suite("calibration check", .serialized)
struct CalibrationCheckTests {
    let f = CheckFixture.shared

    /// The dot data with every fifth image given the other class: the good model stays sure of itself while one
    /// image in five contradicts it, as where pathologists disagree on a cell.
    static let noisy: (manifest: DatasetManifest, split: DatasetSplit) = {
        let f = CheckFixture.shared, m = f.dotManifest
        let entries = m.entries.enumerated().map { i, e in
            guard i % 5 == 0 else { return e }
            var flipped = e
            flipped.label = 1 - e.label
            flipped.className = m.classNames[flipped.label]
            return flipped
        }
        let manifest = DatasetManifest(root: m.root, classNames: m.classNames, entries: entries, groupPattern: m.groupPattern)
        return (manifest, try! DatasetSplit(manifest, assignment: f.dotSplit.assignment))
    }()

    func context(_ model: ResNetV2<Float>) -> CheckContext { f.context(model, manifest: Self.noisy.manifest, split: Self.noisy.split) }

    /// The good model softened by the temperature fitted to it on the noisy validation split: calibrated there.
    var calibrated: ResNetV2<Float> {
        get throws {
            let validation = try context(f.goodModel).predictions(.validation)
            let fit = try #require(try TemperatureScaling(logits: Self.rows(validation), labels: validation.labels))
            return Self.scaled(f.goodModel, Float(1 / fit.temperature))
        }
    }

    @Test("logits five times too large fail the ECE gate; T fitted on validation comes out near 5 and passes it")
    func overconfidentModelIsCaughtAndFixed() throws {
        let calibrated = try calibrated
        let gate = CalibrationCheck(bins: 5, maxECE: 0.1, minSamples: 10)
        let fine = try gate.run(context(calibrated))
        #expect(fine.verdict == .pass, "\(fine.message)")

        let planted = Self.scaled(calibrated, 5)
        let unscaled = try gate.run(context(planted))
        #expect(unscaled.verdict == .fail, "\(unscaled.message)")
        #expect(try #require(unscaled.value) > 0.15 && unscaled.details["temperature"] == nil)

        let fitted = try CalibrationCheck(bins: 5, maxECE: 0.1, fitTemperature: true, minSamples: 10).run(context(planted))
        #expect(fitted.verdict == .pass, "\(fitted.message)")
        let t = try #require(fitted.details["temperature"])
        #expect(abs(t / 5 - 1) < 1e-3, "T = \(t)")
        #expect(fitted.details["ece"] == unscaled.value && fitted.value == fitted.details["eceScaled"])
        #expect(try #require(fitted.details["eceScaled"]) < 0.1 && fitted.details["brierScaled"]! < fitted.details["brier"]!)
        #expect(fitted.message.contains("T = 5.0"), "\(fitted.message)")
        // One line per equal-mass bin, counting every test image once.
        #expect(fitted.evidence.count == 5 && fitted.evidence[0].hasPrefix("bin 1: 5 images"), "\(fitted.evidence)")
    }

    @Test("the temperature comes from the validation split, never the test split")
    func temperatureIsFittedOnValidation() throws {
        let c = context(f.goodModel)
        let r = try CalibrationCheck(bins: 5, fitTemperature: true).run(c)
        let validation = try c.predictions(.validation), test = try c.predictions(.test)
        let onValidation = try #require(try TemperatureScaling(logits: Self.rows(validation), labels: validation.labels))
        let onTest = try #require(try TemperatureScaling(logits: Self.rows(test), labels: test.labels))
        #expect(r.details["temperature"] == onValidation.temperature)
        #expect(abs(onTest.temperature - onValidation.temperature) > 0.1, "the splits must tell the two apart")
        #expect(r.verdict == .pass && r.message.hasSuffix("reported, not gated"), "\(r.message)")
    }

    @Test("no validation images to fit on, or too few test images to judge: INCONCLUSIVE")
    func tooLittleDataIsInconclusive() throws {
        let assignment = f.dotSplit.assignment.map { $0 == .validation ? DatasetSplit.Part.train : $0 }
        let noValidation = try DatasetSplit(Self.noisy.manifest, assignment: assignment)
        let r = try CalibrationCheck(bins: 5, maxECE: 0.1, fitTemperature: true, minSamples: 10)
            .run(f.context(f.goodModel, manifest: Self.noisy.manifest, split: noValidation))
        #expect(r.verdict == .inconclusive && r.message.contains("no validation images"), "\(r.message)")
        let few = try CalibrationCheck(bins: 5, maxECE: 0.1, minSamples: 100).run(context(f.goodModel))
        #expect(few.verdict == .inconclusive && few.message.contains("fewer than the 100"), "\(few.message)")
        let noTest = try DatasetSplit(f.dotManifest, assignment: f.dotSplit.assignment.map { $0 == .test ? .train : $0 })
        #expect(try CalibrationCheck(maxECE: 0.1).run(f.context(f.goodModel, split: noTest)).verdict == .inconclusive)
    }

    @Test("data without a validation split is scaled by the model's stored temperature, and by none without one")
    func aStoredTemperatureScalesAnEvaluationSet() throws {
        let calibrated = try calibrated
        let planted = Self.scaled(calibrated, 5)
        // An evaluation set: every image in the test part.
        let whole = try DatasetSplit(Self.noisy.manifest, assignment: Array(repeating: .test, count: Self.noisy.manifest.entries.count))
        var stored = f.metadata
        stored.temperature = 5
        let gate = CalibrationCheck(bins: 5, maxECE: 0.1, fitTemperature: true, minSamples: 10)
        let scaled = try gate.run(f.context(planted, manifest: Self.noisy.manifest, split: whole, metadata: stored))
        #expect(scaled.verdict == .pass && scaled.details["temperature"] == 5 && scaled.message.contains("T = 5.0000 stored in the model"),
                "\(scaled.message)")
        // The same set and model without a temperature to carry: nothing to scale by, so no verdict.
        let unscaled = try gate.run(f.context(planted, manifest: Self.noisy.manifest, split: whole))
        #expect(unscaled.verdict == .inconclusive && unscaled.message.contains("no temperature stored in the model"), "\(unscaled.message)")
        // A fit on a context is carried to the sets judged after it.
        let own = context(planted)
        _ = try gate.run(own)
        let judged = own.judging(Self.noisy.manifest, split: whole, attributes: nil)
        let carried = try gate.run(judged)
        #expect(carried.verdict == .pass && carried.message.contains("fitted on the validation split"), "\(carried.message)")
    }

    static func rows(_ p: DatasetPredictions) -> [[Double]] {
        (0..<p.labels.count).map { i in (0..<p.classes).map { Double(p.logits[i * p.classes + $0]) } }
    }

    /// `model` with its logits multiplied by `factor`: the head's kernel and bias scaled.
    static func scaled(_ model: ResNetV2<Float>, _ factor: Float) -> ResNetV2<Float> {
        CheckFixture.edited(model) { name, t in
            guard name.hasPrefix("resnet/head/") else { return }
            for i in 0..<t.count { t[i] *= factor }
        }
    }
}
