import Foundation

/// Mechanism 4c — Market entry and exit, and shortage (MODEL.md §3.8): the shortage signal, entry
/// by region and tier, and what an exit does to contracts and children.
extension Market {
    /// Updates the shortage index of every region and tier.
    func updateShortage() {
        let n = shortage.count
        var cap = Array(repeating: 0.0, count: n), occ = Array(repeating: 0.0, count: n), wait = Array(repeating: 0.0, count: n)
        for i in providers.trading where providers.kind[i] != .inHouse {
            let rt = regionTier(providers.region[i], providers.tier[i])
            cap[rt] += Double(providers.capacity[i])
            occ[rt] += Double(providers.occupied[i])
        }
        for c in 0..<councils.count {
            for child in councils.waiting[c] { wait[regionTier(councils.region[c], Int(children[Int(child)].tier))] += 1 }
        }
        for rt in 0..<n {
            let u = cap[rt] > 0 ? occ[rt] / cap[rt] : 1
            shortage[rt] = min(1, max(0, (u - 0.85) / 0.15) + (cap[rt] > 0 ? wait[rt] / cap[rt] : 1))
        }
    }

    /// Removes the providers that decided to exit this month.
    func runExits() {
        guard !exiting.isEmpty else { return }
        for i in exiting {
            providers.markExited(i, month: month)
            tally.exits[providers.kind[i].rawValue] += 1
        }
        providers.dropExited()
        // Every exiting provider is marked first, so an alliance's places go to members that stay.
        for i in exiting {
            for k in providers.contracts[i] {
                allianceMemberExits(k)
                endContract(k, early: false)
            }
        }
        // Every child with an exiting provider moves: a placement breakdown (in slot order).
        var moving: [Int] = []
        for i in exiting { moving += offContractChildren(of: i) } // their contracts have ended above
        forEachEnding(moving.sorted()) { ch in
            breakDown(ch)
            tally.displaced += 1
            councils.waiting[Int(children[ch].council)].insert(Int32(ch), at: 0)
        }
        exiting.removeAll()
        reachDirty = true
    }

    /// New providers enter where margins or shortage are attractive.
    func runEntry() {
        let groups = config.providers
        guard !groups.isEmpty, p.entryRate > 0 else { return }
        let growth = demandIndex()
        for r in 0..<p.regions {
            let home = (0..<councils.count).filter { councils.region[$0] == r }
            guard !home.isEmpty else { continue }
            // Entry grows with the market it serves: per million children living in the region,
            // at the month's demand (MODEL.md §3.8), so a tenth of England has a tenth of the entry.
            let millions = home.reduce(0.0) { $0 + councils.children[$1] * councils.demandFactor[$1] } / 1e6 * growth
            for k in 0..<Tier.allCases.count {
                let rt = regionTier(r, k)
                let rate = p.entryRate * millions * (max(0, priceIndex[rt] - p.entryMargin) / 0.1 + shortage[rt])
                // At most 20 entrants per million children a month: a guard for extreme entry
                // parameters (never reached with the defaults, whose mean is below one; §3.8).
                let n = min(rng.poisson(rate), Int(20 * millions) + 5)
                guard n > 0 else { continue }
                let weights = groups.map { Double($0.count) * $0.tierShares[k] }
                guard weights.reduce(0, +) > 0 else { continue }
                for _ in 0..<n {
                    let g = pick(weights)
                    let c = home[pick(home.map { councils.children[$0] })]
                    let id = addProvider(group: g, home: c, tier: k)
                    // It opens staffed for part of its registered places and recruits as they fill (§3.8).
                    providers.capacity[id] = max(1, Int((Double(providers.registered[id]) * p.entrantStaffedShare).rounded()))
                    tally.entries[providers.kind[id].rawValue] += 1
                }
            }
        }
    }
}
