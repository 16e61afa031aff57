import ArgumentParser
import BiT
import Datasets
import Foundation
import Imaging

struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Classify images with a model: predicted class and class probabilities.",
        discussion: """
            Images are resized to the model's resolution and scaled to its value range, both \
            read from the checkpoint (official checkpoints: 128x128 and [-1, 1]). A model certified \
            with an operating point decides by its stored threshold on the positive class's \
            probability, and says so; other models take the most probable class. A model that \
            stores a calibration temperature T reports softmax(logits / T), and says T; its \
            threshold still applies to the probability the gates measured, softmax(logits).
            Example: modelcheck predict --model runs/malaria/model.npz cell1.png cell2.png --json
            """)

    @Option(help: "The model checkpoint (.npz).") var model: String
    @Argument(help: "PNG or JPEG images.") var images: [String]
    @Option(help: "Override the input resolution stored in the model.") var resolution: Int?
    @Option(help: "Worker threads (default: all cores).") var threads = ProcessInfo.processInfo.activeProcessorCount
    @Flag(help: "Print JSON: per image its path, predicted class, probabilities by class and logits.") var json = false

    func validate() throws {
        if images.isEmpty { throw ValidationError("give at least one image") }
        if let resolution, resolution < 32 { throw ValidationError("--resolution must be at least 32") }
        try ThreadCount.validate(threads)
    }

    func run() throws {
        let (net, metadata) = try BiTCheckpoint.load(URL(fileURLWithPath: model))
        let decision = Self.decision(metadata)
        let decoded = try images.map { try ImageDecoder.decode(contentsOf: URL(fileURLWithPath: $0)) }
        let batch = Preprocessing.evaluationBatch(decoded, resolution: resolution ?? metadata.resolution,
                                                  valueRange: metadata.valueRange)
        let logits = net.logits(batch, threads: threads)
        let temperature = metadata.temperature
        let probabilities = SoftmaxCrossEntropy.softmax(temperature.map { t in
            Tensor(shape: logits.shape, values: logits.array.map { Float(Double($0) / t) })
        } ?? logits)
        // The threshold was chosen on softmax(logits), as every gate measured it.
        let measured = temperature == nil ? probabilities : SoftmaxCrossEntropy.softmax(logits)
        let k = net.classes
        var results: [Prediction] = []
        for (i, path) in images.enumerated() {
            let p = (0..<k).map { probabilities[i * k + $0] }
            let best = decision.map { Double(measured[i * k + $0.positive]) >= $0.threshold ? $0.positive : 1 - $0.positive }
                ?? p.indices.max { p[$0] < p[$1] } ?? 0
            results.append(Prediction(
                path: path, predicted: metadata.classNames[best],
                probabilities: Dictionary(uniqueKeysWithValues: zip(metadata.classNames, p.map(Double.init))),
                logits: (0..<k).map { Double(logits[i * k + $0]) }, threshold: decision?.threshold, temperature: temperature))
        }
        // A NaN model has no prediction to give: say so and fail rather than print a class.
        let broken = results.indices.filter { !results[$0].logits.allSatisfy(\.isFinite) }
        if let first = broken.first {
            let origin = net.firstNonFinite(batch.slice(first..<first + 1)).map { " (first non-finite: \($0))" } ?? ""
            fflush(nil)
            FileHandle.standardError.write(Data(("modelcheck: \(model) gives non-finite outputs (NaN or infinity) for \(broken.count) of \(results.count) images, "
                + "first \(images[first])\(origin); no prediction\n").utf8))
            throw ExitCode(1)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(results), as: UTF8.self))
            return
        }
        if let decision {
            print(String(format: "threshold %.4g (%@)", decision.threshold, metadata.classNames[decision.positive]))
        }
        if let temperature { print("temperature\t\(String(format: "%.4f", temperature))\t(stored in the model: probabilities are softmax(logits / T))") }
        for r in results {
            let probs = metadata.classNames.map { "\($0) \(String(format: "%.4f", r.probabilities[$0] ?? .nan))" }.joined(separator: "  ")
            print("\(r.path)\t\(r.predicted)\t\(probs)")
        }
    }

    struct Prediction: Encodable {
        let path: String
        let predicted: String
        let probabilities: [String: Double]
        let logits: [Double]
        /// The stored threshold on the positive class's probability that decided, if the model has one.
        let threshold: Double?
        /// The calibration temperature the probabilities were computed with; absent when the model stores none.
        let temperature: Double?
    }

    /// The model's stored threshold and the index of the class it applies to (the checkpoint
    /// loader has checked that they can decide); nil without one.
    static func decision(_ metadata: ModelMetadata) -> (threshold: Double, positive: Int)? {
        guard let threshold = metadata.threshold, let name = metadata.positiveClass,
              let positive = metadata.classNames.firstIndex(of: name) else { return nil }
        return (threshold, positive)
    }
}
