#if MPI
import CMPI
import Foundation
import Synchronization

/// The ranks of an MPI job (mpirun, srun). Every collective is non-blocking underneath and
/// waited on against a deadline. Before each collective a rank tells every other one that it
/// has arrived there (a small point-to-point message), and while it waits it repeats that every
/// second, so a rank whose collective times out can say which rank never arrived (and what it
/// last did) or which one arrived and then fell silent, instead of hanging.
final class MPIProcessGroup: ProcessGroup, @unchecked Sendable {
    let rank: Int
    let size: Int
    private(set) var hosts: [String]
    private let deadline: Double
    private let comm = mc_comm_world()

    /// Collectives begun on this rank, and what the job did at each of the last ones.
    private var sequence: Int64 = 0
    private let phaseNow = Mutex("start-up")
    private var phase: String { phaseNow.withLock { $0 } }
    private var phases: [Int64: String] = [:]
    /// The latest collective each rank has announced, and when it was last heard from (uptime ns).
    private var heard: [Int64]
    private var heardAt: [UInt64]
    private var lastBeat: UInt64 = 0
    private var announcements: [UnsafeMutablePointer<Int64>]
    private var announcementRequests: [MPI_Request?]
    private var sends: [(buffer: UnsafeMutablePointer<Int64>, request: MPI_Request?)] = []
    private static let arrivalTag: Int32 = 7001

    private var pending: [PendingSum] = []

    init(deadline: Double) throws {
        var provided: Int32 = 0
        // Gradient sums start from whichever thread finishes a backward stage, one call at a
        // time: MPI must accept calls from any thread, serialised.
        guard MPI_Init_thread(nil, nil, Int32(MPI_THREAD_SERIALIZED), &provided) == MPI_SUCCESS else {
            throw CollectiveFault("MPI_Init_thread failed: the launcher's environment is not usable")
        }
        guard provided >= Int32(MPI_THREAD_SERIALIZED) else {
            throw CollectiveFault("this MPI library serves one thread only (thread level \(provided)); modelcheck needs MPI_THREAD_SERIALIZED")
        }
        MPI_Comm_set_errhandler(comm, mc_errors_return())
        var r: Int32 = 0, n: Int32 = 0
        MPI_Comm_rank(comm, &r)
        MPI_Comm_size(comm, &n)
        (rank, size, self.deadline) = (Int(r), Int(n), deadline)
        hosts = Array(repeating: "?", count: Int(n))
        heard = Array(repeating: 0, count: Int(n))
        heardAt = Array(repeating: DispatchTime.now().uptimeNanoseconds, count: Int(n))
        announcements = (0..<Int(n)).map { _ in UnsafeMutablePointer<Int64>.allocate(capacity: 1) }
        announcementRequests = Array(repeating: nil, count: Int(n))
        for peer in 0..<size where peer != rank { try listen(to: peer) }
        let host = Self.text(capacity: Int(MPI_MAX_PROCESSOR_NAME)) { MPI_Get_processor_name($0, $1) }
        hosts = try allgather(host, what: "host names")
    }

    func setPhase(_ phase: String) { phaseNow.withLock { $0 = phase } }
    var currentPhase: String { phase }

    // MARK: Sums

    /// One buffer's sum: reduce-scatter (each rank adds up one chunk, so each element is added
    /// once and every rank gets the same bits), then allgather of the chunks.
    final class PendingSum {
        let target: UnsafeMutableBufferPointer<Float>
        /// The buffer padded to a multiple of the rank count (the target itself when it is one).
        let padded: UnsafeMutableBufferPointer<Float>
        let chunk: UnsafeMutableBufferPointer<Float>
        var request: MPI_Request?
        var gathering = false
        var done = false
        let what: String

        init(_ target: UnsafeMutableBufferPointer<Float>, ranks: Int, what: String) {
            self.target = target
            self.what = what
            let per = (target.count + ranks - 1) / ranks
            if per * ranks == target.count {
                padded = target
            } else {
                padded = .allocate(capacity: per * ranks)
                padded.initialize(repeating: 0)
                _ = UnsafeMutableBufferPointer(rebasing: padded[0..<target.count]).initialize(from: target)
            }
            chunk = .allocate(capacity: max(per, 1))
        }

        deinit {
            if padded.baseAddress != target.baseAddress { padded.deallocate() }
            chunk.deallocate()
        }
    }

    func startSum(_ buffer: UnsafeMutableBufferPointer<Float>, what: String) throws {
        if pending.isEmpty { announce() }
        pending.append(PendingSum(buffer, ranks: size, what: what))
        try progress()
    }

    /// Moves the sums on one collective at a time: every rank must start the collectives of a
    /// communicator in the same order, which timing-dependent starts of several buckets would
    /// break (and a truncated message is what that looks like over TCP).
    func progress() throws {
        while let sum = pending.first(where: { !$0.done }) {
            if sum.request == nil && !sum.gathering {
                var request: MPI_Request?
                try check(MPI_Ireduce_scatter_block(sum.padded.baseAddress, sum.chunk.baseAddress, Int32(sum.chunk.count),
                                                    mc_float(), mc_sum(), comm, &request), sum.what)
                sum.request = request
            }
            var flag: Int32 = 0
            try check(MPI_Test(&sum.request, &flag, mc_status_ignore()), sum.what)
            guard flag != 0 else { return }
            if !sum.gathering {
                sum.gathering = true
                var request: MPI_Request?
                try check(MPI_Iallgather(sum.chunk.baseAddress, Int32(sum.chunk.count), mc_float(),
                                         sum.padded.baseAddress, Int32(sum.chunk.count), mc_float(), comm, &request), sum.what)
                sum.request = request
            } else {
                sum.done = true
                if sum.padded.baseAddress != sum.target.baseAddress {
                    _ = sum.target.initialize(from: sum.padded[0..<sum.target.count])
                }
            }
        }
    }

    func finishSums() throws {
        guard !pending.isEmpty else { return }
        let what = pending[0].what
        try waitUntil(what: pending.count > 1 ? "\(what) (and \(pending.count - 1) more)" : what) {
            try progress()
            return pending.allSatisfy(\.done)
        }
        pending.removeAll()
    }

    // MARK: Gathers

    func allgather(_ values: [UInt8], what: String) throws -> [[UInt8]] {
        announce()
        var count = Int64(values.count)
        var counts = [Int64](repeating: 0, count: size)
        try wait(what) { request in MPI_Iallgather(&count, 1, mc_int64(), &counts, 1, mc_int64(), comm, &request) }
        guard let total = Int32(exactly: counts.reduce(0, +)), counts.allSatisfy({ Int32(exactly: $0) != nil }) else {
            throw CollectiveFault("\(what): the ranks' parts add up to more than 2 GiB")
        }
        var offsets = [Int32](repeating: 0, count: size)
        for i in 1..<max(size, 1) where i < size { offsets[i] = offsets[i - 1] + Int32(counts[i - 1]) }
        var gathered = [UInt8](repeating: 0, count: Int(total))
        let counts32 = counts.map { Int32($0) }
        var mine = values
        try wait(what) { request in
            MPI_Iallgatherv(&mine, Int32(values.count), mc_byte(), &gathered, counts32, offsets, mc_byte(), comm, &request)
        }
        return (0..<size).map { Array(gathered[Int(offsets[$0])..<Int(offsets[$0] + counts32[$0])]) }
    }

    func sum(_ values: [Double], what: String) throws -> [Double] {
        // Added up in rank order on every rank, so every rank gets the same bits.
        let parts = try allgather(values, what: what)
        guard parts.allSatisfy({ $0.count == values.count }) else {
            throw CollectiveFault("\(what): the ranks sent different numbers of values")
        }
        return (0..<values.count).map { i in parts.reduce(0) { $0 + $1[i] } }
    }

    // MARK: Waiting with a deadline

    private func wait(_ what: String, _ start: (inout MPI_Request?) -> Int32) throws {
        var request: MPI_Request?
        try check(start(&request), what)
        try waitUntil(what: what) {
            var flag: Int32 = 0
            try check(MPI_Test(&request, &flag, mc_status_ignore()), what)
            return flag != 0
        }
    }

    /// Polls `done` until it holds or the deadline passes. A short spin first (collectives
    /// between busy ranks finish in microseconds), then short sleeps, so a waiting rank leaves
    /// the cores to the threads of a rank still computing.
    private func waitUntil(what: String, _ done: () throws -> Bool) throws {
        let started = DispatchTime.now().uptimeNanoseconds
        var polls = 0, previous = started, paused: UInt64 = 0
        while try !done() {
            try hear()
            polls += 1
            if polls > 2_000 { usleep(polls > 20_000 ? 1_000 : 50) }
            guard polls % 64 == 0 else { continue }
            let now = DispatchTime.now().uptimeNanoseconds
            // A gap of seconds between two polls: this rank itself was stopped (SIGSTOP) or starved.
            if now - previous > 3 * Self.beat { paused += now - previous }
            previous = now
            if now - lastBeat > Self.beat { send(sequence) }
            if Double(now - started) / 1e9 > deadline {
                if paused > 0 {
                    throw CollectiveFault("\(what) at \(phase) did not finish within \(Self.seconds(deadline)): this rank itself was not running for \(paused / 1_000_000_000) s (stopped or starved)")
                }
                throw fault(what, "did not finish within \(Self.seconds(deadline)) (--collective-timeout)")
            }
        }
    }

    // MARK: Arrivals: who reached which collective

    private func announce() {
        sequence += 1
        phases[sequence] = phase
        phases[sequence - 4096] = nil
        heard[rank] = sequence
        send(sequence)
    }

    /// How often a waiting rank says it is still alive: 1 s.
    private static let beat: UInt64 = 1_000_000_000

    /// Tells every other rank that this one has reached collective `value` (and is alive).
    private func send(_ value: Int64) {
        lastBeat = DispatchTime.now().uptimeNanoseconds
        reapSends()
        for peer in 0..<size where peer != rank {
            let buffer = UnsafeMutablePointer<Int64>.allocate(capacity: 1)
            buffer.pointee = value
            var request: MPI_Request?
            if MPI_Isend(buffer, 1, mc_int64(), Int32(peer), Self.arrivalTag, comm, &request) == MPI_SUCCESS {
                sends.append((buffer, request))
            } else {
                buffer.deallocate()
            }
        }
    }

    /// Frees the announcements that have left.
    private func reapSends() {
        var kept: [(buffer: UnsafeMutablePointer<Int64>, request: MPI_Request?)] = []
        for var send in sends {
            var flag: Int32 = 0
            if MPI_Test(&send.request, &flag, mc_status_ignore()) == MPI_SUCCESS, flag != 0 {
                send.buffer.deallocate()
            } else {
                kept.append(send)
            }
        }
        sends = kept
    }

    private func listen(to peer: Int) throws {
        var request: MPI_Request?
        try check(MPI_Irecv(announcements[peer], 1, mc_int64(), Int32(peer), Self.arrivalTag, comm, &request), "listening to rank \(peer)")
        announcementRequests[peer] = request
    }

    /// Takes in the announcements that have come.
    private func hear() throws {
        for peer in 0..<size where peer != rank {
            var flag: Int32 = 0
            while MPI_Test(&announcementRequests[peer], &flag, mc_status_ignore()) == MPI_SUCCESS, flag != 0 {
                heard[peer] = max(heard[peer], announcements[peer].pointee)
                heardAt[peer] = DispatchTime.now().uptimeNanoseconds
                try listen(to: peer)
                flag = 0
            }
        }
    }

    private func fault(_ what: String, _ how: String) -> CollectiveFault {
        try? hear()
        let now = DispatchTime.now().uptimeNanoseconds
        let here = "\(what) at \(phase) \(how)"
        // A rank that arrived here says so every second while it waits; silence longer than a
        // few beats means it died or stopped inside the collective.
        let silent = (0..<size).filter { $0 != rank && heard[$0] >= sequence && now - heardAt[$0] > 3 * Self.beat }
        let missing = (0..<size).filter { heard[$0] < sequence }
        var who = missing.map { r -> String in
            let last = heard[r] == 0 ? "it never reached the first collective" : "its last collective was at \(phases[heard[r]] ?? "an earlier step")"
            return "\(describe(rank: r)) stopped answering before it got there (\(last))"
        }
        who += silent.map { "\(describe(rank: $0)) got there, then stopped answering (silent for \(Int(Double(now - heardAt[$0]) / 1e9)) s)" }
        guard !who.isEmpty else {
            return CollectiveFault(here + "; every rank got there and is alive, so the network between them failed")
        }
        return CollectiveFault(here + ": " + who.joined(separator: "; "))
    }

    private func check(_ code: Int32, _ what: String) throws {
        guard code != MPI_SUCCESS else { return }
        let message = Self.text(capacity: Int(MPI_MAX_ERROR_STRING)) { MPI_Error_string(code, $0, $1) }
        throw fault(what, "failed (\(message))")
    }

    /// The text an MPI call writes into a buffer of `capacity` characters with its length.
    static func text(capacity: Int, _ call: (UnsafeMutablePointer<CChar>, UnsafeMutablePointer<Int32>) -> Int32) -> String {
        var buffer = [CChar](repeating: 0, count: capacity + 1)
        var length: Int32 = 0
        _ = buffer.withUnsafeMutableBufferPointer { call($0.baseAddress!, &length) }
        return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func seconds(_ s: Double) -> String { s == s.rounded() ? "\(Int(s)) s" : "\(s) s" }

    /// Finalises MPI (waiting for every rank) or aborts the whole job, then exits.
    func end(_ code: Int32, abort: Bool) -> Never {
        if abort {
            MPI_Abort(comm, code)
        } else {
            // Outstanding receives must not outlive MPI; the announcements sent have left or never will.
            for peer in 0..<size where peer != rank && announcementRequests[peer] != nil {
                MPI_Cancel(&announcementRequests[peer])
                MPI_Request_free(&announcementRequests[peer])
            }
            MPI_Finalize()
        }
        exit(code)
    }
}
#endif
