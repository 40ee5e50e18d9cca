import CommissimEngine
import Foundation

/// Mechanism 3c — Placement and spot purchasing (MODEL.md §3.7): where a waiting child goes — a
/// free contracted place, a framework contract with room, the in-house service, or the best spot
/// offer the council finds by ringing round — and at what price. What a placement changes in the
/// counts is recorded in PlacementBook.swift.
extension Market {
    /// Places every waiting child that can be placed, oldest first.
    func runPlacement() {
        quoteSpotPrices()
        for c in councilOrder {
            // The list is rebuilt in a kept buffer, and the old list's storage is kept in turn.
            var still = borrow(&buffers.stillWaiting)
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
            buffers.stillWaiting = councils.waiting[c]
            councils.waiting[c] = still
        }
    }

    /// Tries to place child `i`; returns whether it was placed. Only while placing (after
    /// ``quoteSpotPrices()`` this month): it reads the month's quotes, vacancies and breakdown laws.
    func place(_ i: Int) -> Bool {
        let c = Int(children[i].council), k = Int(children[i].tier)
        let ck = councilTier(c, k)
        if book.freePlaces[ck] > 0 || book.frameworks[ck] > 0, let ct = contractWithRoom(ck) {
            let reserved = reservesPlaces(ct)
            assign(i, provider: contracts[ct].provider, contract: ct, price: reserved ? 0 : contracts[ct].price, spot: false)
            return true
        }
        let h = councils.inHouse[ck]
        if providers.occupied[h] < providers.capacity[h] {
            assign(i, provider: h, contract: -1, price: 0, spot: false)
            return true
        }
        let reach = councils.reach[ck]
        let start = Int(reach.start), size = Int(reach.end) - start
        guard size > 0 && anyVacancyInReach(council: c, tier: k) else { return false }
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
            guard book.spotVacancies[j] > 0 else { continue }
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
        tally.newSpotByTier[k] += 1
        tally.newSpotFees[k] += bestPrice
        let rt = regionTier(councils.region[c], k)
        priceIndex[rt] += 0.02 * (bestPrice / (p.monthlyBaseCost[k] * inflationIndex) - 1 - priceIndex[rt])
        return true
    }

    /// The first of council–tier `ck`'s contracts in force that can take a child: a reserved place
    /// free, or a framework contract whose provider has a vacancy, in the order they were let.
    /// The search starts where the last one for `ck` this month ended (``PlacementBook/shelfCursor``).
    @inline(__always) func contractWithRoom(_ ck: Int) -> Int? {
        let shelf = councils.contractsByTier[ck]
        let tracked = ck < book.shelfCursor.count // false only before the first month's quotes
        let from = tracked ? min(Int(book.shelfCursor[ck]), shelf.count) : 0
        // The shelf is in the order contracts were let, not the records': ask for them all at once.
        for n in from..<shelf.count { contracts.prefetch(shelf[n]) }
        for n in from..<shelf.count {
            let ct = shelf[n]
            guard contracts[ct].active else { continue }
            let room = reservesPlaces(ct) ? contracts[ct].occupied < contracts[ct].volume : book.spotVacancies[contracts[ct].provider] > 0
            if room {
                if tracked { book.shelfCursor[ck] = Int32(n) }
                return ct
            }
        }
        if tracked { book.shelfCursor[ck] = Int32(shelf.count) }
        return nil
    }

    /// Whether any provider council `c` can reach in tier `k` has a spot vacancy this month:
    /// without one, ringing round cannot place the child (MODEL.md §3.7).
    @inline(__always) func anyVacancyInReach(council c: Int, tier k: Int) -> Bool {
        let (local, regional, national) = reachSegments(council: c, tier: k)
        return book.reachVacancies[local] > 0 || book.reachVacancies[regional] > 0 || book.reachVacancies[national] > 0
    }

    /// Spot price per month of provider `j` to council `c`.
    func spotPrice(_ j: Int, council c: Int) -> Double { spotPrice(SpotQuote(self, j), provider: j, council: c) }

    /// Spot price per month to council `c` of provider `j`, whose quote is `quote`.
    @inline(__always) func spotPrice(_ quote: SpotQuote, provider j: Int, council c: Int) -> Double {
        quote.price(trust: providers.providerTrust[pair(j, c)], riskPremium: p.riskPremium, spotPremium: p.spotPremium)
    }

    /// Takes every trading provider's spot quote and vacancies, and clears their breakdown laws,
    /// for this month's placements (costs, margins, shortage and quality do not change while
    /// children are placed; trust in the council enters per call; vacancies are kept up to date by
    /// ``assign(_:provider:contract:price:spot:)``). A provider that has left keeps the closed
    /// quote and no vacancies, so it is never placed with; only the trading are visited.
    func quoteSpotPrices() {
        let n = providers.count
        if spotQuotes.count < n {
            spotQuotes.append(contentsOf: repeatElement(SpotQuote.closed, count: n - spotQuotes.count))
            for _ in book.spotVacancies.count..<n { book.spotVacancies.append(0) }
        }
        for _ in breakdownLaws.count..<10 * providers.columns { breakdownLaws.append(.unset) }
        for j in quotedLastMonth where !providers.alive[j] {
            spotQuotes[j] = SpotQuote.closed
            book.spotVacancies[j] = 0
        }
        for _ in book.vacancySegment.count..<book.spotVacancies.count { book.vacancySegment.append(-1) }
        if book.reachVacancies.count != reachSegments { book.reachVacancies = AlignedArray(repeating: 0, count: reachSegments) }
        book.reachVacancies.fill(with: 0)
        for j in providers.trading {
            spotQuotes[j] = SpotQuote(self, j)
            let free = Int32(clamping: spotFree(j))
            book.spotVacancies[j] = free
            if providers.kind[j] == .inHouse {
                book.vacancySegment[j] = -1
            } else {
                let s = reachSegment(j)
                book.vacancySegment[j] = Int32(s)
                book.reachVacancies[s] += max(0, Int(free))
            }
            let col = Int(providers.column[j])
            for ix in 10 * col..<10 * col + 10 { breakdownLaws[ix] = .unset }
        }
        quotedLastMonth = providers.trading
        book.rewindShelves(councils.contractsByTier.count)
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
            child.exitMonth = Int32(clamping: month + rng.geometric(p.stay[Int(child.tier)]))
        }
        let b = month + rng.geometric(breakdownLaw(j, breakdowns: child.breakdowns, spot: spot))
        child.breakdownMonth = Int32(min(b, Int(Int32.max)))
        // Care is received from the next month of delivery on (settled by ``settleCare(_:)``).
        child.qualityMark = Float(providers.careDelivered[j])
        child.servedMark = UInt16(truncatingIfNeeded: monthsDelivered)
        children[i] = child
        book.endings.schedule(i, in: Int(min(child.exitMonth, child.breakdownMonth)))
        attach(i, child, provider: j, contract: ct)
        tally.newPlacements += 1
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

    /// `m` is borrowed: taken as owned, it was retained and released for every quote.
    init(_ m: borrowing Market, _ j: Int) {
        cost = m.unitCost(j)
        margin = m.providers.targetMargin[j] + m.p.shortageMarkup * m.shortage[m.regionTier(m.providers.region[j], m.providers.tier[j])]
        floor = m.providers.kind[j].isPrivate ? m.privateMarginFloor(j) : -.infinity
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
