/// Running counts of children by status, kept up to date by admission, placement, leaving and fee
/// changes, so that the monthly metrics need no pass over every child.
///
/// Together with each provider's `occupied` count and each contract's `feeFree` count, it gives
/// the children served, waiting, in-house and at a fee, the mean price paid per tier, and the
/// placement-stability shares. ``InvariantTests`` recounts all of it from the children every month.
struct Census {
    /// Looked-after (not family-support) children alive, by placements started this calendar
    /// year: 0, 1, 2, 3 or more.
    var lookedAfterByPlacements = [0, 0, 0, 0]
    /// Children placed at a fee per child (spot, framework, or a contract that has ended).
    var feePaying = 0
    /// Sum of those fees per month, per tier.
    var feeSum = Array(repeating: 0.0, count: Tier.allCases.count)
}

extension Market {
    /// Adds a waiting child of council `c` and tier `k` (not yet on a waiting list).
    func admit(council c: Int, tier k: Int) -> Int {
        if k != Tier.familySupport.rawValue { census.lookedAfterByPlacements[0] += 1 }
        return children.add(council: c, tier: k, month: month)
    }

    /// Counts a placement starting for a child of tier `k` (after its fields are set), now the
    /// `n`th placement this year.
    @inline(__always) func censusPlaced(tier k: Int, contract ct: Int, price: Double, placementsThisYear n: UInt16) {
        if k != Tier.familySupport.rawValue && n <= 3 {
            census.lookedAfterByPlacements[Int(n) - 1] -= 1
            census.lookedAfterByPlacements[Int(n)] += 1
        }
        countFee(tier: k, contract: ct, price: price, 1)
    }

    /// Counts (`sign` 1) or uncounts (−1) how one placed child of tier `k` is paid for: its own fee
    /// `price` if positive, otherwise through contract `ct` (if any).
    @inline(__always) func countFee(tier k: Int, contract ct: Int, price: Double, _ sign: Int) {
        if price > 0 {
            census.feePaying += sign
            census.feeSum[k] += Double(sign) * price
        } else if ct >= 0 {
            contracts.feeFree[ct] += sign
        }
    }

    /// Recounts the fees from scratch (after the yearly price review, which may cut a fee to 0).
    func recountFees() {
        census.feePaying = 0
        census.feeSum = Array(repeating: 0.0, count: Tier.allCases.count)
        contracts.feeFree = Array(repeating: 0, count: contracts.count)
        for child in children.records where child.alive && child.provider >= 0 {
            countFee(tier: Int(child.tier), contract: Int(child.contract), price: child.price, 1)
        }
    }

    /// A new calendar year: every child in a placement counts it as this year's first.
    func startCalendarYear() {
        yearLeaverPlacements = [0, 0, 0]
        var counts = [0, 0, 0, 0]
        children.withRecords { records in
            for i in records.indices where records[i].alive {
                records[i].placementsThisYear = records[i].provider >= 0 ? 1 : 0
                if records[i].tier != UInt8(Tier.familySupport.rawValue) { counts[Int(records[i].placementsThisYear)] += 1 }
            }
        }
        census.lookedAfterByPlacements = counts
    }
}
