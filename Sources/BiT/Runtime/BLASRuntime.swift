import CBLAS

/// OpenBLAS at run time: which kernel runs and how many threads it uses.
public enum BLASRuntime {
    /// The name of the OpenBLAS core (kernel family) in use, e.g. "SkylakeX" or "Prescott".
    public static var coreName: String { String(cString: openblas_get_corename()) }

    /// The number of threads each BLAS call may use.
    public static var threads: Int { Int(openblas_get_num_threads()) }

    /// Sets the number of threads each BLAS call may use (process-wide).
    public static func setThreads(_ count: Int) {
        if Int(openblas_get_num_threads()) != count { openblas_set_num_threads(Int32(count)) }
    }
}
