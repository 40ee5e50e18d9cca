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
    /// Expected horizon (months) of provider `i` with the councils it serves.
    func horizon(provider i: Int) -> Double {
        var weighted = 0.0, total = 0.0
        for k in providers.contracts[i] where contracts.active[k] {
            let c = contracts.council[k]
            let left = Double(max(0, contracts.end[k] - month) + contracts.extensionLeft[k])
            let renewal = Double(providers.providerTrust[pair(i, c)])
            let v = Double(max(1, contracts.volume[k]))
            weighted += v * (left + renewal * Double(policy(c).contractMonths))
            total += v
        }
        return total > 0 ? weighted / total : 6
    }

    /// This month's investment of provider `i`.
    func investment(provider i: Int, revenue: Double, monthlyCost: Double) -> Double {
        guard p.investMaxShare > 0, revenue > 0, providers.reserves[i] > p.minReserveMonths * monthlyCost else { return 0 }
        let h = horizon(provider: i)
        let willingness = 1 / (1 + exp(-(h - p.paybackMonths) / (0.25 * p.paybackMonths)))
        return p.investMaxShare * revenue * willingness
    }

    /// Accumulates investment into capital and updates quality.
    func updateQuality(provider i: Int, invest: Double) {
        let cap = Double(max(1, providers.capacity[i]))
        providers.capital[i] = providers.capital[i] * (1 - p.depreciation) + invest / cap
        let w = providers.capital[i] / (providers.capital[i] + p.halfSaturation)
        let experience = min(1, Double(month - providers.entryMonth[i]) / 120)
        providers.quality[i] = min(1, providers.baseQuality[i] + p.qualityGain * w + p.experienceGain * experience)
    }
}
