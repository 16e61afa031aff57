import Checks
import Imaging
import Reports

/// Report inputs built by hand: every section filled, with small images and text that needs escaping.
enum HTMLReportSamples {
    /// A `size`×`size` image of a smooth gradient tinted by `seed`, so neighbouring images differ.
    static func image(size: Int = 16, seed: Int) -> RGBImage {
        var pixels: [UInt8] = []
        for y in 0..<size {
            for x in 0..<size {
                pixels += [UInt8((x * 255) / max(1, size - 1)), UInt8((y * 255) / max(1, size - 1)), UInt8((seed * 67) % 256)]
            }
        }
        return RGBImage(width: size, height: size, pixels: pixels)
    }

    /// Names a chart must show as text: letters outside ASCII, and markup characters that must be escaped.
    static let classNames = ["Plasmodium ovale – Ünïcode", "uninfected <&>"]

    /// Everything a report can show, around `SampleResults.everything` plus the invariance checks it pictures.
    static var full: ReportInputs {
        let flip = CheckResult(
            id: "invariance.flip_horizontal", kind: "invariance", title: "prediction unchanged under flip_horizontal: share ≥ 0.9",
            severity: .required, verdict: .pass, value: 0.975, estimate: 0.975, threshold: 0.9, comparison: .atLeast,
            samples: 201, message: "196 of 201 predictions unchanged")
        let auc = CheckResult(
            id: "roc_auc", kind: "metric", title: "roc_auc >= 0.95", severity: .required, verdict: .pass, value: 0.963,
            estimate: 0.963, threshold: 0.95, comparison: .atLeast, samples: 201, message: "roc_auc 0.9630 on 201 images")
        let result = SampleResults.result(SampleResults.everything.checks + [flip, auc])
        let roc: [(falsePositiveRate: Double, truePositiveRate: Double)] = [
            (0, 0), (0.02, 0.6), (0.05, 0.85), (0.1, 0.93), (0.3, 0.98), (1, 1),
        ]
        var curves: [(step: Int, loss: Double?, validationLoss: Double?, validationAccuracy: Double?)] = []
        for step in 0...10 {
            let remaining = Double(10 - step) / 10
            let validated = step % 2 == 0
            curves.append((step * 10, 0.7 * remaining + 0.1, validated ? 0.75 * remaining + 0.15 : nil,
                           validated ? 0.5 + 0.045 * Double(step) : nil))
        }
        let invariance = [
            BeforeAfterImage(change: "flip_horizontal", original: image(seed: 1), changed: image(seed: 2),
                                  caption: "C1_cell.png: parasitized 0.81 → uninfected 0.64", classChanged: true),
            BeforeAfterImage(change: "flip_horizontal", original: image(seed: 3), changed: image(seed: 4),
                                  caption: "C2_cell.png: uninfected 0.97 → uninfected 0.95", classChanged: false),
            BeforeAfterImage(change: "rotate90", original: image(seed: 5), changed: image(seed: 6),
                                  caption: "C3_cell.png: uninfected 0.55 → parasitized 0.52", classChanged: true),
        ]
        let misclassified: [(image: RGBImage, caption: String)] = (0..<3).map { index in
            (image(size: 24, seed: 10 + index), "C\(index)_x.png: parasitized, predicted uninfected (p 0.7\(index))")
        }
        let splits: [(split: String, perClass: [Int], groups: Int)] = [
            ("train", [700, 700], 112), ("validation", [150, 149], 31), ("test", [101, 100], 17),
        ]
        return ReportInputs(
            result: result, specName: "malaria <embedded>", confusion: [[95, 6], [4, 96]], classNames: classNames,
            roc: roc, auc: 0.963, trainingCurves: curves, invariance: invariance, misclassified: misclassified,
            splitCounts: splits,
            hyperparameters: [("model", "R14x0.5"), ("learning rate", "0.003"), ("batch", "32"), ("steps", "500")],
            hashes: [("spec", String(repeating: "ab", count: 32)), ("model", String(repeating: "3f", count: 32)),
                     ("dataset", String(repeating: "9c", count: 32))])
    }
}
