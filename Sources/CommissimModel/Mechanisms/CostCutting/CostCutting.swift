/// Mechanism 2b — Cost-cutting strategies under budget pressure (MODEL.md §3.4, with the evidence).
///
/// This file is the machinery: what a strategy is (``CostCuttingStrategy``: its name and the hooks
/// it may act through, each doing nothing by default), the list of strategies, the set a council
/// applies (``Strategies``, whose hooks combine its members' for the commissioning cycle,
/// Commissioning.swift), and the yearly price review. Each strategy is its own file in this folder,
/// with its effects; a new strategy is a new file, its line in ``Strategy/registered`` and its test
/// (StrategyTests.swift).

/// A cost-cutting strategy (MODEL.md §3.4): its scenario name and what it changes. Every hook
/// defaults to changing nothing; a strategy's file implements the ones it acts through.
protocol CostCuttingStrategy: Sendable {
    /// The name in `policy.strategies` and the docs.
    static var name: String { get }

    // The commissioning cycle (Commissioning.swift, Tendering.swift).
    /// The payment form of the contracts the council lets, given the form it would use.
    static func paymentForm(_ form: PaymentForm, _ pol: ModelConfig.Policy) -> PaymentForm
    /// Whether its contracts specify outcomes rather than inputs.
    static var specifiesOutcomes: Bool { get }
    /// The weight tenders give price, given the weight they would give it (never asked for grants).
    static func priceWeight(_ weight: Double, _ pol: ModelConfig.Policy) -> Double
    /// The places per lot, given the places it would be.
    static func lotSize(_ size: Double, _ pol: ModelConfig.Policy) -> Double
    /// Whether the council tenders jointly with its neighbours.
    static var tendersJointly: Bool { get }
    /// Whether expiring contracts are decided least trusted first and lapse while the council
    /// holds more than its contracted target.
    static var lapsesExpiringContracts: Bool { get }
    /// The factor on the contracted target (the share of expected independent demand bought on contracts).
    static func contractTargetFactor(_ pol: ModelConfig.Policy) -> Double
    /// Whether family-support eligibility is tightened (referrals screened out).
    static var tightensEligibility: Bool { get }
    /// Whether trusted incumbents are varied for a new term instead of re-tendered.
    static var variesTrustedIncumbents: Bool { get }
    /// At each planning round of tier `k`, after in-house services are staffed for their share.
    static func plan(_ m: Market, council c: Int, tier k: Int)

    // The yearly price review (``Market/runCostCutting()``).
    /// The factor fees are set to in place of the inflation uplift (nil: the review as usual).
    static func feeFactor(_ pol: ModelConfig.Policy) -> Double?
    /// After the review has set contract `k`'s fee; `uplift` is the factor it gave fees in
    /// general this year (1 where they were not uplifted).
    static func reviewed(_ m: Market, contract k: Int, council c: Int, uplift: Double)
    /// Once the council's contracts are reviewed.
    static func afterReview(_ m: Market, council c: Int)
}

extension CostCuttingStrategy {
    static func paymentForm(_ form: PaymentForm, _ pol: ModelConfig.Policy) -> PaymentForm { form }
    static var specifiesOutcomes: Bool { false }
    static func priceWeight(_ weight: Double, _ pol: ModelConfig.Policy) -> Double { weight }
    static func lotSize(_ size: Double, _ pol: ModelConfig.Policy) -> Double { size }
    static var tendersJointly: Bool { false }
    static var lapsesExpiringContracts: Bool { false }
    static func contractTargetFactor(_ pol: ModelConfig.Policy) -> Double { 1 }
    static var tightensEligibility: Bool { false }
    static var variesTrustedIncumbents: Bool { false }
    static func plan(_ m: Market, council c: Int, tier k: Int) {}
    static func feeFactor(_ pol: ModelConfig.Policy) -> Double? { nil }
    static func reviewed(_ m: Market, contract k: Int, council c: Int, uplift: Double) {}
    static func afterReview(_ m: Market, council c: Int) {}
}

/// A cost-cutting strategy by scenario name (DOMAIN mechanism 2). A set of them is a ``Strategies``.
public struct Strategy: NamedCase {
    /// Every strategy, in the order their effects combine (lots grow by consolidation, then by
    /// collaboration). A new strategy is appended here.
    static let registered: [any CostCuttingStrategy.Type] = [
        PriceSqueeze.self, LowestPrice.self, Consolidation.self, Collaborative.self,
        OutcomePayment.self, Decommission.self, BringInHouse.self, Codesign.self,
    ]

    /// Its place in ``registered`` (and its bit in a ``Strategies``).
    let index: Int

    /// The strategy `type` declares.
    init(_ type: any CostCuttingStrategy.Type) {
        guard let i = Self.registered.firstIndex(where: { $0 == type }) else {
            preconditionFailure("\(type) is not in Strategy.registered")
        }
        index = i
    }

    private init(index: Int) { self.index = index }

    public static let allCases = registered.indices.map(Strategy.init(index:))
    public var name: String { Self.registered[index].name }
}

/// A set of ``Strategy``s (one bit per strategy): those a council's policy lists, or applies this
/// month. Its hooks combine its members', in the order they are registered.
public struct Strategies: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    public init(_ s: Strategy) { rawValue = 1 << s.index }
    init(_ type: any CostCuttingStrategy.Type) { self.init(Strategy(type)) }

    /// The set named by scenario names (unknown names are refused by the parser first).
    public init(names: [String]) {
        self = Strategies(names.compactMap(Strategy.init(name:)).map(Strategies.init))
    }

    /// The strategies in the set, in the order they are registered (read bit by bit: the hooks
    /// are asked for every lot, and an array each time cost 6% of an austerity run).
    var members: Members { Members(bits: rawValue) }

    struct Members: Sequence, IteratorProtocol {
        var bits: Int
        mutating func next() -> (any CostCuttingStrategy.Type)? {
            guard bits != 0 else { return nil }
            let i = bits.trailingZeroBitCount
            bits &= bits - 1
            return Strategy.registered[i]
        }
    }

    func paymentForm(_ pol: ModelConfig.Policy) -> PaymentForm { members.reduce(pol.payment) { $1.paymentForm($0, pol) } }
    /// Outcome specifications: the policy's, an outcome-based contract's, or a strategy's.
    func specifiesOutcomes(_ pol: ModelConfig.Policy, form: PaymentForm) -> Bool {
        pol.outcomeSpecification || form == .outcome || members.contains { $0.specifiesOutcomes }
    }
    /// Grants never weigh price.
    func priceWeight(_ pol: ModelConfig.Policy, form: PaymentForm) -> Double {
        form == .grant ? 0 : members.reduce(pol.priceWeight) { $1.priceWeight($0, pol) }
    }
    func lotSize(_ pol: ModelConfig.Policy) -> Int {
        let size = members.reduce(Double(pol.lotSize)) { $1.lotSize($0, pol) }
        return max(1, Int(size.rounded()))
    }
    var tendersJointly: Bool { members.contains { $0.tendersJointly } }
    var lapsesExpiringContracts: Bool { members.contains { $0.lapsesExpiringContracts } }
    func contractTargetFactor(_ pol: ModelConfig.Policy) -> Double { members.reduce(1) { $0 * $1.contractTargetFactor(pol) } }
    var tightensEligibility: Bool { members.contains { $0.tightensEligibility } }
    var variesTrustedIncumbents: Bool { members.contains { $0.variesTrustedIncumbents } }
    func plan(_ m: Market, council c: Int, tier k: Int) { for s in members { s.plan(m, council: c, tier: k) } }
    func feeFactor(_ pol: ModelConfig.Policy) -> Double? { members.lazy.compactMap { $0.feeFactor(pol) }.first }
}

extension Market {
    /// Sets the strategies council `c` applies this month.
    func updateActiveStrategies(_ c: Int) {
        let pol = policy(c)
        let on = pol.trigger < 0 || councils.pressure[c] > pol.trigger
        activeStrategies[c] = on ? pol.strategies : []
        tightened[c] = activeStrategies[c].tightensEligibility
    }

    /// Monthly: which strategies apply; yearly (each January): the price review. Fees on contracts
    /// and spot placements are uplifted with inflation (where the policy says), unless a strategy
    /// sets them instead (``CostCuttingStrategy/feeFactor(_:)``): such a fee is a cut the council
    /// imposes, a breach of trust (MODEL.md §3.11).
    func runCostCutting() {
        for c in 0..<councils.count { updateActiveStrategies(c) }
        guard month % 12 == 0 && month > 0 else { return }
        let uplift = 1 + p.inflation
        var spotFactor = Array(repeating: 1.0, count: councils.count)
        for c in 0..<councils.count {
            let s = activeStrategies[c], pol = policy(c)
            let factor = s.feeFactor(pol)
            let members = s.members
            for k in councils.contracts[c] where contracts[k].active {
                if let factor {
                    contracts[k].price *= factor
                    tally.feeCuts += 1
                    conduct(.feeCut, council: c, provider: contracts[k].provider)
                } else if pol.uplift && contracts[k].form != .grant {
                    contracts[k].price *= uplift
                }
                for m in members { m.reviewed(self, contract: k, council: c, uplift: factor != nil || !pol.uplift ? 1 : uplift) }
            }
            if let factor { spotFactor[c] = factor }
            for m in members { m.afterReview(self, council: c) }
        }
        // Spot and framework fees: set by a strategy's factor below 1, otherwise uplifted with inflation.
        for i in 0..<children.count where children[i].alive && children[i].price > 0 {
            let c = Int(children[i].council)
            children[i].price *= spotFactor[c] < 1 ? spotFactor[c] : (policy(c).uplift ? uplift : 1)
        }
        recountFees()
    }
}
