/// Mechanism 7 — Service delivery and outcomes.
///
/// Each month every placed child receives a month of care of quality q_j (0.9 q_j in an emergency
/// spot placement) and the council pays spot and framework fees. A placement breaks down after a
/// geometric time with monthly hazard h = breakdown_rate × exp(−quality_sensitivity (q_j − 0.5)) ×
/// spot_breakdown_factor·[spot], drawn when the placement starts; the child then waits to be placed
/// again (004: 22% of looked-after children had two placements in a year, 11% three or more). A child
/// leaves after a geometric time with mean duration_tier from its first placement, with outcome
///   o = clamp(mean quality received − breakdown_penalty × breakdowns − waiting_penalty × months waited + ε, 0, 1),
/// ε ~ N(0, outcome_noise²). Outcomes are observed only at exit and paid for (outcome-based
/// contracts) after outcome_lag_months (001: "the difference you're trying to make is some years away").
extension Market {
    /// One month of care for every child; exits and breakdowns.
    func runDelivery() {
        let n = children.alive.count
        var broke: [Int] = []
        var leaving: [Int] = []
        let t = Int32(month)
        for i in 0..<n where children.alive[i] {
            let j = Int(children.provider[i])
            if j < 0 {
                children.waitMonths[i] &+= 1
                continue
            }
            children.servedMonths[i] &+= 1
            children.qualitySum[i] += Float(providers.quality[j] * (children.spot[i] ? 0.9 : 1))
            let price = children.price[i]
            if price > 0 {
                tally.spendSpot += price
                councilSpend[Int(children.council[i])] += price
                providers.revenue[j] += price
                providers.councilRevenue[j] += price
            }
            if children.exitMonth[i] <= t {
                leaving.append(i)
            } else if children.breakdownMonth[i] <= t {
                broke.append(i)
            }
        }
        for i in leaving { leave(i) }
        for i in broke {
            detach(i)
            children.breakdowns[i] &+= 1
            tally.breakdowns += 1
            councils.waiting[Int(children.council[i])].append(Int32(i))
        }
    }

    /// Child `i` leaves the service with its outcome.
    func leave(_ i: Int) {
        let served = Double(children.servedMonths[i])
        var o: Double
        if served > 0 {
            o = Double(children.qualitySum[i]) / served
            o -= p.breakdownPenalty * Double(children.breakdowns[i])
        } else {
            o = p.unservedOutcome
            tally.unservedLeavers += 1
        }
        o -= p.waitingPenalty * Double(children.waitMonths[i])
        o = min(1, max(0, o + rng.gaussian(sd: p.outcomeNoise)))
        let ct = Int(children.contract[i])
        if ct >= 0 && contracts.form[ct] == .outcome { scheduleOutcomePayment(contract: ct, child: i, outcome: o) }
        if children.tier[i] != UInt8(Tier.familySupport.rawValue) {
            let n = Int(children.placementsThisYear[i])
            if n > 0 { yearLeaverPlacements[min(n, 3) - 1] += 1 }
        }
        detach(i)
        tally.leavers += 1
        tally.outcomeSum += o
        if o >= p.goodOutcome { tally.goodOutcomes += 1 }
        bookExternalCosts(outcome: o)
        children.remove(i)
    }
}
