import CommissimEngine
@testable import CommissimIO
@testable import CommissimModel
import XCTest

/// Alliance contracts (MODEL.md §3.10, AllianceContracts.swift): one lot held jointly by the best
/// bidders, a shared gain/pain pot on outcomes, members' trust in each other, a member's exit.
final class AllianceTests: XCTestCase {
    /// A small market on alliance contracts, after `months` months of its own policy.
    private func market(_ extra: [String] = [], months: Int = 36) throws -> Market {
        let s = try Support.small(months: 120, scale: 0.1, ["simulation.burn_in_months=24", "policy.payment=\"alliance\""] + extra)
        let config = ModelConfig(s)
        let m = Market(config: config, rng: RandomStream(seed: 7, kind: config.generatorKind))
        for _ in 0..<config.burnInMonths { m.step(); m.month += 1 }
        m.startReporting()
        for _ in 0..<months { m.step(); m.month += 1 }
        return m
    }

    /// Tenders let alliances: up to alliance_members distinct providers of one council and tier,
    /// one term, the places split evenly; every alliance contract is in its alliance.
    func testALotGoesToSeveralProvidersWithOneTerm() throws {
        let m = try market(["policy.alliance_members=3"])
        XCTAssertGreaterThan(m.alliances.count, 0)
        var multi = 0
        for a in 0..<m.alliances.count {
            let members = m.alliances.members[a].filter { m.contracts[$0].active }
            XCTAssertLessThanOrEqual(m.alliances.members[a].count, 3)
            guard members.count > 1 else { continue }
            multi += 1
            XCTAssertEqual(Set(members.map { m.contracts[$0].provider }).count, members.count, "distinct providers")
            XCTAssertEqual(Set(members.map { m.contracts[$0].council }), [m.alliances.council[a]])
            XCTAssertEqual(Set(members.map { m.contracts[$0].tier }), [m.alliances.tier[a]])
            XCTAssertEqual(Set(members.map { m.contracts[$0].end }).count, 1, "one term for the alliance")
            XCTAssertTrue(members.allSatisfy { m.contracts[$0].form == .alliance })
        }
        XCTAssertGreaterThan(multi, 0, "some alliances have several members")
        for k in 0..<m.contracts.count where m.contracts[k].active && m.contracts[k].form == .alliance {
            let a = m.contracts[k].alliance
            XCTAssertGreaterThanOrEqual(a, 0)
            XCTAssertTrue(m.alliances.members[a].contains(k), "contract \(k) is in its alliance")
        }
        // One member: an alliance of one (the form's pot still applies).
        let one = try market(["policy.alliance_members=1"])
        XCTAssertTrue((0..<one.alliances.count).allSatisfy { one.alliances.members[$0].count <= 1 })
    }

    /// A lot's places are split evenly (the better-ranked taking the remainder) above each
    /// member's floor — a renewing member's children on its contract — and every place of the lot
    /// is let: a member's children beyond an even share once stayed on its contract unpaid, above
    /// its places (InvariantTests.testInvariantsUnderAlliances found it).
    func testPlacesAreSplitEvenlyAboveEachMembersFloor() {
        XCTAssertEqual(Market.shares(of: 10, floors: [1, 1, 1]), [4, 3, 3])
        XCTAssertEqual(Market.shares(of: 10, floors: [4, 1, 1]), [4, 3, 3], "a floor within the even share changes nothing")
        XCTAssertEqual(Market.shares(of: 10, floors: [1, 6, 1]), [2, 6, 2])
        XCTAssertEqual(Market.shares(of: 12, floors: [1, 5, 1, 1]), [3, 5, 2, 2])
        XCTAssertEqual(Market.shares(of: 10, floors: [1, 5, 5]), [1, 5, 5], "floors above the lot: each keeps its own")
        // Every case up to 4 members, floors up to 7 and lots up to 20 places.
        func cases(_ n: Int) -> [[Int]] { n == 0 ? [[]] : cases(n - 1).flatMap { f in (1...7).map { f + [$0] } } }
        for n in 1...4 {
            for floors in cases(n) {
                for total in n...20 {
                    let v = Market.shares(of: total, floors: floors)
                    XCTAssertEqual(v.reduce(0, +), max(total, floors.reduce(0, +)), "\(floors) of \(total)")
                    XCTAssertTrue(zip(v, floors).allSatisfy { $0 >= $1 }, "\(v): below a floor \(floors)")
                    // Members above their floor share evenly, the better-ranked first.
                    let free = v.indices.filter { v[$0] > floors[$0] }.map { v[$0] }
                    XCTAssertLessThanOrEqual((free.max() ?? 0) - (free.min() ?? 0), 1, "\(v) from \(floors) of \(total)")
                    XCTAssertEqual(free, free.sorted(by: >), "\(v): the remainder goes to the better-ranked")
                    XCTAssertTrue(v.indices.allSatisfy { v[$0] == floors[$0] || free.isEmpty || v[$0] >= free.min()! }, "\(v) from \(floors)")
                }
            }
        }
    }

    /// Outcomes above the target are a gain the council pays; below it, a pain the members repay;
    /// no share, no settlement. The settlements are in spend_outcome and in the members' revenue.
    func testThePotPaysAboveTheTargetAndChargesBelowIt() throws {
        func settlements(_ extra: [String]) throws -> [Double] {
            let s = try Support.small(months: 48, scale: 0.1, ["simulation.burn_in_months=24", "policy.payment=\"alliance\""] + extra)
            return Simulation(config: ModelConfig(s), seed: 3).run().series("alliance_settlements").filter { $0 != 0 }
        }
        let gain = try settlements(["investor.outcome_target=0.05"])
        let pain = try settlements(["investor.outcome_target=0.95"])
        XCTAssertFalse(gain.isEmpty)
        XCTAssertTrue(gain.allSatisfy { $0 > 0 }, "\(gain)")
        XCTAssertFalse(pain.isEmpty)
        XCTAssertTrue(pain.allSatisfy { $0 < 0 }, "\(pain)")
        XCTAssertEqual(try settlements(["policy.alliance_share=0"]), [])
        XCTAssertEqual(try settlements(["policy.payment=\"block\""]), [], "no alliances, no settlements")
        // The pot is split among the members in proportion to their places, paid from the council.
        let m = try market(months: 11)
        guard let a = (0..<m.alliances.count).first(where: { m.alliances.members[$0].filter { m.contracts[$0].active }.count > 1 }) else {
            return XCTFail("no alliance with two members")
        }
        let members = m.alliances.members[a].filter { m.contracts[$0].active && m.providers.alive[m.contracts[$0].provider] }
        for b in 0..<m.alliances.count { m.alliances.pot[b] = 0 }
        m.alliances.pot[a] = 1000
        let before = members.map { m.providers.revenue[m.contracts[$0].provider] }, spend = m.councilSpend[m.alliances.council[a]]
        let trust = m.alliances.trust[a], settledBefore = m.alliances.settled[a] // what its first months settled
        m.settleAlliances()
        let places = Double(members.reduce(0) { $0 + m.contracts[$1].volume })
        for (n, k) in members.enumerated() {
            XCTAssertEqual(m.providers.revenue[m.contracts[k].provider] - before[n], 1000 * Double(m.contracts[k].volume) / places, accuracy: 1e-9)
        }
        XCTAssertEqual(m.councilSpend[m.alliances.council[a]] - spend, 1000, accuracy: 1e-9)
        XCTAssertEqual(m.alliances.pot[a], 0)
        XCTAssertGreaterThan(m.alliances.trust[a], trust, "a shared gain builds the members' trust in each other")
        m.alliances.pot[a] = -1000
        let afterGain = m.alliances.trust[a]
        m.settleAlliances()
        XCTAssertLessThan(m.alliances.trust[a], afterGain, "a shared loss wears it")
        XCTAssertEqual(m.alliances.settled[a] - settledBefore, 0, accuracy: 1e-9, "+1000 then −1000")
    }

    /// A member leaving the market: it leaves the alliance, the members' trust in each other falls,
    /// and the others take on its places when they trust each other (all of them at trust 1, none at 0).
    func testAMemberLeavingPassesItsPlacesToTheOthers() throws {
        for trust in [1.0, 0.0] {
            let m = try market()
            guard let a = (0..<m.alliances.count).first(where: { m.alliances.members[$0].filter { m.contracts[$0].active }.count > 1 }) else {
                return XCTFail("no alliance with two members")
            }
            let k = m.alliances.members[a].first { m.contracts[$0].active }!
            let others = m.alliances.members[a].filter { $0 != k && m.contracts[$0].active }
            let volume = m.contracts[k].volume, before = others.map { m.contracts[$0].volume }
            m.alliances.trust[a] = trust
            m.providers.markExited(m.contracts[k].provider, month: m.month)
            m.allianceMemberExits(k)
            XCTAssertFalse(m.alliances.members[a].contains(k))
            XCTAssertEqual(m.contracts[k].alliance, -1)
            XCTAssertLessThanOrEqual(m.alliances.trust[a], trust)
            let gained = zip(others, before).reduce(0) { $0 + m.contracts[$1.0].volume - $1.1 }
            XCTAssertEqual(gained, trust == 1 ? volume : 0, "trust \(trust)")
        }
    }

    /// An alliance's members due together are re-tendered as one lot: one new alliance with all
    /// their places, and none of the old members' contracts left due.
    func testAnAllianceIsRetenderedWhole() throws {
        let m = try market(["policy.extension_months=0"])
        guard let a = (0..<m.alliances.count).first(where: { m.alliances.members[$0].filter { m.contracts[$0].active }.count > 1 }) else {
            return XCTFail("no alliance with two members")
        }
        let members = m.alliances.members[a].filter { m.contracts[$0].active }
        let places = members.reduce(0) { $0 + m.contracts[$1].volume }
        for k in members { m.contracts[k].end = m.month }
        let c = m.alliances.council[a]
        m.councils.staffTime[c] = 100
        let before = m.alliances.count
        XCTAssertEqual(Set(m.duePartners(members[0])), Set(members.dropFirst()))
        m.decideAtExpiry(members[0])
        XCTAssertTrue(members.allSatisfy { !m.isDue($0) }, "every member decided with the first")
        if m.alliances.count > before {
            XCTAssertEqual(m.alliances.count, before + 1, "one lot, one alliance")
            let new = m.alliances.members[before]
            XCTAssertGreaterThanOrEqual(new.reduce(0) { $0 + m.contracts[$1].volume }, places, "the lot holds every member's places")
            XCTAssertTrue(new.allSatisfy { m.contracts[$0].alliance == before })
        } else {
            XCTAssertTrue(members.allSatisfy { !m.contracts[$0].active }, "nobody bid: the contracts end")
        }
        // An old contract whose provider is not among the new members ends with the award.
        guard let k = (0..<m.contracts.count).first(where: { m.contracts[$0].active && m.contracts[$0].form == .alliance }) else {
            return XCTFail("no alliance contract")
        }
        let others = m.councils.reachable(m.councilTier(m.contracts[k].council, m.contracts[k].tier))
            .filter { m.providers.alive[$0] && $0 != m.contracts[k].provider }
        guard let winner = others.first else { return }
        var lot = m.lotTerms(m.contracts[k].council, tier: m.contracts[k].tier, volume: m.contracts[k].volume)
        lot.incumbent = m.contracts[k].provider
        lot.incumbentContract = k
        let first = m.awardAlliance(lot, ranked: [(winner, m.contracts[k].price)], initial: false)
        XCTAssertFalse(m.contracts[k].active, "the losing incumbent's contract ends")
        XCTAssertEqual(m.contracts[first].provider, winner)
    }
}
