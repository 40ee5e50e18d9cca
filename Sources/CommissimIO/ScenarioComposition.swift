import CommissimModel
import Foundation

/// Scenario composition: `extends = "baseline.toml"` (relative to the file) starts from another
/// scenario and changes only what this file says.
///
/// - Top-level keys and `[policy]` keys replace the base's, key by key.
/// - A `[[councils]]` or `[[providers]]` group whose `name` matches one of the base's groups
///   changes that group, key by key; a group with a new name is added; a group written with only
///   `name = "…"` and `remove = true` removes the base's group of that name. A base without
///   groups of its own has the built-in population, whose groups are addressed the same way.
/// - Chains are allowed (a base may extend another); a cycle is refused at the `extends` line.
extension Reader {
    /// `raw` with its `extends` chain resolved; `chain` holds the files above it.
    mutating func composed(_ raw: Raw, chain: inout [String]) -> Raw {
        guard let ext = raw.extends else {
            for (section, names) in raw.removed.sorted(by: { $0.key < $1.key }) {
                fail(section, key: section + ".remove", "removes \(names.map { "\"\($0)\"" }.joined(separator: ", ")) but this scenario extends nothing",
                     fix: "add extends = \"baseline.toml\" (the scenario to remove it from), or drop the group")
            }
            return raw
        }
        let me = Self.canonical(file)
        let dir = (file as NSString).deletingLastPathComponent
        let path = ext.hasPrefix("/") || dir.isEmpty ? ext : (dir as NSString).appendingPathComponent(ext)
        let target = Self.canonical(path)
        if target == me || chain.contains(target) {
            let names = (chain + [me, target]).map { ($0 as NSString).lastPathComponent }
            fail("extends", key: "extends", "the scenarios extend each other in a cycle: " + names.joined(separator: " → "),
                 fix: "let one of them stand on its own (remove its extends)")
            return raw
        }
        guard chain.count < 32 else {
            fail("extends", key: "extends", "more than 32 scenarios extend each other", fix: "shorten the chain of extends")
            return raw
        }
        let text: String
        do { text = try ScenarioParser.readText(path) } catch let e as ScenarioErrors {
            let reason = e.errors.first.map { $0.message } ?? "cannot be read"
            fail("extends", key: "extends", "\(path): \(reason)", fix: "give the path of a scenario file, relative to \((file as NSString).lastPathComponent)")
            return raw
        } catch {
            fail("extends", key: "extends", "\(path) cannot be read", fix: "check the path")
            return raw
        }
        guard InputKind.of(text: text) == .scenario else {
            fail("extends", key: "extends", "\(path) is a study or calibration file, not a scenario", fix: "extend a scenario file")
            return raw
        }
        var base = Reader(file: path, text: text)
        chain.append(me)
        let baseRaw = base.composed(base.readRaw(), chain: &chain)
        chain.removeLast()
        errors += base.errors
        return merged(base: baseRaw, child: raw)
    }

    /// `child` laid over `base`.
    mutating func merged(base: Raw, child: Raw) -> Raw {
        var out = base
        out.extends = nil
        out.removed = [:]
        out.global.merge(child.global) { _, new in new }
        out.policy.merge(child.policy) { _, new in new }
        out.councilGroups = mergedGroups("councils", base.councilGroups, child.councilGroups, child.removed["councils"] ?? [])
        out.providerGroups = mergedGroups("providers", base.providerGroups, child.providerGroups, child.removed["providers"] ?? [])
        return out
    }

    private mutating func mergedGroups(_ section: String, _ base: [[String: ParamValue]]?, _ child: [[String: ParamValue]]?,
                                       _ removed: [String]) -> [[String: ParamValue]]? {
        guard child != nil || !removed.isEmpty else { return base }
        let defaults = Self.defaultPopulation()
        var groups = base ?? (section == "councils" ? defaults.councilGroups! : defaults.providerGroups!)
        let nameKey = section + ".name"
        func name(_ g: [String: ParamValue]) -> String? { if case .text(let n) = g[nameKey] { return n }; return nil }
        let available = { groups.compactMap(name).map { "\"\($0)\"" }.joined(separator: ", ") }
        for n in removed {
            let matches = groups.indices.filter { name(groups[$0]) == n }
            if matches.count == 1 {
                groups.remove(at: matches[0])
            } else {
                fail(section, key: section + ".remove", matches.isEmpty ? "no group named \"\(n)\" to remove in the scenario this one extends"
                                                                        : "\(matches.count) groups are named \"\(n)\" in the scenario this one extends",
                     fix: matches.isEmpty ? "name one of: \(available())" : "give the base's groups distinct names")
            }
        }
        for g in child ?? [] {
            guard let n = name(g) else { groups.append(g); continue }
            let matches = groups.indices.filter { name(groups[$0]) == n }
            if matches.count > 1 {
                fail(section, key: nameKey, "\(matches.count) groups are named \"\(n)\" in the scenario this one extends", fix: "give the base's groups distinct names")
            } else if let j = matches.first {
                groups[j].merge(g) { _, new in new }
            } else {
                groups.append(g)
            }
        }
        if groups.isEmpty {
            fail(section, key: section, "every group was removed (zero \(section))", fix: "keep or add at least one [[\(section)]] group")
        }
        return groups
    }

    static func canonical(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path }
}
