import CommissimEngine
import CommissimModel
import Foundation

/// Paired comparison of two scenarios (A = reference, B = alternative) under common random
/// numbers: replication r of both arms uses the same seed. For every metric it reports the mean of
/// each arm and the mean paired difference B − A with its 95% confidence interval, on the
/// end-of-horizon level (mean of the last 12 months) and on the cumulative total, plus the monthly
/// paired differences.
public struct Comparison {
    public let a: ResolvedScenario, b: ResolvedScenario
    public let nameA: String, nameB: String
    public let replications: Int
    public let seed: UInt64
    /// With a level, the comparison also breaks the differences down by council group (and
    /// council): ``GroupComparison``, comparison_groups.csv.
    public var level: ComparisonLevel?
    /// Whether both arms of a replication run from one burn-in where they share it (the same
    /// results either way; false runs every arm from its own set-up, as a check).
    public var shareBurnIn = true

    public init(a: ResolvedScenario, b: ResolvedScenario, nameA: String, nameB: String, replications: Int, seed: UInt64) {
        self.a = a; self.b = b; self.nameA = nameA; self.nameB = nameB
        self.replications = replications; self.seed = seed
    }

    public func runSeed(_ r: Int) -> UInt64 { SeedDerivation.replicationSeed(seed, r) }

    /// One row of `comparison.csv`.
    public struct Row: Sendable {
        public let metric: String, measure: String, unit: String
        public let meanA: Double, meanB: Double, diff: Double, low: Double, high: Double, n: Int
        /// The 95% interval of the relative difference (B − A) / |A| by Fieller's method for the
        /// ratio of paired means: it carries A's own uncertainty (dividing the CI of B − A by
        /// mean A does not). Where every run of both arms is non-negative (counts, money) the
        /// ratio cannot be negative, so the interval stops at −100%. NaN (empty) where A is not
        /// clearly away from zero and the interval is unbounded.
        public var relLow = Double.nan, relHigh = Double.nan
        public var relative: Double { meanA != 0 ? diff / abs(meanA) : .nan }
        /// Whether the 95% CI excludes zero.
        public var clear: Bool { low > 0 || high < 0 }
    }

    public struct Result {
        public let rows: [Row]
        public let monthly: String
        public let runs: String
        /// The breakdown by group and council (with ``Comparison/level``).
        public var groups: GroupComparison?
    }

    /// Identifies the comparison (both resolved arms, their labels, replications, seed, version
    /// and columns): an unfinished comparison resumes, and a finished one is reused, only under it.
    public var identity: String {
        Fingerprint.of([a.tomlText(header: ""), b.tomlText(header: ""), nameA, nameB, String(replications), String(seed),
                        CommissimVersion.string, MetricColumns.names.joined(separator: ","),
                        level.map { "by " + $0.rawValue + ": " + CouncilMeasure.all.map(\.name).joined(separator: ",") } ?? ""].joined(separator: "\u{0}"))
    }

    /// Runs both arms on `threads` threads; results are independent of the thread count. With
    /// `journal`, the folder whose `.partial/` keeps the finished runs (``RunRecord``s, A and B of
    /// each replication in turn): an interrupted comparison resumes from it, byte-identical to
    /// an uninterrupted one. Returns nil when stopped before the end. `finish` is given the result
    /// while the journal's folder is still locked (to write the outputs and remove the journal,
    /// with no other process able to take the folder in between).
    public func run(threads: Int, progress: ProgressReporter? = nil, shouldStop: @escaping @Sendable () -> Bool = { false },
                    journal folder: String? = nil, finish: (Result) throws -> Void = { _ in }) throws -> Result? {
        let ca = ModelConfig(a), cb = ModelConfig(b)
        let R = replications
        let cols = MetricColumns.names.count
        let months = min(ca.months, cb.months)
        let summaryCount = RunSummary.columns.count
        var ma = Array(repeating: RunningMoments(), count: summaryCount)
        var mb = ma, md = ma
        var smallest = Array(repeating: Double.infinity, count: summaryCount)
        var monthly = Array(repeating: RunningMoments(), count: months * cols)
        var monthlyA = monthly, monthlyB = monthly
        var held: [[Double]]?
        // With a level, each run's record also carries its councils' totals (CouncilTotals.flat)
        // as extra rows of `cols` values, so a resumed comparison has them too.
        let level = self.level
        let councilsA = ca.councilGroups.count, councilsB = cb.councilGroups.count
        let measures = CouncilMeasure.all.count
        @Sendable func extraRows(_ k: Int) -> Int {
            guard level != nil else { return 0 }
            return (1 + 2 * measures * (k % 2 == 0 ? councilsA : councilsB) + cols - 1) / cols
        }
        var groups = level.map { GroupComparison(a: a, b: b, configs: ca, cb, level: $0) }
        var heldTotals: CouncilTotals?
        var runs = (["replication", "arm", "seed"] + RunSummary.columns).joined(separator: ",") + "\n"
        let seeds = (0..<R).map(runSeed)
        func take(_ k: Int, _ record: [[Double]]) {
            let rows = Array(record.prefix(k % 2 == 0 ? ca.months : cb.months))
            if level != nil {
                let totals = CouncilTotals(flat: Array(record.dropFirst(rows.count).joined()), councils: k % 2 == 0 ? councilsA : councilsB)
                if k % 2 == 0 { heldTotals = totals } else if let ta = heldTotals, let tb = totals { groups?.add(a: ta, b: tb) }
            }
            let values = RunSummary.values(rows)
            runs += ([String(k / 2), k % 2 == 0 ? "A" : "B", String(seeds[k / 2])] + values.map(CSVFormat.number)).joined(separator: ",") + "\n"
            if k % 2 == 0 {
                held = rows
            } else if let rowsA = held {
                let va = RunSummary.values(rowsA)
                for j in 0..<summaryCount {
                    ma[j].add(va[j]); mb[j].add(values[j]); md[j].add(values[j] - va[j])
                    smallest[j] = min(smallest[j], va[j], values[j])
                }
                for m in 0..<months {
                    for j in 0..<cols {
                        monthly[m * cols + j].add(rows[m][j] - rowsA[m][j])
                        monthlyA[m * cols + j].add(rowsA[m][j])
                        monthlyB[m * cols + j].add(rows[m][j])
                    }
                }
                held = nil
            }
        }
        var state: PartialState?, journal: RunJournal?
        var start = 0
        if let folder {
            let st = PartialState(out: folder)
            try st.acquire(file: folder, kind: "comparison", fields: [("identity", identity), ("build", BuildIdentity.current)],
                           describe: ["identity": "pair of scenarios, replications or seed", "build": "build of commissim"])
            let j = RunJournal(path: st.path + "/runs.journal")
            start = try j.replay(cols: cols, limit: 2 * R, months: { ($0 % 2 == 0 ? ca.months : cb.months) + extraRows($0) },
                                 describe: { "replication \($0 / 2) of arm \($0 % 2 == 0 ? "A" : "B")" },
                                 fix: "delete \(st.path) to run the comparison again, or choose another --out",
                                 consume: { rows in take(start, rows); start += 1 })
            state = st
            journal = j
        }
        progress?.start(total: 2 * R, done: start)
        var failure: Error?
        /// Run k's record: its rows, then (with a level) its councils' totals as extra rows.
        @Sendable func record(_ k: Int, _ totals: TotalsBox?, _ result: RunResult) -> [[Double]] {
            var rows = result.rows
            guard let flat = totals?.value.flat else { return rows }
            for r in 0..<extraRows(k) {
                var row = Array(flat[min(flat.count, r * cols)..<min(flat.count, (r + 1) * cols)])
                row += Array(repeating: 0, count: cols - row.count)
                rows.append(row)
            }
            return rows
        }
        @Sendable func totalsBox(_ k: Int) -> TotalsBox? { level == nil ? nil : TotalsBox(councils: k % 2 == 0 ? councilsA : councilsB) }
        func consumeRun(_ k: Int, _ rows: [[Double]]) {
            guard failure == nil else { return }
            do { try journal?.append(rows) } catch { failure = error; return }
            take(k, rows)
            progress?.update(done: k + 1)
        }
        let runner = ParallelRunner(threads: threads)
        let done: Int
        if pairsArms(ca, cb, replications: R, threads: runner.threads) {
            // Both arms of a replication from one burn-in (MODEL.md §3.1): the same runs, byte for
            // byte, for the burn-in's cost once. A resumed comparison whose last run was an arm A
            // runs that replication again and keeps its arm B.
            let pairs = runner.forEachOrdered(from: start / 2, count: R, job: { r in
                let boxes = [totalsBox(2 * r), totalsBox(2 * r + 1)]
                let results = Simulation.runSharingBurnIn([ca, cb], seed: seeds[r], observe: boxes.map { box in box.map { b in { b.value.observe($0) } } })
                return [record(2 * r, boxes[0], results[0]), record(2 * r + 1, boxes[1], results[1])]
            }, shouldStop: { shouldStop() }, consume: { (r: Int, records: [[[Double]]]) in
                for arm in 0..<2 where 2 * r + arm >= start { consumeRun(2 * r + arm, records[arm]) }
            })
            done = min(2 * R, 2 * pairs)
        } else {
            done = runner.forEachOrdered(from: start, count: 2 * R, job: { k in
                let box = totalsBox(k)
                let sim = Simulation(config: k % 2 == 0 ? ca : cb, seed: seeds[k / 2])
                return record(k, box, sim.run(observe: box.map { b in { b.value.observe($0) } }))
            }, shouldStop: { shouldStop() }, consume: { (k: Int, rows: [[Double]]) in consumeRun(k, rows) })
        }
        defer { state?.release() }
        try journal?.close()
        if let failure { throw failure }
        progress?.finish()
        guard done == 2 * R else { return nil }
        var out: [Row] = []
        let names = MetricColumns.all
        for j in RunSummary.columns.indices {
            let column = names[j % cols]
            let half = R > 1 ? Confidence.t95(R - 1) * md[j].sd / Double(R).squareRoot() : .nan
            var row = Row(metric: column.name, measure: j < cols ? "end" : "total", unit: column.unit,
                          meanA: ma[j].mean, meanB: mb[j].mean, diff: md[j].mean, low: md[j].mean - half, high: md[j].mean + half, n: R)
            if R > 1, let (lo, hi) = Self.fieller(a: ma[j], b: mb[j], d: md[j]) {
                row.relLow = smallest[j] >= 0 ? max(-1, lo) : lo
                row.relHigh = hi
            }
            out.append(row)
        }
        var m = "month,metric,mean_a,a_ci95_low,a_ci95_high,mean_b,b_ci95_low,b_ci95_high,diff,ci95_low,ci95_high\n"
        let t = R > 1 ? Confidence.t95(R - 1) / Double(R).squareRoot() : .nan
        for month in 0..<months {
            for j in 0..<cols {
                let ix = month * cols + j
                let d = monthly[ix], ea = monthlyA[ix], eb = monthlyB[ix]
                m += "\(month + 1),\(MetricColumns.names[j]),"
                m += [ea.mean, ea.mean - t * ea.sd, ea.mean + t * ea.sd, eb.mean, eb.mean - t * eb.sd, eb.mean + t * eb.sd,
                      d.mean, d.mean - t * d.sd, d.mean + t * d.sd].map(CSVFormat.number).joined(separator: ",") + "\n"
            }
        }
        let result = Result(rows: out, monthly: m, runs: runs, groups: groups)
        try finish(result)
        return result
    }

    /// Whether the arms run from one burn-in per replication: they share it (MODEL.md §3.1), and
    /// there are at least as many replications as threads, so pairing the arms leaves none idle.
    private func pairsArms(_ ca: ModelConfig, _ cb: ModelConfig, replications: Int, threads: Int) -> Bool {
        shareBurnIn && replications >= threads && ca.sharesBurnIn(with: cb)
    }

    /// One run's council totals, filled month by month by the run's observer.
    private final class TotalsBox {
        var value: CouncilTotals
        init(councils: Int) { value = CouncilTotals(councils: councils) }
    }

    /// Fieller's 95% interval for (mean B − mean A) / |mean A| from paired samples with moments
    /// `a`, `b` and differences `d` (the covariance follows from var(d) = var(a) + var(b) − 2 cov):
    /// the R with (b̄ − R ā)² ≤ t² var(b̄ − R ā), less 1. Nil when ā is not clearly non-zero
    /// (the interval would be unbounded).
    static func fieller(a: RunningMoments, b: RunningMoments, d: RunningMoments) -> (Double, Double)? {
        let n = Double(a.count), t = Confidence.t95(a.count - 1)
        let saa = a.variance / n, sbb = b.variance / n, sab = (a.variance + b.variance - d.variance) / 2 / n
        let qa = a.mean * a.mean - t * t * saa
        guard qa > 0 else { return nil }
        let qb = a.mean * b.mean - t * t * sab
        let qc = b.mean * b.mean - t * t * sbb
        let disc = max(0, qb * qb - qa * qc)
        let r1 = (qb - disc.squareRoot()) / qa, r2 = (qb + disc.squareRoot()) / qa
        // Relative to |A|: for a negative A the ratio's order flips.
        let lo = a.mean > 0 ? r1 - 1 : 1 - r2, hi = a.mean > 0 ? r2 - 1 : 1 - r1
        return (lo, hi)
    }

    /// `comparison.csv`.
    public static func csv(_ rows: [Row]) -> String {
        var s = "metric,measure,unit,mean_a,mean_b,diff,diff_ci95_low,diff_ci95_high,rel_diff,rel_ci95_low,rel_ci95_high,n\n"
        for r in rows {
            s += [CSVFormat.field(r.metric), r.measure, CSVFormat.field(r.unit)].joined(separator: ",") + ","
            s += [r.meanA, r.meanB, r.diff, r.low, r.high, r.relative, r.relLow, r.relHigh].map(CSVFormat.number).joined(separator: ",")
            s += ",\(r.n)\n"
        }
        return s
    }

    /// The metric's headline measure: totals for flows, end-of-horizon levels for stocks.
    public static func headline(_ rows: [Row]) -> [Row] {
        let byName = Dictionary(grouping: rows, by: \.metric)
        return MetricColumns.all.compactMap { c in
            byName[c.name]?.first { $0.measure == (c.isFlow ? "total" : "end") }
        }.filter { !MetricColumns.clock.contains($0.metric) }
    }

    /// The plain-words summary (`summary.txt`): the headline measures first, by whom they concern
    /// (children, councils, the public purse, the market; ``HeadlineMetric``), each with its
    /// interval and whether it is better, worse or not clearly different; then the largest other
    /// clear effects.
    /// `window`: the months a level is the mean of (``RunSummary/endMonths``, or all of a shorter run).
    public static func table(_ rows: [Row], nameA: String, nameB: String, top: Int = 8, window: Int = RunSummary.endMonths) -> String {
        let pct = { (x: Double, digits: Int) in String(format: "%+.\(digits)f%%", 100 * x) }
        let num = { (x: Double) in abs(x) >= 1000 ? String(format: "%+.0f", x) : String(format: "%+.3g", x) }
        func effect(_ r: Row, digits: Int) -> String {
            r.relative.isFinite && r.relLow.isFinite && r.relHigh.isFinite
                ? "\(pct(r.relative, digits)) (95% CI \(pct(r.relLow, digits)) to \(pct(r.relHigh, digits)))"
                : "\(num(r.diff)) \(r.unit) (95% CI \(num(r.low)) to \(num(r.high)))"
        }
        let byKey = Dictionary(rows.map { ("\($0.metric)/\($0.measure)", $0) }, uniquingKeysWith: { a, _ in a })
        var s = "\(nameB) against \(nameA): paired differences, 95% confidence intervals, \(rows.first?.n ?? 0) replications each\n"
        s += "(totals over the run for flows, means of the last \(window == 1 ? "month" : "\(window) months") for levels)\n"
        var shown = Set<String>()
        for concern in Concern.allCases {
            let list = HeadlineMetric.all.filter { $0.concern == concern }.compactMap { h in byKey["\(h.name)/\(h.measure)"].map { (h, $0) } }
            guard !list.isEmpty else { continue }
            s += "\nFor \(concern == .children || concern == .councils ? concern.rawValue : "the " + concern.rawValue):\n"
            for (h, r) in list {
                shown.insert(r.metric)
                let verdict = !r.clear ? "no clear difference" : ((r.low > 0) == (h.better > 0) ? "better" : "worse")
                s += "  \(h.label) (\(r.measure)): \(effect(r, digits: 1)), \(verdict)\n"
            }
        }
        let others = headline(rows).filter { $0.clear && $0.relative.isFinite && !shown.contains($0.metric) }.sorted { abs($0.relative) > abs($1.relative) }
        if !others.isEmpty {
            s += "\nOther clear differences, largest first:\n"
            for r in others.prefix(top) { s += "  \(r.metric.replacingOccurrences(of: "_", with: " ")) (\(r.measure)): \(effect(r, digits: 0))\n" }
        }
        let clear = headline(rows).filter(\.clear).count, unclear = headline(rows).filter { !$0.clear }.count
        s += "\n\(clear) metrics differ clearly; \(unclear) do not (CI includes zero). Full table: comparison.csv; report: commissim report\n"
        return s
    }
}
