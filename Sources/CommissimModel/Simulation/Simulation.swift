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

    /// Runs the whole horizon; `observe` sees the market at the end of each month (detail output),
    /// `progress` is told the months simulated so far and in all, burn-in included.
    public func run(observe: ((Market) -> Void)? = nil, progress: ((_ done: Int, _ total: Int) -> Void)? = nil) -> RunResult {
        let burnIn = config.burnInMonths, total = burnIn + config.months
        return report(burnedIn(progress: progress.map { p in { p($0, total) } }), observe: observe,
                      progress: progress.map { p in { p(burnIn + $0, total) } })
    }

    /// The market built and run through its burn-in (MODEL.md §3.1): the same months and draws
    /// whatever the scenario's policy.
    public func burnedIn(progress: ((_ months: Int) -> Void)? = nil) -> Market {
        let market = Market(config: config, rng: RandomStream(seed: seed, kind: config.generatorKind))
        for n in 0..<config.burnInMonths {
            market.step()
            market.month += 1
            progress?(n + 1)
        }
        return market
    }

    /// Runs the reported months of `market`, which is at the end of its burn-in (``burnedIn()``).
    public func report(_ market: Market, observe: ((Market) -> Void)? = nil, progress: ((_ months: Int) -> Void)? = nil) -> RunResult {
        var recorder = MetricsRecorder(months: config.months)
        market.startReporting()
        for n in 0..<config.months {
            market.step()
            recorder.record(market)
            observe?(market)
            market.month += 1
            progress?(n + 1)
        }
        return RunResult(seed: seed, generator: market.rng.generatorName, rows: recorder.rows)
    }

    /// Runs every configuration of `arms` with seed `seed` from one burn-in: the same results, byte
    /// for byte, as running each alone, for the cost of the burn-in once. The arms must share their
    /// burn-in (``ModelConfig/sharesBurnIn(with:)``: they differ only in what acts from month 1 —
    /// policies, strategies, austerity and budget path, demand trend and shocks, months reported);
    /// `observe[i]`, if given, sees arm i's market at the end of each reported month.
    public static func runSharingBurnIn(_ arms: [ModelConfig], seed: UInt64,
                                        observe: [((Market) -> Void)?] = []) -> [RunResult] {
        guard let first = arms.first else { return [] }
        precondition(arms.allSatisfy { $0.sharesBurnIn(with: first) }, "arms that do not share their burn-in")
        let base = Simulation(config: first, seed: seed).burnedIn()
        return arms.indices.map { i in
            // The last arm takes the burned-in market over; the others run on copies of it.
            let market = Market(continuing: base, config: arms[i], sharingStorage: i == arms.count - 1)
            return Simulation(config: arms[i], seed: seed).report(market, observe: i < observe.count ? observe[i] : nil)
        }
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
        drawCouncilOrder()
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
        // Ended contracts leave the list in force, then their ids may be let again (Contracts.swift).
        _ = activeContracts
        contracts.recycle()
    }

    /// The end of the burn-in: the scenario's own policies apply from month 1 and its budget path
    /// starts from the spend of the market the burn-in left (MODEL.md §3.1, §3.3).
    func startReporting() {
        councilPolicies = (0..<councils.count).map { config.councils[councils.group[$0]].policy }
        guard burnIn > 0 else { return }
        setBudgetBases()
    }

    /// Councils commission and place in an order drawn afresh each month (MODEL.md §1.3), so no
    /// council is always first to providers' bids (their bid-writing limit, §3.6) and vacancies.
    func drawCouncilOrder() {
        if councilOrder.count != councils.count { councilOrder = Array(0..<councils.count) }
        for i in stride(from: councilOrder.count - 1, to: 0, by: -1) { councilOrder.swapAt(i, rng.uniformInt(i + 1)) }
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
