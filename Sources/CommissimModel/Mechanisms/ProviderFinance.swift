/// Mechanism 4a — Provider finance: revenue, costs, reserves, owners' extraction, exit decisions.
///
/// Each month a provider earns contract payments (block and grant: price × volume; outcome-based:
/// outcome_upfront_share × price × volume, plus outcome payments when due), spot and framework
/// fees, and — charities — voluntary income (voluntary_income × unit cost × capacity). It pays
///   unit cost × (fixed_cost_share × capacity + (1 − fixed_cost_share) × occupied)
/// plus interest on debt, bid costs and its investment. Profit goes to reserves; private owners
/// take dividend_share of profit while reserves exceed reserve_target_months of cost. A provider
/// exits when reserves fall below zero (insolvency) or when its smoothed operating margin stays
/// below required_margin for exit_patience months (persistent loss); its children must move.
/// Every six months capacity adapts: a provider under 60% use sheds 10% of its uncommitted places,
/// one over 95% use with margin above target adds 10%.
extension Market {
    /// Contract payments, outcome payments, in-house costs and monitoring costs of the month.
    func runContractPayments() {
        for k in 0..<contracts.count where contracts.active[k] && contracts.reservesPlaces(k) {
            let c = contracts.council[k], i = contracts.provider[k]
            let full = contracts.price[k] * Double(contracts.volume[k])
            let upfront = contracts.form[k] == .outcome ? policy(c).outcomeUpfrontShare : 1
            let pay = full * upfront
            if contracts.form[k] == .outcome {
                tally.spendOutcome += pay
            } else {
                tally.spendContracts += pay
            }
            councilSpend[c] += pay
            providers.revenue[i] += pay
            providers.councilRevenue[i] += pay
            if contracts.form[k] == .outcome && contracts.financed[k] { advanceFromInvestor(provider: i, amount: full - pay) }
        }
        for k in 0..<contracts.count where contracts.active[k] {
            let c = contracts.council[k], i = contracts.provider[k]
            let trust = Double(providers.councilTrust[pair(i, c)])
            let cost = p.monitoringCost * (1 - p.monitoringDiscount * trust) * (contracts.form[k] == .grant ? 0.5 : 1)
            tally.monitoringCost += cost
            councilSpend[c] += cost
        }
        payDueOutcomes()
        for c in 0..<councils.count {
            for h in councils.inHouse[c] {
                let cost = inHouseCost(h)
                tally.spendInHouse += cost
                councilSpend[c] += cost
            }
        }
    }

    /// Profit and loss, investment, reserves and exit decisions of every independent provider.
    func runProviderFinance() {
        let interest = p.interestRate / 12
        let reviewCapacity = month % 6 == 5
        for i in 0..<providers.count where providers.alive[i] && providers.kind[i] != .inHouse {
            let uc = unitCost(i)
            let cap = Double(providers.capacity[i]), occ = Double(providers.occupied[i])
            var cost = uc * (p.fixedCostShare * cap + (1 - p.fixedCostShare) * occ)
            cost += providers.debt[i] * interest + providers.bidCosts[i]
            providers.revenue[i] += providers.voluntaryIncome[i] * uc * cap
            let revenue = providers.revenue[i]
            let operating = revenue - cost
            let invest = investment(provider: i, revenue: revenue, monthlyCost: cost)
            providers.lastInvestment[i] = invest
            tally.investment += invest
            var profit = operating - invest
            providers.reserves[i] += profit
            if providers.kind[i].isPrivate && profit > 0 && providers.reserves[i] > p.reserveTargetMonths * cost {
                let d = p.dividendShare * profit
                providers.reserves[i] -= d
                tally.dividends += d
                profit -= d
            }
            providers.lastCost[i] = cost
            let margin = revenue > 0 ? operating / revenue : -1
            providers.marginTrend[i] += (margin - providers.marginTrend[i]) / 12
            providers.lossMonths[i] = providers.marginTrend[i] < providers.requiredMargin[i] ? providers.lossMonths[i] + 1 : 0
            updateQuality(provider: i, invest: invest)
            if providers.reserves[i] < 0 || providers.lossMonths[i] >= p.exitPatience {
                exiting.append(i)
            } else if reviewCapacity {
                adaptCapacity(i)
            }
        }
    }

    private func adaptCapacity(_ i: Int) {
        let cap = providers.capacity[i], occ = providers.occupied[i]
        if Double(occ) < 0.6 * Double(cap) {
            let floor = max(1, providers.committed[i] + occ - providers.blockOccupied[i])
            providers.capacity[i] = max(floor, cap - max(1, cap / 10))
        } else if Double(occ) > 0.95 * Double(cap) && providers.marginTrend[i] > providers.targetMargin[i] && providers.reserves[i] > 0 {
            providers.capacity[i] = cap + max(1, cap / 10)
        }
    }

    /// Resets the month's provider and council totals.
    func resetMonthTotals() {
        for i in 0..<providers.count {
            providers.revenue[i] = 0
            providers.councilRevenue[i] = 0
            providers.bidCosts[i] = 0
        }
        for c in 0..<councils.count { councilSpend[c] = 0 }
        tally = MonthTally()
    }
}
