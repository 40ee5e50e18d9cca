/// Mechanism 4a — Provider finance (MODEL.md §3.8): revenue, costs, reserves, owners'
/// extraction, charities' reserve policy, staffed capacity following use, and exit decisions.
extension Market {
    /// Contract payments, outcome payments, in-house costs and monitoring costs of the month.
    func runContractPayments() {
        if isJanuary && alliances.count > 0 { settleAlliances() }
        forEachContractInForce { k in
            guard reservesPlaces(k) else { return }
            let c = contracts[k].council, i = contracts[k].provider
            let full = contracts[k].price * Double(contracts[k].volume)
            let upfront = contracts[k].form == .outcome ? policy(c).outcomeUpfrontShare : 1
            let pay = full * upfront
            if contracts[k].form == .outcome {
                tally.spendOutcome += pay
            } else {
                tally.spendContracts += pay
            }
            councilSpend[c] += pay
            providers.revenue[i] += pay
            providers.councilRevenue[i] += pay
            if contracts[k].form == .outcome && contracts[k].financed { advanceFromInvestor(contract: k, amount: full - pay) }
        }
        forEachContractInForce { k in
            let c = contracts[k].council, i = contracts[k].provider
            let trust = Double(providers.councilTrust[pair(i, c)])
            var cost = p.monitoringCost * inflationIndex * (1 - p.monitoringDiscount * trust) * (contracts[k].form == .grant ? 0.5 : 1)
            if contracts[k].form == .alliance { cost *= allianceMonitoringShare(k) }
            tally.monitoringCost += cost
            councilSpend[c] += cost
        }
        payDueOutcomes()
        for c in 0..<councils.count {
            for h in councils.inHouseServices(c) {
                let cost = inHouseCost(h)
                tally.spendInHouse += cost
                councilSpend[c] += cost
            }
        }
    }

    /// Profit and loss, investment, reserves and exit decisions of every independent provider.
    func runProviderFinance() {
        let interest = p.interestRate / 12 * inflationIndex // debt is held at month-1 prices
        let reviewCapacity = month % 6 == 5
        let horizon = horizons()
        for i in providers.trading where providers.kind[i] != .inHouse {
            let uc = unitCost(i)
            let cap = Double(providers.capacity[i]), occ = Double(providers.occupied[i])
            let fixed = p.fixedCostShare[providers.tier[i]]
            var cost = uc * (fixed * cap + (1 - fixed) * occ)
            cost += providers.debt[i] * interest + providers.bidCosts[i]
            providers.revenue[i] += providers.voluntaryIncome[i] * uc * cap
            let revenue = providers.revenue[i]
            let operating = revenue - cost
            let invest = investment(provider: i, horizon: horizon[i], revenue: revenue, monthlyCost: cost)
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
            if providers.kind[i].isCharity && providers.reserves[i] > p.charityReserveMonths * cost {
                // Reserves above the charity's policy go to its wider charitable work (MODEL.md §3.8).
                let spent = (providers.reserves[i] - p.charityReserveMonths * cost) / 12
                providers.reserves[i] -= spent
                tally.missionSpend += spent
            }
            providers.lastCost[i] = cost
            let margin = revenue > 0 ? operating / revenue : -1
            providers.marginTrend[i] += (margin - providers.marginTrend[i]) / 12
            providers.lossMonths[i] = providers.marginTrend[i] < providers.requiredMargin[i] ? providers.lossMonths[i] + 1 : 0
            updateQuality(provider: i, invest: invest)
            // Charities keep going on their reserves (cross-subsidy) until these fall below six months of cost.
            let patienceOver = providers.lossMonths[i] >= p.exitPatience && (providers.kind[i].isPrivate || providers.reserves[i] < 6 * cost)
            // A service with no child and no contract for exit_patience months closes, whatever
            // its reserves: there is nothing left to cross-subsidise (MODEL.md §3.8).
            providers.lowUseMonths[i] = providers.occupied[i] == 0 && providers.contracts[i].isEmpty ? providers.lowUseMonths[i] + 1 : 0
            if providers.reserves[i] < 0 {
                tally.exitsInsolvent += 1
                exiting.append(i)
            } else if patienceOver {
                tally.exitsLosses += 1
                exiting.append(i)
            } else if providers.lowUseMonths[i] >= p.exitPatience {
                tally.exitsIdle += 1
                exiting.append(i)
            } else {
                adaptCapacity(i, grow: reviewCapacity)
            }
        }
    }

    /// Staffing follows use: an eighth of the idle places beyond a 10% buffer are shed each month;
    /// a full provider with margin above target grows by 10% at each half-yearly review.
    private func adaptCapacity(_ i: Int, grow: Bool) {
        let cap = providers.capacity[i]
        let idle = spotFree(i)
        let buffer = max(1, cap / 10)
        if idle > buffer {
            providers.capacity[i] = cap - max(1, (idle - buffer) / 8)
        } else if grow && idle <= 0 && providers.marginTrend[i] > providers.targetMargin[i] && providers.reserves[i] > 0 {
            providers.capacity[i] = cap + max(1, cap / 10)
        }
    }

    /// Resets the month's provider and council totals.
    func resetMonthTotals() {
        providers.revenue.fill(with: 0)
        providers.councilRevenue.fill(with: 0)
        providers.bidCosts.fill(with: 0)
        providers.bidsMade.fill(with: 0)
        for c in 0..<councils.count {
            councilSpend[c] = 0
            councilLeavers[c] = 0
            councilOutcomeSum[c] = 0
        }
        tally = MonthTally()
    }
}
