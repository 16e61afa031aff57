import BiT
import Foundation
import Imaging

/// An image file and its class index.
public struct LabeledImage: Sendable, Equatable {
    public var url: URL
    public var label: Int
    /// An image file with its label.
    public init(url: URL, label: Int) { (self.url, self.label) = (url, label) }
}

/// One batch, ready for the engine.
public struct Batch: Sendable {
    /// Its position in the loader's sequence.
    public let step: Int
    /// NHWC images, preprocessed.
    public let images: Tensor<Float>
    /// One label per image.
    public let labels: [Int]
    /// Which samples (indices into the loader's list) it holds.
    public let samples: [Int]
}

/// Turns a list of labelled images into batches, preparing the next ones in the background
/// while the current one trains, with bounded memory (`prefetch` batches ahead).
///
/// Batch `step` is a pure function of (samples, seed, step): training walks a fresh seeded
/// shuffle each epoch, continuing across epoch boundaries, and each image's crop, flips and augmentation
/// come from a generator seeded by its position, not by thread timing. A resumed run asks
/// for the step it stopped at and gets exactly the batch it would have seen.
public final class BatchLoader: Sendable {
    /// How batches are formed.
    public enum Mode: Sendable {
        /// Shuffled each epoch, cropped and flipped at random, changed by each augmentation with
        /// its probability, always full batches.
        case training(seed: UInt64, augmentation: [Augmentation] = [])
        /// In order, no augmentation, the last batch possibly smaller; every sample once.
        case evaluation
        /// As `evaluation`, with an exact rotation or flip applied to each preprocessed image,
        /// so the model sees a pure permutation of the pixels it sees in `evaluation`.
        case transformed(ImageTransform)
        /// As `evaluation`, each image perturbed at its own size before it is resized (a camera
        /// blurs or compresses the image it takes, not the model's input), noise seeded by `seed`.
        case perturbed(ImagePerturbation, seed: UInt64)
    }

    public let samples: [LabeledImage]
    public let preprocessing: Preprocessing
    public let batchSize: Int
    public let mode: Mode
    /// The positions of each training batch this process decodes (all of them in one process).
    public let share: BatchShare
    private let producer: Producer

    /// A loader; `cacheImages` keeps decoded, resized images in memory after first use
    /// (for datasets that fit: 2,000 images at 160² take 150 MB); `decoded` reads files through a
    /// store shared with other loaders. A training loader with a `share` makes only that rank's
    /// part of each batch.
    public init(samples: [LabeledImage], preprocessing: Preprocessing, batchSize: Int, mode: Mode,
                cacheImages: Bool = false, decoded: DecodedImageStore? = nil, threads: Int = 2, prefetch: Int = 2,
                share: BatchShare = .whole) {
        precondition(!samples.isEmpty && batchSize >= 1 && prefetch >= 1)
        self.samples = samples
        self.preprocessing = preprocessing
        self.batchSize = batchSize
        self.mode = mode
        self.share = share
        producer = Producer(samples: samples, preprocessing: preprocessing, batchSize: batchSize, mode: mode,
                            cache: cacheImages ? ImageCache(count: samples.count) : nil, decoded: decoded, threads: threads, prefetch: prefetch,
                            positions: share.positions(batchSize: batchSize))
    }

    deinit { producer.stop() }

    /// Number of batches in one pass (evaluation) or per epoch (training, rounded up).
    public var batchesPerEpoch: Int { (samples.count + batchSize - 1) / batchSize }

    /// The samples of batch `step`.
    public func sampleIndices(step: Int) -> [Int] { producer.sampleIndices(step: step) }

    /// Batch `step`, waiting for it if it is not ready; starts preparing the ones after it.
    public func batch(_ step: Int) throws -> Batch { try producer.take(step) }

    /// Sample order of one training epoch: a Fisher–Yates shuffle seeded by (seed, epoch).
    static func epochOrder(count: Int, seed: UInt64, epoch: Int) -> [Int] {
        var rng = SeededRandom(seed: seed, stream: UInt64(epoch))
        var order = Array(0..<count)
        for i in stride(from: count - 1, to: 0, by: -1) {
            order.swapAt(i, Int(rng.next() % UInt64(i + 1)))
        }
        return order
    }

    /// Decoded images by sample index, filled on first use.
    final class ImageCache: @unchecked Sendable {
        private var images: [RGBImage?]
        private let lock = NSLock()
        init(count: Int) { images = Array(repeating: nil, count: count) }
        func get(_ i: Int) -> RGBImage? { lock.withLock { images[i] } }
        func set(_ i: Int, _ image: RGBImage) { lock.withLock { images[i] = image } }
    }

    /// The background thread and its bounded buffer.
    final class Producer: @unchecked Sendable {
        let samples: [LabeledImage]
        let preprocessing: Preprocessing
        let batchSize: Int
        let mode: Mode
        let cache: ImageCache?
        let decoded: DecodedImageStore?
        let threads: Int
        let prefetch: Int
        /// The positions of each training batch made here.
        let positions: [Int]
        private let condition = NSCondition()
        private var ready: [Int: Result<Batch, Error>] = [:]
        /// The step the consumer is expected to ask for next; the producer works on [base, base + prefetch).
        private var base = 0
        private var next = 0
        /// Bumped on every jump, so a batch made for the old sequence is thrown away.
        private var generation = 0
        private var stopped = false
        private var running = false

        init(samples: [LabeledImage], preprocessing: Preprocessing, batchSize: Int, mode: Mode,
             cache: ImageCache?, decoded: DecodedImageStore?, threads: Int, prefetch: Int, positions: [Int]) {
            (self.samples, self.preprocessing, self.batchSize, self.mode) = (samples, preprocessing, batchSize, mode)
            (self.cache, self.decoded, self.threads, self.prefetch, self.positions) = (cache, decoded, threads, prefetch, positions)
        }

        func stop() {
            condition.lock()
            stopped = true
            condition.broadcast()
            condition.unlock()
        }

        func take(_ step: Int) throws -> Batch {
            condition.lock()
            defer { condition.unlock() }
            if step != base {
                // A resume or a jump: restart the sequence here.
                ready.removeAll()
                next = step
                generation += 1
            }
            base = step
            if !running {
                running = true
                Thread.detachNewThread { [self] in run() }
            }
            condition.broadcast()
            while ready[step] == nil && !stopped { condition.wait() }
            guard let result = ready.removeValue(forKey: step) else { throw CancellationError() }
            base = step + 1
            condition.broadcast()
            return try result.get()
        }

        private func run() {
            condition.lock()
            while !stopped {
                if next >= base + prefetch || (isEvaluation && next >= stepsInPass) {
                    condition.wait()
                    continue
                }
                let (step, made) = (next, generation)
                next += 1
                condition.unlock()
                let result = Result { try makeBatch(step) }
                condition.lock()
                if made == generation { ready[step] = result }
                condition.broadcast()
            }
            running = false
            condition.unlock()
        }

        var isEvaluation: Bool { if case .training = mode { return false } else { return true } }
        var stepsInPass: Int { (samples.count + batchSize - 1) / batchSize }

        func sampleIndices(step: Int) -> [Int] {
            switch mode {
            case .evaluation, .transformed, .perturbed:
                return Array(step * batchSize..<min((step + 1) * batchSize, samples.count))
            case .training(let seed, _):
                // Positions continue across epochs; a batch may span two. Orders are
                // recomputed rather than kept, which keeps this stateless and resumable.
                let n = samples.count
                var orders: [Int: [Int]] = [:]
                return (step * batchSize..<(step + 1) * batchSize).map { position in
                    let epoch = position / n
                    if orders[epoch] == nil { orders[epoch] = BatchLoader.epochOrder(count: n, seed: seed, epoch: epoch) }
                    return orders[epoch]![position % n]
                }
            }
        }

        func makeBatch(_ step: Int) throws -> Batch {
            let whole = sampleIndices(step: step)
            // A rank of a data-parallel job makes its positions of a training batch; each keeps
            // the random draws of its position in the whole batch.
            let positions = isEvaluation || self.positions.count == whole.count ? Array(whole.indices) : self.positions
            let indices = positions.map { whole[$0] }
            let side = preprocessing.crop
            let images = Tensor<Float>(zeros: [indices.count, side, side, 3])
            let errors = ErrorSlot()
            let pre = preprocessing, mode = mode, cache = cache, decoded = decoded, samples = samples, batchSize = batchSize
            let parts = Parallel.split(indices.count, into: threads)
            Parallel.forEach(parts.count) { part in
                for slot in parts[part] {
                    let sample = indices[slot]
                    do {
                        let image: RGBImage
                        switch mode {
                        case .evaluation:
                            image = try Self.load(sample, samples, cache, decoded) { pre.evaluationImage($0) }
                        case .transformed(let transform):
                            image = transform.apply(try Self.load(sample, samples, cache, decoded) { pre.evaluationImage($0) })
                        case .perturbed(let perturbation, let seed):
                            // Never through the cache: it holds images already resized.
                            image = pre.evaluationImage(try perturbation.apply(to: Self.decode(sample, samples, decoded), seed: seed))
                        case .training(let seed, let augmentation):
                            var rng = SeededRandom(seed: seed, stream: UInt64(step * batchSize + positions[slot]) | (1 << 62))
                            // The cache holds the resized image; augmentation changes a copy of it.
                            let resized = try Self.load(sample, samples, cache, decoded) { $0.resized(width: pre.resize, height: pre.resize) }
                            image = try pre.trainingImage(resized: resized, augmentation: augmentation, rng: &rng)
                        }
                        pre.write(image, into: images, at: slot)
                    } catch {
                        errors.record(error)
                    }
                }
            }
            if let error = errors.first { throw error }
            return Batch(step: step, images: images, labels: indices.map { samples[$0].label }, samples: indices)
        }

        static func load(_ i: Int, _ samples: [LabeledImage], _ cache: ImageCache?, _ decoded: DecodedImageStore?,
                         _ prepare: (RGBImage) -> RGBImage) throws -> RGBImage {
            if let hit = cache?.get(i) { return hit }
            let image = prepare(try decode(i, samples, decoded))
            cache?.set(i, image)
            return image
        }

        /// Sample `i` at its own size, through the shared store when there is one.
        static func decode(_ i: Int, _ samples: [LabeledImage], _ decoded: DecodedImageStore?) throws -> RGBImage {
            try decoded?.image(at: samples[i].url) ?? ImageDecoder.decode(contentsOf: samples[i].url)
        }
    }

    /// The first error raised by any worker.
    final class ErrorSlot: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var first: Error?
        func record(_ error: Error) { lock.withLock { if first == nil { first = error } } }
    }
}
