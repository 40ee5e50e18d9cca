import CommissimEngine

/// The cost-cutting strategies a council may apply under budget pressure (DOMAIN mechanism 2),
/// by scenario name. A set of them is a ``Strategies``.
public enum Strategy: Int, NamedCase {
    case priceSqueeze, lowestPrice, consolidation, collaborative, outcomePayment, decommission
    /// Bringing services in-house (the strategy; the provider kind is ``ProviderKind/inHouse``).
    case bringInHouse
    case codesign

    public var name: String {
        switch self {
        case .priceSqueeze: return "price_squeeze"
        case .lowestPrice: return "lowest_price"
        case .consolidation: return "consolidation"
        case .collaborative: return "collaborative"
        case .outcomePayment: return "outcome_payment"
        case .decommission: return "decommission"
        case .bringInHouse: return "in_house"
        case .codesign: return "codesign"
        }
    }
}

/// A set of ``Strategy``s (one bit per case).
public struct Strategies: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    public init(_ s: Strategy) { rawValue = 1 << s.rawValue }
    public static let priceSqueeze = Strategies(.priceSqueeze)
    public static let lowestPrice = Strategies(.lowestPrice)
    public static let consolidation = Strategies(.consolidation)
    public static let collaborative = Strategies(.collaborative)
    public static let outcomePayment = Strategies(.outcomePayment)
    public static let decommission = Strategies(.decommission)
    public static let bringInHouse = Strategies(.bringInHouse)
    public static let codesign = Strategies(.codesign)

    /// The set named by scenario names (unknown names are refused by the parser first).
    public init(names: [String]) {
        self = Strategies(names.compactMap(Strategy.init(name:)).map(Strategies.init))
    }
}

/// Contract payment forms (DOMAIN mechanism 3).
public enum PaymentForm: Int, NamedCase {
    case block, spot, grant, outcome
    public var name: String {
        switch self {
        case .block: return "block"
        case .spot: return "spot"
        case .grant: return "grant"
        case .outcome: return "outcome"
        }
    }
}

/// The typed parameters of a run, read from a ``ResolvedScenario``.
public struct ModelConfig: Sendable {
    /// A council group's policy.
    public struct Policy: Sendable {
        public var contractMonths: Int
        public var extensionMonths: Int
        public var payment: PaymentForm
        public var outcomeSpecification: Bool
        public var priceWeight: Double
        public var uplift: Bool
        public var lotSize: Int
        public var contractedShare: Double
        public var strategies: Strategies
        public var trigger: Double
        public var squeezeRate: Double
        public var lowestPriceWeight: Double
        public var consolidationFactor: Double
        public var collaborativeDiscount: Double
        public var decommissionCut: Double
        public var outcomeUpfrontShare: Double
        public var retenderGoodIncumbents: Bool
    }

    /// A group of councils drawn from common distributions.
    public struct CouncilGroup: Sendable {
        public var name: String
        public var count: Int
        public var type: Int
        public var children: Distribution
        public var demandFactor: Distribution
        public var staff: Distribution
        /// Commissioning staff per 10,000 children (a zero draw: use `staff`).
        public var staffPer10k: Distribution
        public var budget: Distribution
        public var inHouseShare: [Double]
        public var policy: Policy
    }

    /// A group of providers drawn from common distributions.
    public struct ProviderGroup: Sendable {
        public var name: String
        public var count: Int
        public var kind: ProviderKind
        public var reach: Int
        public var capacity: Distribution
        public var tierShares: [Double]
        public var reservesMonths: Distribution
        public var quality: Distribution
        public var costFactor: Distribution
        public var voluntaryIncome: Double
        public var targetMargin: Double
        public var requiredMargin: Double
        public var leverage: Double
        public var scaleUp: Double
        public var missionTolerance: Double
        public var crossSubsidy: Double
    }

    public let scenario: ResolvedScenario
    public var months: Int
    public var seed: UInt64
    public var generator: String
    /// The GSL generator `generator` names (validated, so the fallback is never taken).
    public var generatorKind: GeneratorKind { GeneratorKind(rawValue: generator) ?? .standard }
    public var scale: Double
    public var detail: Bool
    /// Months run under ``burnInPolicy`` before month 1 (MODEL.md §3.1), not reported.
    public var burnInMonths: Int
    public var councils: [CouncilGroup]
    public var providers: [ProviderGroup]

    private let g: [String: ParamValue]

    /// Reads every parameter of `scenario`.
    public init(_ scenario: ResolvedScenario) {
        self.scenario = scenario
        g = scenario.global
        months = Self.int(g, "simulation.months")
        seed = UInt64(Self.int(g, "simulation.seed"))
        generator = Self.text(g, "simulation.rng")
        scale = Self.real(g, "simulation.scale")
        detail = Self.flag(g, "simulation.detail")
        burnInMonths = Self.int(g, "simulation.burn_in_months")
        councils = scenario.councilGroups.map { v in
            CouncilGroup(
                name: Self.text(v, "councils.name"),
                count: Self.int(v, "councils.count"),
                type: (CouncilType(name: Self.text(v, "councils.type")) ?? .unitary).rawValue,
                children: Self.dist(v, "councils.children"),
                demandFactor: Self.dist(v, "councils.demand_factor"),
                staff: Self.dist(v, "councils.commissioning_staff"),
                staffPer10k: Self.dist(v, "councils.staff_per_10k"),
                budget: Self.dist(v, "councils.budget"),
                inHouseShare: Tier.names.map { Self.real(v, "councils.in_house_\($0)") },
                policy: Policy(
                    contractMonths: Self.int(v, "councils.policy.contract_months"),
                    extensionMonths: Self.int(v, "councils.policy.extension_months"),
                    payment: PaymentForm(name: Self.text(v, "councils.policy.payment")) ?? .block,
                    outcomeSpecification: Self.text(v, "councils.policy.specification") == "outcome",
                    priceWeight: Self.real(v, "councils.policy.price_weight"),
                    uplift: Self.flag(v, "councils.policy.uplift"),
                    lotSize: Self.int(v, "councils.policy.lot_size"),
                    contractedShare: Self.real(v, "councils.policy.contracted_share"),
                    strategies: Strategies(names: Self.list(v, "councils.policy.strategies")),
                    trigger: Self.real(v, "councils.policy.trigger"),
                    squeezeRate: Self.real(v, "councils.policy.squeeze_rate"),
                    lowestPriceWeight: Self.real(v, "councils.policy.lowest_price_weight"),
                    consolidationFactor: Self.real(v, "councils.policy.consolidation_factor"),
                    collaborativeDiscount: Self.real(v, "councils.policy.collaborative_discount"),
                    decommissionCut: Self.real(v, "councils.policy.decommission_cut"),
                    outcomeUpfrontShare: Self.real(v, "councils.policy.outcome_upfront_share"),
                    retenderGoodIncumbents: Self.flag(v, "councils.policy.retender_good_incumbents")))
        }
        providers = scenario.providerGroups.map { v in
            ProviderGroup(
                name: Self.text(v, "providers.name"),
                count: Self.int(v, "providers.count"),
                kind: ProviderKind(name: Self.text(v, "providers.kind")) ?? .smallCharity,
                reach: (Reach(name: Self.text(v, "providers.reach")) ?? .regional).rawValue,
                capacity: Self.dist(v, "providers.capacity"),
                tierShares: Tier.names.map { Self.real(v, "providers.share_\($0)") },
                reservesMonths: Self.dist(v, "providers.reserves_months"),
                quality: Self.dist(v, "providers.quality"),
                costFactor: Self.dist(v, "providers.cost_factor"),
                voluntaryIncome: Self.real(v, "providers.voluntary_income"),
                targetMargin: Self.real(v, "providers.target_margin"),
                requiredMargin: Self.real(v, "providers.required_margin"),
                leverage: Self.real(v, "providers.leverage"),
                scaleUp: Self.real(v, "providers.scale_up"),
                missionTolerance: Self.real(v, "providers.mission_tolerance"),
                crossSubsidy: Self.real(v, "providers.cross_subsidy"))
        }
    }

    /// The status-quo policy every council follows during the burn-in (`[burn_in]`): the group's
    /// policy with the burn-in's contract terms, no cost-cutting strategy and no re-tendering rule,
    /// the same for every scenario so that paired arms share the burn-in exactly.
    public func burnInPolicy(from group: Policy) -> Policy {
        var p = group
        p.contractMonths = int("burn_in.contract_months")
        p.extensionMonths = int("burn_in.extension_months")
        p.payment = PaymentForm(name: Self.text(g, "burn_in.payment")) ?? .block
        p.outcomeSpecification = Self.text(g, "burn_in.specification") == "outcome"
        p.priceWeight = real("burn_in.price_weight")
        p.uplift = true
        p.lotSize = int("burn_in.lot_size")
        p.contractedShare = real("burn_in.contracted_share")
        p.strategies = []
        p.trigger = 0
        p.retenderGoodIncumbents = false
        return p
    }

    /// A top-level real parameter, e.g. `real("demand.trend")`.
    public func real(_ path: String) -> Double { Self.real(g, path) }
    /// A top-level whole-number parameter.
    public func int(_ path: String) -> Int { Self.int(g, path) }
    /// A top-level flag.
    public func flag(_ path: String) -> Bool { Self.flag(g, path) }

    static func real(_ v: [String: ParamValue], _ p: String) -> Double {
        switch v[p] {
        case .real(let x): return x
        case .integer(let i): return Double(i)
        default: preconditionFailure("parameter \(p) missing or not a number")
        }
    }
    static func int(_ v: [String: ParamValue], _ p: String) -> Int {
        if case .integer(let i) = v[p] { return i }
        preconditionFailure("parameter \(p) missing or not a whole number")
    }
    static func flag(_ v: [String: ParamValue], _ p: String) -> Bool {
        if case .flag(let b) = v[p] { return b }
        preconditionFailure("parameter \(p) missing or not a flag")
    }
    static func text(_ v: [String: ParamValue], _ p: String) -> String {
        if case .text(let s) = v[p] { return s }
        preconditionFailure("parameter \(p) missing or not text")
    }
    static func list(_ v: [String: ParamValue], _ p: String) -> [String] {
        if case .list(let l) = v[p] { return l }
        preconditionFailure("parameter \(p) missing or not a list")
    }
    static func dist(_ v: [String: ParamValue], _ p: String) -> Distribution {
        switch v[p] {
        case .distribution(let d): return d
        case .real(let x): return .fixed(x)
        case .integer(let i): return .fixed(Double(i))
        default: preconditionFailure("parameter \(p) missing or not a distribution")
        }
    }
}
