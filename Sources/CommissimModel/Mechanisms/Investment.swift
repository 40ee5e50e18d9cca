import Foundation

/// Mechanism 5 — Investment, quality and innovation (the hold-up problem): MODEL.md §3.10 gives
/// the horizon (term left with any extension, plus the renewal the provider expects), the
/// investment rule, capital per place and what it buys in quality and cost, with the evidence.
extension Market {
    /// Expected horizon (months) of every provider with the councils it serves: over its
    /// contracts in force, the volume-weighted mean of the term left (with any extension) plus
    /// the renewal it expects (its trust in the council × the council's contract length); 6
    /// months for a provider without contracts. One pass over the contracts, in id order.
    func horizons() -> [Double] {
        var weighted = [Double](repeating: 0, count: providers.count), total = weighted
        // Written through buffers: the closure's writes to the arrays were each checked for a
        // shared copy (a quarter of this pass).
        weighted.withUnsafeMutableBufferPointer { weighted in
            total.withUnsafeMutableBufferPointer { total in
                forEachContractInForce { k in
                    let c = contracts[k].council, i = contracts[k].provider
                    let left = Double(max(0, contracts[k].end - month) + contracts[k].extensionLeft)
                    let renewal = Double(providers.providerTrust[pair(i, c)])
                    let v = Double(max(1, contracts[k].volume))
                    weighted[i] += v * (left + renewal * Double(policy(c, tier: contracts[k].tier).contractMonths))
                    total[i] += v
                }
            }
        }
        for i in weighted.indices { weighted[i] = total[i] > 0 ? weighted[i] / total[i] : 6 }
        return weighted
    }

    /// This month's investment of provider `i`, whose horizon is `h` months (``horizons()``).
    func investment(provider i: Int, horizon h: Double, revenue: Double, monthlyCost: Double) -> Double {
        guard p.investMaxShare > 0, revenue > 0, providers.reserves[i] > p.minReserveMonths * monthlyCost else { return 0 }
        let willingness = 1 / (1 + exp(-(h - p.paybackMonths) / (0.25 * p.paybackMonths)))
        return p.investMaxShare * revenue * willingness
    }

    /// Accumulates investment into capital and updates quality.
    func updateQuality(provider i: Int, invest: Double) {
        let cap = Double(max(1, providers.capacity[i]))
        providers.capital[i] = providers.capital[i] * (1 - p.depreciation) + invest / cap / inflationIndex
        let w = providers.capital[i] / (providers.capital[i] + p.halfSaturation)
        let experience = min(1, Double(month - providers.entryMonth[i]) / 120)
        providers.quality[i] = min(1, providers.baseQuality[i] + p.qualityGain * w + p.experienceGain * experience)
    }
}
