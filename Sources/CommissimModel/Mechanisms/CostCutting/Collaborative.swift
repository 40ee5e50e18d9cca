/// `collaborative` (MODEL.md §3.4): the council tenders jointly with its neighbours — lots 1.5
/// times larger, half the staff time per tender, bidders' mark-up cut by
/// `policy.collaborative_discount` (pooled bargaining), and trust on the contracts let built 25%
/// faster. Evidence: 000 Fig. 1 (bargaining power, wider areas).
enum Collaborative: CostCuttingStrategy {
    static let name = "collaborative"
    static func lotSize(_ size: Double, _ pol: ModelConfig.Policy) -> Double { size * 1.5 }
    static let tendersJointly = true
}

extension Strategies {
    public static let collaborative = Strategies(Collaborative.self)
}

extension Market {
    /// Staff-months one tender takes: half when tendered jointly.
    func tenderStaffMonths(collaborative: Bool) -> Double { p.tenderStaffMonths * (collaborative ? 0.5 : 1) }

    /// The cut in bidders' mark-up a joint tender of council `c` brings (Tendering.swift).
    func jointTenderDiscount(_ c: Int) -> Double { policy(c).collaborativeDiscount }

    /// Trust on a jointly tendered contract `k` builds 25% faster (TrustDynamics.swift).
    func jointTenderTrustFactor(_ k: Int) -> Double { contracts[k].collaborative ? 1.25 : 1 }
}
