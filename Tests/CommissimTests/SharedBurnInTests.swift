@testable import CommissimIO
@testable import CommissimModel
import CommissimEngine
import XCTest

/// Arms that differ only in what acts from month 1 run from one burn-in (MODEL.md §3.1,
/// `Simulation.runSharingBurnIn`): every run must be byte-identical to the same arm run alone.
final class SharedBurnInTests: XCTestCase {
    private let common = ["simulation.scale=0.05", "simulation.burn_in_months=36", "simulation.months=24"]

    /// The shipped policy scenarios, run as arms of one burn-in, give exactly the rows each gives
    /// alone — arm by arm, whichever arm comes first, and whether a copy or the burned-in market
    /// itself runs it (the last arm takes the original over, so a copy that shared storage
    /// with it would be seen to drift).
    func testShippedArmsFromOneBurnInEqualTheirOwnRuns() throws {
        let names = ["three_year", "ten_year", "five_plus_two", "price_squeeze", "austerity", "codesign", "lowest_price",
                     "consolidation", "decommission", "collaborative", "outcome_payment", "outcome_payment_investor",
                     "alliance", "in_house", "rising_demand"]
        let all = try names.map { ModelConfig(try Support.scenario($0, common)) }
        // The investor scenario sets up a social investor ([investor]), which the burn-in keeps:
        // its arms get a burn-in of their own. Every other shipped policy scenario shares three_year's.
        XCTAssertEqual(names.indices.filter { !all[$0].sharesBurnIn(with: all[0]) }.map { names[$0] }, ["outcome_payment_investor"])
        let arms = all.filter { $0.sharesBurnIn(with: all[0]) }
        for seed in [UInt64(3), 40] {
            let shared = Simulation.runSharingBurnIn(arms, seed: seed)
            for (n, arm) in arms.enumerated() {
                XCTAssertEqual(shared[n].rows, Simulation(config: arm, seed: seed).run().rows, "arm \(n), seed \(seed)")
            }
        }
        // In the other order too (each arm's copy is made from the untouched burn-in).
        let reversed = Simulation.runSharingBurnIn(arms.reversed(), seed: 3)
        XCTAssertEqual(reversed.last?.rows, Simulation(config: arms[0], seed: 3).run().rows)
    }

    /// Every parameter that ``ModelConfig/sharesBurnIn(with:)`` treats as acting only from month 1
    /// — each council policy key (tier terms included), each austerity key, and the top-level
    /// clocks — is set away from its default in an arm of its own; each such arm, run from the
    /// shared burn-in, equals its own run. A parameter wrongly on the list (one the burn-in reads)
    /// makes its arm differ here.
    func testEveryParameterLeftOutOfTheBurnInActsOnlyFromMonthOne() throws {
        let base = try Support.scenario("three_year", common)
        var variants: [(String, ResolvedScenario)] = []
        for spec in ParameterCatalog.global where ModelConfig.reportingOnly.contains(spec.path) {
            guard let v = alternative(spec) else { return XCTFail("no alternative value for \(spec.path)") }
            var s = base
            s.global[spec.path] = v
            variants.append((spec.path, s))
        }
        for spec in ParameterCatalog.council where ModelConfig.reportingOnlyCouncilPrefixes.contains(where: { spec.path.hasPrefix($0) }) {
            guard let v = alternative(spec) else { return XCTFail("no alternative value for \(spec.path)") }
            var s = base
            for g in s.councilGroups.indices { s.councilGroups[g][spec.path] = v }
            variants.append((spec.path, s))
        }
        XCTAssertEqual(variants.filter { !$0.0.hasPrefix("councils.") }.count, ModelConfig.reportingOnly.count, "every top-level key on the list is tried")
        XCTAssertGreaterThan(variants.count, 40)
        // Strategies that act on every council at once: always under pressure.
        var squeezed = base
        for g in squeezed.councilGroups.indices {
            squeezed.councilGroups[g]["councils.policy.trigger"] = .real(-1)
            squeezed.councilGroups[g]["councils.policy.strategies"] = .list(Strategy.allCases.map(\.name))
        }
        variants.append(("every strategy, always", squeezed))
        let configs = [ModelConfig(base)] + variants.map { ModelConfig($0.1) }
        for (n, c) in configs.enumerated() { XCTAssertTrue(c.sharesBurnIn(with: configs[0]), n == 0 ? "base" : variants[n - 1].0) }
        let shared = Simulation.runSharingBurnIn(configs, seed: 17)
        var differing = 0
        for (n, c) in configs.enumerated() {
            let alone = Simulation(config: c, seed: 17).run().rows
            XCTAssertEqual(shared[n].rows, alone, n == 0 ? "base" : variants[n - 1].0)
            if alone != shared[0].rows.prefix(alone.count).map({ $0 }) { differing += 1 }
        }
        // The variants are not idle: most of them change the reported months.
        XCTAssertGreaterThan(differing, variants.count / 2)
    }

    /// A parameter that acts during the burn-in (here the spot premium, the seed's generator, the
    /// burn-in's own terms, a provider group) makes another burn-in; so does having none.
    func testArmsThatDifferBeforeMonthOneDoNotShare() throws {
        let base = ModelConfig(try Support.scenario("three_year", common))
        for change in ["market.spot_premium=0.3", "budget.inflation=0.04", "simulation.rng=\"mt19937\"", "burn_in.contract_months=60", "budget.headroom=0.1",
                       "simulation.scale=0.06", "simulation.burn_in_months=24", "budget.late_payment_prob=0.5"] {
            let other = ModelConfig(try Support.scenario("three_year", common + [change]))
            XCTAssertFalse(base.sharesBurnIn(with: other), change)
        }
        let none = ModelConfig(try Support.scenario("three_year", common + ["simulation.burn_in_months=0"]))
        XCTAssertFalse(none.sharesBurnIn(with: none), "no burn-in, nothing to share")
    }

    /// A comparison runs both arms of a replication from one burn-in: the same files as running
    /// every arm alone, with the breakdown by council, and resumed from a journal that stops
    /// between the arms of a replication.
    func testComparisonFromSharedBurnInsEqualsSeparateRunsAndResumesBetweenArms() throws {
        let a = try Support.scenario("three_year", common), b = try Support.scenario("price_squeeze", common)
        var separate = Comparison(a: a, b: b, nameA: "3", nameB: "squeeze", replications: 3, seed: 9)
        separate.level = .council
        separate.shareBurnIn = false
        var shared = separate
        shared.shareBurnIn = true
        let whole = try XCTUnwrap(try separate.run(threads: 1))
        let paired = try XCTUnwrap(try shared.run(threads: 1))
        XCTAssertEqual(Comparison.csv(paired.rows), Comparison.csv(whole.rows))
        XCTAssertEqual(paired.runs, whole.runs)
        XCTAssertEqual(paired.monthly, whole.monthly)
        XCTAssertEqual(paired.groups?.csv, whole.groups?.csv)
        // Stopped after replication 0's arms and replication 1's arm A (run alone), then resumed from one burn-in per replication.
        let dir = Support.tempDir()
        let taken = Counter()
        XCTAssertNil(try separate.run(threads: 1, shouldStop: { taken.increment() > 3 }, journal: dir))
        let resumed = try XCTUnwrap(try shared.run(threads: 1, journal: dir))
        XCTAssertEqual(resumed.runs, whole.runs)
        XCTAssertEqual(resumed.monthly, whole.monthly)
        XCTAssertEqual(resumed.groups?.csv, whole.groups?.csv)
    }

    /// A sweep runs consecutive points that share their burn-in from one burn-in per replication:
    /// the same summary, runs and points files as running every point alone, at one thread or
    /// two, and resumed after interruptions that fall inside a group.
    func testSweepFromSharedBurnInsEqualsSeparateRunsAndResumesInsideAGroup() throws {
        let dir = Support.tempDir()
        let path = dir + "/study.toml"
        try """
        [study]
        scenario = "\(Support.scenarioPath("three_year"))"
        replications = 3
        seed = 5
        set = { "simulation.scale" = 0.05, "simulation.burn_in_months" = 36, "simulation.months" = 24 }

        [vary]
        "market.bid_cost" = [3000, 5000]
        "policy.contract_months" = [36, 60, 120]
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let study = try Study.load(path)
        let configs = (0..<study.points.count).map { ModelConfig(study.scenario(point: $0)) }
        // The bid cost acts in the burn-in, the contract length from month 1: two groups of three.
        XCTAssertEqual(SweepRunner.burnInGroups(points: configs.count, replications: 3) { configs[$0] }, [0..<3, 3..<6])
        XCTAssertEqual(SweepRunner.burnInGroups(points: configs.count, replications: 40) { configs[$0] }, [0..<1, 1..<2, 2..<3, 3..<4, 4..<5, 5..<6], "64 held runs at most")
        func files(_ out: String) -> [Data?] { ["summary.csv", "runs.csv", "points.csv"].map { FileManager.default.contents(atPath: out + "/" + $0) } }
        let alone = SweepRunner(study: study, out: dir + "/alone", threads: 2, keepRuns: false)
        alone.shareBurnIn = false
        XCTAssertEqual(try alone.run(command: ["t"]), .finished)
        XCTAssertNotNil(files(dir + "/alone")[0])
        for threads in [1, 2] {
            XCTAssertEqual(try SweepRunner(study: study, out: dir + "/shared\(threads)", threads: threads, keepRuns: false).run(command: ["t"]), .finished)
            XCTAssertEqual(files(dir + "/shared\(threads)"), files(dir + "/alone"), "\(threads) threads")
        }
        // Interrupted after 2, then 3 more jobs (a job is a group's replication: three runs), then finished.
        for stopAfter in [2, 3] {
            guard case .interrupted(let done, let total) = try Support.interruptedSweep(study, out: dir + "/parts", after: stopAfter, threads: 1) else {
                return XCTFail("should have been interrupted")
            }
            XCTAssertLessThan(done, total)
        }
        XCTAssertEqual(try SweepRunner(study: study, out: dir + "/parts", threads: 2, keepRuns: false).run(command: ["t"]), .finished)
        XCTAssertEqual(files(dir + "/parts"), files(dir + "/alone"))
    }

    /// A value of `spec` other than its default, inside its range.
    private func alternative(_ spec: ParameterSpec) -> ParamValue? {
        switch (spec.kind, spec.defaultValue) {
        case (.flag, .flag(let b)): return .flag(!b)
        case (.choice(let options), .text(let t)): return options.last { $0 != t }.map { .text($0) }
        case (.choices(let options), _): return .list(options)
        case (.integer, .integer(let v)):
            let r = spec.range ?? -1e9...1e9
            return .integer(r.contains(Double(v + 12)) ? v + 12 : Int(r.upperBound))
        case (.real, .real(let v)):
            let r = spec.range ?? (v - 1)...(v + 1)
            let up = min(r.upperBound, max(v, 0) + 1)
            return .real(up != v ? (v + up) / 2 : (v + r.lowerBound) / 2)
        default: return nil
        }
    }
}
