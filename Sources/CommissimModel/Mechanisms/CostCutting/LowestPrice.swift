/// `lowest_price` (MODEL.md §3.4): tenders weigh price by `policy.lowest_price_weight` instead of
/// `policy.price_weight`. Evidence: 004, 86% of councils make 40%+ of placement decisions on cost.
enum LowestPrice: CostCuttingStrategy {
    static let name = "lowest_price"
    static func priceWeight(_ weight: Double, _ pol: ModelConfig.Policy) -> Double { pol.lowestPriceWeight }
}

extension Strategies {
    public static let lowestPrice = Strategies(LowestPrice.self)
}
