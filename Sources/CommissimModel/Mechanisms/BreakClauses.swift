/// Mechanism 3d — Break clauses (MODEL.md §3.5): at a contract's break point either side may end
/// it, deciding on what each already knows — the council on its trust in the provider and its
/// budget pressure, the provider on its margin and its trust in the council.
extension Market {
    /// The month of a term's break point: `months` after `start`, when that falls inside the term
    /// (`Int.max`: no break point).
    func breakPoint(start: Int, _ months: Int, term: Int) -> Int {
        months > 0 && months < term ? start + months : .max
    }

    /// Contract `k` has reached its break point. The council breaks it when its trust in the
    /// provider is below `trust.extend_threshold` (a provider it would not extend), or, over
    /// budget, below `trust.good_incumbent`; the contract then ends now and is decided as at
    /// expiry (lapse or re-tender), without its extension. The provider breaks it when its
    /// smoothed margin is below its required margin or its trust in the council below 0.35 (where
    /// it would no longer bid); the contract ends and its children stay as spot placements. A
    /// break the contract foresaw is not a breach of trust. Counted in `breaks`.
    func decideAtBreak(_ k: Int) {
        let c = contracts[k].council, i = contracts[k].provider
        contracts[k].breakAt = .max
        let councilTrust = Double(providers.councilTrust[pair(i, c)])
        let overBudget = councils.pressure[c] > 0
        if councilTrust < p.extendThreshold || (overBudget && councilTrust < p.goodIncumbent) {
            tally.breaks += 1
            councils.breaks[c] += 1
            contracts[k].end = month
            contracts[k].extensionLeft = 0
            return
        }
        let providerTrust = Double(providers.providerTrust[pair(i, c)])
        if providers.kind[i] != .inHouse && (providers.marginTrend[i] < providers.requiredMargin[i] || providerTrust < 0.35) {
            tally.breaks += 1
            councils.breaks[c] += 1
            endContract(k, early: false)
        }
    }
}
