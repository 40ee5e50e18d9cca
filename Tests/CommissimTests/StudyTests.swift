import CommissimEngine
@testable import CommissimIO
@testable import CommissimModel
import Foundation
import XCTest

/// Sweeps and comparisons: thread-count invariance, resume, common random numbers, statistics.
final class StudyTests: XCTestCase {
    /// A small study file next to the shipped scenarios (written to a temporary folder).
    private func studyFile(_ body: String, replications: Int = 4) throws -> String {
        let dir = Support.tempDir()
        let path = dir + "/study.toml"
        let text = """
        [study]
        scenario = "\(Support.scenarioPath("three_year"))"
        replications = \(replications)
        seed = 11
        \(body)
        """
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private let smallVary = """
    [vary]
    "policy.contract_months" = [36, 120]
    "simulation.scale" = 0.04
    "simulation.months" = 36
    """

    private func files(_ dir: String) -> [String: Data] {
        var out: [String: Data] = [:]
        for f in ["summary.csv", "runs.csv", "points.csv"] { out[f] = FileManager.default.contents(atPath: dir + "/" + f) }
        return out
    }

    func testOutputsDoNotDependOnThreadCount() throws {
        let study = try Study.load(try studyFile(smallVary))
        let a = Support.tempDir() + "/one", b = Support.tempDir() + "/four"
        XCTAssertEqual(try SweepRunner(study: study, out: a, threads: 1, keepRuns: false).run(command: ["t"]), .finished)
        XCTAssertEqual(try SweepRunner(study: study, out: b, threads: 4, keepRuns: false).run(command: ["t"]), .finished)
        let fa = files(a), fb = files(b)
        XCTAssertNotNil(fa["summary.csv"] ?? nil)
        XCTAssertEqual(fa, fb)
    }

    func testResumeEqualsUninterruptedAndRefusesAChangedStudy() throws {
        let path = try studyFile(smallVary, replications: 5)
        let study = try Study.load(path)
        let whole = Support.tempDir() + "/whole", parts = Support.tempDir() + "/parts"
        XCTAssertEqual(try SweepRunner(study: study, out: whole, threads: 2, keepRuns: false).run(command: ["t"]), .finished)
        // Interrupt after a few runs have been taken, twice, then finish.
        for stopAfter in [3, 4] {
            guard case .interrupted(let done, let total) = try Support.interruptedSweep(study, out: parts, after: stopAfter) else { return XCTFail("should have been interrupted") }
            XCTAssertLessThan(done, total)
            XCTAssertTrue(FileManager.default.fileExists(atPath: parts + "/.partial/state"))
            XCTAssertFalse(FileManager.default.fileExists(atPath: parts + "/summary.csv"), "no final file before the sweep is complete")
        }
        // A changed study file is refused while the partial sweep exists.
        let other = try Study.load(try studyFile(smallVary.replacingOccurrences(of: "[36, 120]", with: "[36, 60]"), replications: 5))
        XCTAssertThrowsError(try SweepRunner(study: other, out: parts, threads: 2, keepRuns: false).run(command: ["t"])) { e in
            XCTAssertTrue("\(e)".contains("unfinished sweep of another study file"), "\(e)")
        }
        XCTAssertEqual(try SweepRunner(study: study, out: parts, threads: 2, keepRuns: false).run(command: ["t"]), .finished)
        XCTAssertEqual(files(whole), files(parts))
        XCTAssertFalse(FileManager.default.fileExists(atPath: parts + "/.partial"))
    }

    /// A sweep never writes its copies over the study file or base scenario it reads with other
    /// text (`--out .` beside the user's study.toml made its scenario line the copy's, so later
    /// edits of the scenario were silently ignored); a folder of an earlier sweep's copies can be
    /// swept into again and comes out the same, its study.toml byte for byte.
    func testASweepDoesNotOverwriteTheStudyItReads() throws {
        let fm = FileManager.default
        let (dir, path) = try studyFile(replications: 2, vary: "\"simulation.scale\" = [0.02]\n\"simulation.months\" = [3]\n\"simulation.burn_in_months\" = [0]")
        let original = try String(contentsOfFile: path, encoding: .utf8)
        let own = try Support.cli(["sweep", "study.toml", "--out", ".", "-q"], in: dir)
        XCTAssertEqual(own.status, 2)
        XCTAssertTrue(own.err.hasPrefix("error: study.toml: key '--out':") && own.err.contains("would replace this file"), own.err)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), original, "the study file is untouched")
        XCTAssertEqual(try fm.contentsOfDirectory(atPath: dir), ["study.toml"], "nothing written")
        let results = dir + "/results"
        XCTAssertEqual(try Support.cli(["sweep", path, "--out", results, "-q"]).status, 0)
        let before = try ["study.toml", "scenario.resolved.toml", "summary.csv", "runs.csv"].map { try String(contentsOfFile: results + "/" + $0, encoding: .utf8) }
        let again = try Support.cli(["sweep", "study.toml", "--out", ".", "--fresh", "-q"], in: results)
        XCTAssertEqual(again.status, 0, again.err)
        let after = try ["study.toml", "scenario.resolved.toml", "summary.csv", "runs.csv"].map { try String(contentsOfFile: results + "/" + $0, encoding: .utf8) }
        XCTAssertEqual(before, after)
    }

    /// A run's file cut short by a kill (the hidden `.NAME.writing-PID` an atomic write leaves)
    /// is not carried into the finished sweep's runs/ folder.
    func testAWriteCutShortIsNotTakenForARun() throws {
        let study = try Study.load(try studyFile(smallVary, replications: 3))
        let whole = Support.tempDir() + "/whole", parts = Support.tempDir() + "/parts"
        XCTAssertEqual(try SweepRunner(study: study, out: whole, threads: 2, keepRuns: true).run(command: ["t"]), .finished)
        guard case .interrupted = try Support.interruptedSweep(study, out: parts, after: 2, keepRuns: true) else { return XCTFail("should have been interrupted") }
        try "half a run".write(toFile: parts + "/.partial/runs/.point-0-rep-0.csv.writing-999999999", atomically: false, encoding: .utf8)
        XCTAssertEqual(try SweepRunner(study: study, out: parts, threads: 2, keepRuns: true).run(command: ["t"]), .finished)
        let listed = { (d: String) in try FileManager.default.contentsOfDirectory(atPath: d + "/runs").sorted() }
        XCTAssertEqual(try listed(parts), try listed(whole))
        XCTAssertFalse(try listed(parts).contains { $0.hasPrefix(".") })
    }

    func testCommonRandomNumbersAcrossPoints() throws {
        // Two points with identical parameters see identical runs; seeds depend on the replication only.
        let study = try Study.load(try studyFile("""
        [vary]
        "policy.contract_months" = [36, 36]
        "simulation.scale" = 0.04
        "simulation.months" = 24
        """, replications: 3))
        XCTAssertEqual(study.points.count, 2)
        let out = Support.tempDir() + "/crn"
        _ = try SweepRunner(study: study, out: out, threads: 2, keepRuns: false).run(command: ["t"])
        let rows = try String(contentsOfFile: out + "/runs.csv", encoding: .utf8).split(separator: "\n").dropFirst()
        let byPoint = Dictionary(grouping: rows) { $0.split(separator: ",")[0] }
        let strip = { (l: Substring) in l.split(separator: ",").dropFirst().joined(separator: ",") }
        XCTAssertEqual(byPoint["0"]!.map(strip), byPoint["1"]!.map(strip))
        XCTAssertNotEqual(study.runSeed(replication: 0), study.runSeed(replication: 1))
    }

    func testSummaryMatchesADirectComputation() throws {
        let study = try Study.load(try studyFile("""
        [vary]
        "simulation.scale" = 0.04
        "simulation.months" = 24
        """, replications: 5))
        let out = Support.tempDir() + "/stats"
        _ = try SweepRunner(study: study, out: out, threads: 2, keepRuns: true).run(command: ["t"])
        let runs = try (0..<5).map { r in
            try String(contentsOfFile: out + "/runs/point-0-rep-\(r).csv", encoding: .utf8).split(separator: "\n").dropFirst().map { $0.split(separator: ",").map { Double($0)! } }
        }
        let summary = try String(contentsOfFile: out + "/summary.csv", encoding: .utf8).split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        var checked = 0
        for metric in ["spend", "children_served", "outcome_mean", "hhi_local"] {
            let j = MetricColumns.index[metric]!
            for month in [1, 12, 24] {
                let xs = runs.map { $0[month - 1][j] }
                let line = summary.first { $0[0] == "0" && $0[1] == Substring(String(month)) && $0[2] == Substring(metric) }!
                let v = line.dropFirst(3).map { Double($0)! }
                let tol = { (x: Double) in 1e-6 * max(1, abs(x)) }
                XCTAssertEqual(v[0], 5)
                XCTAssertEqual(v[1], Stats.mean(xs), accuracy: tol(Stats.mean(xs)))
                XCTAssertEqual(v[2], Stats.sd(xs), accuracy: tol(Stats.sd(xs)))
                let half = 2.7764451051977987 * Stats.sd(xs) / 5.0.squareRoot() // t(0.975, 4)
                XCTAssertEqual(v[3], Stats.mean(xs) - half, accuracy: tol(half) + tol(Stats.mean(xs)))
                let sorted = xs.sorted()
                XCTAssertEqual(v[6], sorted[2], accuracy: tol(sorted[2]), "median of five")
                checked += 1
            }
        }
        XCTAssertEqual(checked, 12)
        // runs.csv: end = mean of the last 12 months, total = sum.
        let runRows = try String(contentsOfFile: out + "/runs.csv", encoding: .utf8).split(separator: "\n")
        let header = runRows[0].split(separator: ",").map(String.init)
        let first = runRows[1].split(separator: ",").map(String.init)
        let j = MetricColumns.index["spend"]!
        let total = runs[0].map { $0[j] }.reduce(0, +)
        XCTAssertEqual(Double(first[header.firstIndex(of: "spend_total")!])!, total, accuracy: 1e-6 * total)
        let end = Stats.mean(runs[0].suffix(12).map { $0[j] })
        XCTAssertEqual(Double(first[header.firstIndex(of: "spend_end")!])!, end, accuracy: 1e-6 * end)
    }

    func testP2QuantilesApproachExactQuantiles() {
        let rng = RandomStream(seed: 4)
        var est = [P2Quantile(0.05), P2Quantile(0.5), P2Quantile(0.95)]
        var xs: [Double] = []
        for _ in 0..<20_000 { let x = rng.gaussian(sd: 1); xs.append(x); for i in 0..<3 { est[i].add(x) } }
        xs.sort()
        for (i, p) in [0.05, 0.5, 0.95].enumerated() {
            XCTAssertEqual(est[i].value, xs[Int(p * Double(xs.count - 1))], accuracy: 0.03)
        }
        var m = RunningMoments()
        for x in [1.0, 2, 3, 4] { m.add(x) }
        XCTAssertEqual(m.mean, 2.5)
        XCTAssertEqual(m.variance, 5.0 / 3.0, accuracy: 1e-12)
    }

    func testDesigns() throws {
        let lhs = try Study.load(try studyFile("""
        design = "lhs"
        points = 10
        [vary]
        "demand.trend" = { min = 0.0, max = 0.05 }
        "policy.contract_months" = { min = 12, max = 120 }
        """))
        XCTAssertEqual(lhs.points.count, 10)
        // Latin hypercube: exactly one point in each tenth of each range.
        let strata = lhs.points.map { p -> Int in
            guard case .real(let x) = p[0] else { return -1 }
            return min(9, Int(x / 0.005))
        }
        XCTAssertEqual(Set(strata).count, 10)
        for p in lhs.points { guard case .integer(let m) = p[1] else { return XCTFail("contract_months stays a whole number") }; XCTAssertTrue((12...120).contains(m)) }
        let sobol = try Study.load(try studyFile("""
        design = "sobol"
        points = 8
        [vary]
        "demand.trend" = { min = 0.0, max = 0.04 }
        "budget.growth" = { min = 0.0, max = 0.04 }
        """))
        XCTAssertEqual(sobol.points.count, 8)
        XCTAssertEqual(Set(sobol.points.map { "\($0)" }).count, 8, "quasi-random points are distinct")
        let grid = try Study.load(try studyFile("""
        [vary]
        "policy.contract_months" = { from = 12, to = 120, steps = 4 }
        "policy.payment" = ["block", "spot"]
        """))
        XCTAssertEqual(grid.points.count, 8)
        XCTAssertEqual(grid.parameters, ["policy.contract_months", "policy.payment"], "keys in sorted order")
        XCTAssertEqual(grid.points[1], [.integer(12), .text("spot")], "the last key varies fastest")
    }

    func testStudyFileErrors() throws {
        func error(_ body: String) throws -> String {
            let path = try studyFile(body)
            do { _ = try Study.load(path); XCTFail("expected an error"); return "" } catch { return "\(error)" }
        }
        let unknown = try error("[vary]\n\"policy.contract_mnths\" = [36]\n")
        XCTAssertTrue(unknown.contains(":6: key 'policy.contract_mnths': unknown parameter path"), unknown)
        XCTAssertTrue(unknown.contains("did you mean 'policy.contract_months'"), unknown)
        XCTAssertTrue(try error("[vary]\n\"demand.trend\" = []\n").contains("empty list"))
        XCTAssertTrue(try error("[vary]\n\"demand.trend\" = { from = 0.1, to = 0.0, by = 0.01 }\n").contains("empty range"))
        XCTAssertTrue(try error("[vary]\n\"demand.trend\" = { from = 0, to = inf, steps = 3 }\n").contains("must be finite numbers (got from 0 to inf)"))
        let reversed = try error("design = \"lhs\"\npoints = 4\n[vary]\n\"demand.trend\" = { min = 0.05, max = 0.0 }\n")
        XCTAssertTrue(reversed.contains("bounds reversed"), reversed)
        XCTAssertTrue(reversed.contains(":8:"), reversed)
        XCTAssertTrue(try error("design = \"latin\"\n").contains("must be one of grid, lhs, sobol, halton"))
        XCTAssertTrue(try error("design = \"sobl\"\n").contains("did you mean \"sobol\""))
        XCTAssertTrue(try error("[vary]\n\"policy.contract_months\" = [36.5]\n").contains("whole number of months"))
    }

    func testShippedComparisonStudiesApplyTheirOverrides() throws {
        let headline = try ComparisonStudy.load(Support.scenarioPath("headline_study"))
        XCTAssertEqual(headline.entries.map(\.name), ["baseline", "baseline_5plus2", "austerity", "austerity_5plus2", "price_squeeze", "codesign"])
        let austerity = headline.entries[2]
        XCTAssertEqual(ModelConfig(austerity.a.scenario).councils[0].policy.contractMonths, 36)
        XCTAssertEqual(ModelConfig(austerity.b.scenario).councils[0].policy.contractMonths, 120)
        XCTAssertEqual(austerity.b.own, ["policy.contract_months=120"])
        XCTAssertEqual(ModelConfig(headline.entries[0].b.scenario).councils[0].policy.contractMonths, 120, "ten_year.toml as written")
        let facts = try ComparisonStudy.load(Support.scenarioPath("stylised_facts_study"))
        XCTAssertEqual(facts.entries.count, 6)
        for e in facts.entries {
            for arm in [e.a, e.b] {
                XCTAssertEqual(ModelConfig(arm.scenario).scale, 1.0, "\(e.name): the facts at England's scale")
                XCTAssertEqual(ModelConfig(arm.scenario).months, 180, e.name)
            }
        }
        let retender = facts.entries[2]
        XCTAssertFalse(ModelConfig(retender.a.scenario).councils[0].policy.retenderGoodIncumbents)
        XCTAssertTrue(ModelConfig(retender.b.scenario).councils[0].policy.retenderGoodIncumbents)
        XCTAssertEqual(ModelConfig(retender.a.scenario).councils[0].policy.extensionMonths, 24)
        XCTAssertNotEqual(headline.fingerprint, facts.fingerprint)
    }

    func testComparisonStudyErrorsNameLineAndKey() throws {
        let three = Support.scenarioPath("three_year")
        func error(_ body: String) throws -> String {
            let path = Support.tempDir() + "/cmp.toml"
            try ("[study]\nreplications = 3\n" + body).write(toFile: path, atomically: true, encoding: .utf8)
            do { _ = try ComparisonStudy.load(path); XCTFail("expected an error"); return "" } catch { return "\(error)" }
        }
        let typo = try error("[[comparison]]\nname = \"x\"\na = \"\(three)\"\nb = \"\(three)\"\nset_b = { \"policy.contract_mnths\" = 120 }\n")
        XCTAssertTrue(typo.contains("cmp.toml:7: key 'policy.contract_mnths': unknown parameter path"), typo)
        XCTAssertTrue(typo.contains("did you mean 'policy.contract_months'"), typo)
        let range = try error("[[comparison]]\nname = \"x\"\na = \"\(three)\"\nb = \"\(three)\"\nset = { \"simulation.scale\" = -1 }\n")
        XCTAssertTrue(range.contains(":7:") && range.contains("simulation.scale"), range)
        let key = try error("[[comparison]]\nname = \"x\"\na = \"\(three)\"\nbb = \"\(three)\"\n")
        XCTAssertTrue(key.contains(":6: key 'bb': unknown key in a comparison") && key.contains("did you mean 'b'"), key)
        XCTAssertTrue(key.contains("key 'b': missing"), key)
        let twice = try error("[[comparison]]\nname = \"x\"\na = \"\(three)\"\nb = \"\(three)\"\n[[comparison]]\nname = \"x\"\na = \"\(three)\"\nb = \"\(three)\"\n")
        XCTAssertTrue(twice.contains(":8: key 'name': \"x\" is used twice"), twice)
        XCTAssertTrue(try error("[[comparison]]\nname = \"a/b\"\na = \"\(three)\"\nb = \"\(three)\"\n").contains("cannot name a folder"))
        XCTAssertTrue(try error("[[comparison]]\nname = \"x\"\na = \"nowhere.toml\"\nb = \"\(three)\"\n").contains("nowhere.toml"))
        XCTAssertTrue(try error("").contains("no comparisons"))
        let studyKey = try error("seeed = 4\n")
        XCTAssertTrue(studyKey.contains(":3: key 'study.seeed': unknown key") && studyKey.contains("did you mean 'seed'"), studyKey)
        XCTAssertTrue(try error("[sudy]\n").contains("did you mean [study]"))
        let label = try error("[[comparison]]\nname = \"x\"\na = \"\(three)\"\nb = \"\(three)\"\nlabel_b = \"\"\n")
        XCTAssertTrue(label.contains(":7: key 'label_b': must be a short text naming the arm"), label)
        let long = try error("[[comparison]]\nname = \"x\"\na = \"\(three)\"\nb = \"\(three)\"\nlabel_a = \"\(String(repeating: "x", count: 121))\"\n")
        XCTAssertTrue(long.contains(":7: key 'label_a'"), long)
        XCTAssertTrue(try error("[[comparison]]\nname = \"x\"\na = \"\(three)\"\nb = \"\(three)\"\nlabel_a = 3\n").contains("key 'label_a'"))
        // A title is one line of text: a number was ignored for the default, a line break broke the report's heading.
        for (title, line) in [("title = 3\n", 3), ("title = \"a\\nb\"\n", 3)] {
            let t = try error(title + "[[comparison]]\nname = \"x\"\na = \"\(three)\"\nb = \"\(three)\"\n")
            XCTAssertTrue(t.contains(":\(line): key 'title': must be one line of text"), t)
        }
        // A section written as a value is "must be a table", not "missing" (nor its keys missing).
        let dir = Support.tempDir()
        for (text, key) in [("study = 3\n[[comparison]]\nname = \"x\"\na = \"\(three)\"\nb = \"\(three)\"\n", "study"),
                            ("study = 3\n[vary]\n\"demand.trend\" = [0.0]\n", "study"),
                            ("# c\ncalibration = \"x\"\n[[targets]]\nname = \"t\"\n", "calibration")] {
            try text.write(toFile: dir + "/s.toml", atomically: true, encoding: .utf8)
            let r = try Support.cli(["validate", dir + "/s.toml"])
            XCTAssertTrue(r.err.contains("key '\(key)': must be a table"), r.err)
        }
        let entryTitle = try error("[[comparison]]\nname = \"x\"\ntitle = \"\"\na = \"\(three)\"\nb = \"\(three)\"\n")
        XCTAssertTrue(entryTitle.contains(":5: key 'title': must be one line of text"), entryTitle)
        let pairs = try error("[[comparison]]\nname = \"x\"\na = \"\(three)\"\nb = \"\(three)\"\nreplications = 1\n")
        XCTAssertTrue(pairs.contains(":7: key 'comparison[0].replications': must be a whole number in 2…100000"), pairs)
    }

    /// A study's arms are named by its labels in the summary and the manifest (which also records
    /// the study's title and the comparison's title and place), or by their files; a changed study
    /// text (a new title) rewrites every comparison, so a folder never mixes two versions.
    func testStudyLabelsTitlesAndOrderReachTheManifest() throws {
        let dir = Support.tempDir()
        let study = dir + "/cmp.toml"
        func write(_ title: String) throws {
            try """
            [study]
            title = "\(title)"
            replications = 2
            seed = 5
            set = { "simulation.scale" = 0.03, "simulation.months" = 12, "simulation.burn_in_months" = 0 }
            [[comparison]]
            name = "ten"
            title = "Ten against three"
            a = "\(Support.scenarioPath("three_year"))"
            b = "\(Support.scenarioPath("ten_year"))"
            label_a = "Short contracts"
            label_b = "Long contracts"
            [[comparison]]
            name = "plain"
            a = "\(Support.scenarioPath("three_year"))"
            b = "\(Support.scenarioPath("three_year"))"
            set_b = { "policy.contract_months" = 60 }
            """.write(toFile: study, atomically: true, encoding: .utf8)
        }
        try write("First title")
        XCTAssertEqual(try Support.cli(["compare", study, "--out", dir + "/out", "-q"]).status, 0)
        func manifest(_ name: String) throws -> [String: Any] {
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/out/\(name)/manifest.json"))) as! [String: Any]
        }
        let ten = try manifest("ten"), plain = try manifest("plain")
        XCTAssertEqual(ten["label_a"] as? String, "Short contracts")
        XCTAssertEqual(ten["label_b"] as? String, "Long contracts")
        XCTAssertEqual(ten["comparison_title"] as? String, "Ten against three")
        XCTAssertEqual(ten["study_title"] as? String, "First title")
        XCTAssertEqual(ten["comparison_index"] as? Int, 0)
        XCTAssertEqual(plain["comparison_index"] as? Int, 1)
        XCTAssertEqual(ten["comparisons"] as? Int, 2)
        XCTAssertEqual(plain["label_a"] as? String, "three_year")
        XCTAssertEqual(plain["label_b"] as? String, "three_year [policy.contract_months=60]")
        XCTAssertTrue(try String(contentsOfFile: dir + "/out/ten/summary.txt", encoding: .utf8).hasPrefix("Long contracts against Short contracts"))
        try write("Second title")
        XCTAssertEqual(try Support.cli(["compare", study, "--out", dir + "/out", "-q"]).status, 0)
        XCTAssertEqual(try manifest("ten")["study_title"] as? String, "Second title")
        XCTAssertEqual(try manifest("plain")["study_fingerprint"] as? String, try manifest("ten")["study_fingerprint"] as? String)
        // compare A B takes its labels on the command line; a study's belong in its file.
        let single = try Support.cli(["compare", Support.scenarioPath("three_year"), Support.scenarioPath("ten_year"), "--out", dir + "/single", "-q",
                                      "--replications", "2", "--set", "simulation.scale=0.03", "--set", "simulation.months=12", "--label-b", "Ten years"])
        XCTAssertEqual(single.status, 0, single.err)
        XCTAssertTrue(try String(contentsOfFile: dir + "/single/manifest.json", encoding: .utf8).contains("\"label_b\": \"Ten years\""))
        let misplaced = try Support.cli(["compare", study, "--out", dir + "/x", "--label-a", "A"])
        XCTAssertEqual(misplaced.status, 2)
        XCTAssertTrue(misplaced.err.contains("--label-a") && misplaced.err.contains("fix:"), misplaced.err)
        let empty = try Support.cli(["compare", Support.scenarioPath("three_year"), Support.scenarioPath("ten_year"), "--out", dir + "/y", "--label-b", " "])
        XCTAssertEqual(empty.status, 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/y"))
    }

    /// `columns --json` carries every column and the headline metrics, each naming a real column
    /// with the measure a comparison reads it by, a concern and a direction.
    func testColumnsJSONCarriesTheHeadlineMetrics() throws {
        let r = try Support.cli(["columns", "--json"])
        XCTAssertEqual(r.status, 0, r.err)
        let o = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as! [String: Any]
        let series = o["timeseries"] as! [[String: Any]]
        XCTAssertEqual(series.map { $0["name"] as! String }, MetricColumns.names)
        let measures = Dictionary(uniqueKeysWithValues: series.compactMap { c in (c["measure"] as? String).map { (c["name"] as! String, $0) } })
        XCTAssertNil(measures["month"], "the clock is not a metric")
        let concerns = o["concerns"] as! [String]
        let headline = o["headline"] as! [[String: Any]]
        XCTAssertFalse(headline.isEmpty)
        for h in headline {
            let name = h["name"] as! String
            XCTAssertEqual(measures[name], h["measure"] as? String, name)
            XCTAssertTrue(concerns.contains(h["concern"] as! String), name)
            XCTAssertTrue([1, -1].contains(h["better"] as! Int), name)
        }
        XCTAssertEqual(concerns.first, "children", "reports lead with children")
    }

    func testCompareRunsEveryComparisonOfAStudyAsASingleCompareWould() throws {
        let dir = Support.tempDir()
        let study = dir + "/cmp.toml"
        try """
        [study]
        replications = 2
        seed = 5
        set = { "simulation.scale" = 0.03, "simulation.months" = 12 }
        [[comparison]]
        name = "ten"
        a = "\(Support.scenarioPath("three_year"))"
        b = "\(Support.scenarioPath("three_year"))"
        set_b = { "policy.contract_months" = 120 }
        [[comparison]]
        name = "same"
        a = "\(Support.scenarioPath("three_year"))"
        b = "\(Support.scenarioPath("three_year"))"
        replications = 3
        """.write(toFile: study, atomically: true, encoding: .utf8)
        let r = try Support.cli(["compare", study, "--out", dir + "/out", "-q"])
        XCTAssertEqual(r.status, 0, r.err)
        let single = try Support.cli(["compare", Support.scenarioPath("three_year"), Support.scenarioPath("three_year"), "--out", dir + "/single",
                                      "-q", "--replications", "2", "--seed", "5", "--set", "simulation.scale=0.03", "--set", "simulation.months=12",
                                      "--set-b", "policy.contract_months=120"])
        XCTAssertEqual(single.status, 0, single.err)
        let read = { (p: String) in try String(contentsOfFile: p, encoding: .utf8) }
        XCTAssertEqual(try read(dir + "/out/ten/comparison.csv"), try read(dir + "/single/comparison.csv"))
        XCTAssertEqual(try read(dir + "/out/ten/runs.csv"), try read(dir + "/single/runs.csv"))
        let manifest = try read(dir + "/out/ten/manifest.json")
        XCTAssertTrue(manifest.contains("\"study_fingerprint\"") && manifest.contains("policy.contract_months=120"), manifest)
        XCTAssertTrue(try read(dir + "/out/same/comparison.csv").contains(",0,0,0,"))
        // A comparison's own replications (a power calculation's) replace the study's for it alone.
        XCTAssertTrue(try read(dir + "/out/same/manifest.json").contains("--replications 3 --seed 5"))
        // The manifest's recipe reproduces the comparison from the resolved scenarios beside it.
        XCTAssertTrue(manifest.contains("commissim compare a.resolved.toml b.resolved.toml --replications 2 --seed 5"), manifest)
        let again = try Support.cli(["compare", dir + "/out/ten/a.resolved.toml", dir + "/out/ten/b.resolved.toml", "--replications", "2",
                                     "--seed", "5", "--out", dir + "/again", "-q"])
        XCTAssertEqual(again.status, 0, again.err)
        for f in ["comparison.csv", "comparison_monthly.csv", "runs.csv"] {
            XCTAssertEqual(try read(dir + "/again/" + f), try read(dir + "/out/ten/" + f), f)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir + "/out").sorted(), ["same", "ten"], "no staging folders left")
        // Overrides belong in the study file; a lone scenario needs a partner.
        let set = try Support.cli(["compare", study, "--out", dir + "/x", "--set", "demand.trend=0"])
        XCTAssertEqual(set.status, 2)
        XCTAssertTrue(set.err.contains("overrides belong in the study file"), set.err)
        let lone = try Support.cli(["compare", Support.scenarioPath("three_year"), "--out", dir + "/y"])
        XCTAssertEqual(lone.status, 2)
        XCTAssertTrue(lone.err.contains("needs a second scenario"), lone.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/y"))
    }

    func testCompareIsPairedAndExactlyZeroAgainstItself() throws {
        let s = try Support.small(months: 24, scale: 0.04)
        let same = try Comparison(a: s, b: s, nameA: "a", nameB: "a", replications: 3, seed: 9).run(threads: 2)!
        for r in same.rows { XCTAssertEqual(r.diff, 0); XCTAssertEqual(r.low, 0); XCTAssertEqual(r.high, 0) }
        let ten = try Support.small(months: 24, scale: 0.04, ["policy.contract_months=120"])
        let c1 = Comparison(a: s, b: ten, nameA: "3", nameB: "10", replications: 3, seed: 9)
        let one = try c1.run(threads: 1)!, two = try c1.run(threads: 2)!
        XCTAssertEqual(Comparison.csv(one.rows), Comparison.csv(two.rows))
        XCTAssertEqual(one.monthly, two.monthly)
        XCTAssertTrue(one.monthly.hasPrefix("month,metric,mean_a,a_ci95_low,a_ci95_high,mean_b,b_ci95_low,b_ci95_high,diff,ci95_low,ci95_high\n"))
        let table = Comparison.table(one.rows, nameA: "3", nameB: "10")
        XCTAssertTrue(table.contains("95% CI"))
        // The summary leads with the children, then councils, the public purse and the market,
        // each headline measure with its verdict; the input itself (contract length) comes after.
        let heads = ["For children:", "For councils:", "For the public purse:", "For the market:"].map { table.range(of: $0)?.lowerBound }
        XCTAssertFalse(heads.contains(nil), table)
        XCTAssertEqual(heads.map { $0! }, heads.map { $0! }.sorted(), table)
        XCTAssertTrue(table.contains("Outcome score of leavers (end): "), table)
        if let input = table.range(of: "contract length let") { XCTAssertGreaterThan(input.lowerBound, heads.last!!, table) }
        let headlinePart = table.components(separatedBy: "Other clear differences")[0].components(separatedBy: " metrics differ clearly")[0]
        for line in headlinePart.split(separator: "\n") where line.hasPrefix("  ") {
            XCTAssertTrue(line.hasSuffix(", better") || line.hasSuffix(", worse") || line.hasSuffix(", no clear difference"), String(line))
        }
    }

    /// A study of three_year.toml in a fresh folder; returns the folder and the study's path.
    private func studyFile(replications: Int, vary: String) throws -> (dir: String, path: String) {
        let dir = Support.tempDir()
        let path = dir + "/study.toml"
        try """
        [study]
        scenario = "\(Support.scenarioPath("three_year"))"
        replications = \(replications)
        [vary]
        \(vary)
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return (dir, path)
    }

    func testASecondSweepOnTheSameOutputFolderIsRefused() throws {
        let (dir, studyPath) = try studyFile(replications: 40, vary: "\"simulation.scale\" = [0.1]")
        let out = dir + "/out"
        let first = Process()
        first.executableURL = Support.executable
        first.arguments = ["sweep", studyPath, "--out", out, "-q"]
        first.standardOutput = FileHandle.nullDevice
        first.standardError = FileHandle.nullDevice
        try first.run()
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: out + "/.partial/state") && Date() < deadline && first.isRunning { usleep(20_000) }
        guard first.isRunning else { throw XCTSkip("the first sweep finished before the second could start") }
        let second = try Support.cli(["sweep", studyPath, "--out", out, "-q"])
        first.waitUntilExit()
        XCTAssertEqual(second.status, 2, second.err)
        XCTAssertTrue(second.err.contains("another commissim process is writing this output folder"), second.err)
        XCTAssertEqual(first.terminationStatus, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/summary.csv"))
    }

    /// Missing or incomplete shards are named as ranges, a screenful at most: a shard.json claiming
    /// a million-way split made the merge's one-line error 7 MB long.
    func testMissingShardsAreListedAsShortRanges() throws {
        XCTAssertEqual(Shards.list([1]), "1")
        XCTAssertEqual(Shards.list([0, 1, 2, 3, 7, 9, 10]), "0-3 7 9-10")
        XCTAssertEqual(Shards.list(Array(2..<1_000_000)), "2-999999")
        XCTAssertEqual(Shards.list(Array(stride(from: 0, to: 100, by: 2))),
                       (0..<20).map { String(2 * $0) }.joined(separator: " ") + " … (50 in all)")
        let (dir, studyPath) = try studyFile(replications: 2, vary: "\"simulation.scale\" = [0.02]\n\"simulation.months\" = [3]\n\"simulation.burn_in_months\" = [0]")
        XCTAssertEqual(try Support.cli(["sweep", studyPath, "--shard", "0/2", "--out", dir + "/s0", "-q"]).status, 0)
        let json = dir + "/s0/shard.json"
        let text = try String(contentsOfFile: json, encoding: .utf8)
        try text.replacingOccurrences(of: "\"shards\": 2,", with: "\"shards\": 1000000,").write(toFile: json, atomically: true, encoding: .utf8)
        XCTAssertNotEqual(try String(contentsOfFile: json, encoding: .utf8), text, "the test forged the split")
        let r = try Support.cli(["merge", studyPath, dir + "/s0", "--out", dir + "/merged", "-q"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.err.contains("missing shards: 1-999999"), r.err)
        XCTAssertLessThan(r.err.count, 1_000)
    }

    func testMergeRefusesAShardWhoseBytesChanged() throws {
        let (dir, studyPath) = try studyFile(replications: 2, vary: "\"simulation.scale\" = [0.02]\n\"simulation.months\" = [12]\n\"simulation.burn_in_months\" = [0]")
        for i in 0..<2 {
            let r = try Support.cli(["sweep", studyPath, "--shard", "\(i)/2", "--out", dir + "/s\(i)", "-q"])
            XCTAssertEqual(r.status, 0, r.err)
        }
        let ok = try Support.cli(["merge", studyPath, dir + "/s0", dir + "/s1", "--out", dir + "/merged", "-q"])
        XCTAssertEqual(ok.status, 0, ok.err)
        // One bit flipped in the middle of shard 1: same size, different bytes.
        let bin = dir + "/s1/shard.bin"
        var data = try Data(contentsOf: URL(fileURLWithPath: bin))
        data[data.count / 2] ^= 0x10
        try data.write(to: URL(fileURLWithPath: bin))
        let bad = try Support.cli(["merge", studyPath, dir + "/s0", dir + "/s1", "--out", dir + "/merged2", "-q"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.err.contains("differs from what it published"), bad.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/merged2/summary.csv"))
        // An unfinished shard 0 folder is not resumed as shard 1.
        let partial = dir + "/s2/.partial"
        try FileManager.default.createDirectory(atPath: partial, withIntermediateDirectories: true)
        let study = try Study.load(studyPath)
        let build = try XCTUnwrap(Shards.read(dir + "/s0")?.build, "shard.json names the build that ran it")
        try "commissim sweep\nfingerprint \(study.fingerprint)\nshard 0/2\nbuild \(build)\n".write(toFile: partial + "/state", atomically: true, encoding: .utf8)
        let other = try Support.cli(["sweep", studyPath, "--shard", "1/2", "--out", dir + "/s2", "-q"])
        XCTAssertEqual(other.status, 2)
        XCTAssertTrue(other.err.contains("(shard 0/2)"), other.err)
        let same = try Support.cli(["sweep", studyPath, "--shard", "0/2", "--out", dir + "/s2", "-q"])
        XCTAssertEqual(same.status, 0, same.err)
    }
}

extension StudyTests {
    /// Fields of a CSV line (no quoted commas in these files).
    private func csvRows(_ path: String) throws -> [[String]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    /// Asserts that a run folder's timeseries.csv gives the run summary `expected` (a runs.csv row):
    /// the series are written to six decimals, so a total over n months may differ by n × 0.5e-6.
    /// The run's end levels and totals (of the columns at `metrics`: a comparison's runs.csv has
    /// every column, a sweep's the metrics) equal `expected`.
    private func assertSummary(ofRun dir: String, equals expected: [String], metrics: [Int] = Array(MetricColumns.names.indices), _ what: String) throws {
        let rows = try csvRows(dir + "/timeseries.csv").dropFirst().map { $0.map { Double($0) ?? .nan } }
        let all = RunSummary.values(Array(rows)), cols = MetricColumns.names.count
        let got = metrics.map { all[$0] } + metrics.map { all[cols + $0] }
        XCTAssertEqual(got.count, expected.count)
        for (j, (g, e)) in zip(got, expected.map { Double($0) ?? .nan }).enumerated() {
            XCTAssertEqual(g, e, accuracy: Double(rows.count) * 1e-6 + 1e-9 * abs(e), "\(what): column \(RunSummary.columns(metrics)[j])")
        }
    }

    /// Every seed in runs.csv is accepted by `run --seed` and repeats that run: a sweep row (point 1,
    /// replication 1) and a comparison's arm B row, run again from their resolved scenarios.
    /// The study seed defaults to the scenario's seed; the tests' replications use the same derivation.
    func testSeedsInOutputsRepeatTheirRuns() throws {
        let markup = 0.38702394839373144 // more digits than a metric column carries
        let (dir, studyPath) = try studyFile(replications: 2, vary: "\"policy.contract_months\" = [36, 120]\n\"market.shortage_markup\" = [\(markup)]\n\"simulation.scale\" = [0.02]\n\"simulation.months\" = [12]\n\"simulation.burn_in_months\" = [12]")
        let sweep = try Support.cli(["sweep", studyPath, "--out", dir + "/sweep", "-q"])
        XCTAssertEqual(sweep.status, 0, sweep.err)
        let study = try Study.load(studyPath)
        XCTAssertEqual(study.seed, UInt64(ModelConfig(study.base).int("simulation.seed")), "the study seed defaults to the scenario's")
        let runs = try csvRows(dir + "/sweep/runs.csv")
        let header = runs[0], row = runs.first { $0[0] == "1" && $0[1] == "1" }!
        let seed = row[header.firstIndex(of: "seed")!]
        XCTAssertEqual(seed, String(SeedDerivation.replicationSeed(study.seed, 1)))
        XCTAssertLessThanOrEqual(UInt64(seed)!, SeedDerivation.maxSeed)
        // The varied values are written exactly (runs.csv and points.csv), so --set repeats the point.
        XCTAssertEqual(Double(row[header.firstIndex(of: "market.shortage_markup")!]), markup)
        let points = try csvRows(dir + "/sweep/points.csv")
        XCTAssertEqual(Double(points[1][points[0].firstIndex(of: "market.shortage_markup")!]), markup)
        let args = ["run", dir + "/sweep/scenario.resolved.toml", "--seed", seed, "--out", dir + "/again", "-q"]
            + ["policy.contract_months", "market.shortage_markup", "simulation.scale", "simulation.months", "simulation.burn_in_months"].flatMap { ["--set", "\($0)=\(row[header.firstIndex(of: $0)!])"] }
        let again = try Support.cli(args)
        XCTAssertEqual(again.status, 0, again.err)
        let start = header.firstIndex(of: "seed")! + 6
        try assertSummary(ofRun: dir + "/again", equals: Array(row[start...]), metrics: MetricColumns.metricIndices, "run --seed repeats the sweep's run")
        // The run's own resolved scenario repeats it to the byte.
        let third = try Support.cli(["run", dir + "/again/scenario.resolved.toml", "--out", dir + "/third", "-q"])
        XCTAssertEqual(third.status, 0, third.err)
        XCTAssertEqual(FileManager.default.contents(atPath: dir + "/again/timeseries.csv"), FileManager.default.contents(atPath: dir + "/third/timeseries.csv"))

        let small = ["--set", "simulation.scale=0.02", "--set", "simulation.months=12", "--set", "simulation.burn_in_months=12"]
        let cmp = try Support.cli(["compare", Support.scenarioPath("three_year"), Support.scenarioPath("ten_year"), "--replications", "2", "--out", dir + "/cmp", "-q"] + small)
        XCTAssertEqual(cmp.status, 0, cmp.err)
        let crows = try csvRows(dir + "/cmp/runs.csv")
        let b = crows.first { $0[0] == "1" && $0[1] == "B" }!
        let rerun = try Support.cli(["run", dir + "/cmp/b.resolved.toml", "--seed", b[2], "--out", dir + "/b1", "-q"])
        XCTAssertEqual(rerun.status, 0, rerun.err)
        try assertSummary(ofRun: dir + "/b1", equals: Array(b[3...]), "run --seed repeats the comparison's run")
        // Another seed gives another run (the check above could not pass by accident).
        let other = try Support.cli(["run", dir + "/cmp/b.resolved.toml", "--seed", String(UInt64(b[2])! ^ 1), "--out", dir + "/b2", "-q"])
        XCTAssertEqual(other.status, 0, other.err)
        XCTAssertNotEqual(FileManager.default.contents(atPath: dir + "/b1/timeseries.csv"), FileManager.default.contents(atPath: dir + "/b2/timeseries.csv"))
    }
}

extension StudyTests {
    /// Every journaled run carries its checksum: a resumed sweep refuses a damaged record (and
    /// names the fix, which then gives the uninterrupted result); merge refuses a shard whose
    /// records are damaged even when shard.json's checksum was made to match; another build's
    /// unfinished sweep is refused.
    func testDamagedJournalsAndShardsAndOtherBuildsAreRefused() throws {
        let path = try studyFile("""
        [vary]
        "policy.contract_months" = [36, 120]
        "simulation.scale" = 0.02
        "simulation.months" = 24
        "simulation.burn_in_months" = 12
        """, replications: 3)
        let study = try Study.load(path)
        let whole = Support.tempDir() + "/whole", parts = Support.tempDir() + "/parts"
        XCTAssertEqual(try SweepRunner(study: study, out: whole, threads: 1, keepRuns: false).run(command: ["t"]), .finished)
        guard case .interrupted = try Support.interruptedSweep(study, out: parts, after: 2, threads: 1) else { return XCTFail("should have been interrupted") }
        let journal = parts + "/.partial/point-0.journal"
        var data = try Data(contentsOf: URL(fileURLWithPath: journal))
        XCTAssertEqual(data.count, 2 * RunRecord.bytes(months: 24, cols: MetricColumns.names.count), "two runs journaled, each with its checksum")
        data[100] ^= 0x01
        try data.write(to: URL(fileURLWithPath: journal))
        XCTAssertThrowsError(try SweepRunner(study: study, out: parts, threads: 1, keepRuns: false).run(command: ["t"])) { e in
            XCTAssertTrue("\(e)".contains("replication 0 of point 0") && "\(e)".contains("damaged") && "\(e)".contains("fix: delete"), "\(e)")
        }
        try FileManager.default.removeItem(atPath: journal)
        XCTAssertEqual(try SweepRunner(study: study, out: parts, threads: 1, keepRuns: false).run(command: ["t"]), .finished)
        XCTAssertEqual(files(whole), files(parts), "after the fix the sweep is the uninterrupted one")

        // Another build's unfinished sweep.
        let other = Support.tempDir() + "/other"
        try FileManager.default.createDirectory(atPath: other + "/.partial", withIntermediateDirectories: true)
        try "commissim sweep\nfingerprint \(study.fingerprint)\nbuild 0123456789abcdef\n".write(toFile: other + "/.partial/state", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try SweepRunner(study: study, out: other, threads: 1, keepRuns: false).run(command: ["t"])) { e in
            XCTAssertTrue("\(e)".contains("another build of commissim"), "\(e)")
        }

        // A shard damaged before it was published: shard.json's checksum matches the bad bytes.
        let dir = Support.tempDir()
        for i in 0..<2 {
            let r = try Support.cli(["sweep", path, "--shard", "\(i)/2", "--out", dir + "/s\(i)", "-q"])
            XCTAssertEqual(r.status, 0, r.err)
        }
        let bin = dir + "/s1/shard.bin"
        var shard = try Data(contentsOf: URL(fileURLWithPath: bin))
        shard[RunRecord.bytes(months: 24, cols: MetricColumns.names.count) + 64] ^= 0x04
        try shard.write(to: URL(fileURLWithPath: bin))
        var info = try XCTUnwrap(Shards.read(dir + "/s1"))
        info.checksum = Fingerprint.of(shard)
        try Shards.write(info, to: dir + "/s1")
        let bad = try Support.cli(["merge", path, dir + "/s0", dir + "/s1", "--out", dir + "/merged", "-q"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.err.contains("record 1 of shard 1's shard.bin is damaged"), bad.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/merged/summary.csv"))
    }
}

extension StudyTests {
    /// An interrupted comparison resumes from its journal to the uninterrupted result; a finished
    /// comparison or sweep run again returns at once and leaves its files as they were.
    func testCompareResumesAndFinishedWorkReturnsAtOnce() throws {
        let s = try Support.small(months: 24, scale: 0.02, ["simulation.burn_in_months=12"])
        let ten = try Support.small(months: 24, scale: 0.02, ["simulation.burn_in_months=12", "policy.contract_months=120"])
        let cmp = Comparison(a: s, b: ten, nameA: "3", nameB: "10", replications: 3, seed: 5)
        let whole = try XCTUnwrap(try cmp.run(threads: 2))
        let dir = Support.tempDir()
        // Stopped twice after one job each (a job is a replication's two arms when they share the
        // burn-in, as here, otherwise one arm).
        for stopAfter in [1, 1] {
            let taken = Counter()
            XCTAssertNil(try cmp.run(threads: 1, shouldStop: { taken.increment() > stopAfter }, journal: dir), "interrupted")
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/.partial/runs.journal"))
        }
        let other = Comparison(a: s, b: ten, nameA: "3", nameB: "10", replications: 3, seed: 6)
        XCTAssertThrowsError(try other.run(threads: 1, journal: dir)) { e in
            XCTAssertTrue("\(e)".contains("unfinished comparison of another pair of scenarios, replications or seed"), "\(e)")
        }
        let resumed = try XCTUnwrap(try cmp.run(threads: 2, journal: dir))
        XCTAssertEqual(Comparison.csv(resumed.rows), Comparison.csv(whole.rows))
        XCTAssertEqual(resumed.runs, whole.runs)
        XCTAssertEqual(resumed.monthly, whole.monthly)

        // The command line: a finished comparison is not run again.
        let args = ["compare", Support.scenarioPath("three_year"), Support.scenarioPath("ten_year"), "--replications", "2", "--out", dir + "/cli",
                    "--set", "simulation.scale=0.02", "--set", "simulation.months=12", "--set", "simulation.burn_in_months=12"]
        let first = try Support.cli(args)
        XCTAssertEqual(first.status, 0, first.err)
        let before = try FileManager.default.attributesOfItem(atPath: dir + "/cli/manifest.json")[.modificationDate] as? Date
        let again = try Support.cli(args)
        XCTAssertEqual(again.status, 0, again.err)
        XCTAssertTrue(again.err.contains("already holds this comparison"), again.err)
        XCTAssertEqual(again.out, first.out, "the same summary is printed")
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: dir + "/cli/manifest.json")[.modificationDate] as? Date, before)
        // Another replication count is another comparison.
        let more = try Support.cli(args.map { $0 == "2" ? "3" : $0 })
        XCTAssertEqual(more.status, 0, more.err)
        XCTAssertFalse(more.err.contains("already holds"), more.err)

        // A finished sweep.
        let study = try Study.load(try studyFile("[vary]\n\"simulation.scale\" = 0.02\n\"simulation.months\" = 12\n\"simulation.burn_in_months\" = [0, 12]", replications: 2))
        let out = dir + "/sweep"
        XCTAssertEqual(try SweepRunner(study: study, out: out, threads: 2, keepRuns: false).run(command: ["t"]), .finished)
        XCTAssertEqual(try SweepRunner(study: study, out: out, threads: 2, keepRuns: false).run(command: ["t"]), .upToDate)
        let fresh = SweepRunner(study: study, out: out, threads: 2, keepRuns: false)
        fresh.fresh = true
        XCTAssertEqual(try fresh.run(command: ["t"]), .finished, "--fresh runs a finished sweep again")
        XCTAssertEqual(try SweepRunner(study: study, out: out, threads: 2, keepRuns: true).run(command: ["t"]), .finished, "--keep-runs needs the runs")
    }

    /// File-system failures (a file-size limit standing in for a full disk, the open-file limit)
    /// are one `error: … — fix: …` line with exit 2, and nothing half-written is left.
    func testFileSystemFailuresAreOneLineErrorsWithExit2() throws {
        let dir = Support.tempDir()
        let exe = Support.executable.path, s = Support.scenarioPath("three_year")
        let small = "--set simulation.scale=0.02 --set simulation.months=24 --set simulation.burn_in_months=0"
        let (_, study) = try studyFile(replications: 2, vary: "\"simulation.scale\" = [0.02]\n\"simulation.months\" = [120]\n\"simulation.burn_in_months\" = [0]")
        // Without the shell's `trap '' XFSZ` the limit's signal ended the process, leaving its
        // staging folder; and Foundation's writes said "NSCocoaErrorDomain error 512" (or "No
        // such file or directory") for a file over the limit.
        let cases = [("ulimit -f 20; trap '' XFSZ", "run \(s) --out \(dir)/run --detail \(small)", "ulimit -f"),
                     ("ulimit -f 20", "run \(s) --out \(dir)/run2 \(small)", "ulimit -f"),
                     ("ulimit -f 8", "sweep \(study) --out \(dir)/sweep -q", "ulimit -f"),
                     ("ulimit -f 20; trap '' XFSZ", "compare \(s) \(s) --replications 2 --out \(dir)/cmp -q \(small)", "ulimit -f"),
                     ("ulimit -n 8", "compare \(s) \(s) --replications 2 --out \(dir)/cmp2 -q \(small)", "ulimit -n")]
        for (limit, command, fix) in cases {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/bash")
            p.arguments = ["-c", "\(limit); exec \(exe) \(command)"]
            let err = Pipe()
            p.standardError = err
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            XCTAssertEqual(p.terminationStatus, 2, "\(limit): \(text)")
            let lines = text.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, text)
            XCTAssertTrue(text.hasPrefix("error: \(dir)/"), text)
            XCTAssertTrue(text.contains(" — fix: ") && text.contains(fix), text)
            XCTAssertFalse(text.contains("NSCocoaErrorDomain") || text.contains("error: error"), text)
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix(".") }
        XCTAssertEqual(left, [], "no staging folders left")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/run/timeseries.csv"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/run2/timeseries.csv"))
    }
}

extension StudyTests {
    /// `[study] set` and `sweep --set` override the base scenario (and are part of the study's
    /// identity); a varied parameter cannot also be set; with one replication summary.csv has no
    /// spread or CI (empty cells), never a zero-width interval.
    func testStudySetAndSweepSetOverrideTheBaseAndOneRunHasNoCI() throws {
        let path = try studyFile("set = { \"simulation.scale\" = 0.02, \"simulation.burn_in_months\" = 0 }\n[vary]\n\"simulation.months\" = [6, 12]", replications: 1)
        let study = try Study.load(path)
        XCTAssertEqual(ModelConfig(study.base).real("simulation.scale"), 0.02)
        XCTAssertEqual(ModelConfig(study.base).int("simulation.burn_in_months"), 0)
        let dir = Support.tempDir()
        let r = try Support.cli(["sweep", path, "--out", dir + "/a", "-q", "--set", "demand.trend=0.05"])
        XCTAssertEqual(r.status, 0, r.err)
        let resolved = try String(contentsOfFile: dir + "/a/scenario.resolved.toml", encoding: .utf8)
        XCTAssertTrue(resolved.contains("trend = 0.05"), "the --set reaches the base scenario")
        XCTAssertTrue(try String(contentsOfFile: dir + "/a/manifest.json", encoding: .utf8).contains("demand.trend=0.05"))
        let withSet = try study.setting(["demand.trend=0.05"])
        XCTAssertNotEqual(withSet.fingerprint, study.fingerprint, "overrides are part of the study's identity")
        let summary = try String(contentsOfFile: dir + "/a/summary.csv", encoding: .utf8).split(separator: "\n")
        let header = summary[0].split(separator: ",", omittingEmptySubsequences: false)
        let row = summary.first { $0.contains(",children_served,") }!.split(separator: ",", omittingEmptySubsequences: false)
        XCTAssertEqual(row[header.firstIndex(of: "n")!], "1")
        for k in ["sd", "ci95_low", "ci95_high"] { XCTAssertEqual(row[header.firstIndex(of: Substring(k))!], "", "\(k) with one run") }
        let varied = try Support.cli(["sweep", path, "--out", dir + "/b", "-q", "--set", "simulation.months=24"])
        XCTAssertEqual(varied.status, 2)
        XCTAssertTrue(varied.err.contains("is varied by the study"), varied.err)
        let clash = try studyFile("set = { \"simulation.months\" = 24 }\n[vary]\n\"simulation.months\" = [6, 12]", replications: 1)
        XCTAssertThrowsError(try Study.load(clash)) { e in XCTAssertTrue("\(e)".contains("is varied by the study"), "\(e)") }
    }
}

extension StudyTests {
    /// summary.csv and runs.csv summarise metrics, never the clock; `[study] metrics` and
    /// `sweep --metrics` choose them, their values are those of the full sweep, and the choice is
    /// part of the study's identity (another choice never resumes or merges this one's work).
    func testSweepsSummariseTheChosenMetricsAndNeverTheClock() throws {
        let body = "set = { \"simulation.scale\" = 0.03, \"simulation.burn_in_months\" = 0, \"simulation.months\" = 12 }\n[vary]\n\"policy.contract_months\" = [36, 120]"
        let all = try Study.load(try studyFile(body, replications: 2))
        let chosenPath = try studyFile("metrics = [\"outcome_mean\", \"spend\"]\n" + body, replications: 2)
        let chosen = try Study.load(chosenPath)
        let dir = Support.tempDir()
        XCTAssertEqual(try SweepRunner(study: all, out: dir + "/all", threads: 2, keepRuns: false).run(command: ["t"]), .finished)
        XCTAssertEqual(try SweepRunner(study: chosen, out: dir + "/chosen", threads: 2, keepRuns: false).run(command: ["t"]), .finished)
        func lines(_ f: String) throws -> [[Substring]] {
            try String(contentsOfFile: f, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        }
        let full = try lines(dir + "/all/summary.csv"), some = try lines(dir + "/chosen/summary.csv")
        XCTAssertFalse(full.dropFirst().contains { $0[2] == "month" || $0[2] == "year" }, "the clock is not a metric")
        XCTAssertEqual(Set(full.dropFirst().map { String($0[2]) }).count, MetricColumns.names.count - 2)
        XCTAssertEqual(Set(some.dropFirst().map { String($0[2]) }), ["outcome_mean", "spend"])
        for row in some.dropFirst() {
            XCTAssertEqual(full.first { $0[0] == row[0] && $0[1] == row[1] && $0[2] == row[2] }, row, "the same numbers as the full sweep")
        }
        let runsHeader = try lines(dir + "/chosen/runs.csv")[0].map(String.init)
        XCTAssertEqual(runsHeader, ["point", "replication", "seed", "policy.contract_months", "outcome_mean_end", "spend_end", "outcome_mean_total", "spend_total"])
        XCTAssertFalse(try lines(dir + "/all/runs.csv")[0].contains("month_end"))
        XCTAssertNotEqual(chosen.fingerprint, all.fingerprint)
        XCTAssertEqual(try all.selecting(metrics: ["outcome_mean", "spend"]).metrics, chosen.metrics)
        XCTAssertNotEqual(try all.selecting(metrics: ["spend"]).fingerprint, all.fingerprint)
        // Unknown names, the clock and a wrong type are errors naming the key.
        XCTAssertThrowsError(try all.selecting(metrics: ["spnd"])) { e in XCTAssertTrue("\(e)".contains("did you mean \"spend\""), "\(e)") }
        XCTAssertThrowsError(try all.selecting(metrics: ["year"])) { e in XCTAssertTrue("\(e)".contains("the clock"), "\(e)") }
        let bad = try studyFile("metrics = [\"spend\", 3]\n" + body)
        XCTAssertThrowsError(try Study.load(bad)) { e in XCTAssertTrue("\(e)".contains(":5: key 'study.metrics'"), "\(e)") }
        let cli = try Support.cli(["sweep", chosenPath, "--out", dir + "/cli", "-q", "--metrics", "spend,outcom_mean"])
        XCTAssertEqual(cli.status, 2)
        XCTAssertTrue(cli.err.contains("--metrics") && cli.err.contains("outcome_mean"), cli.err)
    }

    /// `[contrast]` writes B − A of every chosen metric, paired by replication, at each level of the
    /// other varied parameters: the numbers equal those computed from runs.csv; bad contrasts
    /// name their line and key.
    func testContrastsArePairedDifferencesAtEachLevelOfTheOthers() throws {
        let body = """
        set = { "simulation.scale" = 0.03, "simulation.burn_in_months" = 0, "simulation.months" = 12 }
        metrics = ["outcome_mean", "spend"]
        [vary]
        "policy.contract_months" = [36, 60, 120]
        "policy.extension_months" = [0, 24]
        [contrast]
        "policy.contract_months" = [36, 120]
        """
        let study = try Study.load(try studyFile(body, replications: 3))
        let out = Support.tempDir() + "/c"
        XCTAssertEqual(try SweepRunner(study: study, out: out, threads: 2, keepRuns: false).run(command: ["t"]), .finished)
        let rows = try csvRows(out + "/contrasts.csv"), runs = try csvRows(out + "/runs.csv")
        XCTAssertEqual(rows[0], ["policy.extension_months", "metric", "measure", "n", "mean_a", "mean_b", "diff", "sd", "diff_ci95_low", "diff_ci95_high"])
        XCTAssertEqual(rows.count - 1, 2 * 2 * 2, "two levels of the other parameter × two metrics × end and total")
        let h = runs[0]
        func value(_ months: String, _ ext: String, _ r: Int, _ col: String) -> Double {
            let row = runs.dropFirst().first { $0[h.firstIndex(of: "policy.contract_months")!] == months && $0[h.firstIndex(of: "policy.extension_months")!] == ext && $0[1] == String(r) }!
            return Double(row[h.firstIndex(of: col)!])!
        }
        for row in rows.dropFirst() {
            let ext = row[0], col = row[1] + "_" + row[2]
            let d = (0..<3).map { value("120", ext, $0, col) - value("36", ext, $0, col) }
            let mean = Stats.mean(d), half = 4.302652729911275 * Stats.sd(d) / 3.0.squareRoot() // t(0.975, 2)
            XCTAssertEqual(Double(row[6])!, mean, accuracy: 1e-6 * max(1, abs(mean)), "\(ext) \(col)")
            XCTAssertEqual(Double(row[8])!, mean - half, accuracy: 1e-6 * max(1, abs(mean) + half))
            XCTAssertEqual(row[3], "3")
        }
        for (contrast, expect) in [("\"policy.contract_months\" = [36, 84]", "84 is not one of the study's values"),
                                   ("\"demand.trend\" = [0.01, 0.02]", "is not varied by the study"),
                                   ("\"policy.contract_months\" = [36]", "needs two values"),
                                   ("\"policy.contract_months\" = [120, 120]", "A and B are the same value")] {
            let bad = body.replacingOccurrences(of: "\"policy.contract_months\" = [36, 120]", with: contrast)
            XCTAssertThrowsError(try Study.load(try studyFile(bad))) { e in
                XCTAssertTrue("\(e)".contains(":11: key 'contrast.") && "\(e)".contains(expect), "\(e)")
            }
        }
    }

    /// `--keep-runs` on a cluster: each shard keeps its runs' series in shard.bin (and says so),
    /// and `merge --keep-runs` writes them under runs/, byte for byte the single-machine sweep's
    /// (a shard given --keep-runs kept nothing, without a word).
    func testMergeKeepsEveryRunsSeriesLikeASingleSweep() throws {
        let path = try studyFile("set = { \"simulation.scale\" = 0.02, \"simulation.months\" = 3, \"simulation.burn_in_months\" = 3 }\n[vary]\n\"demand.trend\" = [0.0, 0.02]", replications: 2)
        let dir = Support.tempDir()
        let s0 = try Support.cli(["sweep", path, "--out", dir + "/s0", "--shard", "0/2", "--keep-runs"])
        XCTAssertEqual(s0.status, 0, s0.err)
        XCTAssertTrue(s0.err.contains("merge --keep-runs"), s0.err)
        XCTAssertEqual(try Support.cli(["sweep", path, "--out", dir + "/s1", "--shard", "1/2", "-q"]).status, 0)
        let merged = try Support.cli(["merge", path, dir + "/s0", dir + "/s1", "--out", dir + "/merged", "--keep-runs", "-q"])
        XCTAssertEqual(merged.status, 0, merged.err)
        XCTAssertEqual(try Support.cli(["sweep", path, "--out", dir + "/single", "--keep-runs", "-q"]).status, 0)
        let names = try FileManager.default.contentsOfDirectory(atPath: dir + "/single/runs").sorted()
        XCTAssertEqual(names.count, 4)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir + "/merged/runs").sorted(), names)
        for n in names + ["../summary.csv", "../runs.csv"] {
            XCTAssertEqual(FileManager.default.contents(atPath: dir + "/merged/runs/" + n), FileManager.default.contents(atPath: dir + "/single/runs/" + n), n)
        }
    }

    /// `simulation.detail` asks a single run for its per-council tables: a sweep or comparison
    /// given it says where those come from (it was passed over without a word), and still runs.
    func testDetailOutsideARunIsSaidNotPassedOver() throws {
        let path = try studyFile("set = { \"simulation.scale\" = 0.02, \"simulation.months\" = 3, \"simulation.burn_in_months\" = 3, \"simulation.detail\" = true }\n[vary]\n\"demand.trend\" = [0.0, 0.02]", replications: 2)
        let sweep = try Support.cli(["sweep", path, "--out", Support.tempDir() + "/out"])
        XCTAssertEqual(sweep.status, 0, sweep.err)
        XCTAssertTrue(sweep.err.contains("simulation.detail is not written by a sweep"), sweep.err)
        let base = Support.scenarioPath("three_year")
        let cmp = try Support.cli(["compare", base, base, "--out", Support.tempDir() + "/c", "--replications", "2", "--set", "simulation.detail=true",
                                   "--set", "simulation.scale=0.02", "--set", "simulation.months=3", "--set", "simulation.burn_in_months=3"])
        XCTAssertEqual(cmp.status, 0, cmp.err)
        XCTAssertTrue(cmp.err.contains("simulation.detail is not written by a comparison"), cmp.err)
    }

    /// `--fresh` (a sweep's, a calibration's) and every merge discard the folder's unfinished work
    /// only once they hold its lock: a folder another process is writing is refused, its work left
    /// in place (it was deleted from under the running sweep, and both then wrote the folder).
    func testFreshWorkNeverDiscardsAFolderAnotherProcessIsWriting() throws {
        let study = try Study.load(try studyFile("set = { \"simulation.scale\" = 0.02, \"simulation.months\" = 3, \"simulation.burn_in_months\" = 3 }\n[vary]\n\"demand.trend\" = [0.0, 0.02]", replications: 2))
        let out = Support.tempDir() + "/out"
        let writer = PartialState(out: out) // another process's hold on the folder
        try writer.lock(file: "other")
        let work = out + "/.partial/point-0.journal"
        try "its runs".write(toFile: work, atomically: true, encoding: .utf8)
        let fresh = SweepRunner(study: study, out: out, threads: 1, keepRuns: false)
        fresh.fresh = true
        XCTAssertThrowsError(try fresh.run()) { XCTAssertTrue("\($0)".contains("another commissim process is writing"), "\($0)") }
        let cal = try Calibration.parse(text: """
        [calibration]
        scenario = "\(Support.scenarioPath("baseline"))"
        replications = 2
        set = { "simulation.scale" = 0.02, "simulation.months" = 3, "simulation.burn_in_months" = 3 }
        \(Support.calibrationTarget)
        \(Support.calibrationParameter)
        """, file: "cal.toml")
        let calibrator = Calibrator(calibration: cal, out: out, threads: 1)
        calibrator.fresh = true
        XCTAssertThrowsError(try calibrator.run()) { XCTAssertTrue("\($0)".contains("another commissim process is writing"), "\($0)") }
        XCTAssertEqual(try String(contentsOfFile: work, encoding: .utf8), "its runs", "the other process's work is left")
        // An unfinished sweep, its process gone: a calibration does not journal into it (and then
        // remove it with its own journal); it names what the folder holds.
        writer.release()
        let sweeping = PartialState(out: out)
        try sweeping.acquire(file: "s", kind: "sweep", fields: [("fingerprint", "f")], describe: [:])
        sweeping.release()
        XCTAssertThrowsError(try Calibrator(calibration: cal, out: out, threads: 1).run()) {
            XCTAssertTrue("\($0)".contains("holds an unfinished sweep; a calibration will not be mixed with it"), "\($0)")
        }
        XCTAssertEqual(try String(contentsOfFile: work, encoding: .utf8), "its runs")
        // --fresh starts again from nothing.
        XCTAssertEqual(try fresh.run(), .finished)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/.partial"))
    }

    /// A point or an arm may combine values that pass alone into a market beyond the limits (a
    /// steep demand trend over a long run): the study is refused, naming the point or arm.
    func testPointsAndArmsBeyondTheLimitsAreRefused() throws {
        let sweep = try studyFile("[vary]\n\"demand.trend\" = [0.02, 1.0]")
        XCTAssertThrowsError(try Study.load(sweep)) { e in
            XCTAssertTrue("\(e)".contains("at point 1 (demand.trend = 1.0)") && "\(e)".contains("limit of 30,000,000"), "\(e)")
        }
        let dir = Support.tempDir(), path = dir + "/cmp.toml"
        try """
        [study]
        replications = 2
        [[comparison]]
        name = "steep"
        a = "\(Support.scenarioPath("three_year"))"
        b = "\(Support.scenarioPath("three_year"))"
        set_b = { "demand.trend" = 1.0 }
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let r = try Support.cli(["compare", path, "--out", dir + "/out", "-q"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.err.contains("comparison steep, arm b") && r.err.contains("key 'demand.trend'"), r.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/out/steep"))
    }
}

extension StudyTests {
    /// The relative interval of comparison.csv is Fieller's: checked against a brute-force scan of
    /// the ratios R with (b̄ − R ā)² ≤ t² var(b̄ − R ā), for positive and negative bases; a count
    /// whose base is small stays above −100%; an A not clearly away from zero gives no interval.
    func testRelativeIntervalsAreFiellers() {
        func moments(_ x: [Double]) -> RunningMoments { var m = RunningMoments(); for v in x { m.add(v) }; return m }
        func scan(_ a: [Double], _ b: [Double]) -> (Double, Double) {
            let n = Double(a.count), t = Confidence.t95(a.count - 1)
            let ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
            let va = a.map { ($0 - ma) * ($0 - ma) }.reduce(0, +) / (n - 1), vb = b.map { ($0 - mb) * ($0 - mb) }.reduce(0, +) / (n - 1)
            let cab = zip(a, b).map { ($0 - ma) * ($1 - mb) }.reduce(0, +) / (n - 1)
            var inside: [Double] = []
            for i in 0...400_000 {
                let r = -2 + Double(i) * 1e-5
                let lhs = (mb - r * ma) * (mb - r * ma), rhs = t * t * (vb - 2 * r * cab + r * r * va) / n
                if lhs <= rhs { inside.append(r) }
            }
            let rel = { (r: Double) in ma > 0 ? r - 1 : 1 - r }
            return (min(rel(inside.first!), rel(inside.last!)), max(rel(inside.first!), rel(inside.last!)))
        }
        let cases: [([Double], [Double])] = [([10, 12, 11, 9, 14], [5, 8, 6, 4, 9]),          // a count falling by half
                                             ([3, 9, 1, 6, 2, 8], [1, 4, 0, 2, 1, 5]),           // a small, noisy base
                                             ([-10, -12, -11, -9], [-8, -11, -9, -8])]          // a negative base
        for (a, b) in cases {
            let d = zip(a, b).map { $1 - $0 }
            guard let (lo, hi) = Comparison.fieller(a: moments(a), b: moments(b), d: moments(d)) else { return XCTFail("\(a)") }
            let (slo, shi) = scan(a, b)
            XCTAssertEqual(lo, slo, accuracy: 2e-5, "\(a)")
            XCTAssertEqual(hi, shi, accuracy: 2e-5, "\(a)")
            XCTAssertGreaterThan(lo, -1, "a count never falls below zero")
        }
        XCTAssertNil(Comparison.fieller(a: moments([1, -1, 2, -2]), b: moments([1, 0, 1, 0]), d: moments([0, 1, -1, 2])), "A not clearly non-zero")
    }
}

extension StudyTests {
    /// An explicit design (any sampler's points in a CSV) runs as one sweep: its points are the
    /// rows, each cell checked against its parameter with the CSV's line; the CSV is part of the
    /// study's identity and is copied beside the results. `params --json` gives samplers the space.
    func testADesignFileRunsItsPointsAsOneSweep() throws {
        let dir = Support.tempDir()
        try "policy.contract_months,investment.payback_months,policy.payment\n36,48,block\n120,24.5,outcome\n"
            .write(toFile: dir + "/design.csv", atomically: true, encoding: .utf8)
        let path = dir + "/study.toml"
        try """
        [study]
        scenario = "\(Support.scenarioPath("three_year"))"
        replications = 2
        design = "file"
        points_file = "design.csv"
        set = { "simulation.scale" = 0.02, "simulation.months" = 12, "simulation.burn_in_months" = 0 }
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let study = try Study.load(path)
        XCTAssertEqual(study.parameters, ["policy.contract_months", "investment.payback_months", "policy.payment"])
        XCTAssertEqual(study.points, [[.integer(36), .real(48), .text("block")], [.integer(120), .real(24.5), .text("outcome")]])
        XCTAssertEqual(ModelConfig(study.scenario(point: 1)).councils.map(\.policy.contractMonths).first, 120)
        let r = try Support.cli(["sweep", path, "--out", dir + "/out", "-q"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(try String(contentsOfFile: dir + "/out/points.csv", encoding: .utf8),
                       "point,policy.contract_months,investment.payback_months,policy.payment\n0,36,48,block\n1,120,24.5,outcome\n")
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/out/design.csv"))
        // Another design is another study.
        try "policy.contract_months,investment.payback_months,policy.payment\n36,48,block\n120,30,outcome\n"
            .write(toFile: dir + "/design.csv", atomically: true, encoding: .utf8)
        XCTAssertNotEqual(try Study.load(path).fingerprint, study.fingerprint)
        // A bad cell names the CSV, its line and the parameter.
        try "policy.contract_months,investment.payback_months\n36,48\n0,24\n".write(toFile: dir + "/design.csv", atomically: true, encoding: .utf8)
        let bad = try Support.cli(["validate", path])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.err.hasPrefix("error: \(dir)/design.csv:3: key 'policy.contract_months': value 0 is out of range"), bad.err)
        // CSV as pandas, R's write.csv and spreadsheets write it: quoted headers and cells (a comma
        // and a doubled quote inside), an empty quoted list, True/FALSE, a byte-order mark, CRLF,
        // a blank line and spaces around cells.
        try "\u{FEFF}\"policy.contract_months\", investor.enabled ,\"policy.strategies\",\"councils[North, \"\"Upper\"\"].policy.payment\"\r\n"
            .appending("\"36\",True,\"\",block\r\n\r\n 120 ,FALSE,\"price_squeeze lowest_price\" , \"outcome\"\r\n")
            .write(toFile: dir + "/design.csv", atomically: true, encoding: .utf8)
        let quotedDesign = try DesignFile.read(dir + "/design.csv")
        XCTAssertEqual(quotedDesign.parameters, ["policy.contract_months", "investor.enabled", "policy.strategies", "councils[North, \"Upper\"].policy.payment"])
        XCTAssertEqual(quotedDesign.points, [[.integer(36), .flag(true), .list([]), .text("block")],
                                             [.integer(120), .flag(false), .list(["price_squeeze", "lowest_price"]), .text("outcome")]])
        // A quote left open names the line it opens on; text after a closing quote its line.
        for (text, line, message) in [("policy.contract_months\n36\n\"120\n", 3, "a quoted field is not closed"),
                                      ("policy.contract_months\n36\n\"120\"0\n", 3, "text after the closing quote of a field"),
                                      ("investment.payback_months\n36\n1e999\n", 3, "key 'investment.payback_months': 1e999 is beyond what a number can hold"),
                                      ("investment.payback_months\nnan\n", 2, "key 'investment.payback_months': \"nan\" is not a finite number"),
                                      ("\"\",\"investment.payback_months\"\n\"1\",36\n", 1, "a column has no name (row names, as R's write.csv and pandas' to_csv write them by default)")] {
            try text.write(toFile: dir + "/design.csv", atomically: true, encoding: .utf8)
            let r = try Support.cli(["validate", path])
            XCTAssertEqual(r.status, 2)
            XCTAssertTrue(r.err.hasPrefix("error: \(dir)/design.csv:\(line): \(message) — fix: "), r.err)
        }

        let json = try Support.cli(["params", "--json"])
        let items = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [[String: Any]])
        XCTAssertEqual(Set(items.compactMap { $0["name"] as? String }), Set(ScenarioParser.overridablePaths))
        let payback = try XCTUnwrap(items.first { $0["name"] as? String == "investment.payback_months" })
        XCTAssertEqual(payback["type"] as? String, "real")
        XCTAssertEqual(payback["min"] as? Double, 1)
        XCTAssertEqual(payback["max"] as? Double, 600)
        // --groups: a council or provider group's own parameters, named as a study addresses them.
        let groupJSON = try Support.cli(["params", "--json", "--groups"])
        let groupItems = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(groupJSON.out.utf8)) as? [[String: Any]])
        XCTAssertEqual(Set(groupItems.compactMap { $0["path"] as? String }), Set((ParameterCatalog.council + ParameterCatalog.provider).map(\.path)))
        let margin = try XCTUnwrap(groupItems.first { $0["name"] as? String == "providers[NAME].target_margin" })
        XCTAssertEqual(margin["type"] as? String, "real")
        XCTAssertNotNil(groupItems.first { $0["name"] as? String == "councils[NAME].policy.contract_months" })
        XCTAssertEqual(try Support.cli(["params", "--groups"]).status, 2, "--groups without --json is refused, not ignored")
    }

    /// A finished sweep's folder repeats the sweep on its own: its study.toml reads the scenario
    /// and the design from the copies beside it, so the same files come out after the original
    /// study file, its scenario (relative to it) and its design are gone; the manifest says how.
    /// `run` tells how far a long run has got, in months with the burn-in's counted: the
    /// simulation reports every month in order, and the reporter writes nothing before its delay
    /// and then a log line every tenth (a run that ends within two seconds prints only its end).
    func testARunReportsItsProgressInMonths() throws {
        let config = ModelConfig(try ScenarioParser.parse(text: "[simulation]\nscale = 0.02\nmonths = 5\nburn_in_months = 3\n", file: "t.toml"))
        var seen: [Int] = []
        _ = Simulation(config: config).run(progress: { done, total in
            XCTAssertEqual(total, 8)
            seen.append(done)
        })
        XCTAssertEqual(seen, Array(1...8))
        var lines: [String] = []
        let now = ProgressReporter(label: "run", quiet: false, terminal: false, unit: "months", after: 0) { lines.append($0) }
        now.start(total: 20, done: 0)
        for m in 1...20 { now.update(done: m) }
        XCTAssertEqual(lines.map { $0.prefix { $0 != "/" } }, ["run: 1"] + stride(from: 2, through: 20, by: 2).map { "run: \($0)" }, "\(lines)")
        XCTAssertTrue(lines.last!.hasPrefix("run: 20/20 months (100%)"), lines.last!)
        var none: [String] = []
        let later = ProgressReporter(label: "run", quiet: false, terminal: false, unit: "months", after: 3600) { none.append($0) }
        later.start(total: 20, done: 0)
        for m in 1...20 { later.update(done: m) }
        later.finish()
        XCTAssertEqual(none, [])
    }

    /// A path may hold a line break, a quote or a backslash: the TOML files written beside the
    /// results (the sweep's study.toml, the comparison's resolved arms) name it in a comment, which
    /// a raw line break ended, leaving the rest of the path as a line TOML cannot read.
    func testOddPathsLeaveReadableTOMLBehind() throws {
        let dir = Support.tempDir() + "/we\"ird\\dir\nx"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Support.scenarioPath("three_year"), toPath: dir + "/base line.toml")
        try """
        [study]
        scenario = "base line.toml"
        replications = 2
        set = { "simulation.scale" = 0.02, "simulation.months" = 6, "simulation.burn_in_months" = 0 }
        [vary]
        "demand.trend" = [0.0, 0.01]
        """.write(toFile: dir + "/study.toml", atomically: true, encoding: .utf8)
        XCTAssertEqual(try Support.cli(["sweep", dir + "/study.toml", "--out", dir + "/sweep", "-q"]).status, 0)
        let again = try Support.cli(["sweep", dir + "/sweep/study.toml", "--out", dir + "/again", "-q"])
        XCTAssertEqual(again.status, 0, again.err)
        XCTAssertEqual(FileManager.default.contents(atPath: dir + "/sweep/runs.csv"), FileManager.default.contents(atPath: dir + "/again/runs.csv"))
        let compare = try Support.cli(["compare", dir + "/base line.toml", dir + "/base line.toml", "--replications", "2", "--set", "simulation.months=6",
                                       "--set", "simulation.burn_in_months=0", "--set", "simulation.scale=0.02", "--out", dir + "/compare", "-q"])
        XCTAssertEqual(compare.status, 0, compare.err)
        for arm in ["a", "b"] {
            XCTAssertEqual(try Support.cli(["validate", dir + "/compare/\(arm).resolved.toml"]).status, 0, arm)
        }
        XCTAssertEqual(Format.comment("a\nb\r\u{1}\tc"), "a\\nb\\r\\u0001\tc")
    }

    func testASweepFolderRepeatsTheSweepWithoutTheOriginalFiles() throws {
        let dir = Support.tempDir(), source = dir + "/source"
        // Sweeps `study` (its scenario and design beside it in `source`) into `out`, then deletes `source`.
        func sweepFromSource(_ study: String, into out: String) throws -> (status: Int32, out: String, err: String) {
            try FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: Support.scenarioPath("three_year"), toPath: source + "/three_year.toml")
            try "policy.contract_months,investment.payback_months\n36,48\n120,24.5\n".write(toFile: source + "/d.csv", atomically: true, encoding: .utf8)
            try study.write(toFile: source + "/study.toml", atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: source) }
            return try Support.cli(["sweep", source + "/study.toml", "--out", out, "-q"])
        }
        XCTAssertEqual(try sweepFromSource("""
        # a comment, kept
        [study]
        scenario = "three_year.toml"   # relative to this file
        replications = 2
        design = "file"
        points_file = "d.csv"
        set = { "simulation.scale" = 0.03, "simulation.months" = 12, "simulation.burn_in_months" = 12 }
        """, into: dir + "/first").status, 0)
        let copy = try String(contentsOfFile: dir + "/first/study.toml", encoding: .utf8)
        XCTAssertTrue(copy.contains("scenario = \"scenario.resolved.toml\"\n") && copy.contains("points_file = \"design.csv\"\n") && copy.contains("# a comment, kept"), copy)
        let manifest = try String(contentsOfFile: dir + "/first/manifest.json", encoding: .utf8)
        XCTAssertTrue(manifest.contains("commissim sweep study.toml --out <folder>"), manifest)
        let again = try Support.cli(["sweep", dir + "/first/study.toml", "--out", dir + "/again", "-q"])
        XCTAssertEqual(again.status, 0, again.err)
        for f in ["summary.csv", "runs.csv", "points.csv", "design.csv"] {
            let a = FileManager.default.contents(atPath: dir + "/first/" + f)
            XCTAssertNotNil(a, f)
            XCTAssertEqual(a, FileManager.default.contents(atPath: dir + "/again/" + f), f)
        }
        // The same keys quoted, in a spaced table header, dotted at the top level, or with CRLF line ends.
        let rest = "replications = 2\ndesign = \"file\"\nset = { \"simulation.scale\" = 0.03, \"simulation.months\" = 12, \"simulation.burn_in_months\" = 12 }\n"
        let quoted = "[ \"study\" ]\n\"scenario\" = \"three_year.toml\"\n'points_file' = \"d.csv\"\n" + rest
        let variants = [quoted,
                        "study.scenario = \"three_year.toml\"\nstudy.points_file = \"d.csv\"\n" +
                            rest.split(separator: "\n").map { "study." + $0 }.joined(separator: "\n") + "\n",
                        quoted.replacingOccurrences(of: "\n", with: "\r\n")]
        for (n, text) in variants.enumerated() {
            let first = try sweepFromSource(text, into: dir + "/v\(n)")
            XCTAssertEqual(first.status, 0, "variant \(n): \(first.err)")
            let again = try Support.cli(["sweep", dir + "/v\(n)/study.toml", "--out", dir + "/v\(n)again", "-q"])
            XCTAssertEqual(again.status, 0, "variant \(n): \(again.err)")
            XCTAssertEqual(FileManager.default.contents(atPath: dir + "/v\(n)/runs.csv"), FileManager.default.contents(atPath: dir + "/v\(n)again/runs.csv"), "variant \(n)")
        }
    }
}

/// A thread-safe counter for interrupting sweeps in tests.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func increment() -> Int { lock.lock(); defer { lock.unlock() }; n += 1; return n }
}
