import Collectives
import Dispatch
import Foundation
import Synchronization

/// Turns the first Ctrl-C (SIGINT) or SIGTERM into a flag the trainer polls between steps,
/// so it can write a checkpoint and stop cleanly; a second one ends the process at once. On
/// several ranks the launcher sends it when another rank failed or the job was cancelled: the
/// rank says where it was and ends at once (the step cannot finish without the others).
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
                let group = World.group
                if group.size > 1 {
                    FileHandle.standardError.write(Data("\nmodelcheck: \(group.describe(rank: group.rank)): ended by the launcher at \(group.currentPhase) (another rank failed, or the job was cancelled); the last checkpoint is kept: continue with --resume\n".utf8))
                    exit(143)
                }
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
