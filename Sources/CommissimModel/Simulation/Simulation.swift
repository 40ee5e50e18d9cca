import CommissimEngine
import Foundation

/// One run of the model: builds the market and steps it month by month in a fixed order.
///
/// The schedule of a month (ODD "process overview and scheduling"):
/// 1. budgets (each January) and which cost-cutting strategies apply, the yearly price review;
/// 2. demand: new referrals join waiting lists;
/// 3. commissioning: expiring contracts are extended, varied, decommissioned or re-tendered;
///    every third month councils plan and tender new lots;
/// 4. delivery: a month of care, exits with outcomes, placement breakdowns;
/// 5. placement of waiting children (contracts, in-house, spot);
/// 6. contract, outcome and in-house payments; providers' finance, investment and quality;
/// 7. trust updates; 8. provider exit and entry; 9. metrics.
public struct Simulation {
    public let config: ModelConfig
    public let seed: UInt64

    /// A run of `config` with the stream seeded by `seed` (default: the scenario seed).
    public init(config: ModelConfig, seed: UInt64? = nil) {
        self.config = config
        self.seed = seed ?? config.seed
    }

    /// Runs the whole horizon; `observe` sees the market at the end of each month (detail output).
    public func run(observe: ((Market) -> Void)? = nil) -> RunResult {
        let rng = RandomStream(seed: seed, kind: config.generatorKind)
        let market = Market(config: config, rng: rng)
        var recorder = MetricsRecorder(months: config.months)
        // The burn-in (MODEL.md §3.1): the same months and draws whatever the scenario's policy.
        for _ in 0..<config.burnInMonths {
            market.step()
            market.month += 1
        }
        market.startReporting()
        for _ in 0..<config.months {
            market.step()
            recorder.record(market)
            observe?(market)
            market.month += 1
        }
        return RunResult(seed: seed, generator: rng.generatorName, rows: recorder.rows)
    }
}

extension Market {
    /// Advances the market by one month.
    func step() {
        // A new calendar year of placement counts each January of the reported run's calendar.
        if month > 0 && isJanuary { startCalendarYear() }
        resetMonthTotals()
        inflationIndex = pow(1 + p.inflation, Double(clock) / 12)
        runBudgets()
        runCostCutting()
        runFeeNotices()
        runDemand()
        // Providers that entered or exited last month: rebuild who can reach whom (once a month;
        // in between, exited providers are skipped by their `alive` flag).
        if reachDirty { rebuildReach() }
        runCommissioning()
        runDelivery()
        runPlacement()
        runContractPayments()
        runProviderFinance()
        for c in 0..<councils.count {
            councilSpend[c] += councils.staffUsed[c] * staffCost
            recordSpend(c, councilSpend[c])
        }
        runTrust()
        runExits()
        runEntry()
        updateShortage()
        advanceExternalCosts()
    }

    /// The end of the burn-in: the scenario's own policies apply from month 1 and its budget path
    /// starts from the spend of the market the burn-in left (MODEL.md §3.1, §3.3).
    func startReporting() {
        councilPolicies = (0..<councils.count).map { config.councils[councils.group[$0]].policy }
        guard burnIn > 0 else { return }
        setBudgetBases()
    }

    /// Staff time, monitoring and bidding are priced at today's input prices.
    var staffCost: Double { p.staffCost * inflationIndex }
}

/// The output of one run: one row of ``MetricColumns`` per month.
public struct RunResult: Sendable {
    public let seed: UInt64
    /// GSL's name of the generator used.
    public let generator: String
    public let rows: [[Double]]

    /// The series of column `name`.
    public func series(_ name: String) -> [Double] {
        guard let j = MetricColumns.index[name] else { preconditionFailure("unknown metric \(name)") }
        return rows.map { $0[j] }
    }
}
