/// `decommission` (MODEL.md §3.4): a share `delivery.eligibility_screen` of family-support
/// referrals screened out; the contracted target cut by `policy.decommission_cut`; expiring
/// contracts decided least trusted first and lapsing while the tier's contracted volume is above
/// that target (Commissioning.swift); and each year the least-trusted contract terminated early.
/// Evidence: DOMAIN; 004.
enum Decommission: CostCuttingStrategy {
    static let name = "decommission"
    static let tightensEligibility = true
    static let lapsesExpiringContracts = true
    static func contractTargetFactor(_ pol: ModelConfig.Policy) -> Double { 1 - pol.decommissionCut }
    static func afterReview(_ m: Market, council c: Int) { m.terminateLeastTrusted(c) }
}

extension Strategies {
    public static let decommission = Strategies(Decommission.self)
}

extension Market {
    /// Ends council `c`'s least-trusted contract in force early.
    func terminateLeastTrusted(_ c: Int) {
        var worst = -1, worstTrust = Float.infinity
        for k in councils.contracts[c] where contracts[k].active {
            let t = providers.councilTrust[pair(contracts[k].provider, c)]
            if t < worstTrust { worstTrust = t; worst = k }
        }
        if worst >= 0 { endContract(worst, early: true) }
    }
}
