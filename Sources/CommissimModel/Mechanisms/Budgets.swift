import Foundation

/// Mechanism 2a — Budgets and budget pressure: MODEL.md §3.3 gives the budget path (growth,
/// the front-loaded austerity cut, rebasing after the burn-in), pressure, rationing and late
/// payment, with the evidence.
extension Market {
    /// Cumulative share of the budget cut by year `y` (0-based).
    public static func austerityCut(year y: Int, total: Double, years n: Int, start: Int, frontLoading f: Double) -> Double {
        guard total > 0, y >= start else { return 0 }
        let done = min(n, y - start + 1)
        var s = 0.0
        for i in 0..<done {
            s += (1 - f) / Double(n) + f * 2 * Double(n - i) / Double(n * (n + 1))
        }
        return total * s
    }

    /// Budget index of council `c` in year `y` relative to the first year: the scenario's growth,
    /// and the austerity path of its group's `[councils.austerity]` where the group gives one
    /// (each key it leaves out is the scenario's `[budget]` value).
    func budgetIndex(year y: Int, council c: Int) -> Double {
        let g = config.councils[councils.group[c]]
        let cut = g.austerityCut >= 0 ? g.austerityCut : p.austerityCut
        let years = g.austerityYears > 0 ? g.austerityYears : p.austerityYears
        let start = g.austerityStartYear >= 0 ? g.austerityStartYear : p.austerityStartYear
        let front = g.frontLoading >= 0 ? g.frontLoading : p.frontLoading
        return pow(1 + p.budgetGrowth, Double(y)) * (1 - Self.austerityCut(year: y, total: cut, years: years, start: start, frontLoading: front))
    }

    /// Sets this year's budgets at the start of each year. During the burn-in the status-quo
    /// budget follows spend (12 × smoothed monthly spend × (1 + headroom)); the scenario's path
    /// starts at month 1.
    func runBudgets() {
        guard isJanuary else { return }
        if inBurnIn {
            if month > 0 { setBudgetBases() }
            return
        }
        for c in 0..<councils.count { councils.budget[c] = councils.budgetBase[c] * budgetIndex(year: reportedMonth / 12, council: c) }
    }

    /// Budget bases from the current smoothed spend (a group's given budget stays as given).
    func setBudgetBases() {
        for c in 0..<councils.count where !councils.budgetGiven[c] {
            councils.budgetBase[c] = 12 * councils.spendTrend[c] * (1 + p.headroom)
            councils.budget[c] = councils.budgetBase[c]
        }
    }

    /// Over-budget spend of council `c` this month (0 within budget).
    func overspend(_ c: Int) -> Double { max(0, councilSpend[c] - councils.budget[c] / 12) }

    /// Records a council's spend of the month and updates its budget pressure.
    func recordSpend(_ c: Int, _ spend: Double) {
        councils.spendTrend[c] += (spend - councils.spendTrend[c]) / 6
        councils.pressure[c] = councils.budget[c] > 0 ? 12 * councils.spendTrend[c] / councils.budget[c] - 1 : 0
    }

    /// A council's expected monthly spend at set-up (contracts, in-house and spot at current use).
    func initialMonthlySpend(_ c: Int, spot: Double) -> Double {
        var s = 0.0
        for k in councils.contracts[c] where reservesPlaces(k) { s += contracts[k].price * Double(contracts[k].volume) }
        for h in councils.inHouseServices(c) { s += inHouseCost(h) }
        return s + spot
    }

    /// Monthly cost of in-house service `h`.
    func inHouseCost(_ h: Int) -> Double {
        let fixed = p.fixedCostShare[providers.tier[h]]
        return unitCost(h) * (fixed * Double(providers.capacity[h]) + (1 - fixed) * Double(providers.occupied[h]))
    }
}
