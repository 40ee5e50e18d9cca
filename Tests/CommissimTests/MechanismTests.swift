import CommissimEngine
@testable import CommissimIO
@testable import CommissimModel
import XCTest

/// Each mechanism on its own.
final class MechanismTests: XCTestCase {
    func testTrustIsLostFasterThanGained() {
        // Equal and opposite signals: the loss is loss_multiplier times the gain.
        let start: Float = 0.5
        let up = TrustDynamics.update(start, signal: 1, rate: 0.1, lossMultiplier: 3)
        let down = TrustDynamics.update(start, signal: 0, rate: 0.1, lossMultiplier: 3)
        XCTAssertEqual(Double(up - start), 0.05, accuracy: 1e-6)
        XCTAssertEqual(Double(start - down), 0.15, accuracy: 1e-6)
        // Months of good conduct are undone by a few months of bad conduct.
        var t: Float = 0.5
        for _ in 0..<12 { t = TrustDynamics.update(t, signal: 1, rate: 0.05, lossMultiplier: 3) }
        let built = t - 0.5
        for _ in 0..<4 { t = TrustDynamics.update(t, signal: 0, rate: 0.05, lossMultiplier: 3) }
        XCTAssertLessThan(t, 0.5, "four bad months should undo twelve good ones (built \(built))")
        // Bounded in [0, 1].
        XCTAssertEqual(TrustDynamics.update(0.9, signal: 1, rate: 1, lossMultiplier: 3), 1)
        XCTAssertEqual(TrustDynamics.update(0.1, signal: 0, rate: 1, lossMultiplier: 3), 0)
    }

    func testAusterityPathCutsTheTotalFrontLoaded() {
        let cut = { (y: Int) in Market.austerityCut(year: y, total: 0.28, years: 4, start: 1, frontLoading: 0.6) }
        XCTAssertEqual(cut(0), 0)
        XCTAssertEqual(cut(4), 0.28, accuracy: 1e-12)
        XCTAssertEqual(cut(10), 0.28, accuracy: 1e-12)
        let steps = (1...4).map { cut($0) - cut($0 - 1) }
        for i in 1..<4 { XCTAssertGreaterThan(steps[i - 1], steps[i], "front-loaded: each year's cut smaller than the last") }
        // Even cuts when front_loading = 0.
        let even = (1...4).map { Market.austerityCut(year: $0, total: 0.2, years: 4, start: 1, frontLoading: 0) }
        XCTAssertEqual(even[0], 0.05, accuracy: 1e-12)
        XCTAssertEqual(even[3], 0.2, accuracy: 1e-12)
    }

    func testBudgetsFollowTheirPath() throws {
        let s = try Support.small(months: 60, ["budget.austerity_cut=0.28", "budget.growth=0.0", "budget.austerity_start_year=1"])
        let r = Simulation(config: ModelConfig(s)).run()
        let budget = r.series("budget")
        XCTAssertEqual(budget[11], budget[0], accuracy: 1e-6 * budget[0], "flat in year 1")
        XCTAssertEqual(budget[59] / budget[0], 0.72, accuracy: 1e-9, "28% lower after the four austerity years")
        XCTAssertLessThan(budget[12], budget[11])
    }

    func testDemandMatchesTheReferralRate() throws {
        // Poisson referrals: the mean over months equals the configured rate within 4 standard errors.
        let s = try Support.small(months: 120, ["demand.trend=0.0"])
        let config = ModelConfig(s)
        let market = Market(config: config, rng: RandomStream(seed: 7))
        var expected = 0.0
        for c in 0..<market.councils.count { for k in 0..<3 { expected += market.referralRate(c, k) } }
        let r = Simulation(config: config, seed: 7).run()
        let referrals = r.series("referrals")
        let m = Stats.mean(referrals)
        XCTAssertEqual(m, expected, accuracy: 4 * (expected / Double(referrals.count)).squareRoot())
    }

    func testPrivateBidsAreNeverBelowCost() throws {
        let s = try Support.small(months: 1)
        let market = Market(config: ModelConfig(s), rng: RandomStream(seed: 3))
        var checked = 0
        for i in 0..<market.providers.count where market.providers.kind[i].isPrivate {
            for trust in [0.0, 0.5, 1.0] {
                for collaborative in [false, true] {
                    // The harshest terms: lowest price, collaborative bargaining, no shortage.
                    market.shortage = market.shortage.map { _ in 0 }
                    var lot = market.lotTerms(market.providers.homeCouncil[i], tier: market.providers.tier[i], volume: 1)
                    lot.collaborative = collaborative
                    lot.priceWeight = 1
                    let price = market.bidPrice(provider: i, lot: lot, trust: trust)
                    XCTAssertGreaterThanOrEqual(price, market.unitCost(i) * (1 + max(0, market.providers.requiredMargin[i])) - 1e-9)
                    checked += 1
                }
            }
        }
        XCTAssertGreaterThan(checked, 100)
    }

    func testSpotPricesCoverPrivateCostsAndRiseWithDistrust() throws {
        let s = try Support.small(months: 1)
        let market = Market(config: ModelConfig(s), rng: RandomStream(seed: 4))
        var checked = 0, rising = 0
        for j in 0..<market.providers.count where market.providers.kind[j] != .inHouse {
            let c = market.providers.homeCouncil[j], ix = market.pair(j, c)
            var prices: [Double] = []
            for trust: Float in [1, 0.5, 0] {
                market.providers.providerTrust[ix] = trust
                prices.append(market.spotPrice(j, council: c))
            }
            XCTAssertLessThanOrEqual(prices[0], prices[1])
            XCTAssertLessThanOrEqual(prices[1], prices[2])
            if prices[0] < prices[2] { rising += 1 }
            if market.providers.kind[j].isPrivate {
                let floor = market.unitCost(j) * (1 + max(0, market.providers.requiredMargin[j]) + market.p.spotPremium)
                XCTAssertGreaterThanOrEqual(prices[0], floor - 1e-9)
            }
            checked += 1
        }
        XCTAssertGreaterThan(checked, 100)
        XCTAssertGreaterThan(rising, checked / 2, "distrust of the council adds a risk premium")
    }

    /// A small market run for `months` months, with the next month's spot quotes taken.
    private func marketReadyToPlace(seed: UInt64, after months: Int) throws -> Market {
        let market = Market(config: ModelConfig(try Support.small(months: 12)), rng: RandomStream(seed: seed))
        for _ in 0..<months { market.step(); market.month += 1 }
        market.quoteSpotPrices()
        return market
    }

    func testNoCouncilSeesASpotOfferBetterThanItsFullTrustValue() throws {
        // The spot search skips a provider whose full-trust value cannot beat the best offer so
        // far; that is only exact if no trust level gives a higher value.
        let market = try marketReadyToPlace(seed: 8, after: 4)
        var checked = 0, below = 0
        for j in 0..<market.providers.count where market.providers.alive[j] && market.providers.kind[j] != .inHouse {
            let quote = market.spotQuotes[j]
            let baseCost = market.p.monthlyBaseCost[market.providers.tier[j]] * market.inflationIndex
            XCTAssertTrue(quote.bestValue.isFinite)
            let full = quote.price(trust: 1, riskPremium: market.p.riskPremium, spotPremium: market.p.spotPremium)
            XCTAssertEqual(quote.value(price: full, baseCost: baseCost), quote.bestValue)
            for c in 0..<market.councils.count {
                let value = quote.value(price: market.spotPrice(j, council: c), baseCost: baseCost)
                XCTAssertLessThanOrEqual(value, quote.bestValue, "provider \(j), council \(c)")
                checked += 1
                if value < quote.bestValue { below += 1 }
            }
        }
        XCTAssertGreaterThan(checked, 1_000)
        XCTAssertGreaterThan(below, checked / 2, "trust below 1 lowers the value")
    }

    func testSpotVacanciesFollowEveryPlacement() throws {
        // Placement probes each provider's vacancies in a small array kept beside the places;
        // it must agree with the places themselves after every placement, whatever the route.
        // So must the vacancies summed per reach segment; a council with none in its reach does
        // not ring round, so the search draws no random numbers (MODEL.md §3.7).
        let market = try marketReadyToPlace(seed: 5, after: 3)
        var spot = 0, other = 0, unreachable = 0
        for n in 0..<2_000 {
            let c = n % market.councils.count, k = n % Tier.allCases.count
            let i = market.admit(council: c, tier: k)
            let before = RandomStream(continuing: market.rng), none = !market.anyVacancyInReach(council: c, tier: k)
            guard market.place(i) else {
                market.councils.waiting[c].append(Int32(i))
                if none {
                    unreachable += 1
                    XCTAssertEqual(market.rng.uniform(), before.uniform(), "no call made for child \(n)")
                }
                continue
            }
            if market.children[i].spot { spot += 1; XCTAssertFalse(none, "placed at spot with no vacancy in reach") } else { other += 1 }
            var segmentFree = Array(repeating: 0, count: market.reachSegments)
            for j in 0..<market.providers.count {
                XCTAssertEqual(Int(market.book.spotVacancies[j]), market.providers.alive[j] ? market.spotFree(j) : 0, "provider \(j) after placement \(n)")
                if market.providers.alive[j] && market.providers.kind[j] != .inHouse {
                    segmentFree[market.reachSegment(j)] += max(0, market.spotFree(j))
                }
            }
            XCTAssertEqual(segmentFree, Array(market.book.reachVacancies), "after placement \(n)")
        }
        XCTAssertGreaterThan(unreachable, 100, "searches with no vacancy in reach exercised")
        // Coverage, not a claim: contract and in-house places fill within the first placements
        // (the calibrated market has 10 free ones at this seed), the rest go to spot until the
        // vacancies run out (96 spot placements at this seed since the fit of 4 December 2026).
        XCTAssertGreaterThan(spot, 50, "spot placements exercised")
        XCTAssertGreaterThanOrEqual(other, 10, "contract and in-house placements exercised")
    }

    /// `market.places_per_bid` (MODEL.md §3.6): no provider prepares more than max(1, registered
    /// places / places_per_bid, rounded) bids in a month, and the bids counted are every bid the
    /// month's tenders received; without it (`places_per_bid = 0`) large providers bid beyond that.
    func testBidWritingCapacityCapsEachProvidersBidsInAMonth() throws {
        func run(_ extra: [String]) throws -> (over: Int, atCap: Int, months: Int) {
            let config = ModelConfig(try Support.small(months: 36, scale: 0.3, ["simulation.burn_in_months=24"] + extra))
            let perBid = 25.0
            var over = 0, atCap = 0, months = 0
            _ = Simulation(config: config, seed: 4).run { m in
                var made = 0
                for i in 0..<m.providers.count {
                    let n = Int(m.providers.bidsMade[i]), cap = max(1, Int((Double(m.providers.registered[i]) / perBid).rounded()))
                    made += n
                    if n > cap { over += 1 } else if n == cap && cap > 1 { atCap += 1 }
                }
                XCTAssertEqual(Double(made), m.tally.bidCosts / (m.p.bidCost * m.inflationIndex), accuracy: 1e-6, "month \(m.month)")
                months += 1
            }
            return (over, atCap, months)
        }
        let capped = try run(["market.places_per_bid=25"]), free = try run(["market.places_per_bid=0"])
        XCTAssertEqual(capped.months, 36)
        XCTAssertEqual(capped.over, 0, "a provider bid beyond its capacity")
        XCTAssertGreaterThan(capped.atCap, 0, "the capacity never bound: the check above read nothing")
        XCTAssertGreaterThan(free.over, 0, "without the capacity large providers bid beyond it (what the option changes)")
    }

    /// MODEL.md §1.3: councils commission and place in an order drawn afresh each month, so no
    /// council is always first to providers' bids and vacancies (in index order the last councils'
    /// tenders found no bidder 250 times as often as the first ones' under the bid-writing limit).
    func testCouncilsActInAnOrderDrawnAfreshEachMonth() throws {
        let config = ModelConfig(try Support.small(months: 48, scale: 0.2, ["simulation.burn_in_months=12"]))
        var firsts = Set<Int>(), position = [Double](), orders = 0
        _ = Simulation(config: config, seed: 5).run { m in
            let n = m.councils.count
            XCTAssertEqual(m.councilOrder.sorted(), Array(0..<n), "month \(m.month): a permutation of the councils")
            firsts.insert(m.councilOrder[0])
            position.append(Double(m.councilOrder.firstIndex(of: n - 1)!) / Double(n - 1))
            orders += 1
        }
        XCTAssertEqual(orders, 48)
        XCTAssertGreaterThan(firsts.count, 20, "the first council changes from month to month")
        // The last council's place in the order is uniform on [0, 1]: mean 0.5, sd of the mean of 48 ≈ 0.04.
        XCTAssertEqual(position.reduce(0, +) / Double(position.count), 0.5, accuracy: 0.15, "the last council by index is not last each month")
    }

    func testChildRecordsEachFillOneCacheLineAndSurviveGrowth() {
        // Each record must start on a 64-byte boundary (one cache line per random access),
        // before and after the storage grows, and growing must keep every record.
        XCTAssertEqual(MemoryLayout<Child>.stride, 64)
        // A contract is two lines, the first holding what the monthly passes read (Contracts.swift).
        XCTAssertEqual(MemoryLayout<Contract>.stride, 128)
        XCTAssertLessThan(MemoryLayout<Contract>.offset(of: \Contract.outcomeSpec)!, 64)
        var children = Children()
        func aligned(_ c: Children) -> Bool {
            c.withRecords { UInt(bitPattern: $0.baseAddress) % 64 == 0 }
        }
        for n in 0..<5_000 {
            let i = children.add(council: n % 7, tier: n % 3, month: n)
            XCTAssertEqual(i, n)
            if n == 10 { XCTAssertTrue(aligned(children)) }
        }
        XCTAssertTrue(aligned(children), "still aligned after growing past the first block")
        let copy = children
        for n in 5_000..<20_000 { _ = children.add(council: n % 7, tier: n % 3, month: n) }
        XCTAssertEqual(copy.count, 5_000, "a copy keeps its own records when the original grows")
        XCTAssertEqual(copy[4_999].placementStart, 4_999)
        for n in stride(from: 0, to: 20_000, by: 997) {
            XCTAssertEqual(Int(children[n].council), n % 7)
            XCTAssertEqual(Int(children[n].placementStart), n)
        }
        children.remove(123)
        XCTAssertEqual(children.add(council: 1, tier: 2, month: 0), 123, "a freed slot is reused")
        XCTAssertEqual(children.living, 20_000)
    }

    func testMedianBySelectionEqualsMedianBySorting() {
        // The monthly median reserves are found by selection; it must give what sorting gives,
        // for odd and even counts, ties and runs of equal values.
        let rng = RandomStream(seed: 99)
        for n in 1...60 {
            for _ in 0..<20 {
                var v = (0..<n).map { _ in Double(rng.uniformInt(n % 7 == 0 ? 3 : 1_000)) - 50 }
                let sorted = v.sorted()
                let expected = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
                XCTAssertEqual(median(&v), expected, "n = \(n)")
                XCTAssertEqual(v.sorted(), sorted, "only reordered")
            }
        }
        var none: [Double] = []
        XCTAssertEqual(median(&none), 0)
    }

    func testCharitiesMayBidBelowCostFromReserves() throws {
        let s = try Support.small(months: 1)
        let market = Market(config: ModelConfig(s), rng: RandomStream(seed: 3))
        guard let i = (0..<market.providers.count).first(where: { market.providers.kind[$0] == .smallCharity && market.providers.crossSubsidy[$0] > 0 }) else {
            return XCTFail("no cross-subsidising charity in the baseline")
        }
        market.shortage = market.shortage.map { _ in 0 }
        market.providers.lastCost[i] = 1
        market.providers.reserves[i] = 1e9
        let lot = market.lotTerms(market.providers.homeCouncil[i], tier: market.providers.tier[i], volume: 1)
        XCTAssertLessThan(market.bidPrice(provider: i, lot: lot, trust: 1), market.unitCost(i))
    }

    /// Discounts that stack past any cost (the lowest target margin, the largest collaborative
    /// discount and cross-subsidy the catalogue allows) stop at the lowest share of cost a provider
    /// takes, for bids and for shared savings alike: a price is never nil or negative (found by
    /// the invariant soak: seed 8, draw 97, contract prices below zero).
    func testStackedDiscountsStopAtTheLowestShareOfCost() throws {
        let floor = Market.lowestCostShare
        XCTAssertEqual(floor, 1 - ParameterCatalog.spec("providers.cross_subsidy")!.range!.upperBound, accuracy: 1e-12)
        let s = try Support.small(months: 1, ["councils.policy.collaborative_discount=0.9", "investment.shared_savings=1"])
        let market = Market(config: ModelConfig(s), rng: RandomStream(seed: 3))
        market.shortage = market.shortage.map { _ in 0 }
        var checked = 0
        for i in 0..<market.providers.count where market.providers.kind[i].isCharity {
            market.providers.targetMargin[i] = -0.5
            market.providers.crossSubsidy[i] = 0.9
            market.providers.lastCost[i] = 1
            market.providers.reserves[i] = 1e9
            var lot = market.lotTerms(market.providers.homeCouncil[i], tier: market.providers.tier[i], volume: 1)
            lot.collaborative = true
            // Without the floor: cost × (1 − 0.5 − 0.9 − 0.9), below zero.
            XCTAssertEqual(market.bidPrice(provider: i, lot: lot, trust: 1), floor * market.unitCost(i), accuracy: 1e-9 * market.unitCost(i))
            checked += 1
        }
        XCTAssertGreaterThan(checked, 10)
        // Shared savings larger than the price on a co-designed contract: the review takes the
        // price down to the floor, not below it.
        guard let k = market.activeContracts.first else { return XCTFail("no contract in force") }
        let i = market.contracts[k].provider, c = market.contracts[k].council
        market.contracts[k].codesign = true
        market.councilPolicies[c].strategies.insert(.codesign)
        market.councilPolicies[c].trigger = -1 // applied whatever the pressure
        market.updateActiveStrategies(c)
        guard market.activeStrategies[c].contains(.codesign) else { return XCTFail("codesign shares savings") }
        market.contracts[k].reviewCost = 10 * market.unitCost(i)
        market.contracts[k].price = 1.2 * market.unitCost(i)
        market.month = 12
        market.runCostCutting()
        XCTAssertEqual(market.contracts[k].price, floor * market.unitCost(i), accuracy: 1e-6 * market.unitCost(i))
    }

    /// MODEL.md §3.8: a place costs its tier's fixed share of the unit cost whether or not it is
    /// filled, the rest only when filled (fostering agencies pay carers mostly per placement; homes
    /// staff a rota), for independent providers and in-house services alike.
    func testPlacesCostTheirTiersFixedShare() throws {
        let shares = ["family_support": 0.5, "fostering": 0.2, "residential": 0.7]
        let s = try Support.small(months: 1, shares.map { "market.fixed_cost_share_\($0.key)=\($0.value)" })
        let market = Market(config: ModelConfig(s), rng: RandomStream(seed: 3))
        let interest = market.p.interestRate / 12
        let capacity = market.providers.capacity.map(Double.init), occupied = market.providers.occupied.map(Double.init)
        let debt = market.providers.debt, bids = Array(market.providers.bidCosts)
        let unitCost = (0..<market.providers.count).map { market.unitCost($0) } // before investment lowers it
        for h in 0..<market.providers.count where market.providers.kind[h] == .inHouse {
            let f = try XCTUnwrap(shares[Tier(rawValue: market.providers.tier[h])!.name])
            XCTAssertEqual(market.inHouseCost(h), unitCost[h] * (f * capacity[h] + (1 - f) * occupied[h]), accuracy: 1e-9 * market.inHouseCost(h), "in-house service \(h)")
        }
        market.runProviderFinance()
        for tier in Tier.allCases {
            let f = try XCTUnwrap(shares[tier.name])
            let own = (0..<market.providers.count).filter { market.providers.tier[$0] == tier.rawValue }
            // A provider with empty places, so the fixed share is seen apart from the rest.
            let independent = try XCTUnwrap(own.first { market.providers.kind[$0] != .inHouse && occupied[$0] < capacity[$0] })
            let cost = unitCost[independent] * (f * capacity[independent] + (1 - f) * occupied[independent]) + debt[independent] * interest + bids[independent]
            XCTAssertEqual(market.providers.lastCost[independent], cost, accuracy: 1e-9 * cost, "\(tier.name): independent provider")
        }
    }

    func testInsolvencyMovesEveryChild() throws {
        let s = try Support.small(months: 24)
        let market = Market(config: ModelConfig(s), rng: RandomStream(seed: 11))
        for _ in 0..<6 { market.step(); market.month += 1 }
        // The independent provider with most children goes insolvent.
        let i = (0..<market.providers.count).filter { market.providers.kind[$0] != .inHouse && market.providers.alive[$0] }
            .max { market.providers.occupied[$0] < market.providers.occupied[$1] }!
        let placed = market.providers.occupied[i]
        XCTAssertGreaterThan(placed, 0)
        let before = market.children.living
        market.providers.reserves[i] = -1
        market.tally = MonthTally()
        market.exiting.append(i)
        market.runExits()
        XCTAssertFalse(market.providers.alive[i])
        XCTAssertEqual(market.providers.occupied[i], 0)
        let stillThere = (0..<market.children.count).filter { market.children[$0].alive && market.children[$0].provider == Int32(i) }
        XCTAssertTrue(stillThere.isEmpty, "every child moved")
        XCTAssertEqual(market.tally.displaced, placed, "each move counted as a breakdown")
        XCTAssertEqual(market.children.living, before, "no child lost")
        XCTAssertTrue(market.providers.contracts[i].allSatisfy { !market.contracts[$0].active })
        let waiting = market.councils.waiting.reduce(0) { $0 + $1.count }
        XCTAssertGreaterThanOrEqual(waiting, placed)
    }

    func testMoreCommissioningStaffMeansBetterObservation() throws {
        // Monitoring noise σ = observation_noise × sqrt(reference_staff / staff): trust tracks quality
        // more closely with more staff. Measured as the spread of council trust across equal-quality providers.
        func spread(staff: Double) throws -> Double {
            let s = try Support.small(months: 36, ["trust.staff_turnover=0"])
            var sc = s
            for g in sc.councilGroups.indices { sc.councilGroups[g]["councils.commissioning_staff"] = .distribution(.fixed(staff)) }
            for g in sc.councilGroups.indices { sc.councilGroups[g]["councils.staff_per_10k"] = .distribution(.fixed(0)) }
            let market = Market(config: ModelConfig(sc), rng: RandomStream(seed: 5))
            for _ in 0..<36 { market.step(); market.month += 1 }
            var err: [Double] = []
            for k in 0..<market.contracts.count where market.contracts[k].active {
                let i = market.contracts[k].provider, c = market.contracts[k].council
                err.append(abs(Double(market.providers.councilTrust[market.pair(i, c)]) - market.providers.quality[i]))
            }
            return Stats.mean(err)
        }
        XCTAssertLessThan(try spread(staff: 40), try spread(staff: 1))
    }

    func testSeedDerivationIsStableAndDistinct() {
        XCTAssertEqual(SeedDerivation.derive(42, [1, 2]), SeedDerivation.derive(42, [1, 2]))
        XCTAssertNotEqual(SeedDerivation.derive(42, [1, 2]), SeedDerivation.derive(42, [2, 1]))
        XCTAssertNotEqual(SeedDerivation.derive(42, [1]), SeedDerivation.derive(43, [1]))
        let seeds = Set((0..<10_000).map { SeedDerivation.replicationSeed(1, $0) })
        XCTAssertEqual(seeds.count, 10_000)
    }

    /// Every bit of the seed counts: GSL's own seeding keeps 32 bits, so seeds 2^32 apart used to
    /// give identical streams; they differ now under every generator, and a seed repeats its stream.
    func testSeedsThatDifferOnlyAboveBit32GiveDifferentStreams() {
        func draws(_ seed: UInt64, _ kind: GeneratorKind) -> [Double] {
            let r = RandomStream(seed: seed, kind: kind)
            return (0..<8).map { _ in r.uniform() }
        }
        for kind in GeneratorKind.allCases {
            for base: UInt64 in [0, 1, 7, 123_456_789] {
                XCTAssertEqual(draws(base, kind), draws(base, kind), "\(kind) repeats")
                XCTAssertNotEqual(draws(base, kind), draws(base + (1 << 32), kind), "\(kind): seed \(base) and \(base) + 2^32")
                XCTAssertNotEqual(draws(base, kind), draws(base + (1 << 40), kind), "\(kind): seed \(base) and \(base) + 2^40")
            }
        }
        // taus2 (the default) has a distinct stream per seed: no two of 20,000 replication seeds start alike.
        let starts = Set((0..<20_000).map { draws(SeedDerivation.replicationSeed(3, $0), .taus2) })
        XCTAssertEqual(starts.count, 20_000)
    }

    func testDistributionsHaveTheirMeans() {
        let rng = RandomStream(seed: 99)
        let cases: [Distribution] = [.lognormal(mean: 4, sd: 2), .gamma(mean: 8, sd: 3), .beta(mean: 0.55, sd: 0.1), .normal(mean: 1, sd: 0.1), .uniform(min: 2, max: 6)]
        for d in cases {
            let n = 20_000
            let xs = (0..<n).map { _ in d.sample(rng, clampedTo: nil) }
            XCTAssertEqual(Stats.mean(xs), d.mean, accuracy: 5 * Stats.sd(xs) / Double(n).squareRoot(), "\(d)")
        }
        XCTAssertEqual(Distribution.normal(mean: 0.5, sd: 1).sample(rng, clampedTo: 0...1) <= 1, true)
    }

    func testParallelRunnerIsIndependentOfThreadCount() {
        let job: @Sendable (Int) -> UInt64 = { i in
            let r = RandomStream(seed: SeedDerivation.derive(5, [UInt64(i)]))
            var x: UInt64 = 0
            for _ in 0..<(100 * (i % 7 + 1)) { x = x &* 31 &+ UInt64(r.uniformInt(1000)) }
            return x
        }
        let one = ParallelRunner(threads: 1).map(50, job: job)
        let four = ParallelRunner(threads: 4).map(50, job: job)
        XCTAssertEqual(one, four)
    }
}
