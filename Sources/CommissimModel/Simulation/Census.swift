import CommissimEngine

/// Running counts of children by status, kept up to date by admission, placement, leaving and fee
/// changes, so that the monthly metrics need no pass over every child.
///
/// Together with each provider's `occupied` count and each contract's `feeFree` count, it gives
/// the children served, waiting, in-house and at a fee, the mean price paid per tier, and the
/// placement-stability shares. ``InvariantTests`` recounts all of it from the children every month.
struct Census {
    /// Looked-after (not family-support) children alive, by placements started this calendar
    /// year: 0, 1, 2, 3 or more.
    var lookedAfterByPlacements = InlineCounts(repeating: 0, count: 4)
    /// Children placed at a fee per child (spot, framework, or a contract that has ended).
    var feePaying = 0
    /// Sum of those fees per month, per tier, in ``FixedPoint`` units: exact, so what is added
    /// and taken away over years leaves no rounding residue (the mean price paid, MetricsRecorder).
    var feeUnits = InlineCounts<Int64>.perTier(0)
}

extension Market {
    /// Adds a waiting child of council `c` and tier `k` (not yet on a waiting list).
    func admit(council c: Int, tier k: Int) -> Int {
        if k != Tier.familySupport.rawValue { book.census.lookedAfterByPlacements[0] += 1 }
        if children.growthBytes > 0 { ensureRoom(Double(children.growthBytes), for: "the children's records") }
        return children.add(council: c, tier: k, month: month)
    }

    /// Counts a placement starting for `child` (its record as placed: this year's placements
    /// include the new one).
    @inline(__always) func censusPlaced(_ child: Child) {
        let n = Int(child.placementsThisYear)
        if child.isLookedAfter && n <= 3 {
            book.census.lookedAfterByPlacements[n - 1] -= 1
            book.census.lookedAfterByPlacements[n] += 1
        }
        countFee(child, 1)
    }

    /// Counts (`sign` 1) or uncounts (−1) how placed child `child` is paid for: its own fee if
    /// positive, otherwise through its contract (if any).
    @inline(__always) func countFee(_ child: Child, _ sign: Int) {
        if child.price > 0 {
            book.census.feePaying += sign
            let units = Int64(sign) &* FixedPoint.units(child.price)
            book.census.feeUnits[Int(child.tier)] &+= units
            providers.feeUnits[Int(child.provider)] &+= units
            book.councilFeeUnits[Int(child.council)] &+= units
        } else if child.contract >= 0 {
            contracts[Int(child.contract)].feeFree += sign
        }
    }

    /// Recounts the fees from scratch (after the yearly price review, which may cut a fee to 0).
    func recountFees() {
        book.census.feePaying = 0
        book.census.feeUnits = .perTier(0)
        // An ended contract's count is already 0: its children left it when it was released.
        forEachContractInForce { k in contracts[k].feeFree = 0 }
        providers.feeUnits.fill(with: 0)
        book.councilFeeUnits.fill(with: 0)
        for child in children where child.alive && child.provider >= 0 { countFee(child, 1) }
    }

    /// A new calendar year: every child in a placement counts it as this year's first.
    func startCalendarYear() {
        var counts = InlineCounts(repeating: 0, count: 4)
        children.withRecords { records in
            for i in records.indices where records[i].alive {
                records[i].placementsThisYear = records[i].provider >= 0 ? 1 : 0
                if records[i].isLookedAfter { counts[Int(records[i].placementsThisYear)] += 1 }
            }
        }
        book.census.lookedAfterByPlacements = counts
    }
}
