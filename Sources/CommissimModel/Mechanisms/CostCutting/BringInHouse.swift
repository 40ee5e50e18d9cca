/// `in_house` (MODEL.md §3.4): bringing services in-house (the strategy; the provider kind is
/// ``ProviderKind/inHouse``). At each planning round, where the in-house unit cost is below the
/// mean price of the council's contracts of the tier, in-house capacity grows by 5% of expected
/// demand. Evidence: 004 "internal challenge between commissioning and direct provision".
enum BringInHouse: CostCuttingStrategy {
    static let name = "in_house"
    static func plan(_ m: Market, council c: Int, tier k: Int) { m.expandInHouseIfCheaper(c, tier: k) }
}

extension Strategies {
    public static let bringInHouse = Strategies(BringInHouse.self)
}

extension Market {
    /// Grows council `c`'s in-house capacity of tier `k` where it is cheaper than buying.
    func expandInHouseIfCheaper(_ c: Int, tier k: Int) {
        let h = councils.inHouse[councilTier(c, k)]
        var sum = 0.0, n = 0
        for ct in councils.contracts[c] where contracts[ct].tier == k { sum += contracts[ct].price; n += 1 }
        guard n > 0, unitCost(h) < sum / Double(n) else { return }
        providers.capacity[h] += max(1, Int((0.05 * expectedStock(c, k)).rounded()))
    }
}
