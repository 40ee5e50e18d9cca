/// `consolidation` (MODEL.md §3.4): lots `policy.consolidation_factor` times larger. Evidence:
/// 000 Fig. 1 "out of reach for smaller organisations, contract value attracts private sector competition".
enum Consolidation: CostCuttingStrategy {
    static let name = "consolidation"
    static func lotSize(_ size: Double, _ pol: ModelConfig.Policy) -> Double { size * pol.consolidationFactor }
}

extension Strategies {
    public static let consolidation = Strategies(Consolidation.self)
}
