import CommissimModel
import Foundation

/// The version of commissim written into every manifest.
public enum CommissimVersion {
    public static let string = "0.1.0"
}

/// 64-bit FNV-1a fingerprint of text or bytes (identifies scenario files and outputs in manifests).
public enum Fingerprint {
    public static func of<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        String(hash(bytes), radix: 16).leftPadded(16)
    }
    public static func of(_ text: String) -> String {
        var text = text // its UTF-8 bytes read in place, not one by one through String's view
        return text.withUTF8 { of($0) }
    }
    public static func of(_ data: Data) -> String { data.withUnsafeBytes { of($0) } }

    /// The 64-bit FNV-1a value of `bytes`.
    public static func hash<S: Sequence>(_ bytes: S) -> UInt64 where S.Element == UInt8 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }
}

extension String {
    func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}

/// A JSON value written with keys in a fixed order, so manifests are stable and diffable.
public indirect enum JSON {
    case string(String), number(Double), int(Int), bool(Bool), null
    case array([JSON]), object([(String, JSON)])

    public func text(_ indent: String = "") -> String {
        let inner = indent + "  "
        switch self {
        case .string(let s): return Format.quoted(s)
        case .number(let d): return d.isFinite ? CSVFormat.number(d) : "null"
        case .int(let i): return String(i)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .array(let a):
            if a.isEmpty { return "[]" }
            return "[\n" + a.map { inner + $0.text(inner) }.joined(separator: ",\n") + "\n" + indent + "]"
        case .object(let o):
            if o.isEmpty { return "{}" }
            return "{\n" + o.map { inner + Format.quoted($0.0) + ": " + $0.1.text(inner) }.joined(separator: ",\n") + "\n" + indent + "}"
        }
    }


    /// A parameter value as JSON.
    public static func param(_ v: ParamValue) -> JSON {
        switch v {
        case .real(let x): return .number(x)
        case .integer(let i): return .int(i)
        case .flag(let b): return .bool(b)
        case .text(let s): return .string(s)
        case .list(let l): return .array(l.map { .string($0) })
        case .distribution(let d): return .string(d.tomlText)
        }
    }

    /// The whole resolved scenario as JSON (sections, then groups), keys in catalogue order.
    public static func scenario(_ s: ResolvedScenario) -> JSON {
        var o: [(String, JSON)] = []
        for section in ParameterCatalog.sections {
            let specs = ParameterCatalog.global.filter { $0.path.hasPrefix(section + ".") }
            o.append((section, .object(specs.map { ($0.key, param(s.global[$0.path]!)) })))
        }
        func groups(_ gs: [[String: ParamValue]], _ specs: [ParameterSpec], _ prefix: String) -> JSON {
            .array(gs.map { g in .object(specs.map { (String($0.path.dropFirst(prefix.count + 1)), param(g[$0.path]!)) }) })
        }
        o.append(("councils", groups(s.councilGroups, ParameterCatalog.council, "councils")))
        o.append(("providers", groups(s.providerGroups, ParameterCatalog.provider, "providers")))
        return .object(o)
    }
}

/// What is written beside every result so that anyone can reproduce it.
public struct Manifest {
    public var command: [String]
    public var scenarioFile: String
    public var scenarioText: String
    public var scenario: ResolvedScenario
    public var seed: UInt64
    public var runSeeds: [UInt64]
    public var generator: String
    public var outputs: [(String, String)]
    public var extra: [(String, JSON)] = []
    /// The resolved scenario written beside the results, and how to reproduce them from it.
    public var resolvedFile = "scenario.resolved.toml"
    public var reproduce = "commissim run scenario.resolved.toml --out <folder>  (gives byte-identical CSV files)"

    public init(command: [String], scenarioFile: String, scenarioText: String, scenario: ResolvedScenario,
                seed: UInt64, runSeeds: [UInt64], generator: String, outputs: [(String, String)]) {
        self.command = command
        self.scenarioFile = scenarioFile
        self.scenarioText = scenarioText
        self.scenario = scenario
        self.seed = seed
        self.runSeeds = runSeeds
        self.generator = generator
        self.outputs = outputs
    }

    public func json(created: Date = Date()) -> String {
        let iso = ISO8601DateFormatter()
        var o: [(String, JSON)] = [
            ("tool", .string("commissim")),
            ("version", .string(CommissimVersion.string)),
            ("build", .string(BuildIdentity.current)),
            ("created", .string(iso.string(from: created))),
            ("command", .array(command.map { .string($0) })),
            ("scenario_file", .string(scenarioFile)),
            ("scenario_fingerprint", .string(Fingerprint.of(scenarioText))),
            ("resolved_scenario_file", .string(resolvedFile)),
            ("seed", .string(String(seed))),
            ("run_seeds", .array(runSeeds.map { .string(String($0)) })),
            ("generator", .string(generator)),
            ("memory_estimate_bytes", .number(MarketSize(scenario).memory.total.rounded())),
            ("reproduce", .string(reproduce)),
        ]
        o += extra
        o.append(("outputs", .object(outputs.map { ($0.0, .string($0.1)) })))
        o.append(("scenario", JSON.scenario(scenario)))
        return JSON.object(o).text() + "\n"
    }
}

extension Manifest {
    /// Whether `folder` already holds finished results identified by each `key` = `value` of
    /// `fields` in its manifest, written by this build, with every file of `files` present and no
    /// unfinished work beside them: a command run again on it then returns at once.
    public static func isComplete(_ folder: String, fields: [(key: String, value: String)], files: [String]) -> Bool {
        let fm = FileManager.default
        guard !fm.fileExists(atPath: folder + "/.partial"),
              files.allSatisfy({ fm.fileExists(atPath: folder + "/" + $0) }),
              let data = fm.contents(atPath: folder + "/manifest.json"),
              let o = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return false }
        return fields.allSatisfy { o[$0.key] as? String == $0.value } && o["build"] as? String == BuildIdentity.current
    }
}
