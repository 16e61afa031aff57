import BiT
import Foundation
import Testing

/// The check before `main` (CBaselineCheck): a CPU without the build's instructions gets a message and exit
/// code 2. Its test hook, MODELCHECK_PRETEND_MISSING_CPU_FEATURES, makes this CPU look like one that lacks them.
@Suite struct CPUBaselineTests {
    static func run(pretendingMissing features: String?) throws -> CLI.Result {
        var environment = ProcessInfo.processInfo.environment
        environment["MODELCHECK_PRETEND_MISSING_CPU_FEATURES"] = features
        return try CLI.run(["models"], environment: environment)
    }

    @Test(.enabled(if: !CPUFeatures.buildBaseline.isEmpty, "only x86-64 builds assume a baseline beyond the architecture's"))
    func aCPUWithoutTheBaselineGetsAMessageAndExitCode2() throws {
        let r = try Self.run(pretendingMissing: "avx2,FMA")
        #expect(r.status == 2)
        #expect(r.stdout.isEmpty, "nothing of modelcheck itself may run: \(r.stdout)")
        #expect(r.stderr.hasPrefix("modelcheck: this CPU lacks AVX2, FMA; modelcheck is built for x86-64-v3 (AVX, AVX2, BMI1, BMI2, F16C, FMA, LZCNT, MOVBE, XSAVE)."), "\(r.stderr)")
    }

    @Test(.enabled(if: CPUFeatures.current.meetsBuildBaseline, "this CPU must run the build"))
    func aCPUWithTheBaselineRunsAndUnknownNamesChangeNothing() throws {
        let r = try Self.run(pretendingMissing: "avx512f,nonsense")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stdout.isEmpty)
    }
}
