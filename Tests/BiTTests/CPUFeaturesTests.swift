import BiT
import Testing

/// Every CPU-instruction decision, made from given flag sets.
@Suite struct CPUFeaturesTests {
    static let v3: Set<String> = ["avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "lzcnt", "movbe", "xsave"]
    static let avx512: Set<String> = ["avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"]

    #if arch(x86_64)
    @Test func theBaselineIsX8664V3AndNamesWhatIsMissing() {
        #expect(Set(CPUFeatures.buildBaseline) == Self.v3)
        #expect(CPUFeatures(flags: Self.v3).meetsBuildBaseline)
        let sandyBridge = CPUFeatures(flags: ["avx", "xsave", "sse4_2", "popcnt"])
        #expect(!sandyBridge.meetsBuildBaseline)
        #expect(sandyBridge.missingBaselineFeatures == ["avx2", "bmi1", "bmi2", "f16c", "fma", "lzcnt", "movbe"])
        #expect(CPUFeatures(flags: Self.v3.subtracting(["movbe"])).missingBaselineFeatures == ["movbe"])
    }

    @Test func thePackedKernelNeedsAllOfX8664V4NotOnlyAVX512F() {
        #expect(CPUFeatures(flags: Self.v3.union(Self.avx512)).supportsPackedAVX512Kernel)
        #expect(!CPUFeatures(flags: Self.v3.union(["avx512f"])).supportsPackedAVX512Kernel)
        for dropped in Self.avx512 {
            #expect(!CPUFeatures(flags: Self.v3.union(Self.avx512).subtracting([dropped])).supportsPackedAVX512Kernel, "without \(dropped)")
        }
        #expect(!CPUFeatures(flags: Self.avx512).supportsPackedAVX512Kernel, "AVX-512 without the baseline")
    }

    @Test func theOpenBLASCoreFollowsTheSameSets() {
        #expect(CPUFeatures(flags: Self.v3.union(Self.avx512)).preferredOpenBLASCore == "SkylakeX")
        #expect(CPUFeatures(flags: Self.v3.union(["avx512f"])).preferredOpenBLASCore == "Haswell")
        #expect(CPUFeatures(flags: Self.v3).preferredOpenBLASCore == "Haswell")
        #expect(CPUFeatures(flags: ["avx", "avx2"]).preferredOpenBLASCore == nil)
        #expect(CPUFeatures(flags: []).preferredOpenBLASCore == nil)
    }

    @Test func thisCPUIsReadAsTheKernelSeesIt() {
        // The process runs, so the build's baseline is met (the check before main would have stopped it).
        #expect(CPUFeatures.current.meetsBuildBaseline)
        #expect(CPUFeatures.current.flags.isSubset(of: Self.v3.union(Self.avx512)))
    }
    #endif
}
