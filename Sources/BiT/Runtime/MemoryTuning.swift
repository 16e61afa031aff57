/// Process-wide allocator settings for the engine's allocation pattern.
public enum MemoryTuning {
    /// Keeps freed activation buffers in the heap for reuse.
    ///
    /// Every op allocates its output (megabytes each); glibc serves such sizes with fresh
    /// mmaps and returns them on free, so each training step pays for zeroing and faulting in
    /// the same pages again (measured at 10 to 15% of a small model's step). Raising the mmap
    /// and trim thresholds lets the heap recycle them. Call once, before heavy work.
    public static func reuseFreedMemory() {
        #if os(Linux)
        // <malloc.h> is not part of the Glibc module; these are glibc's stable option numbers.
        let mmapThreshold: Int32 = -3, trimThreshold: Int32 = -1
        _ = glibcMallopt(mmapThreshold, 1 << 30)
        _ = glibcMallopt(trimThreshold, Int32.max)
        #endif
    }
}

#if os(Linux)
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
