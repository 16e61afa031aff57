import Atomics
import CProcessorHints
import Foundation

/// Threads that stay awake between jobs, for parallel ops shorter than a thread wake-up.
///
/// A single image's forward pass is a hundred ops of 0.05–0.5 ms each; handing each to
/// Dispatch put the helper to sleep and woke it again every time (70 context switches per
/// image, 1.3 of 2 cores busy). Team members spin on a job counter for `spinSeconds` after
/// each job and only then sleep.
final class WorkerTeam: @unchecked Sendable {
    /// Members, the calling thread included.
    let size: Int
    /// How long an idle member spins before it sleeps: longer than the gaps between one
    /// image's ops, short enough not to hold a core once the images stop coming.
    static let spinSeconds = 0.002

    private let generation = ManagedAtomic<Int>(0)
    private let pending = ManagedAtomic<Int>(0)
    private let busy = ManagedAtomic<Bool>(false)
    private let sleep = NSCondition()
    // Written by the caller before `generation` is released, read by members after acquiring it.
    private var job: (@Sendable (Int) -> Void)?
    private var jobCount = 0

    private init(size: Int) {
        self.size = size
        for member in 1..<size {
            let thread = Thread { [unowned self] in self.serve(member) }
            thread.stackSize = 8 << 20
            thread.name = "modelcheck-team-\(member)"
            thread.start()
        }
    }

    private static let teams = NSLock()
    nonisolated(unsafe) private static var bySize: [Int: WorkerTeam] = [:]

    /// The process's team of `size` members (made on first use, kept for the process's life).
    static func shared(size: Int) -> WorkerTeam {
        teams.lock()
        defer { teams.unlock() }
        if let team = bySize[size] { return team }
        let team = WorkerTeam(size: size)
        bySize[size] = team
        return team
    }

    /// Calls `body(i)` for i in 0..<count (count ≤ size), member i running part i and the
    /// caller part 0; returns when all are done. A call made while the team is busy (from
    /// inside a job, or another thread) runs on Dispatch instead.
    func run(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        precondition(count <= size)
        guard count > 1 else { if count == 1 { body(0) }; return }
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            DispatchQueue.concurrentPerform(iterations: count, execute: body)
            return
        }
        job = body
        jobCount = count
        pending.store(size - 1, ordering: .relaxed)
        generation.wrappingIncrement(ordering: .releasing)
        sleep.lock()
        sleep.broadcast()
        sleep.unlock()
        body(0)
        var spins = 0
        while pending.load(ordering: .acquiring) > 0 { Self.pause(&spins) }
        job = nil
        busy.store(false, ordering: .releasing)
    }

    /// One turn of a spin-wait. Every so often the core is offered to other threads: with
    /// more runnable threads than cores, a member that is not running cannot finish its part.
    private static func pause(_ spins: inout Int) {
        spins += 1
        if spins % 256 == 0 { sched_yield() } else { mc_spin_pause() }
    }

    private func serve(_ member: Int) {
        var seen = 0
        while true {
            var spins = 0, idleSince = DispatchTime.now().uptimeNanoseconds
            while generation.load(ordering: .acquiring) == seen {
                Self.pause(&spins)
                guard spins % 1024 == 0 else { continue }
                if Double(DispatchTime.now().uptimeNanoseconds - idleSince) > Self.spinSeconds * 1e9 {
                    sleep.lock()
                    while generation.load(ordering: .acquiring) == seen { sleep.wait() }
                    sleep.unlock()
                    idleSince = DispatchTime.now().uptimeNanoseconds
                }
            }
            seen = generation.load(ordering: .acquiring)
            if member < jobCount, let job { job(member) }
            pending.wrappingDecrement(ordering: .releasing)
        }
    }
}
