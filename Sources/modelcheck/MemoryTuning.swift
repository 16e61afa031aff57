/// Process-wide allocator settings for the engine's allocation pattern.
enum MemoryTuning {
    /// Keeps freed activation buffers in the heap for reuse.
    ///
    /// Every op allocates its output (megabytes each); glibc serves such sizes with fresh
    /// mmaps and returns them on free, so each training step pays for zeroing and faulting in
    /// the same pages again (measured at 10 to 15% of a small model's step). Raising the mmap
    /// threshold to glibc's ceiling (32 MiB; larger values are refused) and the trim threshold
    /// lets the heap recycle them. Worker threads would otherwise get
    /// their own arenas, whose heaps are capped at 64 MiB, so their larger buffers still went
    /// to fresh mmaps (8% of an R50x1 forward pass in page clearing); one arena for all
    /// threads costs nothing here, as the engine allocates few, large buffers. Call once,
    /// before heavy work.
    static func reuseFreedMemory() {
        #if os(Linux)
        // <malloc.h> is not part of the Glibc module; these are glibc's stable option numbers.
        let mmapThreshold: Int32 = -3, trimThreshold: Int32 = -1, arenaMax: Int32 = -8
        _ = glibcMallopt(mmapThreshold, 32 << 20)
        _ = glibcMallopt(trimThreshold, Int32.max)
        _ = glibcMallopt(arenaMax, 1)
        #endif
    }
}

#if os(Linux)
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
