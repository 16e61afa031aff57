import BiT
import Foundation

/// The OpenBLAS core this process runs: re-executing with `OPENBLAS_CORETYPE` when OpenBLAS's own choice is
/// slower than the CPU allows. Process-wide set-up, so it belongs to the executable, not the engine.
enum OpenBLASCoreChoice {
    /// Set in the environment of a process that modelcheck restarted with its own kernel choice.
    static let reexecMarker = "MODELCHECK_BLAS_CORE_CHOSEN"

    /// Why the running kernel was chosen, for `bench` and logs.
    static var origin: String {
        if let set = ProcessInfo.processInfo.environment[reexecMarker] { return set }
        if ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] != nil { return "OPENBLAS_CORETYPE set by the user" }
        return "OpenBLAS's own CPU detection"
    }

    /// The environment as the user gave it, without the core modelcheck chose for itself: what other
    /// programs (the peers of `bench --compare`) should run in.
    static var userEnvironment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        if environment[reexecMarker] != nil {
            environment["OPENBLAS_CORETYPE"] = nil
            environment[reexecMarker] = nil
        }
        return environment
    }

    /// Restarts the process with `OPENBLAS_CORETYPE` set when OpenBLAS fell back to a slower
    /// kernel than this CPU supports (Debian's 0.3.21 does not know recent Xeons and picks
    /// 'Prescott', about 6x slower). OpenBLAS reads the variable in its library constructor,
    /// before any Swift code runs, so setting it in-process is too late. A user's own
    /// `OPENBLAS_CORETYPE` is always respected. Returns only when no restart is needed or possible.
    static func ensureFastKernel() {
        let env = ProcessInfo.processInfo.environment
        let coreName = BLASRuntime.coreName
        guard env["OPENBLAS_CORETYPE"] == nil, env[reexecMarker] == nil,
              let wanted = CPUFeatures.current.preferredOpenBLASCore,
              coreName.lowercased() != wanted.lowercased()
        else { return }
        setenv("OPENBLAS_CORETYPE", wanted, 1)
        setenv(reexecMarker, "chosen by modelcheck for this CPU (OpenBLAS detected \(coreName))", 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // exec failed: carry on with the slow kernel rather than not at all.
        let code = errno
        unsetenv("OPENBLAS_CORETYPE")
        unsetenv(reexecMarker)
        FileHandle.standardError.write(Data("modelcheck: could not restart with OpenBLAS core \(wanted) (errno \(code)); using \(coreName)\n".utf8))
    }
}
