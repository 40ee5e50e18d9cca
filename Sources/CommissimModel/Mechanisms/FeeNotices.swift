/// Mechanism 4d — Notice on unviable fees (MODEL.md §3.8, "Notice on unviable fees"): after each
/// January price review, a provider paid less than its walk-away price for a place gives notice.
/// A contract below it is handed back (its children stay with the provider off contract); a
/// placement off contract below it continues only at the provider's current spot quote (the
/// council re-buys the place rather than move the child). The rule reads fees and costs only,
/// whatever cut the fee; 000 Figure 1: "reducing the price paid per unit ... service may become
/// financially unsustainable".
extension Market {
    /// The lowest margin over unit cost provider `i` accepts on a place it already fills, from the
    /// floors of its bids (§3.6): a private provider's ``privateMarginFloor(_:)``; a charity's
    /// required margin, less its ``crossSubsidyNow(_:)``.
    func walkAwayMargin(_ i: Int) -> Double {
        providers.kind[i].isPrivate ? privateMarginFloor(i) : providers.requiredMargin[i] - crossSubsidyNow(i)
    }

    /// Each January after the price review: contracts and off-contract placements whose fee is
    /// below the provider's walk-away price (unit cost × (1 + ``walkAwayMargin(_:)``)) are given notice.
    func runFeeNotices() {
        guard month % 12 == 0 && month > 0 && p.feeNotices else { return }
        var floor = Array(repeating: Double.infinity, count: providers.count)
        for i in providers.trading where providers.kind[i] != .inHouse {
            floor[i] = unitCost(i) * (1 + walkAwayMargin(i))
        }
        // Contracts handed back: the provider ends them; their children stay off contract at the
        // contract fee, and are re-priced below with the provider's other placements.
        for k in activeContracts where contracts[k].form != .alliance && contracts[k].form != .grant {
            let i = contracts[k].provider
            guard contracts[k].price < floor[i] else { continue }
            endContract(k, early: false)
            tally.contractsHandedBack += 1
        }
        // Placements off contract: continued at the provider's spot quote to that council.
        var repriced = false
        for j in providers.trading where floor[j].isFinite {
            let quote = SpotQuote(self, j)
            for ch in offContractChildren(of: j) where children[ch].price > 0 && children[ch].price < floor[j] {
                settleCare(ch)
                children[ch].price = spotPrice(quote, provider: j, council: Int(children[ch].council))
                tally.placementsRepriced += 1
                repriced = true
            }
        }
        if repriced { recountFees() }
    }
}
