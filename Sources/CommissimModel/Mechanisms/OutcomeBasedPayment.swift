/// Mechanism 2c/4b — Outcome-based payment (payment by results) and the social investor.
///
/// Under an outcome-based contract the council pays outcome_upfront_share of the price each month
/// and, outcome_lag_months after a child leaves, the deferred share for the months it was served,
/// scaled by min(1.5, outcome / outcome_target). Without finance the provider carries the deferred
/// share as working capital (000 Figure 1: "requires up-front investment and additional financial
/// risk"). With a social investor (003: social outcomes partnerships) the investor advances the
/// deferred share each month, less its required return over the lag, and is repaid from the
/// outcome payments.
extension Market {
    /// Schedules the outcome payment for child `i` leaving contract `ct` with outcome `o`.
    func scheduleOutcomePayment(contract ct: Int, child i: Int, outcome o: Double) {
        let c = contracts.council[ct]
        let deferred = 1 - policy(c).outcomeUpfrontShare
        let months = Double(month - Int(children[i].placementStart) + 1)
        let amount = deferred * contracts.price[ct] * months * min(1.5, o / max(0.01, p.outcomeTarget))
        pendingOutcomePayments.append((due: month + p.outcomeLag, contract: ct, amount: amount))
    }

    /// Pays the outcome payments due this month (to the investor if it financed the contract).
    func payDueOutcomes() {
        while pendingHead < pendingOutcomePayments.count && pendingOutcomePayments[pendingHead].due <= month {
            let (_, ct, amount) = pendingOutcomePayments[pendingHead]
            pendingHead += 1
            let c = contracts.council[ct], i = contracts.provider[ct]
            if contracts.financed[ct] {
                tally.spendOutcome += amount
                councilSpend[c] += amount
                tally.outcomeToInvestor += amount
                investor.repaid += amount
                investor.available += amount
                investor.outstanding = max(0, investor.outstanding - amount)
            } else if providers.alive[i] {
                tally.spendOutcome += amount
                councilSpend[c] += amount
                providers.revenue[i] += amount
                providers.councilRevenue[i] += amount
            }
        }
        if pendingHead > 4096 && pendingHead * 2 > pendingOutcomePayments.count {
            pendingOutcomePayments.removeFirst(pendingHead)
            pendingHead = 0
        }
    }

    /// The investor advances `amount` to provider `i`, keeping its required return over the lag.
    func advanceFromInvestor(provider i: Int, amount: Double) {
        guard investor.available >= amount else { return }
        let net = amount * (1 - investor.requiredReturn * Double(p.outcomeLag) / 12)
        investor.available -= amount
        investor.outstanding += amount
        investor.advanced += amount
        providers.revenue[i] += net
        tally.investorAdvance += net
    }
}
