import CGSL
import CommissimEngine
import CommissimModel
import Foundation

/// Fits a ``Calibration`` by the method of simulated moments (MODEL.md §3.15): every candidate
/// runs the same seeds (common random numbers), its moments are the targets' window means
/// averaged over the replications, and GSL's Nelder–Mead simplex (`nmsimplex2`, restarted from
/// the best point) minimises Σ w·((moment − target) / (tolerance·|target|))² over the parameters'
/// box, searched in unit coordinates. Every evaluation is journaled in `OUT/.partial/journal.csv`;
/// a run of the same calibration replays the journal instead of simulating again, so an
/// interrupted calibration resumes where it stopped and gives the same result.
public final class Calibrator: @unchecked Sendable {
    public let calibration: Calibration
    public let out: String
    public let threads: Int
    /// Status lines (progress with ETA); nil: quiet.
    public var log: ((String) -> Void)?
    /// Stops before the next evaluation when it returns true (signals).
    public var shouldStop: @Sendable () -> Bool = { false }

    /// The targets' moments at one candidate: mean and sd over the replications.
    public struct Moments: Sendable, Equatable {
        public var mean: [Double]
        public var sd: [Double]
        public var n: Int
    }

    /// One evaluated candidate.
    public struct Evaluation: Sendable {
        public let restart: Int
        public let theta: [Double]
        public let objective: Double
        public let moments: Moments
        /// Whether it was read from the journal rather than simulated in this process.
        public let replayed: Bool
    }

    /// What a finished calibration found.
    public struct Result: Sendable {
        public let best: Evaluation
        public let check: Moments
        public let evaluations: [Evaluation]
        /// Why the search stopped: converged (simplex size below tolerance) or evaluation budget.
        public let stopReason: String
    }

    public enum Outcome { case finished(Result), interrupted(evaluations: Int) }

    /// Simplex size (unit coordinates) below which a restart counts as converged.
    static let sizeTolerance = 2e-3
    /// Initial simplex step, in unit coordinates.
    static let step = 0.15
    /// Penalty per squared unit outside the box: candidates outside run at the clamped point.
    static let boxPenalty = 1e4

    private var cache: [String: (objective: Double, moments: Moments)] = [:]
    private var journal: FileHandle?
    private(set) var evaluations: [Evaluation] = []
    private var restart = 0
    private var budgetSpent = false
    private var stopped = false
    private var failure: Error?
    private var started = Date()
    private var simulated = 0
    /// Runs simulated by this calibrator (not replayed from the journal).
    public var simulatedRuns: Int { simulated }

    public init(calibration: Calibration, out: String, threads: Int) {
        self.calibration = calibration
        self.out = out
        self.threads = max(1, threads)
    }

    /// `--fresh`: no earlier evaluation is replayed (an unfinished calibration's journal is
    /// discarded once the folder's lock is held; a finished one's journal.raw is not read, and is
    /// replaced when this one finishes).
    public var fresh = false
    /// `OUT/.partial/`, locked while this process calibrates into the folder (one writer per folder).
    private lazy var state = PartialState(out: out)
    var partial: String { state.path }
    var journalPath: String { partial + "/journal.csv" }
    /// The journal's first line: only a journal of this calibration's fingerprint is replayed.
    var journalHeader: String { "# commissim calibration journal \(calibration.fingerprint)\n" }

    // MARK: moments and objective

    /// The targets' values in one run's monthly rows (level targets divided by the scale).
    func targetValues(_ rows: [[Double]]) -> [Double] {
        let scale = calibration.scale
        return calibration.targets.map { t in
            let window = t.rows.filter { $0 < rows.count }
            let v = t.expression.value { j in
                guard !window.isEmpty else { return .nan }
                return window.reduce(0.0) { $0 + rows[$1][j] } / Double(window.count)
            }
            return t.perScale ? v / scale : v
        }
    }

    /// Runs replications `seeds` at parameter values `theta` on all threads.
    public func moments(at theta: [Double], seeds: Range<Int>) -> Moments {
        let cal = calibration
        let config = ModelConfig(cal.applying(theta, to: cal.runBase))
        let perRun = ParallelRunner(threads: threads).map(seeds.count) { k in
            self.targetValues(Simulation(config: config, seed: cal.runSeed(seeds.lowerBound + k)).run().rows)
        }
        simulated += seeds.count
        var mean: [Double] = [], sd: [Double] = []
        for i in cal.targets.indices {
            var s = RunningMoments()
            for run in perRun { s.add(run[i]) }
            mean.append(s.mean)
            sd.append(seeds.count > 1 ? s.sd : .nan)
        }
        return Moments(mean: mean, sd: sd, n: seeds.count)
    }

    /// Σ w·((m − v)/(tol·|v|))²; a moment that cannot be computed (NaN) makes the candidate unusable.
    public func objective(_ m: Moments) -> Double {
        var f = 0.0
        for (t, x) in zip(calibration.targets, m.mean) {
            guard x.isFinite else { return 1e12 }
            let e = (x - t.value) / (t.tolerance * abs(t.value))
            f += t.weight * e * e
        }
        return f
    }

    static func key(_ theta: [Double], check: Bool = false) -> String { (check ? "check:" : "") + theta.map { "\($0)" }.joined(separator: ";") }

    /// The candidate at unit coordinates `u`: clamped into the box, journaled, from the journal
    /// when it was evaluated before. Returns the objective the simplex sees (with the box penalty).
    func evaluate(unit u: [Double]) -> Double {
        let ps = calibration.parameters
        let theta = zip(ps, u).map { $0.value(unit: $1) }
        var excess = 0.0
        for x in u { let c = min(1, max(0, x.isFinite ? x : 0)); excess += (x.isFinite ? (x - c) * (x - c) : 1) }
        let penalty = Self.boxPenalty * excess
        let k = Self.key(theta)
        if let hit = cache[k] {
            evaluations.append(Evaluation(restart: restart, theta: theta, objective: hit.objective, moments: hit.moments, replayed: true))
            return hit.objective + penalty
        }
        // Not run (failed, stopped or out of budget): worse than the best, so the simplex moves on.
        if failure == nil && !budgetSpent && !stopped {
            if shouldStop() { stopped = true } else if evaluations.count >= calibration.maxEvaluations { budgetSpent = true }
        }
        if failure != nil || budgetSpent || stopped { return (evaluations.map(\.objective).min() ?? 1e12) + 1 + penalty }
        let m = moments(at: theta, seeds: 0..<calibration.replications)
        let f = objective(m)
        cache[k] = (f, m)
        record(k, f, m)
        evaluations.append(Evaluation(restart: restart, theta: theta, objective: f, moments: m, replayed: false))
        report(f)
        return f + penalty
    }

    private func report(_ f: Double) {
        guard let log else { return }
        let n = evaluations.count, max = calibration.maxEvaluations
        let fresh = evaluations.filter { !$0.replayed }.count
        let perEval = fresh > 0 ? Date().timeIntervalSince(started) / Double(fresh) : 0
        let best = evaluations.map(\.objective).min() ?? f
        log("calibrate: evaluation \(n) (at most \(max)), restart \(restart + 1)/\(calibration.restarts + 1): objective \(String(format: "%.4g", f)), best \(String(format: "%.4g", best)); \(String(format: "%.1f", perEval)) s each, at most \(ProgressReporter.duration(perEval * Double(Swift.max(0, max - n)))) left")
    }

    // MARK: journal

    /// Removes the in-progress journal (the calibration's files are written) and releases the folder.
    func removeJournal() throws { try state.remove() }

    /// Loads every journaled evaluation of this calibration (the in-progress journal, else a
    /// finished calibration's), and opens the in-progress journal for appending.
    func openJournal() throws {
        let fm = FileManager.default
        let header = journalHeader
        for path in [journalPath] + (fresh ? [] : [out + "/journal.raw"]) {
            guard let data = fm.contents(atPath: path), let text = String(data: data, encoding: .utf8), text.hasPrefix(header) else { continue }
            for line in text.split(separator: "\n").dropFirst() { parseJournalLine(String(line)) }
            break
        }
        // Start the in-progress journal again from what was read (a torn last line is dropped).
        try FileWrite.write(journalText(), to: journalPath + ".tmp")
        if rename(journalPath + ".tmp", journalPath) != 0 {
            throw ScenarioErrors([ScenarioError(file: out, line: nil, key: "--out", message: "cannot write the calibration journal: \(String(cString: strerror(errno)))", fix: "choose a folder you can write")])
        }
        journal = FileHandle(forWritingAtPath: journalPath)
        journal?.seekToEndOfFile()
    }

    static func journalLine(_ key: String, restart: Int, _ f: Double, _ m: Moments) -> String {
        "\(key)|\(restart)|\(f)|\(m.n)|" + m.mean.map { "\($0)" }.joined(separator: ";") + "|" + m.sd.map { "\($0)" }.joined(separator: ";") + "\n"
    }

    private func parseJournalLine(_ line: String) {
        let f = line.split(separator: "|", omittingEmptySubsequences: false)
        let nt = calibration.targets.count
        guard f.count == 6, let obj = Double(f[2]), let n = Int(f[3]) else { return }
        let mean = f[4].split(separator: ";").compactMap { Double($0) }, sd = f[5].split(separator: ";").compactMap { Double($0) }
        guard mean.count == nt, sd.count == nt else { return }
        cache[String(f[0])] = (obj, Moments(mean: mean, sd: sd, n: n))
    }

    private func record(_ k: String, _ f: Double, _ m: Moments) {
        do { try journal?.write(contentsOf: Data(Self.journalLine(k, restart: restart, f, m).utf8)) } catch { failure = error }
    }

    // MARK: the search

    /// Runs (or replays) the search and the final check.
    public func run() throws -> Outcome {
        try refuseReplacingInputs()
        try OutputFolder.refuseOtherResults(in: out, writing: .calibration)
        // The folder's lock is held until the files are written (``write(_:command:)``) when the
        // calibration finishes; released as it returns otherwise (interrupted, or failed).
        var finished = false
        defer { if !finished { state.release() } }
        // The calibration's own kind of work only: another's unfinished runs (a sweep's) are
        // refused, not journaled into and then removed with this calibration's journal.
        try state.acquire(file: calibration.file, kind: "calibration", fields: [], describe: [:], fresh: fresh)
        try openJournal()
        defer { try? journal?.close() }
        started = Date()
        let ps = calibration.parameters, d = ps.count
        guard let s = gsl_multimin_fminimizer_alloc(commissim_nmsimplex2(), d), let x = gsl_vector_alloc(d), let step = gsl_vector_alloc(d) else {
            throw ScenarioErrors([ScenarioError(file: calibration.file, line: nil, key: "parameters", message: "GSL could not allocate the optimiser",
                                                fix: "free some memory, or calibrate fewer parameters")])
        }
        defer { gsl_multimin_fminimizer_free(s); gsl_vector_free(x); gsl_vector_free(step) }
        var fn = gsl_multimin_function(f: { v, params in
            let me = Unmanaged<Calibrator>.fromOpaque(params!).takeUnretainedValue()
            let u = (0..<me.calibration.parameters.count).map { gsl_vector_get(v, $0) }
            return me.evaluate(unit: u)
        }, n: d, params: Unmanaged.passUnretained(self).toOpaque())
        var bestUnit = zip(ps, ps.map(\.start)).map { $0.unit($1) }
        var stopReason = "evaluation budget (max_evaluations) spent"
        var previousBest = Double.infinity
        for r in 0...calibration.restarts {
            restart = r
            for i in 0..<d { gsl_vector_set(x, i, bestUnit[i]); gsl_vector_set(step, i, Self.step / Double(1 << min(r, 3))) }
            gsl_multimin_fminimizer_set(s, &fn, x, step)
            var converged = false
            while !budgetSpent && !stopped && failure == nil {
                if gsl_multimin_fminimizer_iterate(s) != 0 { converged = true; break }
                if gsl_multimin_fminimizer_size(s) < Self.sizeTolerance { converged = true; break }
            }
            if let f = failure { throw f }
            if stopped { return .interrupted(evaluations: evaluations.count) }
            let minX = gsl_multimin_fminimizer_x(s)!
            let candidate = (0..<d).map { min(1, max(0, gsl_vector_get(minX, $0))) }
            let best = gsl_multimin_fminimizer_minimum(s)
            if best <= previousBest { bestUnit = candidate }
            if budgetSpent { stopReason = "evaluation budget (max_evaluations) spent before the simplex converged"; break }
            if converged { stopReason = "converged (simplex size below \(Self.sizeTolerance) in unit coordinates)" }
            // A restart that gains nothing ends the search.
            if r > 0 && previousBest - best <= 1e-6 * max(1, abs(previousBest)) { previousBest = min(previousBest, best); break }
            previousBest = min(previousBest, best)
        }
        guard let best = evaluations.min(by: { $0.objective < $1.objective }) else {
            throw ScenarioErrors([ScenarioError(file: calibration.file, line: nil, key: "calibration.max_evaluations", message: "no candidate was evaluated", fix: "raise max_evaluations")])
        }
        // The final check: the optimum again with fresh seeds (over-fitting to the seeds shows here).
        let ck = Self.key(best.theta, check: true)
        let check: Moments
        if let hit = cache[ck] { check = hit.moments } else {
            if shouldStop() { return .interrupted(evaluations: evaluations.count) }
            log?("calibrate: checking the optimum with \(calibration.checkReplications) fresh seeds")
            check = moments(at: best.theta, seeds: calibration.replications..<(calibration.replications + calibration.checkReplications))
            cache[ck] = (objective(check), check)
            record(ck, objective(check), check)
        }
        if let f = failure { throw f }
        finished = true
        return .finished(Result(best: best, check: check, evaluations: evaluations, stopReason: stopReason))
    }

    /// The journal to keep beside the results (`journal.raw`): lets a finished calibration be
    /// re-run (e.g. with more restarts) without simulating the points it has.
    func journalText() -> String {
        var text = journalHeader
        for (k, v) in cache.sorted(by: { $0.key < $1.key }) { text += Self.journalLine(k, restart: 0, v.objective, v.moments) }
        return text
    }
}
