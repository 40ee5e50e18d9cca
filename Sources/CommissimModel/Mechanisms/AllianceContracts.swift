/// Mechanism 2d — Alliance contracts (MODEL.md §3.9a): a lot let jointly to the best-scored
/// bidders, who share a gain/pain pot on their children's outcomes, build (or lose) trust in each
/// other by it, and take on a departing member's places.
extension Market {
    /// Awards `lot` (payment form `alliance`) to the `alliance_members` best-scored bidders of
    /// `ranked` (best first), at most one per place, splitting its places evenly (the better-ranked
    /// take the remainder) — except that a winner that held one of the lot's old contracts (the
    /// incumbent's, or its alliance partners') renews it with at least a place for each child on it
    /// (``shares(of:floors:)``); the other old contracts end. Returns the first member's contract.
    func awardAlliance(_ lot: Lot, ranked: [(provider: Int, price: Double)], initial: Bool) -> Int {
        let n = max(1, min(policy(lot.council, tier: lot.tier).allianceMembers, ranked.count, lot.volume))
        var old = ([lot.incumbentContract].compactMap { $0 } + lot.partners).filter { contracts[$0].active }
        var renewing: [Int?] = []
        for w in ranked.prefix(n) {
            let k = old.first { contracts[$0].provider == w.provider }
            renewing.append(k)
            old.removeAll { $0 == k }
        }
        let volumes = Self.shares(of: lot.volume, floors: renewing.map { k in max(1, k.map { contracts[$0].occupied } ?? 0) })
        var members: [Int] = []
        for (m, w) in ranked.prefix(n).enumerated() {
            var part = lot
            part.volume = volumes[m]
            part.incumbentContract = renewing[m]
            members.append(award(part, provider: w.provider, price: w.price, initial: initial))
        }
        // One term for the whole alliance (the first member's: at set-up, its staggered start).
        for k in members.dropFirst() {
            contracts[k].start = contracts[members[0]].start
            contracts[k].end = contracts[members[0]].end
            contracts[k].breakAt = contracts[members[0]].breakAt
        }
        // Old contracts whose providers are not members end ("existing placements continue").
        for o in old where contracts[o].active { endContract(o, early: false) }
        for k in members { leaveAlliance(k) }
        let a = alliances.append(council: lot.council, tier: lot.tier, members: members, trust: p.trustInitial)
        for k in members { contracts[k].alliance = a }
        return members[0]
    }

    /// `total` places split evenly among members, the better-ranked (first) taking the remainder,
    /// where no member gets fewer than its floor: a member whose floor is above the even share keeps
    /// its floor and the others split the rest in the same way. If the floors come to more than
    /// `total`, each member gets its floor. Each member's floor is at least one place, and a
    /// renewing member's at least the children placed on its contract: children in place keep
    /// their places ("existing placements continue"), which an even share alone could leave
    /// unpaid, above the member's places.
    static func shares(of total: Int, floors: [Int]) -> [Int] {
        var out = floors, open = Array(floors.indices), left = max(total, floors.reduce(0, +))
        while !open.isEmpty {
            let even = left / open.count
            let above = open.filter { floors[$0] > even }
            guard !above.isEmpty else { break }
            for m in above { left -= floors[m] }
            open.removeAll { floors[$0] > even }
        }
        guard !open.isEmpty else { return out }
        for (r, m) in open.enumerated() { out[m] = left / open.count + (r < left % open.count ? 1 : 0) }
        return out
    }

    /// Contract `k`'s share of its alliance's monitoring: an alliance is one contract to monitor,
    /// so each of its n members in force carries 1/n of a contract's monitoring cost.
    func allianceMonitoringShare(_ k: Int) -> Double {
        let a = contracts[k].alliance
        guard a >= 0 else { return 1 }
        return 1 / Double(max(1, alliances.members[a].reduce(0) { $0 + (contracts[$1].active ? 1 : 0) }))
    }

    /// The other members of contract `k`'s alliance whose contracts are due now: re-tendered with it.
    func duePartners(_ k: Int) -> [Int] {
        let a = contracts[k].alliance
        guard a >= 0 else { return [] }
        return alliances.members[a].filter { $0 != k && isDue($0) }
    }

    /// Contract `k` leaves its alliance (it was let again on its own, or its provider exits).
    func leaveAlliance(_ k: Int) {
        let a = contracts[k].alliance
        guard a >= 0 else { return }
        alliances.members[a].removeAll { $0 == k }
        contracts[k].alliance = -1
    }

    /// A child leaving alliance contract `ct` with outcome `o` adds to the pot: `alliance_share` of
    /// the price of its placement, times the relative distance of `o` from `outcome_target`
    /// (capped at ±1): a gain above the target, a pain below it.
    func accrueAlliance(contract ct: Int, child i: Int, outcome o: Double) {
        let a = contracts[ct].alliance
        guard a >= 0 else { return }
        let months = Double(month - Int(children[i].placementStart) + 1)
        let share = policy(contracts[ct].council, tier: contracts[ct].tier).allianceShare
        let target = max(0.01, p.outcomeTarget)
        alliances.pot[a] += share * contracts[ct].price * months * min(1, max(-1, (o - target) / target))
    }

    /// Each January the pot is settled with the members still trading, in proportion to their
    /// places: a gain paid by the council (and seen as sharing savings), a pain repaid by the
    /// members. A shared gain builds the members' trust in each other, a shared loss wears it.
    func settleAlliances() {
        for a in 0..<alliances.count where alliances.pot[a] != 0 {
            let pot = alliances.pot[a]
            alliances.pot[a] = 0
            let live = alliances.members[a].filter { contracts[$0].active && providers.alive[contracts[$0].provider] }
            guard !live.isEmpty else { continue }
            let c = alliances.council[a]
            let places = live.reduce(0) { $0 + contracts[$1].volume }
            for k in live {
                let amount = places > 0 ? pot * Double(contracts[k].volume) / Double(places) : pot / Double(live.count)
                let i = contracts[k].provider
                providers.revenue[i] += amount
                providers.councilRevenue[i] += amount
                councilSpend[c] += amount
                tally.spendOutcome += amount
                tally.allianceSettlements += amount
                tally.settledByTier[contracts[k].tier] += amount
                if providers.kind[i] == .investorPrivate { tally.settledInvestorByTier[contracts[k].tier] += amount }
                if amount > 0 { conduct(.sharedSavings, council: c, provider: i) }
            }
            alliances.settled[a] += pot
            alliances.trust[a] = Double(TrustDynamics.update(Float(alliances.trust[a]), signal: pot > 0 ? 1 : 0,
                                                             rate: p.trustEventRate, lossMultiplier: p.trustLossMultiplier))
        }
    }

    /// Alliance contract `k`'s provider is leaving the market: each remaining member takes on an
    /// even part of its places with probability the members' trust in each other ("share delivery
    /// responsibility"; places nobody takes on are lost with the contract), then that trust falls.
    func allianceMemberExits(_ k: Int) {
        let a = contracts[k].alliance
        guard a >= 0 else { return }
        leaveAlliance(k)
        tally.allianceMemberExits += 1
        let others = alliances.members[a].filter { contracts[$0].active && providers.alive[contracts[$0].provider] }
        var left = contracts[k].volume
        for (n, o) in others.enumerated() where left > 0 {
            let take = (left + others.count - n - 1) / (others.count - n)
            guard rng.bernoulli(alliances.trust[a]) else { continue }
            commit(contract: o, volume: contracts[o].volume + take)
            left -= take
        }
        alliances.trust[a] = Double(TrustDynamics.update(Float(alliances.trust[a]), signal: 0,
                                                         rate: p.trustEventRate, lossMultiplier: p.trustLossMultiplier))
    }
}
