import ArgumentParser
import CommissimIO
import CommissimModel
import Foundation

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
    @OptionGroup var workers: WorkerThreads
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
            // `--detail` is `--by council`: with another --by one of the two was passed over.
            if detail && by != ComparisonLevel.council.rawValue {
                failWithInputErrors(ScenarioError(file: a, line: nil, key: "--detail", message: "--detail (the same as --by council) and --by \(by) ask for two breakdowns",
                                                  fix: "give one of them"))
            }
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
        _ = workers.count(file: a) // checked with the other options; read again by runner(_:)
        _ = level
        if let r = replications, r < 2 { failWithInputErrors(ScenarioError(file: a, line: nil, key: "--replications", message: "needs at least 2 for a confidence interval", fix: "give --replications 2 or more (20 is the default)")) }
        // The limit a comparison study's `replications` has: each pair's row of runs.csv is held
        // until the comparison is written (about 7.6 KB), so a million pairs took 7.6 GB.
        if let r = replications, r > 100_000 {
            failWithInputErrors(ScenarioError(file: a, line: nil, key: "--replications", message: "\(r) is above the limit of 100,000 pairs", fix: "use at most 100000"))
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
        // Both arms' runs take their seeds from the comparison seed (--seed, else arm A's
        // simulation.seed): a seed set for one arm, or beside --seed, changed nothing.
        for (flag, list) in [("--set-a", overridesA), ("--set-b", overridesB), ("--set", seed == nil ? [] : overrides)] {
            guard let o = ScenarioParser.override(setting: "simulation.seed", in: list) else { continue }
            failWithInputErrors(ScenarioError(file: a, line: nil, key: flag, message: "\(flag) \(o): both arms' runs take their seeds from the comparison seed"
                                                  + (seed.map { ", here --seed \($0)" } ?? ""),
                                              fix: seed == nil ? "give --seed S (or --set simulation.seed=S for both arms)" : "give the seed once, as --seed"))
        }
        var (sa, ta) = loadScenario(a)
        var (sb, tb) = loadScenario(b)
        do {
            for o in overrides { try ScenarioParser.applyOverride(o, to: &sa); try ScenarioParser.applyOverride(o, to: &sb) }
            for o in overridesA { try ScenarioParser.applyOverride(o, to: &sa) }
            for o in overridesB { try ScenarioParser.applyOverride(o, to: &sb) }
            try ScenarioParser.checkLimits(sa, file: a, text: (overrides + overridesA).isEmpty ? ta : "")
            try ScenarioParser.checkLimits(sb, file: b, text: (overrides + overridesB).isEmpty ? tb : "")
        } catch { failWithInputErrors(error) }
        if !quiet && level == nil && (ModelConfig(sa).detail || ModelConfig(sb).detail) {
            StandardStreams.error("note: simulation.detail is not written by a comparison; --by group or --by council gives paired differences per council group or council\n")
        }
        let base = seed.map(UInt64.init) ?? ModelConfig(sa).seed
        let name = { (p: String) in URL(fileURLWithPath: p).deletingPathExtension().lastPathComponent }
        var cmp = Comparison(a: sa, b: sb, nameA: labelA ?? name(a), nameB: labelB ?? name(b), replications: replications ?? 20, seed: base)
        cmp.level = level
        do { try ComparisonOutput.refuseReplacingInputs(out: out, arms: [("A", sa, a, ta), ("B", sb, b, tb)]) } catch { failWithInputErrors(error) }
        let stop = StopSignal()
        let outcome: ComparisonRunner.Outcome
        do {
            outcome = try runner(stop).run(cmp, into: out, label: "compare") { result in
                var output = ComparisonOutput(comparison: cmp, result: result, fileA: a, textA: ta, fileB: b, textB: tb)
                output.overridesA = overrides + overridesA
                output.overridesB = overrides + overridesB
                return output
            }
        } catch { failWithInputErrors(error) }
        switch outcome {
        case .finished(let summary), .upToDate(let summary): if !quiet { StandardStreams.note(summary) } // the table is also in summary.txt
        case .interrupted(let folder): exitInterrupted(folder, stop)
        }
    }

    private func runner(_ stop: StopSignal) -> ComparisonRunner {
        var runner = ComparisonRunner(threads: workers.count(file: a), quiet: quiet)
        runner.shouldStop = { stop.stopped }
        return runner
    }

    /// Interrupted: the finished runs stay in `folder`/.partial, and the command exits 128 + signal.
    private func exitInterrupted(_ folder: String, _ stop: StopSignal) -> Never {
        StandardStreams.error("interrupted: the finished runs are saved in \(folder)/.partial; run the same command again to resume\n")
        Foundation.exit(128 + (stop.signalNumber == 0 ? SIGINT : stop.signalNumber))
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
        let stop = StopSignal()
        let outcome: ComparisonRunner.StudyOutcome
        do {
            outcome = try runner(stop).run(study: study, file: a, into: out, replications: replications, seed: seed.map(UInt64.init), level: level)
        } catch { failWithInputErrors(error) }
        switch outcome {
        case .finished(let pairs):
            if quiet { break }
            let reps = Set(pairs).count == 1 ? "\(pairs[0]) replications each" : "replications " + pairs.map(String.init).joined(separator: ", ")
            let n = study.entries.count
            StandardStreams.note("wrote \(n) comparison\(n == 1 ? "" : "s") (\(reps)) under \(out)/: " + study.entries.map(\.name).joined(separator: ", ") + "\n")
        case .interrupted(let folder): exitInterrupted(folder, stop)
        }
    }
}
