import CommissimEngine
@testable import CommissimModel
import XCTest

/// Each cost-cutting strategy's own effects (MODEL.md §3.4; Mechanisms/CostCutting/), one test per
/// strategy: on one small market at set-up, council `c` with and without the strategy, the same
/// state otherwise. The stylised facts (StylisedFactTests) show what the effects add up to over
/// years; these show that each strategy does what its row of the table says. A new strategy adds
/// its file, its line in `Strategy.registered` and its test here (``tests``).
final class StrategyTests: XCTestCase {
    /// Every strategy's test, by scenario name.
    private static var tests: [String: (StrategyTests) -> () throws -> Void] { [
        "price_squeeze": testPriceSqueezeCutsFeesInsteadOfUpliftingThem,
        "lowest_price": testLowestPriceWeighsPriceByItsOwnWeight,
        "consolidation": testConsolidationMakesLotsLarger,
        "collaborative": testCollaborativeTendersJointlyInLargerLotsForHalfTheTime,
        "outcome_payment": testOutcomePaymentLetsOutcomeBasedContracts,
        "decommission": testDecommissionScreensCutsTheTargetAndTerminatesTheLeastTrusted,
        "in_house": testInHouseGrowsWhereItIsCheaperThanBuying,
        "codesign": testCodesignSpecifiesOutcomesAndVariesTrustedIncumbents,
    ] }

    func testEveryStrategyHasItsTest() {
        XCTAssertEqual(Set(Self.tests.keys), Set(Strategy.names), "a registered strategy without its test here, or a test of none")
        XCTAssertEqual(Strategy.allCases.map { Strategy(name: $0.name) }, Strategy.allCases)
    }

    /// A small market at set-up (no burn-in: the policy's own terms) and a council holding
    /// contracts, applying no strategy.
    private func market(_ extra: [String] = []) throws -> (Market, Int) {
        let s = try Support.small(months: 1, ["simulation.burn_in_months=0", "councils.policy.trigger=-1"] + extra)
        let m = Market(config: ModelConfig(s), rng: RandomStream(seed: 11))
        guard let c = (0..<m.councils.count).max(by: { m.councils.contracts[$0].count < m.councils.contracts[$1].count }),
              m.councils.contracts[c].count >= 3 else { throw XCTSkip("no council with contracts") }
        return (m, c)
    }

    /// Council `c` applies `strategies` from now.
    private func apply(_ strategies: Strategies, _ m: Market, _ c: Int) {
        m.councilPolicies[c].strategies = strategies
        m.updateActiveStrategies(c)
    }

    private func fees(_ m: Market, _ c: Int) -> [Double] { m.councils.contracts[c].map { m.contracts[$0].price } }

    func testPriceSqueezeCutsFeesInsteadOfUpliftingThem() throws {
        let (m, c) = try market()
        let rate = m.policy(c).squeezeRate, uplift = 1 + m.p.inflation
        XCTAssertGreaterThan(rate, 0)
        apply(.priceSqueeze, m, c)
        XCTAssertEqual(m.activeStrategies[c], .priceSqueeze)
        let other = (0..<m.councils.count).first { $0 != c && !m.councils.contracts[$0].isEmpty }!
        let before = fees(m, c), otherBefore = fees(m, other)
        let spot = (0..<m.children.count).filter { m.children[$0].alive && m.children[$0].price > 0 && Int(m.children[$0].council) == c }
        XCTAssertFalse(spot.isEmpty, "children placed at a fee per child")
        let spotBefore = spot.map { m.children[$0].price }
        let trustBefore = m.councils.contracts[c].map { m.providers.providerTrust[m.pair(m.contracts[$0].provider, c)] }
        let cuts = m.tally.feeCuts
        m.month = 12
        m.runCostCutting()
        for (a, b) in zip(before, fees(m, c)) { XCTAssertEqual(b, a * (1 - rate), accuracy: 1e-9 * a) }
        for (a, b) in zip(otherBefore, fees(m, other)) where m.policy(other).uplift { XCTAssertEqual(b, a * uplift, accuracy: 1e-9 * a) }
        for (i, a) in zip(spot, spotBefore) { XCTAssertEqual(m.children[i].price, a * (1 - rate), accuracy: 1e-9 * a) }
        XCTAssertEqual(m.tally.feeCuts - cuts, before.count, "each contract's cut counted")
        // Each cut is a breach of trust (signal 0): every provider trusts the council less.
        let trustAfter = m.councils.contracts[c].map { m.providers.providerTrust[m.pair(m.contracts[$0].provider, c)] }
        for (a, b) in zip(trustBefore, trustAfter) where a > 0 { XCTAssertLessThan(b, a) }
    }

    func testLowestPriceWeighsPriceByItsOwnWeight() throws {
        let (m, c) = try market(["councils.policy.price_weight=0.4", "councils.policy.lowest_price_weight=0.9"])
        XCTAssertEqual(m.lotTerms(c, tier: 1, volume: 5).priceWeight, 0.4)
        apply(.lowestPrice, m, c)
        XCTAssertEqual(m.lotTerms(c, tier: 1, volume: 5).priceWeight, 0.9)
        XCTAssertEqual(m.activeStrategies[c].priceWeight(m.policy(c), form: .grant), 0, "grants never weigh price")
    }

    func testConsolidationMakesLotsLarger() throws {
        let (m, c) = try market(["councils.policy.lot_size=5", "councils.policy.consolidation_factor=3"])
        XCTAssertEqual(m.lotSize(c, tier: 1), 5)
        apply(.consolidation, m, c)
        XCTAssertEqual(m.lotSize(c, tier: 1), 15)
        // With collaboration too: 5 × 3 × 1.5, rounded.
        apply([.consolidation, .collaborative], m, c)
        XCTAssertEqual(m.lotSize(c, tier: 1), 23)
    }

    func testCollaborativeTendersJointlyInLargerLotsForHalfTheTime() throws {
        let (m, c) = try market(["councils.policy.lot_size=4"])
        let time = m.tenderStaffMonths(c)
        XCTAssertFalse(m.lotTerms(c, tier: 1, volume: 4).collaborative)
        apply(.collaborative, m, c)
        XCTAssertTrue(m.lotTerms(c, tier: 1, volume: 4).collaborative)
        XCTAssertEqual(m.lotSize(c, tier: 1), 6)
        XCTAssertEqual(m.tenderStaffMonths(c), time / 2)
        XCTAssertEqual(m.jointTenderDiscount(c), m.policy(c).collaborativeDiscount)
        let k = m.councils.contracts[c][0]
        m.contracts[k].collaborative = true
        XCTAssertEqual(m.jointTenderTrustFactor(k), 1.25)
    }

    func testOutcomePaymentLetsOutcomeBasedContracts() throws {
        let (m, c) = try market(["councils.policy.payment=\"block\"", "councils.policy.specification=\"input\""])
        XCTAssertEqual(m.lotTerms(c, tier: 1, volume: 3).form, .block)
        XCTAssertFalse(m.lotTerms(c, tier: 1, volume: 3).outcomeSpec)
        apply(.outcomePayment, m, c)
        XCTAssertEqual(m.lotTerms(c, tier: 1, volume: 3).form, .outcome)
        XCTAssertTrue(m.lotTerms(c, tier: 1, volume: 3).outcomeSpec, "an outcome-based contract specifies outcomes")
    }

    func testDecommissionScreensCutsTheTargetAndTerminatesTheLeastTrusted() throws {
        let (m, c) = try market(["councils.policy.decommission_cut=0.2"])
        let target = m.contractTarget(c, tier: 1)
        XCTAssertGreaterThan(target, 0)
        XCTAssertEqual(m.familySupportScreen(c).eligibility, 0)
        apply(.decommission, m, c)
        XCTAssertTrue(m.activeStrategies[c].lapsesExpiringContracts)
        XCTAssertEqual(m.contractTarget(c, tier: 1), 0.8 * target, accuracy: 1e-9 * target)
        XCTAssertEqual(m.familySupportScreen(c).eligibility, m.p.eligibilityScreen)
        // At the price review the contract its council trusts least is ended early.
        let held = m.councils.contracts[c]
        let least = held.min { m.providers.councilTrust[m.pair(m.contracts[$0].provider, c)] < m.providers.councilTrust[m.pair(m.contracts[$1].provider, c)] }!
        m.providers.councilTrust[m.pair(m.contracts[least].provider, c)] = 0 // the least trusted, whatever the ties
        let terminations = m.tally.terminations
        m.month = 12
        m.runCostCutting()
        XCTAssertFalse(m.contracts[least].active)
        XCTAssertEqual(m.councils.contracts[c].count, held.count - 1)
        XCTAssertEqual(m.tally.terminations - terminations, 1)
    }

    func testInHouseGrowsWhereItIsCheaperThanBuying() throws {
        let (m, c) = try market()
        let k = 1, h = m.councils.inHouse[m.councilTier(c, k)]
        let held = m.councils.contracts[c].filter { m.contracts[$0].tier == k }
        guard !held.isEmpty else { throw XCTSkip("no fostering contract") }
        // Contracts dearer than in-house care: the strategy grows the in-house service.
        for ct in held { m.contracts[ct].price = 10 * m.unitCost(h) }
        let capacity = m.providers.capacity[h]
        m.activeStrategies[c].plan(m, council: c, tier: k)
        XCTAssertEqual(m.providers.capacity[h], capacity, "no strategy, no growth")
        apply(.bringInHouse, m, c)
        m.activeStrategies[c].plan(m, council: c, tier: k)
        XCTAssertEqual(m.providers.capacity[h], capacity + max(1, Int((0.05 * m.expectedStock(c, k)).rounded())))
        // Contracts cheaper than in-house care: it does not.
        for ct in held { m.contracts[ct].price = 0.1 * m.unitCost(h) }
        let grown = m.providers.capacity[h]
        m.activeStrategies[c].plan(m, council: c, tier: k)
        XCTAssertEqual(m.providers.capacity[h], grown)
    }

    func testCodesignSpecifiesOutcomesAndVariesTrustedIncumbents() throws {
        let (m, c) = try market(["councils.policy.specification=\"input\"", "councils.policy.retender_good_incumbents=false"])
        XCTAssertFalse(m.lotTerms(c, tier: 1, volume: 3).outcomeSpec)
        apply(.codesign, m, c)
        XCTAssertTrue(m.lotTerms(c, tier: 1, volume: 3).outcomeSpec)
        // A trusted incumbent at expiry, with no extension left: varied for a new term, not re-tendered.
        let k = m.councils.contracts[c][0], i = m.contracts[k].provider
        m.providers.councilTrust[m.pair(i, c)] = 1
        m.providers.providerTrust[m.pair(i, c)] = 1
        m.contracts[k].extensionLeft = 0
        m.contracts[k].end = m.month
        let tenders = m.tally.retenders
        m.decideAtExpiry(k)
        XCTAssertTrue(m.contracts[k].active)
        XCTAssertTrue(m.contracts[k].codesign)
        XCTAssertEqual(m.contracts[k].end, m.month + m.policy(c, tier: m.contracts[k].tier).contractMonths)
        XCTAssertEqual(m.tally.retenders, tenders)
        XCTAssertEqual(m.codesignTrustFactor(k), 2)
        // Without the strategy the same contract is re-tendered (or lapses), not varied.
        let (n, d) = try market(["councils.policy.specification=\"input\"", "councils.policy.retender_good_incumbents=false"])
        let kk = n.councils.contracts[d][0], ii = n.contracts[kk].provider
        n.providers.councilTrust[n.pair(ii, d)] = 1
        n.providers.providerTrust[n.pair(ii, d)] = 1
        n.contracts[kk].extensionLeft = 0
        n.contracts[kk].end = n.month
        n.councils.staffTime[d] = 100
        let retenders = n.tally.retenders
        n.decideAtExpiry(kk)
        XCTAssertFalse(n.contracts[kk].codesign)
        XCTAssertEqual(n.tally.retenders - retenders, 1)
    }
}
