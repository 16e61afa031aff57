import Foundation
import Training

/// Renders training events: a live progress bar on a terminal, plain log lines otherwise (CI).
struct TrainingProgress {
    let totalSteps: Int
    private let line = ProgressLine(descriptor: STDOUT_FILENO)
    var interactive: Bool { line.interactive }
    private var started = Date()
    private var firstStep = 0

    init(totalSteps: Int) { self.totalSteps = totalSteps }

    mutating func handle(_ event: TrainingEvent) {
        switch event {
        case .started(let step, let total, let resumed):
            started = Date()
            firstStep = step
            print(resumed ? "resuming at step \(step) of \(total)" : "training \(total) steps")
            print("kernels    \(EngineKernels.training)")
        case .step(let e):
            let done = e.step - firstStep
            let elapsed = Date().timeIntervalSince(started)
            let eta = done > 0 ? elapsed / Double(done) * Double(totalSteps - e.step) : 0
            let text = String(format: "step %d/%d  loss %.4f  lr %.2e  %.0f img/s  ETA %@",
                              e.step, totalSteps, e.loss ?? .nan, e.learningRate ?? 0, e.imagesPerSecond ?? 0, Self.duration(eta))
            if interactive {
                line.show(text, fraction: Double(e.step) / Double(max(totalSteps, 1)), force: e.step == totalSteps)
            } else if e.step % 10 == 0 || e.step == totalSteps || e.step == firstStep + 1 {
                print(text)
            }
        case .evaluated(let e, let improved):
            line.finish()
            print(String(format: "step %d  validation loss %.4f  accuracy %.2f%%%@", e.step, e.validationLoss ?? .nan,
                         100 * (e.validationAccuracy ?? .nan), improved ? "  (best so far)" : ""))
        case .checkpointed:
            break
        }
        // Piped output (CI logs) is block-buffered; flush so each line shows when it happens.
        fflush(nil)
    }

    /// Ends the live line before other output.
    func finish() { line.finish() }

    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%dh%02dm", s / 3600, s / 60 % 60) : String(format: "%dm%02ds", s / 60, s % 60)
    }
}
