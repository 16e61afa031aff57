import ArgumentParser
import BiT
import Datasets
import Foundation

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the engine: forward and training-step img/s, GFLOP/s, memory, BLAS kernel.",
        discussion: """
            Runs a randomly initialised model on random images (no data or checkpoint needed).
            The defaults are the reference case: BiT-R50x1 at 128x128, batch 32, all cores.
            Numbers are medians over --iterations timed runs after one warm-up.
            """)

    @Option(help: "Architecture, e.g. R50x1, R26x0.5.") var model = "R50x1"
    @Option(help: "Square input side in pixels.") var resolution = 128
    @Option(help: "Images per batch.") var batch = 32
    @Option(help: "Worker threads (default: all cores).") var threads = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Timed iterations of each measurement.") var iterations = 3
    @Option(help: "Image folder for the loading measurement (skipped when absent).") var data = "Specs/data/malaria-sample"
    @Flag(help: "Print the result as JSON.") var json = false

    func run() throws {
        let arch: ResNetV2Architecture
        do { arch = try ResNetV2Architecture(named: model) } catch { throw ValidationError("\(error)") }
        let verbose = !json
        let r = EngineBenchmark.run(architecture: arch, resolution: resolution, batch: batch, threads: threads,
                                    iterations: iterations, progress: { if verbose { print("  \($0)") } })
        // BiT-HyperRule's small-image pipeline: resize 160, random 128 crop, flips.
        let folder = URL(fileURLWithPath: data)
        let loading = FileManager.default.fileExists(atPath: folder.path)
            ? try LoaderBenchmark.imagesPerSecond(folder: folder, preprocessing: Preprocessing(resize: 160, crop: 128, randomVerticalFlip: true),
                                                  threads: threads)
            : nil
        if json {
            struct Output: Encodable { let engine: EngineBenchmark.Result; let loadingImagesPerSecond: Double? }
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try enc.encode(Output(engine: r, loadingImagesPerSecond: loading)), as: UTF8.self))
            return
        }
        print("""
            engine     \(r.architecture) at \(r.resolution)x\(r.resolution), batch \(r.batch), \(r.threads) threads
            BLAS       OpenBLAS core \(r.blasCore) (\(r.blasCoreOrigin))
            forward    \(String(format: "%.1f", r.forwardImagesPerSecond)) img/s  \(String(format: "%.0f", r.forwardGFLOPS)) GFLOP/s  (\(String(format: "%.2f", r.forwardGFLOPPerImage)) GFLOP/img)
            train step \(String(format: "%.1f", r.trainImagesPerSecond)) img/s  \(String(format: "%.0f", r.trainGFLOPS)) GFLOP/s  (forward, backward, SGD-momentum update)
            peak mem   \(String(format: "%.2f", Double(r.peakMemoryBytes) / 1_073_741_824)) GiB resident
            loading    \(loading.map { String(format: "%.0f img/s", $0) } ?? "skipped (no \(data))")  (decode, resize 160, crop 128, flips; \(threads) threads, no cache)
            """)
    }
}
