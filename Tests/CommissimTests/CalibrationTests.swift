import CommissimEngine
@testable import CommissimIO
@testable import CommissimModel
import Foundation
import XCTest

/// The calibration file, the moment expressions and `calibrate` (MODEL.md §3.15).
final class CalibrationTests: XCTestCase {
    private func file(_ body: String, calibration: String? = nil) throws -> String {
        let dir = Support.tempDir(), path = dir + "/calibration.toml"
        let head = calibration ?? """
        [calibration]
        scenario = "\(Support.scenarioPath("baseline"))"
        replications = 2
        seed = 5
        set = { "simulation.scale" = 0.2, "simulation.months" = 24, "simulation.burn_in_months" = 36 }
        """
        try (head + "\n" + body).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private let target = Support.calibrationTarget
    private let parameter = Support.calibrationParameter

    /// The one error of a bad file: its line and key, and that the message says what is wrong.
    private func error(_ body: String, calibration: String? = nil) throws -> ScenarioError {
        let path = try file(body, calibration: calibration)
        do { _ = try Calibration.load(path) } catch let e as ScenarioErrors {
            XCTAssertFalse(e.errors.isEmpty)
            return e.errors[0]
        }
        XCTFail("accepted: \(body)")
        return ScenarioError(file: "", line: nil, key: nil, message: "", fix: nil)
    }

    func testAValidFileParses() throws {
        let c = try Calibration.load(try file(target + "\n" + parameter))
        XCTAssertEqual(c.targets.count, 1)
        XCTAssertEqual(c.parameters.map(\.start), [Calibration.numericValue("demand.referrals_per_10k", in: c.base)], "the search starts at the scenario's value")
        let named = try Calibration.load(try file(target + "\n" + parameter + "\nstart = 4.2"))
        XCTAssertEqual(named.parameters.map(\.start), [4.2], "or at the file's start")
        XCTAssertEqual(c.scale, 0.2)
        XCTAssertEqual(ModelConfig(c.runBase).months, 24)
        XCTAssertEqual(ModelConfig(c.base).months, 240, "the calibrated scenario keeps the base scenario's run settings")
        XCTAssertEqual(c.targets[0].rows, Array(0..<24))
    }

    func testShippedCalibrationParses() throws {
        let c = try Calibration.load(Support.scenarioPath("calibration"))
        XCTAssertGreaterThanOrEqual(c.targets.count, 10)
        XCTAssertTrue(c.targets.allSatisfy { !$0.source.isEmpty })
        // Every target's window lies in the run, and every parameter starts inside its bounds.
        for t in c.targets { XCTAssertLessThanOrEqual(t.to, ModelConfig(c.runBase).months) }
        for p in c.parameters { XCTAssertTrue((p.lower...p.upper).contains(p.start), p.name) }
    }

    /// The fit is the model's default, not only baseline.toml's: every shipped scenario that spells
    /// out no population (three_year.toml and the policy scenarios) resolves every fitted
    /// parameter to baseline.toml's value.
    func testEveryScenarioInheritsTheFit() throws {
        let cal = try Calibration.load(Support.scenarioPath("calibration"))
        for name in ["three_year", "ten_year", "price_squeeze", "outcome_payment_investor", "austerity"] {
            let s = try Support.scenario(name)
            for p in cal.parameters {
                for path in p.paths {
                    XCTAssertEqual(Calibration.numericValue(path, in: s), Calibration.numericValue(path, in: cal.base), "\(name): \(path)")
                }
            }
        }
    }

    /// baseline.toml is the calibrated scenario in every parameter, not only in the fitted ones
    /// (rounded to the digits it quotes): a hand edit that changes another key is caught here (the
    /// fitted demand share once overwrote every provider group's own residential share).
    func testBaselineIsTheCalibratedScenarioInEveryParameter() throws {
        let baseline = try ScenarioParser.parse(file: Support.scenarioPath("baseline"))
        let fitted = try ScenarioParser.parse(file: Support.root.appendingPathComponent("results/calibration/calibrated.toml").path)
        func same(_ a: ParamValue?, _ b: ParamValue?) -> Bool {
            if case .real(let x)? = a, case .real(let y)? = b { return abs(x - y) <= 0.005 * max(abs(x), abs(y)) }
            return a?.tomlText == b?.tomlText
        }
        func compare(_ a: [String: ParamValue], _ b: [String: ParamValue], _ at: String) {
            for key in Set(a.keys).union(b.keys).sorted() where key != "simulation.seed" {
                XCTAssertTrue(same(a[key], b[key]), "\(at)\(key): baseline.toml \(a[key]?.tomlText ?? "-"), calibrated.toml \(b[key]?.tomlText ?? "-")")
            }
        }
        compare(baseline.global, fitted.global, "")
        XCTAssertEqual(baseline.councilGroups.count, fitted.councilGroups.count)
        XCTAssertEqual(baseline.providerGroups.count, fitted.providerGroups.count)
        for (g, (a, b)) in zip(baseline.councilGroups, fitted.councilGroups).enumerated() { compare(a, b, "councils[\(g)].") }
        for (g, (a, b)) in zip(baseline.providerGroups, fitted.providerGroups).enumerated() { compare(a, b, "providers[\(g)].") }
    }

    func testBadFilesNameLineKeyAndFix() throws {
        let cases: [(String, String, String)] = [
            (target.replacingOccurrences(of: "metric = \"looked_after\"", with: "metric = \"looked_aftr\"") + "\n" + parameter, "targets[0].metric", "did you mean \"looked_after\""),
            (target.replacingOccurrences(of: "source = \"004\"", with: "") + "\n" + parameter, "targets[0].source", "cites"),
            (target.replacingOccurrences(of: "value = 56440", with: "value = 0") + "\n" + parameter, "targets[0].value", "non-zero"),
            (target.replacingOccurrences(of: "metric = \"looked_after\"", with: "expression = \"(looked_after + \"") + "\n" + parameter, "targets[0].expression", "cannot read"),
            (target + "\nto = 99\n" + parameter, "targets[0].to", "whole number"),
            (target + "\n" + parameter.replacingOccurrences(of: "upper = 5", with: "upper = 2"), "parameters[0].lower", "below upper"),
            (target + "\n" + parameter.replacingOccurrences(of: "upper = 5", with: "upper = 5000"), "parameters[0].lower", "valid range"),
            (target + "\n" + parameter.replacingOccurrences(of: "lower = 3", with: "lower = 0") + "\nlog = true", "parameters[0].log", "lower > 0"),
            (target + "\n" + parameter.replacingOccurrences(of: "demand.referrals_per_10k", with: "demand.referals_per_10k"), "parameters[0].path", "referrals_per_10k"),
            (target + "\n" + parameter.replacingOccurrences(of: "demand.referrals_per_10k", with: "providers[nobody].target_margin"), "parameters[0].path", "no provider group"),
            (target + "\n" + parameter + "\n" + parameter, "parameters[1].path", "fitted twice"),
            (target + "\n" + parameter.replacingOccurrences(of: "demand.referrals_per_10k", with: "simulation.scale"), "parameters[0].path", "[calibration] set"),
            (target + "\nweight = -1\n" + parameter, "targets[0].weight", "from 0"),
            (target + "\ncolour = 1\n" + parameter, "targets[0].colour", "unknown key"),
            (target + "\n" + target + "\n" + parameter, "targets[1].name", "used twice"),
            (parameter, "targets", "no targets"),
            (target + "\n" + parameter + "\nstart = 7", "parameters[0].start", "within lower and upper"),
            (target + "\n" + parameter + "\nstart = \"low\"", "parameters[0].start", "within lower and upper"),
        ]
        for (body, key, text) in cases {
            let e = try error(body)
            XCTAssertEqual(e.key, key, "\(body)\n→ \(e)")
            XCTAssertTrue(e.message.contains(text) || (e.fix ?? "").contains(text), "\(key): \(e)")
            XCTAssertNotNil(e.fix, "\(key) has a fix: \(e)")
            if key != "targets" { XCTAssertNotNil(e.line, "\(key) names its line: \(e)") }
        }
        let missing = try error(target + "\n" + parameter, calibration: "[calibration]\nreplications = 2")
        XCTAssertEqual(missing.key, "calibration.scenario")
    }

    /// The command: a bad file is one error line naming file, line and key, exit 2, nothing written.
    func testCommandRejectsBadFileWithOneLine() throws {
        let path = try file(target.replacingOccurrences(of: "value = 56440", with: "value = \"many\"") + "\n" + parameter)
        let out = Support.tempDir() + "/never"
        let r = try Support.cli(["calibrate", path, "--out", out])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.err.hasPrefix("error: \(path):"), r.err)
        XCTAssertTrue(r.err.contains("targets[0].value"), r.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }

    /// A calibration whose folder holds its own base scenario (calibrating again from the last
    /// fit, into the same folder) is refused before anything is run or written: the fit would
    /// replace the scenario it started from. So is one whose calibration file is among its outputs.
    func testCalibrationDoesNotOverwriteTheFilesItReads() throws {
        let dir = Support.tempDir(), out = dir + "/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let base = try String(contentsOfFile: Support.scenarioPath("baseline"), encoding: .utf8)
        try base.write(toFile: out + "/calibrated.toml", atomically: true, encoding: .utf8)
        let path = try file(target + "\n" + parameter, calibration: """
        [calibration]
        scenario = "\(out)/calibrated.toml"
        replications = 2
        seed = 5
        set = { "simulation.scale" = 0.2, "simulation.months" = 24, "simulation.burn_in_months" = 36 }
        """)
        let r = try Support.cli(["calibrate", path, "--out", out])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.err.split(separator: "\n").count, 1, r.err)
        XCTAssertTrue(r.err.hasPrefix("error: \(path):2: key 'calibration.scenario':"), r.err)
        XCTAssertTrue(r.err.contains("calibrated.toml"), r.err)
        XCTAssertEqual(try String(contentsOfFile: out + "/calibrated.toml", encoding: .utf8), base, "the base scenario is untouched")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out), ["calibrated.toml"], "nothing else written")
        // The calibration file itself in the folder under an output's name.
        let own = out + "/FIT.md"
        try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "\(out)/calibrated.toml", with: Support.scenarioPath("baseline"))
            .write(toFile: own, atomically: true, encoding: .utf8)
        let r2 = try Support.cli(["calibrate", own, "--out", out])
        XCTAssertEqual(r2.status, 2)
        XCTAssertTrue(r2.err.hasPrefix("error: \(own): key '--out':"), r2.err)
        // Another folder is fine: the check refuses only what would be replaced.
        XCTAssertNil(OutputFolder.inputReplaced(by: Calibrator.files, in: dir + "/elsewhere", inputs: [path, out + "/calibrated.toml"]))
    }

    /// A target no run can compute (here a division by zero) scored every candidate 10^12, and
    /// FIT.md reported the point where the search stopped as the fit, with only a dash in the
    /// target's row to show why. It says there is no fit and which target gives no value, and so
    /// does the command's last line; a computable target's fit says nothing of the kind.
    func testATargetTheModelCannotComputeIsNoFit() throws {
        let head = """
        [calibration]
        scenario = "\(Support.scenarioPath("baseline"))"
        replications = 2
        seed = 5
        restarts = 0
        max_evaluations = 3
        set = { "simulation.scale" = 0.01, "simulation.months" = 6, "simulation.burn_in_months" = 3 }
        """
        let zero = "\n[[targets]]\nname = \"by_zero\"\nexpression = \"spend / 0\"\nvalue = 1\nsource = \"test\"\n"
        let out = Support.tempDir() + "/fit"
        let r = try Support.cli(["calibrate", try file(target + zero + parameter, calibration: head), "--out", out])
        XCTAssertEqual(r.status, 0, r.err)
        let fit = try String(contentsOfFile: out + "/FIT.md", encoding: .utf8)
        XCTAssertTrue(fit.contains("**No fit:** the model gives no value for by_zero"), fit)
        XCTAssertTrue(r.out.contains("no fit: the model gives no value for by_zero"), r.out)
        let out2 = Support.tempDir() + "/fit"
        let r2 = try Support.cli(["calibrate", try file(target + "\n" + parameter, calibration: head), "--out", out2])
        XCTAssertEqual(r2.status, 0, r2.err)
        XCTAssertFalse(try String(contentsOfFile: out2 + "/FIT.md", encoding: .utf8).contains("No fit"))
        XCTAssertFalse(r2.out.contains("no fit"), r2.out)
    }

    func testExpressions() throws {
        let e = try MomentExpression.parse("12 * (spend_fostering + spend_residential) / 2 - -1")
        let f = MetricColumns.index["spend_fostering"]!, r = MetricColumns.index["spend_residential"]!
        XCTAssertEqual(e.value { $0 == f ? 3 : $0 == r ? 5 : .nan }, 12 * 8 / 2 + 1)
        XCTAssertEqual(Set(e.metrics), [f, r])
        XCTAssertTrue(try MomentExpression.parse("looked_after / (spend_fostering - spend_fostering)").value { _ in 1 }.isNaN, "a division by zero is NaN")
        for bad in ["", "1 +", "(1", "1 2", "month", "spend $", "1e999", String(repeating: "(", count: 100_000) + "1"] {
            XCTAssertThrowsError(try MomentExpression.parse(bad), bad)
        }
    }

    /// The method recovers known parameters: targets simulated at θ* with the calibration's own
    /// seeds, a start away from θ*, and the fit must land within 3% of θ* (the objective is zero
    /// at θ* under common random numbers, so only the optimiser's tolerance separates them). At
    /// 20% scale: at 5% the looked-after moment moved 1.4% for 5% more referrals with these two
    /// seeds (a handful of providers per region), so points 5% from θ* met the targets too.
    func testRecoversKnownParameters() throws {
        let truth = (referrals: 4.4, cost: 3250.0)
        // Two targets and the two parameters they identify; the values are filled in below.
        func body(_ looked: Double, _ price: Double) -> String {
            var text = ""
            for (name, metric, value, perScale) in [("looked_after", "looked_after", looked, true), ("residential_price", "price_residential", price, false)] {
                text += "[[targets]]\nname = \"\(name)\"\nmetric = \"\(metric)\"\nvalue = \(value)\ntolerance = 0.02\nper_scale = \(perScale)\nsource = \"synthetic: simulated at the true parameters\"\n\n"
            }
            return text + """
            [[parameters]]
            path = "demand.referrals_per_10k"
            lower = 3
            upper = 5
            start = 3.97

            [[parameters]]
            path = "market.weekly_cost_residential"
            lower = 2400
            upper = 3600
            start = 2950
            """
        }
        let probe = try Calibration.load(try file(body(1, 1)))
        let at = Calibrator(calibration: probe, out: Support.tempDir(), threads: 2).moments(at: [truth.referrals, truth.cost], seeds: 0..<2)
        let path = try file(body(at.mean[0], at.mean[1]))
        let cal = try Calibration.load(path)
        XCTAssertEqual(cal.parameters.map(\.start), [3.97, 2950])
        let out = Support.tempDir() + "/fit"
        let calibrator = Calibrator(calibration: cal, out: out, threads: 2)
        guard case .finished(let result) = try calibrator.run() else { return XCTFail("interrupted") }
        XCTAssertEqual(result.best.theta[0], truth.referrals, accuracy: 0.03 * truth.referrals)
        XCTAssertEqual(result.best.theta[1], truth.cost, accuracy: 0.03 * truth.cost)
        XCTAssertLessThan(result.best.objective, 1)
        try calibrator.write(result, command: ["test"])
        for f in ["calibrated.toml", "fit.csv", "FIT.md", "parameters.csv", "journal.csv", "journal.raw", "manifest.json"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/" + f), f)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/.partial"))
        // The calibrated scenario parses and carries the fitted values at the base's own scale.
        let fitted = try ScenarioParser.parse(file: out + "/calibrated.toml")
        XCTAssertEqual(fitted.value("demand.referrals_per_10k"), .real(result.best.theta[0]))
        XCTAssertEqual(ModelConfig(fitted).scale, 1)

        // Run again on the folder: every evaluation is replayed from the journal, none simulated,
        // and the result is the same.
        let again = Calibrator(calibration: cal, out: out, threads: 1)
        guard case .finished(let replay) = try again.run() else { return XCTFail("interrupted") }
        XCTAssertEqual(replay.best.theta, result.best.theta)
        XCTAssertEqual(replay.check, result.check)
        XCTAssertTrue(replay.evaluations.allSatisfy(\.replayed))
        XCTAssertEqual(again.simulatedRuns, 0)
    }

    /// The shipped baseline is the calibrated scenario (MODEL.md §3.15): with six seeds neither the
    /// fit nor its check used, at England's scale (the report's; the fit ran at 30%), every target
    /// of scenarios/calibration.toml is met in its window (years 1-5; year 20 for `*_year20`). In year 20 the targets that are not levels
    /// (shares, margins, placement stability, and fees deflated by the input-cost index) are still
    /// met: the market does not drift away from the evidence. Levels (children, spend) grow with the
    /// demand trend by design, so year 20 is not held to 2011's counts.
    ///
    /// Known misses are listed by name, computed like the others and reported as a skip with their
    /// numbers while they miss; the day one is met the test fails, so that MODEL.md and the list are
    /// brought up to date. None since the fit of 6 December 2026 (night), which holds the shares and
    /// margins in year 20 as targets of their own (`*_year20` in scenarios/calibration.toml): before
    /// it the IFA margin in year 20 read 21.0% against the upper edge 20.9% (MODEL.md §3.15).
    func testCalibratedBaselineMeetsTheTargets() throws {
        let knownMisses: Set<String> = []
        let cal = try Calibration.load(Support.scenarioPath("calibration"))
        let months = 240, replications = 6
        var scenario = cal.runBase
        scenario.set("simulation.months", .integer(months))
        scenario.set("simulation.scale", .real(1))
        let theta = cal.parameters.map { Calibration.numericValue($0.paths[0], in: cal.base)! }
        // baseline.toml holds the fit shipped in results/calibration (to the digits it quotes).
        let fitted = try ScenarioParser.parse(file: Support.root.appendingPathComponent("results/calibration/calibrated.toml").path)
        for (p, v) in zip(cal.parameters, theta) {
            let f = try XCTUnwrap(Calibration.numericValue(p.paths[0], in: fitted))
            XCTAssertEqual(v, f, accuracy: 0.005 * abs(f), "\(p.name): baseline.toml \(v), fitted \(f)")
        }
        let config = ModelConfig(cal.applying(theta, to: scenario))
        let first = cal.replications + cal.checkReplications
        let runs = ParallelRunner(threads: 2).map(replications) { k in
            Simulation(config: config, seed: cal.runSeed(first + k)).run().rows
        }
        let inflation = try XCTUnwrap(Calibration.numericValue("budget.inflation", in: cal.base))
        var misses: [String: [String]] = [:], met: [String: Bool] = [:]
        for (t, yearTwenty) in cal.targets.flatMap({ t in [(t, false), (t, true)] }) {
            // Levels are not held in year 20, nor again a target whose own window lies in it.
            if yearTwenty && (t.perScale || t.rows.allSatisfy { $0 >= months - 12 }) { continue }
            let window = yearTwenty ? Array(stride(from: months - 12 + (t.every == 12 ? 11 : 0), to: months, by: t.every)) : t.rows
            let deflate = yearTwenty && t.expression.metrics.contains { MetricColumns.all[$0].unit.hasPrefix("£") }
            var s = RunningMoments()
            for rows in runs {
                s.add(t.expression.value { j in
                    window.reduce(0.0) { $0 + rows[$1][j] / (deflate ? pow(1 + inflation, Double($1) / 12) : 1) } / Double(window.count)
                })
            }
            let error = (s.mean - t.value) / abs(t.value)
            let text = "\(t.name) \(yearTwenty ? "in year 20" : "in months \(window.first! + 1)-\(window.last! + 1)"): \(s.mean) (sd \(s.sd)) against \(t.value) ± \(t.tolerance * 100)% (\(t.source))"
            if knownMisses.contains(t.name) {
                met[t.name, default: true] = met[t.name, default: true] && abs(error) <= t.tolerance
                if abs(error) > t.tolerance { misses[t.name, default: []].append(text) }
            } else {
                XCTAssertLessThanOrEqual(abs(error), t.tolerance, text)
            }
        }
        for name in knownMisses.sorted() where met[name] == true {
            XCTFail("KNOWN MISS NOW MET — update MODEL.md §3.15 and this test's list: \(name)")
        }
        if !misses.isEmpty { throw XCTSkip("KNOWN MISSES (MODEL.md §3.15): " + misses.values.flatMap { $0 }.sorted().joined(separator: "; ")) }
    }

    /// Interrupted after a few evaluations, a calibration resumes from its journal and ends where an
    /// uninterrupted one does.
    func testResumeGivesTheSameFit() throws {
        let path = try file(target + "\n" + parameter + "\n", calibration: """
        [calibration]
        scenario = "\(Support.scenarioPath("baseline"))"
        replications = 2
        seed = 9
        max_evaluations = 12
        restarts = 0
        set = { "simulation.scale" = 0.03, "simulation.months" = 12, "simulation.burn_in_months" = 24 }
        """)
        let cal = try Calibration.load(path)
        let whole = Support.tempDir() + "/whole", split = Support.tempDir() + "/split"
        guard case .finished(let a) = try Calibrator(calibration: cal, out: whole, threads: 2).run() else { return XCTFail() }
        let first = Calibrator(calibration: cal, out: split, threads: 2)
        let counter = StopCounter()
        first.shouldStop = { counter.next() > 4 }
        guard case .interrupted = try first.run() else { return XCTFail("not interrupted") }
        let second = Calibrator(calibration: cal, out: split, threads: 2)
        guard case .finished(let b) = try second.run() else { return XCTFail() }
        XCTAssertEqual(a.best.theta, b.best.theta)
        XCTAssertEqual(a.evaluations.map(\.objective), b.evaluations.map(\.objective))
        XCTAssertGreaterThan(second.simulatedRuns, 0)
        XCTAssertLessThan(second.simulatedRuns, (a.evaluations.count + 1) * 2, "the resumed calibration simulated only what the first had not")
    }
}

private final class StopCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func next() -> Int { lock.lock(); defer { lock.unlock() }; n += 1; return n }
}
