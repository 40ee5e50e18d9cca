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

    /// The resolved scenario as written beside the results.
    var resolvedText: String {
        scenario.tomlText(header: "# Resolved scenario written by commissim \(CommissimVersion.string): every parameter, defaults included.\n# Reproduce with: commissim run scenario.resolved.toml --out <folder>\n")
    }

    /// Refuses an `--out` whose scenario.resolved.toml is the scenario file being run and would be
    /// replaced with other text (`commissim run out/scenario.resolved.toml --set … --out out`: the
    /// user's file was overwritten with the overrides applied). Running a resolved scenario again
    /// into its own folder, as its header says, writes the same text and is allowed.
    public func refuseReplacingInput(out: String) throws {
        try OutputFolder.refuseReplacing(scenarioFile, with: "scenario.resolved.toml", text: resolvedText, in: out,
                                         writer: "the run writes its own scenario.resolved.toml")
    }

    /// Refuses an `out` that holds another kind's results or another command's unfinished work:
    /// checked before the run and again before its files are moved in.
    private static func refuseOtherWork(in out: String) throws {
        try OutputFolder.refuseOtherResults(in: out, writing: .run)
        try PartialState.refuseUnfinishedWork(in: out)
    }

    /// Runs and writes into `out`; returns the run's result. `progress` (if given) is told the
    /// months simulated, burn-in included.
    @discardableResult
    public func run(out: String, progress: ProgressReporter? = nil) throws -> RunResult {
        try refuseReplacingInput(out: out)
        try Self.refuseOtherWork(in: out)
        let folder = try OutputFolder(out)
        let config = ModelConfig(scenario)
        var detail: DetailWriter?
        if config.detail { detail = try DetailWriter(folder: folder) }
        progress?.start(total: config.burnInMonths + config.months, done: 0)
        let result = Simulation(config: config).run(observe: detail.map { d in { m in d.observe(m) } },
                                                    progress: progress.map { p in { done, _ in p.update(done: done) } })
        progress?.finish()
        try detail?.close()
        let csv = CSVFormat.table(header: MetricColumns.names, rows: result.rows)
        try folder.write("timeseries.csv", csv)
        let resolved = resolvedText
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
        try Self.refuseOtherWork(in: out) // a sweep, comparison or calibration may have begun there since
        // A folder that holds only a run's files is replaced whole, in one rename; one that holds
        // anything else keeps it, and loses only the run files this run did not write again.
        if Set(folder.entries()).isSubset(of: Self.runFiles) {
            try folder.commitReplacing()
        } else {
            try folder.commit(owned: Self.runFiles)
        }
        return result
    }
}

/// The columns of councils.csv and providers.csv (`--detail`), each declared once with its unit
/// and meaning (docs/COLUMNS.md is generated from these) and how its cell is written.
enum DetailColumns {
    struct Column<Row>: Sendable {
        let name: String, unit: String, meaning: String
        let cell: @Sendable (Row) -> String
    }
    private static let n = CSVFormat.number

    static let councils: [Column<CouncilSummary>] = {
        var c: [Column<CouncilSummary>] = [
            .init(name: "name", unit: "", meaning: "the council's group (`[[councils]] name`)") { $0.name },
            .init(name: "type", unit: "", meaning: "county, metropolitan, unitary or london") { $0.type },
            .init(name: "region", unit: "", meaning: "region index") { String($0.region) },
            .init(name: "budget", unit: "£/month", meaning: "this year's budget, per month") { n($0.budget) },
            .init(name: "spend", unit: "£/month", meaning: "smoothed monthly spend (the budget pressure's numerator)") { n($0.spend) },
            .init(name: "spend_month", unit: "£/month", meaning: "the month's spend: contracts, spot, outcome payments, in-house, transaction costs (timeseries.csv `spend`, by council)") { n($0.spendMonth) },
            .init(name: "budget_pressure", unit: "ratio", meaning: "12 × smoothed spend / budget − 1") { n($0.pressure) },
            .init(name: "children_served", unit: "children", meaning: "children in a placement at month end") { String($0.served) },
            .init(name: "children_waiting", unit: "children", meaning: "children waiting for a placement at month end") { String($0.waiting) },
            .init(name: "children_spot", unit: "children", meaning: "children on spot or framework placements") { String($0.spot) },
            .init(name: "children_in_house", unit: "children", meaning: "children placed with the council's in-house services") { String($0.inHouse) },
            .init(name: "leavers", unit: "children", meaning: "children leaving services this month") { String($0.leavers) },
            .init(name: "outcome_mean", unit: "score 0-1", meaning: "mean outcome of this month's leavers (0 when none)") { n($0.outcomeMean) },
            .init(name: "quality_received", unit: "score 0-1", meaning: "mean quality of care its placed children receive") { n($0.qualityReceived) },
            .init(name: "contracts", unit: "contracts", meaning: "contracts in force") { String($0.contracts) },
        ]
        for (k, t) in ParameterCatalog.tiers.enumerated() {
            c.append(.init(name: "contract_price_\(t)", unit: "£/week", meaning: "mean weekly price of its \(t) contracts in force, weighted by volume (0 without any)") { n($0.contractPrice[k]) })
        }
        c += [
            .init(name: "trust_in_providers", unit: "score 0-1", meaning: "the council's mean trust in the providers it contracts with") { n($0.trustInProviders) },
            .init(name: "providers_trust", unit: "score 0-1", meaning: "its contracted providers' mean trust in the council") { n($0.providersTrust) },
            .init(name: "strategies_active", unit: "0/1", meaning: "whether it applies its cost-cutting strategies this month") { $0.cutting ? "1" : "0" },
            .init(name: "commissioning_staff", unit: "FTE", meaning: "its commissioning team this month (grows with demand, MODEL.md §3.5)") { n($0.staff) },
            .init(name: "staff_time", unit: "staff-months", meaning: "commissioning time banked at month end") { n($0.staffTime) },
            .init(name: "contracts_let", unit: "contracts", meaning: "contracts let this month by tender, extension or variation") { String($0.contractsLet) },
            .init(name: "contract_length_let", unit: "months", meaning: "mean term of the contracts let this month (0 when none)") { n($0.lengthLet) },
            .init(name: "rollovers", unit: "contracts", meaning: "contracts that reached their end this month and wait for staff time") { String($0.rollovers) },
            .init(name: "tenders_waiting", unit: "contracts", meaning: "contracts past their end waiting to be tendered, at month end") { String($0.tendersWaiting) },
            .init(name: "breaks", unit: "contracts", meaning: "its contracts ended at their break point this month (either side)") { String($0.breaks) },
        ]
        return c
    }()

    /// A provider's row: the market and its index.
    typealias ProviderRow = (m: Market, i: Int)
    static let providers: [Column<ProviderRow>] = [
        .init(name: "kind", unit: "", meaning: "in_house, small_charity, large_charity, small_private or investor_private") { $0.m.providers.kind[$0.i].name },
        .init(name: "tier", unit: "", meaning: "the service it provides") { Tier(rawValue: $0.m.providers.tier[$0.i])?.name ?? "" },
        .init(name: "home_council", unit: "", meaning: "the council id of its home area (councils.csv `council`)") { String($0.m.providers.homeCouncil[$0.i]) },
        .init(name: "trading", unit: "0/1", meaning: "1 while trading; 0 in the month it exits") { $0.m.providers.alive[$0.i] ? "1" : "0" },
        .init(name: "capacity", unit: "places", meaning: "staffed places") { String($0.m.providers.capacity[$0.i]) },
        .init(name: "occupied", unit: "places", meaning: "children placed") { String($0.m.providers.occupied[$0.i]) },
        .init(name: "committed", unit: "places", meaning: "places reserved by its block contracts") { String($0.m.providers.committed[$0.i]) },
        .init(name: "reserves", unit: "£", meaning: "cash reserves") { n($0.m.providers.reserves[$0.i]) },
        .init(name: "quality", unit: "score 0-1", meaning: "quality of care") { n($0.m.providers.quality[$0.i]) },
        .init(name: "unit_cost_week", unit: "£/week", meaning: "cost of a place") { n($0.m.weeklyUnitCost($0.i)) },
        .init(name: "capital_per_place", unit: "£/place", meaning: "accumulated investment per place") { n($0.m.providers.capital[$0.i]) },
        .init(name: "margin", unit: "share", meaning: "smoothed operating margin") { n($0.m.providers.marginTrend[$0.i]) },
        .init(name: "contracts", unit: "contracts", meaning: "contracts in force") { String($0.m.providers.contracts[$0.i].count) },
        .init(name: "revenue", unit: "£", meaning: "income of the month: councils' payments, outcome payments and voluntary income") { n($0.m.providers.revenue[$0.i]) },
        .init(name: "cost", unit: "£", meaning: "cost of the month: places, debt interest and bids (MODEL.md 3.8)") { n($0.m.providers.lastCost[$0.i]) },
        .init(name: "bid_costs", unit: "£", meaning: "what its bids of the month cost (included in cost)") { n($0.m.providers.bidCosts[$0.i]) },
    ]
}

/// Per-council and per-provider monthly rows (`simulation.detail = true` or `--detail`).
final class DetailWriter {
    private let councils: CSVStream
    private let providers: CSVStream

    init(folder: OutputFolder) throws {
        councils = try CSVStream(path: folder.stagedPath("councils.csv"), header: ["month", "council"] + DetailColumns.councils.map(\.name))
        providers = try CSVStream(path: folder.stagedPath("providers.csv"), header: ["month", "provider"] + DetailColumns.providers.map(\.name))
    }

    func observe(_ m: Market) {
        let month = String(m.reportedMonth + 1)
        for (c, s) in m.councilSummaries().enumerated() {
            try? councils.row([month, String(c)] + DetailColumns.councils.map { $0.cell(s) })
        }
        let pr = m.providers
        for i in 0..<pr.count where pr.alive[i] || pr.exitMonth[i] == m.month {
            let row = (m: m, i: i)
            try? providers.row([month, String(i)] + DetailColumns.providers.map { $0.cell(row) })
        }
    }

    func close() throws {
        try councils.close()
        try providers.close()
    }
}
