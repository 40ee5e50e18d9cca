import Foundation

/// Mechanism 3a — The commissioning cycle (MODEL.md §3.5): decisions at a contract's expiry
/// (extend, vary, lapse, re-tender), commissioning staff time and roll-overs, and the quarterly
/// planning of in-house services and contracted lots.
extension Market {
    /// The policy of council `c`'s group.
    @inline(__always) func policy(_ c: Int) -> ModelConfig.Policy { councilPolicies[c] }
    /// Council `c`'s policy for tier `k`: its contract terms for that tier (MODEL.md §3.5).
    @inline(__always) func policy(_ c: Int, tier k: Int) -> ModelConfig.Policy { tierPolicies[councilTier(c, k)] }

    /// Staff-months of commissioning time council `c` has built up and not yet spent.
    func tenderTimeLeft(_ c: Int) -> Double { councils.staffTime[c] }

    /// Spends `staffMonths` of council `c`'s commissioning time (priced as staff cost).
    func spendStaffTime(_ c: Int, _ staffMonths: Double) {
        councils.staffUsed[c] += staffMonths
        councils.staffTime[c] -= staffMonths
        tally.tenderCost += staffMonths * staffCost
    }

    /// Counts a contract let (tendered, extended or varied) for `months` months by council `c`.
    func countLet(_ c: Int, months: Int) {
        councils.contractsLet[c] += 1
        councils.monthsLet[c] += months
        tally.contractsLet += 1
        tally.monthsLet += months
    }

    /// Terms of a new lot for council `c`, tier `k`, under the strategies it applies now.
    func lotTerms(_ c: Int, tier k: Int, volume: Int) -> Lot {
        let pol = policy(c, tier: k), s = activeStrategies[c]
        let form = s.paymentForm(pol)
        return Lot(council: c, tier: k, volume: volume,
                   months: pol.contractMonths, extensionMonths: pol.extensionMonths, breakMonths: pol.breakMonths,
                   form: form, outcomeSpec: s.specifiesOutcomes(pol, form: form), priceWeight: s.priceWeight(pol, form: form),
                   collaborative: s.tendersJointly, incumbent: nil, incumbentContract: nil)
    }

    /// Places per lot for council `c` now (consolidation and collaboration make lots larger).
    func lotSize(_ c: Int, tier k: Int) -> Int { activeStrategies[c].lotSize(policy(c, tier: k)) }

    /// Commissioning staff (FTE) of council `c` now: its team grows with the demand it serves, as
    /// the number of contracts at the policy's lot size does (MODEL.md §3.5).
    func commissioningStaff(_ c: Int) -> Double { councils.staff[c] * staffGrowth }

    /// Most staff time council `c` can build up: six months' worth, and at least two tenders'.
    func staffTimeCap(_ c: Int) -> Double { max(3 * commissioningStaff(c), 2 * p.tenderStaffMonths) }

    /// Staff-months one tender of council `c` takes now.
    func tenderStaffMonths(_ c: Int) -> Double { tenderStaffMonths(collaborative: activeStrategies[c].tendersJointly) }

    /// Whether contract `k` is in force and at or past its end: to be decided now, or waiting for
    /// staff time to be tendered.
    @inline(__always) func isDue(_ k: Int) -> Bool { contracts[k].active && contracts[k].end <= month }

    /// Monthly commissioning: staff time builds up, expiring contracts are decided (least trusted
    /// first), then every third month the council plans.
    func runCommissioning() {
        staffGrowth = p.staffFollowDemand ? demandIndex() : 1
        for c in councilOrder {
            councils.staffUsed[c] = 0
            councils.contractsLet[c] = 0
            councils.monthsLet[c] = 0
            councils.rollovers[c] = 0
            councils.breaks[c] = 0
            councils.staffTime[c] = min(councils.staffTime[c] + 0.5 * commissioningStaff(c), staffTimeCap(c))
            for k in councils.contracts[c] where contracts[k].active && contracts[k].breakAt == month { decideAtBreak(k) }
            var expiring = councils.contracts[c].filter(isDue)
            if expiring.count > 1 && activeStrategies[c].lapsesExpiringContracts {
                expiring.sort { councilTrust($0) < councilTrust($1) }
            }
            // isDue again: an alliance partner re-tendered with an earlier contract is decided.
            for k in expiring where isDue(k) { decideAtExpiry(k) }
            if month % 3 == c % 3 {
                for tier in 0..<Tier.allCases.count { planContracts(council: c, tier: tier, initial: false) }
            }
        }
    }

    /// Contracts of council `c` past their end, waiting for staff time to be tendered.
    public func tendersWaiting(_ c: Int) -> Int {
        councils.contracts[c].reduce(0) { $0 + (isDue($1) ? 1 : 0) }
    }

    /// Council trust in the provider of contract `k`.
    private func councilTrust(_ k: Int) -> Float { providers.councilTrust[pair(contracts[k].provider, contracts[k].council)] }

    /// Extend, vary, decommission or re-tender contract `k` at (or, waiting for staff, after) its expiry.
    func decideAtExpiry(_ k: Int) {
        let c = contracts[k].council, i = contracts[k].provider
        let pol = policy(c, tier: contracts[k].tier), s = activeStrategies[c]
        let trust = Double(providers.councilTrust[pair(i, c)])
        let mutual = min(trust, Double(providers.providerTrust[pair(i, c)]))
        if contracts[k].extensionLeft > 0 && trust >= p.extendThreshold && !pol.retenderGoodIncumbents {
            let extra = contracts[k].extensionLeft
            contracts[k].end = max(contracts[k].end, month) + extra
            contracts[k].extensionLeft = 0
            spendStaffTime(c, 0.25)
            tally.extensions += 1
            countLet(c, months: extra)
            conduct(.renewal, council: c, provider: i)
            return
        }
        if s.variesTrustedIncumbents && mutual >= p.codesignThreshold && !pol.retenderGoodIncumbents {
            contracts[k].start = month
            contracts[k].end = month + pol.contractMonths
            contracts[k].extensionLeft = pol.extensionMonths
            contracts[k].breakAt = breakPoint(start: month, pol.breakMonths, term: pol.contractMonths)
            contracts[k].codesign = true
            spendStaffTime(c, 0.5)
            tally.variations += 1
            countLet(c, months: pol.contractMonths)
            conduct(.renewal, council: c, provider: i)
            return
        }
        let tier = contracts[k].tier
        if s.lapsesExpiringContracts && Double(contractedVolume(c, tier: tier)) > contractTarget(c, tier: tier) {
            endContract(k, early: false)
            return
        }
        if tenderTimeLeft(c) < tenderStaffMonths(c) {
            // Rolled over: the contract continues while its tender waits for staff time.
            if contracts[k].end == month {
                tally.rollovers += 1
                councils.rollovers[c] += 1
            }
            return
        }
        tally.retenders += 1
        // Re-tendering a trusted incumbent whose contract offered an extension is a breach; an
        // expiring contract re-tendered as its terms foresaw is not (MODEL.md §3.11).
        if trust >= p.goodIncumbent && contracts[k].extensionLeft > 0 { conduct(.retenderedGoodIncumbent, council: c, provider: i) }
        // An alliance is re-tendered whole: its members' contracts due now form one lot.
        let partners = duePartners(k)
        let volume = partners.reduce(contracts[k].volume) { $0 + contracts[$1].volume }
        var lot = lotTerms(c, tier: tier, volume: max(volume, lotSize(c, tier: tier)))
        lot.incumbent = i
        lot.incumbentContract = k
        lot.partners = partners
        if tender(lot) == nil { endContract(k, early: false) }
        for o in partners where isDue(o) { endContract(o, early: false) }
    }

    /// Places council `c` holds on contracts of tier `k`.
    func contractedVolume(_ c: Int, tier k: Int) -> Int {
        var current = 0
        for ct in councils.contractsByTier[councilTier(c, k)] where contracts[ct].active { current += contracts[ct].volume }
        return current
    }

    /// The places council `c` aims to hold on contracts of tier `k`: contracted_share of expected
    /// independent demand, less decommission_cut when decommissioning.
    func contractTarget(_ c: Int, tier k: Int) -> Double {
        let pol = policy(c)
        let inHouse = councils.inHouse[councilTier(c, k)]
        let independentDemand = max(0, expectedStock(c, k) - Double(providers.capacity[inHouse]))
        return pol.contractedShare * independentDemand * activeStrategies[c].contractTargetFactor(pol)
    }

    /// In-house services keep staff for their share of expected demand as demand grows (the status
    /// quo); the in_house strategy may add more.
    func staffInHouse(_ c: Int, tier k: Int) {
        let ck = councilTier(c, k), h = councils.inHouse[ck]
        let planned = Int((councils.inHouseShare[ck] * expectedStock(c, k)).rounded())
        if providers.capacity[h] < planned { providers.capacity[h] = planned }
    }

    /// Tenders lots until council `c`'s contracted volume of tier `k` reaches its target.
    func planContracts(council c: Int, tier k: Int, initial: Bool) {
        if !initial {
            staffInHouse(c, tier: k)
            activeStrategies[c].plan(self, council: c, tier: k)
        }
        let target = contractTarget(c, tier: k)
        var current = contractedVolume(c, tier: k)
        let size = lotSize(c, tier: k)
        var rounds = 0
        while Double(current) + Double(size) / 2 <= target && (initial || rounds < 3) {
            let volume = min(size, max(1, Int((target - Double(current)).rounded())))
            if !initial && tenderTimeLeft(c) < tenderStaffMonths(c) { break }
            rounds += 1
            guard let ct = tender(lotTerms(c, tier: k, volume: volume), initial: initial) else {
                if initial { break } else { continue }
            }
            current += contracts[ct].volume
            if rounds > 1000 { break }
        }
    }
}
