import ArgumentParser
import CommissimIO
import CommissimModel
import Foundation

struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run every point of a study design with replications, on all cores.",
        discussion: "Writes summary.csv (per point, month and metric: n, mean, sd, 95% CI, p05/p50/p95), runs.csv (one row per run), points.csv and manifest.json. Interrupted sweeps resume when the same command is run again."
    )

    @Argument(help: "Study file (TOML; see scenarios/contract_length_study.toml).") var study: String
    @Option(name: .shortAndLong, help: "Output folder.") var out: String
    @OptionGroup var workers: WorkerThreads
    @Flag(help: "Also keep every run's monthly series under runs/.") var keepRuns = false
    @Flag(help: "Start again: discard an unfinished sweep in --out, and run a finished one again.") var fresh = false
    // Values are taken as they come (`-1/3` is refused by its range, not read as an option).
    @Option(parsing: .unconditional, help: ArgumentHelp("Run only shard I of N (runs k with k mod N = I) into --out, for `commissim merge`.", valueName: "I/N"))
    var shard: String?
    @Option(name: .customLong("set"), help: ArgumentHelp("Override a parameter of the base scenario (repeatable).", valueName: "path=value"))
    var overrides: [String] = []
    @Option(help: ArgumentHelp("Report only these metrics in summary.csv and runs.csv (comma-separated column names; default: [study] metrics, or all).", valueName: "a,b,…"))
    var metrics: String?
    @Flag(name: .shortAndLong, help: "No progress output.") var quiet = false

    func run() throws {
        stopWhenMemoryRunsOut(file: study)
        var s: Study
        do {
            s = try Study.load(study).setting(overrides)
            if let m = metrics { s = try s.selecting(metrics: m.split(separator: ",", omittingEmptySubsequences: false).map(String.init)) }
        } catch { failWithInputErrors(error) }
        // Per-council and per-provider tables are a single run's (`run --detail`); a sweep keeps
        // each run's monthly series at most (--keep-runs). Said, not passed over.
        if !quiet && ModelConfig(s.base).detail {
            StandardStreams.error("note: simulation.detail is not written by a sweep (its runs keep their monthly series with --keep-runs); per-council tables come from `commissim run --detail` or `commissim compare --by`\n")
        }
        let threads = workers.count(file: study)
        let stop = StopSignal()
        let runner = SweepRunner(study: s, out: out, threads: threads, keepRuns: keepRuns)
        runner.progress = ProgressReporter(label: "sweep", quiet: quiet)
        runner.shouldStop = { stop.stopped }
        runner.fresh = fresh
        if let text = shard {
            guard let sh = Shards.parse(text) else {
                failWithInputErrors(ScenarioError(file: study, line: nil, key: "--shard", message: "\"\(text)\" is not I/N with 0 ≤ I < N ≤ 1,000,000", fix: "e.g. --shard 0/64"))
            }
            runner.shard = sh
            // A shard keeps every run's series whole in shard.bin: the CSVs come with the merge.
            if keepRuns && !quiet { StandardStreams.error("note: --keep-runs: a shard keeps its runs' monthly series in shard.bin; `commissim merge --keep-runs` writes them under runs/\n") }
        }
        let outcome: SweepRunner.Outcome
        do { outcome = try runner.run() } catch { failWithInputErrors(error, path: out) }
        switch outcome {
        case .upToDate:
            if !quiet { StandardStreams.note("\(out) already holds this sweep (same study, scenario and build): nothing to do\n") }
        case .finished:
            if quiet { break }
            if let sh = runner.shard {
                StandardStreams.note("wrote shard \(sh.index)/\(sh.count) to \(out)/shard.bin (\(Shards.runs(total: s.runCount, index: sh.index, count: sh.count).count) runs)\n")
            } else {
                StandardStreams.note("wrote \(out)/summary.csv, runs.csv, points.csv (\(s.points.count) points × \(s.replications) replications)\n")
            }
        case .interrupted(let done, let total):
            StandardStreams.error("interrupted: \(done) of \(total) runs saved in \(out)/.partial; run the same command again to resume\n")
            throw ExitCode(128 + (stop.signalNumber == 0 ? SIGINT : stop.signalNumber))
        }
    }
}
