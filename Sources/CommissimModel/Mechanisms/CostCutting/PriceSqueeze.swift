/// `price_squeeze` (MODEL.md §3.4): at each January price review fees on contracts and spot
/// placements are cut by `policy.squeeze_rate` instead of uplifted with inflation; each cut is a
/// breach of trust (the review's, CostCutting.swift). Evidence: 004 "forcing arbitrary discounts
/// on fees"; 000 Fig. 1.
enum PriceSqueeze: CostCuttingStrategy {
    static let name = "price_squeeze"
    static func feeFactor(_ pol: ModelConfig.Policy) -> Double? { 1 - pol.squeezeRate }
}

extension Strategies {
    public static let priceSqueeze = Strategies(PriceSqueeze.self)
}
