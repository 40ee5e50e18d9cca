import CommissimEngine
import CommissimModel
import Foundation

/// Runs one scenario and writes its outputs: `timeseries.csv`, the optional per-council and
/// per-provider detail, `scenario.resolved.toml` and `manifest.json`, all atomically.
public struct RunWriter {
    public let scenario: ResolvedScenario
    public let scenarioFile: String
    public let scenarioText: String
    public let command: [String]

    public init(scenario: ResolvedScenario, scenarioFile: String, scenarioText: String, command: [String]) {
        self.scenario = scenario
        self.scenarioFile = scenarioFile
        self.scenarioText = scenarioText
        self.command = command
    }

    /// Every file a run writes.
    static let runFiles: Set<String> = ["manifest.json", "timeseries.csv", "scenario.resolved.toml", "councils.csv", "providers.csv"]

    /// Runs and writes into `out`; returns the run's result.
    @discardableResult
    public func run(out: String) throws -> RunResult {
        let folder = try OutputFolder(out)
        let config = ModelConfig(scenario)
        var detail: DetailWriter?
        if config.detail { detail = try DetailWriter(folder: folder) }
        let result = Simulation(config: config).run(observe: detail.map { d in { m in d.observe(m) } })
        try detail?.close()
        let csv = CSVFormat.table(header: MetricColumns.names, rows: result.rows)
        try folder.write("timeseries.csv", csv)
        let resolved = scenario.tomlText(header: "# Resolved scenario written by commissim \(CommissimVersion.string): every parameter, defaults included.\n# Reproduce with: commissim run scenario.resolved.toml --out <folder>\n")
        try folder.write("scenario.resolved.toml", resolved)
        var outputs: [(String, String)] = [("timeseries.csv", Fingerprint.of(csv)), ("scenario.resolved.toml", Fingerprint.of(resolved))]
        if config.detail {
            for n in ["councils.csv", "providers.csv"] {
                let data = FileManager.default.contents(atPath: folder.stagedPath(n)) ?? Data()
                outputs.append((n, Fingerprint.of(data)))
            }
        }
        var manifest = Manifest(command: command, scenarioFile: scenarioFile, scenarioText: scenarioText, scenario: scenario,
                                seed: config.seed, runSeeds: [result.seed], generator: result.generator, outputs: outputs)
        if let note = ScenarioParser.populationNote(text: scenarioText, file: scenarioFile) { manifest.extra.append(("population", .string(note))) }
        try folder.write("manifest.json", manifest.json())
        // A folder that holds only a run's files is replaced whole, in one rename; one that holds
        // anything else keeps it, and loses only the run files this run did not write again.
        let fm = FileManager.default
        let existing = (try? fm.contentsOfDirectory(atPath: folder.path)) ?? []
        if Set(existing).isSubset(of: Self.runFiles) {
            try folder.commitReplacing()
        } else {
            for n in Self.runFiles where !fm.fileExists(atPath: folder.stagedPath(n)) { try? fm.removeItem(atPath: folder.path + "/" + n) }
            try folder.commit()
        }
        return result
    }
}

/// Per-council and per-provider monthly rows (`simulation.detail = true` or `--detail`).
final class DetailWriter {
    private let councils: CSVStream
    private let providers: CSVStream

    init(folder: OutputFolder) throws {
        councils = try CSVStream(path: folder.stagedPath("councils.csv"), header: [
            "month", "council", "type", "region", "budget", "spend", "budget_pressure", "children_waiting", "contracts", "strategies_active",
            "commissioning_staff", "staff_time", "contracts_let", "contract_length_let", "rollovers", "tenders_waiting"])
        providers = try CSVStream(path: folder.stagedPath("providers.csv"), header: [
            "month", "provider", "kind", "tier", "home_council", "trading", "capacity", "occupied", "committed", "reserves",
            "quality", "unit_cost_week", "capital_per_place", "margin", "contracts"])
    }

    func observe(_ m: Market) {
        let month = String(m.reportedMonth + 1)
        let n = CSVFormat.number
        for c in 0..<m.councils.count {
            try? councils.row([month, String(c), (CouncilType(rawValue: m.councils.type[c])?.name ?? ""), String(m.councils.region[c]),
                               n(m.councils.budget[c]), n(m.councils.spendTrend[c]), n(m.councils.pressure[c]),
                               String(m.councils.waiting[c].count), String(m.councils.contracts[c].count),
                               m.councilIsCutting(c) ? "1" : "0",
                               n(m.councils.staff[c]), n(m.councils.staffTime[c]), String(m.councils.contractsLet[c]),
                               m.councils.contractsLet[c] > 0 ? n(Double(m.councils.monthsLet[c]) / Double(m.councils.contractsLet[c])) : "0",
                               String(m.councils.rollovers[c]), String(m.tendersWaiting(c))])
        }
        let pr = m.providers
        for i in 0..<pr.count where pr.alive[i] || pr.exitMonth[i] == m.month {
            try? providers.row([month, String(i), pr.kind[i].name, (Tier(rawValue: pr.tier[i])?.name ?? ""), String(pr.homeCouncil[i]),
                                pr.alive[i] ? "1" : "0", String(pr.capacity[i]), String(pr.occupied[i]), String(pr.committed[i]),
                                n(pr.reserves[i]), n(pr.quality[i]), n(m.weeklyUnitCost(i)), n(pr.capital[i]), n(pr.marginTrend[i]),
                                String(pr.contracts[i].count)])
        }
    }

    func close() throws {
        try councils.close()
        try providers.close()
    }
}
