import CommissimEngine
import Foundation

/// Mechanism 7 — Service delivery and outcomes: MODEL.md §3.12 gives the month of care, the
/// breakdown hazard (drawn when a placement starts), durations, and the outcome at exit — for a
/// served child mean quality received less the breakdown and waiting penalties, for a child who
/// leaves unserved `unserved_outcome` less the waiting penalty — with noise, clamped to [0, 1].
extension Market {
    /// The breakdown hazard of MODEL.md §3.12 without the child's terms: provider `j`'s monthly
    /// hazard at quality q_j (read when the month's breakdown laws are made; quality does not
    /// change while children are placed).
    @inline(__always) func baseBreakdownHazard(_ j: Int) -> Double {
        p.breakdownRate * exp(-p.qualitySensitivity * (providers.quality[j] - 0.5))
    }

    /// The breakdown hazard of MODEL.md §3.12 of a placement with provider `j` for a child with
    /// `breakdowns` so far (drawn when the placement starts, in ``assign(_:provider:contract:price:spot:)``).
    @inline(__always) func breakdownHazard(_ j: Int, breakdowns: UInt16, spot: Bool) -> Double {
        let h = baseBreakdownHazard(j) * (spot ? p.spotBreakdownFactor : 1)
        return min(1, h * (1 + p.instability * Double(min(breakdowns, 4))))
    }

    /// The geometric law of the breakdown month of a placement with provider `j` (hazard
    /// ``breakdownHazard(_:breakdowns:spot:)``), made once a month per provider, route and
    /// history, so its logarithm is not taken again for every placement (MODEL.md §2).
    @inline(__always) func breakdownLaw(_ j: Int, breakdowns: UInt16, spot: Bool) -> Geometric {
        let ix = 10 * j + (spot ? 5 : 0) + Int(min(breakdowns, 4))
        if breakdownLaws[ix].p.isNaN { breakdownLaws[ix] = Geometric(breakdownHazard(j, breakdowns: breakdowns, spot: spot)) }
        return breakdownLaws[ix]
    }

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
        if ct >= 0 && contracts.form[ct] == .alliance { accrueAlliance(contract: ct, child: i, outcome: o) }
        if children[i].isLookedAfter {
            book.census.lookedAfterByPlacements[min(3, Int(children[i].placementsThisYear))] -= 1
        }
        detach(i)
        tally.leavers += 1
        tally.outcomeSum += o
        let c = Int(children[i].council)
        councilLeavers[c] += 1
        councilOutcomeSum[c] += o
        if o >= p.goodOutcome { tally.goodOutcomes += 1 }
        bookExternalCosts(outcome: o, tier: Int(children[i].tier))
        children.remove(i)
    }
}
