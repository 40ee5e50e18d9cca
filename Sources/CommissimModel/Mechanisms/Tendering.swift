import Foundation

/// The terms of one tendered lot.
struct Lot {
    var council: Int
    var tier: Int
    var volume: Int
    var months: Int
    var extensionMonths: Int
    /// Months into the term of its break point (0: none).
    var breakMonths: Int = 0
    var form: PaymentForm
    var outcomeSpec: Bool
    var priceWeight: Double
    var collaborative: Bool
    var incumbent: Int?
    var incumbentContract: Int?
    /// The incumbent's alliance partners whose contracts are re-tendered with it (AllianceContracts.swift).
    var partners: [Int] = []
}

/// Mechanism 3b — Tendering (MODEL.md §3.6): who considers and bids for a lot, at what price
/// (cost, margin, shortage, risk and the joint-tender discount), how the council scores bids, and
/// what the winner's contract commits (recorded in PlacementBook.swift).
extension Market {
    /// Runs a tender for `lot`; returns the contract id awarded, or nil when nobody bid.
    @discardableResult
    func tender(_ lot: Lot, initial: Bool = false) -> Int? {
        let c = lot.council, k = lot.tier
        if !initial {
            spendStaffTime(c, tenderStaffMonths(collaborative: lot.collaborative))
            tally.tenders += 1
        }
        let pool = councils.reachable(councilTier(c, k))
        let consider = min(1.0, 10.0 / Double(max(1, pool.count)))
        let noise = p.observationNoise * (p.referenceStaff / councils.staff[c]).squareRoot()
        var bidders: [Int] = [], prices: [Double] = [], qualities: [Double] = []
        bidders.reserveCapacity(pool.count); prices.reserveCapacity(pool.count); qualities.reserveCapacity(pool.count)
        for i in pool where providers.alive[i] {
            let isIncumbent = i == lot.incumbent
            if !isIncumbent && providers.homeCouncil[i] != c && !rng.bernoulli(consider) { continue }
            let released = isIncumbent && lot.incumbentContract != nil ? contracts[lot.incumbentContract!].volume : 0
            let free = spotFree(i) + released
            // Room for the lot: free places, places it can re-staff up to its registered size,
            // and growth of up to scale_up of that size (MODEL.md §3.6).
            let size = max(providers.capacity[i], providers.registered[i])
            if free + (size - providers.capacity[i]) + Int(Double(size) * providers.scaleUp[i]) < lot.volume { continue }
            if providers.kind[i].isCharity {
                let drift = max(0, lot.priceWeight - 0.5) + (lot.outcomeSpec ? 0 : 0.25)
                if drift > providers.missionTolerance[i] { continue }
            }
            let trust = Double(providers.providerTrust[pair(i, c)])
            if !initial && !rng.bernoulli(1 / (1 + exp(-p.bidSensitivity * (trust - 0.35)))) { continue }
            if !initial && !canPrepareBid(i) { continue }
            if !initial {
                providers.bidsMade[i] += 1
                providers.bidCosts[i] += p.bidCost * inflationIndex
                tally.bidCosts += p.bidCost * inflationIndex
            }
            bidders.append(i)
            prices.append(bidPrice(provider: i, lot: lot, trust: trust))
            qualities.append(providers.quality[i] + rng.gaussian(sd: noise))
        }
        if !initial { tally.bids += bidders.count }
        guard let lowest = prices.min() else {
            if !initial { tally.unfilledTenders += 1 }
            return nil
        }
        var best = -1, bestScore = -Double.infinity
        var scores: [Double] = []
        for (j, i) in bidders.enumerated() {
            var score = lot.priceWeight * lowest / prices[j] + (1 - lot.priceWeight) * qualities[j]
            if i == lot.incumbent { score += p.incumbencyWeight * Double(providers.councilTrust[pair(i, c)]) }
            if lot.form == .alliance { scores.append(score) }
            if score > bestScore { bestScore = score; best = j }
        }
        if lot.form == .alliance {
            // Best first; ties in bid order (a stable sort, so runs stay deterministic).
            let order = bidders.indices.sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
            return awardAlliance(lot, ranked: order.map { (bidders[$0], prices[$0]) }, initial: initial)
        }
        return award(lot, provider: bidders[best], price: prices[best], initial: initial)
    }

    /// The monthly price per place provider `i` bids for `lot`.
    func bidPrice(provider i: Int, lot: Lot, trust: Double) -> Double {
        let kind = providers.kind[i]
        var m = providers.targetMargin[i] + p.shortageMarkup * shortage[regionTier(providers.region[i], lot.tier)] + p.riskPremium * (1 - trust)
        if lot.collaborative { m -= jointTenderDiscount(lot.council) }
        if lot.form == .outcome && kind.isPrivate { m += 0.05 }
        if kind.isPrivate { m = max(m, privateMarginFloor(i)) }
        m -= crossSubsidyNow(i)
        return unitCost(i) * max(1 + m, Self.lowestCostShare)
    }

    /// The lowest share of its unit cost any provider agrees to be paid: one less the largest
    /// share below cost a charity may bid (`providers.cross_subsidy`'s bound, 0.9). Discounts that
    /// stack past it — a negative target margin, a collaborative discount and a cross-subsidy
    /// together, or shared savings deducted from an already low price — stop there, so no bid or
    /// review makes a price nil or negative (MODEL.md §3.6). No shipped scenario comes near it.
    static let lowestCostShare = 1 - (ParameterCatalog.spec("providers.cross_subsidy")?.range?.upperBound ?? 0.9)

    /// The lowest margin private provider `i` bids or quotes: its required margin, at least 0.
    func privateMarginFloor(_ i: Int) -> Double { max(0, providers.requiredMargin[i]) }

    /// How far below its margin charity `i` bids, subsidised from reserves, while it holds more
    /// than three months of cost; 0 otherwise and for every other provider.
    func crossSubsidyNow(_ i: Int) -> Double {
        providers.kind[i].isCharity && providers.reserves[i] > 3 * providers.lastCost[i] ? providers.crossSubsidy[i] : 0
    }


    /// Creates (or, for a winning incumbent, renews) the contract for `lot`.
    func award(_ lot: Lot, provider i: Int, price: Double, initial: Bool) -> Int {
        let c = lot.council
        let rt = regionTier(councils.region[c], lot.tier)
        priceIndex[rt] += 0.1 * (price / (p.monthlyBaseCost[lot.tier] * inflationIndex) - 1 - priceIndex[rt])
        let financed = lot.form == .outcome && investor.enabled && investor.available > 0
        if !initial { countLet(c, months: lot.months) }
        if let old = lot.incumbentContract, contracts[old].provider == i {
            // The incumbent won again: the same contract continues on the new terms.
            reclassify(contract: old, to: lot.form)
            commit(contract: old, volume: lot.volume)
            contracts[old].price = price
            contracts[old].start = month
            contracts[old].end = month + lot.months
            contracts[old].extensionLeft = lot.extensionMonths
            contracts[old].breakAt = breakPoint(start: month, lot.breakMonths, term: lot.months)
            contracts[old].collaborative = lot.collaborative
            contracts[old].financed = financed
            contracts[old].reviewCost = unitCost(i)
            conduct(.renewal, council: c, provider: i)
            return old
        }
        if let old = lot.incumbentContract { endContract(old, early: false) }
        let start = initial ? month - rng.uniformInt(lot.months) : month
        let k = contracts.append(council: c, provider: i, tier: lot.tier, volume: 0, price: price, form: lot.form,
                                 outcomeSpec: lot.outcomeSpec, start: start, end: start + lot.months, extension: lot.extensionMonths,
                                 codesign: false, collaborative: lot.collaborative, financed: financed, reviewCost: unitCost(i))
        contracts[k].breakAt = breakPoint(start: start, lot.breakMonths, term: lot.months)
        councils.contracts[c].append(k)
        councils.contractsByTier[councilTier(c, lot.tier)].append(k)
        providers.contracts[i].append(k)
        contractsInForce.append(k) // the list keeps the order contracts were let
        register(contract: k)
        commit(contract: k, volume: lot.volume)
        return k
    }

    /// Whether provider `i` has time left this month to prepare another bid: with
    /// `market.places_per_bid` > 0, at most max(1, registered places / places_per_bid) bids a
    /// month (MODEL.md §3.6; 0, the default: no limit).
    @inline(__always) func canPrepareBid(_ i: Int) -> Bool {
        guard p.placesPerBid > 0 else { return true }
        return Double(providers.bidsMade[i]) < max(1, (Double(providers.registered[i]) / p.placesPerBid).rounded())
    }

    /// Ends contract `k`. Children on it stay with the provider as spot placements at the
    /// contract price ("existing placements continue").
    func endContract(_ k: Int, early: Bool) {
        guard contracts[k].active else { return }
        let c = contracts[k].council, i = contracts[k].provider
        contracts[k].active = false
        contractsEnded = true // it leaves `activeContracts` when the list is next read
        let ck = councilTier(c, contracts[k].tier)
        release(contract: k)
        if let at = councils.contracts[c].firstIndex(of: k) { councils.contracts[c].remove(at: at) }
        if let at = councils.contractsByTier[ck].firstIndex(of: k) { councils.contractsByTier[ck].remove(at: at) }
        if let at = providers.contracts[i].firstIndex(of: k) { providers.contracts[i].remove(at: at) }
        contracts.retire(k)
        if early && providers.alive[i] {
            tally.terminations += 1
            conduct(.termination, council: c, provider: i)
        }
    }
}
