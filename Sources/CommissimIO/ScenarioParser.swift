import CommissimEngine
import CommissimModel
import Foundation
import TOMLKit

/// Reads a scenario file (TOML) into a ``ResolvedScenario``: every key checked against the
/// ``ParameterCatalog`` (name, type, range), defaults filled in, and every problem reported with
/// the file, line and key. Groups absent from the file come from ``DefaultPopulation``.
public enum ScenarioParser {
    /// Parses the scenario at `path`; throws every problem found, first by line. `crossChecks`:
    /// see ``parse(text:file:crossChecks:)``.
    public static func parse(file path: String, crossChecks: Bool = true) throws -> ResolvedScenario {
        try parse(text: readText(path), file: path, crossChecks: crossChecks)
    }

    /// The UTF-8 text of an input file (scenario or study); a missing, unreadable or non-text file is
    /// an input error naming the file.
    /// Largest scenario or study file read (4 MiB; 20,000 council groups take about 0.5 MiB).
    static let maxInputBytes = 4 * 1_048_576

    public static func readText(_ path: String) throws -> String {
        // Only regular files of a sane size: a FIFO or a device would block or never end, and a
        // scenario of megabytes is not one anyone wrote (the largest shipped is a few kB).
        var info = stat()
        if stat(path, &info) == 0 {
            if (info.st_mode & S_IFMT) != S_IFREG {
                throw ScenarioErrors([ScenarioError(file: path, line: nil, key: nil, message: "is not a regular file",
                                                    fix: "give the path of a .toml file")])
            }
            if info.st_size > Self.maxInputBytes {
                throw ScenarioErrors([ScenarioError(file: path, line: nil, key: nil,
                                                    message: "is \(info.st_size / 1_048_576) MiB, above the limit of \(Self.maxInputBytes / 1_048_576) MiB for a scenario or study file",
                                                    fix: "give the scenario file itself (a few kB of TOML)")])
            }
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw ScenarioErrors([ScenarioError(file: path, line: nil, key: nil,
                                                message: exists ? "cannot read the file" : "no such file",
                                                fix: exists ? "check its permissions" : "check the path (scenarios/ holds examples)")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ScenarioErrors([ScenarioError(file: path, line: nil, key: nil, message: "the file is not UTF-8 text", fix: "save it as UTF-8")])
        }
        return text
    }

    /// What a scenario's population is made of, where it mixes its own groups with the built-in
    /// ones: its `[[councils]]` replace the built-in councils while the built-in providers remain,
    /// or the reverse (nil when it gives both or neither). `validate` prints it; the run manifest
    /// records it.
    public static func populationNote(text: String, file: String) -> String? {
        guard InputKind.of(text: text) == .scenario else { return nil }
        var r = Reader(file: file, text: text)
        var chain: [String] = []
        let raw = r.composed(r.readRaw(), chain: &chain)
        guard r.errors.isEmpty else { return nil }
        let defaults = Reader.defaultPopulation()
        switch (raw.councilGroups, raw.providerGroups) {
        case (.some(let c), nil):
            return "its \(c.count) [[councils]] group(s) replace the built-in councils; the built-in providers (\(defaults.providerGroups!.count) groups) remain"
        case (nil, .some(let p)):
            return "its \(p.count) [[providers]] group(s) replace the built-in providers; the built-in councils (\(defaults.councilGroups!.count) groups) remain"
        default:
            return nil
        }
    }

    /// Checks what needs several keys at once — the limits on the size of the market, the tier
    /// shares — of `scenario` once its overrides are applied; `text`, the file's, when no override
    /// was applied, so that an error names the line of its key.
    public static func checkLimits(_ scenario: ResolvedScenario, file: String, text: String = "") throws {
        var r = Reader(file: file, text: text)
        r.crossCheck(scenario)
        if !r.errors.isEmpty { throw ScenarioErrors(r.errors) }
    }

    /// Parses scenario `text`; `file` names it in messages. Without `crossChecks` the checks that
    /// need several keys at once (the market's size, the tier shares) are left to
    /// ``checkLimits(_:file:text:)``, for a caller that applies overrides first: they may make a
    /// market that the file alone describes as too large fit (`--set simulation.scale=0.1`).
    public static func parse(text: String, file: String, crossChecks: Bool = true) throws -> ResolvedScenario {
        // A study file where a scenario is expected: say so, not "unknown section [study]".
        let kind = InputKind.of(text: text)
        if kind != .scenario {
            let what = kind == .sweep ? "a sweep study" : kind == .calibration ? "a calibration file" : "a comparison study"
            let command = kind == .sweep ? "commissim sweep \(file) --out DIR" : kind == .calibration ? "commissim calibrate \(file) --out DIR" : "commissim compare \(file) --out DIR"
            let locator = SourceLocator(text: text)
            throw ScenarioErrors([ScenarioError(file: file, line: locator.line("study") ?? locator.line("comparison") ?? locator.line("calibration"),
                                                key: kind == .calibration ? "calibration" : "study", message: "this is \(what), not a scenario",
                                                fix: "run it with `\(command)`, or give a scenario file here")])
        }
        var p = Reader(file: file, text: text)
        p.crossChecks = crossChecks
        let result = p.read()
        if !p.errors.isEmpty { throw ScenarioErrors(p.errors.sorted { ($0.line ?? 0) < ($1.line ?? 0) }) }
        return result
    }
}

/// All the problems found in one scenario file (at least one).
public struct ScenarioErrors: Error, CustomStringConvertible {
    public let errors: [ScenarioError]
    public init(_ errors: [ScenarioError]) { self.errors = errors }
    /// The problems printed: the first by line (a file of a million bad lines gets a screenful).
    public static let shown = 20
    /// One line per problem, at most ``shown`` of them and then one line counting the rest.
    public var description: String {
        var lines = errors.prefix(Self.shown).map(\.description)
        if errors.count > Self.shown {
            lines.append("\(errors[Self.shown].file): \(Format.number(Double(errors.count - Self.shown))) more problems not shown"
                         + " — fix: correct those above, then check again (`commissim validate`)")
        }
        return lines.joined(separator: "\n")
    }
}

struct Reader {
    let file: String
    let text: String
    let locator: SourceLocator
    var errors: [ScenarioError] = []
    /// The fix offered for each unknown key path, worked out once (a file may repeat one in
    /// thousands of groups). Past ``maxHints`` different paths no nearest key is looked for (the
    /// fix names `commissim params`): a file of 100,000 misspelt keys is refused in seconds.
    private var hints: [String: String] = [:]
    static let maxHints = 1_000
    /// Whether ``read()`` ends with ``crossCheck(_:)`` (see ``ScenarioParser/parse(text:file:crossChecks:)``).
    var crossChecks = true

    /// The fix for unknown key `path`, `work(suggest)` giving it (with a suggestion or without).
    mutating func hint(_ path: String, _ work: (_ suggest: Bool) -> String) -> String {
        if let h = hints[path] { return h }
        guard hints.count < Self.maxHints else { return work(false) }
        let h = work(true)
        hints[path] = h
        return h
    }

    /// The fix for an unknown parameter path (``ScenarioParser/unknownPathFix(_:suggest:)``).
    mutating func unknownPathFix(_ path: String) -> String {
        hint(path) { ScenarioParser.unknownPathFix(path, suggest: $0) }
    }

    init(file: String, text: String) {
        self.file = file
        self.text = text
        locator = SourceLocator(text: text)
    }

    mutating func fail(_ where_: String, key: String?, _ message: String, fix: String) {
        errors.append(ScenarioError(file: file, line: locator.line(where_), key: key, message: message, fix: fix))
    }

    /// The `[name]` section of a study, comparison study or calibration file; missing, or written
    /// as a value (`study = 3`), it is one error, fixed by `add`.
    func section(_ table: TOMLTable, _ name: String, add: String) throws(ScenarioErrors) -> TOMLTable {
        if let t = table[name]?.table { return t }
        throw ScenarioErrors([ScenarioError(file: file, line: locator.line(name) ?? 1, key: name,
                                            message: table[name] == nil ? "missing [\(name)] section" : "must be a table", fix: add)])
    }

    /// The `[[name]]` tables of a study or calibration file, with their indices. Reports `name`
    /// written as something other than an array of tables, missing or empty (`none`, fixed by
    /// `add`), and each element that is not a table.
    mutating func arrayOfTables(_ table: TOMLTable, _ name: String, each: String, none: String, add: String) -> [(index: Int, table: TOMLTable)] {
        let list = table[name]?.array
        if table[name] != nil && list == nil {
            fail(name, key: name, "must be an array of tables", fix: "write each \(each) as [[\(name)]]")
        } else if list?.isEmpty ?? true {
            errors.append(ScenarioError(file: file, line: nil, key: name, message: none, fix: add))
        }
        var tables: [(index: Int, table: TOMLTable)] = []
        for (i, item) in (list ?? []).enumerated() {
            if let t = item.table { tables.append((i, t)) } else { fail("\(name)[\(i)]", key: "\(name)[\(i)]", "must be a table", fix: "write [[\(name)]] followed by its keys") }
        }
        return tables
    }

    /// The keys as written, before defaults: top level, groups (nil when absent) and [policy].
    struct Raw {
        var global: [String: ParamValue] = [:]
        var councilGroups: [[String: ParamValue]]?
        var providerGroups: [[String: ParamValue]]?
        var policy: [String: ParamValue] = [:]
        /// `extends = "base.toml"` as written (ScenarioComposition.swift).
        var extends: String?
        /// Names of the base's groups this file removes (`remove = true`), per group section.
        var removed: [String: [String]] = [:]
    }

    mutating func read() -> ResolvedScenario {
        var chain: [String] = []
        return read(chain: &chain)
    }

    /// `read()`, within a chain of `extends` (the files above this one, to refuse cycles).
    mutating func read(chain: inout [String]) -> ResolvedScenario {
        let raw = composed(readRaw(), chain: &chain)
        guard errors.isEmpty || raw.councilGroups != nil || raw.providerGroups != nil || !raw.global.isEmpty else { return ResolvedScenario() }
        let defaults = raw.councilGroups == nil || raw.providerGroups == nil ? Self.defaultPopulation() : nil
        // A group's own policy keys win over [policy], which wins over the catalogue defaults.
        let councils = (raw.councilGroups ?? defaults!.councilGroups!).map { g in g.merging(raw.policy) { own, _ in own } }
        let scenario = ResolvedScenario(global: raw.global, councilGroups: councils,
                                        providerGroups: raw.providerGroups ?? defaults!.providerGroups!)
        if crossChecks { crossCheck(scenario) }
        return scenario
    }

    mutating func readRaw() -> Raw {
        var raw = Raw()
        let table: TOMLTable
        do {
            table = try Reader.table(text, file: file)
        } catch {
            errors += error.errors
            return raw
        }
        let known = ParameterCatalog.sections + ["policy", "extends"] + ParameterCatalog.groupSections
        for name in table.keys {
            if name == "extends" {
                if let path = table[name]?.string, !path.isEmpty { raw.extends = path } else {
                    fail(name, key: name, "must be the path of a scenario file in quotes", fix: "write e.g. extends = \"baseline.toml\" (relative to this file)")
                }
                continue
            }
            guard let value = table[name] else {
                fail(name, key: name, "this key cannot be read", fix: "write the key without escapes")
                continue
            }
            if name == "policy" {
                // [policy]: the policy of every council group that does not set a key itself.
                guard let sub = value.table else {
                    fail(name, key: name, "must be a table", fix: "write it as [policy] followed by its keys")
                    continue
                }
                readKeys(sub, prefix: "councils.policy", at: name, specs: ParameterCatalog.council, into: &raw.policy)
            } else if ParameterCatalog.sections.contains(name) {
                guard let sub = value.table else {
                    fail(name, key: name, "must be a table", fix: "write it as [\(name)] followed by its keys")
                    continue
                }
                readKeys(sub, prefix: name, at: name, specs: ParameterCatalog.global, into: &raw.global)
            } else if ParameterCatalog.groupSections.contains(name) {
                let (groups, removed) = readGroups(name, value)
                if name == "councils" { raw.councilGroups = groups } else { raw.providerGroups = groups }
                if !removed.isEmpty { raw.removed[name] = removed }
            } else {
                let hint = Suggest.nearest(name, in: known).map { "did you mean [\($0)]?" } ?? "valid sections: " + known.joined(separator: ", ")
                fail(name, key: name, "unknown section or key", fix: hint)
            }
        }
        return raw
    }

    /// The built-in England-like population, parsed with the same reader (keys as written).
    static func defaultPopulation() -> Raw {
        var r = Reader(file: "<default population>", text: DefaultPopulation.councils + "\n" + DefaultPopulation.providers)
        let raw = r.readRaw()
        precondition(r.errors.isEmpty && raw.councilGroups != nil && raw.providerGroups != nil, "built-in default population is invalid: \(r.errors)")
        return raw
    }

    /// The groups of section `name`, and the names of the groups it removes (`remove = true`, in
    /// a scenario that extends another: ScenarioComposition.swift).
    mutating func readGroups(_ name: String, _ value: TOMLValueConvertible) -> ([[String: ParamValue]], [String]) {
        guard let array = value.array else {
            fail(name, key: name, "must be an array of tables", fix: "write each group as [[\(name)]] followed by its keys")
            return ([], [])
        }
        let specs = name == "councils" ? ParameterCatalog.council : ParameterCatalog.provider
        // An array of values (`councils = [1, 2]`) is one mistake, reported once.
        if let i = array.indices.first(where: { array[$0].table == nil }) {
            fail("\(name)[\(i)]", key: name, "must be an array of tables, but element \(i + 1) is not a table",
                 fix: "write each group as [[\(name)]] followed by its keys")
            return ([], [])
        }
        var groups: [[String: ParamValue]] = [], removed: [String] = []
        var named: [String: (index: Int, given: Bool)] = [:]
        for (i, element) in array.enumerated() {
            let at = "\(name)[\(i)]"
            guard let t = element.table else { continue }
            if let r = t["remove"] {
                guard let flag = r.bool else { fail(at + ".remove", key: name + ".remove", "must be true or false", fix: "write remove = true"); continue }
                if flag {
                    guard let n = t["name"]?.string, t.keys.allSatisfy({ $0 == "name" || $0 == "remove" }) else {
                        fail(at + ".remove", key: name + ".remove", "a removed group names only the group it removes",
                             fix: "write [[\(name)]] with name = \"…\" and remove = true, nothing else")
                        continue
                    }
                    removed.append(n)
                    continue
                }
            }
            var values: [String: ParamValue] = [:]
            readKeys(t, prefix: name, at: at, specs: specs, into: &values, skip: ["remove"])
            groups.append(values)
            // Groups are told apart by name — in `NAME[…]` paths, an extending scenario and the
            // outputs by group — so each needs one of its own (a group without one has the default).
            let given = values[name + ".name"]?.text
            let n = given ?? ParameterCatalog.spec(name + ".name")?.defaultValue.text ?? name
            if n.allSatisfy(\.isWhitespace) {
                fail(at + ".name", key: name + ".name", "a group's name cannot be empty", fix: "give the group a name, e.g. name = \"Our County\"")
            } else if let first = named[n] {
                fail(given == nil ? at : at + ".name", key: name + ".name",
                     first.given || given != nil ? "\(Format.quoted(n)) names two [[\(name)]] groups (the \(Self.ordinal(first.index + 1)) and the \(Self.ordinal(i + 1)))"
                                                 : "the \(Self.ordinal(first.index + 1)) and \(Self.ordinal(i + 1)) [[\(name)]] groups have no name",
                     fix: "give each group its own name, e.g. name = \"Our County\"")
            } else {
                named[n] = (i, given != nil)
            }
        }
        if groups.isEmpty && removed.isEmpty {
            fail(name, key: name, "no groups given (zero \(name))", fix: "add at least one [[\(name)]] group, or remove the key to use the default population")
        }
        return (groups, removed)
    }

    /// "1st", "2nd", "3rd", "4th", … "11th", "21st".
    static func ordinal(_ n: Int) -> String {
        let suffix = (11...13).contains(n % 100) ? "th" : [1: "st", 2: "nd", 3: "rd"][n % 10] ?? "th"
        return "\(n)\(suffix)"
    }

    /// Reads the keys of table `t` whose catalogue paths start with `prefix`; `at` locates it in the file.
    mutating func readKeys(_ t: TOMLTable, prefix: String, at: String, specs: [ParameterSpec], into out: inout [String: ParamValue],
                           skip: Set<String> = []) {
        let valid = specs.filter { $0.path.hasPrefix(prefix + ".") }
        // The names a misspelt key here may have meant (made at the first unknown key, once).
        var names: [String]?
        func known() -> [String] {
            if let n = names { return n }
            let n = valid.map { String($0.path.dropFirst(prefix.count + 1).prefix { $0 != "." }) }
            names = n
            return n
        }
        for key in t.keys where !skip.contains(key) {
            guard let v = t[key] else {
                fail(at + "." + key, key: prefix + "." + key, "this key cannot be read", fix: "write the key without escapes")
                continue
            }
            let path = prefix + "." + key
            let location = at + "." + key
            if let sub = v.table, specs.contains(where: { $0.path.hasPrefix(path + ".") }) {
                readKeys(sub, prefix: path, at: location, specs: specs, into: &out)
                continue
            }
            guard let spec = valid.first(where: { $0.path == path }) else {
                if let fix = ScenarioParser.retiredFix(path) {
                    fail(location, key: path, "retired key", fix: fix)
                    continue
                }
                let fix = hint(path) { suggest in
                    (suggest ? Suggest.nearest(key, in: known()) : nil).map { "did you mean '\($0)'?" } ?? "run `commissim params` for the valid keys"
                }
                fail(location, key: path, "unknown key", fix: fix)
                continue
            }
            if let value = convert(v, spec: spec, location: location) { out[spec.path] = value }
        }
    }

    mutating func convert(_ v: TOMLValueConvertible, spec: ParameterSpec, location: String) -> ParamValue? {
        let key = spec.path
        func typeError(_ expected: String) -> ParamValue? {
            // On the command line the example is an override, in a file a line of its table.
            let example = file.hasPrefix("--set ") ? "--set \(ScenarioParser.assignedPath(file.dropFirst(6)))=\(spec.defaultValue.tomlText)" : "\(key.split(separator: ".").last!) = \(spec.defaultValue.tomlText)"
            fail(location, key: key, "expected \(expected), got \(Self.describe(v))", fix: "write e.g. \(example)")
            return nil
        }
        func checkRange(_ x: Double) -> Bool {
            guard let r = spec.range, !r.contains(x) else { return true }
            fail(location, key: key, "value \(Format.number(x)) is out of range \(Format.range(r))\(spec.unit.isEmpty ? "" : " (\(spec.unit))")",
                 fix: "use a value between \(Format.number(r.lowerBound)) and \(Format.number(r.upperBound))")
            return false
        }
        switch spec.kind {
        case .real:
            guard let x = Self.number(v) else { return typeError("a number") }
            guard x.isFinite else { return typeError("a finite number") }
            return checkRange(x) ? .real(x) : nil
        case .integer:
            guard let x = Self.number(v) else { return typeError("a whole number") }
            if x != x.rounded() || !x.isFinite {
                let what = spec.unit == "months" ? "a whole number of months" : "a whole number"
                fail(location, key: key, "\(Format.number(x)) is not \(what)",
                     fix: spec.unit == "months" ? "give the length in whole months (e.g. 36 for three years, 18 for a year and a half)" : "round it to a whole number")
                return nil
            }
            return checkRange(x) ? .integer(Int(x)) : nil
        case .flag:
            guard let b = v.bool else { return typeError("true or false") }
            return .flag(b)
        case .text:
            guard let s = v.string else { return typeError("text in quotes") }
            return .text(s)
        case .choice(let options):
            guard let s = v.string else { return typeError("one of \(options.map { "\"\($0)\"" }.joined(separator: ", "))") }
            guard options.contains(s) else {
                let hint = Suggest.nearest(s, in: options).map { "did you mean \"\($0)\"?" } ?? "use one of: " + options.joined(separator: ", ")
                fail(location, key: key, "\"\(s)\" is not a valid choice", fix: hint)
                return nil
            }
            return .text(s)
        case .choices(let options):
            guard let a = v.array else { return typeError("a list like [\"\(options[0])\"]") }
            var out: [String] = []
            for item in a {
                guard let s = item.string, options.contains(s) else {
                    let word = item.string ?? Self.describe(item)
                    let hint = item.string.flatMap { Suggest.nearest($0, in: options) }.map { "did you mean \"\($0)\"?" } ?? "use any of: " + options.joined(separator: ", ")
                    fail(location, key: key, "\(word) is not a valid entry", fix: hint)
                    return nil
                }
                if !out.contains(s) { out.append(s) }
            }
            return .list(out)
        case .distribution:
            if let x = Self.number(v) {
                return checkRange(x) ? .distribution(.fixed(x)) : nil
            }
            guard let t = v.table else { return typeError("a number or a distribution like { dist = \"lognormal\", mean = 4, sd = 2 }") }
            return distribution(t, spec: spec, location: location)
        }
    }

    mutating func distribution(_ t: TOMLTable, spec: ParameterSpec, location: String) -> ParamValue? {
        let key = spec.path
        guard let name = t["dist"]?.string else {
            fail(location, key: key, "a distribution needs dist = one of \(Distribution.names.joined(separator: ", "))", fix: "add dist = \"lognormal\" (or another)")
            return nil
        }
        let fields: [String]
        switch name {
        case "fixed": fields = ["value"]
        case "uniform": fields = ["min", "max"]
        case "normal", "lognormal", "gamma", "beta": fields = ["mean", "sd"]
        default:
            let hint = Suggest.nearest(name, in: Distribution.names).map { "did you mean \"\($0)\"?" } ?? "use one of: " + Distribution.names.joined(separator: ", ")
            fail(location + ".dist", key: key + ".dist", "unknown distribution \"\(name)\"", fix: hint)
            return nil
        }
        var values: [String: Double] = [:]
        var ok = true
        for k in t.keys where k != "dist" {
            guard fields.contains(k) else {
                fail(location + "." + k, key: key + "." + k, "\(name) takes only \(fields.joined(separator: " and "))",
                     fix: Suggest.nearest(k, in: fields).map { "did you mean '\($0)'?" } ?? "remove it")
                ok = false
                continue
            }
            guard let x = Self.number(t[k]!), x.isFinite else {
                fail(location + "." + k, key: key + "." + k, "expected a number, got \(Self.describe(t[k]!))",
                     fix: "write a finite number, e.g. \(k) = 1.0")
                ok = false
                continue
            }
            values[k] = x
        }
        for f in fields where values[f] == nil && ok {
            fail(location, key: key, "\(name) distribution is missing '\(f)'", fix: "add \(f) = …")
            ok = false
        }
        guard ok else { return nil }
        let d: Distribution
        switch name {
        case "fixed": d = .fixed(values["value"]!)
        case "uniform": d = .uniform(min: values["min"]!, max: values["max"]!)
        case "normal": d = .normal(mean: values["mean"]!, sd: values["sd"]!)
        case "lognormal": d = .lognormal(mean: values["mean"]!, sd: values["sd"]!)
        case "gamma": d = .gamma(mean: values["mean"]!, sd: values["sd"]!)
        default: d = .beta(mean: values["mean"]!, sd: values["sd"]!)
        }
        if let problem = d.problem(range: spec.range) {
            fail(location, key: key, problem, fix: spec.range.map { "keep values within \(Format.range($0))\(spec.unit.isEmpty ? "" : " \(spec.unit)")" }
                                                  ?? "choose parameters GSL can sample")
            return nil
        }
        return .distribution(d)
    }

    /// The largest market a run may build: the children in service stay within this, and the
    /// memory it needs at the start (``MemoryEstimate``) within ``MemoryLimit/bytes``.
    static let maxChildren = 30_000_000.0

    /// Checks that need several keys at once.
    mutating func crossCheck(_ s: ResolvedScenario) {
        let size = MarketSize(s)
        // Memory first where it is the councils and providers that need it; where it is the
        // children, the limit on children names the better fix (the trend, the referrals).
        let memoryOver = size.memory.total > MemoryLimit.bytes
        if memoryOver && !size.memory.mostlyChildren {
            failMemory(size)
        } else if size.children > Self.maxChildren {
            fail("simulation.scale", key: "simulation.scale",
                 "about \(Format.number(size.children.rounded())) children would be in service at the start, above the limit of 30,000,000",
                 fix: "lower simulation.scale, the councils' children or demand.referrals_per_10k")
        } else if size.peakChildren > Self.maxChildren {
            // Named by the largest of demand's rises: the trend over the months, a shock, random shocks.
            let percent = { (x: Double) in Format.number((x * 1000).rounded() / 10) + "%" }
            let rises = [("demand.trend", size.growth, "demand growing \(percent(size.trend)) a year over \(Format.number(size.months)) months",
                          "lower demand.trend or simulation.months"),
                         ("demand.shock_size", size.shock, "a demand shock of +\(percent(size.shock - 1))", "lower demand.shock_size"),
                         ("demand.random_shock_size", size.randomShock, "random demand shocks of +\(percent(size.randomShock - 1))",
                          "lower demand.random_shock_size or demand.random_shock_prob")]
            let (key, _, _, fix) = rises.max { $0.1 < $1.1 }!
            let said = rises.filter { $0.1 > 1 }.map(\.2)
            let rise = said.count > 1 ? said.dropLast().joined(separator: ", ") + " and " + said.last! : said.joined()
            fail(key, key: key,
                 "\(rise) would put about \(Format.number(size.peakChildren.rounded())) children in service at the peak (\(Format.number(size.children.rounded())) at the start), above the limit of 30,000,000",
                 fix: fix + " (or simulation.scale)")
        } else if memoryOver {
            failMemory(size)
        }
        let tierKeys = ParameterCatalog.tiers.map { "demand.share_\($0)" }
        let total = tierKeys.reduce(0.0) { acc, k in if case .real(let x) = s.global[k]! { return acc + x }; return acc }
        if total <= 0 { fail("demand", key: "demand.share_*", "the tier shares sum to zero", fix: "give at least one tier a positive share") }
        for (i, g) in s.providerGroups.enumerated() {
            let sum = ParameterCatalog.tiers.reduce(0.0) { acc, t in if case .real(let x) = g["providers.share_\(t)"]! { return acc + x }; return acc }
            if sum <= 0 { fail("providers[\(i)]", key: "providers.share_*", "this group's tier shares sum to zero", fix: "give at least one tier a positive share") }
        }
    }

    private mutating func failMemory(_ size: MarketSize) {
        fail("simulation.scale", key: "simulation.scale",
             "\(Format.number(size.councils)) councils and \(Format.number(size.independentProviders)) providers would need about \(Format.number((size.memory.total / 1_048_576).rounded())) MB of memory (\(size.memory.largest)), above the limit of \(MemoryLimit.described)",
             fix: size.memory.mostlyChildren
                ? "lower simulation.scale, the councils' children, demand.referrals_per_10k or demand.trend (or raise COMMISSIM_MEMORY_LIMIT_MB)"
                : MemoryLimit.fix)
    }

    static func number(_ v: TOMLValueConvertible) -> Double? {
        switch v.type {
        case .int: return v.int.map(Double.init)
        case .double: return v.double
        default: return nil
        }
    }

    static func describe(_ v: TOMLValueConvertible) -> String {
        switch v.type {
        case .string: return "text \"\(v.string ?? "")\""
        case .int: return "the whole number \(v.int ?? 0)"
        case .double: return "the number \(v.double ?? 0)"
        case .bool: return v.bool == true ? "true" : "false"
        case .table: return "a table"
        case .array: return "a list"
        default: return "a date/time"
        }
    }
}

extension ScenarioParser {
    /// A group path, `councils[NAME].KEY` or `providers[NAME].KEY`: one group's key (any key of
    /// the group but its name, e.g. `councils[Our County].policy.contract_months`), as
    /// (section, group name, catalogue path); nil for any other path.
    static func groupPath(_ path: String) -> (section: String, name: String, specPath: String)? {
        for section in ["councils", "providers"] where path.hasPrefix(section + "[") {
            let open = path.index(path.startIndex, offsetBy: section.count + 1)
            guard let close = path[open...].range(of: "].") else { return nil }
            let name = String(path[open..<close.lowerBound]), sp = section + "." + path[close.upperBound...]
            guard !name.isEmpty, sp != section + ".name", ParameterCatalog.spec(sp) != nil else { return nil }
            return (section, name, sp)
        }
        return nil
    }

    /// The path an override `path=value` sets, as written (before the first `=`, spaces trimmed).
    static func assignedPath<S: StringProtocol>(_ assignment: S) -> String {
        assignment.prefix { $0 != "=" }.trimmingCharacters(in: .whitespaces)
    }

    /// The override among `assignments` (`path=value`) that sets catalogue key `key`, if any: a
    /// command-line flag that sets the same key (`run --months`) is not given twice.
    public static func override(setting key: String, in assignments: [String]) -> String? {
        assignments.first { target(assignedPath($0)) == key }
    }

    /// What `path` sets, for telling two paths apart: a group path's group and key, otherwise the
    /// catalogue path (`policy.KEY` is every group's KEY).
    static func target(_ path: String) -> String? {
        if let g = groupPath(path) { return "\(g.section)[\(g.name)].\(g.specPath.dropFirst(g.section.count + 1))" }
        return specPath(path)
    }

    /// The problem with a group path whose group `scenario` does not have, as (message, fix); nil
    /// when `path` is not a group path or its group exists.
    static func missingGroup(_ path: String, in scenario: ResolvedScenario) -> (message: String, fix: String)? {
        guard let g = groupPath(path) else { return nil }
        let groups = g.section == "councils" ? scenario.councilGroups : scenario.providerGroups
        let names = groups.compactMap { $0[g.section + ".name"]?.text }
        if names.contains(g.name) { return nil }
        let kind = g.section == "councils" ? "council" : "provider"
        return ("the scenario has no \(kind) group named \"\(g.name)\"",
                Suggest.nearest(g.name, in: names).map { "did you mean \(g.section)[\($0)]?" } ?? "its \(kind) groups are: " + names.map { "\"\($0)\"" }.joined(separator: ", "))
    }

    /// The catalogue path a user-facing parameter path names: top-level keys as they are,
    /// `policy.KEY` for every council group's policy, a group path (``groupPath(_:)``) for its
    /// key; nil for anything else.
    static func specPath(_ path: String) -> String? {
        if let g = groupPath(path) { return g.specPath }
        let p = path.hasPrefix("policy.") ? "councils." + path : path
        guard ParameterCatalog.spec(p) != nil, !p.hasPrefix("providers."), p.hasPrefix("councils.policy.") || !p.hasPrefix("councils.") else { return nil }
        return p
    }

    /// Sets `value` where user-facing `path` says: one group for a group path (every group of
    /// that name), otherwise as ``apply(_:_:to:)``. A group path's group must exist
    /// (``missingGroup(_:in:)``), checked where the path is read.
    static func apply(path: String, _ value: ParamValue, to scenario: inout ResolvedScenario) {
        guard let g = groupPath(path) else { apply(specPath(path)!, value, to: &scenario); return }
        let key = g.section + ".name"
        if g.section == "councils" {
            for i in scenario.councilGroups.indices where scenario.councilGroups[i][key]?.text == g.name { scenario.councilGroups[i][g.specPath] = value }
        } else {
            for i in scenario.providerGroups.indices where scenario.providerGroups[i][key]?.text == g.name { scenario.providerGroups[i][g.specPath] = value }
        }
    }

    /// The fix for a key an earlier version had (``ParameterCatalog/retired``): what replaced it.
    static func retiredFix(_ path: String) -> String? { ParameterCatalog.retired[path].map { "use " + $0 } }

    /// The fix for a path `specPath` does not know: the nearest valid path, or how to address a group.
    static func unknownPathFix(_ path: String, suggest: Bool = true) -> String {
        if let fix = retiredFix(path) { return "the key was retired: " + fix }
        for section in ["councils", "providers"] where path.hasPrefix(section + ".") || path.hasPrefix(section + "[") {
            return "address one group as \(section)[NAME].KEY, e.g. \(section == "councils" ? "councils[Our County].policy.contract_months" : "providers[Small charities].capacity") (`commissim params` lists the keys)"
        }
        return (suggest ? Suggest.nearest(path, in: overridablePaths) : nil).map { "did you mean '\($0)'?" } ?? "run `commissim params` for the valid keys"
    }

    /// Every path `specPath` accepts, for suggestions.
    static let overridablePaths: [String] =
        ParameterCatalog.global.map(\.path) + ParameterCatalog.council.filter { $0.path.hasPrefix("councils.policy.") }.map { String($0.path.dropFirst("councils.".count)) }

    /// Sets `value` at catalogue path `specPath` (all council groups for policy keys).
    static func apply(_ specPath: String, _ value: ParamValue, to scenario: inout ResolvedScenario) {
        if specPath.hasPrefix("councils.policy.") {
            for i in scenario.councilGroups.indices { scenario.councilGroups[i][specPath] = value }
        } else {
            scenario.set(specPath, value)
        }
    }

    /// Applies the `--set` overrides in order and checks the market the scenario then makes against
    /// the limits: what `run` does, and what `validate --set` checks.
    /// `text`: the file's, for the lines of errors where there are no overrides.
    public static func applyOverrides(_ assignments: [String], to scenario: inout ResolvedScenario, file: String, text: String = "") throws {
        for o in assignments { try applyOverride(o, to: &scenario) }
        try checkLimits(scenario, file: file, text: assignments.isEmpty ? text : "")
    }

    /// Applies a command-line override `path=value` (value in TOML syntax) to `scenario`:
    /// a top-level key (`demand.trend=0.03`) or `policy.KEY`, which sets KEY for every council group.
    public static func applyOverride(_ assignment: String, to scenario: inout ResolvedScenario) throws {
        let origin = "--set \(assignment)"
        guard let eq = assignment.firstIndex(of: "=") else {
            throw ScenarioErrors([ScenarioError(file: origin, line: nil, key: nil, message: "expected PATH=VALUE", fix: "e.g. --set demand.trend=0.03")])
        }
        let path = assignedPath(assignment)
        let value = String(assignment[assignment.index(after: eq)...])
        guard let sp = specPath(path), let spec = ParameterCatalog.spec(sp) else {
            throw ScenarioErrors([ScenarioError(file: origin, line: nil, key: path, message: "unknown parameter", fix: unknownPathFix(path))])
        }
        if let (message, fix) = missingGroup(path, in: scenario) {
            throw ScenarioErrors([ScenarioError(file: origin, line: nil, key: path, message: message, fix: fix)])
        }
        var reader = Reader(file: origin, text: "")
        let table: TOMLTable
        guard !value.contains(where: { $0.isNewline }) else {
            throw ScenarioErrors([ScenarioError(file: origin, line: nil, key: path, message: "the value runs over more than one line",
                                                fix: "give one value on one line, e.g. \(path)=0.5")])
        }
        do { table = try SafeTOML.table("v = " + value) } catch {
            if let e = error as? TOMLParseError, let (message, fix) = SafeTOML.numberBeyondRange(e.description) {
                throw ScenarioErrors([ScenarioError(file: origin, line: nil, key: path, message: message, fix: fix)])
            }
            // Not TOML. A word for a key that takes words is read as that word (the shell has
            // usually taken the quotes: --set simulation.rng="taus2" arrives as simulation.rng=taus2),
            // words separated by commas or spaces for a list; anything else is told the form its key takes.
            guard let words = bareWords(value, kind: spec.kind), let read = try? SafeTOML.table("v = " + words) else {
                let (message, fix) = notTOML(value, path: path, spec: spec)
                throw ScenarioErrors([ScenarioError(file: origin, line: nil, key: path, message: message, fix: fix)])
            }
            table = read
        }
        guard let converted = reader.convert(table["v"]!, spec: spec, location: "v") else { throw ScenarioErrors(reader.errors) }
        apply(path: path, converted, to: &scenario)
    }
}

extension ScenarioParser {
    /// `value`, not TOML, as the TOML of the word (or list of words, separated by commas or
    /// spaces) a key of `kind` takes; nil for a key that takes a number, true/false or a
    /// distribution, for an empty value, and for a list with an empty entry (`a,,b`).
    static func bareWords(_ value: String, kind: ParamKind) -> String? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        switch kind {
        case .text, .choice: return Format.quoted(trimmed)
        case .choices:
            // Commas or spaces between the words, as in a design file's cells.
            let parts = trimmed.split(separator: ",", omittingEmptySubsequences: false)
            guard !parts.contains(where: { $0.allSatisfy(\.isWhitespace) }) else { return nil }
            let items = parts.flatMap { $0.split(whereSeparator: \.isWhitespace) }.map(String.init)
            return "[" + items.map(Format.quoted).joined(separator: ", ") + "]"
        default: return nil
        }
    }

    /// The error for a `--set` value that is not TOML, given the kind of value its key takes,
    /// with the key's own default as the example.
    static func notTOML(_ value: String, path: String, spec: ParameterSpec) -> (message: String, fix: String) {
        let shown = value.isEmpty ? "nothing" : "'\(value)'"
        let example = { (v: String) in setArgument(path, v) }
        switch spec.kind {
        case .real, .integer:
            let what = spec.kind == .integer ? "a whole number" : "a number"
            return ("expected \(what), got \(shown)", "write e.g. \(example(spec.defaultValue.tomlText))")
        case .flag:
            return ("expected true or false, got \(shown)", "write \(example("true")) or \(example("false"))")
        case .distribution:
            let mean: String
            if case .distribution(let d) = spec.defaultValue { mean = ParamValue.real(d.mean).tomlText } else { mean = spec.defaultValue.tomlText }
            return ("expected a number or a distribution, got \(shown)",
                    "write e.g. \(example(mean)) or \(example("{ dist = \"lognormal\", mean = \(mean), sd = \(mean) }"))")
        case .text, .choice, .choices:
            return ("expected a word or a list of words, got \(shown)", "write e.g. \(example(spec.defaultValue.tomlText))")
        }
    }

    /// `--set path=value` as it is typed in a shell: in single quotes where the shell would split
    /// it, expand it or take its quotes.
    static func setArgument(_ path: String, _ value: String) -> String {
        let argument = path + "=" + value
        let plain = argument.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || $0.properties.numericType != nil || "._=,+-/:".unicodeScalars.contains($0) }
        return "--set " + (plain ? argument : "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'")
    }
}

private extension ParamValue {
    /// The text of a `.text` value (a group's name); nil for any other.
    var text: String? { if case .text(let s) = self { return s } else { return nil } }
}

/// The size of the market a scenario builds, read from its parameters before it runs.
public struct MarketSize {
    public let councils: Double, independentProviders: Double
    /// Children in service at the start, and at the peak of demand's growth over the run.
    public let children: Double, peakChildren: Double
    let trend: Double, months: Double
    /// Demand's rises over the run, as factors: the trend's over the months, a scheduled shock's
    /// and random shocks'; the peak is the children at the start times all three.
    let growth: Double, shock: Double, randomShock: Double
    /// The memory the run is expected to need, in bytes (written into each manifest).
    public let memory: MemoryEstimate

    public init(_ s: ResolvedScenario) {
        func number(_ v: ParamValue?) -> Double {
            switch v {
            case .real(let x): return x
            case .integer(let i): return Double(i)
            case .distribution(let d): return d.mean
            default: return 0
            }
        }
        let scale = number(s.global["simulation.scale"])
        let scaled = { (n: Double) in max(1, (n * scale).rounded()) }
        councils = s.councilGroups.reduce(0.0) { $0 + scaled(number($1["councils.count"])) }
        independentProviders = s.providerGroups.reduce(0.0) { $0 + scaled(number($1["providers.count"])) }
        let tiers = ParameterCatalog.tiers
        let stayPerReferral = tiers.reduce(0.0) { $0 + number(s.global["demand.share_\($1)"]) * number(s.global["demand.duration_\($1)"]) }
            / max(1e-12, tiers.reduce(0.0) { $0 + number(s.global["demand.share_\($1)"]) })
        children = s.councilGroups.reduce(0.0) { acc, g in
            acc + scaled(number(g["councils.count"])) * number(g["councils.children"]) * number(g["councils.demand_factor"])
        } * number(s.global["demand.referrals_per_10k"]) / 10_000 * stayPerReferral
        // Demand grows over the reported months (the trend, a scheduled shock, random shocks):
        // the children in service at the peak must stay within the limit too, or a run would
        // allocate without bound (trend 1 over 20 years is a millionfold).
        months = number(s.global["simulation.months"])
        trend = number(s.global["demand.trend"])
        growth = pow(max(1, 1 + trend), months / 12)
        shock = 1 + max(0, number(s.global["demand.shock_size"]))
        randomShock = number(s.global["demand.random_shock_prob"]) > 0 ? 1 + number(s.global["demand.random_shock_size"]) : 1
        peakChildren = children * growth * shock * randomShock
        memory = MemoryEstimate(councils: councils, independentProviders: independentProviders, children: peakChildren)
    }
}

/// The memory a run is expected to need, from the market's size before it runs: scenarios whose
/// estimate is above ``MemoryLimit/bytes`` are refused when read, and every manifest records it.
/// It is an estimate with room to grow, not a bound: a market whose entrants or demand outgrow it
/// is stopped by the limit while it runs (``Market/ensureRoom(_:for:)``); `scripts/memory_check.py`
/// compares it with measured peaks. Three things grow with the market:
/// - the council × provider trust and placement matrices (`Providers`): 10 bytes a pair, for
///   every council and every provider column — independent providers and each council's three
///   in-house services — with room for entrants (the rows are fitted to the initial market and an
///   eighth more and grow by half when full, `Providers.fitRows`; counted here generously, as the
///   next power of two doubled), and the old matrices held while the new ones are filled;
/// - each council's lists of the independent providers it can reach (4 bytes an entry, up to every
///   independent provider for every council, entrants doubling them, old and new lists during a rebuild);
/// - the children's 64-byte records at the peak of demand, whose block doubles as it grows (old and
///   new blocks held while copying: three times the records at most), with their places on the
///   calendar and lists.
public struct MemoryEstimate {
    public let matrices: Double, reach: Double, children: Double
    public var total: Double { MemoryLimit.processBase + matrices + reach + children }

    init(councils: Double, independentProviders: Double, children peak: Double) {
        let columns = independentProviders + 3 * councils
        var stride = 64.0
        while stride < columns { stride *= 2 }
        stride *= 2 // room for entrants
        matrices = councils * stride * 10 * 1.5
        reach = councils * 2 * independentProviders * 4 * 2
        children = peak * (3 * 64 + 16)
    }

    /// Whether the children's records are the largest of the three.
    var mostlyChildren: Bool { children > matrices && children > reach }

    /// Which of the three is largest, in words (for the error message).
    var largest: String {
        if matrices >= reach && matrices >= children { return "mostly the council × provider trust matrices" }
        return reach >= children ? "mostly the councils' lists of providers they can reach" : "mostly the children's records"
    }
}
