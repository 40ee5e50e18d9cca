/// Mechanism 2b — Cost-cutting strategies under budget pressure (MODEL.md §3.4, with the evidence).
///
/// Everything a strategy does is here: the yearly price review and terminations below, and the
/// hooks the commissioning cycle (Commissioning.swift) asks of the strategies a council applies
/// (``Strategies`` extension at the end). A new strategy is a case of ``Strategy`` plus its effects
/// in this file.
extension Market {
    /// Sets the strategies council `c` applies this month.
    func updateActiveStrategies(_ c: Int) {
        let pol = policy(c)
        let on = pol.trigger < 0 || councils.pressure[c] > pol.trigger
        activeStrategies[c] = on ? pol.strategies : []
        tightened[c] = activeStrategies[c].tightensEligibility
    }

    /// Monthly: which strategies apply; yearly (each January): the price review.
    func runCostCutting() {
        for c in 0..<councils.count { updateActiveStrategies(c) }
        guard month % 12 == 0 && month > 0 else { return }
        let uplift = 1 + p.inflation
        var spotFactor = Array(repeating: 1.0, count: councils.count)
        for c in 0..<councils.count {
            let s = activeStrategies[c], pol = policy(c)
            let squeeze = s.squeezesPrices
            for k in councils.contracts[c] where contracts[k].active {
                let i = contracts[k].provider
                if squeeze {
                    contracts[k].price *= 1 - pol.squeezeRate
                    tally.feeCuts += 1
                    conduct(.feeCut, council: c, provider: i)
                } else if pol.uplift && contracts[k].form != .grant {
                    contracts[k].price *= uplift
                }
                if contracts[k].codesign && s.sharesSavings {
                    // Shared savings: part of the provider's cost reduction since the last review.
                    let now = unitCost(i)
                    let saving = max(0, contracts[k].reviewCost * (squeeze || !pol.uplift ? 1 : uplift) - now)
                    // Never below the lowest share of cost a provider takes (and never raised to it).
                    let floor = min(contracts[k].price, Self.lowestCostShare * now)
                    contracts[k].price = max(contracts[k].price - p.sharedSavings * saving, floor)
                    contracts[k].reviewCost = now
                    conduct(.sharedSavings, council: c, provider: i)
                }
            }
            if squeeze { spotFactor[c] = 1 - pol.squeezeRate }
            if s.terminatesLeastTrusted { terminateLeastTrusted(c) }
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
        for k in councils.contracts[c] where contracts[k].active {
            let t = providers.councilTrust[pair(contracts[k].provider, c)]
            if t < worstTrust { worstTrust = t; worst = k }
        }
        if worst >= 0 { endContract(worst, early: true) }
    }

    /// collaborative: staff-months one tender takes (half when tendered jointly).
    func tenderStaffMonths(collaborative: Bool) -> Double { p.tenderStaffMonths * (collaborative ? 0.5 : 1) }

    /// collaborative: the cut in bidders' mark-up a joint tender of council `c` brings (pooled bargaining).
    func jointTenderDiscount(_ c: Int) -> Double { policy(c).collaborativeDiscount }

    /// collaborative: trust on a jointly tendered contract `k` builds 25% faster.
    func jointTenderTrustFactor(_ k: Int) -> Double { contracts[k].collaborative ? 1.25 : 1 }

    /// codesign: trust on a co-designed contract `k` builds twice as fast.
    func codesignTrustFactor(_ k: Int) -> Double { contracts[k].codesign ? 2 : 1 }

    /// The in_house strategy: grow in-house capacity where it is cheaper than buying.
    func expandInHouseIfCheaper(_ c: Int, tier k: Int) {
        guard activeStrategies[c].growsInHouse else { return }
        let h = councils.inHouse[councilTier(c, k)]
        var sum = 0.0, n = 0
        for ct in councils.contracts[c] where contracts[ct].tier == k { sum += contracts[ct].price; n += 1 }
        guard n > 0, unitCost(h) < sum / Double(n) else { return }
        providers.capacity[h] += max(1, Int((0.05 * expectedStock(c, k)).rounded()))
    }
}

/// What the strategies a council applies change in its commissioning cycle (MODEL.md §3.4): the
/// hooks Commissioning.swift calls, one per decision.
extension Strategies {
    /// outcome_payment: new contracts pay on outcomes.
    func paymentForm(_ pol: ModelConfig.Policy) -> PaymentForm { contains(.outcomePayment) ? .outcome : pol.payment }

    /// codesign: contracts specify outcomes (as outcome payment does).
    func specifiesOutcomes(_ pol: ModelConfig.Policy, form: PaymentForm) -> Bool {
        pol.outcomeSpecification || form == .outcome || contains(.codesign)
    }

    /// lowest_price: tenders weigh price by lowest_price_weight (grants never weigh price).
    func priceWeight(_ pol: ModelConfig.Policy, form: PaymentForm) -> Double {
        form == .grant ? 0 : (contains(.lowestPrice) ? pol.lowestPriceWeight : pol.priceWeight)
    }

    /// consolidation and collaborative: larger lots.
    func lotSize(_ pol: ModelConfig.Policy) -> Int {
        var size = Double(pol.lotSize)
        if contains(.consolidation) { size *= pol.consolidationFactor }
        if contains(.collaborative) { size *= 1.5 }
        return max(1, Int(size.rounded()))
    }

    /// collaborative: tenders are joint (half the staff time, pooled bargaining, trust built).
    var tendersJointly: Bool { contains(.collaborative) }

    /// decommission: expiring contracts are decided least trusted first and lapse while the
    /// council holds more than its (cut) target.
    var lapsesExpiringContracts: Bool { contains(.decommission) }

    /// decommission: the share of the contracted target kept.
    func contractTargetFactor(_ pol: ModelConfig.Policy) -> Double { contains(.decommission) ? 1 - pol.decommissionCut : 1 }

    /// decommission: family-support eligibility is tightened.
    var tightensEligibility: Bool { contains(.decommission) }

    /// decommission: each year the least-trusted contract is terminated early.
    var terminatesLeastTrusted: Bool { contains(.decommission) }

    /// codesign: trusted incumbents are varied instead of re-tendered.
    var variesTrustedIncumbents: Bool { contains(.codesign) }

    /// codesign: innovation savings are shared at each price review.
    var sharesSavings: Bool { contains(.codesign) }

    /// price_squeeze: fees are cut instead of uplifted at each price review.
    var squeezesPrices: Bool { contains(.priceSqueeze) }

    /// in_house: in-house capacity grows where it is cheaper than buying.
    var growsInHouse: Bool { contains(.bringInHouse) }
}
