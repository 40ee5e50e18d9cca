import Foundation

/// Progress of a batch of runs (or of one run's months) on standard error: a live bar on a
/// terminal, plain periodic log lines otherwise (batch jobs), nothing with `quiet`, and nothing
/// before `after` seconds have passed (a run that ends quickly says only that it ended).
public final class ProgressReporter: @unchecked Sendable {
    private let label: String
    private let quiet: Bool
    private let terminal: Bool
    private let unit: String
    private let after: TimeInterval
    private var shown = false
    private let sink: (String) -> Void
    private let lock = NSLock()
    private var total = 0, startDone = 0
    private var started = Date()
    private var lastPrint = Date.distantPast
    private var lastLoggedTenth = -1

    public init(label: String, quiet: Bool, terminal: Bool = isatty(2) == 1, unit: String = "runs", after: TimeInterval = 0,
                sink: @escaping (String) -> Void = { StandardStreams.error($0) }) {
        self.sink = sink
        self.label = label
        self.quiet = quiet
        self.terminal = terminal
        self.unit = unit
        self.after = after
    }

    public func start(total: Int, done: Int) {
        lock.lock(); defer { lock.unlock() }
        self.total = total
        startDone = done
        started = Date()
        if done > 0 { emit("\(label): resuming with \(done) of \(total) runs already done\n") }
    }

    public func update(done: Int) {
        lock.lock(); defer { lock.unlock() }
        guard !quiet, total > 0 else { return }
        let now = Date()
        let elapsed = now.timeIntervalSince(started)
        guard elapsed >= after else { return }
        shown = true
        let rate = elapsed > 0 ? Double(done - startDone) / elapsed : 0
        let eta = rate > 0 ? Double(total - done) / rate : .infinity
        let fraction = Double(done) / Double(total)
        if terminal {
            guard now.timeIntervalSince(lastPrint) > 0.1 || done == total else { return }
            lastPrint = now
            let width = 30, filled = Int(fraction * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            emit("\r\(label) [\(bar)] \(done)/\(total) \(unit)  \(String(format: "%.1f", rate)) \(unit)/s  ETA \(Self.duration(eta))   ")
        } else {
            // Batch logs: a line each time another tenth is done (in whole tenths: 0.15 − 0.05 is
            // below 0.1 in floating point, which skipped lines), or every 30 seconds.
            let tenth = 10 * done / total
            guard tenth > lastLoggedTenth || now.timeIntervalSince(lastPrint) >= 30 || done == total else { return }
            lastPrint = now
            lastLoggedTenth = tenth
            emit("\(label): \(done)/\(total) \(unit) (\(Int(fraction * 100))%), \(String(format: "%.2f", rate)) \(unit)/s, ETA \(Self.duration(eta))\n")
        }
    }

    public func finish() {
        lock.lock(); defer { lock.unlock() }
        if terminal && !quiet && total > 0 && shown { emit("\n") }
    }

    private func emit(_ s: String) {
        guard !quiet else { return }
        sink(s)
    }

    static func duration(_ s: Double) -> String {
        guard s.isFinite else { return "--" }
        let t = Int(s.rounded())
        if t >= 3600 { return "\(t / 3600)h\(String(format: "%02d", (t % 3600) / 60))m" }
        if t >= 60 { return "\(t / 60)m\(String(format: "%02d", t % 60))s" }
        return "\(t)s"
    }
}
