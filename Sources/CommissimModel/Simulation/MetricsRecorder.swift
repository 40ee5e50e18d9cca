import CommissimEngine

/// Turns the market's state at the end of a month into one row of ``MetricColumns``.
struct MetricsRecorder {
    private(set) var rows: [[Double]] = []
    /// Per provider kind: the providers trading at the start of the first recorded month (month 1
    /// after a burn-in), and that month (set at the first record).
    private var tradingAtStart: [Int]? = nil
    private var firstMonth = 0
    /// Metrics that came out as NaN or infinite and were written as 0, with their month: none is
    /// expected (InvariantTests assert it), but a CSV never carries a non-number.
    private(set) var masked: [(month: Int, metric: String)] = []

    init(months: Int) { rows.reserveCapacity(months) }

    mutating func record(_ m: Market) {
        var row = Array(repeating: 0.0, count: MetricColumns.names.count)
        var masked: [String] = []
        defer { self.masked += masked.map { (m.reportedMonth + 1, $0) } }
        func set(_ name: String, _ v: Double) {
            if !v.isFinite { masked.append(name) }
            row[MetricColumns.index[name]!] = v.isFinite ? v : 0
        }
        let t = m.tally, nc = m.councils.count, np = m.providers.count
        let weekly = 12.0 / 52.0
        set("month", Double(m.reportedMonth + 1))
        set("year", Double(m.reportedMonth / 12 + 1))
        set("budget", m.councils.budget.reduce(0, +) / 12)
        set("spend", m.councilSpend.reduce(0, +))
        set("spend_contracts", t.spendContracts)
        set("spend_spot", t.spendSpot)
        set("spend_outcome", t.spendOutcome)
        set("spend_in_house", t.spendInHouse)
        set("transaction_costs", t.tenderCost + t.monitoringCost)
        set("tender_costs", t.tenderCost)
        set("monitoring_costs", t.monitoringCost)
        set("bid_costs", t.bidCosts)
        set("budget_pressure", m.councils.pressure.reduce(0, +) / Double(max(1, nc)))
        var over = 0.0
        for c in 0..<nc { over += m.overspend(c) }
        set("overspend", over)
        set("councils_cutting", Double(m.activeStrategies.filter { !$0.isEmpty }.count) / Double(max(1, nc)))

        // Children by status: from the providers' counts and the book.census kept by placement.
        let tiers = Tier.allCases.count
        var priceSum = m.book.census.feeUnits.elements.map(FixedPoint.amount), priceN = Array(repeating: 0.0, count: tiers)
        var served = 0, inHouse = 0, qualitySum = 0.0, placed = Array(repeating: 0, count: tiers)
        var kindPlaces = Array(repeating: 0.0, count: ProviderKind.allCases.count)
        let quality = m.providers.quality, providerKind = m.providers.kind
        for j in m.providers.trading where m.providers.occupied[j] > 0 {
            let n = m.providers.occupied[j]
            served += n
            qualitySum += Double(n) * quality[j]
            placed[m.providers.tier[j]] += n
            let kind = providerKind[j]
            if kind == .inHouse { inHouse += n; continue }
            priceN[m.providers.tier[j]] += Double(n)
            kindPlaces[kind.rawValue] += Double(n)
        }
        for k in m.activeContracts where m.contracts[k].feeFree > 0 {
            priceSum[m.contracts[k].tier] += Double(m.contracts[k].feeFree) * m.contracts[k].price
        }
        let waiting = m.children.living - served, spot = m.book.census.feePaying
        for (k, name) in ParameterCatalog.tiers.enumerated() {
            set("price_\(name)", priceN[k] > 0 ? priceSum[k] / priceN[k] * weekly : 0)
            set("new_spot_price_\(name)", t.newSpotByTier[k] > 0 ? t.newSpotFees[k] / Double(t.newSpotByTier[k]) * weekly : 0)
        }
        recordTierMoments(m, placed: placed, set: set)
        // Children looked after now, by placements since January (004's measure: children in care
        // at the year-end census, by placements during the year; MODEL.md §3.12).
        let byPlacements = m.book.census.lookedAfterByPlacements.elements
        let laTotal = Double(byPlacements.reduce(0, +))
        set("two_placements_share", laTotal > 0 ? Double(byPlacements[2]) / laTotal : 0)
        set("three_plus_placements_share", laTotal > 0 ? Double(byPlacements[3]) / laTotal : 0)
        // Local HHI: per council over its independent placements (counts kept by placement).
        var hhiSum = 0.0, hhiN = 0.0
        for c in 0..<nc where m.book.councilPlaced[c] > 0 {
            let total = Double(m.book.councilPlaced[c])
            hhiSum += 10_000 * Double(m.book.councilPlacedSquares[c]) / (total * total)
            hhiN += 1
        }
        set("hhi_local", hhiN > 0 ? hhiSum / hhiN : 0)
        var independentPlaced = 0.0, national = 0.0
        for j in m.providers.trading where providerKind[j] != .inHouse && m.providers.occupied[j] > 0 {
            let n = Double(m.providers.occupied[j])
            independentPlaced += n
            national += n * n
        }
        set("hhi_national", independentPlaced > 0 ? 10_000 * national / (independentPlaced * independentPlaced) : 0)
        // Supply-side concentration of each regional market (region × tier): providers' shares of
        // the independent placements made by the region's councils, the market's own HHI
        // weighted by its placements.
        // A provider's children come only from councils it reaches (§3.6, §3.7): its home council,
        // its region's councils or, for a national provider, every council. The counts are whole
        // numbers, so the sums are exact in any order.
        let regions = m.p.regions
        var regionSum = Array(repeating: 0.0, count: regions * tiers), regionSquares = regionSum
        var perRegion = Array(repeating: 0.0, count: regions)
        for j in m.providers.trading where providerKind[j] != .inHouse && m.providers.occupied[j] > 0 {
            let k = m.providers.tier[j]
            func add(_ r: Int, _ q: Double) {
                guard q > 0 else { return }
                regionSum[m.regionTier(r, k)] += q
                regionSquares[m.regionTier(r, k)] += q * q
            }
            switch m.providers.reach[j] {
            case 0:
                let c = m.providers.homeCouncil[j]
                add(m.councils.region[c], Double(m.providers.placedPairs[m.pair(j, c)]))
            case 1:
                let r = m.providers.region[j]
                var q = 0.0
                for c in m.regionCouncils[r] { q += Double(m.providers.placedPairs[m.pair(j, c)]) }
                add(r, q)
            default:
                for r in 0..<regions { perRegion[r] = 0 }
                for c in 0..<nc { perRegion[m.councils.region[c]] += Double(m.providers.placedPairs[m.pair(j, c)]) }
                for r in 0..<regions { add(r, perRegion[r]) }
            }
        }
        var marketHHI = 0.0, marketPlaced = 0.0
        for rt in 0..<regionSum.count where regionSum[rt] > 0 {
            marketHHI += 10_000 * regionSquares[rt] / regionSum[rt]
            marketPlaced += regionSum[rt]
        }
        set("hhi_regional", marketPlaced > 0 ? marketHHI / marketPlaced : 0)

        set("referrals", Double(t.referrals))
        set("screened_out", Double(t.screenedOut))
        set("rationed", Double(t.rationed))
        set("children_served", Double(served))
        set("children_waiting", Double(waiting))
        set("children_in_house", Double(inHouse))
        set("children_spot", Double(spot))
        set("unmet_need", Double(waiting + t.screenedOut))
        let newSpot = t.newSpotByTier.elements.reduce(0, +)
        set("new_spot_placements", Double(newSpot))
        set("new_spot_looked_after", Double(newSpot - t.newSpotByTier[Tier.familySupport.rawValue]))
        set("breakdowns", Double(t.breakdowns))
        set("moves_from_exits", Double(t.displaced))
        set("leavers", Double(t.leavers))
        set("outcome_mean", t.leavers > 0 ? t.outcomeSum / Double(t.leavers) : 0)
        set("good_outcome_share", t.leavers > 0 ? Double(t.goodOutcomes) / Double(t.leavers) : 0)
        let external = m.externalCostsThisMonth()
        set("external_costs", external)
        set("external_costs_pv", external * m.discountFactor())
        set("external_costs_committed", t.externalCommitted)
        set("public_cost", m.councilSpend.reduce(0, +) + t.externalCommitted)
        set("quality_mean", served > 0 ? qualitySum / Double(served) : 0)

        // Providers by kind.
        let kinds = ProviderKind.independent
        var count = Array(repeating: 0, count: ProviderKind.allCases.count)
        var reserves: [[Double]] = Array(repeating: [], count: ProviderKind.allCases.count)
        var kindCapital = Array(repeating: 0.0, count: ProviderKind.allCases.count)
        var qW = 0.0, capW = 0.0, costW = 0.0, w = 0.0, operating = 0.0, revenue = 0.0, alive = 0
        // Survival of the providers trading at the start of the first recorded month (entered
        // before it, and not gone before it): counted once, at the first record.
        if tradingAtStart == nil {
            firstMonth = m.month
            var start = Array(repeating: 0, count: ProviderKind.allCases.count)
            for i in 0..<np where m.providers.kind[i] != .inHouse && m.providers.entryMonth[i] < firstMonth
                && (m.providers.alive[i] || m.providers.exitMonth[i] >= firstMonth) {
                start[m.providers.kind[i].rawValue] += 1
            }
            tradingAtStart = start
        }
        var survivors = Array(repeating: 0, count: ProviderKind.allCases.count)
        for i in m.providers.trading where m.providers.kind[i] != .inHouse {
            let k = m.providers.kind[i].rawValue
            count[k] += 1
            alive += 1
            if m.providers.entryMonth[i] < firstMonth { survivors[k] += 1 }
            let cost = m.providers.lastCost[i]
            reserves[k].append(cost > 0 ? m.providers.reserves[i] / cost : 0)
            kindCapital[k] += m.providers.capital[i]
            let places = Double(max(1, m.providers.occupied[i]))
            qW += places * m.providers.quality[i]
            capW += places * m.providers.capital[i]
            costW += places * m.unitCost(i)
            w += places
            revenue += m.providers.revenue[i]
            operating += m.providers.revenue[i] - cost
        }
        set("providers", Double(alive))
        let independentTotal = kindPlaces.reduce(0, +)
        for k in kinds {
            let n = k.name, r = k.rawValue
            set("n_\(n)", Double(count[r]))
            set("share_\(n)", independentTotal > 0 ? kindPlaces[r] / independentTotal : 0)
            set("entries_\(n)", Double(t.entries[r]))
            set("exits_\(n)", Double(t.exits[r]))
            let start = tradingAtStart?[r] ?? 0
            set("survival_\(n)", start > 0 ? Double(survivors[r]) / Double(start) : 0)
            set("reserves_\(n)", median(&reserves[r]))
            set("capital_\(n)", count[r] > 0 ? kindCapital[r] / Double(count[r]) : 0)
        }
        set("exits_insolvent", Double(t.exitsInsolvent))
        set("exits_losses", Double(t.exitsLosses))
        set("exits_idle", Double(t.exitsIdle))
        set("independent_quality_mean", w > 0 ? qW / w : 0)
        set("capital_per_place", w > 0 ? capW / w : 0)
        set("unit_cost_mean", w > 0 ? costW / w * weekly : 0)
        set("provider_margin", revenue > 0 ? operating / revenue : 0)
        set("investment", t.investment)

        // Contracts and trust.
        var tc = 0.0, tp = 0.0, active = 0.0, left = 0.0, waitingForStaff = 0.0
        for k in m.activeContracts {
            if m.isDue(k) { waitingForStaff += 1 }
            let ix = m.pair(m.contracts[k].provider, m.contracts[k].council)
            tc += Double(m.providers.councilTrust[ix])
            tp += Double(m.providers.providerTrust[ix])
            left += Double(max(0, m.contracts[k].end - m.month))
            active += 1
        }
        set("trust_council", active > 0 ? tc / active : 0)
        set("trust_provider", active > 0 ? tp / active : 0)
        set("contracts_active", active)
        set("contract_months_left", active > 0 ? left / active : 0)
        var ta = 0.0, tn = 0.0
        for i in m.providers.trading where m.providers.kind[i] != .inHouse {
            ta += Double(m.providers.providerTrust[m.pair(i, m.providers.homeCouncil[i])])
            tn += 1
        }
        set("trust_provider_all", tn > 0 ? ta / tn : 0)
        set("tenders", Double(t.tenders))
        set("bids_per_tender", t.tenders > 0 ? Double(t.bids) / Double(t.tenders) : 0)
        set("unfilled_tenders", Double(t.unfilledTenders))
        set("extensions", Double(t.extensions))
        set("variations", Double(t.variations))
        set("retenders", Double(t.retenders))
        set("rollovers", Double(t.rollovers))
        set("tenders_waiting", waitingForStaff)
        set("contracts_let", Double(t.contractsLet))
        set("contract_length_let", t.contractsLet > 0 ? Double(t.monthsLet) / Double(t.contractsLet) : 0)
        set("terminations", Double(t.terminations))
        set("breaks", Double(t.breaks))
        set("alliance_settlements", t.allianceSettlements)
        set("alliance_member_exits", Double(t.allianceMemberExits))
        set("fee_cuts", Double(t.feeCuts))
        set("contracts_handed_back", Double(t.contractsHandedBack))
        set("placements_repriced", Double(t.placementsRepriced))
        set("late_payments", Double(t.latePayments))
        set("council_payments", t.spendContracts + t.spendSpot + t.spendOutcome - investorRepayments(m))
        set("provider_council_revenue", m.providers.councilRevenue.reduce(0, +))
        set("investor_outstanding", m.investor.outstanding)
        set("outcome_payments_written_off", t.outcomeWrittenOff)
        set("dividends", t.dividends)
        set("charity_reserve_spend", t.missionSpend)
        rows.append(row)
    }

    /// The calibration moments by tier (MODEL.md §3.15): children in the tier (`placed`, counted
    /// by `record`'s pass over the providers, plus those waiting), the share of those placed who
    /// are with private providers, the independent share of council spend on it, and
    /// investor-backed providers' fee per occupied place and operating margin before debt interest
    /// (the CMA's measures).
    private func recordTierMoments(_ m: Market, placed: [Int], set: (String, Double) -> Void) {
        let tiers = Tier.allCases.count, weekly = 12.0 / 52.0
        var children = placed
        for c in 0..<m.councils.count {
            for id in m.councils.waiting[c] where m.children[Int(id)].alive { children[Int(m.children[Int(id)].tier)] += 1 }
        }
        var independent = Array(repeating: 0.0, count: tiers), inHouse = Array(repeating: 0.0, count: tiers)
        var investorRevenue = Array(repeating: 0.0, count: tiers), investorPlaces = Array(repeating: 0.0, count: tiers)
        var investorFees = Array(repeating: 0.0, count: tiers), investorOperating = Array(repeating: 0.0, count: tiers)
        var privatePlaced = Array(repeating: 0, count: tiers)
        let interest = m.p.interestRate / 12 * m.inflationIndex
        for j in m.providers.trading {
            let k = m.providers.tier[j]
            if m.providers.kind[j].isPrivate { privatePlaced[k] += m.providers.occupied[j] }
            switch m.providers.kind[j] {
            case .inHouse: inHouse[k] += m.inHouseCost(j)
            case .investorPrivate:
                independent[k] += m.providers.councilRevenue[j]
                investorRevenue[k] += m.providers.revenue[j]
                investorFees[k] += m.providers.councilRevenue[j]
                investorPlaces[k] += Double(m.providers.occupied[j])
                investorOperating[k] += m.providers.revenue[j] - (m.providers.lastCost[j] - m.providers.debt[j] * interest)
            default: independent[k] += m.providers.councilRevenue[j]
            }
        }
        for (k, t) in ParameterCatalog.tiers.enumerated() {
            set("children_\(t)", Double(children[k]))
            let spend = independent[k] + inHouse[k]
            set("spend_\(t)", spend)
            // The share and the fee leave out alliances' yearly gain/pain settlements: a January
            // lump sum repaid by the members is not a month's spend on places (it made both negative).
            let forPlaces = independent[k] - m.tally.settledByTier[k]
            set("independent_spend_share_\(t)", forPlaces + inHouse[k] > 0 ? max(0, forPlaces) / (forPlaces + inHouse[k]) : 0)
            set("private_share_\(t)", placed[k] > 0 ? Double(privatePlaced[k]) / Double(placed[k]) : 0)
            let fees = investorFees[k] - m.tally.settledInvestorByTier[k]
            set("investor_fee_\(t)", investorPlaces[k] > 0 ? fees / investorPlaces[k] * weekly : 0)
            set("investor_margin_\(t)", investorRevenue[k] > 0 ? investorOperating[k] / investorRevenue[k] : 0)
        }
        set("looked_after", Double(children[Tier.fostering.rawValue] + children[Tier.residential.rawValue]))
    }

    /// Outcome payments that went to the social investor rather than to providers this month.
    private func investorRepayments(_ m: Market) -> Double { m.tally.outcomeToInvestor }
}
