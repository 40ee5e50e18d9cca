import CommissimEngine

/// The typed parameters of a run, read from a ``ResolvedScenario``.
public struct ModelConfig: Sendable {
    /// A council group's policy.
    public struct Policy: Sendable {
        public var contractMonths: Int = 0
        public var extensionMonths: Int = 0
        public var payment: PaymentForm = .block
        public var outcomeSpecification: Bool = false
        public var priceWeight: Double = 0
        public var uplift: Bool = false
        public var lotSize: Int = 0
        public var contractedShare: Double = 0
        public var strategies: Strategies = []
        public var trigger: Double = 0
        public var squeezeRate: Double = 0
        public var lowestPriceWeight: Double = 0
        public var consolidationFactor: Double = 0
        public var collaborativeDiscount: Double = 0
        public var decommissionCut: Double = 0
        public var outcomeUpfrontShare: Double = 0
        /// Alliance contracts (MODEL.md §3.9a): most members per alliance, and the share of a
        /// place's price at stake on outcomes (the gain/pain pot).
        public var allianceMembers: Int = 0
        public var allianceShare: Double = 0
        public var retenderGoodIncumbents: Bool = false
        /// Months into a term at which either side may end the contract (0: no break clause).
        public var breakMonths: Int = 0
        /// Contract terms of one service tier (`[councils.policy.fostering]` …): each term left
        /// unset (0, −1 or "policy") is the group's own.
        public struct TierTerms: Sendable {
            public var contractMonths = 0, extensionMonths = -1, lotSize = 0, breakMonths = -1
            public var payment: PaymentForm?
        }
        /// Per-tier terms, indexed by ``Tier``.
        public var tierTerms = Array(repeating: TierTerms(), count: Tier.allCases.count)

        /// This policy for tier `k`: its tier table's terms where set, the group's elsewhere.
        public func forTier(_ k: Int) -> Policy {
            var p = self
            let t = tierTerms[k]
            if t.contractMonths > 0 { p.contractMonths = t.contractMonths }
            if t.extensionMonths >= 0 { p.extensionMonths = t.extensionMonths }
            if t.lotSize > 0 { p.lotSize = t.lotSize }
            if t.breakMonths >= 0 { p.breakMonths = t.breakMonths }
            if let f = t.payment { p.payment = f }
            return p
        }
    }

    /// A group of councils drawn from common distributions.
    public struct CouncilGroup: Sendable {
        public var name: String = ""
        public var count: Int = 0
        public var type: Int = 0
        public var children: Distribution = .fixed(0)
        public var demandFactor: Distribution = .fixed(0)
        public var staff: Distribution = .fixed(0)
        /// Commissioning staff per 10,000 children (a zero draw: use `staff`).
        public var staffPer10k: Distribution = .fixed(0)
        public var budget: Distribution = .fixed(0)
        public var inHouseShare: [Double] = Array(repeating: 0, count: Tier.allCases.count)
        /// This group's austerity path (`[councils.austerity]`); a negative (years: 0) value means
        /// the scenario's `[budget]` key.
        public var austerityCut = -1.0, austerityYears = 0, austerityStartYear = -1, frontLoading = -1.0
        public var policy: Policy = Policy()
    }

    /// A group of providers drawn from common distributions.
    public struct ProviderGroup: Sendable {
        public var name: String = ""
        public var count: Int = 0
        public var kind: ProviderKind = .smallCharity
        public var reach: Int = 0
        public var capacity: Distribution = .fixed(0)
        public var tierShares: [Double] = Array(repeating: 0, count: Tier.allCases.count)
        public var reservesMonths: Distribution = .fixed(0)
        public var quality: Distribution = .fixed(0)
        public var costFactor: Distribution = .fixed(0)
        public var voluntaryIncome: Double = 0
        public var targetMargin: Double = 0
        public var requiredMargin: Double = 0
        public var leverage: Double = 0
        public var scaleUp: Double = 0
        public var missionTolerance: Double = 0
        public var crossSubsidy: Double = 0
    }

    public let scenario: ResolvedScenario
    public var months = 0
    public var seed: UInt64 = 0
    public var generator = ""
    /// The GSL generator `generator` names (validated, so the fallback is never taken).
    public var generatorKind: GeneratorKind { GeneratorKind(rawValue: generator) ?? .standard }
    public var scale = 0.0
    public var detail = false
    /// Months run under ``burnInPolicy`` before month 1 (MODEL.md §3.1), not reported.
    public var burnInMonths = 0
    /// The contract terms of the burn-in's status quo (`[burn_in]`).
    public struct BurnInTerms: Sendable {
        public var contractMonths = 0, extensionMonths = 0, lotSize = 0
        public var payment = PaymentForm.block
        public var outcomeSpecification = false
        public var priceWeight = 0.0, contractedShare = 0.0
    }
    public var burnIn = BurnInTerms()
    public var councils: [CouncilGroup] = []
    public var providers: [ProviderGroup] = []

    /// Reads every parameter of `scenario`, each through its binding in ``ParameterCatalog``.
    public init(_ scenario: ResolvedScenario) {
        self.scenario = scenario
        for spec in ParameterCatalog.global {
            if case .run(let set) = spec.binding { set(&self, scenario.value(spec.path)) }
        }
        councils = scenario.councilGroups.map { v in
            var group = CouncilGroup()
            for spec in ParameterCatalog.council {
                if case .council(let set) = spec.binding { set(&group, Self.value(v, spec.path)) }
            }
            return group
        }
        providers = scenario.providerGroups.map { v in
            var group = ProviderGroup()
            for spec in ParameterCatalog.provider {
                if case .provider(let set) = spec.binding { set(&group, Self.value(v, spec.path)) }
            }
            return group
        }
    }

    private static func value(_ v: [String: ParamValue], _ path: String) -> ParamValue {
        guard let x = v[path] else { preconditionFailure("parameter \(path) missing from a resolved group") }
        return x
    }

    /// The status-quo policy every council follows during the burn-in (`[burn_in]`): the group's
    /// policy with the burn-in's contract terms, no cost-cutting strategy and no re-tendering rule,
    /// the same for every scenario so that paired arms share the burn-in exactly.
    public func burnInPolicy(from group: Policy) -> Policy {
        var p = group
        p.contractMonths = burnIn.contractMonths
        p.extensionMonths = burnIn.extensionMonths
        p.payment = burnIn.payment
        p.outcomeSpecification = burnIn.outcomeSpecification
        p.priceWeight = burnIn.priceWeight
        p.uplift = true
        p.lotSize = burnIn.lotSize
        p.contractedShare = burnIn.contractedShare
        p.strategies = []
        p.trigger = 0
        p.retenderGoodIncumbents = false
        p.breakMonths = 0
        p.tierTerms = Array(repeating: Policy.TierTerms(), count: Tier.allCases.count)
        return p
    }

    /// A top-level parameter by its catalogue path, e.g. `real("demand.trend")` (for tools and
    /// tests; the model reads its typed fields).
    public func real(_ path: String) -> Double { Double(parameter: scenario.value(path)) }
    /// A top-level whole-number parameter.
    public func int(_ path: String) -> Int { Int(parameter: scenario.value(path)) }
    /// A top-level flag.
    public func flag(_ path: String) -> Bool { Bool(parameter: scenario.value(path)) }
}

extension ModelConfig {
    /// How many agents a group of `n` draws at this scale (at least one).
    public func scaled(_ n: Int) -> Int { max(1, Int((Double(n) * scale).rounded())) }

    /// The council group of each council the run draws, in council-id order.
    public var councilGroups: [Int] { councils.indices.flatMap { g in Array(repeating: g, count: scaled(councils[g].count)) } }
}

extension ModelConfig {
    /// The top-level parameters that act only from month 1 (MODEL.md §3.1: the burn-in's clocks
    /// stand still — no demand trend, shock or budget path — and it reports nothing), with the
    /// run's seed, which is given to each run apart. Not `budget.inflation`: the burn-in's yearly
    /// price review uplifts fees by it (§3.4), so it acts before month 1.
    static let reportingOnly: Set<String> = [
        "simulation.months", "simulation.detail", "simulation.seed",
        "demand.trend", "demand.shock_month", "demand.shock_size", "demand.shock_months",
        "demand.random_shock_prob", "demand.random_shock_size",
        "budget.growth", "budget.austerity_cut", "budget.austerity_years", "budget.austerity_start_year",
        "budget.front_loading",
    ]
    /// Council-group parameters that act only from month 1: the group's policy (every council
    /// follows the `[burn_in]` status quo until then) and its austerity path.
    static let reportingOnlyCouncilPrefixes = ["councils.policy.", "councils.austerity."]

    /// The scenario less what acts only from month 1: two configurations with the same burn-in
    /// part pass through the same burn-in, draw for draw, from the same seed.
    var burnInPart: ResolvedScenario {
        var s = scenario
        for path in Self.reportingOnly { s.global[path] = nil }
        s.councilGroups = s.councilGroups.map { group in
            group.filter { key, _ in !Self.reportingOnlyCouncilPrefixes.contains { key.hasPrefix($0) } }
        }
        return s
    }

    /// Whether a run of `other` passes through the same burn-in as a run of this configuration
    /// from the same seed (MODEL.md §3.1, "paired arms share the burn-in"): both have one, and they
    /// differ only in what acts from month 1. Such arms can be run from one burn-in
    /// (``Simulation/runSharingBurnIn(_:seed:observe:)``).
    public func sharesBurnIn(with other: ModelConfig) -> Bool {
        burnInMonths > 0 && burnInPart == other.burnInPart
    }
}
