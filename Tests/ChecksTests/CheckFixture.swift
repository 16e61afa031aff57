import BiT
import Checks
import Datasets
import Foundation
import Imaging
import Training

/// Small image folders with patient-named files and models trained on them, shared by the
/// check tests: a good model, and models broken in the ways the checks must catch.
final class CheckFixture: @unchecked Sendable {
    /// Built once per test process (debug builds train slowly).
    static let shared: CheckFixture = try! CheckFixture()

    let dotFolder: URL
    let dotManifest: DatasetManifest
    let dotSplit: DatasetSplit
    /// Learned "is there a bright dot anywhere": should not care about rotations or flips.
    let goodModel: ResNetV2<Float>
    let positionFolder: URL
    let positionManifest: DatasetManifest
    let positionSplit: DatasetSplit
    /// Learned "is the dot in the top half": changes its mind when the image turns over.
    let uprightModel: ResNetV2<Float>
    let metadata = ModelMetadata(architecture: "R14x0.125", classNames: ["dot", "plain"], resolution: 16, valueRange: .minusOneToOne)

    init() throws {
        (dotFolder, dotManifest, dotSplit) = try Self.dataset("dot") { label, rng in
            label == 0 ? (Int(rng.next() % 12) + 3, Int(rng.next() % 12) + 3) : nil
        }
        (positionFolder, positionManifest, positionSplit) = try Self.dataset("position") { label, rng in
            (Int(rng.next() % 12) + 3, label == 0 ? Int(rng.next() % 3) + 2 : Int(rng.next() % 3) + 13)
        }
        goodModel = try Self.train(dotManifest, dotSplit, flips: true)
        uprightModel = try Self.train(positionManifest, positionSplit, flips: false)
    }

    /// Two classes × 12 patients (C1…C12) × 4 images of 18×18: noise, and a 5×5 bright dot where `dot` says.
    static func dataset(_ name: String, dot: (Int, inout SeededRandom) -> (Int, Int)?) throws -> (URL, DatasetManifest, DatasetSplit) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("checks-\(name)-\(UUID().uuidString)")
        var rng = SeededRandom(seed: 3)
        for (label, cls) in ["dot", "plain"].enumerated() {
            let dir = root.appendingPathComponent(cls)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            for patient in 1...12 {
                for i in 0..<4 {
                    var px = (0..<(18 * 18 * 3)).map { _ in UInt8(30 + rng.next() % 50) }
                    if let (x, y) = dot(label, &rng) {
                        for yy in y - 2...y + 2 { for xx in x - 2...x + 2 { px[(yy * 18 + xx) * 3] = 250; px[(yy * 18 + xx) * 3 + 1] = 230 } }
                    }
                    try PNGEncoder.write(RGBImage(width: 18, height: 18, pixels: px), to: dir.appendingPathComponent("C\(patient)_\(cls)_\(i).png"))
                }
            }
        }
        let manifest = try ImageFolder.scan(root, groupPattern: try GroupPattern("^(C[0-9]+)"))
        let split = try DatasetSplit(manifest, rule: try SplitRule(by: .group, train: 0.5, validation: 0.25, test: 0.25, seed: 1))
        return (root, manifest, split)
    }

    static func samples(_ m: DatasetManifest, _ s: DatasetSplit, _ part: DatasetSplit.Part) -> [LabeledImage] {
        s.indices(part).map { LabeledImage(url: m.url(of: m.entries[$0]), label: m.entries[$0].label) }
    }

    static func train(_ manifest: DatasetManifest, _ split: DatasetSplit, flips: Bool) throws -> ResNetV2<Float> {
        let model = ResNetV2<Float>(architecture: try ResNetV2Architecture(named: "R14x0.125"), classes: 2, seed: 2)
        let rule = HyperRule(totalSteps: 80, warmupSteps: 5, decaySteps: [60], mixupAlpha: 0, batchSize: 16, baseLearningRate: 0.05, momentum: 0.9)
        let options = TrainingOptions(rule: rule, microBatchSize: 16, evaluateEvery: 60, patience: nil, checkpointEvery: 60, seed: 4, threads: 2)
        let run = RunFolder(FileManager.default.temporaryDirectory.appendingPathComponent("checks-run-\(UUID().uuidString)"))
        let meta = ModelMetadata(architecture: "R14x0.125", classNames: ["dot", "plain"], resolution: 16, valueRange: .minusOneToOne)
        let trainer = try Trainer(model: model, metadata: meta,
                                  preprocessing: Preprocessing(resize: 16, crop: 16, randomHorizontalFlip: flips, randomVerticalFlip: flips),
                                  train: samples(manifest, split, .train), validation: [], options: options, run: run)
        return try trainer.train(resume: false).model
    }

    /// A context for `model` on the dot data (or the position data), with the fixture's metadata
    /// unless `stored` stands in for it; `classifier` stands in for it where a test needs another kind of model, and
    /// `manifest` (with `split`) for the dot data where a test relabels images.
    func context(_ model: ResNetV2<Float>, model classifier: (any Classifier)? = nil, position: Bool = false,
                 initial: ResNetV2<Float>? = nil, manifest other: DatasetManifest? = nil, split: DatasetSplit? = nil,
                 isCI: Bool = false, metadata stored: ModelMetadata? = nil, attributes: ImageAttributes? = nil) -> CheckContext {
        let manifest = other ?? (position ? positionManifest : dotManifest)
        let start = initial ?? ResNetV2<Float>(architecture: goodModel.architecture, classes: 2, seed: 9)
        return CheckContext(model: classifier ?? model, metadata: stored ?? metadata,
                            initialModel: { try ResNetV2(architecture: start.architecture, classes: start.classes, parameters: start.parameters.copy()) },
                            loadModel: ResNetV2<Float>.classifier(contentsOf:), manifest: manifest, split: split ?? (position ? positionSplit : dotSplit),
                            preprocessing: Preprocessing(resize: 16, crop: 16), positiveClass: 0, threads: 2, isCI: isCI,
                            attributes: attributes)
    }

    /// `model` with every parameter passed through `edit` (on a copy).
    static func edited(_ model: ResNetV2<Float>, _ edit: (String, Tensor<Float>) -> Void) -> ResNetV2<Float> {
        let params = model.parameters.copy()
        for name in params.names { edit(name, params.tensor(name)) }
        return try! ResNetV2(architecture: model.architecture, classes: model.classes, parameters: params)
    }

    /// The good model with its two output classes swapped: as if every test label were flipped.
    var swappedModel: ResNetV2<Float> {
        Self.edited(goodModel) { name, t in
            guard name.hasPrefix("resnet/head/") else { return }
            let k = 2, rows = t.count / k
            for r in 0..<rows { let a = t[r * k]; t[r * k] = t[r * k + 1]; t[r * k + 1] = a }
        }
    }
}
