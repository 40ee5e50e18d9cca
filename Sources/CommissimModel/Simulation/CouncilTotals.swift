/// One council's run as a comparison by council or by group reports it (`compare --by`;
/// docs/COLUMNS.md "Per council and per group"): each measure is declared once, with how a run
/// and a set of councils combine it, so a council, its group and England are summarised alike.
public struct CouncilMeasure: Sendable {
    /// How a measure combines over the reported months and over councils.
    public enum Combine: Sendable {
        /// The total over the run (flows: money, leavers, breaks).
        case total
        /// The monthly mean of the sum over councils (stocks: children served, waiting).
        case monthly
        /// The ratio of sums Σ value·weight / Σ weight (rates and scores, e.g. outcome per leaver).
        case weighted(@Sendable (CouncilSummary) -> Double)
    }
    public let name: String, unit: String, meaning: String
    public let combine: Combine
    let value: @Sendable (CouncilSummary) -> Double

    /// The measures, in the order comparison_groups.csv lists them.
    public static let all: [CouncilMeasure] = {
        var m: [CouncilMeasure] = [
            .init("spend", "£", "spend: contracts, spot, outcome payments, in-house, transaction costs", .total) { $0.spendMonth },
            .init("budget", "£", "budget", .total) { $0.budget },
            .init("budget_pressure", "ratio", "(spend trend − budget) / budget, weighted by budget", .weighted { $0.budget }) { $0.pressure },
            .init("children_served", "children", "children and families in a service", .monthly) { Double($0.served) },
            .init("children_waiting", "children", "children waiting for a service", .monthly) { Double($0.waiting) },
            .init("children_spot", "children", "children in spot placements", .monthly) { Double($0.spot) },
            .init("children_in_house", "children", "children in in-house services", .monthly) { Double($0.inHouse) },
            .init("leavers", "children", "children who left the service", .total) { Double($0.leavers) },
            .init("outcome_mean", "score 0-1", "mean outcome of the leavers", .weighted { Double($0.leavers) }) { $0.outcomeMean },
            .init("quality_received", "score 0-1", "mean quality of the services its children received", .weighted { Double($0.served) }) { $0.qualityReceived },
            .init("breaks", "contracts", "contracts ended at a break point (either side)", .total) { Double($0.breaks) },
            .init("rollovers", "contracts", "expired contracts rolled over for lack of staff time", .total) { Double($0.rollovers) },
            .init("contracts_let", "contracts", "contracts let by tender, extension or variation", .total) { Double($0.contractsLet) },
            .init("contract_length_let", "months", "mean length of the contracts let", .weighted { Double($0.contractsLet) }) { $0.lengthLet },
            .init("trust_in_providers", "score 0-1", "its trust in the providers it contracts with, weighted by contracts", .weighted { Double($0.contracts) }) { $0.trustInProviders },
            .init("providers_trust", "score 0-1", "its contracted providers' trust in it, weighted by contracts", .weighted { Double($0.contracts) }) { $0.providersTrust },
        ]
        for t in Tier.allCases {
            let k = t.rawValue
            m.append(.init("contract_price_\(t.name)", "£/week", "weekly price of its \(t.name) contracts in force, weighted by places",
                           .weighted { $0.contractVolume[k] }) { $0.contractPrice[k] })
        }
        return m
    }()

    init(_ name: String, _ unit: String, _ meaning: String, _ combine: Combine, _ value: @escaping @Sendable (CouncilSummary) -> Double) {
        self.name = name; self.unit = unit; self.meaning = meaning; self.combine = combine; self.value = value
    }

    /// Numerator and denominator this measure adds for one council's month.
    @inline(__always) func terms(_ s: CouncilSummary) -> (Double, Double) {
        switch combine {
        case .total, .monthly: return (value(s), 1)
        case .weighted(let w): let weight = w(s); return (weight > 0 ? value(s) * weight : 0, weight)
        }
    }
}

/// Every council's sums of the ``CouncilMeasure``s over the reported months of one run: observe
/// the market each month, then read a council, a group or England with ``value(_:councils:)``.
/// The flat form (``flat``, ``init(flat:councils:)``) is what a comparison's journal keeps.
public struct CouncilTotals: Sendable {
    public let councils: Int
    public private(set) var months = 0
    /// Numerators then denominators, council-major: `[c * M + m]` and `[C * M + c * M + m]`.
    public private(set) var sums: [Double]

    public init(councils: Int) {
        self.councils = councils
        sums = Array(repeating: 0, count: 2 * councils * CouncilMeasure.all.count)
    }

    /// The totals of a run read back from their flat form (`months` first).
    public init?(flat: [Double], councils: Int) {
        self.init(councils: councils)
        guard flat.count >= 1 + sums.count, let m = Int(exactly: flat[0]) else { return nil }
        months = m
        sums = Array(flat[1...sums.count])
    }

    /// The flat form: months, then ``sums``.
    public var flat: [Double] { [Double(months)] + sums }

    /// Adds the market's month.
    public mutating func observe(_ market: Market) {
        let measures = CouncilMeasure.all, M = measures.count, off = councils * M
        for (c, s) in market.councilSummaries().enumerated() where c < councils {
            for (k, measure) in measures.enumerated() {
                let (n, d) = measure.terms(s)
                sums[c * M + k] += n
                sums[off + c * M + k] += d
            }
        }
        months += 1
    }

    /// Measure `k` (of ``CouncilMeasure/all``) over the councils `set` (NaN where a weighted
    /// measure has no weight, e.g. outcome without leavers).
    public func value(_ k: Int, councils set: [Int]) -> Double {
        let M = CouncilMeasure.all.count, off = councils * M
        var n = 0.0, d = 0.0
        for c in set { n += sums[c * M + k]; d += sums[off + c * M + k] }
        switch CouncilMeasure.all[k].combine {
        case .total: return n
        case .monthly: return months > 0 ? n / Double(months) : .nan
        case .weighted: return d > 0 ? n / d : .nan
        }
    }
}
