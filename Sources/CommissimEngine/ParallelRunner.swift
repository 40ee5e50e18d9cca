import Dispatch
import Foundation

/// Runs independent jobs on a fixed number of worker threads and returns their results in job
/// order, so what callers see never depends on the thread count or the scheduling.
///
/// Workers pull the next job index from a shared counter (dynamic scheduling), so jobs of very
/// different lengths do not leave cores idle at the end.
public struct ParallelRunner: Sendable {
    /// Number of worker threads (≥ 1).
    public let threads: Int

    /// A runner with `threads` workers; `nil` means every active core.
    public init(threads: Int? = nil) {
        self.threads = max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount)
    }

    /// Runs `job(i)` for every `i` in `0..<count` and returns the results indexed by `i`.
    public func map<T>(_ count: Int, job: @escaping @Sendable (Int) -> T) -> [T] {
        var results: [T] = []
        results.reserveCapacity(count)
        forEachOrdered(count: count, job: job) { _, r in results.append(r) }
        return results
    }
}

extension ParallelRunner {
    /// Runs `job(i)` for `i` in `start..<count` on the worker threads and hands each result to
    /// `consume` strictly in index order (a reorder buffer holds results that finish early), so
    /// anything `consume` computes is independent of thread count and scheduling. Stops taking new
    /// jobs once `shouldStop()` returns true; jobs already running finish and are consumed if every
    /// earlier job has been. Returns the number of leading jobs consumed (from `start`).
    @discardableResult
    public func forEachOrdered<T>(
        from start: Int = 0,
        count: Int,
        job: @escaping @Sendable (Int) -> T,
        shouldStop: @escaping @Sendable () -> Bool = { false },
        consume: @escaping (Int, T) -> Void
    ) -> Int {
        guard start < count else { return count }
        let state = OrderedState<T>(next: start, count: count)
        let consumeBox = UncheckedBox(consume)
        let work: @Sendable () -> Void = {
            while let i = state.take(stop: shouldStop()) {
                let r = job(i)
                state.finish(i, r, consumeBox.value)
            }
        }
        if threads == 1 {
            work()
        } else {
            DispatchQueue.concurrentPerform(iterations: min(threads, count - start)) { _ in work() }
        }
        return state.consumedUpTo
    }
}

/// Shared state of `forEachOrdered`.
private final class OrderedState<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var next: Int
    private let count: Int
    private var waiting: [Int: T] = [:]
    private(set) var consumedUpTo: Int
    private var stopped = false

    init(next: Int, count: Int) {
        self.next = next
        self.count = count
        consumedUpTo = next
    }

    func take(stop: Bool) -> Int? {
        lock.lock(); defer { lock.unlock() }
        if stop { stopped = true }
        guard !stopped, next < count else { return nil }
        next += 1
        return next - 1
    }

    func finish(_ i: Int, _ value: T, _ consume: (Int, T) -> Void) {
        lock.lock(); defer { lock.unlock() }
        waiting[i] = value
        while let v = waiting.removeValue(forKey: consumedUpTo) {
            consume(consumedUpTo, v)
            consumedUpTo += 1
        }
    }
}

/// Carries a non-Sendable closure that is only ever called under `OrderedState`'s lock.
private struct UncheckedBox<V>: @unchecked Sendable {
    let value: V
    init(_ v: V) { value = v }
}
