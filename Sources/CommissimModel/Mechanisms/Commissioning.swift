import Foundation

/// Mechanism 3a — The commissioning cycle.
///
/// At a contract's expiry the council, in this order: extends it if an extension option remains and
/// its trust in the provider is at least extend_threshold (unless it re-tenders good incumbents as a
/// rule); varies it for a new term without tendering under a co-design partnership when mutual
/// trust is at least codesign_threshold (000: the contract "left on the shelf"); lets it lapse when
/// decommissioning; otherwise re-tenders it. Re-tendering a good incumbent (trust ≥ good_incumbent)
/// is a breach of trust for the incumbent and, in part, for the region's providers. A tender needs
/// tender_staff_months of commissioning time; a council without the time left this month rolls
/// the contract over for six months instead. Every three months the council plans: it tenders lots
/// until its contracted volume reaches contracted_share of expected independent demand.
extension Market {
    /// The policy of council `c`'s group.
    @inline(__always) func policy(_ c: Int) -> ModelConfig.Policy { councilPolicies[c] }

    /// Staff-months of commissioning time council `c` has for tendering in a month.
    func tenderTimeLeft(_ c: Int) -> Double { 0.5 * councils.staff[c] - councils.staffUsed[c] }

    /// Terms of a new lot for council `c`, tier `k`, under the strategies it applies now.
    func lotTerms(_ c: Int, tier k: Int, volume: Int) -> Lot {
        let pol = policy(c), s = activeStrategies[c]
        var form = pol.payment
        if s.contains(.outcomePayment) { form = .outcome }
        return Lot(council: c, tier: k, volume: volume,
                   months: pol.contractMonths, extensionMonths: pol.extensionMonths,
                   form: form, outcomeSpec: pol.outcomeSpecification || form == .outcome || s.contains(.codesign),
                   priceWeight: form == .grant ? 0 : (s.contains(.lowestPrice) ? pol.lowestPriceWeight : pol.priceWeight),
                   collaborative: s.contains(.collaborative), incumbent: nil, incumbentContract: nil)
    }

    /// Places per lot for council `c` now (consolidation and collaboration make lots larger).
    func lotSize(_ c: Int) -> Int {
        let s = activeStrategies[c]
        var size = Double(policy(c).lotSize)
        if s.contains(.consolidation) { size *= policy(c).consolidationFactor }
        if s.contains(.collaborative) { size *= 1.5 }
        return max(1, Int(size.rounded()))
    }

    /// Monthly commissioning: expiring contracts, then planning every third month.
    func runCommissioning() {
        for c in 0..<councils.count {
            councils.staffUsed[c] = 0
            for k in councils.contracts[c] where contracts.active[k] && contracts.end[k] <= month { decideAtExpiry(k) }
            if month % 3 == c % 3 {
                for tier in 0..<Tier.allCases.count { planContracts(council: c, tier: tier, initial: false) }
            }
        }
    }

    /// Extend, vary, decommission or re-tender contract `k` at its expiry.
    func decideAtExpiry(_ k: Int) {
        let c = contracts.council[k], i = contracts.provider[k]
        let pol = policy(c), s = activeStrategies[c]
        let trust = Double(providers.councilTrust[pair(i, c)])
        let mutual = min(trust, Double(providers.providerTrust[pair(i, c)]))
        if contracts.extensionLeft[k] > 0 && trust >= p.extendThreshold && !pol.retenderGoodIncumbents {
            contracts.end[k] += contracts.extensionLeft[k]
            contracts.extensionLeft[k] = 0
            councils.staffUsed[c] += 0.25
            tally.tenderCost += 0.25 * p.staffCost
            tally.extensions += 1
            conduct(.renewal, council: c, provider: i)
            return
        }
        if s.contains(.codesign) && mutual >= p.codesignThreshold && !pol.retenderGoodIncumbents {
            contracts.start[k] = month
            contracts.end[k] = month + pol.contractMonths
            contracts.extensionLeft[k] = pol.extensionMonths
            contracts.codesign[k] = true
            councils.staffUsed[c] += 0.5
            tally.tenderCost += 0.5 * p.staffCost
            tally.variations += 1
            conduct(.renewal, council: c, provider: i)
            return
        }
        if s.contains(.decommission) {
            endContract(k, early: false)
            return
        }
        if tenderTimeLeft(c) < p.tenderStaffMonths * (s.contains(.collaborative) ? 0.5 : 1) {
            contracts.end[k] += 6 // rolled over: no time to re-tender this month
            return
        }
        tally.retenders += 1
        if trust >= p.goodIncumbent { conduct(.retenderedGoodIncumbent, council: c, provider: i) }
        var lot = lotTerms(c, tier: contracts.tier[k], volume: max(contracts.volume[k], lotSize(c)))
        lot.incumbent = i
        lot.incumbentContract = k
        if tender(lot) == nil { endContract(k, early: false) }
    }

    /// Tenders lots until council `c`'s contracted volume of tier `k` reaches its target.
    func planContracts(council c: Int, tier k: Int, initial: Bool) {
        let pol = policy(c)
        let inHouse = councils.inHouse[councilTier(c, k)]
        if !initial { expandInHouseIfCheaper(c, tier: k) }
        let independentDemand = max(0, expectedStock(c, k) - Double(providers.capacity[inHouse]))
        var target = pol.contractedShare * independentDemand
        if activeStrategies[c].contains(.decommission) { target *= 1 - pol.decommissionCut }
        var current = 0
        for ct in councils.contracts[c] where contracts.tier[ct] == k { current += contracts.volume[ct] }
        let size = lotSize(c)
        var rounds = 0
        while Double(current) + Double(size) / 2 <= target && (initial || rounds < 3) {
            let volume = min(size, max(1, Int((target - Double(current)).rounded())))
            if !initial && tenderTimeLeft(c) < p.tenderStaffMonths { break }
            rounds += 1
            guard let ct = tender(lotTerms(c, tier: k, volume: volume), initial: initial) else {
                if initial { break } else { continue }
            }
            current += contracts.volume[ct]
            if rounds > 1000 { break }
        }
    }
}
