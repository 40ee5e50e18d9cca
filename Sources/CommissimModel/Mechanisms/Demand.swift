import Foundation

/// Mechanism 1 — Demand.
///
/// Referrals arrive per council, tier and month as Poisson(λ) with
/// λ = referrals_per_10k × children/10,000 × demand_factor × share_tier × (1 + trend)^(t/12) × shock,
/// where shock is 1 + shock_size during a scheduled shock and 1 + random_shock_size for six
/// months after a random council-level shock. Under tightened eligibility (decommissioning) a
/// share of family-support referrals is screened out: their need stays unmet.
extension Market {
    /// Expected referrals per month of tier `k` for council `c` now.
    func referralRate(_ c: Int, _ k: Int) -> Double {
        var rate = p.referralsPer10k * councils.children[c] / 10_000 * councils.demandFactor[c] * p.tierShare[k]
        rate *= pow(1 + p.trend, Double(month) / 12)
        if p.shockMonth > 0 && month >= p.shockMonth && month < p.shockMonth + p.shockMonths { rate *= 1 + p.shockSize }
        if month < councils.shockUntil[c] { rate *= 1 + councils.shockSize[c] }
        return rate
    }

    /// New referrals of the month join their council's waiting list.
    func runDemand() {
        for c in 0..<councils.count {
            if p.randomShockProb > 0 && rng.bernoulli(p.randomShockProb) {
                councils.shockSize[c] = p.randomShockSize
                councils.shockUntil[c] = month + 6
            }
            for k in 0..<Tier.allCases.count {
                let n = rng.poisson(referralRate(c, k))
                tally.referrals += n
                for _ in 0..<n {
                    if tightened[c] && k == Tier.familySupport.rawValue && rng.bernoulli(p.eligibilityScreen) {
                        tally.screenedOut += 1
                        bookExternalCosts(outcome: p.unservedOutcome, tier: k)
                        continue
                    }
                    tally.accepted += 1
                    let i = admit(council: c, tier: k)
                    councils.waiting[c].append(Int32(i))
                }
            }
        }
    }
}
