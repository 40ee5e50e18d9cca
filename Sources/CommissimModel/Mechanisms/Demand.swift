import Foundation

/// Mechanism 1 — Demand (MODEL.md §3.2): referrals per council, tier and month, trend and shocks,
/// and the family-support referrals screened out under tightened eligibility or rationing.
extension Market {
    /// Growth of demand since month 1 from the trend alone (1 throughout the burn-in, whose clock
    /// stands still): referrals, entry and commissioning teams follow it (MODEL.md §3.2).
    func demandIndex() -> Double { pow(1 + p.trend, Double(clock) / 12) }

    /// Expected referrals per month of tier `k` for council `c` now.
    func referralRate(_ c: Int, _ k: Int) -> Double {
        var rate = p.referralsPer10k * councils.children[c] / 10_000 * councils.demandFactor[c] * p.tierShare[k]
        rate *= demandIndex()
        if p.shockMonth > 0 && reportedMonth >= p.shockMonth && reportedMonth < p.shockMonth + p.shockMonths { rate *= 1 + p.shockSize }
        if month < councils.shockUntil[c] { rate *= 1 + councils.shockSize[c] }
        return rate
    }

    /// Share of family-support referrals council `c` screens out this month: tightened
    /// eligibility (decommissioning) and, over budget, rationing in proportion to the overspend
    /// (looked-after children are a statutory duty and are never rationed). MODEL.md §3.2–3.3.
    func familySupportScreen(_ c: Int) -> (eligibility: Double, rationing: Double) {
        (tightened[c] ? p.eligibilityScreen : 0, min(1, p.rationing * max(0, councils.pressure[c])))
    }

    /// New referrals of the month join their council's waiting list.
    func runDemand() {
        for c in 0..<councils.count {
            if !inBurnIn && p.randomShockProb > 0 && rng.bernoulli(p.randomShockProb) {
                councils.shockSize[c] = p.randomShockSize
                councils.shockUntil[c] = month + 6
            }
            for k in 0..<Tier.allCases.count {
                let n = rng.poisson(referralRate(c, k))
                tally.referrals += n
                let screen = k == Tier.familySupport.rawValue ? familySupportScreen(c) : (eligibility: 0.0, rationing: 0.0)
                for _ in 0..<n {
                    if screen.eligibility > 0 && rng.bernoulli(screen.eligibility) {
                        tally.screenedOut += 1
                        bookExternalCosts(outcome: p.unservedOutcome, tier: k)
                        continue
                    }
                    if screen.rationing > 0 && rng.bernoulli(screen.rationing) {
                        tally.screenedOut += 1
                        tally.rationed += 1
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
