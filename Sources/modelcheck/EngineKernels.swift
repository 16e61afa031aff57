import BiT

/// What runs a model's products on this machine, as `bench` and training print it.
enum EngineKernels {
    /// The OpenBLAS kernel set and why it is the one.
    static var blas: String { "OpenBLAS core \(BLASRuntime.coreName) (\(OpenBLASCoreChoice.origin))" }

    /// The training products the engine's own kernels take (`PackedConv2D.packsForTraining`).
    static let trainingShare = "convolutions with kernels up to 1 MiB or few rows"

    /// `bench`'s line: every product the engine's own AVX-512 kernels take instead of OpenBLAS.
    static func own(_ packed: Bool) -> String {
        packed ? "AVX-512 packed kernels: batch-1 inference and, in training, \(trainingShare)" : "none (no AVX-512): every product on OpenBLAS"
    }

    /// A training run's line: OpenBLAS and what the engine's own kernels take from it.
    static var training: String {
        blas + (PackedConv2D.isSupported ? "; the engine's own AVX-512 kernels for \(trainingShare)" : "; no AVX-512, so every product on OpenBLAS")
    }
}
