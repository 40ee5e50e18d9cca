import CGSL
import CommissimEngine
import CommissimModel
import Foundation
import TOMLKit

/// A sweep: a base scenario, a design of parameter points and a number of replications per point.
///
/// ```toml
/// [study]
/// scenario = "three_year.toml"   # relative to the study file
/// replications = 20
/// seed = 7                       # study seed (default: the scenario's simulation.seed)
/// set = { "simulation.scale" = 0.5 }   # overrides of the base scenario (optional)
/// design = "grid"                # grid | lhs | sobol | halton
/// points = 16                    # lhs, sobol, halton only
///
/// [vary]                         # grid: lists or ranges
/// "policy.contract_months" = [36, 60, 120]
/// "budget.austerity_cut" = { from = 0.0, to = 0.28, steps = 3 }
/// # lhs/sobol/halton: bounds
/// # "demand.trend" = { min = 0.0, max = 0.05 }
/// ```
public struct Study: Sendable {
    /// How the points are chosen.
    public enum Design: String, Sendable, CaseIterable { case grid, lhs, sobol, halton, file }

    public let file: String
    public let text: String
    public let scenarioFile: String
    public let scenarioText: String
    public internal(set) var base: ResolvedScenario
    /// Overrides from the command line (`sweep --set path=value`), applied to the base scenario.
    public internal(set) var overrides: [String] = []
    public let replications: Int
    public let seed: UInt64
    public let design: Design
    /// The varied parameters (user-facing paths) in column order.
    public let parameters: [String]
    /// Each point's values, in `parameters` order.
    public let points: [[ParamValue]]
    /// The design file's text (`design = "file"`), part of the study's identity.
    public var designText = ""
    /// The metrics summary.csv and runs.csv report (indices into ``MetricColumns/names``):
    /// `[study] metrics` or `sweep --metrics`; by default every metric (the clock columns month
    /// and year are never summarised).
    public internal(set) var metrics: [Int] = MetricColumns.metricIndices
    /// `[contrast] "PATH" = [A, B]`: contrasts.csv gives B − A of every metric, paired by
    /// replication, at each combination of the other varied parameters (index into `parameters`).
    public internal(set) var contrast: (parameter: Int, a: ParamValue, b: ParamValue)?

    /// The scenario of point `i`, with the study seed.
    public func scenario(point i: Int) -> ResolvedScenario {
        var s = base
        for (path, v) in zip(parameters, points[i]) { ScenarioParser.apply(path: path, v, to: &s) }
        s.set("simulation.seed", .integer(Int(seed)))
        return s
    }

    /// The configuration of point `i`, made when its runs need it: a sweep keeps none for every
    /// point at once (a million points' took 35 GB before the first run).
    public func config(point i: Int) -> ModelConfig { ModelConfig(scenario(point: i)) }

    /// The seed of replication `r`: the same at every point (common random numbers), so a point's
    /// differences from another reflect its parameters, not the luck of the draw.
    public func runSeed(replication r: Int) -> UInt64 { SeedDerivation.replicationSeed(seed, r) }

    public var runCount: Int { points.count * replications }

    /// Identifies the study: its file, the base scenario's text and its resolved form (so a change
    /// in a scenario it `extends` counts) and the tool version. A resumed or merged sweep must
    /// carry the same fingerprint.
    /// The output columns are part of it: a build with other metrics never resumes or merges
    /// another's journals and shards.
    public var fingerprint: String {
        Fingerprint.of(text + "\u{0}" + scenarioText + "\u{0}" + base.tomlText(header: "") + "\u{0}" + CommissimVersion.string + "\u{0}" + MetricColumns.names.joined(separator: ",")
                       + (overrides.isEmpty ? "" : "\u{0}" + overrides.joined(separator: "\u{0}"))
                       + (designText.isEmpty ? "" : "\u{0}" + designText)
                       + (metrics == MetricColumns.metricIndices ? "" : "\u{0}metrics:" + metrics.map { MetricColumns.names[$0] }.joined(separator: ",")))
    }

    /// The indices of the metrics `names` (as `[study] metrics` and `--metrics` give them), or the
    /// error for the first unknown one (`key` names where it was given).
    static func metricIndices(_ names: [String], file: String, line: Int?, key: String) throws -> [Int] {
        var out: [Int] = []
        for n in names {
            let name = n.trimmingCharacters(in: .whitespaces)
            if MetricColumns.clock.contains(name) {
                throw ScenarioErrors([ScenarioError(file: file, line: line, key: key, message: "\(name) is the clock, not a metric: every row already has it", fix: "remove \"\(name)\"")])
            }
            guard let j = MetricColumns.names.firstIndex(of: name) else {
                throw ScenarioErrors([ScenarioError(file: file, line: line, key: key, message: "\"\(name)\" is not a metric",
                                                    fix: Suggest.nearest(name, in: MetricColumns.names).map { "did you mean \"\($0)\"? (`commissim columns` lists them)" } ?? "see `commissim columns`")])
            }
            if !out.contains(j) { out.append(j) }
        }
        if out.isEmpty { throw ScenarioErrors([ScenarioError(file: file, line: line, key: key, message: "no metric given", fix: "name at least one column of `commissim columns`")]) }
        return out
    }

    /// This study reporting only the metrics `names` (`sweep --metrics`).
    public func selecting(metrics names: [String]) throws -> Study {
        var s = self
        s.metrics = try Self.metricIndices(names, file: file, line: nil, key: "--metrics")
        return s
    }

    /// This study with `assignments` (`path=value`, as `--set` gives them) applied to its base
    /// scenario. A varied parameter cannot also be set: the study's points would override it.
    public func setting(_ assignments: [String]) throws -> Study {
        // The points were checked when the file was read: without overrides they are unchanged.
        guard !assignments.isEmpty else { return self }
        var s = self
        for o in assignments {
            let path = ScenarioParser.assignedPath(o)
            // Every run's seed derives from the study seed: simulation.seed set here changed nothing.
            if ScenarioParser.specPath(path) == "simulation.seed" {
                throw ScenarioErrors([ScenarioError(file: file, line: nil, key: "--set \(o)", message: "a sweep's runs take their seeds from the study seed, not from simulation.seed",
                                                    fix: "remove it and write seed = S in [study]")])
            }
            if let sp = ScenarioParser.target(path), parameters.contains(where: { ScenarioParser.target($0) == sp }) {
                throw ScenarioErrors([ScenarioError(file: file, line: nil, key: "--set \(o)", message: "\(path) is varied by the study; --set cannot also fix it",
                                                    fix: "remove it from --set, or from [vary]")])
            }
            try ScenarioParser.applyOverride(o, to: &s.base)
        }
        try s.checkPointLimits()
        s.overrides += assignments
        return s
    }
}

extension Study {
    /// Reads a study file; throws ``ScenarioErrors`` naming file, line and key.
    public static func load(_ path: String) throws -> Study {
        try parse(text: ScenarioParser.readText(path), file: path)
    }

    public static func parse(text: String, file: String) throws -> Study {
        var r = Reader(file: file, text: text)
        let table = try Reader.table(text, file: file)
        r.checkSections(table, known: ["study", "vary", "contrast"], in: "a study file", otherwise: "a study has [study], [vary] and optionally [contrast]")
        let st = try r.section(table, "study", add: "add [study] with scenario = \"…\" and replications = …")
        r.checkKeys(st, in: "study", known: ["scenario", "replications", "seed", "design", "points", "points_file", "set", "metrics"])
        // [study] metrics = ["spend", …]: the metrics summary.csv and runs.csv report.
        var metrics = MetricColumns.metricIndices
        if let m = st["metrics"] {
            let line = r.locator.line("study.metrics")
            if let list = m.array, list.allSatisfy({ $0.string != nil }) {
                do { metrics = try Study.metricIndices(list.compactMap(\.string), file: file, line: line, key: "study.metrics") } catch let e as ScenarioErrors { r.errors += e.errors }
            } else {
                r.errors.append(ScenarioError(file: file, line: line, key: "study.metrics", message: "must be a list of metric names", fix: "write metrics = [\"spend\", \"outcome_mean\"]"))
            }
        }
        func int(_ k: String, _ def: Int?, _ range: ClosedRange<Int>) -> Int? { r.wholeNumber(st, k, in: "study", default: def, range) }
        // At most 100,000, as a comparison study allows: a point's runs are held until the point
        // is finished (about 8.5 KB each), so a million replications of one point took 8.5 GB.
        let replications = int("replications", nil, 1...100_000)
        // The study seed defaults to the base scenario's simulation.seed.
        let seedGiven = st["seed"] == nil ? nil : int("seed", 0, 0...Int(SeedDerivation.maxSeed))
        var design = Design.grid
        if let d = st["design"] {
            if let name = d.string, let dd = Design(rawValue: name) { design = dd } else {
                r.fail("study.design", key: "study.design", "must be one of \(Design.allCases.map(\.rawValue).joined(separator: ", "))",
                       fix: (d.string.flatMap { Suggest.nearest($0, in: Design.allCases.map(\.rawValue)) }).map { "did you mean \"\($0)\"?" }
                           ?? "write design = \"grid\", or another of those")
            }
        }
        let npoints = design == .grid || design == .file ? 0 : int("points", nil, 1...100_000)
        // design = "file": the points come from a CSV (relative to the study file), not from [vary].
        var designFile: (parameters: [String], points: [[ParamValue]], text: String)?
        var designPath = ""
        if design == .file {
            if table["vary"] != nil {
                r.fail("vary", key: "vary", "a file design takes its parameters from the CSV header", fix: "remove [vary], or use another design")
            }
            if let pf = st["points_file"]?.string {
                let dir = (file as NSString).deletingLastPathComponent
                let path = pf.hasPrefix("/") || dir.isEmpty ? pf : (dir as NSString).appendingPathComponent(pf)
                designPath = path
                do { designFile = try DesignFile.read(path) } catch let e as ScenarioErrors { r.errors += e.errors }
            } else {
                r.fail("study", key: "study.points_file", "missing", fix: "add points_file = \"design.csv\" (a CSV with a header of parameter paths and one row per point)")
            }
        } else if st["points_file"] != nil {
            r.fail("study.points_file", key: "study.points_file", "only a file design reads points_file", fix: "add design = \"file\", or remove points_file")
        }
        // The base scenario, relative to the study file.
        var base = ResolvedScenario()
        var scenarioFile = "", scenarioText = ""
        if let sf = st["scenario"]?.string {
            if let loaded = r.scenario(sf) { (scenarioFile, scenarioText, base) = loaded }
        } else {
            r.fail("study", key: "study.scenario", "missing", fix: "add scenario = \"baseline.toml\" (a path relative to the study file)")
        }
        // [study] set = { path = value, … }: overrides of the base scenario (as compare's).
        let sets = ComparisonStudy.overrides(st["set"], at: "study.set", reader: &r)
        for o in sets {
            if let (message, fix) = ScenarioParser.missingGroup(o.path, in: base) { r.fail("study.set." + o.path, key: "study.set." + o.path, message, fix: fix); continue }
            ScenarioParser.apply(path: o.path, o.value, to: &base)
        }
        // The varied parameters.
        var parameters: [String] = [], axes: [[ParamValue]] = [], bounds: [(Double, Double, Bool)] = []
        if let v = table["vary"], v.table == nil {
            r.fail("vary", key: "vary", "must be a table of parameter = values", fix: "write [vary] followed by lines such as \"policy.contract_months\" = [36, 120]")
        }
        if let vary = table["vary"]?.table {
            for path in vary.keys {
                let loc = "vary." + path
                guard let sp = ScenarioParser.specPath(path), let spec = ParameterCatalog.spec(sp) else {
                    r.fail(loc, key: path, "unknown parameter path", fix: r.unknownPathFix(path))
                    continue
                }
                if let (message, fix) = ScenarioParser.missingGroup(path, in: base) { r.fail(loc, key: path, message, fix: fix); continue }
                if sp == "simulation.seed" {
                    r.fail(loc, key: path, "the seed cannot be varied: every point's replications derive their seeds from the study seed",
                           fix: "remove it and use [study] replications = N (and seed = S) for more runs per point")
                    continue
                }
                guard let v = vary[path] else { continue }
                if design == .grid {
                    guard let values = gridValues(v, spec: spec, loc: loc, reader: &r) else { continue }
                    parameters.append(path); axes.append(values)
                } else {
                    guard let t = v.table, let lo = t["min"].flatMap(Reader.number), let hi = t["max"].flatMap(Reader.number) else {
                        r.fail(loc, key: path, "a \(design.rawValue) design needs bounds", fix: "write \"\(path)\" = { min = …, max = … }")
                        continue
                    }
                    if lo > hi { r.fail(loc, key: path, "bounds reversed: min \(Format.number(lo)) > max \(Format.number(hi))", fix: "swap min and max"); continue }
                    if let range = spec.range, !range.contains(lo) || !range.contains(hi) {
                        r.fail(loc, key: path, "bounds outside the valid range \(Format.range(range))", fix: "keep min and max within it"); continue
                    }
                    guard spec.kind == .real || spec.kind == .integer else {
                        r.fail(loc, key: path, "only numeric parameters can be sampled", fix: "use design = \"grid\" with a list"); continue
                    }
                    parameters.append(path); bounds.append((lo, hi, spec.kind == .integer))
                }
            }
        }
        if let d = designFile {
            parameters = d.parameters
            for path in parameters {
                if let (message, fix) = ScenarioParser.missingGroup(path, in: base) {
                    r.errors.append(ScenarioError(file: designPath, line: 1, key: path, message: message, fix: fix))
                }
            }
        }
        let gridPoints = axes.reduce(1.0) { $0 * Double($1.count) }
        if design == .grid && gridPoints > 1_000_000 {
            r.fail("vary", key: "vary", "the grid has \(Format.number(gridPoints)) points, above the limit of 1,000,000",
                   fix: "use fewer values per parameter, or design = \"lhs\" with points = N")
        }
        let pointCount = design == .grid ? gridPoints : design == .file ? Double(designFile?.points.count ?? 0) : Double(npoints ?? 0)
        if let reps = replications, pointCount * Double(reps) > 1e9 {
            r.fail("study", key: "study.replications", "points × replications is above the limit of 1,000,000,000 runs", fix: "use fewer points or replications")
        }
        if design == .sobol && parameters.count > 40 || design == .halton && parameters.count > 1229 {
            r.fail("vary", key: "vary", "\(design.rawValue) supports at most \(design == .sobol ? 40 : 1229) parameters", fix: "use design = \"lhs\"")
        }
        for o in sets where parameters.contains(where: { ScenarioParser.target($0) == ScenarioParser.target(o.path) }) {
            r.fail("study.set." + o.path, key: "study.set." + o.path, "\(o.path) is varied by the study; set cannot also fix it", fix: "remove it from set, or from [vary]")
        }
        if !r.errors.isEmpty { throw ScenarioErrors(r.errors.sorted { ($0.line ?? 0) < ($1.line ?? 0) }) }
        let seed = seedGiven.map(UInt64.init) ?? ModelConfig(base).seed
        let points: [[ParamValue]]
        switch design {
        case .grid: points = cartesian(axes)
        case .file: points = designFile!.points
        default: points = sample(design, n: npoints!, bounds: bounds, seed: seed)
        }
        var study = Study(file: file, text: text, scenarioFile: scenarioFile, scenarioText: scenarioText, base: base,
                          replications: replications!, seed: seed, design: design, parameters: parameters, points: points)
        study.designText = designFile?.text ?? ""
        study.metrics = metrics
        if let c = table["contrast"] { study.contrast = try contrastOf(c, parameters: parameters, points: points, file: file, reader: &r) }
        try study.checkPointLimits()
        return study
    }

    /// The `[contrast]` table: one varied parameter and the two of its values to compare.
    private static func contrastOf(_ v: TOMLValueConvertible, parameters: [String], points: [[ParamValue]], file: String,
                                   reader r: inout Reader) throws -> (parameter: Int, a: ParamValue, b: ParamValue) {
        func fail(_ key: String, _ message: String, _ fix: String) -> ScenarioErrors {
            ScenarioErrors([ScenarioError(file: file, line: r.locator.line(key == "contrast" ? "contrast" : "contrast." + key), key: "contrast" + (key == "contrast" ? "" : "." + key), message: message, fix: fix)])
        }
        guard let t = v.table, t.keys.count == 1, let path = t.keys.first else {
            throw fail("contrast", "must name one varied parameter and two of its values", "write [contrast] then \"policy.contract_months\" = [36, 120]")
        }
        guard let j = parameters.firstIndex(where: { ScenarioParser.target($0) == ScenarioParser.target(path) }),
              let spec = ScenarioParser.specPath(path).flatMap(ParameterCatalog.spec) else {
            throw fail(path, "\(path) is not varied by the study", "contrast one of: " + parameters.joined(separator: ", "))
        }
        guard let list = t[path]?.array, list.count == 2,
              let a = r.convert(list[0], spec: spec, location: "contrast." + path), let b = r.convert(list[1], spec: spec, location: "contrast." + path) else {
            if !r.errors.isEmpty { throw ScenarioErrors(r.errors) }
            throw fail(path, "needs two values, [A, B]", "e.g. \"\(path)\" = [36, 120] (B − A is reported)")
        }
        for x in [a, b] where !points.contains(where: { $0[j] == x }) {
            throw fail(path, "\(x.tomlText) is not one of the study's values of \(path)", "use two values the study runs")
        }
        guard a != b else { throw fail(path, "A and B are the same value, so every difference would be 0", "give two different values the study runs") }
        return (j, a, b)
    }

    /// Every point's market within the limits (a point can combine values that each pass alone,
    /// e.g. a high demand trend with a long run); the first that does not is named. Only the points
    /// are checked, the base with each point's values: a base too large alone is run only through
    /// points that may make it fit (`simulation.scale` varied). Where a point fails on a key no
    /// point varies and the base fails too, the base is named.
    func checkPointLimits() throws {
        for i in points.indices {
            do { try ScenarioParser.checkLimits(scenario(point: i), file: file) } catch let e as ScenarioErrors {
                let varied = Set(parameters.compactMap(ScenarioParser.target))
                if let key = e.errors.first?.key, !varied.contains(ScenarioParser.target(key) ?? key) {
                    do { try ScenarioParser.checkLimits(base, file: file) } catch let b as ScenarioErrors {
                        let line = SourceLocator(text: text).line("study.scenario")
                        throw ScenarioErrors(b.errors.map { ScenarioError(file: file, line: line, key: $0.key, message: "the base scenario: \($0.message)", fix: $0.fix) })
                    }
                }
                let values = zip(parameters, points[i]).map { "\($0) = \($1.tomlText)" }.joined(separator: ", ")
                let line = SourceLocator(text: text).line("vary")
                throw ScenarioErrors(e.errors.map {
                    ScenarioError(file: file, line: line, key: $0.key, message: "at point \(i) (\(values)): \($0.message)", fix: $0.fix.map { $0 + ", or narrow the [vary] range" })
                })
            }
        }
    }

    private static func gridValues(_ v: TOMLValueConvertible, spec: ParameterSpec, loc: String, reader r: inout Reader) -> [ParamValue]? {
        if let a = v.array {
            if a.isEmpty { r.fail(loc, key: spec.path, "empty list of values", fix: "give at least one value"); return nil }
            var out: [ParamValue] = []
            for item in a { guard let c = r.convert(item, spec: spec, location: loc) else { return nil }; out.append(c) }
            return out
        }
        if let t = v.table, let from = t["from"].flatMap(Reader.number), let to = t["to"].flatMap(Reader.number) {
            guard from.isFinite && to.isFinite else {
                r.fail(loc, key: spec.path, "a range's from and to must be finite numbers (got from \(Format.number(from)) to \(Format.number(to)))", fix: "{ from = …, to = …, steps = … } with finite ends")
                return nil
            }
            var xs: [Double] = []
            if let steps = t["steps"].flatMap(Reader.number) {
                guard steps >= 1, steps == steps.rounded() else { r.fail(loc, key: spec.path, "empty range: steps must be a whole number ≥ 1", fix: "e.g. steps = 3"); return nil }
                guard steps <= 100_000 else { r.fail(loc, key: spec.path, "steps = \(Format.number(steps)) is above the limit of 100,000 values", fix: "use at most 100000 steps"); return nil }
                let n = Int(steps)
                xs = n == 1 ? [from] : (0..<n).map { from + (to - from) * Double($0) / Double(n - 1) }
            } else if let by = t["by"].flatMap(Reader.number) {
                guard by != 0, (to - from) / by >= 0 else { r.fail(loc, key: spec.path, "empty range: from \(Format.number(from)) to \(Format.number(to)) by \(Format.number(by)) gives no values", fix: "check the sign of by"); return nil }
                guard (to - from) / by <= 100_000 else { r.fail(loc, key: spec.path, "from \(Format.number(from)) to \(Format.number(to)) by \(Format.number(by)) gives more than 100,000 values", fix: "use a larger by"); return nil }
                var x = from
                while (by > 0 ? x <= to + 1e-12 : x >= to - 1e-12) && xs.count < 100_000 { xs.append(x); x += by }
            } else {
                r.fail(loc, key: spec.path, "a range needs steps or by", fix: "{ from = …, to = …, steps = … }"); return nil
            }
            if from > to && t["steps"] != nil { r.fail(loc, key: spec.path, "range reversed: from > to", fix: "swap from and to"); return nil }
            var out: [ParamValue] = []
            for x in xs {
                let rounded = (x * 1e12).rounded() / 1e12
                guard let c = r.convert(rounded, spec: spec, location: loc) else { return nil }
                out.append(c)
            }
            return out
        }
        if let c = r.convert(v, spec: spec, location: loc) { return [c] }
        return nil
    }

    private static func cartesian(_ axes: [[ParamValue]]) -> [[ParamValue]] {
        var out: [[ParamValue]] = [[]]
        for axis in axes { out = out.flatMap { prefix in axis.map { prefix + [$0] } } }
        return out
    }

    /// Latin hypercube (GSL random stream) or quasi-random (GSL `gsl_qrng`) points within bounds.
    static func sample(_ design: Design, n: Int, bounds: [(Double, Double, Bool)], seed: UInt64) -> [[ParamValue]] {
        let d = bounds.count
        guard d > 0 else { return Array(repeating: [], count: n) }
        var unit = Array(repeating: Array(repeating: 0.0, count: d), count: n)
        switch design {
        case .lhs:
            let rng = RandomStream(seed: SeedDerivation.derive(seed, [0x4C48_5300]))
            for j in 0..<d {
                var perm = Array(0..<n)
                for i in stride(from: n - 1, to: 0, by: -1) { perm.swapAt(i, rng.uniformInt(i + 1)) }
                for i in 0..<n { unit[i][j] = (Double(perm[i]) + rng.uniform()) / Double(n) }
            }
        default:
            let type = design == .sobol ? commissim_qrng_sobol() : commissim_qrng_halton()
            guard let q = gsl_qrng_alloc(type, UInt32(d)) else { break }
            defer { gsl_qrng_free(q) }
            var x = Array(repeating: 0.0, count: d)
            for i in 0..<n {
                _ = x.withUnsafeMutableBufferPointer { gsl_qrng_get(q, $0.baseAddress) }
                unit[i] = x
            }
        }
        return unit.map { u in
            zip(u, bounds).map { x, b in
                let v = b.0 + x * (b.1 - b.0)
                return b.2 ? .integer(Int(v.rounded())) : .real(v)
            }
        }
    }
}

extension Reader {
    /// Parses `text` as TOML; a syntax error names the file and line. Every failure is a
    /// ``ScenarioErrors`` (the type says so, so callers need no other fallback).
    static func table(_ text: String, file: String) throws(ScenarioErrors) -> TOMLTable {
        do { return try SafeTOML.table(text) } catch let p as SafeTOML.Problem {
            throw ScenarioErrors([ScenarioError(file: file, line: p.line, key: nil, message: p.message, fix: p.fix)])
        } catch let e as TOMLParseError {
            let line = e.source.begin.line
            // A key written twice: name it, with its table, as every other key error does.
            if e.description.contains("redefine"), let q = e.description.firstIndex(of: "'"),
               let end = e.description[e.description.index(after: q)...].firstIndex(of: "'") {
                let name = String(e.description[e.description.index(after: q)..<end])
                let locator = SourceLocator(text: text)
                let table = locator.isHeader(line: line) ? "" : locator.table(atLine: line)
                throw ScenarioErrors([ScenarioError(file: file, line: line, key: table.isEmpty ? name : table + "." + name,
                                                    message: "defined twice (TOML allows each key and table once)",
                                                    fix: "keep one of the two definitions")])
            }
            if let (message, fix) = SafeTOML.numberBeyondRange(e.description) {
                throw ScenarioErrors([ScenarioError(file: file, line: line, key: SourceLocator(text: text).key(atLine: line, of: text),
                                                    message: message, fix: fix)])
            }
            throw ScenarioErrors([ScenarioError(file: file, line: line, key: nil, message: "not valid TOML: \(e.description)", fix: "correct the syntax on that line")])
        } catch {
            throw ScenarioErrors([ScenarioError(file: file, line: nil, key: nil, message: "not valid TOML: \(error)",
                                                 fix: "correct the file's syntax (key = value lines under [table] headers)")])
        }
    }

    /// Reads and parses the scenario at `path`, relative to this (study) file and kept relative
    /// when the study path is (portable manifests). Its problems are added to `errors`.
    mutating func scenario(_ path: String) -> (file: String, text: String, scenario: ResolvedScenario)? {
        let dir = (file as NSString).deletingLastPathComponent
        let resolved = path.hasPrefix("/") || dir.isEmpty ? path : (dir as NSString).appendingPathComponent(path)
        do {
            let text = try ScenarioParser.readText(resolved)
            // Checked as a market once the file's own overrides are applied (a study's `set`, a
            // comparison's arms, a calibration's `set` and bounds), not as it is here.
            return (resolved, text, try ScenarioParser.parse(text: text, file: resolved, crossChecks: false))
        } catch let e as ScenarioErrors {
            errors.append(contentsOf: e.errors)
        } catch {
            errors.append(ScenarioError(file: resolved, line: nil, key: nil, message: "\(error)",
                                        fix: "check the scenario's path (a relative path is read from the study file's folder)"))
        }
        return nil
    }

    /// Reports every top-level section of `table` that is not in `known` (in `what`, e.g. "a study
    /// file"), with the nearest valid one, or `otherwise` as the fix.
    mutating func checkSections(_ table: TOMLTable, known: [String], in what: String, otherwise: String) {
        for k in table.keys where !known.contains(k) {
            fail(k, key: k, "unknown section in \(what)", fix: Suggest.nearest(k, in: known).map { "did you mean [\($0)]?" } ?? otherwise)
        }
    }

    /// Reports every key of table `t` (at `location`) that is not in `known`, with the nearest valid one.
    mutating func checkKeys(_ t: TOMLTable, in location: String, known: [String]) {
        for k in t.keys where !known.contains(k) {
            fail(location + "." + k, key: location + "." + k, "unknown key",
                 fix: Suggest.nearest(k, in: known).map { "did you mean '\($0)'?" } ?? "valid: " + known.joined(separator: ", "))
        }
    }

    /// The whole number `key` of table `t` (at `location`) within `range`; `def` when absent, an
    /// error when absent and `def` is nil or when not a whole number in range.
    mutating func wholeNumber(_ t: TOMLTable, _ key: String, in location: String, default def: Int?, _ range: ClosedRange<Int>) -> Int? {
        guard let v = t[key] else {
            if def == nil { fail(location, key: location + "." + key, "missing", fix: "add \(key) = …") }
            return def
        }
        guard let x = Reader.number(v), x == x.rounded(), range.contains(Int(exactly: x) ?? -1) else {
            fail(location + "." + key, key: location + "." + key, "must be a whole number in \(range.lowerBound)…\(range.upperBound)",
                 fix: "write e.g. \(key) = \(max(range.lowerBound, min(range.upperBound, 20)))")
            return nil
        }
        return Int(x)
    }

    /// Converts a plain number for a parameter (ranges in study files).
    mutating func convert(_ x: Double, spec: ParameterSpec, location: String) -> ParamValue? {
        let text = spec.kind == .integer && x == x.rounded() ? String(Int(x)) : "\(x)"
        guard let t = try? TOMLTable(string: "v = " + text) else { return nil }
        return convert(t["v"]!, spec: spec, location: location)
    }
}
