import CommissimEngine
@testable import CommissimIO
@testable import CommissimModel
import XCTest

/// One group addressed everywhere a parameter path is accepted (README "Addressing one group"):
/// `councils[NAME].KEY` and `providers[NAME].KEY` in `--set`, `[vary]`, design files and
/// comparison `set`s; `policy.KEY` sets every council group.
final class GroupPathTests: XCTestCase {
    static let text = """
    [simulation]
    scale = 0.05
    months = 12
    burn_in_months = 0
    [[councils]]
    name = "Our County"
    count = 2
    type = "county"
    [councils.policy]
    contract_months = 36
    [[councils]]
    name = "Others"
    count = 3
    [[providers]]
    name = "Small charities"
    kind = "small_charity"
    count = 20
    """

    private func months(_ s: ResolvedScenario) -> [ParamValue?] { s.councilGroups.map { $0["councils.policy.contract_months"] } }

    func testAGroupPathSetsOneGroupAndPolicySetsEvery() throws {
        let one = try Support.scenario(text: Self.text, ["councils[Our County].policy.contract_months=120"])
        XCTAssertEqual(months(one), [.integer(120), .integer(36)])
        let every = try Support.scenario(text: Self.text, ["policy.contract_months=60"])
        XCTAssertEqual(months(every), [.integer(60), .integer(60)], "policy.KEY sets every group, a group's own value too")
        // Later overrides win, so a group path after policy.KEY refines it.
        let both = try Support.scenario(text: Self.text, ["policy.contract_months=60", "councils[Others].policy.contract_months=84"])
        XCTAssertEqual(months(both), [.integer(60), .integer(84)])
        // Any group key but the name: a group's own austerity and size; a provider group's capacity.
        let more = try Support.scenario(text: Self.text, ["councils[Our County].austerity.cut=0.2", "councils[Others].count=7",
                                                          "providers[Small charities].reserves_months=6"])
        XCTAssertEqual(more.councilGroups[0]["councils.austerity.cut"], .real(0.2))
        XCTAssertEqual(more.councilGroups[1]["councils.count"], .integer(7))
        XCTAssertEqual(more.providerGroups[0]["providers.reserves_months"], .distribution(.fixed(6)))
        // It reaches the model: the county's councils get ten-year contracts, the others three-year.
        let config = ModelConfig(one)
        XCTAssertEqual(config.councils.map(\.policy.contractMonths), [120, 36])
    }

    func testGroupPathErrorsNameTheGroupsThereAre() throws {
        XCTAssertThrowsError(try Support.scenario(text: Self.text, ["councils[Our Conty].policy.contract_months=120"])) { e in
            XCTAssertTrue("\(e)".contains("no council group named \"Our Conty\"") && "\(e)".contains("did you mean councils[Our County]?"), "\(e)")
        }
        XCTAssertThrowsError(try Support.scenario(text: Self.text, ["councils.Our County.policy.contract_months=120"])) { e in
            XCTAssertTrue("\(e)".contains("councils[NAME].KEY"), "\(e)")
        }
        XCTAssertThrowsError(try Support.scenario(text: Self.text, ["councils[Our County].name=\"x\""])) { e in
            XCTAssertTrue("\(e)".contains("unknown parameter"), "a group's name is not settable: \(e)")
        }
        XCTAssertThrowsError(try Support.scenario(text: Self.text, ["councils[Our County].policy.contract_months=0"])) { e in
            XCTAssertTrue("\(e)".contains("councils[Our County].policy.contract_months"), "the value is checked against its parameter: \(e)")
        }
    }

    func testSweepsAndComparisonsAddressOneGroup() throws {
        let dir = Support.tempDir()
        try Self.text.write(toFile: dir + "/county.toml", atomically: true, encoding: .utf8)
        let study = """
        [study]
        scenario = "county.toml"
        replications = 2
        [vary]
        "councils[Our County].policy.contract_months" = [36, 120]
        """
        try study.write(toFile: dir + "/study.toml", atomically: true, encoding: .utf8)
        let s = try Study.load(dir + "/study.toml")
        XCTAssertEqual(s.points.count, 2)
        XCTAssertEqual(months(s.scenario(point: 1)), [.integer(120), .integer(36)], "the point sets the county only")
        // policy.KEY and one group's KEY are different parameters: both can be given.
        let withSet = try s.setting(["policy.extension_months=24"])
        XCTAssertEqual(withSet.scenario(point: 1).councilGroups[1]["councils.policy.extension_months"], .integer(24))
        XCTAssertThrowsError(try s.setting(["councils[Our County].policy.contract_months=60"])) { e in
            XCTAssertTrue("\(e)".contains("is varied by the study"), "\(e)")
        }
        // A design file's column may be a group path; a group that is not there is refused at its line.
        try "councils[Our County].policy.contract_months,demand.trend\n60,0.01\n".write(toFile: dir + "/d.csv", atomically: true, encoding: .utf8)
        try "[study]\nscenario = \"county.toml\"\nreplications = 1\ndesign = \"file\"\npoints_file = \"d.csv\"\n".write(toFile: dir + "/file.toml", atomically: true, encoding: .utf8)
        XCTAssertEqual(months(try Study.load(dir + "/file.toml").scenario(point: 0)), [.integer(60), .integer(36)])
        try "councils[Nowhere].policy.contract_months\n60\n".write(toFile: dir + "/d.csv", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Study.load(dir + "/file.toml")) { e in XCTAssertTrue("\(e)".contains("d.csv:1: key 'councils[Nowhere].policy.contract_months'"), "\(e)") }
        let badVary = study.replacingOccurrences(of: "Our County]", with: "Our Cuonty]")
        try badVary.write(toFile: dir + "/bad.toml", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Study.load(dir + "/bad.toml")) { e in XCTAssertTrue("\(e)".contains("bad.toml:5:") && "\(e)".contains("did you mean councils[Our County]"), "\(e)") }
        // A comparison's arm set with a group path: the county's contracts only.
        let cmp = """
        [study]
        replications = 2
        [[comparison]]
        name = "county"
        a = "county.toml"
        b = "county.toml"
        set_b = { "councils[Our County].policy.contract_months" = 120 }
        """
        try cmp.write(toFile: dir + "/cmp.toml", atomically: true, encoding: .utf8)
        let c = try ComparisonStudy.load(dir + "/cmp.toml")
        XCTAssertEqual(months(c.entries[0].a.scenario), [.integer(36), .integer(36)])
        XCTAssertEqual(months(c.entries[0].b.scenario), [.integer(120), .integer(36)])
        try cmp.replacingOccurrences(of: "Our County]", with: "Your County]").write(toFile: dir + "/cmp2.toml", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ComparisonStudy.load(dir + "/cmp2.toml")) { e in XCTAssertTrue("\(e)".contains("no council group named \"Your County\""), "\(e)") }
        // And from the command line.
        let run = try Support.cli(["run", dir + "/county.toml", "--out", dir + "/run", "-q", "--set", "councils[Our County].policy.contract_months=120"])
        XCTAssertEqual(run.status, 0, run.err)
        let resolved = try String(contentsOfFile: dir + "/run/scenario.resolved.toml", encoding: .utf8)
        XCTAssertTrue(resolved.contains("contract_months = 120") && resolved.contains("contract_months = 36"), resolved)
    }
}

/// Per-tier contract terms (MODEL.md §3.5): a tier's table overrides the group's policy for that
/// tier only; unset terms are the group's.
final class TierTermsTests: XCTestCase {
    func testAFosteringTableChangesFosteringContractsOnly() throws {
        let text = """
        [simulation]
        scale = 0.1
        months = 48
        burn_in_months = 24
        [policy]
        contract_months = 36
        [policy.fostering]
        contract_months = 120
        extension_months = 24
        """
        let s = try Support.scenario(text: text)
        let config = ModelConfig(s)
        for g in config.councils {
            XCTAssertEqual(g.policy.forTier(Tier.fostering.rawValue).contractMonths, 120)
            XCTAssertEqual(g.policy.forTier(Tier.fostering.rawValue).extensionMonths, 24)
            XCTAssertEqual(g.policy.forTier(Tier.residential.rawValue).contractMonths, 36, "other tiers keep the group's terms")
            XCTAssertEqual(g.policy.forTier(Tier.residential.rawValue).payment, g.policy.payment)
        }
        // In the market: contracts let after month 1 run 120 months (+24 extension) for fostering, 36 otherwise.
        let m = Market(config: config, rng: RandomStream(seed: 4, kind: config.generatorKind))
        for _ in 0..<config.burnInMonths { m.step(); m.month += 1 }
        let firstReported = m.month
        m.startReporting()
        var lengths: [Int: Set<Int>] = [:]
        for _ in 0..<48 {
            m.step()
            // Read every month: an ended contract's id may be let again (Contracts.swift).
            for k in m.activeContracts where m.contracts[k].start >= firstReported && m.contracts[k].extensionLeft >= 0 {
                lengths[m.contracts[k].tier, default: []].insert(m.contracts[k].end - m.contracts[k].start)
            }
            m.month += 1
        }
        XCTAssertEqual(lengths[Tier.fostering.rawValue], [120])
        XCTAssertEqual(lengths[Tier.residential.rawValue], [36])
        XCTAssertEqual(lengths[Tier.familySupport.rawValue], [36])
        // The burn-in's status quo ignores tier tables: both arms of a comparison share it.
        XCTAssertEqual(config.burnInPolicy(from: config.councils[0].policy).forTier(Tier.fostering.rawValue).contractMonths, config.burnIn.contractMonths)
        // The resolved scenario writes the tier table (and only tables that set something) and reads back equal.
        let resolved = s.tomlText()
        XCTAssertTrue(resolved.contains("[councils.policy.fostering]\ncontract_months = 120"), resolved)
        XCTAssertFalse(resolved.contains("[councils.policy.residential]"))
        XCTAssertEqual(try ScenarioParser.parse(text: resolved, file: "resolved.toml"), s)
        // From the command line, for every group or one.
        let all = try Support.scenario(text: text, ["policy.residential.payment=\"spot\""])
        XCTAssertTrue(ModelConfig(all).councils.allSatisfy { $0.policy.forTier(Tier.residential.rawValue).payment == .spot })
        XCTAssertThrowsError(try Support.scenario(text: text, ["policy.fostering.contract_months=-3"]))
        XCTAssertThrowsError(try Support.scenario(text: "[policy.fostering]\ncontract_monhts = 120\n")) { e in
            XCTAssertTrue("\(e)".contains("test.toml:2") && "\(e)".contains("did you mean 'contract_months'"), "\(e)")
        }
    }
}

/// Break clauses (MODEL.md §3.5, Mechanisms/BreakClauses.swift).
final class BreakClauseTests: XCTestCase {
    private func market(_ extra: [String]) throws -> Market {
        let s = try Support.small(months: 120, scale: 0.1, ["simulation.burn_in_months=24", "policy.contract_months=120"] + extra)
        let config = ModelConfig(s)
        let m = Market(config: config, rng: RandomStream(seed: 9, kind: config.generatorKind))
        for _ in 0..<config.burnInMonths { m.step(); m.month += 1 }
        m.startReporting()
        return m
    }

    func testEitherSideMayEndAContractAtItsBreakPointAndOnlyThere() throws {
        let m = try market(["policy.break_months=36"])
        XCTAssertEqual(m.breakPoint(start: 10, 36, term: 120), 46)
        XCTAssertEqual(m.breakPoint(start: 10, 0, term: 120), .max, "no break clause")
        XCTAssertEqual(m.breakPoint(start: 10, 120, term: 120), .max, "a break at the term's end is no break")
        // The council ends a contract with a provider it distrusts; the contract is then decided as at expiry.
        for _ in 0..<6 { m.step(); m.month += 1 }
        guard let k = (0..<m.contracts.count).first(where: { m.contracts[$0].active && m.contracts[$0].breakAt != .max }) else { return XCTFail("no contract with a break point") }
        XCTAssertEqual(m.contracts[k].breakAt, m.contracts[k].start + 36)
        let c = m.contracts[k].council, i = m.contracts[k].provider
        m.providers.councilTrust[m.pair(i, c)] = Float(m.p.extendThreshold) - 0.1
        let breaks = m.tally.breaks
        m.decideAtBreak(k)
        XCTAssertEqual(m.tally.breaks, breaks + 1)
        XCTAssertEqual(m.contracts[k].end, m.month, "ends now and is decided as at expiry")
        XCTAssertEqual(m.contracts[k].extensionLeft, 0)
        XCTAssertEqual(m.contracts[k].breakAt, .max, "a break point is used once")
        // A trusted provider with a healthy margin that trusts the council: nobody breaks.
        guard let k2 = (0..<m.contracts.count).first(where: { m.contracts[$0].active && m.contracts[$0].breakAt != .max && $0 != k }) else { return XCTFail("no second contract") }
        let c2 = m.contracts[k2].council, i2 = m.contracts[k2].provider
        m.providers.councilTrust[m.pair(i2, c2)] = 0.95
        m.providers.providerTrust[m.pair(i2, c2)] = 0.9
        m.providers.marginTrend[i2] = m.providers.requiredMargin[i2] + 0.1
        m.councils.pressure[c2] = -0.1
        let end2 = m.contracts[k2].end
        m.decideAtBreak(k2)
        XCTAssertTrue(m.contracts[k2].active)
        XCTAssertEqual(m.contracts[k2].end, end2)
        // The same provider losing money walks away at the break point.
        m.contracts[k2].breakAt = m.month
        m.providers.marginTrend[i2] = m.providers.requiredMargin[i2] - 0.1
        if m.providers.kind[i2] != .inHouse {
            m.decideAtBreak(k2)
            XCTAssertFalse(m.contracts[k2].active, "the provider ends it")
        }
    }

    func testBreakPointsAreUsedInAMarketAndNeverWithoutThem() throws {
        let common = ["simulation.scale=0.1", "simulation.months=120", "policy.contract_months=120"]
        let (none, withBreak) = PairedExperiment(a: try Support.scenario("austerity", common), b: try Support.scenario("austerity", common + ["policy.break_months=36"]),
                                                 replications: 10).run()
        XCTAssertTrue(none.allSatisfy { $0.total("breaks") == 0 })
        XCTAssertTrue(withBreak.allSatisfy { $0.total("breaks") > 0 }, "\(withBreak.map { $0.total("breaks") })")
        // Breaks bring contracts back to tender: more tenders than ten-year contracts without them.
        assertPaired("tenders with a break at three years", none.map { $0.total("tenders") }, withBreak.map { $0.total("tenders") }, .increase)
    }
}
