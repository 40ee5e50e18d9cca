/// A scenario with every parameter resolved: the values the user wrote, and the catalogue's
/// defaults for everything else. It is what the manifest records and what ``ModelConfig`` reads.
public struct ResolvedScenario: Sendable, Equatable {
    /// Values of the top-level sections, keyed by dotted path (`demand.trend`).
    public var global: [String: ParamValue]
    /// One dictionary per `[[councils]]` group, keyed by catalogue path (`councils.policy.payment`).
    public var councilGroups: [[String: ParamValue]]
    /// One dictionary per `[[providers]]` group.
    public var providerGroups: [[String: ParamValue]]

    /// A scenario of defaults only, with the given groups.
    public init(global: [String: ParamValue] = [:], councilGroups: [[String: ParamValue]] = [], providerGroups: [[String: ParamValue]] = []) {
        var g: [String: ParamValue] = [:]
        for s in ParameterCatalog.global { g[s.path] = global[s.path] ?? s.defaultValue }
        self.global = g
        self.councilGroups = councilGroups.map { Self.filled($0, ParameterCatalog.council) }
        self.providerGroups = providerGroups.map { Self.filled($0, ParameterCatalog.provider) }
    }

    /// `values` with every missing key of `specs` set to its default.
    public static func filled(_ values: [String: ParamValue], _ specs: [ParameterSpec]) -> [String: ParamValue] {
        var out = values
        for s in specs where out[s.path] == nil { out[s.path] = s.defaultValue }
        return out
    }

    /// The resolved value of top-level parameter `path` (every catalogue path has one).
    public func value(_ path: String) -> ParamValue {
        guard let v = global[path] else { preconditionFailure("parameter \(path) missing from the resolved scenario") }
        return v
    }

    /// Sets a top-level value (used by command-line overrides and sweeps).
    public mutating func set(_ path: String, _ value: ParamValue) { global[path] = value }

    /// The scenario as a complete, commented TOML file that reproduces it exactly.
    public func tomlText(header: String = "") -> String {
        var out = header
        for section in ParameterCatalog.sections {
            out += "\n[\(section)]\n"
            for s in ParameterCatalog.global where s.path.hasPrefix(section + ".") {
                out += "\(s.key) = \(global[s.path]!.tomlText)\n"
            }
        }
        func group(_ name: String, _ groups: [[String: ParamValue]], _ specs: [ParameterSpec]) {
            // A group's own keys, then each of its sub-tables ([councils.policy], [councils.austerity]).
            // A key's table: everything between the section and the key (`policy`, `austerity`,
            // `policy.fostering`); nil for the group's own keys.
            func table(_ s: ParameterSpec) -> String? {
                let rest = s.path.dropFirst(name.count + 1)
                guard let dot = rest.lastIndex(of: ".") else { return nil }
                return String(rest[..<dot])
            }
            var tables: [String] = []
            for s in specs { if let t = table(s), !tables.contains(t) { tables.append(t) } }
            for g in groups {
                out += "\n[[\(name)]]\n"
                for s in specs where table(s) == nil { out += "\(s.key) = \(g[s.path]!.tomlText)\n" }
                for t in tables {
                    let keys = specs.filter { table($0) == t }
                    // A nested table (a tier's contract terms) is written when it sets something.
                    if t.contains("."), keys.allSatisfy({ g[$0.path]! == $0.defaultValue }) { continue }
                    out += "[\(name).\(t)]\n"
                    for s in keys { out += "\(s.key) = \(g[s.path]!.tomlText)\n" }
                }
            }
        }
        group("councils", councilGroups, ParameterCatalog.council)
        group("providers", providerGroups, ParameterCatalog.provider)
        return out
    }
}
