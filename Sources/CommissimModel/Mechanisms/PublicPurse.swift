import Foundation

/// Mechanism 8 — Costs outside the council's budget (MODEL.md §3.13): the justice and welfare
/// streams a leaver starts, counted per care leaver as 004 defines them, priced and discounted,
/// from a stock of earlier leavers' streams (``bookEarlierLeavers()``).
extension Market {
    /// The yearly external cost, at month-1 prices, of one leaver of tier `tier` with outcome `o`.
    func yearlyExternalCost(outcome o: Double, tier: Int) -> Double {
        let perCareLeaver = (1 - o) * (p.justiceProb * p.justiceCost + p.welfareProb * p.welfareCost)
        return perCareLeaver * (tier == Tier.familySupport.rawValue ? p.familySupportFactor : p.careLeaverShare)
    }

    /// Books the external cost stream of one leaver with outcome `o`.
    func bookExternalCosts(outcome o: Double, tier: Int) {
        let yearly = yearlyExternalCost(outcome: o, tier: tier)
        guard yearly > 0, p.externalYears > 0 else { return }
        let monthly = yearly / 12
        externalDelta[month + 1] += monthly
        externalDelta[month + 1 + 12 * p.externalYears] -= monthly
        tally.externalCommitted += yearly * Double(p.externalYears) * inflationIndex
    }

    /// The streams of children who left before the run began: one cohort a month at the set-up
    /// market's leaving rate (its referral rate) and the quality its children receive, each cohort
    /// ending `external.years` after it left, so the level at month 0 is the steady state's.
    func bookEarlierLeavers() {
        let years = p.externalYears
        guard years > 0 else { return }
        let tiers = Tier.allCases.count
        var quality = [Double](repeating: 0, count: tiers), placed = quality
        for i in 0..<children.count where children[i].alive && children[i].provider >= 0 {
            let k = Int(children[i].tier)
            quality[k] += providers.quality[Int(children[i].provider)]
            placed[k] += 1
        }
        var cohort = 0.0
        for k in 0..<tiers where placed[k] > 0 {
            var leavers = 0.0
            for c in 0..<councils.count { leavers += referralRate(c, k) }
            cohort += leavers * yearlyExternalCost(outcome: quality[k] / placed[k], tier: k) / 12
        }
        externalDelta[0] += cohort * Double(12 * years)
        for t in 1...(12 * years) { externalDelta[t] -= cohort }
    }

    /// External costs falling in this month, at this month's prices.
    func externalCostsThisMonth() -> Double {
        max(0, externalLevel) * inflationIndex
    }

    /// Advances the running level of the external streams to this month (once a month).
    func advanceExternalCosts() {
        externalLevel += externalDelta[month]
    }

    /// The discount factor of this reported month back to month 1 at `external.discount_rate`.
    func discountFactor() -> Double { pow(1 + p.discountRate, -Double(max(0, reportedMonth)) / 12) }
}
