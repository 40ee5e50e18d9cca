import CommissimEngine
@testable import CommissimIO
@testable import CommissimModel
import TOMLKit
import XCTest

/// Bad input: every case gives a one-line error naming file, line and key, and the fix.
final class ScenarioInputTests: XCTestCase {
    private func errors(_ text: String) -> [ScenarioError] {
        do {
            _ = try ScenarioParser.parse(text: text, file: "bad.toml")
            XCTFail("expected an error for:\n\(text)")
            return []
        } catch let e as ScenarioErrors {
            for line in e.errors { XCTAssertFalse(line.description.contains("\n")) }
            return e.errors
        } catch {
            XCTFail("unexpected error \(error)")
            return []
        }
    }

    func testFiveLineScenarioRunsOnDefaults() throws {
        let s = try ScenarioParser.parse(text: "# tiny\n[simulation]\nmonths = 12\nscale = 0.05\n", file: "tiny.toml")
        XCTAssertEqual(s.councilGroups.count, 4)
        XCTAssertEqual(s.providerGroups.count, 4)
        let r = Simulation(config: ModelConfig(s)).run()
        XCTAssertEqual(r.rows.count, 12)
    }

    func testRetiredKeyNamesItsReplacement() throws {
        // A scenario written for an earlier version: the error names what replaced the key, in a
        // file and in a --set override alike (ParameterCatalog.retired).
        let e = errors("[market]\nregions = 9\nfixed_cost_share = 0.5\n")
        XCTAssertEqual(e.first?.line, 3)
        XCTAssertEqual(e.first?.key, "market.fixed_cost_share")
        XCTAssertTrue(e.first?.description.contains("market.fixed_cost_share_fostering") ?? false, e.first?.description ?? "")
        var s = try ScenarioParser.parse(text: "[simulation]\nmonths = 12\n", file: "ok.toml")
        XCTAssertThrowsError(try ScenarioParser.applyOverride("market.fixed_cost_share=0.5", to: &s)) { error in
            XCTAssertTrue("\(error)".contains("market.fixed_cost_share_residential"), "\(error)")
        }
        for (old, replacement) in ParameterCatalog.retired {
            XCTAssertNil(ParameterCatalog.global.first { $0.path == old }, "\(old) is retired, so no parameter may carry it")
            XCTAssertTrue(replacement.split(separator: " ").contains { w in ParameterCatalog.global.contains { $0.path == w.trimmingCharacters(in: .punctuationCharacters) } }, "\(old)'s replacement names a parameter")
        }
    }

    /// A `--set` value as a shell leaves it: `--set simulation.rng="taus2"` arrives without its
    /// quotes. A word for a key that takes words is that word (a comma-separated list for a list);
    /// any other value that is not TOML is told the form its key takes, with the key's default as
    /// the example, quoted for the shell where it needs it.
    func testSetValueWithoutQuotes() throws {
        let base = try ScenarioParser.parse(text: "[simulation]\nmonths = 12\n", file: "ok.toml")
        var s = base
        try ScenarioParser.applyOverride("simulation.rng=mt19937", to: &s)
        XCTAssertEqual(s.global["simulation.rng"], .text("mt19937"))
        try ScenarioParser.applyOverride("policy.strategies=price_squeeze, lowest_price", to: &s)
        XCTAssertTrue(s.councilGroups.allSatisfy { $0["councils.policy.strategies"] == .list(["price_squeeze", "lowest_price"]) })
        try ScenarioParser.applyOverride("policy.strategies=consolidation codesign", to: &s)
        XCTAssertTrue(s.councilGroups.allSatisfy { $0["councils.policy.strategies"] == .list(["consolidation", "codesign"]) })
        try ScenarioParser.applyOverride("councils[london].type=county", to: &s)
        // Still checked as the word it is.
        func fails(_ o: String, _ text: String, file: StaticString = #filePath, line: UInt = #line) {
            var t = base
            XCTAssertThrowsError(try ScenarioParser.applyOverride(o, to: &t), file: file, line: line) { error in
                XCTAssertTrue("\(error)".contains(text), "\(error)", file: file, line: line)
                XCTAssertFalse("\(error)".contains("block"), "\(error)", file: file, line: line)
            }
        }
        fails("simulation.rng=nope", "not a valid choice")
        fails("policy.strategies=price_squeeze,,lowest_price", "expected a word or a list of words")
        fails("simulation.scale=abc", "expected a number, got 'abc' — fix: write e.g. --set simulation.scale=1.0")
        fails("simulation.months=ten", "expected a whole number, got 'ten' — fix: write e.g. --set simulation.months=240")
        fails("simulation.scale=", "expected a number, got nothing")
        fails("policy.retender_good_incumbents=yes", "expected true or false, got 'yes' — fix: write --set policy.retender_good_incumbents=true")
        fails("providers[small charities].capacity=big", "expected a number or a distribution, got 'big' — fix: write e.g. --set 'providers[small charities].capacity=")
        XCTAssertEqual(ScenarioParser.setArgument("a.b", "it's"), "--set 'a.b=it'\\''s'")
    }

    /// Groups are told apart by name (group paths, extending scenarios, outputs by group): a name
    /// given twice — also as the same text in another Unicode form — an empty one, or two groups
    /// without one are refused at the second group's line.
    func testGroupNamesAreDistinctAndNotEmpty() {
        let twice = errors("[[councils]]\nname = \"x\"\ncount = 1\n[[councils]]\nname = \"x\"\ncount = 2\n")
        XCTAssertEqual(twice.map(\.line), [5])
        XCTAssertTrue(twice[0].description.contains("\"x\" names two [[councils]] groups (the 1st and the 2nd)"), twice[0].description)
        XCTAssertEqual(errors("[[providers]]\nname = \"Caf\\u00e9\"\n[[providers]]\nname = \"Cafe\\u0301\"\n").map(\.line), [4])
        XCTAssertEqual(errors("[[councils]]\nname = \" \"\ncount = 1\n").first?.message, "a group's name cannot be empty")
        XCTAssertEqual(errors("[[councils]]\ncount = 1\n[[councils]]\ncount = 2\n").first?.message, "the 1st and 2nd [[councils]] groups have no name")
        XCTAssertNoThrow(try ScenarioParser.parse(text: "[[councils]]\ncount = 1\n[[councils]]\nname = \"councils 2\"\ncount = 2\n", file: "ok.toml"))
    }

    func testUnknownKeySuggestsTheNearest() {
        let e = errors("[demand]\ntrend = 0.01\nrefferals_per_10k = 4\n")
        XCTAssertEqual(e.first?.line, 3)
        XCTAssertEqual(e.first?.key, "demand.refferals_per_10k")
        XCTAssertTrue(e.first?.description.contains("did you mean 'referrals_per_10k'") ?? false, e.first?.description ?? "")
        let s = errors("[demnd]\ntrend = 0.01\n")
        XCTAssertEqual(s.first?.line, 1)
        XCTAssertTrue(s.first?.description.contains("[demand]") ?? false)
        let g = errors("[[councils]]\nname = \"x\"\n[councils.policy]\ncontract_month = 36\n")
        XCTAssertEqual(g.first?.line, 4)
        XCTAssertTrue(g.first?.description.contains("contract_months") ?? false)
    }

    /// Keys far deeper or longer than any parameter (a hostile file) are still placed on their
    /// line, and a file of many bad keys prints a screenful: the first by line, then a count.
    func testDeepLongKeysAndManyErrors() {
        let deep = errors("[simulation]\nmonths = 12\n[" + Array(repeating: "demand", count: 5_000).joined(separator: ".") + "]\nx = 1\n")
        XCTAssertEqual(deep.first?.line, 3)
        XCTAssertEqual(deep.first?.key, "demand.demand")
        let long = String(repeating: "k", count: 100_000)
        let wide = errors("[demand]\ntrend = 0.01\n" + long + " = 1\n[" + long + "]\nx = 1\ny = 2\n")
        XCTAssertEqual(wide.map(\.line), [3, 4], "\(wide)")
        XCTAssertTrue(wide[0].description.count < 400, "a megabyte key is shortened in its message")
        let many = (0..<30).map { "k\($0) = 1\n" }.joined()
        var listed = ""
        do { _ = try ScenarioParser.parse(text: "[demand]\n" + many, file: "bad.toml") } catch { listed = "\(error)" }
        let lines = listed.split(separator: "\n")
        XCTAssertEqual(lines.count, ScenarioErrors.shown + 1, listed)
        XCTAssertTrue(lines[0].hasPrefix("bad.toml:2: key 'demand.k0'"), String(lines[0]))
        XCTAssertTrue(lines.last!.contains("10 more problems not shown"), String(lines.last!))
    }

    /// A `--set` value that is one plain literal is parsed without the child process that guards
    /// against toml++'s aborts (SafeTOML.isPlainAssignment): of every string of up to four of the
    /// characters a number may hold, and a thousand longer ones, each taken that way is parsed in
    /// this process without aborting it; anything else takes the guarded path.
    func testPlainSetValuesCannotAbortTheParser() throws {
        let alphabet = Array("0123456789.-+eE_")
        var values: [String] = [], frontier = [""]
        for _ in 0..<4 {
            frontier = frontier.flatMap { v in alphabet.map { v + String($0) } }
            values += frontier
        }
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<1_000 { values.append(String((0..<Int.random(in: 5...40, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })) }
        values += ["true", "false", "\"block\"", "\"Our County\"", "\"\""]
        var plain = 0, parsed = 0
        for v in values where SafeTOML.isPlainAssignment("v = " + v) {
            // An abort here would end the test run; a number out of range (1e999) is an error.
            plain += 1
            if (try? TOMLTable(string: "v = " + v))?["v"] != nil { parsed += 1 }
        }
        XCTAssertGreaterThan(plain, 1_000, "numbers, booleans and plain strings take the quick path")
        XCTAssertGreaterThan(Double(parsed), 0.95 * Double(plain), "almost all of them are values (the rest out of range)")
        for v in ["\"a\\u0000\"", "[1, 2]", "{ a = 1 }", "'lit'", "1979-05-27", "\"é\"", "inf", "nan", "1_000", "01", "1.", ".5", "1e",
                  String(repeating: "1", count: 65)] {
            XCTAssertFalse(SafeTOML.isPlainAssignment("v = " + v), v)
        }
    }

    func testWrongType() {
        let e = errors("[simulation]\nmonths = \"twenty\"\n")
        XCTAssertEqual(e.first?.line, 2)
        XCTAssertEqual(e.first?.key, "simulation.months")
        XCTAssertTrue(e.first!.description.contains("expected a whole number"))
        XCTAssertTrue(errors("[investor]\nenabled = 1\n").first!.description.contains("true or false"))
    }

    func testOutOfRangeValues() {
        let p = errors("[budget]\nlate_payment_prob = 1.3\n").first!
        XCTAssertEqual(p.line, 2)
        XCTAssertTrue(p.description.contains("out of range 0…1"), p.description)
        let b = errors("[[councils]]\nname = \"a\"\nbudget = -5000000\n").first!
        XCTAssertEqual(b.line, 3)
        XCTAssertEqual(b.key, "councils.budget")
        let z = errors("[[councils]]\ncount = 0\n").first!
        XCTAssertEqual(z.key, "councils.count")
        XCTAssertEqual(z.line, 2)
        let none = errors("councils = []\n").first!
        XCTAssertTrue(none.description.contains("zero councils"), none.description)
        let d = errors("[[providers]]\nreserves_months = { dist = \"lognormal\", mean = -4, sd = 2 }\n").first!
        XCTAssertEqual(d.line, 2)
        let beta = errors("[[providers]]\nquality = { dist = \"beta\", mean = 0.5, sd = 0.9 }\n").first!
        XCTAssertTrue(beta.description.contains("beta sd"), beta.description)
        let u = errors("[[providers]]\ncapacity = { dist = \"uniform\", min = 9, max = 3 }\n").first!
        XCTAssertTrue(u.description.contains("greater than max"))
    }

    func testContractLengthMustBeWholeMonths() {
        let e = errors("[policy]\ncontract_months = 37.5\n").first!
        XCTAssertEqual(e.line, 2)
        XCTAssertEqual(e.key, "councils.policy.contract_months")
        XCTAssertTrue(e.description.contains("whole number of months"), e.description)
        XCTAssertNoThrow(try ScenarioParser.parse(text: "[policy]\ncontract_months = 36.0\n", file: "ok.toml"))
    }

    func testBadChoicesAndDistributions() {
        XCTAssertTrue(errors("[policy]\npayment = \"blok\"\n").first!.description.contains("did you mean \"block\""))
        XCTAssertTrue(errors("[policy]\nstrategies = [\"price_squeze\"]\n").first!.description.contains("price_squeeze"))
        XCTAssertTrue(errors("[[providers]]\ncapacity = { dist = \"lognormall\", mean = 4, sd = 1 }\n").first!.description.contains("\"lognormal\""))
        XCTAssertTrue(errors("[[providers]]\ncapacity = { dist = \"lognormal\", mean = 4 }\n").first!.description.contains("missing 'sd'"))
    }

    func testDistributionsGSLCannotSampleAreRefusedWithTheirLine() throws {
        // Each passed validation once and then sampled NaN or inf at set-up.
        let cases = [
            "[[providers]]\ncount = 2\ncapacity = { dist = \"lognormal\", mean = 12, sd = 1e200 }\n",
            "[[providers]]\ncount = 2\nreserves_months = { dist = \"gamma\", mean = 4, sd = 1e-300 }\n",
            "[[providers]]\ncount = 2\nreserves_months = { dist = \"gamma\", mean = 4, sd = 1e200 }\n",
            "[[providers]]\ncount = 2\nquality = { dist = \"beta\", mean = 0.5, sd = 1e-200 }\n",
            "[[providers]]\ncount = 2\ncost_factor = { dist = \"lognormal\", mean = 1e-300, sd = 0.1 }\n",
            "[[providers]]\ncount = 2\ncost_factor = { dist = \"normal\", mean = 1, sd = 1e300 }\n",
        ]
        for text in cases {
            let e = errors(text)
            XCTAssertEqual(e.count, 1, text)
            XCTAssertEqual(e.first?.line, 3, text)
        }
        // A draw that is not finite never leaves sample(): it takes the mean.
        let rng = RandomStream(seed: 1)
        XCTAssertEqual(Distribution.normal(mean: 1, sd: .infinity).sample(rng, clampedTo: 0...3), 1)
    }

    func testInputsThatAbortedTheTOMLParserAreErrorsWithTheirLine() {
        // Each of these once aborted the process inside toml++ or TOMLKit (or was silently cut short).
        let cases: [(String, Int)] = [
            ("[demand]\ntrend = 0.01\n[=\n", 3), ("[demand]\ntrend = 0.01\n[.policy]\n", 3), ("[,]\n", 1),
            ("[demand]\n[[[councils]]]\n", 2), ("s=[\u{85}", 1), ("s=[\u{2028}", 1),
            ("\"trend\\u0000x\" = 1\n", 1), ("[demand]\n\"\\u0000\" = 1\n", 2),
            ("[demand]\ntrend = 0.01\n\u{0}zzz = 5\n", 3), ("[demand]\ntrend = 0.01\n\u{FEFF}\n", 3),
            ("[demand]\rtrend = 0.01\n", 1),
        ]
        for (text, line) in cases {
            let e = errors(text)
            XCTAssertEqual(e.first?.line, line, text.debugDescription)
        }
        XCTAssertThrowsError(try Support.scenario("three_year", ["simulation.months=12\nzzz = 1"]))
    }

    func testStudyAndCommandLineLimitsAreErrorsNotCrashes() throws {
        let base = Support.scenarioPath("three_year")
        func studyErrors(_ body: String) -> [ScenarioError] {
            do { _ = try Study.parse(text: "[study]\nscenario = \"\(base)\"\nreplications = 2\n" + body, file: "s.toml"); XCTFail(body); return [] }
            catch let e as ScenarioErrors { return e.errors } catch { XCTFail("\(error)"); return [] }
        }
        XCTAssertEqual(studyErrors("[vary]\n\"simulation.seed\" = [1, 2]\n").first?.line, 5)
        let seeded = "[study]\nreplications = 2\n[[comparison]]\nname = \"x\"\na = \"\(Support.scenarioPath("three_year"))\"\nb = \"\(Support.scenarioPath("ten_year"))\"\nset_b = { \"simulation.seed\" = 4 }\n"
        XCTAssertThrowsError(try ComparisonStudy.parse(text: seeded, file: "cmp.toml")) { error in
            let e = (error as? ScenarioErrors)?.errors.first
            XCTAssertEqual(e?.line, 7)
            XCTAssertTrue(e?.description.contains("a comparison study's runs take their seeds from the study seed") ?? false, "\(error)")
        }
        do { _ = try Study.parse(text: "vary = 3\n[study]\nscenario = \"\(base)\"\nreplications = 2\n", file: "s.toml"); XCTFail("vary = 3 accepted") }
        catch let e as ScenarioErrors { XCTAssertEqual(e.errors.first?.key, "vary") }
        XCTAssertTrue(studyErrors("[vary]\n\"demand.trend\" = { from = 0.0, to = 0.05, steps = 1e30 }\n").first!.message.contains("limit"))
        XCTAssertTrue(studyErrors("[vary]\n\"demand.trend\" = { from = 0.0, to = 0.05, by = 1e-12 }\n").first!.message.contains("100,000"))
        XCTAssertTrue(studyErrors("[vary]\n\"demand.trend\" = { from = 0.0, to = 0.05, steps = 2000 }\n\"budget.growth\" = { from = 0.0, to = 0.05, steps = 2000 }\n")
            .contains { $0.message.contains("1,000,000") })
        for args in [["compare", base, base, "--out", Support.tempDir(), "--seed=-1"],
                     ["compare", base, base, "--out", Support.tempDir(), "--replications", "9223372036854775807"],
                     ["run", base, "--out", Support.tempDir(), "--seed", "9007199254740992"]] {
            let r = try Support.cli(args)
            XCTAssertEqual(r.status, 2, args.joined(separator: " "))
            XCTAssertTrue(r.err.hasPrefix("error: "), r.err)
        }
        // A wrong type on the command line is fixed by an override, not by a file's line.
        let typed = try Support.cli(["validate", base, "--set", "policy.contract_months=\"long\""])
        XCTAssertTrue(typed.err.hasSuffix("fix: write e.g. --set policy.contract_months=36\n"), typed.err)
        // One value per key and one breakdown: the second was passed over without a word.
        for (args, said) in [(["run", base, "--out", Support.tempDir(), "--months", "5", "--set", "simulation.months=7"], "both set simulation.months"),
                             (["run", base, "--out", Support.tempDir(), "--seed", "5", "--set", "simulation.seed = 9"], "both set simulation.seed"),
                             (["run", base, "--out", Support.tempDir(), "--detail", "--set", "simulation.detail=false"], "--detail and --set simulation.detail=false both set simulation.detail"),
                             (["compare", base, base, "--out", Support.tempDir(), "--by", "group", "--detail"], "two breakdowns"),
                             // Every run's seed derives from the comparison's or the study's seed: a seed set otherwise changed nothing.
                             (["compare", base, base, "--out", Support.tempDir(), "--set-b", "simulation.seed=9"], "--set-b simulation.seed=9: both arms' runs take their seeds from the comparison seed"),
                             (["compare", base, base, "--out", Support.tempDir(), "--seed", "3", "--set", "simulation.seed=9"], "from the comparison seed, here --seed 3"),
                             (["sweep", Support.scenarioPath("contract_length_study"), "--out", Support.tempDir(), "--set", "simulation.seed=9"], "a sweep's runs take their seeds from the study seed")] {
            let r = try Support.cli(args)
            XCTAssertEqual(r.status, 2, args.joined(separator: " "))
            XCTAssertTrue(r.err.hasPrefix("error: ") && r.err.contains(said) && r.err.split(separator: "\n").count == 1, r.err)
        }
    }

    func testMarketsTooLargeToBuildAreRefused() throws {
        let e = errors("[simulation]\nscale = 10\n[[councils]]\ncount = 100000\n")
        XCTAssertTrue(e.contains { $0.key == "simulation.scale" && $0.line == 2 && $0.message.contains("memory") && $0.message.contains("4 GiB") }, "\(e)")
        XCTAssertTrue(errors("[demand]\nreferrals_per_10k = 1000\n[simulation]\nscale = 10\n").contains { $0.message.contains("30,000,000") })
        let r = try Support.cli(["run", Support.scenarioPath("three_year"), "--out", Support.tempDir(), "--set", "simulation.scale=10",
                                 "--set", "demand.referrals_per_10k=1000"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.err.contains("30,000,000"), r.err)
    }

    /// The market is checked as the command builds it, overrides applied: a scenario whose own
    /// values are too large for the memory limit runs with `--set simulation.scale=…` that makes
    /// it fit (it was refused as written, naming a key the command line had changed), and is
    /// refused without, at its line. The same for `validate --set`, a sweep's `set` and a
    /// comparison's arms.
    func testTheMarketIsCheckedWithItsOverridesApplied() throws {
        let baseline = Support.scenarioPath("baseline"), limit = ["COMMISSIM_MEMORY_LIMIT_MB": "100"]
        let small = ["--set", "simulation.scale=0.05", "--set", "simulation.burn_in_months=0", "--months", "1", "-q"]
        let fits = try Support.cli(["run", baseline, "--out", Support.tempDir() + "/out"] + small, environment: limit)
        XCTAssertEqual(fits.status, 0, fits.err)
        let alone = try Support.cli(["run", baseline, "--out", Support.tempDir() + "/out", "-q"], environment: limit)
        XCTAssertEqual(alone.status, 2)
        // The baseline does not write its scale: the error names its [simulation] table.
        let line = try String(contentsOfFile: baseline, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            .firstIndex { $0.hasPrefix("[simulation]") }.map { $0 + 1 } ?? 0
        XCTAssertTrue(alone.err.hasPrefix("error: \(baseline):\(line): key 'simulation.scale':") && alone.err.contains("limit of 100 MB"), alone.err)
        let checked = try Support.cli(["validate", baseline, "--set", "simulation.scale=0.05"], environment: limit)
        XCTAssertEqual(checked.status, 0, checked.err)
        XCTAssertEqual(try Support.cli(["validate", baseline], environment: limit).status, 2)
        let cmp = try Support.cli(["compare", baseline, baseline, "--out", Support.tempDir() + "/c", "--replications", "2",
                                   "--set", "simulation.scale=0.05", "--set", "simulation.months=1", "--set", "simulation.burn_in_months=0", "-q"], environment: limit)
        XCTAssertEqual(cmp.status, 0, cmp.err)
        let dir = Support.tempDir()
        try """
        [study]
        scenario = "\(baseline)"
        replications = 2
        set = { "simulation.scale" = 0.05, "simulation.months" = 1, "simulation.burn_in_months" = 0 }
        [vary]
        "demand.trend" = [0.0, 0.02]
        """.write(toFile: dir + "/study.toml", atomically: true, encoding: .utf8)
        let sweep = try Support.cli(["sweep", dir + "/study.toml", "--out", dir + "/out", "-q"], environment: limit)
        XCTAssertEqual(sweep.status, 0, sweep.err)
        try String(contentsOfFile: dir + "/study.toml", encoding: .utf8).replacingOccurrences(of: "set = {", with: "# set = {")
            .write(toFile: dir + "/big.toml", atomically: true, encoding: .utf8)
        let big = try Support.cli(["validate", dir + "/big.toml"], environment: limit)
        XCTAssertEqual(big.status, 2)
        XCTAssertTrue(big.err.hasPrefix("error: \(dir)/big.toml:2: key 'simulation.scale': the base scenario:") && big.err.contains("limit of 100 MB"), big.err)
        // A base too large alone, run only at the scales the study varies: every point fits.
        try """
        [study]
        scenario = "\(baseline)"
        replications = 2
        set = { "simulation.months" = 1, "simulation.burn_in_months" = 0 }
        [vary]
        "simulation.scale" = [0.05, 0.1]
        """.write(toFile: dir + "/scales.toml", atomically: true, encoding: .utf8)
        let scales = try Support.cli(["validate", dir + "/scales.toml"], environment: limit)
        XCTAssertEqual(scales.status, 0, scales.err)
    }

    func testStagingFoldersOfDeadProcessesAreCleanedUp() throws {
        let parent = Support.tempDir()
        let stale = parent + "/.out.partial-999999999", live = parent + "/.out.partial-\(ProcessInfo.processInfo.processIdentifier + 0)"
        try FileManager.default.createDirectory(atPath: stale, withIntermediateDirectories: true)
        let folder = try OutputFolder(parent + "/out")
        XCTAssertFalse(FileManager.default.fileExists(atPath: stale), "a dead process's staging folder is removed")
        XCTAssertTrue(FileManager.default.fileExists(atPath: live), "this process's own staging folder stays")
        folder.abort()
    }

    /// A standard output or error that cannot be written (a full disk: /dev/full; a closed
    /// descriptor): no trap (writing an error to a full standard error died with "Illegal
    /// instruction"); an answer that only goes to standard output (params, columns, validate) is
    /// an error with exit 2; a run whose results are written does not fail on its "wrote" note.
    func testUnwritableStandardStreamsAreErrorsNotTraps() throws {
        guard let full = FileHandle(forWritingAtPath: "/dev/full") else { throw XCTSkip("no /dev/full here") }
        func run(_ args: [String], out: FileHandle? = nil, err: FileHandle? = nil) throws -> (status: Int32, err: String) {
            let p = Process()
            p.executableURL = Support.executable
            p.arguments = args
            p.currentDirectoryURL = Support.root
            let pipe = Pipe()
            p.standardOutput = out ?? FileHandle.nullDevice
            p.standardError = err ?? pipe
            try p.run()
            let e = err == nil ? pipe.fileHandleForReading.readDataToEndOfFile() : Data()
            p.waitUntilExit()
            return (p.terminationStatus, String(decoding: e, as: UTF8.self))
        }
        let missing = try run(["run", "no/such.toml", "--out", Support.tempDir() + "/o"], err: full)
        XCTAssertEqual(missing.status, 2, "an input error said to a full standard error still exits 2 (no trap)")
        for args in [["params"], ["columns"], ["validate", Support.scenarioPath("three_year")]] {
            let r = try run(args, out: full)
            XCTAssertEqual(r.status, 2, "\(args)")
            XCTAssertTrue(r.err.hasPrefix("error: standard output: cannot write (No space left on device)"), r.err)
            XCTAssertEqual(r.err.split(separator: "\n").count, 1, r.err)
        }
        let out = Support.tempDir() + "/run"
        let ran = try run(["run", Support.scenarioPath("three_year"), "--out", out, "--set", "simulation.scale=0.02", "--months", "3",
                           "--set", "simulation.burn_in_months=0"], out: full, err: full)
        XCTAssertEqual(ran.status, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/manifest.json"))
    }

    /// A message quoting a huge value (a 2 MB cell of a design file) keeps its start and end.
    func testAnErrorQuotingAHugeValueStaysOneShortLine() throws {
        let dir = Support.tempDir()
        let cell = String(repeating: "x", count: 2_000_000)
        try ("policy.payment,simulation.scale\n" + cell + ",0.01\n").write(toFile: dir + "/design.csv", atomically: true, encoding: .utf8)
        try "[study]\nscenario = \"\(Support.scenarioPath("three_year"))\"\nreplications = 1\ndesign = \"file\"\npoints_file = \"design.csv\"\n"
            .write(toFile: dir + "/study.toml", atomically: true, encoding: .utf8)
        let r = try Support.cli(["validate", dir + "/study.toml"])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.err.split(separator: "\n").count, 1, r.err)
        XCTAssertLessThan(r.err.count, 1_000)
        XCTAssertTrue(r.err.contains("design.csv:2: key 'policy.payment'") && r.err.contains("is not a valid choice — fix: use one of: block"), r.err)
        XCTAssertEqual(ScenarioError.bounded("short"), "short")
    }

    /// The crash corpus (Tests/FuzzCorpus, inputs that once crashed or fooled the parsers; new ones
    /// come from scripts/fuzz.sh): each is an input error naming the file, never a crash.
    func testTheFuzzCrashCorpusGivesInputErrors() throws {
        let dir = Support.root.appendingPathComponent("Tests/FuzzCorpus").path
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        XCTAssertGreaterThanOrEqual(files.count, 10)
        for f in files {
            XCTAssertThrowsError(try InputKind.validate(dir + "/" + f), f) { e in
                let errors = (e as? ScenarioErrors)?.errors ?? []
                XCTAssertFalse(errors.isEmpty, f)
                for x in errors { XCTAssertTrue(x.description.hasPrefix(dir + "/" + f), x.description) }
            }
        }
    }

    /// `extends`: a scenario starts from another and changes only what it says — top-level and
    /// [policy] keys, groups by name (changed, added, removed); chains resolve; cycles, missing
    /// bases and removals without a base are errors at their line.
    func testScenariosExtendOthersAndAddressGroupsByName() throws {
        let dir = Support.tempDir()
        let base = Support.scenarioPath("baseline")
        func write(_ name: String, _ text: String) throws -> String {
            let p = dir + "/" + name
            try text.write(toFile: p, atomically: true, encoding: .utf8)
            return p
        }
        let original = try ScenarioParser.parse(file: base)
        XCTAssertEqual(try ScenarioParser.parse(file: try write("same.toml", "extends = \"\(base)\"\n")), original, "nothing changed")
        let changed = try ScenarioParser.parse(file: try write("changed.toml", """
        extends = "\(base)"
        [demand]
        trend = 0.05
        [policy]
        contract_months = 120
        [[councils]]
        name = "london"
        count = 10
        [[councils]]
        name = "Our County"
        type = "county"
        children = 120000
        [[councils]]
        name = "unitary"
        remove = true
        """))
        XCTAssertEqual(changed.global["demand.trend"], .real(0.05))
        XCTAssertEqual(changed.global["budget.growth"], original.global["budget.growth"])
        let names = changed.councilGroups.map { $0["councils.name"] }
        XCTAssertEqual(names, [.text("counties"), .text("metropolitan"), .text("london"), .text("Our County")])
        let london = changed.councilGroups[2], oldLondon = original.councilGroups.first { $0["councils.name"] == .text("london") }!
        XCTAssertEqual(london["councils.count"], .integer(10))
        XCTAssertEqual(london["councils.children"], oldLondon["councils.children"], "unchanged keys of a changed group stay")
        for g in changed.councilGroups { XCTAssertEqual(g["councils.policy.contract_months"], .integer(120)) }
        XCTAssertEqual(changed.providerGroups, original.providerGroups)
        // A chain resolves; a cycle is refused at its extends line.
        let chained = try ScenarioParser.parse(file: try write("chain.toml", "extends = \"changed.toml\"\n[demand]\ntrend = 0.01\n"))
        XCTAssertEqual(chained.councilGroups.count, 4)
        XCTAssertEqual(chained.global["demand.trend"], .real(0.01))
        _ = try write("a.toml", "# a\nextends = \"b.toml\"\n")
        _ = try write("b.toml", "extends = \"a.toml\"\n")
        XCTAssertThrowsError(try ScenarioParser.parse(file: dir + "/a.toml")) { e in
            let first = (e as? ScenarioErrors)?.errors.first
            XCTAssertTrue(first?.description.contains("cycle: a.toml → b.toml → a.toml") == true, "\(e)")
        }
        for (text, what) in [("extends = \"missing.toml\"\n", "no such file"), ("[[councils]]\nname = \"x\"\nremove = true\n", "extends nothing"),
                             ("extends = \"\(base)\"\n[[councils]]\nname = \"nowhere\"\nremove = true\n", "no group named \"nowhere\"")] {
            XCTAssertThrowsError(try ScenarioParser.parse(file: try write("bad.toml", text))) { e in
                XCTAssertTrue("\(e)".contains(what) && "\(e)".contains("bad.toml:"), "\(e)")
            }
        }
    }

    /// The bad-input corpus (Tests/BadInputs): each file's first line says where the error must
    /// point (`# expect: line N, key K`). `run` and `validate` both exit 2 with `error:` lines
    /// naming the file, that line and key and a fix, and `run` leaves no output folder behind.
    func testBadInputCorpusNamesLineAndKeyAndLeavesNothing() throws {
        let dir = Support.root.appendingPathComponent("Tests/BadInputs").path
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".toml") }.sorted()
        XCTAssertGreaterThanOrEqual(files.count, 20)
        for f in files {
            let path = dir + "/" + f
            let head = String(decoding: FileManager.default.contents(atPath: path)!.prefix(200), as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
            guard let expect = head.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).first.flatMap({ $0.range(of: "# expect:").map { String(head[$0.upperBound...].prefix { $0 != "\n" && $0 != "\r" }) } }) else {
                XCTFail("\(f): first line must be # expect: line N, key K"); continue
            }
            let fields = expect.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let line = fields.first { $0.hasPrefix("line ") }.map { String($0.dropFirst(5)) }
            let key = fields.first { $0.hasPrefix("key ") }.map { String($0.dropFirst(4)) }
            let tmp = Support.tempDir(), out = tmp + "/out"
            for args in [["run", path, "--out", out, "--quiet"], ["validate", path]] {
                let r = try Support.cli(args)
                XCTAssertEqual(r.status, 2, "\(f) \(args[0]): \(r.err)")
                let lines = r.err.split(separator: "\n")
                XCTAssertFalse(lines.isEmpty, f)
                for l in lines { XCTAssertTrue(l.hasPrefix("error: " + path), "\(f): \(l)") }
                let first = String(lines.first ?? "")
                if let n = line { XCTAssertTrue(first.hasPrefix("error: \(path):\(n): "), "\(f) should name line \(n): \(first)") }
                if let k = key { XCTAssertTrue(first.contains("key '\(k)'"), "\(f) should name key \(k): \(first)") }
                XCTAssertTrue(first.contains(" — fix: "), "\(f) should say the fix: \(first)")
            }
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: tmp), [], "\(f): run left files behind")
            try? FileManager.default.removeItem(atPath: tmp)
        }
    }

    func testARunReplacesItsFolderWholeAndLeavesNoOlderDetail() throws {
        let out = Support.tempDir() + "/run"
        let path = Support.scenarioPath("three_year")
        let common = ["--set", "simulation.scale=0.02", "--months", "3", "--set", "simulation.burn_in_months=0", "-q"]
        XCTAssertEqual(try Support.cli(["run", path, "--out", out, "--detail"] + common).status, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/councils.csv"))
        XCTAssertEqual(try Support.cli(["run", path, "--out", out] + common).status, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/councils.csv"), "an older run's detail is not left beside a new run")
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: out)), ["manifest.json", "timeseries.csv", "scenario.resolved.toml"])
        // A folder holding other files keeps them.
        try "mine".write(toFile: out + "/notes.txt", atomically: true, encoding: .utf8)
        XCTAssertEqual(try Support.cli(["run", path, "--out", out, "--detail"] + common).status, 0)
        XCTAssertEqual(try Support.cli(["run", path, "--out", out] + common).status, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/notes.txt"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/councils.csv"))
        let parent = (out as NSString).deletingLastPathComponent
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: parent).contains { $0.hasPrefix(".run.") }, "no staging left")
    }

    /// Results written again into a folder leave none of the earlier results' files beside the new
    /// manifest: a sweep's runs/ (without --keep-runs), a comparison's comparison_groups.csv
    /// (without --by), a report made from the old results, a study's comparison that the study no
    /// longer has. The user's own files stay, and a run of nothing new keeps the report.
    func testResultsWrittenAgainLeaveNoEarlierFiles() throws {
        let fm = FileManager.default
        let dir = Support.tempDir()
        let small = ["--set", "simulation.scale=0.02", "--set", "simulation.months=3", "--set", "simulation.burn_in_months=0", "-q"]
        func entries(_ path: String) throws -> Set<String> { Set(try fm.contentsOfDirectory(atPath: path)) }
        // A report as `commissim report` marks it (python/commissim/report/document.py), and a file of the user's.
        func report(_ folder: String) throws {
            try fm.createDirectory(atPath: folder + "/figures", withIntermediateDirectories: true)
            let long = String(repeating: "text\n", count: 2_000)
            try ("# Old\n" + long + "<!-- commissim report: made from the results in this folder, and removed when they are written again -->\n")
                .write(toFile: folder + "/REPORT.md", atomically: true, encoding: .utf8)
            try ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"generator\" content=\"commissim report\">\n" + long)
                .write(toFile: folder + "/report.html", atomically: true, encoding: .utf8)
            for n in ["figures/series.png", "notes.txt"] { try "old".write(toFile: folder + "/" + n, atomically: true, encoding: .utf8) }
        }
        let study = dir + "/sweep.toml"
        try "[study]\nscenario = \"\(Support.scenarioPath("three_year"))\"\nreplications = 2\n[vary]\n\"policy.contract_months\" = [36, 120]\n".write(toFile: study, atomically: true, encoding: .utf8)
        let sweep = dir + "/sweep"
        XCTAssertEqual(try Support.cli(["sweep", study, "--out", sweep, "--keep-runs"] + small).status, 0)
        try report(sweep)
        XCTAssertEqual(try Support.cli(["sweep", study, "--out", sweep] + small).status, 0, "finished: nothing to do")
        XCTAssertTrue(fm.fileExists(atPath: sweep + "/REPORT.md"), "a sweep that wrote nothing new keeps its report")
        // Parquet copies (python/commissim/parquet.py) go with their CSV files, the user's other files stay.
        for n in ["summary.parquet", "runs.parquet", "points.parquet", "mine.parquet"] { try "old".write(toFile: sweep + "/" + n, atomically: true, encoding: .utf8) }
        XCTAssertEqual(try Support.cli(["sweep", study, "--out", sweep, "--set", "demand.trend=0.01"] + small).status, 0)
        XCTAssertEqual(try entries(sweep), ["manifest.json", "summary.csv", "runs.csv", "points.csv", "scenario.resolved.toml", "study.toml", "notes.txt", "mine.parquet"])

        let pair = [Support.scenarioPath("three_year"), Support.scenarioPath("ten_year"), "--replications", "2"]
        let cmp = dir + "/compare"
        XCTAssertEqual(try Support.cli(["compare"] + pair + ["--out", cmp, "--by", "group"] + small).status, 0)
        try report(cmp)
        XCTAssertEqual(try Support.cli(["compare"] + pair + ["--out", cmp, "--seed", "5"] + small).status, 0)
        XCTAssertEqual(try entries(cmp), Set(ComparisonOutput.files + ["manifest.json", "notes.txt"]))
        // A REPORT.md of the user's own (no mark) stays, and so do figures/ files that are not the report's.
        try "my own notes".write(toFile: cmp + "/REPORT.md", atomically: true, encoding: .utf8)
        try fm.createDirectory(atPath: cmp + "/figures", withIntermediateDirectories: true)
        try "mine".write(toFile: cmp + "/figures/sketch.svg", atomically: true, encoding: .utf8)
        XCTAssertEqual(try Support.cli(["compare"] + pair + ["--out", cmp, "--seed", "6"] + small).status, 0)
        XCTAssertEqual(try String(contentsOfFile: cmp + "/REPORT.md", encoding: .utf8), "my own notes")
        try report(cmp)
        XCTAssertEqual(try Support.cli(["compare"] + pair + ["--out", cmp, "--seed", "7"] + small).status, 0)
        XCTAssertEqual(try entries(cmp), Set(ComparisonOutput.files + ["manifest.json", "notes.txt", "figures"]))
        XCTAssertEqual(try entries(cmp + "/figures"), ["sketch.svg"])

        let two = dir + "/study.toml", one = dir + "/study-one.toml"
        let head = "[study]\nreplications = 2\nset = { \"simulation.scale\" = 0.02, \"simulation.months\" = 3, \"simulation.burn_in_months\" = 0 }\n"
        let first = "[[comparison]]\nname = \"first\"\na = \"\(Support.scenarioPath("three_year"))\"\nb = \"\(Support.scenarioPath("ten_year"))\"\n"
        try (head + first + first.replacingOccurrences(of: "first", with: "second")).write(toFile: two, atomically: true, encoding: .utf8)
        try (head + first).write(toFile: one, atomically: true, encoding: .utf8)
        let out = dir + "/study"
        XCTAssertEqual(try Support.cli(["compare", two, "--out", out, "-q"]).status, 0)
        try report(out)
        XCTAssertEqual(try Support.cli(["compare", two, "--out", out, "-q"]).status, 0)
        XCTAssertTrue(fm.fileExists(atPath: out + "/REPORT.md"), "a study that ran nothing new keeps its report")
        try fm.createDirectory(atPath: out + "/mine", withIntermediateDirectories: true)
        let r = try Support.cli(["compare", one, "--out", out])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.err.contains("removed \(out)/second: a comparison of another version of the study"), r.err)
        XCTAssertEqual(try entries(out), ["first", "mine", "notes.txt"])
        XCTAssertTrue(fm.fileExists(atPath: out + "/first/manifest.json"))
    }

    /// Results of one kind are not written into a folder holding another kind's: a sweep into a
    /// comparison's folder mixed its runs.csv and manifest with the comparison's comparison.csv,
    /// and the report read the mix as a comparison. Refused before anything runs; nothing changes.
    func testResultsOfAnotherKindAreNotMixed() throws {
        let fm = FileManager.default
        let dir = Support.tempDir()
        let small = ["--set", "simulation.scale=0.02", "--set", "simulation.months=3", "--set", "simulation.burn_in_months=0", "-q"]
        let cmp = dir + "/compare"
        XCTAssertEqual(try Support.cli(["compare", Support.scenarioPath("three_year"), Support.scenarioPath("ten_year"), "--replications", "2", "--out", cmp] + small).status, 0)
        let before = Set(try fm.contentsOfDirectory(atPath: cmp))
        let manifest = try String(contentsOfFile: cmp + "/manifest.json", encoding: .utf8)
        let study = dir + "/sweep.toml"
        try "[study]\nscenario = \"\(Support.scenarioPath("three_year"))\"\nreplications = 2\n[vary]\n\"policy.contract_months\" = [36, 120]\n".write(toFile: study, atomically: true, encoding: .utf8)
        for (args, kind) in [(["sweep", study, "--out", cmp] + small, "a sweep's"), (["run", Support.scenarioPath("three_year"), "--out", cmp] + small, "a run's"),
                             (["compare", Support.scenarioPath("headline_study"), "--out", cmp, "-q"], "a comparison study's comparisons")] {
            let r = try Support.cli(args)
            XCTAssertEqual(r.status, 2, args.joined(separator: " "))
            XCTAssertTrue(r.err.contains("key '--out': holds the results of a comparison (comparison.csv); \(kind) would be mixed with them"), r.err)
        }
        XCTAssertEqual(Set(try fm.contentsOfDirectory(atPath: cmp)), before)
        XCTAssertEqual(try String(contentsOfFile: cmp + "/manifest.json", encoding: .utf8), manifest)
        // The same kind again is fine (it replaces the earlier results).
        XCTAssertEqual(try Support.cli(["compare", Support.scenarioPath("three_year"), Support.scenarioPath("ten_year"), "--replications", "2", "--seed", "3", "--out", cmp] + small).status, 0)
    }

    /// `run` and `compare` do not write their resolved scenarios over the files they read: run from
    /// the copies in their own folder with an override, they are refused and the copies stay;
    /// run again from them unchanged, they write them out the same (the comparison's header still
    /// names the original scenario).
    func testRunAndCompareDoNotReplaceTheScenarioTheyRead() throws {
        let dir = Support.tempDir()
        let small = ["--set", "simulation.scale=0.02", "--set", "simulation.months=3", "--set", "simulation.burn_in_months=0", "-q"]
        let run = dir + "/run"
        XCTAssertEqual(try Support.cli(["run", Support.scenarioPath("three_year"), "--out", run] + small).status, 0)
        let resolved = try String(contentsOfFile: run + "/scenario.resolved.toml", encoding: .utf8)
        XCTAssertEqual(try Support.cli(["run", run + "/scenario.resolved.toml", "--out", run, "-q"]).status, 0, "the same text: allowed")
        let changed = try Support.cli(["run", run + "/scenario.resolved.toml", "--out", run, "--seed", "3", "-q"])
        XCTAssertEqual(changed.status, 2)
        XCTAssertTrue(changed.err.contains("key '--out': \(run) is where the run writes its own scenario.resolved.toml, which would replace this file with other text"), changed.err)
        XCTAssertEqual(try String(contentsOfFile: run + "/scenario.resolved.toml", encoding: .utf8), resolved)

        let cmp = dir + "/compare"
        XCTAssertEqual(try Support.cli(["compare", Support.scenarioPath("three_year"), Support.scenarioPath("ten_year"), "--replications", "2", "--out", cmp] + small).status, 0)
        let a = try String(contentsOfFile: cmp + "/a.resolved.toml", encoding: .utf8)
        XCTAssertTrue(a.hasPrefix("# Arm A (\(Support.scenarioPath("three_year"))), resolved\n"))
        let again = try Support.cli(["compare", cmp + "/a.resolved.toml", cmp + "/b.resolved.toml", "--replications", "2", "--seed", "4", "--out", cmp, "-q"])
        XCTAssertEqual(again.status, 0, again.err)
        XCTAssertEqual(try String(contentsOfFile: cmp + "/a.resolved.toml", encoding: .utf8), a, "run again from its copies, the comparison writes them out the same")
        for args in [["--set", "demand.trend=0.01"], ["--set-b", "demand.trend=0.01"]] {
            let r = try Support.cli(["compare", cmp + "/a.resolved.toml", cmp + "/b.resolved.toml", "--replications", "2", "--out", cmp, "-q"] + args)
            XCTAssertEqual(r.status, 2, args.joined(separator: " "))
            XCTAssertTrue(r.err.contains("which would replace this file with other text"), r.err)
        }
        let swapped = try Support.cli(["compare", cmp + "/b.resolved.toml", cmp + "/a.resolved.toml", "--replications", "2", "--out", cmp, "-q"])
        XCTAssertTrue(swapped.err.contains("(arm B is read from it)"), swapped.err)
        XCTAssertEqual(try String(contentsOfFile: cmp + "/a.resolved.toml", encoding: .utf8), a)
    }

    /// A folder staged inside itself (a mount point, or a parent that cannot be written): the run
    /// replaces its old files, keeps the user's own, abort leaves the old files whole, and no
    /// staging folder is left, a dead process's included.
    func testAFolderStagedInsideItselfIsReplacedFileByFile() throws {
        let fm = FileManager.default
        let out = Support.tempDir() + "/mounted"
        try fm.createDirectory(atPath: out, withIntermediateDirectories: true)
        for n in ["manifest.json", "timeseries.csv", "councils.csv"] { try "old".write(toFile: out + "/" + n, atomically: true, encoding: .utf8) }
        let stale = out + "/" + OutputFolder.insidePrefix + "999999999"
        try fm.createDirectory(atPath: stale, withIntermediateDirectories: true)
        let aborted = try OutputFolder(out, stageInside: true)
        XCTAssertFalse(fm.fileExists(atPath: stale), "a dead process's staging folder is removed")
        XCTAssertTrue(aborted.staging.hasPrefix(out + "/"))
        XCTAssertEqual(Set(aborted.entries()), ["manifest.json", "timeseries.csv", "councils.csv"], "its own staging folder is not an entry")
        try aborted.write("manifest.json", "new")
        aborted.abort()
        XCTAssertEqual(try String(contentsOfFile: out + "/manifest.json", encoding: .utf8), "old", "an aborted folder keeps the old files")
        XCTAssertEqual(Set(try fm.contentsOfDirectory(atPath: out)), ["manifest.json", "timeseries.csv", "councils.csv"])

        let folder = try OutputFolder(out, stageInside: true)
        try folder.write("timeseries.csv", "new")
        try folder.write("manifest.json", "new")
        try folder.commitReplacing()
        XCTAssertEqual(Set(try fm.contentsOfDirectory(atPath: out)), ["manifest.json", "timeseries.csv"], "the old run's other files are gone, no staging left")
        XCTAssertEqual(try String(contentsOfFile: out + "/manifest.json", encoding: .utf8), "new")

        try "mine".write(toFile: out + "/notes.txt", atomically: true, encoding: .utf8)
        let kept = try OutputFolder(out, stageInside: true)
        try kept.write("summary.csv", "s")
        try kept.commit()
        XCTAssertEqual(Set(try fm.contentsOfDirectory(atPath: out)), ["manifest.json", "timeseries.csv", "notes.txt", "summary.csv"])
    }

    /// `--out` a link to a folder: the results go where it points and the link stays, whether the
    /// folder exists yet or not (a relative link included); a loop of links is a one-line error.
    func testALinkedOutputFolderIsWrittenThrough() throws {
        let fm = FileManager.default
        let dir = Support.tempDir()
        let path = Support.scenarioPath("three_year")
        let common = ["--set", "simulation.scale=0.02", "--months", "3", "--set", "simulation.burn_in_months=0", "-q"]
        try fm.createDirectory(atPath: dir + "/target", withIntermediateDirectories: true)
        try fm.createSymbolicLink(atPath: dir + "/link", withDestinationPath: dir + "/target")
        try fm.createSymbolicLink(atPath: dir + "/ahead", withDestinationPath: "later/results")
        for (link, target) in [("link", "target"), ("link", "target"), ("ahead", "later/results")] {
            let r = try Support.cli(["run", path, "--out", dir + "/" + link] + common)
            XCTAssertEqual(r.status, 0, r.err)
            XCTAssertEqual(try fm.destinationOfSymbolicLink(atPath: dir + "/" + link).hasSuffix(target), true, "the link stays a link")
            XCTAssertEqual(Set(try fm.contentsOfDirectory(atPath: dir + "/" + target)), ["manifest.json", "timeseries.csv", "scenario.resolved.toml"])
        }
        try fm.createSymbolicLink(atPath: dir + "/a", withDestinationPath: dir + "/b")
        try fm.createSymbolicLink(atPath: dir + "/b", withDestinationPath: dir + "/a")
        let loop = try Support.cli(["run", path, "--out", dir + "/a"] + common)
        XCTAssertEqual(loop.status, 2)
        XCTAssertTrue(loop.err.contains("key '--out'") && loop.err.contains("loop"), loop.err)
        XCTAssertEqual(loop.err.split(separator: "\n").count, 1)
        XCTAssertFalse(try fm.contentsOfDirectory(atPath: dir).contains { $0.contains("partial") }, "no staging left")
    }

    /// `--out .` (or a folder holding the working directory) is replaced file by file, not renamed
    /// away: the folder the user stands in is still the one that holds the results.
    func testTheWorkingDirectoryAsTheOutputFolderStaysInPlace() throws {
        let fm = FileManager.default
        let dir = Support.tempDir() + "/here"
        try fm.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: true)
        // Held open, the folder keeps its inode number even if it is replaced (no reuse).
        let held = open(dir + "/sub", O_RDONLY)
        XCTAssertGreaterThanOrEqual(held, 0)
        defer { close(held) }
        let common = ["--set", "simulation.scale=0.02", "--months", "3", "--set", "simulation.burn_in_months=0", "-q"]
        let path = Support.scenarioPath("three_year")
        XCTAssertEqual(try Support.cli(["run", path, "--out", "..", "--detail"] + common, in: dir + "/sub").status, 0)
        XCTAssertEqual(try Support.cli(["run", path, "--out", "."] + common, in: dir + "/sub").status, 0)
        XCTAssertEqual(try Support.cli(["run", path, "--out", "."] + common, in: dir + "/sub").status, 0)
        var before = stat(), after = stat()
        XCTAssertEqual(fstat(held, &before), 0)
        XCTAssertEqual(stat(dir + "/sub", &after), 0)
        XCTAssertEqual(before.st_ino, after.st_ino, "the working directory was not replaced by another folder")
        XCTAssertGreaterThan(before.st_nlink, 0, "the working directory was not removed")
        XCTAssertEqual(Set(try fm.contentsOfDirectory(atPath: dir + "/sub")), ["manifest.json", "timeseries.csv", "scenario.resolved.toml"])
        XCTAssertEqual(Set(try fm.contentsOfDirectory(atPath: dir)), ["sub", "councils.csv", "providers.csv", "manifest.json", "timeseries.csv", "scenario.resolved.toml"])
    }

    /// An output folder that is a mount point (another file system than its parent's, as a
    /// container's bind mount): a rename cannot leave it, so it is staged inside itself. Mounts a
    /// small tmpfs where the test may (root with the capability), and is skipped elsewhere.
    func testAMountPointAsTheOutputFolderWorks() throws {
        let fm = FileManager.default
        let out = Support.tempDir() + "/mnt"
        try fm.createDirectory(atPath: out, withIntermediateDirectories: true)
        func sh(_ args: [String]) -> Int32 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = ["-c", args.joined(separator: " ") + " 2>/dev/null"]
            guard (try? p.run()) != nil else { return -1 }
            p.waitUntilExit()
            return p.terminationStatus
        }
        guard sh(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", out]) == 0 else { throw XCTSkip("cannot mount a tmpfs here (not root, or no capability)") }
        defer { _ = sh(["umount", out]) }
        XCTAssertTrue(OutputFolder.cannotStageBeside(out, parent: (out as NSString).deletingLastPathComponent))
        let path = Support.scenarioPath("three_year")
        let common = ["--set", "simulation.scale=0.02", "--months", "3", "--set", "simulation.burn_in_months=0", "-q"]
        for extra in [["--detail"], []] {
            let r = try Support.cli(["run", path, "--out", out] + extra + common)
            XCTAssertEqual(r.status, 0, r.err)
        }
        XCTAssertEqual(Set(try fm.contentsOfDirectory(atPath: out)), ["manifest.json", "timeseries.csv", "scenario.resolved.toml"])
    }

    func testCRLFAndByteOrderMarkKeepLineNumbers() throws {
        let e = errors("\u{FEFF}[demand]\r\ntrend = 0.01\r\nbogus = 1\r\n")
        XCTAssertEqual(e.first?.line, 3)
        XCTAssertEqual(e.first?.key, "demand.bogus")
        let study = try String(contentsOfFile: Support.scenarioPath("headline_study"), encoding: .utf8)
        let crlf = study.replacingOccurrences(of: "\n", with: "\r\n")
        XCTAssertEqual(InputKind.of(text: crlf), .comparisonStudy)
    }

    /// What stands inside strings is text, not keys: a multi-line string holding a header or a
    /// `key =` line, an escaped quote before a `#`, a quoted key holding `=` or brackets in a
    /// string inside a multi-line array do not move the line an error names.
    func testStringsDoNotMoveLineNumbers() {
        let cases: [(text: String, line: Int, key: String)] = [
            ("[simulation]\nseed = 1\n[[councils]]\nname = \"\"\"north\n[demand]\ntrend = 0.5\n\"\"\"\ncount = -3\n", 8, "councils.count"),
            ("[simulation]\nnotes = '''\nmonths = 5\n'''\nmonths = -4\n", 5, "simulation.months"),
            ("[simulation]\nnotes = \"\"\"a \\\"\"\" [x]\nmonths = 5 \"\"\"\nmonths = -4\n", 4, "simulation.months"),
            ("[[councils]]\nname = \"a \\\" # [x] = \"\ncount = -3\n", 3, "councils.count"),
            ("[simulation]\nx = [\"]\", \"\"\"\n[demand]\n\"\"\",\n]\nmonths = -4\n", 6, "simulation.months"),
            ("[simulation]\n\"a=b\" = 1\nmonths = -4\n", 3, "simulation.months"),
        ]
        for c in cases {
            let e = errors(c.text).first { $0.key == c.key }
            XCTAssertEqual(e?.line, c.line, c.text)
        }
    }

    /// A number no 64-bit integer or double holds is named with its key and range, not sent to
    /// look for a syntax error in a well-formed literal; in a file and in `--set` alike.
    func testNumbersBeyondTOMLNameTheirKey() throws {
        let cases: [(text: String, line: Int, key: String)] = [
            ("# c\n[demand]\ntrend = 1e400\n", 3, "demand.trend"),
            ("[simulation]\nmonths = 99999999999999999999\n", 2, "simulation.months"),
            ("[[councils]]\nname = \"x\"\ncount = 0xFFFFFFFFFFFFFFFFFF\n", 3, "councils.count"),
        ]
        for c in cases {
            let e = try XCTUnwrap(errors(c.text).first, c.text)
            XCTAssertEqual(e.line, c.line, c.text)
            XCTAssertEqual(e.key, c.key, c.text)
            XCTAssertTrue(e.message.contains("beyond what a TOML number holds") && (e.fix ?? "").contains("commissim params"), e.description)
        }
        let set = try Support.cli(["validate", Support.scenarioPath("baseline"), "--set", "simulation.months=99999999999999999999"])
        XCTAssertEqual(set.status, 2)
        XCTAssertTrue(set.err.contains("key 'simulation.months': 99999999999999999999 is beyond what a TOML number holds"), set.err)
        // Another bad number is still a syntax error, its fix a number.
        let typo = try Support.cli(["validate", Support.scenarioPath("baseline"), "--set", "demand.trend=1e"])
        XCTAssertTrue(typo.err.contains("expected a number, got '1e' — fix: write e.g. --set demand.trend="), typo.err)
    }

    func testSyntaxErrorNamesTheLine() {
        let e = errors("[simulation]\nmonths = 12\nseed = \n").first!
        XCTAssertEqual(e.line, 3)
        XCTAssertTrue(e.description.hasPrefix("bad.toml:3:"))
    }

    func testEveryShippedScenarioIsValidAndCommented() throws {
        let dir = Support.root.appendingPathComponent("scenarios").path
        let examples = try FileManager.default.contentsOfDirectory(atPath: dir + "/examples").filter { $0.hasSuffix(".toml") }.map { "examples/" + $0 }
        XCTAssertFalse(examples.isEmpty)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".toml") } + examples
        XCTAssertGreaterThanOrEqual(files.count, 11)
        var kinds: [InputKind: Int] = [:]
        for f in files {
            XCTAssertNoThrow(kinds[try InputKind.validate(dir + "/" + f), default: 0] += 1, f)
            let text = try String(contentsOfFile: dir + "/" + f, encoding: .utf8)
            XCTAssertTrue(text.hasPrefix("#"), "\(f) starts with a comment saying what it is")
        }
        XCTAssertEqual(kinds[.sweep], 2)
        XCTAssertEqual(kinds[.comparisonStudy], 3)
        XCTAssertEqual(kinds[.calibration], 1)
    }

    func testPolicySectionAppliesToEveryGroupUnlessOverridden() throws {
        let s = try ScenarioParser.parse(text: """
        [policy]
        contract_months = 120
        [[councils]]
        name = "a"
        [[councils]]
        name = "b"
        [councils.policy]
        contract_months = 12
        """, file: "p.toml")
        XCTAssertEqual(s.councilGroups[0]["councils.policy.contract_months"], .integer(120))
        XCTAssertEqual(s.councilGroups[1]["councils.policy.contract_months"], .integer(12))
    }

    func testParameterReferenceCoversTheCatalogueAndDocsAreCurrent() throws {
        let text = ParameterReference.text(markdown: false)
        for s in ParameterCatalog.all {
            XCTAssertTrue(text.contains(s.path + " = "), s.path)
            XCTAssertFalse(s.summary.isEmpty)
            if let r = s.range, case .real(let v) = s.defaultValue { XCTAssertTrue(r.contains(v), s.path) }
            if let r = s.range, case .integer(let v) = s.defaultValue { XCTAssertTrue(r.contains(Double(v)), s.path) }
        }
        let docs = try String(contentsOfFile: Support.root.appendingPathComponent("docs/PARAMETERS.md").path, encoding: .utf8)
        XCTAssertEqual(docs, ParameterReference.text(markdown: true), "docs/PARAMETERS.md is stale: regenerate with `commissim params --markdown > docs/PARAMETERS.md`")
        let columns = try String(contentsOfFile: Support.root.appendingPathComponent("docs/COLUMNS.md").path, encoding: .utf8)
        XCTAssertEqual(columns, ParameterReference.columns(markdown: true), "docs/COLUMNS.md is stale: regenerate with `commissim columns --markdown > docs/COLUMNS.md`")
    }
}

/// The command line: exit status 2 and one line per problem; nothing half-written.
final class CommandLineTests: XCTestCase {
    func testValidateOkAndErrors() throws {
        let ok = try Support.cli(["validate", "scenarios/baseline.toml"])
        XCTAssertEqual(ok.status, 0)
        XCTAssertTrue(ok.out.contains("ok"))
        let dir = Support.tempDir()
        let bad = dir + "/bad.toml"
        try "[budget]\nlate_payment_prob = 1.3\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let r = try Support.cli(["validate", bad])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.err.contains("bad.toml:2: key 'budget.late_payment_prob'"), r.err)
        // --set is checked as run and sweep apply it, limits included; files that hold their
        // overrides themselves refuse it.
        XCTAssertEqual(try Support.cli(["validate", "scenarios/baseline.toml", "--set", "demand.trend=0.01"]).status, 0)
        for (args, says) in [(["scenarios/baseline.toml", "--set", "demand.trend=0.9"], "key 'demand.trend'"),
                             // The peak named by its largest rise: here a shock, with demand falling.
                             (["scenarios/baseline.toml", "--set", "demand.shock_size=5", "--set", "demand.trend=-0.5",
                               "--set", "demand.referrals_per_10k=1000"], "key 'demand.shock_size': a demand shock of +500% would put"),
                             (["scenarios/baseline.toml", "--set", "demand.random_shock_prob=0.1", "--set", "demand.random_shock_size=5",
                               "--set", "demand.referrals_per_10k=1000"], "demand growing 2% a year over 240 months and random demand shocks of +500% would put"),
                             (["scenarios/baseline.toml", "--set", "simulation.scale=10", "--set", "demand.referrals_per_10k=1000"], "above the limit"),
                             (["scenarios/contract_length_study.toml", "--set", "simulation.scale=-1"], "key 'simulation.scale'"),
                             (["scenarios/headline_study.toml", "--set", "simulation.scale=0.5"], "overrides belong in the file"),
                             (["scenarios/calibration.toml", "--set", "simulation.scale=0.5"], "overrides belong in the file")] {
            let v = try Support.cli(["validate"] + args)
            XCTAssertEqual(v.status, 2, "\(args)")
            XCTAssertTrue(v.err.hasPrefix("error: ") && v.err.contains(says) && v.err.contains(" — fix: "), "\(args): \(v.err)")
        }
    }

    /// A bad command line is one `error:` line with the fix and exit 2, never a usage dump;
    /// an empty --out is refused before anything is written.
    func testBadCommandLinesAreOneLineErrorsWithExit2() throws {
        let s = "scenarios/three_year.toml", st = "scenarios/contract_length_study.toml"
        for args in [["run"], ["run", s], ["run", s, "--out", "x", "--bogus"], ["sweep", st, "--threads", "99999999999999999999", "--out", "x"],
                     ["frobnicate"], ["run", s, "--out", ""], ["sweep", st, "--out", " "], ["compare", s, s, "--out", ""],
                     ["run", s, "--out", "x", "--seed", "-1"], ["compare", s, s, "--replications", "abc", "--out", "x"]] {
            let r = try Support.cli(args)
            XCTAssertEqual(r.status, 2, "\(args): \(r.err)")
            XCTAssertEqual(r.err.split(separator: "\n").count, 1, "\(args): \(r.err)")
            XCTAssertTrue(r.err.hasPrefix("error: ") && r.err.contains(" — fix: "), "\(args): \(r.err)")
        }
        XCTAssertEqual(try Support.cli(["run", "--help"]).status, 0)
        // A negative number after a numeric option is its value, refused by range naming the
        // option (it was taken for an option, and the message said the value was missing).
        for (args, key) in [(["run", s, "--out", "x", "--seed", "-5"], "--seed"), (["run", s, "--out", "x", "--months", "-3"], "--months"),
                            (["compare", s, s, "--out", "x", "--replications", "-1"], "--replications"),
                            (["compare", s, s, "--out", "x", "--seed", "-1"], "--seed"), (["sweep", st, "--out", "x", "--threads", "-2"], "--threads"),
                            (["compare", s, s, "--out", "x", "--threads", "-2"], "--threads"), (["sweep", st, "--out", "x", "--shard", "-1/3"], "--shard"),
                            (["compare", s, s, "--out", "x", "--label-a", "-" + String(repeating: "x", count: 200)], "--label-a")] {
            let r = try Support.cli(args)
            XCTAssertEqual(r.status, 2, "\(args): \(r.err)")
            XCTAssertTrue(r.err.contains("key '\(key)'") && r.err.contains(" — fix: ") && !r.err.contains("Missing value"), "\(args): \(r.err)")
        }
        // A label or a title may start with a dash ("-10% budget"): it is the value, not an option.
        let labelled = Support.tempDir()
        let l = try Support.cli(["compare", s, s, "--label-a", "-10% budget", "--replications", "2", "--set", "simulation.months=3",
                                 "--set", "simulation.burn_in_months=0", "--set", "simulation.scale=0.02", "--out", labelled + "/c", "-q"])
        XCTAssertEqual(l.status, 0, l.err)
        XCTAssertTrue(try String(contentsOfFile: labelled + "/c/manifest.json", encoding: .utf8).contains("-10% budget"))
        XCTAssertEqual(try Support.cli(["report", labelled + "/c", "--title", "-x report"]).status, 0)
        XCTAssertTrue(try String(contentsOfFile: labelled + "/c/REPORT.md", encoding: .utf8).hasPrefix("# -x report"))
        // A Python that fails without a word (or without the package) is said in one line, exit 2.
        let noReport = try Support.cli(["report", labelled + "/c"], environment: ["COMMISSIM_PYTHON": "/bin/false"])
        XCTAssertEqual(noReport.status, 2)
        XCTAssertTrue(noReport.err.hasPrefix("error: /bin/false: key 'COMMISSIM_PYTHON': the report") && noReport.err.contains(" — fix: "), noReport.err)
        // What is not a regular file of sane size is refused before it is read.
        let dir = Support.tempDir()
        mkfifo(dir + "/fifo.toml", 0o644)
        try Data(repeating: UInt8(ascii: "#"), count: 5 * 1_048_576).write(to: URL(fileURLWithPath: dir + "/big.toml"))
        for (f, what) in [(dir + "/fifo.toml", "is not a regular file"), (dir + "/big.toml", "above the limit of 4 MiB"), (dir, "is not a regular file")] {
            let r = try Support.cli(["run", f, "--out", dir + "/out"])
            XCTAssertEqual(r.status, 2, f)
            XCTAssertTrue(r.err.contains(what) && r.err.contains(" — fix: "), r.err)
        }
        // A study where a scenario belongs is named as such.
        for args in [["run", "scenarios/headline_study.toml", "--out", "x"], ["compare", st, s, "--out", "x"]] {
            let r = try Support.cli(args)
            XCTAssertEqual(r.status, 2)
            XCTAssertTrue(r.err.contains("not a scenario") && r.err.contains("fix: run it with `commissim"), r.err)
        }
    }

    /// A scenario whose own groups replace only part of the built-in population says so, in
    /// validate's output and in the run's manifest; one that gives both or neither says nothing.
    func testPartlyBuiltInPopulationsAreNamed() throws {
        let dir = Support.tempDir(), path = dir + "/ours.toml"
        try "[simulation]\nscale = 0.05\nmonths = 2\nburn_in_months = 0\n[[councils]]\nname = \"Our County\"\ntype = \"county\"\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let v = try Support.cli(["validate", path, "scenarios/baseline.toml"])
        XCTAssertEqual(v.status, 0, v.err)
        XCTAssertTrue(v.out.contains("ours.toml: ok (note: its 1 [[councils]] group(s) replace the built-in councils; the built-in providers (4 groups) remain)"), v.out)
        XCTAssertTrue(v.out.contains("scenarios/baseline.toml: ok\n"), v.out)
        let r = try Support.cli(["run", path, "--out", dir + "/out", "-q"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(try String(contentsOfFile: dir + "/out/manifest.json", encoding: .utf8).contains("\"population\": \"its 1 [[councils]] group(s) replace the built-in councils"))
    }

    func testMissingFileAndUnwritableOutput() throws {
        let missing = try Support.cli(["run", "no/such/file.toml", "--out", Support.tempDir() + "/x"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.err.contains("no/such/file.toml: no such file"), missing.err)
        // An output folder inside a regular file cannot be created.
        let dir = Support.tempDir()
        try "x".write(toFile: dir + "/afile", atomically: true, encoding: .utf8)
        let r = try Support.cli(["run", "scenarios/three_year.toml", "--out", dir + "/afile/out", "--months", "2", "--set", "simulation.scale=0.02"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.err.contains("key '--out'"), r.err)
        // A directory given as the scenario.
        let d = try Support.cli(["validate", dir])
        XCTAssertEqual(d.status, 2)
    }

    func testRunWritesAllFilesAndLeavesNoStaging() throws {
        let dir = Support.tempDir()
        let r = try Support.cli(["run", "scenarios/three_year.toml", "--out", dir + "/out", "--months", "6", "--set", "simulation.scale=0.02", "--detail"])
        XCTAssertEqual(r.status, 0, r.err)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir + "/out").sorted()
        XCTAssertEqual(files, ["councils.csv", "manifest.json", "providers.csv", "scenario.resolved.toml", "timeseries.csv"])
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains("partial") }
        XCTAssertTrue(leftovers.isEmpty)
        let csv = try String(contentsOfFile: dir + "/out/timeseries.csv", encoding: .utf8)
        XCTAssertEqual(csv.split(separator: "\n").count, 7)
        XCTAssertTrue(csv.hasPrefix(MetricColumns.names.joined(separator: ",")))
    }

    func testBadOverrideIsAnInputError() throws {
        let r = try Support.cli(["run", "scenarios/three_year.toml", "--out", Support.tempDir() + "/o", "--set", "budget.late_payment_prob=1.3"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.err.contains("out of range"), r.err)
        let empty = Support.tempDir() + "/empty.toml"
        try "".write(toFile: empty, atomically: true, encoding: .utf8)
        XCTAssertEqual(try Support.cli(["validate", empty]).status, 0, "an empty file is a valid scenario of defaults")
    }

    func testParamsAndColumnsPrintEverything() throws {
        let p = try Support.cli(["params"])
        XCTAssertEqual(p.status, 0)
        XCTAssertEqual(p.out, ParameterReference.text(markdown: false))
        let c = try Support.cli(["columns"])
        XCTAssertEqual(c.out, ParameterReference.columns(markdown: false))
        // Flags that each choose what to print are refused together, not passed over.
        for args in [["params", "--json", "--markdown"], ["columns", "--councils", "--providers"], ["columns", "--json", "--markdown"],
                     ["columns", "--markdown", "--groups"]] {
            let r = try Support.cli(args)
            XCTAssertEqual(r.status, 2, args.joined(separator: " "))
            XCTAssertEqual(r.out, "", args.joined(separator: " "))
            XCTAssertTrue(r.err.hasPrefix("error: commissim \(args[0]): key '") && r.err.contains(" — fix: "), r.err)
        }
        XCTAssertEqual(try Support.cli(["columns", "--providers"]).out, ParameterReference.columns(markdown: false, table: .providers))
    }
}

/// No input may crash the program: random values of every kind for random keys either parse into
/// a runnable scenario or give input errors.
final class FuzzTests: XCTestCase {
    func testRandomValuesNeverCrash() throws {
        let rng = RandomStream(seed: 2026)
        let values = ["-1", "0", "1", "0.5", "1.3", "37.5", "1e9", "-1e9", "nan", "inf", "-inf", "\"x\"", "\"block\"", "true",
                      "[]", "[\"price_squeeze\", \"codesign\"]", "[1, 2]", "{ dist = \"lognormal\", mean = 1, sd = 100 }",
                      "{ dist = \"uniform\", min = 0, max = 1e6 }", "{ dist = \"beta\", mean = 0.9, sd = 0.2 }",
                      "{ dist = \"gamma\", mean = 0, sd = 1 }", "{ dist = \"normal\", mean = 1e12, sd = 1e12 }", "{ }", "1979-05-27"]
        let specs = ParameterCatalog.all.filter { !$0.path.hasSuffix(".count") && $0.path != "simulation.months" && $0.path != "simulation.scale" }
        var parsed = 0, rejected = 0
        for _ in 0..<300 {
            let spec = specs[rng.uniformInt(specs.count)]
            let value = values[rng.uniformInt(values.count)]
            let parts = spec.path.split(separator: ".").map(String.init)
            var text = "[simulation]\nmonths = 3\nscale = 0.02\n"
            switch parts[0] {
            case "councils":
                text += parts.count == 3 ? "[policy]\n\(parts[2]) = \(value)\n" : "[[councils]]\ncount = 2\n\(parts[1]) = \(value)\n"
            case "providers":
                text += "[[providers]]\ncount = 30\n\(parts[1]) = \(value)\n"
            case "simulation":
                text += "\(parts[1]) = \(value)\n"
            default:
                text += "[\(parts[0])]\n\(parts[1]) = \(value)\n"
            }
            do {
                let s = try ScenarioParser.parse(text: text, file: "fuzz.toml")
                let r = Simulation(config: ModelConfig(s)).run()
                XCTAssertEqual(r.rows.count, 3, text)
                XCTAssertTrue(r.rows.allSatisfy { $0.allSatisfy(\.isFinite) }, "non-finite output for:\n\(text)")
                parsed += 1
            } catch let e as ScenarioErrors {
                XCTAssertFalse(e.errors.isEmpty)
                rejected += 1
            }
        }
        XCTAssertGreaterThan(parsed, 30)
        XCTAssertGreaterThan(rejected, 30)
    }
}
