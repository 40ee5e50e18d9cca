import CommissimEngine
import CommissimModel
import Foundation
import TOMLKit

/// A set of paired comparisons run together, such as the headline study or the stylised facts:
/// `commissim compare STUDY.toml --out DIR` runs each into `DIR/<name>/`.
///
/// ```toml
/// [study]
/// title = "Three-year versus ten-year contracts"
/// replications = 12                  # pairs of runs per comparison
/// seed = 20261122                    # replication r of every arm uses SplitMix64(seed, r); default: the first arm A's seed
/// set = { "simulation.scale" = 0.15 } # optional: overrides for every arm of every comparison
///
/// [[comparison]]
/// name = "austerity"                 # output sub-folder: letters, digits, _ and -
/// title = "Under austerity"          # optional, for reports
/// a = "austerity.toml"               # scenarios, relative to this file
/// b = "austerity.toml"
/// set = { ... }                      # optional: overrides for both arms
/// set_a = { "policy.contract_months" = 36 }
/// set_b = { "policy.contract_months" = 120 }
/// label_a = "3-year contracts"      # optional: the arms' names in summaries and reports
/// label_b = "10-year contracts"      #   (default: the scenario's file name and the arm's own overrides)
/// by = "group"                       # optional (also in [study]): comparison_groups.csv per group, or "council"
/// replications = 48                  # optional: this comparison's pairs, where a power calculation asks for more
/// ```
public struct ComparisonStudy: Sendable {
    /// One arm: a scenario file with overrides applied.
    public struct Arm: Sendable {
        public let file: String
        public let text: String
        public let scenario: ResolvedScenario
        /// The overrides applied, as `path=value` in the order written (study, comparison, arm).
        public let overrides: [String]
        /// Those of this arm only (`set_a` or `set_b`).
        public let own: [String]
        /// The arm's name in reports (`label_a` or `label_b`), if the study gives one.
        public let givenLabel: String?

        /// A short label: the study's `label_a`/`label_b`, else the scenario's file name and this
        /// arm's own overrides.
        public var label: String {
            if let givenLabel { return givenLabel }
            let base = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
            return own.isEmpty ? base : base + " [" + own.joined(separator: ", ") + "]"
        }
    }

    /// One paired comparison: B (alternative) against A (reference).
    public struct Entry: Sendable {
        public let name: String
        public let title: String
        public let a: Arm
        public let b: Arm
        /// Break the differences down by council group or council (`by`, else the study's).
        public let level: ComparisonLevel?
        /// Pairs of runs (`replications`, else the study's).
        public let replications: Int
    }

    public let file: String
    public let text: String
    public let title: String
    public let replications: Int
    public let seed: UInt64
    public let entries: [Entry]

    /// Identifies the study: its text, every scenario's text and the tool version, and every arm
    /// as resolved (so a change in a scenario one of them `extends` changes it too).
    public var fingerprint: String {
        Fingerprint.of(([text] + entries.flatMap { [$0.a.text, $0.b.text, $0.a.scenario.tomlText(header: ""), $0.b.scenario.tomlText(header: "")] }
                        + [CommissimVersion.string]).joined(separator: "\u{0}"))
    }

    /// Reads a comparison study; throws ``ScenarioErrors`` naming file, line and key.
    public static func load(_ path: String) throws -> ComparisonStudy {
        try parse(text: ScenarioParser.readText(path), file: path)
    }

    public static func parse(text: String, file: String) throws -> ComparisonStudy {
        var r = Reader(file: file, text: text)
        let table = try Reader.table(text, file: file)
        r.checkSections(table, known: ["study", "comparison"], in: "a comparison study",
                        otherwise: "a comparison study has [study] and [[comparison]] tables")
        let st: TOMLTable
        do { st = try r.section(table, "study", add: "add [study] with replications = …") } catch {
            r.errors += error.errors // reported with the rest; the comparisons are read on
            st = TOMLTable()
        }
        r.checkKeys(st, in: "study", known: ["title", "replications", "seed", "set", "by"])
        let replications = r.wholeNumber(st, "replications", in: "study", default: nil, 2...100_000)
        // The study seed defaults to the first comparison's arm A's simulation.seed.
        let seedGiven = st["seed"] == nil ? nil : r.wholeNumber(st, "seed", in: "study", default: 0, 0...Int(SeedDerivation.maxSeed))
        let title = Self.title(st, at: "study", reader: &r) ?? URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        /// `set`, `set_a` or `set_b` at `at`, less simulation.seed, which is refused: every run's
        /// seed derives from the study seed, so in an arm it changed nothing (it was passed over).
        func sets(_ value: TOMLValueConvertible?, at location: String) -> [(path: String, specPath: String, value: ParamValue)] {
            overrides(value, at: location, reader: &r).filter { o in
                guard o.specPath == "simulation.seed" else { return true }
                r.fail(location + "." + o.path, key: o.path, "a comparison study's runs take their seeds from the study seed, not from simulation.seed",
                       fix: "remove it and write seed = S in [study]")
                return false
            }
        }
        let common = sets(st["set"], at: "study.set")
        /// The table's `by` (nil when absent; a bad value is recorded as an error).
        func level(_ t: TOMLTable, at location: String) -> ComparisonLevel? {
            guard let v = t["by"] else { return nil }
            if let s = v.string, let l = ComparisonLevel(rawValue: s) { return l }
            r.fail(location + ".by", key: "by", "must be one of " + ComparisonLevel.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "),
                   fix: "write by = \"group\" (per council group and England) or by = \"council\" (each council too)")
            return nil
        }
        let studyLevel = level(st, at: "study")

        var entries: [Entry] = []
        let tables = r.arrayOfTables(table, "comparison", each: "comparison", none: "no comparisons", add: "add [[comparison]] tables with name, a and b")
        let entryKeys = ["name", "title", "a", "b", "set", "set_a", "set_b", "label_a", "label_b", "by", "replications"]
        var names = Set<String>()
        for (i, t) in tables {
            let at = "comparison[\(i)]"
            for k in t.keys where !entryKeys.contains(k) {
                r.fail(at + "." + k, key: k, "unknown key in a comparison", fix: Suggest.nearest(k, in: entryKeys).map { "did you mean '\($0)'?" } ?? "valid: " + entryKeys.joined(separator: ", "))
            }
            guard let name = t["name"]?.string else { r.fail(at, key: "name", "missing", fix: "add name = \"…\" (the output sub-folder)"); continue }
            let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "_-"))
            if name.isEmpty || name.unicodeScalars.contains(where: { !allowed.contains($0) }) {
                r.fail(at + ".name", key: "name", "\"\(name)\" cannot name a folder", fix: "use letters, digits, _ and - only")
                continue
            }
            if !names.insert(name).inserted { r.fail(at + ".name", key: "name", "\"\(name)\" is used twice", fix: "give each comparison its own name") }
            let both = sets(t["set"], at: at + ".set")
            func arm(_ key: String) -> Arm? {
                guard let path = t[key]?.string else { r.fail(at, key: key, "missing", fix: "add \(key) = \"scenario.toml\" (relative to the study file)"); return nil }
                guard let loaded = r.scenario(path) else { return nil }
                let (armFile, armText) = (loaded.file, loaded.text)
                var scenario = loaded.scenario
                let own = sets(t["set_" + key], at: at + ".set_" + key)
                let all = common + both + own
                for o in all {
                    if let (message, fix) = ScenarioParser.missingGroup(o.path, in: scenario) {
                        r.fail(at, key: o.path, "arm \(key) (\(path)): " + message, fix: fix)
                        continue
                    }
                    ScenarioParser.apply(path: o.path, o.value, to: &scenario)
                }
                let text = { (o: (path: String, specPath: String, value: ParamValue)) in "\(o.path)=\(o.value.tomlText)" }
                return Arm(file: armFile, text: armText, scenario: scenario, overrides: all.map(text), own: own.map(text),
                           givenLabel: label(t, "label_" + key, at: at + ".label_" + key, reader: &r))
            }
            let a = arm("a"), b = arm("b")
            let own = level(t, at: at)
            let pairs = t["replications"] == nil ? nil : r.wholeNumber(t, "replications", in: at, default: nil, 2...100_000)
            if let a, let b, let reps = pairs ?? replications {
                entries.append(Entry(name: name, title: Self.title(t, at: at, reader: &r) ?? name, a: a, b: b, level: own ?? studyLevel, replications: reps))
            }
        }
        // Each arm's market within the limits once its overrides are applied.
        let comparisonLine = r.locator.line("comparison")
        for e in entries {
            for (arm, side) in [(e.a, "a"), (e.b, "b")] {
                do { try ScenarioParser.checkLimits(arm.scenario, file: file) } catch let x as ScenarioErrors {
                    r.errors += x.errors.map { ScenarioError(file: file, line: comparisonLine, key: $0.key,
                                                             message: "comparison \(e.name), arm \(side): \($0.message)", fix: $0.fix) }
                }
            }
        }
        if !r.errors.isEmpty { throw ScenarioErrors(r.errors.sorted { ($0.line ?? 0) < ($1.line ?? 0) }) }
        let seed = seedGiven.map(UInt64.init) ?? entries.first.map { ModelConfig($0.a.scenario).seed } ?? 1
        return ComparisonStudy(file: file, text: text, title: title, replications: replications!, seed: seed, entries: entries)
    }

    /// An arm's label (`label_a`, `label_b`): one line of text, at most 120 characters.
    static func label(_ t: TOMLTable, _ key: String, at location: String, reader r: inout Reader) -> String? {
        guard let v = t[key] else { return nil }
        guard let s = v.string, isLabel(s) else {
            r.fail(location, key: key, labelProblem, fix: "e.g. \(key) = \"10-year contracts\"")
            return nil
        }
        return s
    }

    /// The table's `title` (nil when absent): one line of 1 to 200 characters, for report headings.
    /// A title that is not text was ignored for the default, and a line break ended the heading.
    static func title(_ t: TOMLTable, at location: String, reader r: inout Reader) -> String? {
        guard let v = t["title"] else { return nil }
        guard let s = v.string, !s.trimmingCharacters(in: .whitespaces).isEmpty, s.count <= 200,
              !s.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            r.fail(location + ".title", key: "title", "must be one line of text, 1 to 200 characters (a report's heading)",
                   fix: "e.g. title = \"Three-year versus ten-year contracts\"")
            return nil
        }
        return s
    }

    /// Whether `text` can name an arm (`label_a`, `label_b`, `compare --label-a/--label-b`).
    public static func isLabel(_ text: String) -> Bool {
        !text.trimmingCharacters(in: .whitespaces).isEmpty && text.count <= 120 && !text.contains(where: \.isNewline)
    }

    /// What is wrong with a text that is not a label.
    public static let labelProblem = "must be a short text naming the arm (one line, 1 to 120 characters)"

    /// Reads an inline table of overrides, `{ "policy.contract_months" = 36, … }`.
    static func overrides(_ value: TOMLValueConvertible?, at location: String, reader r: inout Reader)
        -> [(path: String, specPath: String, value: ParamValue)] {
        guard let value else { return [] }
        guard let t = value.table else {
            r.fail(location, key: location, "must be a table of parameter = value", fix: "e.g. \(location.split(separator: ".").last!) = { \"policy.contract_months\" = 120 }")
            return []
        }
        var out: [(String, String, ParamValue)] = []
        for path in t.keys.sorted() {
            guard let sp = ScenarioParser.specPath(path), let spec = ParameterCatalog.spec(sp) else {
                r.fail(location + "." + path, key: path, "unknown parameter path", fix: r.unknownPathFix(path))
                continue
            }
            if let v = r.convert(t[path]!, spec: spec, location: location + "." + path) { out.append((path, sp, v)) }
        }
        return out
    }
}
