/// Mechanism 8 — Costs outside the council's budget (silos).
///
/// A child leaving with outcome o starts a stream of costs to other parts of the public purse of
///   (1 − o) × (justice_prob × justice_cost + welfare_prob × welfare_cost) per year for `years`
/// years (times family_support_factor for children leaving family support, who are not care
/// leavers). Defaults from 004: diverting 10% of care leavers from the justice system saves
/// £87,178,500 a year (about £87,178 per leaver diverted, with roughly 10,000 leavers a year), and
/// from welfare nearly £20m (about £19,800 per leaver). Children screened out of services count
/// with outcome unserved_outcome. The costs are reported apart from council spend, month by month
/// as they fall (`external_costs`) and as the total committed by the month's leavers.
extension Market {
    /// Books the external cost stream of one leaver with outcome `o`.
    func bookExternalCosts(outcome o: Double, tier: Int) {
        var yearly = (1 - o) * (p.justiceProb * p.justiceCost + p.welfareProb * p.welfareCost)
        if tier == Tier.familySupport.rawValue { yearly *= p.familySupportFactor }
        guard yearly > 0, p.externalYears > 0 else { return }
        let monthly = yearly / 12
        externalDelta[month + 1] += monthly
        externalDelta[month + 1 + 12 * p.externalYears] -= monthly
        tally.externalCommitted += yearly * Double(p.externalYears)
    }

    /// External costs falling in this month.
    func externalCostsThisMonth() -> Double {
        externalLevel += externalDelta[month]
        return max(0, externalLevel)
    }
}
