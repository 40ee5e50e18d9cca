import CommissimEngine
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
        quoteSpotPrices()
        for c in 0..<councils.count {
            var still: [Int32] = []
            let waiting = councils.waiting[c]
            for (n, child) in waiting.enumerated() {
                if n + 4 < waiting.count { children.prefetch(Int(waiting[n + 4])) }
                let i = Int(child)
                if children[i].exitMonth <= Int32(month) {
                    leave(i) // need ended while waiting to be placed again
                    continue
                }
                if place(i) { continue }
                if rng.bernoulli(1 / p.duration[Int(children[i].tier)]) {
                    leave(i)
                } else {
                    still.append(child)
                }
            }
            councils.waiting[c] = still
        }
    }

    /// Tries to place child `i`; returns whether it was placed. Only while placing (after
    /// ``quoteSpotPrices()`` this month): it reads the month's quotes, vacancies and hazards.
    func place(_ i: Int) -> Bool {
        let c = Int(children[i].council), k = Int(children[i].tier)
        let ck = councilTier(c, k)
        if freePlaces[ck] > 0 || frameworks[ck] > 0 {
        for ct in councils.contractsByTier[ck] where contracts.active[ct] {
            let pr = contracts.provider[ct]
            if reservesPlaces(ct) {
                if contracts.occupied[ct] < contracts.volume[ct] {
                    assign(i, provider: pr, contract: ct, price: 0, spot: false)
                    return true
                }
            } else if spotVacancies[pr] > 0 {
                assign(i, provider: pr, contract: ct, price: contracts.price[ct], spot: false)
                return true
            }
        }
        }
        let h = councils.inHouse[ck]
        if providers.occupied[h] < providers.capacity[h] {
            assign(i, provider: h, contract: -1, price: 0, spot: false)
            return true
        }
        let reach = councils.reach[ck]
        let start = Int(reach.start), size = Int(reach.end) - start
        guard size > 0 else { return false }
        let local = Int(reach.localEnd) - start, nearby = Int(reach.nearbyEnd) - start
        var best = -1, bestValue = -Double.infinity, bestPrice = 0.0
        var found = 0
        for attempt in 0..<(3 * p.spotCandidates) where found < p.spotCandidates {
            // Councils ring round for a vacancy, their own area first: a third of the calls go to
            // local providers, a third to regional ones, a third to anyone they can reach.
            let j: Int
            switch attempt % 3 {
            case 0 where local > 0: j = Int(councils.reachPool[start + rng.uniformInt(local)])
            case 1 where nearby > local: j = Int(councils.reachPool[start + local + rng.uniformInt(nearby - local)])
            default: j = Int(councils.reachPool[start + rng.uniformInt(size)])
            }
            guard spotVacancies[j] > 0 else { continue }
            found += 1
            let quote = spotQuotes[j]
            // How well this placement would suit this child, as the council judges it: a
            // log-normal factor on the offer's value (MODEL.md §3.7).
            let match = p.matchNoise > 0 ? exp(rng.gaussian(sd: p.matchNoise)) : 1
            // Even at full trust this provider would not beat the best offer so far: its trust
            // in the council (a read far away in memory) cannot change the choice.
            guard quote.bestValue * match > bestValue else { continue }
            let price = spotPrice(quote, provider: j, council: c)
            let value = match * quote.value(price: price, baseCost: p.monthlyBaseCost[k] * inflationIndex)
            if value > bestValue { best = j; bestValue = value; bestPrice = price }
        }
        guard best >= 0 else { return false }
        assign(i, provider: best, contract: -1, price: bestPrice, spot: true)
        tally.newSpot += 1
        if k != Tier.familySupport.rawValue { tally.newSpotLookedAfter += 1 }
        let rt = regionTier(councils.region[c], k)
        priceIndex[rt] += 0.02 * (bestPrice / (p.monthlyBaseCost[k] * inflationIndex) - 1 - priceIndex[rt])
        return true
    }

    /// Spot price per month of provider `j` to council `c`.
    func spotPrice(_ j: Int, council c: Int) -> Double { spotPrice(SpotQuote(self, j), provider: j, council: c) }

    /// Spot price per month to council `c` of provider `j`, whose quote is `quote`.
    @inline(__always) func spotPrice(_ quote: SpotQuote, provider j: Int, council c: Int) -> Double {
        quote.price(trust: providers.providerTrust[pair(j, c)], riskPremium: p.riskPremium, spotPremium: p.spotPremium)
    }

    /// Takes every provider's spot quote, vacancies and breakdown hazard for this month's
    /// placements (costs, margins, shortage and quality do not change while children are placed;
    /// trust in the council enters per call; vacancies are kept up to date by
    /// ``assign(_:provider:contract:price:spot:)``).
    func quoteSpotPrices() {
        spotQuotes.removeAll(keepingCapacity: true)
        spotVacancies.removeAll(keepingCapacity: true)
        baseHazards.removeAll(keepingCapacity: true)
        for j in 0..<providers.count {
            guard providers.alive[j] else { // gone: no vacancies, so never quoted or placed with
                spotQuotes.append(SpotQuote.closed)
                spotVacancies.append(0)
                baseHazards.append(0)
                continue
            }
            spotQuotes.append(SpotQuote(self, j))
            spotVacancies.append(Int32(clamping: spotFree(j)))
            baseHazards.append(baseBreakdownHazard(j))
        }
    }

    /// Starts child `i`'s placement with provider `j`.
    func assign(_ i: Int, provider j: Int, contract ct: Int, price: Double, spot: Bool) {
        var child = children[i]
        child.provider = Int32(j)
        child.contract = Int32(ct)
        child.price = price
        child.spot = spot
        child.placementStart = Int32(month)
        child.placements &+= 1
        child.placementsThisYear &+= 1
        if child.exitMonth == Int32.max {
            child.exitMonth = Int32(month + rng.geometric(1 / p.duration[Int(child.tier)]))
        }
        let b = month + rng.geometric(breakdownHazard(j, breakdowns: child.breakdowns, spot: spot))
        child.breakdownMonth = Int32(min(b, Int(Int32.max)))
        children[i] = child
        censusPlaced(child)
        providers.occupied[j] += 1
        if providers.kind[j] != .inHouse {
            linkChild(i, provider: j, contract: ct)
            let c = Int(child.council), ix = pair(j, c)
            let n = Int(providers.placedPairs[ix])
            councilPlacedSquares[c] += 2 * n + 1
            councilPlaced[c] += 1
            providers.placedPairs[ix] = UInt16(n + 1)
        }
        if ct >= 0 && reservesPlaces(ct) {
            contracts.occupied[ct] += 1
            providers.blockOccupied[j] += 1
            freePlaces[councilTier(contracts.council[ct], contracts.tier[ct])] -= 1
        } else {
            if ct >= 0 { contracts.occupied[ct] += 1 }
            if j < spotVacancies.count { spotVacancies[j] -= 1 } // a spot or framework place taken
        }
        tally.newPlacements += 1
    }

    /// Starts loading what detaching child `i` will touch besides its own record: its roster
    /// neighbours and its council–provider count. Call once `i`'s record is (nearly) in the cache.
    @inline(__always) func prefetchDetach(_ i: Int) {
        let child = children[i]
        guard child.provider >= 0 else { return }
        children.prefetch(Int(child.prevOnRoster))
        children.prefetch(Int(child.nextOnRoster))
        providers.placedPairs.prefetch(pair(Int(child.provider), Int(child.council)))
    }

    /// Ends child `i`'s current placement (leaving, breakdown or provider exit).
    func detach(_ i: Int) {
        let child = children[i]
        let j = Int(child.provider)
        guard j >= 0 else { return }
        let ct = Int(child.contract)
        countFee(child, -1)
        let independent = providers.kind[j] != .inHouse
        if independent { unlinkChild(i, provider: j, contract: ct) }
        // Field by field, not the whole record written back: the roster fields were just
        // written narrowly, and reloading the record over them stalls the store buffer.
        children[i].provider = -1
        children[i].contract = -1
        children[i].price = 0
        children[i].spot = false
        children[i].breakdownMonth = Int32.max
        providers.occupied[j] -= 1
        if independent {
            let c = Int(child.council), ix = pair(j, c)
            let n = Int(providers.placedPairs[ix])
            councilPlacedSquares[c] -= 2 * n - 1
            councilPlaced[c] -= 1
            providers.placedPairs[ix] = UInt16(n - 1)
        }
        if ct >= 0 {
            contracts.occupied[ct] -= 1
            if reservesPlaces(ct) {
                providers.blockOccupied[j] -= 1
                freePlaces[councilTier(contracts.council[ct], contracts.tier[ct])] += 1
            }
        }
    }
}

/// Rosters: every child placed with an independent provider is on exactly one list — its
/// contract's if it is placed on one, otherwise its provider's list of children placed off
/// contract — threaded through ``Child`` (`nextOnRoster`, `prevOnRoster`) in the order the
/// children were placed. Ending a contract walks only its own children; a provider's exit walks
/// its off-contract list after its contracts have ended. In-house services never exit and hold no
/// contracts, so their children are on no roster.
extension Market {
    /// Appends child `i` (placed with provider `j`, on contract `ct` or −1) to its roster (O(1)).
    @inline(__always) func linkChild(_ i: Int, provider j: Int, contract ct: Int) {
        let last = ct >= 0 ? contracts.lastOnRoster[ct] : providers.lastOffContract[j]
        children[i].prevOnRoster = last
        children[i].nextOnRoster = -1
        if last >= 0 { children[Int(last)].nextOnRoster = Int32(i) }
        if last < 0 { // the roster was empty
            if ct >= 0 { contracts.firstOnRoster[ct] = Int32(i) } else { providers.firstOffContract[j] = Int32(i) }
        }
        if ct >= 0 { contracts.lastOnRoster[ct] = Int32(i) } else { providers.lastOffContract[j] = Int32(i) }
    }

    /// Removes child `i` from its roster (O(1)); the others keep their order.
    @inline(__always) func unlinkChild(_ i: Int, provider j: Int, contract ct: Int) {
        let prev = children[i].prevOnRoster, next = children[i].nextOnRoster
        if prev >= 0 { children[Int(prev)].nextOnRoster = next }
        if next >= 0 { children[Int(next)].prevOnRoster = prev }
        children[i].prevOnRoster = -1
        children[i].nextOnRoster = -1
        if prev < 0 { // it was first
            if ct >= 0 { contracts.firstOnRoster[ct] = next } else { providers.firstOffContract[j] = next }
        }
        if next < 0 { // it was last
            if ct >= 0 { contracts.lastOnRoster[ct] = prev } else { providers.lastOffContract[j] = prev }
        }
    }

    private func roster(from first: Int32) -> [Int] {
        var out: [Int] = []
        var i = first
        while i >= 0 { out.append(Int(i)); i = children[Int(i)].nextOnRoster }
        return out
    }

    /// The children placed on contract `k`, in the order they were placed.
    public func members(of k: Int) -> [Int] { roster(from: contracts.firstOnRoster[k]) }

    /// The children placed with independent provider `j` off contract (spot, or on a contract that ended).
    public func offContractChildren(of j: Int) -> [Int] { roster(from: providers.firstOffContract[j]) }

    /// Every child placed with independent provider `j`, in slot order.
    public func children(of j: Int) -> [Int] {
        (offContractChildren(of: j) + providers.contracts[j].flatMap { members(of: $0) }).sorted()
    }
}

/// What a provider would charge for a spot place this month, less the council-specific risk premium.
struct SpotQuote {
    /// Unit cost per place-month.
    var cost: Double
    /// Target margin plus the shortage mark-up.
    var margin: Double
    /// Lowest margin accepted: a private provider's required margin (at least 0); −∞ otherwise.
    var floor: Double
    var quality: Double
    /// The value (quality per price relative to base cost) of its offer to a council it trusts
    /// fully: no council sees a higher one, since distrust only adds to the price (+∞ where
    /// that bound does not hold, as for a negative quality).
    var bestValue = Double.infinity

    /// The entry of a provider that has left (it has no vacancies, so it is never read).
    static let closed = SpotQuote(cost: 0, margin: 0, floor: 0, quality: 0, bestValue: 0)

    private init(cost: Double, margin: Double, floor: Double, quality: Double, bestValue: Double) {
        self.cost = cost; self.margin = margin; self.floor = floor; self.quality = quality; self.bestValue = bestValue
    }

    init(_ m: Market, _ j: Int) {
        cost = m.unitCost(j)
        margin = m.providers.targetMargin[j] + m.p.shortageMarkup * m.shortage[m.regionTier(m.providers.region[j], m.providers.tier[j])]
        floor = m.providers.kind[j].isPrivate ? max(0, m.providers.requiredMargin[j]) : -.infinity
        quality = m.providers.quality[j]
        let baseCost = m.p.monthlyBaseCost[m.providers.tier[j]] * m.inflationIndex
        if quality >= 0 && cost > 0 && baseCost > 0 && m.p.riskPremium >= 0 {
            bestValue = value(price: price(trust: 1, riskPremium: m.p.riskPremium, spotPremium: m.p.spotPremium), baseCost: baseCost)
        }
    }

    /// Value of the offer at `price` to a council whose base cost of the tier is `baseCost`.
    @inline(__always) func value(price: Double, baseCost: Double) -> Double { quality / (price / baseCost) }

    /// Price per month to a council the provider trusts `trust`: unit cost × (1 + margin +
    /// risk premium × (1 − trust) + spot premium), the margin never below the floor.
    @inline(__always) func price(trust: Float, riskPremium: Double, spotPremium: Double) -> Double {
        let m = max(margin + riskPremium * (1 - Double(trust)), floor)
        return cost * (1 + m + spotPremium)
    }
}
