import PackedGEMM

/// A single image's convolutions on kernels packed once for `PackedGEMM`: deep in the
/// network (few output positions) the product's columns are spread over the workers, in
/// the first stages its rows.
///
/// At such shapes OpenBLAS re-packs the whole kernel on every call (a fifth of a single
/// image's time went to it) and its threads wait on each other; a packed kernel is read
/// straight from memory, once per call. A training step's workers run their share of the batch
/// here too, on kernels packed once per step (backward passes: PackedConv2DBackward.swift).
public enum PackedConv2D {

    /// Whether this CPU runs the packed kernel (it is AVX-512 code).
    public static let isSupported: Bool = CPUFeatures.current.supportsPackedAVX512Kernel

    /// Most output positions (rows of the product) for which the workers split the kernel's
    /// panels, each reading all rows; with more, each takes a share of the rows (and builds
    /// its own patches) and reads the whole kernel.
    static let panelSplitMaxRows = 128

    /// Bytes of patches a worker multiplies at a time when sharing rows: the kernel re-reads
    /// them once per panel, so they stay in L2 (2 MiB here) next to the kernel.
    static let rowChunkBytes = 256 << 10

    /// Largest kernel for which the workers share rows: every chunk of rows reads the whole
    /// kernel, so it must stay in L2 too; larger kernels with many rows stay on OpenBLAS,
    /// which blocks for its caches.
    static let rowSplitMaxKernelBytes = 1 << 20

    /// Whether convolving `x` with geometry `g` takes the packed path: few rows (split by
    /// panels), or a kernel small enough to stay in cache while the rows go by.
    public static func applies(_ x: Tensor<Float>, geometry g: ConvGeometry, cout: Int) -> Bool {
        let k = g.kernelHeight * g.kernelWidth * x.shape[3]
        return rows(x, geometry: g) <= panelSplitMaxRows || k * cout * MemoryLayout<Float>.stride <= rowSplitMaxKernelBytes
    }

    /// The HWIO kernel packed as the (kh·kw·cin) × cout matrix of `Conv2D`, its values stored
    /// at `precision`; nil when this CPU lacks AVX-512 or cout is not a multiple of the
    /// kernel's panel width (32).
    public static func pack(_ w: Tensor<Float>, precision: PackedMatrix.Precision = .float32) -> PackedMatrix? {
        guard isSupported, w.shape.count == 4 else { return nil }
        return PackedMatrix(rowMajor: w.pointer, rows: w.shape[0] * w.shape[1] * w.shape[2], columns: w.shape[3], precision: precision)
    }

    /// Output positions of convolving `x` with geometry `g`: the rows of its product.
    public static func rows(_ x: Tensor<Float>, geometry g: ConvGeometry) -> Int {
        let (n, h, w, _) = Conv2D.dims(x)
        return n * g.outputHeight(h) * g.outputWidth(w)
    }

    /// As `Conv2D.forward` with a packed kernel, shared by `threads` workers: by panels up
    /// to `panelSplitMaxRows` rows, by rows above (check `applies` first).
    public static func forward(
        _ x: Tensor<Float>, kernel: PackedMatrix, geometry g: ConvGeometry, threads: Int,
        accumulatingInto sum: Tensor<Float>? = nil
    ) -> Tensor<Float> {
        let (n, h, wd, c) = Conv2D.dims(x)
        let k = g.kernelHeight * g.kernelWidth * c, cout = kernel.columns
        precondition(kernel.rows == k, "packed kernel of \(kernel.rows) rows does not fit input \(x.shape)")
        let oh = g.outputHeight(h), ow = g.outputWidth(wd), m = n * oh * ow
        precondition(sum == nil || sum!.shape == [n, oh, ow, cout], "accumulating into \(sum!.shape), output is \([n, oh, ow, cout])")
        let y = sum ?? Tensor<Float>(uninitialized: [n, oh, ow, cout])
        let accumulate = sum != nil
        if m > panelSplitMaxRows {
            multiplyByRows(x, geometry: g, rows: m, by: kernel, into: y, accumulate: accumulate, threads: threads)
            return y
        }
        if g.isPointwise {
            multiply(x.pointer, rows: m, by: kernel, into: y.pointer, accumulate: accumulate, threads: threads)
            return y
        }
        // At most panelSplitMaxRows rows of patches (2.4 MB at R50x1's deepest 3x3), each
        // worker building a share of the rows.
        let col = UnsafeMutablePointer<Float>.allocate(capacity: m * k)
        defer { col.deallocate() }
        let rowParts = Parallel.split(m, into: threads), patches = Shared(col)
        Parallel.share(rowParts.count) { i in
            Conv2D.im2col(x, geometry: g, rows: rowParts[i], into: patches.pointer + rowParts[i].lowerBound * k)
        }
        multiply(col, rows: m, by: kernel, into: y.pointer, accumulate: accumulate, threads: threads)
        return y
    }

    /// C[rows, kernel.columns] (+)= A[rows, kernel.rows] · kernel, each worker taking an equal
    /// share of the panels. (Handing out panels one at a time as workers come free measured
    /// the same: 49 vs 52 img/s, medians of 4 alternating runs.)
    static func multiply(
        _ a: UnsafePointer<Float>, rows m: Int, by kernel: PackedMatrix, into c: UnsafeMutablePointer<Float>, accumulate: Bool, threads: Int
    ) {
        let parts = Parallel.split(kernel.panels, into: threads)
        let a = Shared(UnsafeMutablePointer(mutating: a)), c = Shared(c)
        Parallel.share(parts.count) { i in
            PackedGEMM.multiply(a.pointer, rows: m, lda: kernel.rows, by: kernel, panels: parts[i],
                                into: c.pointer, ldc: kernel.columns, accumulate: accumulate)
        }
    }
}

extension PackedConv2D {
    /// Y[rows] (+)= patches(X)[rows] · kernel, each worker taking a share of the rows in
    /// whole 8-row blocks, a cache-sized chunk at a time: building the chunk's patches itself
    /// (none for a stride-1 pointwise kernel, whose patches are X) and multiplying them by
    /// every panel.
    static func multiplyByRows(
        _ x: Tensor<Float>, geometry g: ConvGeometry, rows m: Int, by kernel: PackedMatrix, into y: Tensor<Float>,
        accumulate: Bool, threads: Int
    ) {
        let block = PackedGEMM.blockRows, k = kernel.rows, cout = kernel.columns
        let parts = Parallel.split((m + block - 1) / block, into: threads)
            .map { ($0.lowerBound * block)..<Swift.min($0.upperBound * block, m) }
        let chunk = Swift.max(block, rowChunkBytes / (k * MemoryLayout<Float>.stride) / block * block)
        let out = Shared(y.pointer)
        Parallel.share(parts.count) { i in
            let col = g.isPointwise ? nil : UnsafeMutablePointer<Float>.allocate(capacity: Swift.min(chunk, parts[i].count) * k)
            defer { col?.deallocate() }
            for start in stride(from: parts[i].lowerBound, to: parts[i].upperBound, by: chunk) {
                let rows = start..<Swift.min(start + chunk, parts[i].upperBound)
                if let col { Conv2D.im2col(x, geometry: g, rows: rows, into: col) }
                PackedGEMM.multiply(col ?? x.pointer + rows.lowerBound * k, rows: rows.count, lda: k, by: kernel,
                                    panels: 0..<kernel.panels, into: out.pointer + rows.lowerBound * cout, ldc: cout,
                                    accumulate: accumulate)
            }
        }
    }
}

/// A pointer that concurrent workers read or write at disjoint places.
struct Shared<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
    init(_ pointer: UnsafeMutablePointer<T>) { self.pointer = pointer }
}
