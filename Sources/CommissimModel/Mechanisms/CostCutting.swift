/// Mechanism 2b — Cost-cutting strategies under budget pressure.
///
/// A council applies its group's `strategies` in a month when its budget pressure exceeds
/// `trigger` (−1 = always). The strategies (000 Figure 1; 003; 004):
/// - price_squeeze: each year, fees on existing contracts and spot placements are cut by
///   squeeze_rate instead of uplifted (004 "forcing arbitrary discounts on fees"); a breach of trust.
/// - lowest_price: tenders use lowest_price_weight as the price weight (004: 86% of councils make
///   40%+ of placement decisions on cost).
/// - consolidation: lots are consolidation_factor times larger (000: "out of reach for smaller
///   organisations").
/// - collaborative: lots 1.5× larger, half the tender time per council, providers' mark-up cut
///   by collaborative_discount (bargaining power), and collaboration builds providers' trust.
/// - outcome_payment: new contracts pay outcome_upfront_share up front and the rest on measured
///   outcomes after delivery.outcome_lag_months (000: "requires up-front investment").
/// - decommission: family-support eligibility tightened (delivery.eligibility_screen of referrals
///   screened out), contracted volume cut by decommission_cut, expiring contracts lapse, and each
///   year the least-trusted contract is terminated early.
/// - in_house: where in-house unit cost is below the average independent price, in-house capacity
///   grows by 5% of expected demand at each planning round (004 "internal challenge").
/// - codesign: trusted incumbents are varied instead of re-tendered, contracts have outcome
///   specifications, and each year innovation savings are shared (investment.shared_savings).
extension Market {
    /// Sets the strategies council `c` applies this month.
    func updateActiveStrategies(_ c: Int) {
        let pol = policy(c)
        let on = pol.trigger < 0 || councils.pressure[c] > pol.trigger
        activeStrategies[c] = on ? pol.strategies : []
        tightened[c] = activeStrategies[c].contains(.decommission)
    }

    /// Monthly: which strategies apply; yearly (each January): the price review.
    func runCostCutting() {
        for c in 0..<councils.count { updateActiveStrategies(c) }
        guard month % 12 == 0 && month > 0 else { return }
        let uplift = 1 + p.inflation
        var spotFactor = Array(repeating: 1.0, count: councils.count)
        for c in 0..<councils.count {
            let s = activeStrategies[c], pol = policy(c)
            let squeeze = s.contains(.priceSqueeze)
            for k in councils.contracts[c] where contracts.active[k] {
                let i = contracts.provider[k]
                if squeeze {
                    contracts.price[k] *= 1 - pol.squeezeRate
                    tally.feeCuts += 1
                    conduct(.feeCut, council: c, provider: i)
                } else if pol.uplift && contracts.form[k] != .grant {
                    contracts.price[k] *= uplift
                }
                if contracts.codesign[k] && s.contains(.codesign) {
                    // Shared savings: part of the provider's cost reduction since the last review.
                    let now = unitCost(i)
                    let saving = max(0, contracts.reviewCost[k] * (squeeze || !pol.uplift ? 1 : uplift) - now)
                    contracts.price[k] -= p.sharedSavings * saving
                    contracts.reviewCost[k] = now
                    conduct(.sharedSavings, council: c, provider: i)
                }
            }
            if squeeze { spotFactor[c] = 1 - pol.squeezeRate }
            if s.contains(.decommission) { terminateLeastTrusted(c) }
        }
        // Spot and framework fees: cut under a squeeze, otherwise uplifted with inflation.
        for i in 0..<children.count where children[i].alive && children[i].price > 0 {
            let c = Int(children[i].council)
            children[i].price *= spotFactor[c] < 1 ? spotFactor[c] : (policy(c).uplift ? uplift : 1)
        }
        recountFees()
    }

    private func terminateLeastTrusted(_ c: Int) {
        var worst = -1, worstTrust = Float.infinity
        for k in councils.contracts[c] where contracts.active[k] {
            let t = providers.councilTrust[pair(contracts.provider[k], c)]
            if t < worstTrust { worstTrust = t; worst = k }
        }
        if worst >= 0 { endContract(worst, early: true) }
    }

    /// The in_house strategy: grow in-house capacity where it is cheaper than buying.
    func expandInHouseIfCheaper(_ c: Int, tier k: Int) {
        guard activeStrategies[c].contains(.bringInHouse) else { return }
        let h = councils.inHouse[councilTier(c, k)]
        var sum = 0.0, n = 0
        for ct in councils.contracts[c] where contracts.tier[ct] == k { sum += contracts.price[ct]; n += 1 }
        guard n > 0, unitCost(h) < sum / Double(n) else { return }
        providers.capacity[h] += max(1, Int((0.05 * expectedStock(c, k)).rounded()))
    }
}
