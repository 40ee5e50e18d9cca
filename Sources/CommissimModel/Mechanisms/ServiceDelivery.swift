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
        let ix = 10 * Int(providers.column[j]) + (spot ? 5 : 0) + Int(min(breakdowns, 4))
        if breakdownLaws[ix].p.isNaN { breakdownLaws[ix] = Geometric(breakdownHazard(j, breakdowns: breakdowns, spot: spot)) }
        return breakdownLaws[ix]
    }

    /// One month of care for every child; exits and breakdowns. The work is per provider, per
    /// waiting child and per event, not per child in care (MODEL.md §2, "scheduling"): the month's
    /// quality is added to each provider's running total of care delivered (each child's share is
    /// settled when its placement ends or changes, ``settleCare(_:)``), its fees are paid from the
    /// running monthly totals per provider and council (``countFee(_:_:)``), and the placements
    /// that end this month are those the calendar holds for it.
    func runDelivery() {
        monthsDelivered += 1
        let t = Int32(month)
        for j in providers.trading { providers.careDelivered[j] += providers.quality[j] }
        for c in 0..<councils.count {
            for id in councils.waiting[c] { children[Int(id)].waitMonths &+= 1 }
        }
        // Fees for the month (0 where a child is paid for through a contract or in-house).
        var spotPaid = 0.0
        for j in providers.trading where providers.feeUnits[j] != 0 {
            let fee = FixedPoint.amount(providers.feeUnits[j])
            providers.revenue[j] += fee
            providers.councilRevenue[j] += fee
        }
        for c in 0..<councils.count where book.councilFeeUnits[c] != 0 {
            let fee = FixedPoint.amount(book.councilFeeUnits[c])
            councilSpend[c] += fee
            spotPaid += fee
        }
        tally.spendSpot += spotPaid
        // Placements ending this month, leaving first, then breakdowns, each in the order they
        // were scheduled. An event whose placement has already ended or changed is stale and
        // skipped; one that appears twice (its slot's earlier child had a stale event this month)
        // is acted on once, as the child is no longer placed the second time.
        var broke = borrow(&buffers.broke), leaving = borrow(&buffers.leaving)
        defer { buffers.broke = broke; buffers.leaving = leaving }
        let due = book.endings.take(month)
        for (n, id) in due.enumerated() {
            if n + 8 < due.count { children.prefetch(Int(due[n + 8])) }
            let i = Int(id)
            let child = children[i]
            guard child.alive && child.provider >= 0 else { continue }
            if child.exitMonth <= t {
                leaving.append(i)
            } else if child.breakdownMonth <= t {
                broke.append(i)
            }
        }
        forEachEnding(leaving) { i in
            guard children[i].alive && children[i].provider >= 0 else { return }
            leave(i)
        }
        forEachEnding(broke) { i in
            guard children[i].provider >= 0 else { return }
            breakDown(i)
            councils.waiting[Int(children[i].council)].append(Int32(i))
        }
    }

    /// Adds the care child `i` has received in its current placement since the last settlement to
    /// its record — months served and quality received (times 0.9 on a spot purchase, MODEL.md
    /// §3.12) — read from its provider's running total. Called when the placement ends and before
    /// its terms change; a no-op for a waiting child.
    @inline(__always) func settleCare(_ i: Int) {
        let j = Int(children[i].provider)
        guard j >= 0 else { return }
        let now = providers.careDelivered[j]
        let received = (now - Double(children[i].qualityMark)) * (children[i].spot ? 0.9 : 1)
        children[i].qualitySum += Float(received)
        children[i].qualityMark = Float(now)
        let delivered = UInt16(truncatingIfNeeded: monthsDelivered)
        children[i].servedMonths &+= delivered &- children[i].servedMark
        children[i].servedMark = delivered
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
        settleCare(i)
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
        if ct >= 0 && contracts[ct].form == .outcome { scheduleOutcomePayment(contract: ct, child: i, outcome: o) }
        if ct >= 0 && contracts[ct].form == .alliance { accrueAlliance(contract: ct, child: i, outcome: o) }
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
