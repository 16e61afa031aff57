import BiT
import Checks
import Datasets
import Foundation
import Imaging
import Reports
import Training

/// Gathers what the HTML report shows from a verified context: the numbers and pictures come
/// from the checks' data (predictions, the split, the run's log), computed here once.
public enum ReportBuilder {
    /// The report's inputs for a verification of `context`'s model.
    public static func inputs(result: VerificationResult, specName: String, spec: Spec, context: CheckContext,
                              run: RunFolder) throws -> ReportInputs {
        let predictions = try context.predictions(.test)
        let k = predictions.classes, names = context.metadata.classNames
        let predicted = predictions.predictedClasses, probs = predictions.probabilities
        let positive = context.positiveClass
        // The confusion matrix and the mistakes are those of the operating point, as the metrics are.
        let threshold: Double? = if case .threshold(let t, _)? = context.operatingPoint { t } else { nil }
        let decided = predictions.predictedClasses(positive: positive, threshold: threshold)
        let confusion = try ConfusionMatrix(classCount: k, labels: predictions.labels, predictions: decided).counts
        let roc = try ROCCurve(scores: (0..<predictions.labels.count).map { Double(probs[$0 * k + positive]) },
                           labels: predictions.labels.map { $0 == positive })
        let curves = (try? run.readLog())?.map { (step: $0.step, loss: $0.loss, validationLoss: $0.validationLoss,
                                                  validationAccuracy: $0.validationAccuracy) } ?? []
        let samples = context.samples(.test), paths = context.paths(.test)
        func image(_ i: Int) throws -> RGBImage {
            context.preprocessing.evaluationImage(try context.decodedImages.image(at: samples[i].url))
        }
        func caption(_ i: Int, _ p: [Float], _ c: Int) -> String {
            String(format: "%@: %@ %.1f%%", paths[i], names[c], 100 * p[i * k + c])
        }

        var gallery: [BeforeAfterImage] = []
        for check in spec.checks where check.kind.name == InvarianceCheck.name {
            for transform in InvarianceCheck.transforms(of: check) {
                let moved = try context.predictions(.test, transform: transform.composed)
                let after = moved.predictedClasses, p1 = moved.probabilities
                for i in (0..<predicted.count).filter({ predicted[$0] != after[$0] }).prefix(6) {
                    let original = try image(i)
                    gallery.append(BeforeAfterImage(
                        change: transform.name, original: original, changed: transform.composed.apply(original),
                        caption: "\(caption(i, probs, predicted[i])) → \(names[after[i]]) \(String(format: "%.1f%%", 100 * p1[i * k + after[i]]))",
                        classChanged: true))
                }
            }
        }
        // Each perturbation family's strongest level that changed a class, drawn again: its images
        // are a pure function of the image, the perturbation and the seed. Sets judged besides this
        // data (ids with @) have their images elsewhere.
        var perturbed: [BeforeAfterImage] = []
        for check in result.checks where !check.id.contains("@") {
            guard let table = check.perturbations, let row = table.rows.last(where: { !$0.changedImages.isEmpty }),
                  let perturbation = table.perturbation(row) else { continue }
            let after = try context.predictions(.test, perturbation: perturbation, seed: table.seed)
            let classes = after.predictedClasses(positive: positive, threshold: threshold), p1 = after.probabilities
            for path in row.changedImages.prefix(4) {
                guard let i = paths.firstIndex(of: path) else { continue }
                let decoded = try context.decodedImages.image(at: samples[i].url)
                perturbed.append(BeforeAfterImage(
                    change: check.id, original: context.preprocessing.evaluationImage(decoded),
                    changed: context.preprocessing.evaluationImage(try perturbation.apply(to: decoded, seed: table.seed)),
                    caption: "\(caption(i, probs, decided[i])) → \(perturbation): \(names[classes[i]]) "
                        + String(format: "%.1f%%", 100 * p1[i * k + classes[i]]),
                    classChanged: true))
            }
        }
        let calibration = try spec.checks.filter { $0.kind.name == CalibrationCheck.name }.compactMap { check -> ReliabilityFigure? in
            let settings = CalibrationCheck.settings(of: check)
            guard let m = try CalibrationCheck.measure(context, bins: settings.bins, fitTemperature: settings.fitTemperature) else { return nil }
            func bins(_ r: CalibrationCheck.Reliability) -> [ReliabilityFigure.Bin] {
                r.calibration.bins.map { ($0.lowerEdge, $0.upperEdge, $0.confidence ?? .nan, $0.accuracy ?? .nan, $0.count) }
            }
            guard let scaling = m.scaling, let after = m.scaled else { return ReliabilityFigure(checkID: check.id, bins: bins(m.unscaled)) }
            return ReliabilityFigure(checkID: check.id, bins: bins(m.unscaled), scaled: (scaling.temperature, bins(after)))
        }
        let drift = try spec.checks.filter { $0.kind.name == DriftCheck.name && $0.runs(on: "test") }.compactMap { check -> DriftFigure? in
            guard let m = try DriftCheck.measure(context, DriftCheck.settings(of: check)) else { return nil }
            let properties = m.worstFirst.map { c in
                DriftFigure.Property(name: c.property.rawValue, reference: c.reference, judged: c.judged,
                                     summary: "KS D \(DriftCheck.format(c.effect)), corrected p \(DriftCheck.format(m.corrected(c.pValue)))",
                                     drifts: m.drifts(c))
            }
            var notes: [String] = []
            if let e = m.embeddings {
                notes.append("embeddings: MMD² \(DriftCheck.format(e.squared)), corrected p \(DriftCheck.format(m.corrected(e.pValue)))"
                             + (m.embeddingsDrift ? ": drift" : ""))
            }
            if let c = m.predictedClasses {
                let shares = zip(names, zip(c.firstShares, c.secondShares)).map { String(format: "%@ %.1f%% → %.1f%%", $0, 100 * $1.0, 100 * $1.1) }
                notes.append("predicted classes, training → judged: \(shares.joined(separator: ", ")); corrected p "
                             + DriftCheck.format(m.corrected(c.pValue)) + (m.classesDrift ? ": drift" : ""))
            }
            return DriftFigure(checkID: check.id, properties: properties, notes: notes)
        }
        let wrong = (0..<decided.count).filter { decided[$0] != predictions.labels[$0] }
            .sorted { probs[$0 * k + decided[$0]] > probs[$1 * k + decided[$1]] }.prefix(12)
        let misclassified = try wrong.map { i in
            (image: try image(i), caption: "\(caption(i, probs, decided[i])) (true: \(names[predictions.labels[i]]))")
        }
        let split = context.split
        let splitCounts = DatasetSplit.Part.allCases.map { part in
            (split: part.rawValue, perClass: split.classCounts(part), groups: split.groupCounts(part).count)
        }
        return ReportInputs(
            result: result, specName: specName, confusion: confusion, classNames: names,
            roc: roc?.points.map { (falsePositiveRate: $0.falsePositiveRate, truePositiveRate: $0.truePositiveRate) } ?? [],
            auc: roc?.auc, trainingCurves: curves, invariance: gallery, perturbed: perturbed, calibration: calibration, misclassified: misclassified, splitCounts: splitCounts,
            hyperparameters: hyperparameters(run), hashes: [
                ("spec", "\(result.spec.path)  \(result.spec.sha256)"), ("model", "\(result.model.path)  \(result.model.sha256)"),
                ("dataset fingerprint", result.datasetFingerprint), ("modelcheck", result.modelcheckVersion),
            ] + result.environment.sorted { $0.key < $1.key }.map { ("environment \($0.key)", $0.value) },
            threshold: threshold, description: spec.description, drift: drift)
    }

    /// The run's hyperparameters.json, flattened to "options.rule.totalSteps = 600" pairs
    /// ("options.augmentation.1.shift = hue_rotation" for an item of a list of settings).
    static func hyperparameters(_ run: RunFolder) -> [(String, String)] {
        guard let data = try? Data(contentsOf: run.hyperparameters),
              let object = try? JSONSerialization.jsonObject(with: data) else { return [] }
        var pairs: [(String, String)] = []
        func walk(_ value: Any, _ key: String) {
            if let dict = value as? [String: Any] {
                for k in dict.keys.sorted() { walk(dict[k]!, key.isEmpty ? k : "\(key).\(k)") }
            } else if let array = value as? [Any], array.contains(where: { $0 is [String: Any] }) {
                // A list of settings (the augmentation): one group of pairs per item, numbered from 1.
                for (i, item) in array.enumerated() { walk(item, "\(key).\(i + 1)") }
            } else if let array = value as? [Any] {
                pairs.append((key, array.isEmpty ? "none" : array.map { "\($0)" }.joined(separator: ", ")))
            } else {
                pairs.append((key, "\(value)"))
            }
        }
        walk(object, "")
        return pairs
    }
}
