import CommissimModel

/// How one run is summarised in `runs.csv` and comparisons: for every metric its end-of-horizon
/// level (mean of the last 12 months, or fewer if the run is shorter) and its cumulative total.
public enum RunSummary {
    public static let endMonths = 12

    /// Column names: `<metric>_end` for every metric, then `<metric>_total`.
    public static var columns: [String] { MetricColumns.names.map { $0 + "_end" } + MetricColumns.names.map { $0 + "_total" } }

    /// Column names for the metrics at `indices` (into ``MetricColumns/names``): `<metric>_end`
    /// for each, then `<metric>_total`.
    public static func columns(_ indices: [Int]) -> [String] {
        indices.map { MetricColumns.names[$0] + "_end" } + indices.map { MetricColumns.names[$0] + "_total" }
    }

    /// End levels then totals, in `columns` order.
    public static func values(_ rows: [[Double]]) -> [Double] {
        let cols = MetricColumns.names.count
        var end = Array(repeating: 0.0, count: cols), total = Array(repeating: 0.0, count: cols)
        let tail = min(endMonths, rows.count)
        for (m, row) in rows.enumerated() {
            for j in 0..<cols {
                total[j] += row[j]
                if m >= rows.count - tail { end[j] += row[j] / Double(tail) }
            }
        }
        return end + total
    }
}

/// Statistics of one quantity across replications: streaming moments and P² quantiles.
struct Accumulator {
    var moments = RunningMoments()
    var p05 = P2Quantile(0.05), p50 = P2Quantile(0.5), p95 = P2Quantile(0.95)

    mutating func add(_ x: Double) {
        moments.add(x); p05.add(x); p50.add(x); p95.add(x)
    }

    /// n, mean, sd, 95% CI low/high, p05, p50, p95. With one run there is no spread to
    /// estimate: sd and the CI are NaN (empty cells), never a zero-width interval.
    var fields: [Double] {
        let n = moments.count
        guard n > 1 else { return [Double(n), moments.mean, .nan, .nan, .nan, p05.value, p50.value, p95.value] }
        let half = Confidence.t95(n - 1) * moments.sd / Double(n).squareRoot()
        return [Double(n), moments.mean, moments.sd, moments.mean - half, moments.mean + half, p05.value, p50.value, p95.value]
    }

    static let header = ["n", "mean", "sd", "ci95_low", "ci95_high", "p05", "p50", "p95"]
}

import CGSL
/// Student-t critical values from GSL.
enum Confidence {
    static func t95(_ df: Int) -> Double { gsl_cdf_tdist_Pinv(0.975, Double(df)) }
}

import CommissimEngine
