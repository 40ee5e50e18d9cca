import CGSL
import CommissimEngine
@testable import CommissimIO
@testable import CommissimModel
import XCTest

/// `compare --by group|council` (README "The analyst's own council"; comparison_groups.csv):
/// paired differences per council, per council group and for England.
final class GroupComparisonTests: XCTestCase {
    /// Two county councils and three others at 5% scale (counts are scaled), with 20 providers.
    static let text = GroupPathTests.text.replacingOccurrences(of: "months = 12\nburn_in_months = 0", with: "months = 36\nburn_in_months = 24")
        .replacingOccurrences(of: "count = 2\n", with: "count = 40\n").replacingOccurrences(of: "count = 3\n", with: "count = 60\n")
        .replacingOccurrences(of: "count = 20\n", with: "count = 400\n")
    static let county = "councils[Our County].policy.contract_months=120"

    private func comparison(_ b: [String], level: ComparisonLevel = .council, replications: Int = 4) throws -> Comparison {
        var cmp = Comparison(a: try Support.scenario(text: Self.text), b: try Support.scenario(text: Self.text, b),
                             nameA: "A", nameB: "B", replications: replications, seed: 11)
        cmp.level = level
        return cmp
    }

    /// The per-group numbers against a direct computation: each replication's runs observed month
    /// by month with ``Market/councilSummaries()``, the county's sums and weighted means formed by
    /// hand, paired, and the t interval computed here.
    func testGroupStatisticsEqualADirectComputation() throws {
        let cmp = try comparison([Self.county])
        let groups = try XCTUnwrap(try cmp.run(threads: 2)?.groups)
        let county = ModelConfig(cmp.a).councilGroups.indices.filter { ModelConfig(cmp.a).councilGroups[$0] == 0 }
        XCTAssertEqual(county, [0, 1], "the county group draws two councils")
        var spend: [(Double, Double)] = [], outcome: [(Double, Double)] = [], waiting: [(Double, Double)] = []
        for r in 0..<cmp.replications {
            func arm(_ s: ResolvedScenario) -> (Double, Double, Double) {
                var sp = 0.0, os = 0.0, leavers = 0.0, wait = 0.0, months = 0.0
                _ = Simulation(config: ModelConfig(s), seed: cmp.runSeed(r)).run { m in
                    let rows = m.councilSummaries()
                    for c in county {
                        sp += rows[c].spendMonth
                        os += rows[c].outcomeMean * Double(rows[c].leavers); leavers += Double(rows[c].leavers)
                        wait += Double(rows[c].waiting)
                    }
                    months += 1
                }
                return (sp, os / leavers, wait / months)
            }
            let a = arm(cmp.a), b = arm(cmp.b)
            spend.append((a.0, b.0)); outcome.append((a.1, b.1)); waiting.append((a.2, b.2))
        }
        let rows = groups.rows.filter { $0.unit.level == "group" && $0.unit.group == "Our County" }
        for (name, pairs) in [("spend", spend), ("outcome_mean", outcome), ("children_waiting", waiting)] {
            let row = try XCTUnwrap(rows.first { $0.measure.name == name })
            let d = pairs.map { $0.1 - $0.0 }
            let mean = Stats.mean(d), half = gsl_cdf_tdist_Pinv(0.975, Double(d.count - 1)) * Stats.sd(d) / Double(d.count).squareRoot()
            XCTAssertEqual(row.meanA, Stats.mean(pairs.map(\.0)), accuracy: 1e-9 * max(1, abs(row.meanA)), name)
            XCTAssertEqual(row.meanB, Stats.mean(pairs.map(\.1)), accuracy: 1e-9 * max(1, abs(row.meanB)), name)
            XCTAssertEqual(row.diff, mean, accuracy: 1e-9 * max(1, abs(row.meanA)), name)
            XCTAssertEqual(row.high - row.low, 2 * half, accuracy: 1e-9 * max(1, abs(row.meanA)), name)
            XCTAssertEqual(row.n, cmp.replications)
        }
        XCTAssertEqual(groups.changed, ["Our County"], "only the county's group was changed")
        // The county's contracts lengthen; the other group's do not (its policy is its own).
        let length = groups.rows.filter { $0.measure.name == "contract_length_let" && $0.unit.level == "group" }
        XCTAssertTrue(try XCTUnwrap(length.first { $0.unit.group == "Our County" }).low > 0)
        XCTAssertEqual(try XCTUnwrap(length.first { $0.unit.group == "Others" }).meanA, 36, accuracy: 1e-9)
    }

    /// An arm against itself differs by exactly zero everywhere (common random numbers); England's
    /// totals add up to the time series (spend and leavers over the run); councils of a group add up
    /// to the group.
    func testUnitsAddUpAndAnArmAgainstItselfIsZero() throws {
        let cmp = try comparison([])
        let result = try XCTUnwrap(try cmp.run(threads: 2))
        let groups = try XCTUnwrap(result.groups)
        XCTAssertEqual(groups.changed, [])
        for r in groups.rows where r.n > 0 { XCTAssertEqual(r.diff, 0, "\(r.unit.group) \(r.measure.name)") }
        let rows = groups.rows
        func value(_ level: String, _ group: String, _ metric: String, council: Int? = nil) throws -> Double {
            try XCTUnwrap(rows.first { $0.unit.level == level && $0.unit.group == group && $0.measure.name == metric && $0.unit.councilA == council }).meanA
        }
        let total = { (metric: String) in try XCTUnwrap(result.rows.first { $0.metric == metric && $0.measure == "total" }).meanA }
        XCTAssertEqual(try value("england", "England", "spend"), try total("spend"), accuracy: 1e-6 * (try total("spend")))
        XCTAssertEqual(try value("england", "England", "leavers"), try total("leavers"), accuracy: 1e-9)
        for metric in ["spend", "leavers", "children_served"] {
            let councils = try (2..<5).map { try value("council", "Others", metric, council: $0) }.reduce(0, +)
            XCTAssertEqual(councils, try value("group", "Others", metric), accuracy: 1e-9 * max(1, councils), metric)
        }
        XCTAssertEqual(rows.filter { $0.unit.level == "council" }.count, 5 * CouncilMeasure.all.count)
    }

    /// With `--by`, an interrupted comparison resumes (the councils' totals are in the journal) to
    /// the uninterrupted files; the breakdown is part of the comparison's identity.
    func testABreakdownResumesAndIsPartOfTheIdentity() throws {
        let cmp = try comparison([Self.county], level: .group, replications: 3)
        let whole = try XCTUnwrap(try cmp.run(threads: 2))
        let dir = Support.tempDir()
        let taken = Counter()
        XCTAssertNil(try cmp.run(threads: 1, shouldStop: { taken.increment() > 1 }, journal: dir))
        let resumed = try XCTUnwrap(try cmp.run(threads: 2, journal: dir))
        XCTAssertEqual(resumed.groups?.csv, whole.groups?.csv)
        XCTAssertEqual(resumed.runs, whole.runs)
        var plain = cmp
        plain.level = nil
        XCTAssertNotEqual(plain.identity, cmp.identity)
        XCTAssertEqual(Comparison.csv(try XCTUnwrap(try plain.run(threads: 2)).rows), Comparison.csv(whole.rows),
                       "the breakdown changes no number of comparison.csv")
    }

    /// The command line and a comparison study: `--by`, `--detail`, `by = …`, and their errors.
    func testCommandLineAndStudyAskForTheBreakdown() throws {
        let dir = Support.tempDir()
        let scenario = dir + "/county.toml"
        try Self.text.write(toFile: scenario, atomically: true, encoding: .utf8)
        let run = try Support.cli(["compare", scenario, scenario, "--set-b", Self.county, "--replications", "2", "--by", "group", "--out", dir + "/g"])
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertTrue(run.out.hasPrefix("B against A") || run.out.contains("(changed: Our County)"), run.out)
        XCTAssertTrue(run.out.contains("\nOur County (2 councils, 2 replications):"), run.out)
        let csv = try String(contentsOfFile: dir + "/g/comparison_groups.csv", encoding: .utf8)
        XCTAssertTrue(csv.contains("\ngroup,Our County,,,contract_length_let,months,36,120,"), csv)
        XCTAssertFalse(csv.contains("\ncouncil,"), "--by group has no council rows")
        let detail = try Support.cli(["compare", scenario, scenario, "--set-b", Self.county, "--replications", "2", "--detail", "--out", dir + "/c", "-q"])
        XCTAssertEqual(detail.status, 0, detail.err)
        XCTAssertTrue(try String(contentsOfFile: dir + "/c/comparison_groups.csv", encoding: .utf8).contains("\ncouncil,Our County,0,0,"))
        let bad = try Support.cli(["compare", scenario, scenario, "--by", "region", "--out", dir + "/x"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.err.contains("--by") && bad.err.contains("--by group"), bad.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/x"))

        let study = dir + "/study.toml"
        try """
        [study]
        replications = 2
        by = "group"
        [[comparison]]
        name = "county"
        a = "county.toml"
        b = "county.toml"
        set_b = { "\(Self.county.split(separator: "=")[0])" = 120 }
        [[comparison]]
        name = "councils"
        a = "county.toml"
        b = "county.toml"
        by = "council"
        """.write(toFile: study, atomically: true, encoding: .utf8)
        let st = try Support.cli(["compare", study, "--out", dir + "/s", "-q"])
        XCTAssertEqual(st.status, 0, st.err)
        XCTAssertFalse(try String(contentsOfFile: dir + "/s/county/comparison_groups.csv", encoding: .utf8).contains("\ncouncil,"))
        XCTAssertTrue(try String(contentsOfFile: dir + "/s/councils/comparison_groups.csv", encoding: .utf8).contains("\ncouncil,"))
        let badStudy = try String(contentsOfFile: study, encoding: .utf8).replacingOccurrences(of: "by = \"council\"", with: "by = \"ward\"")
        try badStudy.write(toFile: study, atomically: true, encoding: .utf8)
        let e = try Support.cli(["validate", study])
        XCTAssertEqual(e.status, 2)
        XCTAssertTrue(e.err.contains("study.toml:13") && e.err.contains("by"), e.err)
    }
}
