/// `codesign` (MODEL.md §3.4): trusted incumbents (mutual trust ≥ `trust.codesign_threshold`) are
/// varied for a new term rather than re-tendered (Commissioning.swift), specifications are
/// outcome-based, innovation savings are shared (`investment.shared_savings`) at each price review,
/// and trust on co-designed contracts builds twice as fast. Evidence: 000; 004, 71% see co-design
/// as key to efficiencies.
enum Codesign: CostCuttingStrategy {
    static let name = "codesign"
    static let specifiesOutcomes = true
    static let variesTrustedIncumbents = true
    static func reviewed(_ m: Market, contract k: Int, council c: Int, uplift: Double) {
        if m.contracts[k].codesign { m.shareSavings(contract: k, council: c, uplift: uplift) }
    }
}

extension Strategies {
    public static let codesign = Strategies(Codesign.self)
}

extension Market {
    /// At the price review, co-designed contract `k`'s fee falls by a share of its provider's cost
    /// reduction since the last review (`uplift`: the factor the review gave fees in general).
    func shareSavings(contract k: Int, council c: Int, uplift: Double) {
        let i = contracts[k].provider
        let now = unitCost(i)
        let saving = max(0, contracts[k].reviewCost * uplift - now)
        // Never below the lowest share of cost a provider takes (and never raised to it).
        let floor = min(contracts[k].price, Self.lowestCostShare * now)
        contracts[k].price = max(contracts[k].price - p.sharedSavings * saving, floor)
        contracts[k].reviewCost = now
        conduct(.sharedSavings, council: c, provider: i)
    }

    /// Trust on a co-designed contract `k` builds twice as fast (TrustDynamics.swift).
    func codesignTrustFactor(_ k: Int) -> Double { contracts[k].codesign ? 2 : 1 }
}
