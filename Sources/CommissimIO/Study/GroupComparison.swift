import CommissimEngine
import CommissimModel
import Foundation

/// How finely `compare --by` breaks the paired differences down.
public enum ComparisonLevel: String, Sendable, CaseIterable {
    case group, council
}

/// The paired comparison per council group and per council (`compare --by group|council`,
/// `comparison_groups.csv`): for every ``CouncilMeasure``, each arm's mean over the replications
/// and the paired difference B − A with its 95% t interval and Fieller's relative interval, for
/// England, for each council group the two arms share (matched by name) and, `--by council`, for
/// each of its councils (matched by their place in the group). Replication r of both arms uses
/// the same seed, as in ``Comparison``.
public struct GroupComparison {
    /// A set of councils compared: England, a group, or one council.
    public struct Unit: Sendable {
        public let level: String, group: String
        /// The council's id in arm A and in arm B (nil for England and groups).
        public let councilA: Int?, councilB: Int?
        let councilsA: [Int], councilsB: [Int]
    }

    public let units: [Unit]
    /// The groups whose parameters differ between the arms (all of them when a scenario-wide
    /// parameter differs): the printed summary leads with these.
    public let changed: [String]
    private var a: [RunningMoments], b: [RunningMoments], d: [RunningMoments]
    private var smallest: [Double]

    /// The breakdown of arms `sa` and `sb` (their configurations `ca`, `cb`, as the comparison runs them).
    public init(a sa: ResolvedScenario, b sb: ResolvedScenario, configs ca: ModelConfig, _ cb: ModelConfig, level: ComparisonLevel) {
        let groupsA = ca.councilGroups, groupsB = cb.councilGroups
        let namesA = ca.councils.map(\.name), namesB = cb.councils.map(\.name)
        var units = [Unit(level: "england", group: "England", councilA: nil, councilB: nil,
                          councilsA: Array(groupsA.indices), councilsB: Array(groupsB.indices))]
        var shared: [String] = []
        for n in namesA where namesB.contains(n) && !shared.contains(n) { shared.append(n) }
        for n in shared {
            let inA = groupsA.indices.filter { namesA[groupsA[$0]] == n }, inB = groupsB.indices.filter { namesB[groupsB[$0]] == n }
            units.append(Unit(level: "group", group: n, councilA: nil, councilB: nil, councilsA: inA, councilsB: inB))
            guard level == .council else { continue }
            for k in 0..<min(inA.count, inB.count) {
                units.append(Unit(level: "council", group: n, councilA: inA[k], councilB: inB[k], councilsA: [inA[k]], councilsB: [inB[k]]))
            }
        }
        self.units = units
        // A group changed when its resolved table differs or it is in one arm only.
        let tables = { (s: ResolvedScenario, n: String, names: [String]) in names.indices.filter { names[$0] == n }.map { s.councilGroups[$0] } }
        let all = Array(Set(namesA + namesB)).sorted()
        if sa.global != sb.global {
            changed = all
        } else {
            changed = all.filter { tables(sa, $0, namesA) != tables(sb, $0, namesB) }
        }
        let size = units.count * CouncilMeasure.all.count
        a = Array(repeating: RunningMoments(), count: size)
        b = a; d = a
        smallest = Array(repeating: .infinity, count: size)
    }

    /// Adds replication r's totals of both arms (in replication order).
    public mutating func add(a ta: CouncilTotals, b tb: CouncilTotals) {
        let M = CouncilMeasure.all.count
        for (u, unit) in units.enumerated() {
            for m in 0..<M {
                let va = ta.value(m, councils: unit.councilsA), vb = tb.value(m, councils: unit.councilsB)
                // A rate with no weight in either arm (no leavers, no contracts) is not compared.
                guard va.isFinite && vb.isFinite else { continue }
                let ix = u * M + m
                a[ix].add(va); b[ix].add(vb); d[ix].add(vb - va)
                smallest[ix] = min(smallest[ix], va, vb)
            }
        }
    }

    /// One row of comparison_groups.csv.
    public struct Row: Sendable {
        public let unit: Unit, measure: CouncilMeasure
        public let meanA: Double, meanB: Double, diff: Double, low: Double, high: Double, n: Int
        public var relLow = Double.nan, relHigh = Double.nan
        public var relative: Double { meanA != 0 ? diff / abs(meanA) : .nan }
        public var clear: Bool { low > 0 || high < 0 }
    }

    public var rows: [Row] {
        let M = CouncilMeasure.all.count
        var out: [Row] = []
        for (u, unit) in units.enumerated() {
            for (m, measure) in CouncilMeasure.all.enumerated() {
                let ix = u * M + m, n = d[ix].count
                let half = n > 1 ? Confidence.t95(n - 1) * d[ix].sd / Double(n).squareRoot() : .nan
                var row = Row(unit: unit, measure: measure, meanA: n > 0 ? a[ix].mean : .nan, meanB: n > 0 ? b[ix].mean : .nan,
                              diff: n > 0 ? d[ix].mean : .nan, low: d[ix].mean - half, high: d[ix].mean + half, n: n)
                if n > 1, let (lo, hi) = Comparison.fieller(a: a[ix], b: b[ix], d: d[ix]) {
                    row.relLow = smallest[ix] >= 0 ? max(-1, lo) : lo
                    row.relHigh = hi
                }
                out.append(row)
            }
        }
        return out
    }

    /// `comparison_groups.csv`.
    public var csv: String {
        var s = "level,group,council_a,council_b,metric,unit,mean_a,mean_b,diff,diff_ci95_low,diff_ci95_high,rel_diff,rel_ci95_low,rel_ci95_high,n\n"
        for r in rows {
            s += [r.unit.level, CSVFormat.field(r.unit.group), r.unit.councilA.map(String.init) ?? "", r.unit.councilB.map(String.init) ?? "",
                  r.measure.name, CSVFormat.field(r.measure.unit)].joined(separator: ",") + ","
            s += [r.meanA, r.meanB, r.diff, r.low, r.high, r.relative, r.relLow, r.relHigh].map(CSVFormat.number).joined(separator: ",")
            s += ",\(r.n)\n"
        }
        return s
    }

    /// The plain-words summary: the changed groups first, then England; every measure of each,
    /// with the ones whose interval includes zero said to be unchanged.
    public func table(nameA: String, nameB: String) -> String {
        let all = rows
        var order = changed.filter { g in units.contains { $0.level == "group" && $0.group == g } }
        order.append("England")
        var s = "\(nameB) against \(nameA), by council group: paired differences, 95% confidence intervals"
        s += changed.isEmpty ? "\n" : " (changed: \(changed.joined(separator: ", ")))\n"
        for g in order {
            let rs = all.filter { $0.unit.level == (g == "England" ? "england" : "group") && $0.unit.group == g }
            let councils = units.first { $0.group == g && $0.level != "council" }?.councilsA.count ?? 0
            s += "\n\(g) (\(councils) council\(councils == 1 ? "" : "s"), \(rs.first?.n ?? 0) replications):\n"
            let clear = rs.filter(\.clear)
            for r in clear {
                let label = r.measure.name.replacingOccurrences(of: "_", with: " ")
                let rel = r.relLow.isFinite && r.relHigh.isFinite
                    ? String(format: "%+.1f%% (95%% CI %+.1f%% to %+.1f%%)", 100 * r.relative, 100 * r.relLow, 100 * r.relHigh)
                    : "\(Self.short(r.diff, sign: true)) (95% CI \(Self.short(r.low, sign: true)) to \(Self.short(r.high, sign: true)))"
                s += "  \(label): \(Self.short(r.meanA)) → \(Self.short(r.meanB)) \(r.measure.unit), \(rel)\n"
            }
            let same = rs.filter { !$0.clear && $0.n > 1 }.map(\.measure.name)
            if !same.isEmpty { s += "  no clear difference: " + same.joined(separator: ", ") + "\n" }
        }
        s += "\nPer group and per council: comparison_groups.csv\n"
        return s
    }

    /// A number for reading: whole with thousands separators from 1,000, else three significant digits.
    static func short(_ x: Double, sign: Bool = false) -> String {
        guard x.isFinite else { return "n/a" }
        let plus = sign && x > 0 ? "+" : ""
        if abs(x) >= 1000 {
            let f = NumberFormatter()
            f.numberStyle = .decimal
            f.maximumFractionDigits = 0
            f.locale = Locale(identifier: "en_GB")
            return plus + (f.string(from: NSNumber(value: x.rounded())) ?? String(Int(x.rounded())))
        }
        return plus + String(format: "%.3g", x)
    }
}
