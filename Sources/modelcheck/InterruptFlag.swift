import Dispatch
import Foundation
import Synchronization

/// Turns the first Ctrl-C (SIGINT) or SIGTERM into a flag the trainer polls between steps,
/// so it can write a checkpoint and stop cleanly; a second one ends the process at once.
/// (Unchecked: the signal sources are only set up in init and never mutated.)
final class InterruptFlag: @unchecked Sendable {
    private let raised = Atomic<Bool>(false)
    private let sources: [any DispatchSourceSignal]

    init() {
        var sources: [any DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            sources.append(DispatchSource.makeSignalSource(signal: sig, queue: .global()))
        }
        self.sources = sources
        for source in sources {
            source.setEventHandler { [self] in
                if raised.exchange(true, ordering: .relaxed) {
                    FileHandle.standardError.write(Data("\nmodelcheck: stopped at once\n".utf8))
                    exit(130)
                }
                FileHandle.standardError.write(Data("\nmodelcheck: stopping after this step (a checkpoint will be written); press Ctrl-C again to stop at once\n".utf8))
            }
            source.resume()
        }
    }

    /// True once a stop was asked for.
    var isRaised: Bool { raised.load(ordering: .relaxed) }
}
