/// Mechanism 2c/4b — Outcome-based payment (payment by results) and the social investor
/// (MODEL.md §3.9): up-front and deferred payments, the investor's advances and repayment, and
/// what happens to a departed provider's deferred payments.
extension Market {
    /// Schedules the outcome payment for child `i` leaving contract `ct` with outcome `o`.
    func scheduleOutcomePayment(contract ct: Int, child i: Int, outcome o: Double) {
        let c = contracts[ct].council
        let deferred = 1 - policy(c).outcomeUpfrontShare
        let months = Double(month - Int(children[i].placementStart) + 1)
        let amount = deferred * contracts[ct].price * months * min(1.5, o / max(0.01, p.outcomeTarget))
        pendingOutcomePayments.append((due: month + p.outcomeLag, contract: ct, amount: amount))
        contracts.countPayment(ct, 1) // its id is not let again before this is paid
    }

    /// Pays the outcome payments due this month: to the social investor up to what it advanced on
    /// the contract and has not been repaid, the rest to the provider; a provider that has left
    /// gets nothing and its share is written off (reported as `outcome_payments_written_off`).
    func payDueOutcomes() {
        while pendingHead < pendingOutcomePayments.count && pendingOutcomePayments[pendingHead].due <= month {
            let (_, ct, amount) = pendingOutcomePayments[pendingHead]
            pendingHead += 1
            contracts.countPayment(ct, -1)
            let c = contracts[ct].council, i = contracts[ct].provider
            let toInvestor = min(amount, contracts[ct].investorOwed)
            if toInvestor > 0 {
                contracts[ct].investorOwed -= toInvestor
                tally.spendOutcome += toInvestor
                councilSpend[c] += toInvestor
                tally.outcomeToInvestor += toInvestor
                investor.repaid += toInvestor
                investor.available += toInvestor
                investor.outstanding = max(0, investor.outstanding - toInvestor)
            }
            let toProvider = amount - toInvestor
            guard toProvider > 0 else { continue }
            if providers.alive[i] {
                tally.spendOutcome += toProvider
                councilSpend[c] += toProvider
                providers.revenue[i] += toProvider
                providers.councilRevenue[i] += toProvider
            } else {
                tally.outcomeWrittenOff += toProvider
            }
        }
        if pendingHead > 4096 && pendingHead * 2 > pendingOutcomePayments.count {
            pendingOutcomePayments.removeFirst(pendingHead)
            pendingHead = 0
        }
    }

    /// The investor advances `amount` on contract `k` to its provider, keeping its required return
    /// over the lag; the advance is owed back from the contract's outcome payments.
    func advanceFromInvestor(contract k: Int, amount: Double) {
        guard investor.available >= amount else { return }
        let i = contracts[k].provider
        let net = amount * (1 - investor.requiredReturn * Double(p.outcomeLag) / 12)
        investor.available -= amount
        investor.outstanding += amount
        investor.advanced += amount
        contracts[k].investorOwed += amount
        providers.revenue[i] += net
        tally.investorAdvance += net
    }
}
