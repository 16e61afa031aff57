// swift-tools-version:6.1
import PackageDescription

// SwiftPM refuses a versioned dependency on a product whose targets use unsafe flags. These flags
// pay, so the targets that need them keep them (measured 2026-12-06, alternating rounds, R26x0.5 at
// 64x64, batch 16): AtomicWrite, FileFormats, Formatting, Charts, Imaging and the C targets under
// them have none and can be depended on by version; the engine and everything built on it cannot yet.
//
// Swift's default x86-64 target is SSE2 only: element-wise kernels (GroupNorm, im2col,
// pooling) need AVX2/FMA code generation to keep up with the GEMMs (without -march: inference
// 0.92x, training 0.85x). Imaging's one hot loop, resize, is C compiled for two CPU levels
// (CResample) instead: image loading 1.09x of what the flags gave it, with identical pixels.
// The engine is generic over Float and Double; its entry points are pre-specialised for Float
// (@_specialize), which makes cross-module optimisation unneeded for the engine's callers (bench
// 1.06x and 1.02x without it anywhere); image loading was 0.83x without it (measured before resize
// moved to C; not yet measured since), so it stays.
let crossModule: SwiftSetting = .unsafeFlags(["-cross-module-optimization"], .when(configuration: .release))

#if arch(x86_64)
let vectorSwift: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-march=x86-64-v3"]), crossModule]
// PackedGEMM's kernel is AVX-512 code, and the engine calls it only on CPUs that have AVX-512.
// No cross-module optimisation there, so none of it is inlined into code for other CPUs.
let avx512Swift: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-march=x86-64-v4", "-Xcc", "-mprefer-vector-width=512"])]
#else
let vectorSwift: [SwiftSetting] = [crossModule]
let avx512Swift: [SwiftSetting] = []
#endif

let package = Package(
    name: "modelcheck",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "modelcheck", targets: ["modelcheck"]),
        .library(name: "AtomicWrite", targets: ["AtomicWrite"]),
        .library(name: "FileFormats", targets: ["FileFormats"]),
        .library(name: "Formatting", targets: ["Formatting"]),
        .library(name: "Charts", targets: ["Charts"]),
        .library(name: "BiT", targets: ["BiT"]),
        .library(name: "Randomness", targets: ["Randomness"]),
        .library(name: "Imaging", targets: ["Imaging"]),
        .library(name: "Datasets", targets: ["Datasets"]),
        .library(name: "Training", targets: ["Training"]),
        .library(name: "Checks", targets: ["Checks"]),
        .library(name: "Reports", targets: ["Reports"]),
    ],
    // `swift build --traits MPI` (needs Open MPI: libopenmpi-dev) makes train, verify and certify
    // run data-parallel under mpirun or srun; without it modelcheck builds and runs in one process.
    traits: [.trait(name: "MPI", description: "Multi-process training and verification over MPI (Open MPI's libmpi).")],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-atomics", from: "1.2.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/swiftcsv/SwiftCSV", from: "0.10.0"),
    ],
    targets: [
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .target(
            name: "CCodecs",
            path: "Sources/CCodecs",
            linkerSettings: [.linkedLibrary("png16"), .linkedLibrary("jpeg")]
        ),
        .systemLibrary(name: "CProcessorHints", path: "Sources/CProcessorHints"),
        // Reads the CPU's features (cpuid); no -march flags, so it runs on any x86-64 CPU.
        .target(name: "CCPUFeatures"),
        .systemLibrary(name: "CMPI", path: "Sources/CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),
        // The processes one job runs on: one, or the ranks of an MPI job; collectives with a deadline.
        .target(name: "Collectives", dependencies: [.target(name: "CMPI", condition: .when(traits: ["MPI"]))]),
        // Before main: a CPU without the build's x86-64-v3 instructions gets a message and exit code 2, not SIGILL.
        // No -march flags either, and linked into the executable only.
        .target(name: "CBaselineCheck", dependencies: ["CCPUFeatures"]),
        // The one seeded generator (SplitMix64) behind every random choice: weights, data order, bootstrap, corruptions.
        .target(name: "Randomness", dependencies: [.product(name: "RealModule", package: "swift-numerics")]),
        // Temporary file, fsync, rename, fsync of the folder: the one atomic write everything uses.
        .target(name: "AtomicWrite"),
        // ZIP (read and write), .npy and .npz: general file formats the engine and dataset extraction share.
        .target(name: "FileFormats", dependencies: ["CZlib", "AtomicWrite"]),
        .target(name: "PackedGEMM", dependencies: ["CProcessorHints"], swiftSettings: avx512Swift),
        .target(
            name: "BiT",
            dependencies: [
                "CBLAS", "CProcessorHints", "CCPUFeatures", "PackedGEMM", "FileFormats", "Randomness",
                .product(name: "RealModule", package: "swift-numerics"),
                .product(name: "Atomics", package: "swift-atomics"),
            ],
            swiftSettings: vectorSwift
        ),
        // Its one hot loop (resize) is C compiled for two CPU levels, so Imaging needs no unsafe flags.
        .target(name: "CResample"),
        .target(name: "Imaging", dependencies: ["CCodecs", "CResample", "AtomicWrite", "Randomness"]),
        // Text for people and markup: table layout, escaping; charts drawn as SVG.
        .target(name: "Formatting"),
        .target(name: "Charts", dependencies: ["Formatting"]),
        .target(
            name: "Datasets",
            dependencies: ["BiT", "Imaging", "FileFormats", "AtomicWrite", "Formatting", "Collectives", .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "SwiftCSV", package: "SwiftCSV")],
            swiftSettings: vectorSwift),
        .target(name: "Training", dependencies: ["BiT", "FileFormats", "AtomicWrite", "Datasets", "Imaging", "Charts", "Formatting", "Collectives"], swiftSettings: vectorSwift),
        .target(
            name: "Checks",
            dependencies: ["BiT", "Datasets", "Imaging", "AtomicWrite", "Randomness", .product(name: "Yams", package: "Yams"),
                           .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: vectorSwift),
        .target(
            name: "Reports",
            dependencies: ["Checks", "Imaging", "AtomicWrite", "Charts", "Formatting", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: vectorSwift),
        // Measuring the engine, the image loader and peer frameworks (with Sources/Benchmarking/peers.py): what `bench` runs.
        .target(name: "Benchmarking", dependencies: ["BiT", "PackedGEMM", "Datasets", "Formatting", "Training", "Collectives"], exclude: ["peers.py"], swiftSettings: vectorSwift),
        // Spec → training plan, checks, verification and certification: what the CLI commands run.
        .target(name: "Pipeline", dependencies: ["BiT", "Datasets", "Training", "Checks", "Reports", "Imaging", "Collectives",
                                                 .product(name: "Crypto", package: "swift-crypto")], swiftSettings: vectorSwift),
        .executableTarget(
            name: "modelcheck",
            dependencies: [
                "AtomicWrite", "CBaselineCheck", "BiT", "PackedGEMM", "Imaging", "Datasets", "Training", "Checks", "Pipeline",
                "Reports", "Benchmarking", "Formatting", "Collectives",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: vectorSwift
        ),
        // libFuzzer targets for what a user's file reaches: the spec parser, the .npz reader (and the
        // checkpoint loader on it), the certificate verifier. ci/fuzz builds them with -sanitize=fuzzer;
        // a plain build links them too (the driver's libFuzzer entry is weak) and they replay the files given.
        .target(name: "FuzzDriver", path: "Fuzz/FuzzDriver"),
        .executableTarget(name: "SpecFuzzer", dependencies: ["FuzzDriver", "Checks"], path: "Fuzz/SpecFuzzer"),
        .executableTarget(name: "NpzFuzzer", dependencies: ["FuzzDriver", "FileFormats", "BiT"], path: "Fuzz/NpzFuzzer"),
        .executableTarget(name: "CertificateFuzzer", dependencies: ["FuzzDriver", "Reports", .product(name: "Crypto", package: "swift-crypto")],
                          path: "Fuzz/CertificateFuzzer"),
        // What several test targets share (running python3 and other programs); linked into tests only.
        .target(name: "TestSupport", dependencies: ["CZlib"], path: "Tests/TestSupport"),
        .testTarget(name: "AtomicWriteTests", dependencies: ["AtomicWrite"]),
        .testTarget(name: "FileFormatsTests", dependencies: ["FileFormats", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "BiTTests", dependencies: ["BiT", "FileFormats", "PackedGEMM", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "BenchmarkingTests", dependencies: ["Benchmarking", "BiT", "PackedGEMM"]),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "FileFormats", "TestSupport"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "TestSupport"]),
        .testTarget(name: "ChecksTests", dependencies: ["Checks", "Training", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "FormattingTests", dependencies: ["Formatting"]),
        .testTarget(name: "ChartsTests", dependencies: ["Charts"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "Imaging", "Charts", "TestSupport", .product(name: "Crypto", package: "swift-crypto")]),
        // Runs the built executable; depending on it makes `swift test` build it first.
        .testTarget(name: "CLITests", dependencies: ["modelcheck", "BiT", "Imaging", "Datasets", "Checks", "Reports", "TestSupport"]),
    ]
)
