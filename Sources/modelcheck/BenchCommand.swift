import ArgumentParser
import Benchmarking
import BiT
import Datasets
import Formatting
import Foundation
import Imaging
import PackedGEMM

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the engine: inference and training img/s, GFLOP/s, memory, BLAS kernel; optionally against PyTorch, ONNX Runtime, OpenVINO and TensorFlow.",
        discussion: """
            Runs a randomly initialised model on random images (no data or checkpoint needed). \
            The defaults are the reference case: BiT-R50x1 at 128x128, batch 32, all cores. \
            --task all times inference at --batch and at batch 1, then a training step at \
            --batch. Numbers are medians over --iterations timed runs after one warm-up; a \
            run covers at least 32 images (batch 1: 32 calls in a row).

            --compare measures the same model in peer frameworks with Sources/Benchmarking/peers.py \
            (pip install torch timm onnxruntime onnx openvino tensorflow-cpu) in the same run: every \
            measurement, the engine's included, is its own process (so each peak memory is \
            its task's alone), rounds alternate the order, and the table gives medians over \
            rounds and the engine's ratio to the best peer. Peers that are not installed are \
            listed and skipped. ONNX Runtime and OpenVINO run timm's model exported with weight \
            standardisation folded into the kernels once, as a deployer exports it.

            --weights bf16 stores the kernels of batch-1 inference as bfloat16 (the arithmetic \
            stays float32): half the bytes to stream from memory, where a single image's deep \
            layers wait. Batch 32 and training are unchanged. The run then also compares \
            single images' outputs against float32 kernels and prints the difference: on \
            --checkpoint's model and 256 images of --data (with their labels, the \
            accuracy of each), else on the random model and random images. With --compare, \
            batch 1 is measured both ways in the same rounds (modelcheck-bf16 next to \
            modelcheck), each with its ratio to the best peer.

            --task allreduce, under mpirun or srun, times the trainer's gradient sum of --model's \
            parameters over the ranks (R50x1: 23.5 M values) and prints the bus bandwidth.
            Example: mpirun -np 2 modelcheck bench --task allreduce --model R50x1
            """)

    enum TaskChoice: String, ExpressibleByArgument, CaseIterable {
        case all, inference, training, allreduce
    }

    @Option(help: "Architecture, e.g. R50x1, R26x0.5.") var model = "R50x1"
    @Option(help: "Square input side in pixels.") var resolution = 128
    @Option(help: "Images per batch.") var batch = 32
    @Option(help: "Worker threads (default: all cores).") var threads = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Timed iterations of each measurement.") var iterations = 3
    @Option(help: "What to time: all, inference, training (at --batch only), or allreduce (the gradient sum over the ranks of mpirun/srun).") var task: TaskChoice = .all
    @OptionGroup var distributed: DistributedOptions
    @Option(help: "Image folder for the loading measurement (skipped when absent).") var data = "Specs/data/malaria-sample"
    @Option(help: "How batch-1 inference stores its packed kernels: float32 or bf16 (float32 arithmetic either way).")
    var weights: PackedMatrix.Precision = .float32
    @Option(help: "Time this checkpoint's model (.npz) instead of a random one of --model.") var checkpoint: String?
    @Flag(help: "Also measure peer frameworks in the same run and print the ratios.") var compare = false
    @Option(help: "Comma-separated peers for --compare: pytorch, pytorch-cl, onnxruntime, openvino, tensorflow, tensorflow-xla.")
    var peers = "pytorch,pytorch-cl,onnxruntime,openvino,tensorflow"
    @Option(help: "Python with the peers installed (default: $MODELCHECK_PEER_PYTHON, else python3).")
    var python = ProcessInfo.processInfo.environment["MODELCHECK_PEER_PYTHON"] ?? "python3"
    @Option(help: "The peers' benchmark script.") var peerScript = "Sources/Benchmarking/peers.py"
    @Option(help: "Alternating rounds of --compare.") var rounds = 3
    @Flag(help: "Print the result as JSON.") var json = false

    func validate() throws {
        if batch < 1 || iterations < 1 || rounds < 1 { throw ValidationError("--batch, --iterations and --rounds must be at least 1") }
        try ThreadCount.validate(threads)
        if resolution < 32 { throw ValidationError("--resolution must be at least 32") }
        if compare && task != .all { throw ValidationError("--compare measures every task; drop --task") }
        if compare && checkpoint != nil { throw ValidationError("--compare times random models in every framework; drop --checkpoint") }
    }

    var cases: [(EngineBenchmark.Task, Int)] {
        switch task {
        case .all: return [(.inference, batch)] + (batch == 1 ? [] : [(.inference, 1)]) + [(.training, batch)]
        case .inference: return [(.inference, batch)]
        case .training: return [(.training, batch)]
        case .allreduce: return []
        }
    }

    func run() throws {
        let arch: ResNetV2Architecture
        do { arch = try ResNetV2Architecture(named: model) } catch { throw ValidationError("\(error)") }
        if compare { return try runComparison(arch) }
        if task == .allreduce { return try runAllreduce(arch) }
        let verbose = !json
        let loaded = try checkpoint.map { path in
            do { return try BiTCheckpoint.load(URL(fileURLWithPath: path)) } catch { throw ValidationError("\(path): \(error)") }
        }
        let setup = EngineBenchmark.Setup(architecture: loaded?.model.architecture ?? arch, resolution: resolution,
                                          classes: loaded?.model.classes ?? 2, threads: threads, singleImagePrecision: weights)
        let realImages = try loaded.flatMap { try comparisonImages($0.metadata) }
        let r = EngineBenchmark.run(cases, setup: setup, iterations: iterations, blasCoreOrigin: OpenBLASCoreChoice.origin, model: loaded?.model, comparisonImages: realImages,
                                    progress: { if verbose { Self.progress($0) } })
        // BiT-HyperRule's small-image pipeline: resize 160, random 128 crop, flips.
        let folder = URL(fileURLWithPath: data)
        let loading = FileManager.default.fileExists(atPath: folder.path)
            ? try LoaderBenchmark.imagesPerSecond(folder: folder, preprocessing: Preprocessing(resize: 160, crop: 128, randomVerticalFlip: true),
                                                  threads: threads)
            : nil
        if json {
            struct Output: Encodable { let engine: EngineBenchmark.Result; let loadingImagesPerSecond: Double? }
            print(try Self.jsonString(Output(engine: r, loadingImagesPerSecond: loading)))
            return
        }
        print("engine     \(r.architecture) at \(r.resolution)x\(r.resolution), \(r.threads) threads, \(String(format: "%.2f", r.forwardGFLOPPerImage)) GFLOP/img forward")
        print("BLAS       OpenBLAS core \(r.blasCore) (\(r.blasCoreOrigin))")
        print("own GEMM   \(EngineKernels.own(r.packedKernels))")
        for m in r.measurements {
            let what = m.task == .training ? "(forward, backward, SGD-momentum update)" : m.precision == .bfloat16 ? "(bf16-stored kernels)" : ""
            print("\(EngineBenchmark.label(m.task, m.batch).padding(toLength: 20, withPad: " ", startingAt: 0)) \(String(format: "%6.1f img/s  %4.0f GFLOP/s", m.imagesPerSecond, m.gflops))  \(what)")
        }
        if let d = r.precisionDifference {
            let accuracy = d.float32Correct.map { f in d.lowerCorrect.map { ", correct \(f) vs \($0)" } ?? "" } ?? ""
            let on = realImages != nil ? "images of \(data)" : checkpoint == nil ? "random images, random model" : "random images (no labelled \(data))"
            print("\(d.precision.rawValue) vs float32, \(d.images) single \(on): predictions the same in \(d.samePrediction)\(accuracy); "
                  + String(format: "largest logit difference %.2g of the largest logit, probability difference %.2g", d.maxRelativeLogitDifference, d.maxProbabilityDifference))
        }
        print("peak mem   \(ByteCount.gibibytes(r.peakMemoryBytes)) resident")
        print("loading    \(loading.map { String(format: "%.0f img/s", $0) } ?? "skipped (no \(data))")  (decode, resize 160, crop 128, flips; \(threads) threads, no cache)")
    }

    /// 256 images of --data (every n/256-th, so every class is in) with their labels
    /// in the checkpoint's classes; nil when the folder is absent or its classes differ.
    func comparisonImages(_ metadata: ModelMetadata) throws -> (images: Tensor<Float>, labels: [Int]?)? {
        let folder = URL(fileURLWithPath: data)
        guard FileManager.default.fileExists(atPath: folder.path),
              let manifest = try? ImageFolder.scan(folder, classes: metadata.classNames) else { return nil }
        let step = max(1, manifest.entries.count / 256)
        let entries = stride(from: 0, to: manifest.entries.count, by: step).prefix(256).map { manifest.entries[$0] }
        let decoded = try entries.map { try ImageDecoder.decode(contentsOf: folder.appendingPathComponent($0.path)) }
        return (Preprocessing.evaluationBatch(decoded, resolution: resolution, valueRange: metadata.valueRange), entries.map(\.label))
    }

    func runAllreduce(_ arch: ResNetV2Architecture) throws {
        try distributed.join(spec: nil, isCI: false)
        let r = try CollectiveBenchmark.run(arch, iterations: iterations)
        print(String(format: "allreduce  %@ gradients, %d values (%.1f MB), %d ranks: %.1f ms a step (median of %d), bus bandwidth %.2f GB/s",
                     arch.description, r.values, Double(r.values * 4) / 1e6, r.ranks, r.seconds * 1e3, iterations, r.busGigabytesPerSecond))
    }

    func runComparison(_ arch: ResNetV2Architecture) throws {
        let peerNames = peers.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        // A lower precision is a variant of batch-1 inference, measured next to float32.
        let variant = weights == .float32 ? nil : "\(PeerComparison.engineName)-\(weights.rawValue)"
        let comparison = PeerComparison(
            cases: cases, peers: peerNames, rounds: rounds, engineVariants: variant.map { [$0] } ?? [],
            peerEnvironment: OpenBLASCoreChoice.userEnvironment,
            engine: { system, task, batch in
                let lower = system == variant
                if lower && (task, batch) != (.inference, 1) { return nil }
                return [Self.executable, "bench", "--model", model, "--resolution", "\(resolution)", "--batch", "\(batch)",
                        "--threads", "\(threads)", "--iterations", "\(iterations)", "--task", task.rawValue, "--data", "/nonexistent",
                        "--weights", (lower ? weights : .float32).rawValue, "--json"]
            },
            peer: { peer, task, batch in
                [python, peerScript, peer, task == .training ? "train" : "infer", "--batch", "\(batch)",
                 "--resolution", "\(resolution)", "--threads", "\(threads)", "--iterations", "\(iterations)"]
            })
        guard FileManager.default.fileExists(atPath: peerScript) else {
            throw ValidationError("no peer script at \(peerScript); run from the repository root or pass --peer-script")
        }
        let verbose = !json
        let result = try comparison.run(progress: { if verbose { Self.progress($0) } })
        if json { print(try Self.jsonString(result)); return }
        print("\(arch) at \(resolution)x\(resolution), \(threads) threads, \(rounds) alternating rounds of \(iterations) iterations; medians"
              + (variant.map { "; \($0): batch 1 on \(weights.rawValue)-stored kernels" } ?? ""))
        print(result.table)
    }

    /// This binary, for the engine's own measurement processes.
    static var executable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// A progress line, written at once (print buffers when stdout is a file or pipe).
    static func progress(_ line: String) {
        FileHandle.standardOutput.write(Data("  \(line)\n".utf8))
    }

    static func jsonString<V: Encodable>(_ value: V) throws -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try enc.encode(value), as: UTF8.self)
    }
}

extension PackedMatrix.Precision: ExpressibleByArgument {}
