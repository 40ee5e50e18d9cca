import ArgumentParser
import CommissimEngine
import CommissimIO
import CommissimModel
import Dispatch
import Foundation

struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run every point of a study design with replications, on all cores.",
        discussion: "Writes summary.csv (per point, month and metric: n, mean, sd, 95% CI, p05/p50/p95), runs.csv (one row per run), points.csv and manifest.json. Interrupted sweeps resume when the same command is run again."
    )

    @Argument(help: "Study file (TOML; see scenarios/contract_length_study.toml).") var study: String
    @Option(name: .shortAndLong, help: "Output folder.") var out: String
    @Option(parsing: .unconditional, help: "Worker threads (default: all cores).") var threads: Int?
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
        if let t = threads, t < 1 { failWithInputErrors(ScenarioError(file: study, line: nil, key: "--threads", message: "must be at least 1", fix: "give --threads 1 or more, or leave it out to use every core")) }
        if fresh { try? FileManager.default.removeItem(atPath: out + "/.partial") }
        let stop = StopSignal()
        let runner = SweepRunner(study: s, out: out, threads: threads ?? ProcessInfo.processInfo.activeProcessorCount, keepRuns: keepRuns)
        runner.progress = ProgressReporter(label: "sweep", quiet: quiet)
        runner.shouldStop = { stop.stopped }
        runner.reuseFinished = !fresh
        if let text = shard {
            guard let sh = Shards.parse(text) else {
                failWithInputErrors(ScenarioError(file: study, line: nil, key: "--shard", message: "\"\(text)\" is not I/N with 0 ≤ I < N ≤ 1,000,000", fix: "e.g. --shard 0/64"))
            }
            runner.shard = sh
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

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two scenarios with paired replications (common random numbers), or run a comparison study.",
        discussion: """
        Examples:
          commissim compare scenarios/three_year.toml scenarios/ten_year.toml --replications 30 --out results/3v10
          commissim compare scenarios/headline_study.toml --out results/contract_length
        A comparison study file ([study] and [[comparison]] tables) runs each comparison into --out/<name>/.
        """
    )

    @Argument(help: "Reference scenario (A), or a comparison study file.") var a: String
    @Argument(help: "Alternative scenario (B); omitted for a comparison study.") var b: String?
    @Option(name: .shortAndLong, help: "Output folder.") var out: String
    @Option(parsing: .unconditional, help: "Replications (pairs of runs; default 20, or the study's).") var replications: Int?
    @Option(parsing: .unconditional, help: "Seed of the comparison (default: A's simulation.seed, or the study's).") var seed: Int?
    @Option(name: .customLong("set"), help: ArgumentHelp("Override a parameter in both arms (repeatable).", valueName: "path=value")) var overrides: [String] = []
    @Option(name: .customLong("set-a"), help: ArgumentHelp("Override a parameter in arm A only.", valueName: "path=value")) var overridesA: [String] = []
    @Option(name: .customLong("set-b"), help: ArgumentHelp("Override a parameter in arm B only.", valueName: "path=value")) var overridesB: [String] = []
    @Option(parsing: .unconditional, help: "Worker threads (default: all cores).") var threads: Int?
    @Option(help: ArgumentHelp("Also write comparison_groups.csv: paired differences per council group and England (group), and per council too (council).",
                               valueName: "group|council")) var by: String?
    @Flag(help: "The same as --by council: paired differences for every council, its group and England.") var detail = false
    // A label may start with a dash ("-10% budget"): taken as the value, not as an option.
    @Option(name: .customLong("label-a"), parsing: .unconditional, help: ArgumentHelp("Arm A's name in the summary, manifest and reports (default: its file name).", valueName: "text")) var labelA: String?
    @Option(name: .customLong("label-b"), parsing: .unconditional, help: ArgumentHelp("Arm B's name (default: its file name).", valueName: "text")) var labelB: String?
    @Flag(name: .shortAndLong, help: "No progress output.") var quiet = false

    /// The breakdown asked for on the command line (nil: the study's, or none).
    private var level: ComparisonLevel? {
        if let by {
            guard let l = ComparisonLevel(rawValue: by) else {
                failWithInputErrors(ScenarioError(file: a, line: nil, key: "--by", message: "\"\(by)\" is not a breakdown",
                                                  fix: "use --by group (per council group and England) or --by council (each council too)"))
            }
            return l
        }
        return detail ? .council : nil
    }

    func run() throws {
        stopWhenMemoryRunsOut(file: a)
        if let t = threads, t < 1 { failWithInputErrors(ScenarioError(file: a, line: nil, key: "--threads", message: "must be at least 1", fix: "give --threads 1 or more, or leave it out to use every core")) }
        _ = level
        if let r = replications, r < 2 { failWithInputErrors(ScenarioError(file: a, line: nil, key: "--replications", message: "needs at least 2 for a confidence interval", fix: "give --replications 2 or more (20 is the default)")) }
        if let r = replications, r > 1_000_000 {
            failWithInputErrors(ScenarioError(file: a, line: nil, key: "--replications", message: "\(r) is above the limit of 1,000,000 pairs", fix: "use at most 1000000"))
        }
        if let s = seed, !(0...9_007_199_254_740_991).contains(s) {
            failWithInputErrors(ScenarioError(file: a, line: nil, key: "--seed", message: "\(s) is out of range 0…2^53−1", fix: "give a seed from 0 to 9007199254740991"))
        }
        for (key, value) in [("--label-a", labelA), ("--label-b", labelB)] {
            guard let value else { continue }
            if b == nil { failWithInputErrors(ScenarioError(file: a, line: nil, key: key, message: "labels of a study's arms belong in the study file", fix: "add label_a / label_b to the [[comparison]]")) }
            if !ComparisonStudy.isLabel(value) {
                failWithInputErrors(ScenarioError(file: a, line: nil, key: key, message: ComparisonStudy.labelProblem, fix: "e.g. \(key) \"10-year contracts\""))
            }
        }
        guard let b else { return try runStudy() }
        var (sa, ta) = loadScenario(a)
        var (sb, tb) = loadScenario(b)
        do {
            for o in overrides { try ScenarioParser.applyOverride(o, to: &sa); try ScenarioParser.applyOverride(o, to: &sb) }
            for o in overridesA { try ScenarioParser.applyOverride(o, to: &sa) }
            for o in overridesB { try ScenarioParser.applyOverride(o, to: &sb) }
            try ScenarioParser.checkLimits(sa, file: a)
            try ScenarioParser.checkLimits(sb, file: b)
        } catch { failWithInputErrors(error) }
        let base = seed.map(UInt64.init) ?? ModelConfig(sa).seed
        let name = { (p: String) in URL(fileURLWithPath: p).deletingPathExtension().lastPathComponent }
        var cmp = Comparison(a: sa, b: sb, nameA: labelA ?? name(a), nameB: labelB ?? name(b), replications: replications ?? 20, seed: base)
        cmp.level = level
        let stop = StopSignal()
        let summary = run(cmp, label: "compare", stop: stop, into: out) { result in
            var output = ComparisonOutput(comparison: cmp, result: result, fileA: a, textA: ta, fileB: b, textB: tb)
            output.overridesA = overrides + overridesA
            output.overridesB = overrides + overridesB
            return output
        }
        if !quiet { StandardStreams.note(summary) } // the table is also in summary.txt
    }

    /// Runs `cmp` into the folder `out` and returns its plain-words summary. A folder that holds
    /// this finished comparison is left as it is; an unfinished one resumes from its journal; when
    /// interrupted, the finished runs stay in `out/.partial` and the command exits 128 + signal.
    private func run(_ cmp: Comparison, label: String, stop: StopSignal, into out: String, study: String? = nil,
                     output: (Comparison.Result) -> ComparisonOutput) -> String {
        if ComparisonOutput.isComplete(out, cmp, study: study) {
            if !quiet { StandardStreams.error("\(label): \(out) already holds this comparison (same scenarios, replications, seed and build): nothing to do\n") }
            return (try? String(contentsOfFile: out + "/summary.txt", encoding: .utf8)) ?? ""
        }
        do {
            let folder = try OutputFolder(out)
            guard let result = try cmp.run(threads: threads ?? ProcessInfo.processInfo.activeProcessorCount,
                                           progress: ProgressReporter(label: label, quiet: quiet), shouldStop: { stop.stopped }, journal: out) else {
                folder.abort()
                StandardStreams.error("interrupted: the finished runs are saved in \(out)/.partial; run the same command again to resume\n")
                Foundation.exit(128 + (stop.signalNumber == 0 ? SIGINT : stop.signalNumber))
            }
            let files = output(result)
            try files.write(to: folder, command: CommandLine.arguments)
            try folder.commit()
            try? FileManager.default.removeItem(atPath: out + "/.partial")
            return files.table
        } catch {
            failWithInputErrors(error, path: out)
        }
    }

    /// Runs every comparison of a study file into --out/<name>/, each folder written atomically.
    private func runStudy() throws {
        guard overrides.isEmpty && overridesA.isEmpty && overridesB.isEmpty else {
            failWithInputErrors(ScenarioError(file: a, line: nil, key: "--set", message: "overrides belong in the study file for a comparison study",
                                              fix: "add set = { … }, set_a or set_b to [study] or the [[comparison]]"))
        }
        let text: String
        do { text = try ScenarioParser.readText(a) } catch { failWithInputErrors(error) }
        guard InputKind.of(text: text) == .comparisonStudy else {
            failWithInputErrors(ScenarioError(file: a, line: nil, key: nil, message: "a scenario needs a second scenario to compare with",
                                              fix: "give two scenarios (A and B), or a comparison study file with [[comparison]] tables"))
        }
        let study: ComparisonStudy
        do { study = try ComparisonStudy.parse(text: text, file: a) } catch { failWithInputErrors(error) }
        let base = seed.map(UInt64.init) ?? study.seed
        do { try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true) } catch {
            failWithInputErrors(ScenarioError(file: out, line: nil, key: "--out", message: "cannot create the output folder", fix: "choose a folder you can write"))
        }
        let stop = StopSignal()
        let fingerprint = study.fingerprint
        let pairs = study.entries.map { replications ?? $0.replications } // --replications overrides every comparison's
        for (n, entry) in study.entries.enumerated() {
            var cmp = Comparison(a: entry.a.scenario, b: entry.b.scenario, nameA: entry.a.label, nameB: entry.b.label, replications: pairs[n], seed: base)
            cmp.level = level ?? entry.level
            _ = run(cmp, label: "\(entry.name) (\(n + 1)/\(study.entries.count))", stop: stop, into: out + "/" + entry.name, study: fingerprint) { result in
                var output = ComparisonOutput(comparison: cmp, result: result, fileA: entry.a.file, textA: entry.a.text, fileB: entry.b.file, textB: entry.b.text)
                output.overridesA = entry.a.overrides
                output.overridesB = entry.b.overrides
                output.extra = [("study_file", .string(a)), ("study_fingerprint", .string(fingerprint)), ("study_title", .string(study.title)),
                                ("comparison", .string(entry.name)), ("comparison_title", .string(entry.title)),
                                ("comparison_index", .int(n)), ("comparisons", .int(study.entries.count))]
                return output
            }
        }
        if !quiet {
            let reps = Set(pairs).count == 1 ? "\(pairs[0]) replications each" : "replications " + pairs.map(String.init).joined(separator: ", ")
            StandardStreams.note("wrote \(study.entries.count) comparisons (\(reps)) under \(out)/: " + study.entries.map(\.name).joined(separator: ", ") + "\n")
        }
    }
}

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge shard outputs of `commissim sweep --shard I/N` into the single-machine files.",
        discussion: "Refuses shards of another study file or version, and lists missing or incomplete shards by number."
    )

    @Argument(help: "Study file the shards were run from.") var study: String
    @Argument(help: "Shard folders (each holding shard.json and shard.bin).") var shards: [String]
    @Option(name: .shortAndLong, help: "Output folder for the merged files.") var out: String
    @Option(name: .customLong("set"), help: ArgumentHelp("Override a parameter of the base scenario (repeatable).", valueName: "path=value"))
    var overrides: [String] = []
    @Option(help: ArgumentHelp("The shards' --metrics, if they were run with it.", valueName: "a,b,…"))
    var metrics: String?
    @Flag(name: .shortAndLong, help: "No progress output.") var quiet = false

    func run() throws {
        var s: Study
        do {
            s = try Study.load(study).setting(overrides)
            if let m = metrics { s = try s.selecting(metrics: m.split(separator: ",", omittingEmptySubsequences: false).map(String.init)) }
        } catch { failWithInputErrors(error) }
        try? FileManager.default.removeItem(atPath: out + "/.partial")
        stopNowWhenInterrupted()
        let runner = SweepRunner(study: s, out: out, threads: 1, keepRuns: false)
        runner.progress = ProgressReporter(label: "merge", quiet: quiet)
        do { try runner.merge(shards: shards, command: CommandLine.arguments) } catch { failWithInputErrors(error, path: out) }
        if !quiet { StandardStreams.note("merged \(shards.count) shards into \(out)/summary.csv, runs.csv, points.csv\n") }
    }
}
