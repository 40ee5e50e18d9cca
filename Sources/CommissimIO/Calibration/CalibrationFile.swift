import CommissimEngine
import CommissimModel
import Foundation
import TOMLKit

/// A calibration: the base scenario, the evidence it must reproduce (targets) and the uncertain
/// parameters free to move (MODEL.md §3.15; scenarios/calibration.toml is the shipped one).
///
/// ```toml
/// [calibration]
/// scenario = "baseline.toml"      # relative to this file
/// replications = 4                # common random numbers: the same seeds at every candidate
/// check_replications = 4          # fresh seeds for the final check (default: replications)
/// seed = 11                       # default: the scenario's simulation.seed
/// set = { "simulation.scale" = 0.2, "simulation.months" = 60 }
/// restarts = 2                    # Nelder–Mead restarts from the best point
/// max_evaluations = 200
///
/// [[targets]]
/// name = "looked_after"
/// metric = "looked_after"         # or expression = "12 * (spend_fostering + spend_residential)"
/// from = 1                        # reported months, 1-based, inclusive
/// to = 60
/// every = 1                       # every 12 from month 12: the Decembers
/// value = 56440
/// tolerance = 0.1                 # ± relative
/// per_scale = true                # a level: the model's value / simulation.scale
/// source = "004: 48,530 fostered and 7,910 in residential care (March 2011)"
///
/// [[parameters]]
/// path = "demand.referrals_per_10k"   # or a list of paths that take one value
/// name = "referrals"                  # optional: the column name in the outputs
/// lower = 3.0
/// upper = 5.0
/// log = false
/// start = 3.97                        # optional: where the search starts (default: the scenario's value)
/// ```
public struct Calibration: Sendable {
    public struct Target: Sendable {
        public let name: String
        public let text: String
        public let expression: MomentExpression
        public let from: Int, to: Int, every: Int
        public let value: Double
        public let tolerance: Double
        public let weight: Double
        public let perScale: Bool
        public let source: String
        /// Reported months (0-based row indices) the window averages.
        public var rows: [Int] { Array(stride(from: from - 1, through: to - 1, by: every)) }
    }

    public struct Parameter: Sendable {
        /// The user-facing paths that take this one value (usually one).
        public let paths: [String]
        public let lower: Double, upper: Double
        public let log: Bool
        public let integer: Bool
        /// Where the search starts: `start = …` in the file, else the base scenario's value clamped
        /// into the bounds (a shipped calibration names its start, so that it reproduces after the
        /// scenario adopts the fit).
        public let start: Double
        /// `name = "…"` in the file, else the path (paths joined by "+").
        public let name: String

        /// The parameter value at unit coordinate `u` (clamped into 0…1).
        public func value(unit u: Double) -> Double {
            let x = min(1, max(0, u.isFinite ? u : 0))
            let v = log ? Foundation.exp(Foundation.log(lower) + x * (Foundation.log(upper) - Foundation.log(lower))) : lower + x * (upper - lower)
            return integer ? v.rounded() : min(upper, max(lower, v))
        }

        /// The unit coordinate of value `v`.
        public func unit(_ v: Double) -> Double {
            guard upper > lower else { return 0.5 }
            return log ? (Foundation.log(v) - Foundation.log(lower)) / (Foundation.log(upper) - Foundation.log(lower)) : (v - lower) / (upper - lower)
        }

        func paramValue(_ v: Double) -> ParamValue { integer ? .integer(Int(v)) : .real(v) }
    }

    public let file: String
    public let text: String
    public let scenarioFile: String
    public let scenarioText: String
    /// The scenario as loaded: the fitted values go here for calibrated.toml.
    public let base: ResolvedScenario
    /// The scenario the candidates run: `base` with `[calibration] set` applied.
    public let runBase: ResolvedScenario
    public let sets: [String]
    public let replications: Int
    public let checkReplications: Int
    public let seed: UInt64
    public let restarts: Int
    public let maxEvaluations: Int
    public let targets: [Target]
    public let parameters: [Parameter]

    /// The scale the candidates run at (level targets are divided by it).
    public var scale: Double { ModelConfig(runBase).scale }

    /// `scenario` with the parameter values `theta` (in `parameters` order) applied.
    public func applying(_ theta: [Double], to scenario: ResolvedScenario) -> ResolvedScenario {
        Self.applyingValues(parameters, theta, to: scenario)
    }

    /// The seed of fitting replication `r` (the same at every candidate) and, for `r` ≥
    /// `replications`, of the fresh seeds of the final check.
    public func runSeed(_ r: Int) -> UInt64 { SeedDerivation.replicationSeed(seed, r) }

    /// Identifies the calibration: its file, the scenario (as written and resolved), the tool
    /// version and the output columns. A journal of another fingerprint is never replayed.
    public var fingerprint: String {
        Fingerprint.of(text + "\u{0}" + scenarioText + "\u{0}" + runBase.tomlText(header: "") + "\u{0}" + CommissimVersion.string + "\u{0}" + MetricColumns.names.joined(separator: ","))
    }
}

extension Calibration {
    public static func load(_ path: String) throws -> Calibration {
        try parse(text: ScenarioParser.readText(path), file: path)
    }

    public static func parse(text: String, file: String) throws -> Calibration {
        var r = Reader(file: file, text: text)
        let table = try Reader.table(text, file: file)
        r.checkSections(table, known: ["calibration", "targets", "parameters"], in: "a calibration file",
                        otherwise: "a calibration file has [calibration], [[targets]] and [[parameters]]")
        let ct = try r.section(table, "calibration", add: "add [calibration] with scenario = \"baseline.toml\" and replications = 4")
        r.checkKeys(ct, in: "calibration", known: ["scenario", "replications", "check_replications", "seed", "set", "restarts", "max_evaluations"])
        let replications = r.wholeNumber(ct, "replications", in: "calibration", default: nil, 2...10_000)
        let check = r.wholeNumber(ct, "check_replications", in: "calibration", default: replications ?? 2, 2...10_000)
        let seedGiven = ct["seed"] == nil ? nil : r.wholeNumber(ct, "seed", in: "calibration", default: 0, 0...Int(SeedDerivation.maxSeed))
        let restarts = r.wholeNumber(ct, "restarts", in: "calibration", default: 2, 0...100)
        let maxEvaluations = r.wholeNumber(ct, "max_evaluations", in: "calibration", default: 200, 1...100_000)
        var base = ResolvedScenario(), scenarioFile = "", scenarioText = ""
        var loaded = false
        if let sf = ct["scenario"]?.string {
            if let l = r.scenario(sf) { (scenarioFile, scenarioText, base) = l; loaded = true }
        } else {
            r.fail("calibration", key: "calibration.scenario", "missing", fix: "add scenario = \"baseline.toml\" (a path relative to the calibration file)")
        }
        var runBase = base
        let sets = ComparisonStudy.overrides(ct["set"], at: "calibration.set", reader: &r)
        for o in sets {
            if let (message, fix) = ScenarioParser.missingGroup(o.path, in: runBase) { r.fail("calibration.set." + o.path, key: "calibration.set." + o.path, message, fix: fix); continue }
            ScenarioParser.apply(path: o.path, o.value, to: &runBase)
        }
        let months = ModelConfig(runBase).months

        // [[targets]]
        var targets: [Target] = []
        let targetTables = r.arrayOfTables(table, "targets", each: "target", none: "no targets", add: "add [[targets]] tables with name, metric, value and source")
        let targetKeys = ["name", "metric", "expression", "from", "to", "every", "value", "tolerance", "weight", "per_scale", "source"]
        var names = Set<String>()
        for (i, t) in targetTables {
            let at = "targets[\(i)]"
            r.checkKeys(t, in: at, known: targetKeys)
            guard let name = t["name"]?.string, !name.isEmpty, !name.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else {
                r.fail(at + ".name", key: at + ".name", t["name"] == nil ? "missing" : "must be a text without commas, quotes or line breaks", fix: "add name = \"looked_after\"")
                continue
            }
            if !names.insert(name).inserted { r.fail(at + ".name", key: at + ".name", "\"\(name)\" is used twice", fix: "give each target its own name") }
            let exprText: String
            switch (t["metric"], t["expression"]) {
            case (let m?, nil):
                guard let s = m.string else { r.fail(at + ".metric", key: at + ".metric", "must be a metric name", fix: "e.g. metric = \"looked_after\" (`commissim columns` lists them)"); continue }
                guard MetricColumns.index[s] != nil, !MetricColumns.clock.contains(s) else {
                    r.fail(at + ".metric", key: at + ".metric", "\"\(s)\" is not a metric",
                           fix: Suggest.nearest(s, in: MetricColumns.names).map { "did you mean \"\($0)\"? (`commissim columns` lists them)" } ?? "see `commissim columns`")
                    continue
                }
                exprText = s
            case (nil, let e?):
                guard let s = e.string else { r.fail(at + ".expression", key: at + ".expression", "must be a text", fix: "e.g. expression = \"12 * (spend_fostering + spend_residential)\""); continue }
                exprText = s
            case (nil, nil):
                r.fail(at, key: at + ".metric", "missing", fix: "add metric = \"…\" or expression = \"…\""); continue
            default:
                r.fail(at + ".expression", key: at + ".expression", "a target has a metric or an expression, not both", fix: "keep one of the two"); continue
            }
            let expression: MomentExpression
            do { expression = try MomentExpression.parse(exprText) } catch {
                let key = t["metric"] != nil ? ".metric" : ".expression"
                r.fail(at + key, key: at + key, "cannot read \"\(exprText)\": \(error.message)", fix: "write metric names (`commissim columns`), numbers, + - * / and parentheses")
                continue
            }
            if expression.metrics.isEmpty { r.fail(at + ".expression", key: at + ".expression", "names no metric", fix: "use at least one metric of `commissim columns`"); continue }
            let from = r.wholeNumber(t, "from", in: at, default: 1, 1...max(1, months)), to = r.wholeNumber(t, "to", in: at, default: months, 1...max(1, months))
            let every = r.wholeNumber(t, "every", in: at, default: 1, 1...max(1, months))
            if let f = from, let e = to, f > e { r.fail(at + ".from", key: at + ".from", "the window is reversed: from \(f) > to \(e)", fix: "swap from and to") }
            func real(_ k: String, _ def: Double?, _ ok: (Double) -> Bool, _ need: String) -> Double? {
                guard let v = t[k] else {
                    if def == nil { r.fail(at, key: at + "." + k, "missing", fix: "add \(k) = …") }
                    return def
                }
                guard let x = Reader.number(v), x.isFinite, ok(x) else { r.fail(at + "." + k, key: at + "." + k, "must be \(need)", fix: "e.g. \(k) = \(k == "value" ? "56440" : k == "weight" ? "1" : "0.1")"); return nil }
                return x
            }
            let value = real("value", nil, { $0 != 0 && abs($0) < 1e15 }, "a non-zero number below 10^15 in size (errors are relative to it)")
            let tolerance = real("tolerance", 0.1, { $0 > 0 && $0 <= 10 }, "a relative tolerance above 0 and at most 10")
            let weight = real("weight", 1, { $0 >= 0 && $0 <= 1e6 }, "a number from 0 to 1000000")
            var perScale = false
            if let ps = t["per_scale"] {
                if let b = ps.bool { perScale = b } else { r.fail(at + ".per_scale", key: at + ".per_scale", "must be true or false", fix: "per_scale = true for a level (children, £) that grows with simulation.scale") }
            }
            guard let source = t["source"]?.string, !source.trimmingCharacters(in: .whitespaces).isEmpty else {
                r.fail(t["source"] == nil ? at : at + ".source", key: at + ".source", "missing: every target cites its evidence", fix: "add source = \"004: …\"")
                continue
            }
            guard let f = from, let e = to, let ev = every, let v = value, let tol = tolerance, let w = weight, f <= e else { continue }
            targets.append(Target(name: name, text: exprText, expression: expression, from: f, to: e, every: ev, value: v, tolerance: tol,
                                  weight: w, perScale: perScale, source: source.replacingOccurrences(of: "\n", with: " ")))
        }

        // [[parameters]]
        var parameters: [Parameter] = []
        let parameterTables = r.arrayOfTables(table, "parameters", each: "free parameter", none: "no free parameters", add: "add [[parameters]] tables with path, lower and upper")
        var seen: [String] = []
        for (i, t) in parameterTables {
            let at = "parameters[\(i)]"
            r.checkKeys(t, in: at, known: ["path", "name", "lower", "upper", "log", "start"])
            var paths: [String] = []
            if let s = t["path"]?.string { paths = [s] } else if let a = t["path"]?.array, !a.isEmpty, a.allSatisfy({ $0.string != nil }) { paths = a.compactMap(\.string) } else {
                r.fail(t["path"] == nil ? at : at + ".path", key: at + ".path", t["path"] == nil ? "missing" : "must be a parameter path or a list of them",
                       fix: "e.g. path = \"demand.referrals_per_10k\" (`commissim params` lists them)")
                continue
            }
            var specs: [ParameterSpec] = []
            for path in paths {
                guard let sp = ScenarioParser.specPath(path), let spec = ParameterCatalog.spec(sp) else {
                    r.fail(at + ".path", key: at + ".path", "\"\(path)\" is not a parameter path", fix: r.unknownPathFix(path)); continue
                }
                if loaded, let (message, fix) = ScenarioParser.missingGroup(path, in: base) { r.fail(at + ".path", key: at + ".path", message, fix: fix); continue }
                guard spec.kind == .real || spec.kind == .integer else {
                    r.fail(at + ".path", key: at + ".path", "\(path) is not a number: only numeric parameters can be fitted", fix: "fit a numeric parameter (`commissim params`)"); continue
                }
                if sp == "simulation.seed" || sp == "simulation.scale" || sp == "simulation.months" || sp == "simulation.burn_in_months" {
                    r.fail(at + ".path", key: at + ".path", "\(path) sets how the model is run, not what it represents", fix: "fix it in [calibration] set instead"); continue
                }
                let target = ScenarioParser.target(path) ?? path
                if seen.contains(target) || sets.contains(where: { ScenarioParser.target($0.path) == target }) {
                    r.fail(at + ".path", key: at + ".path", "\(path) is fitted twice, or also fixed by [calibration] set", fix: "name each parameter once"); continue
                }
                seen.append(target)
                specs.append(spec)
            }
            guard specs.count == paths.count, let spec = specs.first else { continue }
            if specs.contains(where: { ($0.kind == .integer) != (spec.kind == .integer) }) { r.fail(at + ".path", key: at + ".path", "the paths mix whole-number and real parameters", fix: "give them one [[parameters]] each"); continue }
            guard let lo = t["lower"].flatMap(Reader.number), let hi = t["upper"].flatMap(Reader.number), lo.isFinite, hi.isFinite else {
                r.fail(at, key: at + (t["lower"].flatMap(Reader.number) == nil ? ".lower" : ".upper"), "missing or not a number", fix: "give the bounds: lower = …, upper = …")
                continue
            }
            guard lo < hi else { r.fail(at + ".lower", key: at + ".lower", "lower \(Format.number(lo)) must be below upper \(Format.number(hi))", fix: "swap or widen the bounds"); continue }
            if let bad = specs.first(where: { s in s.range.map { !$0.contains(lo) || !$0.contains(hi) } ?? false }), let range = bad.range {
                r.fail(at + ".lower", key: at + ".lower", "bounds outside \(bad.path)'s valid range \(Format.range(range))", fix: "keep lower and upper within it"); continue
            }
            var log = false
            if let l = t["log"] {
                if let b = l.bool { log = b } else { r.fail(at + ".log", key: at + ".log", "must be true or false", fix: "log = true searches the parameter on a log scale") }
            }
            if log && lo <= 0 { r.fail(at + ".log", key: at + ".log", "a log scale needs lower > 0", fix: "raise lower above 0, or set log = false"); continue }
            let integer = spec.kind == .integer
            var start = (lo + hi) / 2
            if loaded, let v = Self.numericValue(paths[0], in: base) { start = min(hi, max(lo, v)) }
            if let st = t["start"] {
                guard let v = Reader.number(st), v.isFinite, v >= lo, v <= hi else {
                    r.fail(at + ".start", key: at + ".start", "must be a number within lower and upper (\(Format.number(lo))…\(Format.number(hi)))",
                           fix: "give a start inside the bounds, or leave it out to start at the scenario's value"); continue
                }
                start = integer ? v.rounded() : v
            }
            var name = paths.joined(separator: "+")
            if let n = t["name"] {
                if let s = n.string, !s.isEmpty, !s.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) { name = s } else {
                    r.fail(at + ".name", key: at + ".name", "must be a text without commas, quotes or line breaks", fix: "e.g. name = \"in_house_residential\""); continue
                }
            }
            if parameters.contains(where: { $0.name == name }) { r.fail(at + ".name", key: at + ".name", "\"\(name)\" names two parameters", fix: "give each its own name"); continue }
            parameters.append(Parameter(paths: paths, lower: lo, upper: hi, log: log, integer: integer, start: start, name: name))
        }
        if r.errors.isEmpty && loaded {
            // The corners of the box must be markets within the limits (a high referral rate at a
            // large scale can exceed them).
            let set = runBase
            for corner in [parameters.map(\.lower), parameters.map(\.upper)] {
                let s = parameters.isEmpty ? set : Calibration.applyingValues(parameters, corner, to: set)
                do { try ScenarioParser.checkLimits(s, file: file) } catch let e as ScenarioErrors {
                    r.errors += e.errors.map { ScenarioError(file: file, line: r.locator.line("parameters"), key: $0.key, message: "at the bounds of [[parameters]]: \($0.message)", fix: $0.fix.map { $0 + ", or narrow the bounds" }) }
                    break
                }
            }
        }
        if !r.errors.isEmpty { throw ScenarioErrors(r.errors.sorted { ($0.line ?? 0) < ($1.line ?? 0) }) }
        return Calibration(file: file, text: text, scenarioFile: scenarioFile, scenarioText: scenarioText, base: base, runBase: runBase,
                           sets: sets.map { "\($0.path) = \($0.value.tomlText)" }, replications: replications!, checkReplications: check!,
                           seed: seedGiven.map(UInt64.init) ?? ModelConfig(base).seed, restarts: restarts!, maxEvaluations: maxEvaluations!,
                           targets: targets, parameters: parameters)
    }

    static func applyingValues(_ parameters: [Parameter], _ theta: [Double], to scenario: ResolvedScenario) -> ResolvedScenario {
        var s = scenario
        for (p, v) in zip(parameters, theta) { for path in p.paths { ScenarioParser.apply(path: path, p.paramValue(p.integer ? v.rounded() : v), to: &s) } }
        return s
    }

    /// The numeric value `path` has in `scenario` (the first group's for `policy.KEY`).
    static func numericValue(_ path: String, in scenario: ResolvedScenario) -> Double? {
        let v: ParamValue?
        if let g = ScenarioParser.groupPath(path) {
            let groups = g.section == "councils" ? scenario.councilGroups : scenario.providerGroups
            v = groups.first(where: { g2 -> Bool in if case .text(let n)? = g2[g.section + ".name"] { return n == g.name }; return false })?[g.specPath]
        } else if let sp = ScenarioParser.specPath(path) {
            v = sp.hasPrefix("councils.") ? scenario.councilGroups.first?[sp] : scenario.global[sp]
        } else { v = nil }
        switch v {
        case .real(let x)?: return x
        case .integer(let i)?: return Double(i)
        default: return nil
        }
    }
}
