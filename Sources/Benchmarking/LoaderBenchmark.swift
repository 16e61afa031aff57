import Datasets
import Foundation

/// Measures how fast the loader turns image files into training batches.
public enum LoaderBenchmark {
    /// Images per second for `batches` training batches of `batchSize` from the image folder
    /// (decode, resize, random crop and flips, scaling), without the in-memory cache, so
    /// every image is decoded: the rate of a first epoch, the slowest one.
    public static func imagesPerSecond(folder: URL, preprocessing: Preprocessing, batchSize: Int = 64,
                                       batches: Int = 10, threads: Int) throws -> Double {
        let manifest = try ImageFolder.scan(folder)
        let samples = manifest.entries.map { LabeledImage(url: manifest.url(of: $0), label: $0.label) }
        let loader = BatchLoader(samples: samples, preprocessing: preprocessing, batchSize: batchSize,
                                 mode: .training(seed: 1), cacheImages: false, threads: threads)
        _ = try loader.batch(0)
        let start = DispatchTime.now().uptimeNanoseconds
        for step in 1...batches { _ = try loader.batch(step) }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Double(batches * batchSize) / seconds
    }
}
