import CCPUFeatures

/// The instruction-set features of a CPU, and every decision modelcheck bases on them: whether the build's
/// baseline is met, whether the packed AVX-512 kernel may run, which OpenBLAS core suits the CPU.
///
/// Which features each x86-64 level needs is written once, in the C table that also serves the check before
/// `main` (CBaselineCheck); `current` reads this CPU once, through cpuid and the operating system's saved states.
public struct CPUFeatures: Sendable, Equatable {
    /// Feature names in lower case ("avx2", "bmi1", "avx512f", ...).
    public let flags: Set<String>

    /// A CPU with exactly `flags`, for deciding on another machine's features (and for tests).
    public init(flags: Set<String>) {
        self.flags = flags
    }

    /// This CPU's features, read once.
    public static let current = CPUFeatures(flags: Set(table.filter { mc_cpu_feature_present(Int32($0.index)) }.map(\.name)))

    /// What the build is compiled for (x86-64-v3 on x86-64; nothing elsewhere), in table order.
    public static let buildBaseline: [String] = {
        #if arch(x86_64)
        table.filter { $0.level == 3 }.map(\.name)
        #else
        []
        #endif
    }()

    /// What the packed kernel's AVX-512 code needs beyond the baseline (x86-64-v4).
    public static let avx512KernelFeatures: [String] = table.filter { $0.level == 4 }.map(\.name)

    /// Baseline features this CPU lacks, in table order; empty when it can run the build.
    public var missingBaselineFeatures: [String] { Self.buildBaseline.filter { !flags.contains($0) } }

    /// Whether this CPU has every instruction the build assumes.
    public var meetsBuildBaseline: Bool { missingBaselineFeatures.isEmpty }

    /// Whether the packed convolution kernel (x86-64-v4 code) can run here.
    public var supportsPackedAVX512Kernel: Bool {
        #if arch(x86_64)
        meetsBuildBaseline && Self.avx512KernelFeatures.allSatisfy(flags.contains)
        #else
        false
        #endif
    }

    /// The OpenBLAS core that suits this CPU; nil when none is known to be better than OpenBLAS's own choice.
    /// Naming a core whose instructions the CPU lacks crashes with SIGILL, so only cores whose whole
    /// instruction set is present are named.
    public var preferredOpenBLASCore: String? {
        #if arch(x86_64)
        if supportsPackedAVX512Kernel { return "SkylakeX" }
        if flags.contains("avx2"), flags.contains("fma") { return "Haswell" }
        #endif
        return nil
    }

    private static let table: [(index: Int, name: String, level: Int)] = (0..<Int(mc_cpu_feature_count())).map {
        ($0, String(cString: mc_cpu_feature_name(Int32($0))), Int(mc_cpu_feature_level(Int32($0))))
    }
}
