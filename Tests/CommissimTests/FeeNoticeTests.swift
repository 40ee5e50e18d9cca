import CommissimEngine
@testable import CommissimIO
@testable import CommissimModel
import XCTest

/// Notice on unviable fees (MODEL.md §3.8, Mechanisms/FeeNotices.swift).
final class FeeNoticeTests: XCTestCase {
    private func market(_ extra: [String] = []) throws -> Market {
        let s = try Support.small(months: 60, scale: 0.1, ["simulation.burn_in_months=24"] + extra)
        let config = ModelConfig(s)
        let m = Market(config: config, rng: RandomStream(seed: 11, kind: config.generatorKind))
        for _ in 0..<config.burnInMonths { m.step(); m.month += 1 }
        m.startReporting()
        return m
    }

    /// A block contract of an independent provider, and a child placed off contract with another.
    private func cases(_ m: Market) -> (contract: Int, spotChild: Int)? {
        guard let k = m.activeContracts.first(where: { m.contracts[$0].form == .block && m.providers.kind[m.contracts[$0].provider] != .inHouse }) else { return nil }
        for j in 0..<m.providers.count where m.providers.alive[j] && m.providers.kind[j] != .inHouse && j != m.contracts[k].provider {
            if let ch = m.offContractChildren(of: j).first(where: { m.children[$0].price > 0 }) { return (k, ch) }
        }
        return nil
    }

    func testAFeeBelowTheWalkAwayPriceIsGivenNoticeAndOnlyThat() throws {
        let m = try market()
        XCTAssertEqual(m.month % 12, 0, "the price review month")
        guard let (k, ch) = cases(m) else { return XCTFail("no block contract and spot child to test") }
        let i = m.contracts[k].provider, j = Int(m.children[ch].provider), c = Int(m.children[ch].council)
        let floorI = m.unitCost(i) * (1 + m.walkAwayMargin(i)), floorJ = m.unitCost(j) * (1 + m.walkAwayMargin(j))
        // Every other fee at or above its provider's walk-away price stays as it is.
        for k2 in m.activeContracts where k2 != k {
            let p = m.contracts[k2].provider
            if m.providers.kind[p] != .inHouse { m.contracts[k2].price = max(m.contracts[k2].price, m.unitCost(p) * (1 + m.walkAwayMargin(p)) * 1.01) }
        }
        for j2 in 0..<m.providers.count where m.providers.alive[j2] && m.providers.kind[j2] != .inHouse {
            let floor = m.unitCost(j2) * (1 + m.walkAwayMargin(j2))
            for x in m.offContractChildren(of: j2) where m.children[x].price > 0 && m.children[x].price < floor * 1.01 { m.children[x].price = floor * 1.01 }
        }
        m.recountFees()
        let membersBefore = m.members(of: k)
        m.contracts[k].price = 0.9 * floorI
        m.children[ch].price = 0.9 * floorJ
        m.recountFees()
        let kept = m.activeContracts.filter { $0 != k }
        let keptPrices = kept.map { m.contracts[$0].price }
        m.runFeeNotices()
        XCTAssertFalse(m.contracts[k].active, "the provider hands back a contract paying below its walk-away price")
        XCTAssertEqual(m.tally.contractsHandedBack, 1)
        XCTAssertEqual(kept.map { m.contracts[$0].active }, kept.map { _ in true }, "contracts at viable fees are kept")
        XCTAssertEqual(kept.map { m.contracts[$0].price }, keptPrices)
        // The spot child stays where it is, at its provider's spot quote to that council.
        XCTAssertEqual(Int(m.children[ch].provider), j)
        XCTAssertEqual(m.children[ch].price, m.spotPrice(j, council: c), accuracy: 1e-9)
        XCTAssertGreaterThanOrEqual(m.children[ch].price, floorJ)
        // The handed-back contract's children stay with its provider, off contract, re-priced the same way.
        for x in membersBefore {
            XCTAssertEqual(Int(m.children[x].provider), i)
            XCTAssertEqual(m.children[x].contract, -1)
            XCTAssertEqual(m.children[x].price, m.spotPrice(i, council: Int(m.children[x].council)), accuracy: 1e-9)
        }
        XCTAssertEqual(m.tally.placementsRepriced, 1 + membersBefore.count)
        // The fee totals were recounted: they match the children's fees.
        let feeUnits = m.book.census.feeUnits.elements
        m.recountFees()
        XCTAssertEqual(feeUnits, m.book.census.feeUnits.elements)
    }

    func testNoNoticeOutsideThePriceReviewOrWhenSwitchedOff() throws {
        for extra in [[], ["market.fee_notices=false"]] {
            let m = try market(extra)
            guard let (k, ch) = cases(m) else { return XCTFail("no block contract and spot child to test") }
            m.contracts[k].price = 0
            m.children[ch].price = 1e-6
            m.recountFees()
            if extra.isEmpty { m.month += 1 } // not a January
            m.runFeeNotices()
            XCTAssertTrue(m.contracts[k].active, "\(extra)")
            XCTAssertEqual(m.children[ch].price, 1e-6, "\(extra)")
            XCTAssertEqual(m.tally.contractsHandedBack + m.tally.placementsRepriced, 0)
        }
    }

    /// Where fees follow inflation no fee falls below a walk-away price: the rule is silent in
    /// the status quo. Under a price squeeze it fires, and councils pay for it: more spot
    /// spending and fees re-priced upwards than with every cut fee kept (ablation, paired).
    func testNoticesAreSilentInTheStatusQuoAndMakeASqueezeDearer() throws {
        let common = ["simulation.scale=0.1", "simulation.months=120"]
        let quo = try Support.scenario("three_year", common)
        let on = try Support.scenario("price_squeeze", common)
        let off = try Support.scenario("price_squeeze", common + ["market.fee_notices=false"])
        let (a, _) = PairedExperiment(a: quo, b: quo, replications: 4).run()
        XCTAssertTrue(a.allSatisfy { $0.total("contracts_handed_back") + $0.total("placements_repriced") == 0 },
                      "\(a.map { $0.total("placements_repriced") })")
        let (without, with) = PairedExperiment(a: off, b: on, replications: 12).run()
        XCTAssertTrue(without.allSatisfy { $0.total("contracts_handed_back") + $0.total("placements_repriced") == 0 })
        XCTAssertTrue(with.allSatisfy { $0.total("contracts_handed_back") > 0 && $0.total("placements_repriced") > 0 })
        assertPaired("spot spending under a squeeze, notices against none", without.map { $0.total("spend_spot") }, with.map { $0.total("spend_spot") }, .increase)
        assertPaired("mean fostering fee paid (last two years)", without.map { $0.tailMean("price_fostering") }, with.map { $0.tailMean("price_fostering") }, .increase)
    }
}
