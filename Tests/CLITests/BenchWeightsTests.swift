import Foundation
import Testing

/// `bench --weights`: batch-1 inference on bfloat16-stored kernels, and its difference from
/// float32 reported with the speed.
@Suite struct BenchWeightsTests {
    @Test func bf16IsTimedAndComparedWithFloat32() throws {
        let r = try CLI.run(["bench", "--model", "R14x0.125", "--resolution", "32", "--batch", "1", "--task", "inference",
                             "--iterations", "1", "--weights", "bf16", "--data", "/nonexistent", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        struct Measurement: Decodable { let batch: Int; let precision: String? }
        struct Difference: Decodable { let precision: String; let images: Int; let samePrediction: Int; let maxRelativeLogitDifference: Double }
        struct Engine: Decodable { let measurements: [Measurement]; let precisionDifference: Difference? }
        struct Output: Decodable { let engine: Engine }
        let out = try JSONDecoder().decode(Output.self, from: Data(r.stdout.utf8)).engine
        #expect(out.measurements.map(\.precision) == ["bf16"])
        let d = try #require(out.precisionDifference)
        // bfloat16 keeps 8 bits of mantissa (relative error 2^-9 per weight): on these seeded images the
        // logits move about 1% and no prediction changes; a kernel that widened the halves wrongly moves them by far more.
        #expect(d.precision == "bf16" && d.images == 32)
        #expect(d.samePrediction >= 31 && d.maxRelativeLogitDifference < 0.05, "\(d)")

        let plain = try CLI.run(["bench", "--model", "R14x0.125", "--resolution", "32", "--batch", "1", "--task", "inference",
                                 "--iterations", "1", "--data", "/nonexistent", "--json"])
        #expect(plain.status == 0 && !plain.stdout.contains("precisionDifference"))
    }

    @Test func badWeightsOrCheckpointAreUsageErrors() throws {
        let weights = try CLI.run(["bench", "--weights", "fp8"])
        #expect(weights.status == 2 && weights.stderr.contains("fp8"))
        let checkpoint = try CLI.run(["bench", "--checkpoint", "/nonexistent/model.npz", "--task", "inference"])
        #expect(checkpoint.status == 2 && checkpoint.stderr.contains("/nonexistent/model.npz"))
    }
}
