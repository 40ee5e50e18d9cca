import Foundation

/// Progress of a batch of runs on standard error: a live bar on a terminal, plain periodic log
/// lines otherwise (batch jobs), nothing with `quiet`.
public final class ProgressReporter: @unchecked Sendable {
    private let label: String
    private let quiet: Bool
    private let terminal: Bool
    private let lock = NSLock()
    private var total = 0, startDone = 0
    private var started = Date()
    private var lastPrint = Date.distantPast
    private var lastLoggedFraction = -1.0

    public init(label: String, quiet: Bool, terminal: Bool = isatty(2) == 1) {
        self.label = label
        self.quiet = quiet
        self.terminal = terminal
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
        let rate = elapsed > 0 ? Double(done - startDone) / elapsed : 0
        let eta = rate > 0 ? Double(total - done) / rate : .infinity
        let fraction = Double(done) / Double(total)
        if terminal {
            guard now.timeIntervalSince(lastPrint) > 0.1 || done == total else { return }
            lastPrint = now
            let width = 30, filled = Int(fraction * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            emit("\r\(label) [\(bar)] \(done)/\(total) runs  \(String(format: "%.1f", rate)) runs/s  ETA \(Self.duration(eta))   ")
        } else {
            // Batch logs: a line every 10% or every 30 seconds.
            guard fraction - lastLoggedFraction >= 0.1 || now.timeIntervalSince(lastPrint) >= 30 || done == total else { return }
            lastPrint = now
            lastLoggedFraction = fraction
            emit("\(label): \(done)/\(total) runs (\(Int(fraction * 100))%), \(String(format: "%.2f", rate)) runs/s, ETA \(Self.duration(eta))\n")
        }
    }

    public func finish() {
        lock.lock(); defer { lock.unlock() }
        if terminal && !quiet && total > 0 { emit("\n") }
    }

    private func emit(_ s: String) {
        guard !quiet else { return }
        FileHandle.standardError.write(Data(s.utf8))
    }

    static func duration(_ s: Double) -> String {
        guard s.isFinite else { return "--" }
        let t = Int(s.rounded())
        if t >= 3600 { return "\(t / 3600)h\(String(format: "%02d", (t % 3600) / 60))m" }
        if t >= 60 { return "\(t / 60)m\(String(format: "%02d", t % 60))s" }
        return "\(t)s"
    }
}
