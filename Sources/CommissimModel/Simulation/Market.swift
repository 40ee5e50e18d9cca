import Foundation
import CommissimEngine

/// The whole state of one simulated market: councils, providers, contracts, children, the
/// optional social investor, and the month's running totals. Each mechanism is an extension of
/// this type in `Mechanisms/`; ``Simulation`` calls them in a fixed monthly order.
public final class Market {
    let config: ModelConfig
    let p: MarketParameters
    let rng: RandomStream

    public internal(set) var councils = Councils()
    public internal(set) var providers = Providers()
    public internal(set) var contracts = Contracts()
    public internal(set) var children = Children()
    public internal(set) var investor = SocialInvestor()
    public internal(set) var alliances = Alliances()

    /// Current tick (0-based), counted from the start of the burn-in.
    public internal(set) var month = 0
    /// Months of burn-in before the reported month 1 (MODEL.md §3.1).
    let burnIn: Int
    /// Month of the reported run, 0-based (negative during the burn-in).
    public var reportedMonth: Int { month - burnIn }
    /// Whether the market is still in its burn-in (status-quo policy, frozen clocks).
    public var inBurnIn: Bool { month < burnIn }
    /// Months since the scenario's clocks started (demand trend, inflation, budget path, shocks):
    /// they stand still during the burn-in, so month 1 meets the calibrated levels.
    var clock: Int { max(0, month - burnIn) }
    /// Whether this month is a January of the reported run's calendar (burn-in months included).
    var isJanuary: Bool { (reportedMonth % 12 + 12) % 12 == 0 }
    /// Price level of providers' inputs relative to month 1.
    var inflationIndex = 1.0
    /// Strategies each council applies this month (empty when not under pressure).
    var activeStrategies: [Strategies] = []
    /// Eligibility tightened (decommissioning) per council.
    var tightened: [Bool] = []
    /// Smoothed winning price relative to base cost, per region and tier (drives entry).
    var priceIndex = AlignedArray<Double>()
    /// Shortage of independent places in [0, 1], per region and tier.
    var shortage: [Double] = []
    /// External (silo) cost streams: difference array of monthly amounts, and the running level.
    var externalDelta: [Double] = []
    var externalLevel = 0.0
    /// Outcome payments due: (month due, contract, amount).
    var pendingOutcomePayments: [(due: Int, contract: Int, amount: Double)] = []
    var pendingHead = 0
    /// Providers that exit at the end of this month.
    var exiting: [Int] = []
    /// Who is placed where, and every count kept from it (PlacementBook.swift).
    var book = PlacementBook()
    @inline(__always) func councilTier(_ c: Int, _ k: Int) -> Int { c * Tier.allCases.count + k }

    /// Ids of contracts in force, in the order they were let (the monthly loops' order).
    var activeContracts: [Int] {
        // Ended contracts leave the list here, all at once, not one by one in the middle of it.
        if contractsEnded {
            contractsInForce.removeAll { !contracts[$0].active }
            contractsEnded = false
        }
        return contractsInForce
    }
    /// Runs `body` on each contract in force, in the order they were let, loading the records a
    /// few contracts ahead: that order is not the records' (ids are let again, ``Contracts``), so
    /// nothing else would fetch them early. For the monthly passes that read each record.
    @inline(__always) func forEachContractInForce(_ body: (Int) -> Void) {
        let ks = activeContracts
        for n in ks.indices {
            if n + 6 < ks.count { contracts.prefetch(ks[n + 6]) }
            body(ks[n])
        }
    }
    /// Every contract let, in the order let, less those ended before `contractsEnded` was last cleared.
    var contractsInForce: [Int] = []
    var contractsEnded = false

    /// Councils of each region.
    var regionCouncils: [[Int]] = []
    /// Whether the reachable-provider lists must be rebuilt.
    var reachDirty = true
    /// Growth of every council's commissioning team since month 1 (set each month by commissioning).
    var staffGrowth = 1.0
    /// Each provider's spot quote for this month's placements.
    var spotQuotes: [SpotQuote] = []
    /// This month's breakdown laws (ServiceDelivery.swift), made on first use: per provider,
    /// spot or not, and breakdowns so far (0–4+), at `10 c + 5 spot + min(b, 4)` for the
    /// provider's column c in the trust matrices (``Providers/column``): an entrant takes over the
    /// column of one that left, so the table is as long as the market is wide, not as its history.
    var breakdownLaws = AlignedArray<Geometric>()
    /// The providers quoted by the last ``quoteSpotPrices()`` (those that have left since are closed).
    var quotedLastMonth: [Int] = []
    /// Lists the monthly passes collect, kept from month to month so they are not reallocated.
    var buffers = MonthBuffers()
    /// The order in which councils commission and place this month (``drawCouncilOrder()``).
    var councilOrder: [Int] = []
    /// Running totals of the current month.
    var tally = MonthTally()
    /// Months of care delivered so far (``runDelivery()``; read at settlement, ``settleCare(_:)``).
    var monthsDelivered = 0
    /// Each council's policy (its group's), looked up once: the hot paths read it per contract.
    var councilPolicies: [ModelConfig.Policy] = [] {
        didSet { tierPolicies = councilPolicies.flatMap { p in Tier.allCases.map { p.forTier($0.rawValue) } } }
    }
    /// Each council's policy for each tier (council × tier), its tier tables applied.
    private(set) var tierPolicies: [ModelConfig.Policy] = []
    /// This month's spend per council (payments to providers, in-house, transaction costs).
    var councilSpend: [Double] = []
    /// This month's leavers and the sum of their outcomes, per council (councils.csv).
    public internal(set) var councilLeavers = AlignedArray<Int>(), councilOutcomeSum = AlignedArray<Double>()

    /// Builds the initial market of `config` with random stream `rng` (see ``Setup``).
    public init(config: ModelConfig, rng: RandomStream) {
        self.config = config
        self.p = MarketParameters(config)
        self.rng = rng
        self.burnIn = config.burnInMonths
        setUp()
    }

    /// The market `other` has become, continued under `config` with a copy of its random stream:
    /// from here it runs as `other` would have had it been built from `config` — when the two
    /// configurations share their burn-in (``ModelConfig/sharesBurnIn(with:)``) and `other` is at
    /// its end, the same months, draw for draw, as a run of `config` alone. Every stored property
    /// is carried over; the counts kept in ``AlignedArray``s are copied unless `sharingStorage`
    /// (for a market `other` that will not be stepped again).
    public init(continuing other: Market, config: ModelConfig, sharingStorage: Bool = false) {
        self.config = config
        p = MarketParameters(config)
        rng = RandomStream(continuing: other.rng)
        burnIn = config.burnInMonths
        councils = other.councils; providers = other.providers; contracts = other.contracts
        children = other.children; investor = other.investor; alliances = other.alliances
        month = other.month
        inflationIndex = other.inflationIndex
        activeStrategies = other.activeStrategies; tightened = other.tightened
        priceIndex = other.priceIndex; shortage = other.shortage
        externalDelta = other.externalDelta; externalLevel = other.externalLevel
        // Room for the external cost streams of this configuration's reported months (set-up sizes it).
        let horizon = burnIn + config.months + 12 * p.externalYears + 2
        if externalDelta.count < horizon { externalDelta += repeatElement(0, count: horizon - externalDelta.count) }
        pendingOutcomePayments = other.pendingOutcomePayments; pendingHead = other.pendingHead
        exiting = other.exiting
        book = other.book
        contractsInForce = other.contractsInForce; contractsEnded = other.contractsEnded
        regionCouncils = other.regionCouncils; reachDirty = other.reachDirty; staffGrowth = other.staffGrowth
        spotQuotes = other.spotQuotes; breakdownLaws = other.breakdownLaws; quotedLastMonth = other.quotedLastMonth
        tally = other.tally; monthsDelivered = other.monthsDelivered; councilOrder = other.councilOrder
        councilPolicies = other.councilPolicies; tierPolicies = other.tierPolicies
        councilSpend = other.councilSpend; councilLeavers = other.councilLeavers; councilOutcomeSum = other.councilOutcomeSum
        // `buffers` hold nothing between months: a fresh set.
        if !sharingStorage {
            providers.ownStorage(); contracts.ownStorage(); children.ownStorage(); book.ownStorage()
            breakdownLaws = breakdownLaws.copy(); priceIndex = priceIndex.copy()
            councilLeavers = councilLeavers.copy(); councilOutcomeSum = councilOutcomeSum.copy()
        }
    }

    /// Unit cost per place-month of provider `i` today.
    @inline(__always) func unitCost(_ i: Int) -> Double {
        let base = p.monthlyBaseCost[providers.tier[i]] * providers.costFactor[i] * inflationIndex
        if providers.kind[i] == .inHouse { return base }
        let w = providers.capital[i] / (providers.capital[i] + p.halfSaturation)
        return base * (1 - p.costReduction * w)
    }

    /// Whether contract `k` reserves places and is paid whether or not they are filled.
    @inline(__always) func reservesPlaces(_ k: Int) -> Bool { contracts[k].form != .spot }

    /// Free places of provider `i` not reserved by contracts and not occupied by spot placements.
    @inline(__always) func spotFree(_ i: Int) -> Int {
        providers.capacity[i] - providers.committed[i] - (providers.occupied[i] - providers.blockOccupied[i])
    }

    /// Index into region × tier tables.
    @inline(__always) func regionTier(_ region: Int, _ tier: Int) -> Int { region * Tier.allCases.count + tier }

    /// Index into the provider × council trust matrices.
    @inline(__always) func pair(_ provider: Int, _ council: Int) -> Int { council * providers.trustStride + Int(providers.column[provider]) }

    /// Expected children in service of tier `k` for council `c`: the stock that referrals growing
    /// at the trend leave with geometric stays, r·(1 + g)/(g + 1/D), g the monthly growth (0 while
    /// the burn-in's clock stands still, giving r·D). MODEL.md §3.5.
    func expectedStock(_ c: Int, _ k: Int) -> Double {
        let g = inBurnIn || p.trend == 0 ? 0 : p.monthlyTrend
        return g == 0 ? referralRate(c, k) * p.duration[k] : referralRate(c, k) * (1 + g) / (g + 1 / p.duration[k])
    }
}

/// Running totals of one month, turned into a CSV row by ``MetricsRecorder``.
struct MonthTally {
    var referrals = 0, screenedOut = 0, accepted = 0, leavers = 0, goodOutcomes = 0, unservedLeavers = 0
    var outcomeSum = 0.0
    var breakdowns = 0, displaced = 0, newPlacements = 0
    /// The month's spot purchases and the monthly fees agreed for them, by tier.
    var newSpotFees = InlineCounts<Double>.perTier(0), newSpotByTier = InlineCounts<Int>.perTier(0)
    var spendContracts = 0.0, spendSpot = 0.0, spendInHouse = 0.0, spendOutcome = 0.0
    var tenderCost = 0.0, monitoringCost = 0.0, bidCosts = 0.0
    var paidToProviders = 0.0
    var tenders = 0, bids = 0, unfilledTenders = 0, extensions = 0, variations = 0, retenders = 0, terminations = 0
    var entries = Array(repeating: 0, count: ProviderKind.allCases.count), exits = Array(repeating: 0, count: ProviderKind.allCases.count)
    var outcomeToInvestor = 0.0
    var investment = 0.0, externalCommitted = 0.0, investorAdvance = 0.0, dividends = 0.0
    var feeCuts = 0, latePayments = 0
    /// Notices on unviable fees (FeeNotices.swift): contracts handed back, placements re-priced.
    var contractsHandedBack = 0, placementsRepriced = 0
    var rationed = 0, rollovers = 0, contractsLet = 0, monthsLet = 0
    var outcomeWrittenOff = 0.0, missionSpend = 0.0
    /// Exits by reason (MODEL.md §3.8): reserves exhausted, losses beyond exit patience, an idle service.
    var exitsInsolvent = 0, exitsLosses = 0, exitsIdle = 0
    /// Contracts ended at their break point, by either side (BreakClauses.swift).
    var breaks = 0
    /// Net gain/pain settled by councils with their alliances this month (AllianceContracts.swift).
    var allianceSettlements = 0.0, allianceMemberExits = 0
    /// The same by tier, and the part of it settled with investor-backed members: the month's
    /// moments of fees and spend shares (MetricsRecorder) leave these yearly lump sums out.
    var settledByTier = InlineCounts<Double>.perTier(0), settledInvestorByTier = InlineCounts<Double>.perTier(0)
}

extension Market {
    /// Whether council `c` applies cost-cutting strategies this month.
    public func councilIsCutting(_ c: Int) -> Bool { !activeStrategies[c].isEmpty }
    /// Provider `i`'s unit cost per week.
    public func weeklyUnitCost(_ i: Int) -> Double { unitCost(i) * 12 / 52 }
}

/// Lists collected afresh each month, kept between months for their capacity (``borrow(_:)``).
struct MonthBuffers {
    /// ``Market/runDelivery()``: the placements leaving and breaking down.
    var leaving: [Int] = [], broke: [Int] = []
    /// ``Market/runPlacement()``: a council's children still waiting.
    var stillWaiting: [Int32] = []
}
