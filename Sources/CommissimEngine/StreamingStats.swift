import Foundation

/// Mean and variance updated one observation at a time (Welford 1962): memory independent of the
/// number of observations. Results depend on the order of updates, so callers feed runs in a
/// fixed order (see ``ParallelRunner/forEachOrdered``).
public struct RunningMoments: Sendable {
    public private(set) var count = 0
    public private(set) var mean = 0.0
    private var m2 = 0.0

    public init() {}

    public mutating func add(_ x: Double) {
        count += 1
        let d = x - mean
        mean += d / Double(count)
        m2 += d * (x - mean)
    }

    /// Sample variance (n − 1 denominator); 0 with fewer than two observations.
    public var variance: Double { count > 1 ? m2 / Double(count - 1) : 0 }
    public var sd: Double { variance.squareRoot() }
}

/// Streaming estimate of one quantile with the P² algorithm (Jain & Chlamtac 1985): five markers,
/// exact for the first five observations. Memory is constant whatever the number of observations.
public struct P2Quantile: Sendable {
    public let p: Double
    private var q = [Double](repeating: 0, count: 5)
    private var n = [Double](repeating: 0, count: 5)
    private var desired = [Double](repeating: 0, count: 5)
    private var increment = [Double](repeating: 0, count: 5)
    public private(set) var count = 0

    public init(_ p: Double) {
        self.p = p
        desired = [1, 1 + 2 * p, 1 + 4 * p, 3 + 2 * p, 5]
        increment = [0, p / 2, p, (1 + p) / 2, 1]
    }

    public mutating func add(_ x: Double) {
        if count < 5 {
            q[count] = x
            count += 1
            if count == 5 {
                q.sort()
                for i in 0..<5 { n[i] = Double(i + 1) }
            }
            return
        }
        count += 1
        var k: Int
        if x < q[0] { q[0] = x; k = 0 } else if x >= q[4] { q[4] = x; k = 3 } else {
            k = 0
            while k < 3 && x >= q[k + 1] { k += 1 }
        }
        for i in (k + 1)..<5 { n[i] += 1 }
        for i in 0..<5 { desired[i] += increment[i] }
        for i in 1...3 {
            let d = desired[i] - n[i]
            if (d >= 1 && n[i + 1] - n[i] > 1) || (d <= -1 && n[i - 1] - n[i] < -1) {
                let s = d >= 0 ? 1.0 : -1.0
                let qp = parabolic(i, s)
                q[i] = (q[i - 1] < qp && qp < q[i + 1]) ? qp : linear(i, s)
                n[i] += s
            }
        }
    }

    private func parabolic(_ i: Int, _ s: Double) -> Double {
        q[i] + s / (n[i + 1] - n[i - 1]) * ((n[i] - n[i - 1] + s) * (q[i + 1] - q[i]) / (n[i + 1] - n[i])
            + (n[i + 1] - n[i] - s) * (q[i] - q[i - 1]) / (n[i] - n[i - 1]))
    }

    private func linear(_ i: Int, _ s: Double) -> Double {
        let j = i + Int(s)
        return q[i] + s * (q[j] - q[i]) / (n[j] - n[i])
    }

    /// The current estimate (exact, by linear interpolation, for five or fewer observations).
    public var value: Double {
        if count == 0 { return .nan }
        if count <= 5 {
            let sorted = q[0..<count].sorted()
            let h = p * Double(count - 1)
            let lo = Int(h.rounded(.down)), hi = min(count - 1, lo + 1)
            return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
        }
        return q[2]
    }
}
