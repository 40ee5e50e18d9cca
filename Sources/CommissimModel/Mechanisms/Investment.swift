import Foundation

/// Mechanism 5 — Investment, quality and innovation (the hold-up problem).
///
/// A provider's expected horizon with its councils is the volume-weighted mean over its contracts of
///   H = months left + τ_pc × contract_months of the council's policy
/// (its trust in the council is its belief in renewal); with no contract H = 6 months. It invests
///   I = max_share × revenue × 1 / (1 + exp(−(H − payback_months) / (0.25 payback_months)))
/// if its reserves exceed min_reserve_months of cost, else nothing. Investment accumulates per place,
/// K ← K (1 − depreciation) + I / capacity, with saturation w = K / (K + half_saturation); then
///   quality = base quality + quality_gain × w + experience_gain × min(1, months trading / 120),
///   unit cost = base cost × cost factor × inflation × (1 − cost_reduction × w).
/// So investment pays back only over a horizon longer than a short contract (000: "transformative
/// partnerships will struggle to deliver within three year contracts"; 003: 12- or 18-month contracts).
extension Market {
    /// Expected horizon (months) of every provider with the councils it serves: over its
    /// contracts in force, the volume-weighted mean of the term left (with any extension) plus
    /// the renewal it expects (its trust in the council × the council's contract length); 6
    /// months for a provider without contracts. One pass over the contracts, in id order.
    func horizons() -> [Double] {
        var weighted = [Double](repeating: 0, count: providers.count), total = weighted
        for k in activeContracts {
            let c = contracts.council[k], i = contracts.provider[k]
            let left = Double(max(0, contracts.end[k] - month) + contracts.extensionLeft[k])
            let renewal = Double(providers.providerTrust[pair(i, c)])
            let v = Double(max(1, contracts.volume[k]))
            weighted[i] += v * (left + renewal * Double(policy(c).contractMonths))
            total[i] += v
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
