import CBLAS
import Foundation

/// OpenBLAS set-up: which kernel runs, how many threads it uses, and picking a fast kernel.
public enum BLASRuntime {
    /// The name of the OpenBLAS core (kernel family) in use, e.g. "SkylakeX" or "Prescott".
    public static var coreName: String { String(cString: openblas_get_corename()) }

    /// The number of threads each BLAS call may use.
    public static var threads: Int { Int(openblas_get_num_threads()) }

    /// Sets the number of threads each BLAS call may use (process-wide).
    public static func setThreads(_ count: Int) {
        if Int(openblas_get_num_threads()) != count { openblas_set_num_threads(Int32(count)) }
    }

    /// The OpenBLAS core that suits this CPU, from its instruction-set flags; nil when unknown.
    ///
    /// Naming a core whose instructions the CPU lacks crashes with SIGILL, so only flags the
    /// kernel really needs are accepted.
    public static func preferredCore(cpuFlags: Set<String>) -> String? {
        if ["avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"].allSatisfy(cpuFlags.contains) {
            return "SkylakeX"
        }
        if ["avx2", "fma"].allSatisfy(cpuFlags.contains) { return "Haswell" }
        return nil
    }

    /// The CPU flags the kernel reports (Linux), empty elsewhere.
    public static func cpuFlags() -> Set<String> {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":")
        else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }

    /// Why the running kernel was chosen, for `bench` and logs.
    public static var kernelOrigin: String {
        if let set = ProcessInfo.processInfo.environment[reexecMarker] { return set }
        if ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] != nil { return "OPENBLAS_CORETYPE set by the user" }
        return "OpenBLAS's own CPU detection"
    }

    /// Set in the environment of a process that modelcheck restarted with its own kernel choice.
    public static let reexecMarker = "MODELCHECK_BLAS_CORE_CHOSEN"

    /// Restarts the process with `OPENBLAS_CORETYPE` set when OpenBLAS fell back to a slower
    /// kernel than this CPU supports (Debian's 0.3.21 does not know recent Xeons and picks
    /// 'Prescott', about 6x slower). OpenBLAS reads the variable in its library constructor,
    /// before any Swift code runs, so setting it in-process is too late. A user's own
    /// `OPENBLAS_CORETYPE` is always respected. Returns only when no restart is needed or possible.
    public static func ensureFastKernel() {
        let env = ProcessInfo.processInfo.environment
        guard env["OPENBLAS_CORETYPE"] == nil, env[reexecMarker] == nil,
              let wanted = preferredCore(cpuFlags: cpuFlags()),
              coreName.lowercased() != wanted.lowercased()
        else { return }
        setenv("OPENBLAS_CORETYPE", wanted, 1)
        setenv(reexecMarker, "chosen by modelcheck for this CPU (OpenBLAS detected \(coreName))", 1)
        let args = CommandLine.unsafeArgv
        execv("/proc/self/exe", args)
        // exec failed: carry on with the slow kernel rather than not at all.
        unsetenv("OPENBLAS_CORETYPE")
        unsetenv(reexecMarker)
        FileHandle.standardError.write(Data("modelcheck: could not restart with OpenBLAS core \(wanted) (errno \(errno)); using \(coreName)\n".utf8))
    }
}
