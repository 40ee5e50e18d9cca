/// Mechanism 7 — Service delivery and outcomes.
///
/// Each month every placed child receives a month of care of quality q_j (0.9 q_j in an emergency
/// spot placement) and the council pays spot and framework fees. A placement breaks down after a
/// geometric time with monthly hazard h = breakdown_rate × exp(−quality_sensitivity (q_j − 0.5)) ×
/// spot_breakdown_factor·[spot] × (1 + instability × min(previous breakdowns, 4)), drawn when the
/// placement starts (instability begets instability); the child then waits to be placed
/// again (004: 22% of looked-after children had two placements in a year, 11% three or more). A child
/// leaves after a geometric time with mean duration_tier from its first placement, with outcome
///   o = clamp(mean quality received − breakdown_penalty × breakdowns − waiting_penalty × months waited + ε, 0, 1),
/// ε ~ N(0, outcome_noise²). Outcomes are observed only at exit and paid for (outcome-based
/// contracts) after outcome_lag_months (001: "the difference you're trying to make is some years away").
extension Market {
    /// One month of care for every child; exits and breakdowns.
    func runDelivery() {
        var broke: [Int] = []
        var leaving: [Int] = []
        let t = Int32(month)
        var spotPaid = 0.0
        // Hot loop: move the provider and council arrays it writes out of the market (so they are
        // uniquely owned and never copied), work on them and the records in place, put them back.
        var revenue = providers.revenue, fromCouncils = providers.councilRevenue, spend = councilSpend
        providers.revenue = []; providers.councilRevenue = []; councilSpend = []
        // Quality received per month, by provider and whether the child is there on a spot
        // purchase (`2 j + spot`): a table lookup, as a branch on `spot` is mispredicted often.
        var received = [Float](repeating: 0, count: 2 * providers.count)
        for j in 0..<providers.count {
            received[2 * j] = Float(providers.quality[j] * 1)
            received[2 * j + 1] = Float(providers.quality[j] * 0.9)
        }
        revenue.withUnsafeMutableBufferPointer { revenue in
        fromCouncils.withUnsafeMutableBufferPointer { fromCouncils in
        spend.withUnsafeMutableBufferPointer { spend in
        children.withRecords { records in
            for i in records.indices where records[i].alive {
                let j = Int(records[i].provider)
                if j < 0 {
                    records[i].waitMonths &+= 1
                    continue
                }
                records[i].servedMonths &+= 1
                records[i].qualitySum += received[2 * j + (records[i].spot ? 1 : 0)]
                // Every placed child's fee is added (0 when it is paid through a contract or
                // in-house): adding +0 changes no sum, and a branch on the fee is unpredictable.
                let fee = max(records[i].price, 0)
                spotPaid += fee
                spend[Int(records[i].council)] += fee
                revenue[j] += fee
                fromCouncils[j] += fee
                if records[i].exitMonth <= t {
                    leaving.append(i)
                } else if records[i].breakdownMonth <= t {
                    broke.append(i)
                }
            }
        }
        }
        }
        }
        providers.revenue = revenue; providers.councilRevenue = fromCouncils; councilSpend = spend
        tally.spendSpot += spotPaid
        forEachEnding(leaving) { leave($0) }
        forEachEnding(broke) { i in
            breakDown(i)
            councils.waiting[Int(children[i].council)].append(Int32(i))
        }
    }

    /// Runs `body` on each child of `slots` whose placement ends, loading the records it will
    /// touch a few children ahead.
    @inline(__always) func forEachEnding(_ slots: [Int], _ body: (Int) -> Void) {
        for (n, i) in slots.enumerated() {
            if n + 4 < slots.count { children.prefetch(slots[n + 4]) }
            if n + 2 < slots.count { prefetchDetach(slots[n + 2]) }
            body(i)
        }
    }

    /// Child `i`'s placement breaks down: it leaves the provider and will be placed again (the
    /// caller puts it on its council's waiting list).
    func breakDown(_ i: Int) {
        detach(i)
        children[i].breakdowns &+= 1
        tally.breakdowns += 1
    }

    /// Child `i` leaves the service with its outcome.
    func leave(_ i: Int) {
        let served = Double(children[i].servedMonths)
        var o: Double
        if served > 0 {
            o = Double(children[i].qualitySum) / served
            o -= p.breakdownPenalty * Double(children[i].breakdowns)
        } else {
            o = p.unservedOutcome
            tally.unservedLeavers += 1
        }
        o -= p.waitingPenalty * Double(children[i].waitMonths)
        o = min(1, max(0, o + rng.gaussian(sd: p.outcomeNoise)))
        let ct = Int(children[i].contract)
        if ct >= 0 && contracts.form[ct] == .outcome { scheduleOutcomePayment(contract: ct, child: i, outcome: o) }
        if children[i].isLookedAfter {
            let n = Int(children[i].placementsThisYear)
            if n > 0 { yearLeaverPlacements[min(n, 3) - 1] += 1 }
            census.lookedAfterByPlacements[min(3, n)] -= 1
        }
        detach(i)
        tally.leavers += 1
        tally.outcomeSum += o
        if o >= p.goodOutcome { tally.goodOutcomes += 1 }
        bookExternalCosts(outcome: o, tier: Int(children[i].tier))
        children.remove(i)
    }
}
