import Foundation

/// Mechanism 3c — Placement: matching waiting children to places.
///
/// A waiting child of council c and tier k goes, in order, to a free place on one of c's block,
/// grant or outcome contracts for k; to a framework (spot-form) contract whose provider has room,
/// at the contract price; to c's in-house service; or to a spot purchase: the council rings round (up to 3 × spot_candidates
/// calls, a third local, a third regional) until it has found spot_candidates providers with a
/// vacancy, and buys from the one that offers the best
/// quality per price, at unit cost × (1 + target margin + shortage mark-up + risk premium + spot_premium)
/// (private providers never below cost plus required margin). Otherwise the child waits. Each
/// waiting child's need resolves elsewhere with probability 1/duration per month (it leaves unserved).
extension Market {
    /// Places every waiting child that can be placed, oldest first.
    func runPlacement() {
        for c in 0..<councils.count {
            var still: [Int32] = []
            for child in councils.waiting[c] {
                let i = Int(child)
                if children.exitMonth[i] <= Int32(month) {
                    leave(i) // need ended while waiting to be placed again
                    continue
                }
                if place(i) { continue }
                if rng.bernoulli(1 / p.duration[Int(children.tier[i])]) {
                    leave(i)
                } else {
                    still.append(child)
                }
            }
            councils.waiting[c] = still
        }
    }

    /// Tries to place child `i`; returns whether it was placed.
    func place(_ i: Int) -> Bool {
        let c = Int(children.council[i]), k = Int(children.tier[i])
        let ck = councilTier(c, k)
        if freePlaces[ck] > 0 || frameworks[ck] > 0 {
        for ct in councils.contracts[c] where contracts.tier[ct] == k && contracts.active[ct] {
            let pr = contracts.provider[ct]
            if reservesPlaces(ct) {
                if contracts.occupied[ct] < contracts.volume[ct] {
                    assign(i, provider: pr, contract: ct, price: 0, spot: false)
                    return true
                }
            } else if spotFree(pr) > 0 {
                assign(i, provider: pr, contract: ct, price: contracts.price[ct], spot: false)
                return true
            }
        }
        }
        let h = councils.inHouse[c][k]
        if providers.occupied[h] < providers.capacity[h] {
            assign(i, provider: h, contract: -1, price: 0, spot: false)
            return true
        }
        let pool = councils.reachable[c][k]
        guard !pool.isEmpty else { return false }
        let local = councils.localCount[c][k], nearby = councils.nearbyCount[c][k]
        var best = -1, bestValue = -Double.infinity, bestPrice = 0.0
        var found = 0
        for attempt in 0..<(3 * p.spotCandidates) where found < p.spotCandidates {
            // Councils ring round for a vacancy, their own area first: a third of the calls go to
            // local providers, a third to regional ones, a third to anyone they can reach.
            let j: Int
            switch attempt % 3 {
            case 0 where local > 0: j = pool[rng.uniformInt(local)]
            case 1 where nearby > local: j = pool[local + rng.uniformInt(nearby - local)]
            default: j = pool[rng.uniformInt(pool.count)]
            }
            guard providers.alive[j], spotFree(j) > 0 else { continue }
            found += 1
            let price = spotPrice(j, council: c)
            let value = providers.quality[j] / (price / (p.monthlyBaseCost[k] * inflationIndex))
            if value > bestValue { best = j; bestValue = value; bestPrice = price }
        }
        guard best >= 0 else { return false }
        assign(i, provider: best, contract: -1, price: bestPrice, spot: true)
        tally.newSpot += 1
        let rt = regionTier(councils.region[c], k)
        priceIndex[rt] += 0.02 * (bestPrice / (p.monthlyBaseCost[k] * inflationIndex) - 1 - priceIndex[rt])
        return true
    }

    /// Spot price per month of provider `j`.
    func spotPrice(_ j: Int, council c: Int) -> Double {
        var m = providers.targetMargin[j] + p.shortageMarkup * shortage[regionTier(providers.region[j], providers.tier[j])]
        m += p.riskPremium * (1 - Double(providers.providerTrust[pair(j, c)]))
        if providers.kind[j].isPrivate { m = max(m, max(0, providers.requiredMargin[j])) }
        return unitCost(j) * (1 + m + p.spotPremium)
    }

    /// Monthly breakdown hazard of a placement with provider `j`.
    @inline(__always) func breakdownHazard(_ j: Int, child i: Int, spot: Bool) -> Double {
        let h = p.breakdownRate * exp(-p.qualitySensitivity * (providers.quality[j] - 0.5)) * (spot ? p.spotBreakdownFactor : 1)
        return min(1, h * (1 + p.instability * Double(min(children.breakdowns[i], 4))))
    }

    /// Starts child `i`'s placement with provider `j`.
    func assign(_ i: Int, provider j: Int, contract ct: Int, price: Double, spot: Bool) {
        children.provider[i] = Int32(j)
        children.contract[i] = Int32(ct)
        children.price[i] = price
        children.spot[i] = spot
        children.placementStart[i] = Int32(month)
        children.placements[i] &+= 1
        children.placementsThisYear[i] &+= 1
        if children.exitMonth[i] == Int32.max {
            children.exitMonth[i] = Int32(month + rng.geometric(1 / p.duration[Int(children.tier[i])]))
        }
        let b = month + rng.geometric(breakdownHazard(j, child: i, spot: spot))
        children.breakdownMonth[i] = Int32(min(b, Int(Int32.max)))
        providers.occupied[j] += 1
        if providers.kind[j] != .inHouse {
            let c = Int(children.council[i]), ix = pair(j, c)
            let n = Int(providers.placedPairs[ix])
            councilPlacedSquares[c] += 2 * n + 1
            councilPlaced[c] += 1
            providers.placedPairs[ix] = UInt16(n + 1)
        }
        if ct >= 0 {
            contracts.occupied[ct] += 1
            contracts.members[ct].append(Int32(i))
            if reservesPlaces(ct) {
                providers.blockOccupied[j] += 1
                freePlaces[councilTier(contracts.council[ct], contracts.tier[ct])] -= 1
            }
        }
        tally.newPlacements += 1
    }

    /// Ends child `i`'s current placement (leaving, breakdown or provider exit).
    func detach(_ i: Int) {
        let j = Int(children.provider[i])
        guard j >= 0 else { return }
        providers.occupied[j] -= 1
        if providers.kind[j] != .inHouse {
            let c = Int(children.council[i]), ix = pair(j, c)
            let n = Int(providers.placedPairs[ix])
            councilPlacedSquares[c] -= 2 * n - 1
            councilPlaced[c] -= 1
            providers.placedPairs[ix] = UInt16(n - 1)
        }
        let ct = Int(children.contract[i])
        if ct >= 0 {
            contracts.occupied[ct] -= 1
            if let at = contracts.members[ct].firstIndex(of: Int32(i)) { contracts.members[ct].remove(at: at) }
            if reservesPlaces(ct) {
                providers.blockOccupied[j] -= 1
                freePlaces[councilTier(contracts.council[ct], contracts.tier[ct])] += 1
            }
        }
        children.provider[i] = -1
        children.contract[i] = -1
        children.price[i] = 0
        children.spot[i] = false
        children.breakdownMonth[i] = Int32.max
    }
}
