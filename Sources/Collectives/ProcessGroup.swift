/// The processes one job runs on and the collectives between them. Every rank runs the same
/// program and so calls the same collectives in the same order; each collective has a deadline,
/// so a rank that dies or stops answering ends the job with a message that names it, never a hang.
public protocol ProcessGroup: AnyObject, Sendable {
    /// This process's rank, in 0 ..< size.
    var rank: Int { get }
    /// Number of ranks.
    var size: Int { get }
    /// The host each rank runs on, by rank.
    var hosts: [String] { get }
    /// Names what the job does now ("step 12"), for the message of a collective that fails.
    func setPhase(_ phase: String)
    /// What the job does now, as last set (safe to read from any thread).
    var currentPhase: String { get }
    /// Starts summing `buffer` element-wise over every rank, in place. Sums move on in the order
    /// they were started, while the caller does other work between calls to `progress()`; the
    /// results are in the buffers after `finishSums()`. Every rank gets
    /// the same bits: each element is added up once, in an order fixed by the rank count.
    func startSum(_ buffer: UnsafeMutableBufferPointer<Float>, what: String) throws
    /// Lets started sums move on; call it between pieces of other work to overlap them.
    func progress() throws
    /// Waits for every started sum.
    func finishSums() throws
    /// Every rank's `values`, in rank order.
    func allgather(_ values: [UInt8], what: String) throws -> [[UInt8]]
    /// The element-wise sum of every rank's `values`, the same on every rank.
    func sum(_ values: [Double], what: String) throws -> [Double]
}

extension ProcessGroup {
    /// True for rank 0: the one rank that writes files and prints.
    public var isLeader: Bool { rank == 0 }

    /// "rank 1 on node-b".
    public func describe(rank r: Int) -> String { "rank \(r) on \(r < hosts.count ? hosts[r] : "?")" }

    /// Every rank's values (floats, doubles ...), in rank order (counts may differ).
    public func allgather<T: BitwiseCopyable>(_ values: [T], what: String) throws -> [[T]] {
        let bytes = values.withUnsafeBytes { Array($0) }
        return try allgather(bytes, what: what).map { part in
            part.withUnsafeBytes { raw in Array(raw.bindMemory(to: T.self)) }
        }
    }

    /// Returns when every rank has got here (e.g. once rank 0 has written a file the others read).
    public func barrier(_ what: String) throws { _ = try allgather([UInt8](), what: what) }

    /// Every rank's text, in rank order.
    public func allgather(_ text: String, what: String) throws -> [String] {
        try allgather(Array(text.utf8), what: what).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The contiguous share of `count` items that this rank takes: ranks take equal shares,
    /// the first `count % size` one more.
    public func share(of count: Int) -> Range<Int> { Self.share(of: count, rank: rank, size: size) }

    /// The share of `count` items rank `rank` of `size` takes.
    public static func share(of count: Int, rank: Int, size: Int) -> Range<Int> {
        let base = count / size, extra = count % size
        let start = rank * base + min(rank, extra)
        return start..<(start + base + (rank < extra ? 1 : 0))
    }
}
