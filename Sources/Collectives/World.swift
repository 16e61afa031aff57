import Foundation

/// The process group of this run: this process alone, or the ranks an MPI launcher started.
public enum World {
    // Set once by the executable before any other thread starts, only read afterwards.
    nonisolated(unsafe) public private(set) static var group: ProcessGroup = SingleProcess()

    /// Exit code of a job that lost a rank or whose collectives failed.
    public static let faultExitCode: Int32 = 4

    /// Seconds a collective may wait for the slowest rank before the job ends, by default.
    public static let defaultCollectiveTimeout = 300.0

    /// Ranks the launcher started (mpirun's, PMIx's or Slurm's variables); 1 when launched alone.
    public static var launchedRanks: Int {
        let env = ProcessInfo.processInfo.environment
        for key in ["OMPI_COMM_WORLD_SIZE", "PMIX_SIZE", "PMI_SIZE"] {
            if let n = env[key].flatMap(Int.init) { return n }
        }
        // srun sets SLURM_NTASKS for the job step it starts (SLURM_STEP_ID); sbatch's script alone runs once.
        if env["SLURM_STEP_ID"] != nil, let n = env["SLURM_NTASKS"].flatMap(Int.init) { return n }
        return 1
    }

    /// Joins the job the launcher started: MPI when launched on several ranks, else this process
    /// alone (exactly as without a launcher). Ranks other than 0 print nothing on standard output.
    public static func start(collectiveTimeout: Double) throws {
        guard launchedRanks > 1, group.size == 1 else { return }
        #if MPI
        let mpi = try MPIProcessGroup(deadline: collectiveTimeout)
        group = mpi
        if mpi.rank != 0 {
            let null = open("/dev/null", O_WRONLY)
            if null >= 0 { dup2(null, STDOUT_FILENO); close(null) }
        }
        #else
        throw LaunchError("launched on \(launchedRanks) ranks, but this modelcheck was built without MPI: "
            + "build it with `swift build -c release --traits MPI` (needs libopenmpi-dev), or run it without mpirun/srun")
        #endif
    }

    /// Ends the process with `code`. On several ranks: a fault aborts the whole job (the other
    /// ranks may be waiting in a collective that will never complete); anything else finalises MPI,
    /// which waits for every rank, bounded by their deadlines.
    public static func exit(_ code: Int32, fault: Bool = false) -> Never {
        fflush(nil)
        #if MPI
        if let mpi = group as? MPIProcessGroup { mpi.end(code, abort: fault) }
        #endif
        Foundation.exit(code)
    }
}
