import ArgumentParser
import CommissimIO
import Foundation

/// `--threads`, for the commands that run many simulations at once (sweep, compare, calibrate).
struct WorkerThreads: ParsableArguments {
    @Option(parsing: .unconditional, help: "Worker threads (default: all cores).") var threads: Int?

    /// The threads to run on: every core unless given; fewer than one stops the command as bad
    /// input about `file`.
    func count(file: String) -> Int {
        guard let t = threads else { return ProcessInfo.processInfo.activeProcessorCount }
        if t < 1 {
            failWithInputErrors(ScenarioError(file: file, line: nil, key: "--threads", message: "must be at least 1",
                                              fix: "give --threads 1 or more, or leave it out to use every core"))
        }
        return t
    }
}
