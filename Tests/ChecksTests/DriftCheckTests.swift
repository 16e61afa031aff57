import BiT
import Checks
import Datasets
import Foundation
import Imaging
import Randomness
import Testing

/// The drift check fires on planted drift (darkened, blurred, one class only) and not on two random halves of one set.
@Suite("drift check", .serialized)
struct DriftCheckTests {
    let f = CheckFixture.shared

    /// Small fixture sets: fewer images than the spec's default minimum.
    static func settings(properties: [ImageProperties.Property] = ImageProperties.Property.allCases, embeddings: Bool = true,
                         predictedClasses: Bool = true, test: DriftCheck.PropertyTest = .ks, seed: UInt64 = 0) -> DriftCheck.Settings {
        DriftCheck.Settings(properties: properties, test: test, embeddings: embeddings, predictedClasses: predictedClasses, seed: seed,
                            minSamples: 20)
    }

    /// Every dot-data image passed through `edit`, in a new folder taken whole as an evaluation set; `keep` picks images.
    func planted(_ name: String, keep: (DatasetManifest.Entry) -> Bool = { _ in true },
                 _ edit: (RGBImage) -> RGBImage) throws -> (DatasetManifest, DatasetSplit) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("drift-\(name)-\(UUID().uuidString)")
        for name in f.dotManifest.classNames {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(name), withIntermediateDirectories: true)
        }
        for entry in f.dotManifest.entries where keep(entry) {
            let target = root.appendingPathComponent(entry.path)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try PNGEncoder.write(edit(try ImageDecoder.decode(contentsOf: f.dotManifest.url(of: entry))), to: target)
        }
        let manifest = try ImageFolder.scan(root, classes: f.dotManifest.classNames, groupPattern: try GroupPattern("^(C[0-9]+)"))
        return (manifest, try DatasetSplit(manifest, assignment: Array(repeating: .test, count: manifest.entries.count)))
    }

    /// The dot data's own context judging `data`: its reference is the dot training split.
    func judged(_ data: (DatasetManifest, DatasetSplit)) -> CheckContext {
        f.context(f.goodModel).judging(data.0, split: data.1, attributes: nil)
    }

    static func darkened(_ image: RGBImage) -> RGBImage {
        RGBImage(width: image.width, height: image.height, pixels: image.pixels.map { UInt8(Double($0) * 0.6) })
    }

    /// A 3×3 box blur, edges clamped.
    static func blurred(_ image: RGBImage) -> RGBImage {
        let (w, h) = (image.width, image.height)
        var out = image.pixels
        for y in 0..<h {
            for x in 0..<w {
                for c in 0..<3 {
                    var sum = 0
                    for dy in -1...1 {
                        for dx in -1...1 {
                            sum += Int(image.pixels[(min(max(y + dy, 0), h - 1) * w + min(max(x + dx, 0), w - 1)) * 3 + c])
                        }
                    }
                    out[(y * w + x) * 3 + c] = UInt8(sum / 9)
                }
            }
        }
        return RGBImage(width: w, height: h, pixels: out)
    }

    @Test func darkenedImagesDriftInBrightnessAndEmbeddings() throws {
        let context = judged(try planted("dark", Self.darkened))
        let r = try DriftCheck(settings: Self.settings()).run(context)
        #expect(r.verdict == .fail, "\(r.message)")
        #expect(r.message.hasPrefix("drift in ") && r.message.contains("brightness"), "\(r.message)")
        #expect((r.details["effect.brightness"] ?? 0) > 0.5 && (r.value ?? 1) < 0.01, "\(r.details)")
        #expect(r.evidence.first?.hasSuffix("— drift") == true, "\(r.evidence)")
        // The embeddings alone see it too.
        let e = try DriftCheck(settings: Self.settings(properties: [], predictedClasses: false)).run(context)
        #expect(e.verdict == .fail && e.message.contains("embeddings"), "\(e.message) \(e.details)")
    }

    @Test func blurredImagesDriftInSharpness() throws {
        let context = judged(try planted("blur", Self.blurred))
        let r = try DriftCheck(settings: Self.settings(properties: [.sharpness, .brightness], embeddings: false, predictedClasses: false)).run(context)
        #expect(r.verdict == .fail && r.message.contains("sharpness") && !r.message.contains("brightness"), "\(r.message) \(r.evidence)")
        // Wasserstein's permutation p-value agrees.
        let w = try DriftCheck(settings: Self.settings(properties: [.sharpness], embeddings: false, predictedClasses: false, test: .wasserstein))
            .run(context)
        #expect(w.verdict == .fail && w.details["wasserstein.sharpness"] != nil, "\(w.message)")
    }

    @Test func oneClassOnlyDriftsInPredictedClasses() throws {
        let plain = try planted("plain", keep: { $0.label == 1 }) { $0 }
        let r = try DriftCheck(settings: Self.settings(properties: [], embeddings: false)).run(judged(plain))
        #expect(r.verdict == .fail && r.message.contains("predicted classes (dot 0.500)"), "\(r.message) \(r.evidence)")
        #expect(r.evidence.first?.contains("dot 50.0% → 0.0%, plain 50.0% → 100.0%") == true, "\(r.evidence)")
        #expect((r.details["effect.predicted_classes"] ?? 0) > 0.3, "\(r.details)")
    }

    /// Two random halves of the dot data, over many seeds: each test at a nominal (corrected) 1%, so a fire or two in
    /// 20 runs would already be far above it.
    @Test func randomHalvesOfOneSetDoNotDrift() throws {
        var fired: [String] = []
        for seed in UInt64(0)..<20 {
            var random = SeededRandom(seed: seed, stream: 7)
            var assignment = [DatasetSplit.Part](repeating: .test, count: f.dotManifest.entries.count)
            for i in DriftCheck.subsampleIndices(assignment.count, max: assignment.count / 2, random: &random) { assignment[i] = .train }
            let split = try DatasetSplit(f.dotManifest, assignment: assignment)
            let r = try DriftCheck(settings: Self.settings(seed: seed)).run(f.context(f.goodModel, split: split))
            #expect(r.verdict != .inconclusive, "\(r.message)")
            if r.verdict == .fail { fired.append("seed \(seed): \(r.message)") }
        }
        #expect(fired.count <= 1, "\(fired)")
    }

    @Test func tooFewImagesAreInconclusiveNeverAPass() throws {
        var settings = Self.settings()
        settings.minSamples = 60
        settings.maxImages = 60
        let r = try DriftCheck(settings: settings).run(judged(try planted("few", Self.darkened)))
        #expect(r.verdict == .inconclusive && r.message.contains("fewer than the 60"), "\(r.message)")
    }

    @Test func theSameSeedGivesTheSameResult() throws {
        let context = judged(try planted("again", Self.darkened))
        var settings = Self.settings()
        settings.maxImages = 40
        let a = try DriftCheck(settings: settings).run(context)
        let b = try DriftCheck(settings: settings).run(f.context(f.goodModel).judging(context.manifest, split: context.split, attributes: nil))
        #expect(a.details == b.details && a.details["judgedImages"] == 40)
    }

    @Test func embeddingsAreWhatTheHeadReads() throws {
        let batch = try f.context(f.goodModel).batch(.test, count: 8)
        let model = f.goodModel
        #expect(model.head(model.embeddings(batch.images, threads: 2)).array == model.logits(batch.images, threads: 2).array)
        #expect(model.embeddings(batch.images, threads: 1).array == model.embeddings(batch.images, threads: 2).array)
    }

    @Test func driftKeysAreValidatedWhereTheyAre() {
        #expect(SpecTesting.checkMessages("  - check: drift\n    properties: [brightnes, width, width]\n    alpha: 1\n    min_samples: 0\n") == [
            "t.spec:14:18: properties: expected one of brightness, contrast, red_mean, green_mean, blue_mean, saturation, sharpness, "
                + "width, height, got 'brightnes' (did you mean 'brightness'?)",
            "t.spec:14:36: properties: 'width' is listed twice",
            "t.spec:15:12: alpha: must be in (0, 1), got 1",
            "t.spec:16:18: min_samples: must be at least 1, got 0",
        ])
        #expect(SpecTesting.checkMessages("  - check: drift\n    test: wasserstien\n    embeddings: maybe\n    min_effect: 2\n") == [
            "t.spec:14:11: test: expected one of ks, wasserstein, got 'wasserstien' (did you mean 'wasserstein'?)",
            "t.spec:15:17: embeddings: expected one of true, false, got 'maybe'",
            "t.spec:16:17: min_effect: must be in [0, 1], got 2",
        ])
        #expect(SpecTesting.checkMessages("  - check: drift\n    permutations: 500\n    max_images: 10\n") == [
            "t.spec:14:19: permutations: 500 permutations give p ≥ 1/501, which times 11 tests never falls below alpha 0.01; use at least 1100",
            "t.spec:15:17: max_images: 10 is below min_samples 30, so the check could never decide",
        ])
        #expect(SpecTesting.checkMessages("  - check: drift\n    properties: []\n    embeddings: false\n    predicted_classes: false\n") == [
            "t.spec:13:5: drift: nothing to compare: list some properties, or set embeddings or predicted_classes to true",
        ])
        #expect(SpecTesting.checkMessages("  - check: drift\n    properties: [brightness, sharpness]\n    test: wasserstein\n    alpha: 0.05\n").isEmpty)
    }
}
