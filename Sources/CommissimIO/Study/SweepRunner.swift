import CommissimEngine
import CommissimModel
import Foundation

/// Runs a ``Study`` on all cores with resumable, streaming aggregation.
///
/// Runs are numbered point-major (run k = point k / R, replication k % R) and consumed strictly
/// in that order, so every output is independent of the thread count. While a sweep runs,
/// `OUT/.partial/` holds: `state` (the study fingerprint, shard and build), `point-P.journal` (the
/// ``RunRecord``s of the runs of the point in progress, each with its checksum) and, for finished points, `summary-P.part` and `runs-P.part`.
/// An interrupted sweep resumes from there; a finished one assembles `summary.csv`, `runs.csv`,
/// `points.csv` and `manifest.json` atomically and removes `.partial/`.
public final class SweepRunner {
    public let study: Study
    public let out: String
    public let threads: Int
    public let keepRuns: Bool
    public var progress: ProgressReporter?
    /// Stops taking new runs when it returns true (signals).
    public var shouldStop: @Sendable () -> Bool = { false }
    /// Only runs whose index satisfies this are run (sharding); nil = all.
    public var shard: (index: Int, count: Int)?
    /// `--fresh` (and every merge): a folder that already holds this finished sweep is run again
    /// rather than left as it is, and an unfinished sweep there is discarded rather than resumed
    /// (once this process holds the folder's lock).
    public var fresh = false
    /// Whether consecutive points that share their burn-in (they differ only in what acts from
    /// month 1, MODEL.md §3.1) run each replication from one burn-in: the same files, byte for
    /// byte, for fewer simulated months.
    public var shareBurnIn = true

    var partial: String { state.path }
    /// Months of each point (a study may vary `simulation.months`).
    private let months: [Int]
    private let cols = MetricColumns.names.count

    public init(study: Study, out: String, threads: Int, keepRuns: Bool) {
        self.study = study
        self.out = out
        self.threads = threads
        self.keepRuns = keepRuns
        // Each point's months without its whole configuration where the study does not vary them.
        months = study.parameters.contains("simulation.months")
            ? (0..<study.points.count).map { study.config(point: $0).months }
            : Array(repeating: ModelConfig(study.base).months, count: study.points.count)
    }

    /// The outcome of `run()`.
    public enum Outcome: Equatable { case finished, upToDate, interrupted(done: Int, total: Int) }

    public func run(command: [String] = CommandLine.arguments) throws -> Outcome {
        defer { releaseLock() }
        if let s = shard { return try runShard(s) }
        // A finished sweep of this study by this build: nothing to do.
        if !fresh, Manifest.isComplete(out, fields: [("study_fingerprint", study.fingerprint)], files: ["summary.csv", "runs.csv", "points.csv"] + (keepRuns ? ["runs"] : [])) {
            return .upToDate
        }
        return try run(command: command, source: nil)
    }

    /// Months of point `p`.
    func monthsOf(_ p: Int) -> Int { months[p] }

    /// Runs (or, with `source`, reads in global run order) every run and aggregates.
    func run(command: [String], source: ((Int) -> [[Double]])?) throws -> Outcome {
        let fm = FileManager.default
        try refuseReplacingInputs()
        try OutputFolder.refuseOtherResults(in: out, writing: .sweep)
        try prepare()
        let R = study.replications, total = study.runCount
        // Which points are finished, and how far the point in progress has got.
        var firstUnfinished = 0
        while firstUnfinished < study.points.count && fm.fileExists(atPath: summaryPart(firstUnfinished)) { firstUnfinished += 1 }
        var agg = PointAggregation(months: firstUnfinished < months.count ? months[firstUnfinished] : 0, cols: cols)
        var start = firstUnfinished * R
        var journal: RunJournal?
        if firstUnfinished < study.points.count {
            let (replayed, j) = try replay(point: firstUnfinished, into: &agg)
            start += replayed
            journal = j
        }
        progress?.start(total: total, done: start)
        var currentPoint = firstUnfinished
        let study = self.study
        var failure: Error?
        let compute: @Sendable (Int) -> [[Double]] = { k in
            Simulation(config: study.config(point: k / R), seed: study.runSeed(replication: k % R)).run().rows
        }
        // A source (merging shards) is read sequentially: one thread, in order.
        let job: @Sendable (Int) -> [[Double]]
        if let src = source {
            let box = SourceBox(src)
            job = { k in box.read(k) }
        } else {
            job = compute
        }
        func consume(_ k: Int, _ rows: [[Double]]) {
            guard failure == nil else { return }
            do {
                let p = k / R
                if p != currentPoint { currentPoint = p; journal = try self.openJournal(p) }
                guard let journal else { return }
                // A kept run's CSV exists before the run is journaled: a kill between the two
                // leaves a CSV that the resumed sweep writes again, never a journaled run without one.
                if self.keepRuns { try self.writeRun(point: p, replication: k % R, rows: rows) }
                try journal.append(rows)
                agg.add(rows)
                if k % R == R - 1 {
                    try journal.close()
                    try self.finishPoint(p, agg)
                    agg = PointAggregation(months: p + 1 < self.months.count ? self.months[p + 1] : 0, cols: self.cols)
                }
                self.progress?.update(done: k + 1)
            } catch { failure = error }
        }
        let groups = source == nil && shareBurnIn ? Self.burnInGroups(points: study.points.count, replications: R, config: study.config(point:)) : []
        let consumed: Int
        // As a comparison pairs its arms (Comparison.pairsArms): only where some group shares a
        // burn-in and there are enough groups' replications to keep every thread busy.
        if groups.contains(where: { $0.count > 1 }) && groups.count * R >= ParallelRunner(threads: threads).threads {
            consumed = runSharingBurnIns(groups, from: start, consume: consume)
        } else {
            consumed = ParallelRunner(threads: source == nil ? threads : 1).forEachOrdered(from: start, count: total, job: job, shouldStop: shouldStop,
                                                                                           consume: { (k: Int, rows: [[Double]]) in consume(k, rows) })
        }
        try journal?.close()
        if let f = failure { throw f }
        progress?.finish()
        if consumed < total { return .interrupted(done: consumed, total: total) }
        try assemble(command: command)
        return .finished
    }

    /// The sweep's points in runs of consecutive points that share their burn-in, each run at
    /// most as long as keeps a group's runs (held until they are consumed in order) to 64.
    static func burnInGroups(points: Int, replications R: Int, config: (Int) -> ModelConfig) -> [Range<Int>] {
        let most = max(1, 64 / max(1, R))
        var groups: [Range<Int>] = [], p = 0
        while p < points {
            let first = config(p)
            var q = p + 1
            while q < points && q - p < most && config(q).sharesBurnIn(with: first) { q += 1 }
            groups.append(p..<q)
            p = q
        }
        return groups
    }

    /// Runs every run from `start` on, a group's replication r (every point of the group at
    /// replication r) from one burn-in (``Simulation/runSharingBurnIn(_:seed:observe:)``), and
    /// hands the runs to `consume` in run order; returns how many runs were consumed. A resumed
    /// sweep computes again the runs of its first group that were consumed before, and skips them.
    private func runSharingBurnIns(_ groups: [Range<Int>], from start: Int,
                                   consume: @escaping (Int, [[Double]]) -> Void) -> Int {
        let R = study.replications, study = self.study
        guard start < study.runCount else { return study.runCount }
        let first = groups.firstIndex { $0.contains(start / R) }!
        var pending: [Int: [[Double]]] = [:], next = start
        _ = ParallelRunner(threads: threads).forEachOrdered(from: first * R, count: groups.count * R, job: { u in
            let points = groups[u / R], seed = study.runSeed(replication: u % R)
            let configs = points.map(study.config(point:))
            if points.count == 1 { return [Simulation(config: configs[0], seed: seed).run().rows] }
            return Simulation.runSharingBurnIn(configs, seed: seed).map(\.rows)
        }, shouldStop: shouldStop, consume: { (u: Int, results: [[[Double]]]) in
            for (j, p) in groups[u / R].enumerated() where p * R + u % R >= next { pending[p * R + u % R] = results[j] }
            while let rows = pending.removeValue(forKey: next) {
                consume(next, rows)
                next += 1
            }
        })
        return next
    }

    // MARK: partial state

    private func summaryPart(_ p: Int) -> String { partial + "/summary-\(p).part" }
    private func runsPart(_ p: Int) -> String { partial + "/runs-\(p).part" }
    private func journalPath(_ p: Int) -> String { partial + "/point-\(p).journal" }
    func recordBytes(_ p: Int) -> Int { RunRecord.bytes(months: months[p], cols: cols) }

    /// `OUT/.partial/`, locked while this process writes the sweep (one writer per folder).
    private lazy var state = PartialState(out: out)

    /// Releases the folder's lock (when a run or merge returns).
    func releaseLock() { state.release() }

    func prepare() throws {
        // The shard and the build are part of the state: a folder resumed under another --shard,
        // or by another build of commissim (whose model may differ), is refused.
        try state.acquire(file: study.file, kind: "sweep",
                          fields: [("fingerprint", study.fingerprint)] + (shard.map { [("shard", "\($0.index)/\($0.count)")] } ?? []) + [("build", BuildIdentity.current)],
                          describe: ["fingerprint": "study file, scenario, version or columns", "shard": "shard", "build": "build of commissim"],
                          fresh: fresh)
    }

    /// Replays the journal of point `p`; returns the number of complete runs in it and the
    /// journal, open for the point's remaining runs.
    private func replay(point p: Int, into agg: inout PointAggregation) throws -> (Int, RunJournal?) {
        let journal = RunJournal(path: journalPath(p))
        var local = agg
        let count = try journal.replay(cols: cols, limit: study.replications, months: { _ in self.months[p] },
                                       describe: { "replication \($0) of point \(p)" },
                                       fix: "delete \(journalPath(p)) to run that point's replications again (finished points are kept), or run with --fresh",
                                       consume: { local.add($0) })
        agg = local
        if count == study.replications {
            try journal.close()
            try finishPoint(p, agg)
            agg = PointAggregation(months: p + 1 < self.months.count ? self.months[p + 1] : 0, cols: cols)
            return (count, nil)
        }
        return (count, journal)
    }

    /// A new, empty journal for point `p` (nil past the last point).
    private func openJournal(_ p: Int) throws -> RunJournal? {
        guard p < study.points.count else { return nil }
        let journal = RunJournal(path: journalPath(p))
        _ = try journal.replay(cols: cols, limit: 0, months: { _ in self.months[p] }, describe: { _ in "" }, fix: "")
        return journal
    }

    private func writeRun(point p: Int, replication r: Int, rows: [[Double]]) throws {
        let dir = partial + "/runs"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let csv = CSVFormat.table(header: MetricColumns.names, rows: rows)
        try FileWrite.write(csv, to: dir + "/point-\(p)-rep-\(r).csv", atomically: true)
    }

    /// Writes the finished point's summary and run rows (atomically), then drops its journal.
    private func finishPoint(_ p: Int, _ agg: PointAggregation) throws {
        let R = study.replications
        var runs = ""
        let params = study.points[p].map { CSVFormat.field(Self.text($0)) }
        for (r, values) in agg.runRows(study.metrics).enumerated() {
            runs += ([String(p), String(r), String(study.runSeed(replication: r))] + params + values.map(CSVFormat.number)).joined(separator: ",") + "\n"
        }
        precondition(agg.runs.count == R)
        try FileWrite.write(runs, to: runsPart(p), atomically: true)
        try FileWrite.write(agg.summaryRows(point: p, metrics: study.metrics), to: summaryPart(p), atomically: true)
        try? FileManager.default.removeItem(atPath: journalPath(p))
    }

    /// contrasts.csv (`[contrast]`, README "Contrasts"): at each combination of the other varied
    /// parameters, for every metric's end level and total, B − A paired by replication (the
    /// points share their seeds): n, mean_a, mean_b, diff, its sd and 95% t interval (empty for
    /// one replication). Read from the finished points' run rows.
    private func contrastsCSV(_ folder: OutputFolder) throws -> String? {
        guard let c = study.contrast else { return nil }
        let m = study.metrics.count, R = study.replications
        func values(_ p: Int) throws -> [[Double]] {
            guard let text = try? String(contentsOfFile: runsPart(p), encoding: .utf8) else {
                folder.abort()
                throw ScenarioErrors([ScenarioError(file: out, line: nil, key: "--out", message: "the results of point \(p) are missing from \(partial)",
                                                    fix: "delete \(partial) and run the sweep again")])
            }
            var rows = Array(repeating: [Double](repeating: .nan, count: 2 * m), count: R)
            for line in text.split(separator: "\n") {
                // point, replication, seed, the parameters (perhaps quoted), then 2m numbers.
                let f = line.split(separator: ",", omittingEmptySubsequences: false)
                guard f.count >= 2 * m + 3, let r = Int(f[1]), r >= 0, r < R else { continue }
                rows[r] = f.suffix(2 * m).map { Double($0) ?? .nan }
            }
            return rows
        }
        let others = study.parameters.indices.filter { $0 != c.parameter }
        let header = others.map { study.parameters[$0] } + ["metric", "measure", "n", "mean_a", "mean_b", "diff", "sd", "diff_ci95_low", "diff_ci95_high"]
        var out = header.map(CSVFormat.field).joined(separator: ",") + "\n"
        var done: [[ParamValue]] = []
        for (pa, point) in study.points.enumerated() where point[c.parameter] == c.a {
            let key = others.map { point[$0] }
            guard !done.contains(key),
                  let pb = study.points.firstIndex(where: { q in q[c.parameter] == c.b && others.map { q[$0] } == key }) else { continue }
            done.append(key)
            let va = try values(pa), vb = try values(pb)
            let cells = key.map { CSVFormat.field(Self.text($0)) }
            for (k, measure) in ["end", "total"].enumerated() {
                for (i, metric) in study.metrics.enumerated() {
                    let col = k * m + i
                    let a = va.map { $0[col] }, b = vb.map { $0[col] }
                    var diff = RunningMoments()
                    for r in 0..<R { diff.add(b[r] - a[r]) }
                    let half = R > 1 ? Confidence.t95(R - 1) * diff.sd / Double(R).squareRoot() : .nan
                    let sd = R > 1 ? diff.sd : .nan
                    let numbers: [Double] = [a.reduce(0, +) / Double(R), b.reduce(0, +) / Double(R), diff.mean, sd, diff.mean - half, diff.mean + half]
                    let row: [String] = cells + [CSVFormat.field(MetricColumns.names[metric]), measure, String(R)] + numbers.map(CSVFormat.number)
                    out += row.joined(separator: ",") + "\n"
                }
            }
        }
        return out
    }

    /// Assembles the final files from the parts, atomically, and removes `.partial/`.
    private func assemble(command: [String]) throws {
        let fm = FileManager.default
        let folder = try OutputFolder(out)
        let summaryPath = folder.stagedPath("summary.csv"), runsPath = folder.stagedPath("runs.csv")
        let header = (["point", "month", "metric"] + Accumulator.header).joined(separator: ",") + "\n"
        let runsHeader = (["point", "replication", "seed"] + study.parameters + RunSummary.columns(study.metrics)).map(CSVFormat.field).joined(separator: ",") + "\n"
        for (path, head, part) in [(summaryPath, header, summaryPart), (runsPath, runsHeader, runsPart)] {
            guard fm.createFile(atPath: path, contents: Data(head.utf8)) else {
                throw ScenarioErrors([ScenarioError(file: out, line: nil, key: "--out", message: "cannot write \(path)", fix: IOFailure.fix(errno))])
            }
            let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try h.seekToEnd()
            for p in 0..<study.points.count {
                guard let data = fm.contents(atPath: part(p)) else {
                    try? h.close()
                    folder.abort()
                    throw ScenarioErrors([ScenarioError(file: out, line: nil, key: "--out",
                        message: "the results of point \(p) are missing from \(partial) (the folder was changed while the sweep ran)",
                        fix: "delete \(partial) and run the sweep again")])
                }
                try h.write(contentsOf: data)
            }
            try h.close()
        }
        if let contrasts = try contrastsCSV(folder) { try folder.write("contrasts.csv", contrasts) }
        var points = (["point"] + study.parameters).map(CSVFormat.field).joined(separator: ",") + "\n"
        for (i, values) in study.points.enumerated() { points += ([String(i)] + values.map { CSVFormat.field(Self.text($0)) }).joined(separator: ",") + "\n" }
        try folder.write("points.csv", points)
        if keepRuns {
            try fm.createDirectory(atPath: folder.stagedPath("runs"), withIntermediateDirectories: true)
            for f in (try? fm.contentsOfDirectory(atPath: partial + "/runs")) ?? [] where !f.hasPrefix(".") { // not a write cut short
                try fm.moveItem(atPath: partial + "/runs/" + f, toPath: folder.stagedPath("runs/" + f))
            }
        }
        try folder.write("scenario.resolved.toml", resolvedText)
        try folder.write("study.toml", Self.selfContained(study))
        if !study.designText.isEmpty { try folder.write("design.csv", study.designText) }
        var manifest = Manifest(command: command, scenarioFile: study.scenarioFile, scenarioText: study.scenarioText, scenario: study.base,
                                seed: study.seed, runSeeds: (0..<study.replications).map { study.runSeed(replication: $0) },
                                generator: ModelConfig(study.base).generatorKind.gslName,
                                outputs: [("summary.csv", "per point, month and metric: n, mean, sd, 95% CI, p05, p50, p95"),
                                          ("runs.csv", "one row per run: end-of-horizon (mean of the last \(RunSummary.endMonths) months, or of every month of a shorter run) and cumulative metrics"),
                                          ("points.csv", "the parameter values of each point")])
        manifest.extra = [("study_file", .string(study.file)), ("study_fingerprint", .string(study.fingerprint)),
                          ("overrides", .array(study.overrides.map { .string($0) })),
                          ("design", .string(study.design.rawValue)), ("replications", .int(study.replications)),
                          ("points", .int(study.points.count)), ("varied", .array(study.parameters.map { .string($0) })),
                          ("seeding", .string("run seed = SplitMix64 derivation of (study seed, replication), 53 bits: the same at every point (common random numbers); `commissim run scenario.resolved.toml --seed S --set …` with a row of runs.csv repeats that run"))]
        manifest.reproduce = "commissim sweep study.toml --out <folder>  (study.toml here reads scenario.resolved.toml" +
            (study.designText.isEmpty ? "" : " and design.csv") + " beside it: the same summary.csv, runs.csv and points.csv)"
        try folder.write("manifest.json", manifest.json())
        try folder.commit(owned: Self.files)
        try fm.removeItem(atPath: partial)
    }

    /// The base scenario as the sweep writes it beside its results (scenario.resolved.toml).
    private var resolvedText: String {
        study.base.tomlText(header: "# Base scenario of the sweep, resolved; each point overrides the parameters in points.csv.\n")
    }

    /// Every file and folder a sweep (or a merge) can write into its folder: those a new one does
    /// not write again are removed when it commits (``OutputFolder/commit(last:owned:)``).
    static let files: Set<String> = ["summary.csv", "runs.csv", "points.csv", "contrasts.csv", "runs", "design.csv",
                                     "scenario.resolved.toml", "study.toml", "manifest.json"]

    /// Refuses an `--out` where the sweep's own copies would replace, with other text, the study
    /// file or the base scenario it reads (`commissim sweep study.toml --out .` beside the user's
    /// study.toml: its scenario line became the copy's, so later edits of the scenario were
    /// silently ignored). A folder of an earlier sweep's copies may be run into again: they come
    /// out the same.
    private func refuseReplacingInputs() throws {
        let copies: [(String, String, () -> String)] = [("study.toml", study.file, { Self.selfContained(self.study) }),
                                                        ("scenario.resolved.toml", study.scenarioFile, { self.resolvedText })]
        for (name, input, text) in copies {
            try OutputFolder.refuseReplacing(input, with: name, text: text(), in: out, writer: "the sweep writes its own \(name)")
        }
    }

    /// The study file as written beside the results: its `scenario` and `points_file` point at the
    /// copies there (scenario.resolved.toml, design.csv), so `commissim sweep study.toml` repeats the
    /// sweep from the folder alone, wherever the original files were (a temporary design, a path
    /// relative to the original study file). Every other line is the original's. Keys and tables are
    /// read as the error messages read them (``SourceLocator``), so `[ "study" ]`, `"scenario" = …`,
    /// a top-level `study.scenario = …` and CRLF line ends are rewritten too.
    static func selfContained(_ study: Study) -> String {
        // A study that is already such a copy keeps its header: run again, it comes out the same.
        let header = ", as run, its scenario and design read from the copies beside this file:"
        let copied = study.text.hasPrefix("# ") && study.text.prefix { $0 != "\n" }.hasSuffix(header)
        var out = copied ? "" : "# \(Format.comment(study.file))\(header)\n#   commissim sweep study.toml --out <folder>\n"
        let locator = SourceLocator(text: study.text)
        // Lines split on U+000A as a scalar, as SourceLocator splits them ("\r\n" is one Character).
        let lines = study.text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
        for (n, scalars) in lines.enumerated() {
            let line = String(String.UnicodeScalarView(scalars))
            let keyText = line.prefix { $0 != "=" }
            let isKey = !locator.isHeader(line: n + 1) && keyText.count < line.count
                && !line.trimmingSpaces().hasPrefix("#")
            let key = isKey ? SourceLocator.clean(keyText) : "", table = locator.table(atLine: n + 1)
            let end = line.hasSuffix("\r") ? "\r\n" : "\n"
            switch table.isEmpty ? key : table + "." + key {
            case "study.scenario":
                out += keyText + "= \"scenario.resolved.toml\"" + end
            case "study.points_file" where !study.designText.isEmpty:
                out += keyText + "= \"design.csv\"" + end
            default:
                out += line + "\n"
            }
        }
        return String(out.dropLast())
    }

    static func text(_ v: ParamValue) -> String {
        switch v {
        case .real(let x): return Format.number(x) // exact: `run --set` with it repeats the point
        case .integer(let i): return String(i)
        case .flag(let b): return b ? "true" : "false"
        case .text(let s): return s
        case .list(let l): return l.joined(separator: " ")
        case .distribution(let d): return d.tomlText
        }
    }
}

/// Carries the merge source into the (single-threaded, in-order) job closure.
private final class SourceBox: @unchecked Sendable {
    let read: (Int) -> [[Double]]
    init(_ r: @escaping (Int) -> [[Double]]) { read = r }
}

/// The statistics of one point: per month and metric, and one summary row per run.
struct PointAggregation {
    let months: Int, cols: Int
    var cells: [Accumulator]
    /// Each run's end levels and totals of every column (``RunSummary/values(_:)``).
    var runs: [[Double]] = []

    init(months: Int, cols: Int) {
        self.months = months
        self.cols = cols
        cells = Array(repeating: Accumulator(), count: months * cols)
    }

    mutating func add(_ rows: [[Double]]) {
        for (m, row) in rows.enumerated() { for j in 0..<cols { cells[m * cols + j].add(row[j]) } }
        runs.append(RunSummary.values(rows))
    }

    /// One runs.csv row per run: the end levels and totals of the metrics at `metrics`.
    func runRows(_ metrics: [Int]) -> [[Double]] {
        let cols = MetricColumns.names.count
        return runs.map { v in metrics.map { v[$0] } + metrics.map { v[cols + $0] } }
    }

    /// summary.csv's rows of point `p` for the metrics at `metrics`.
    func summaryRows(point p: Int, metrics: [Int]) -> String {
        var s = ""
        let names = MetricColumns.names
        for m in 0..<months {
            for j in metrics {
                s += "\(p),\(m + 1),\(names[j]),"
                s += cells[m * cols + j].fields.map(CSVFormat.number).joined(separator: ",")
                s += "\n"
            }
        }
        return s
    }
}
