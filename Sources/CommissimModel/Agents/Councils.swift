/// The commissioners: one entry per council, stored as parallel arrays (struct of arrays).
///
/// A council holds its type, children's population and demand, its budget and budget path,
/// commissioning capacity (staff), its contracts and in-house services, and its policy.
/// Its trust in each provider lives in ``Providers/councilTrust``.
public struct Councils: Sendable {
    public var count = 0
    public var type: [Int] = []
    public var region: [Int] = []
    public var group: [Int] = []
    public var children: [Double] = []
    public var demandFactor: [Double] = []
    /// Commissioning staff (FTE); a tender uses `market.tender_staff_months` of it.
    public var staff: [Double] = []
    /// Annual budget of the current year (£).
    public var budget: [Double] = []
    /// First-year budget (£), the base of the budget path.
    public var budgetBase: [Double] = []
    /// Whether the budget base was given by the scenario (`councils.budget`) rather than derived from spend.
    public var budgetGiven: [Bool] = []
    /// Smoothed monthly spend (£), used for budget pressure.
    public var spendTrend: [Double] = []
    /// Budget pressure: projected annual spend / budget − 1.
    public var pressure: [Double] = []
    /// Active contract ids of each council.
    public var contracts: [[Int]] = []
    /// The same contracts per council and tier (`c * 3 + k`), in the same order: placement searches one tier.
    public var contractsByTier: [[Int]] = []
    /// In-house provider id per council and tier (`c * 3 + k`).
    public var inHouse: [Int] = []
    /// Children waiting for a service (FIFO of child ids).
    public var waiting: [[Int32]] = []
    /// Random demand shock: multiplier and the month it ends.
    public var shockSize: [Double] = []
    public var shockUntil: [Int] = []
    /// Staff-months of commissioning used this month.
    public var staffUsed: [Double] = []
    /// Staff-months of commissioning time built up and not yet spent (MODEL.md §3.5): half the
    /// staff's time accrues each month, up to six months' worth (at least two tenders'); tenders draw on it.
    public var staffTime: [Double] = []
    /// Share of each tier's expected demand the council's own service is staffed for (`c * 3 + k`).
    public var inHouseShare: [Double] = []
    /// This month: contracts let (by tender, extension or variation), their total term in months,
    /// and contracts that went past their end waiting for staff time (MODEL.md §3.5).
    public var contractsLet: [Int] = []
    public var monthsLet: [Int] = []
    public var rollovers: [Int] = []
    /// Contracts ended at their break point this month (either side).
    public var breaks: [Int] = []
    /// Providers each council can reach, per tier, one block per council and tier (rebuilt when
    /// providers enter or exit): see ``ReachBlock``.
    public var reachPool: [Int32] = []
    public var reach: [ReachBlock] = []

    mutating func append(type t: Int, region r: Int, group g: Int, children ch: Double, demandFactor d: Double, staff s: Double) {
        count += 1
        type.append(t); region.append(r); group.append(g); children.append(ch); demandFactor.append(d); staff.append(s)
        budget.append(0); budgetBase.append(0); budgetGiven.append(false); spendTrend.append(0); pressure.append(0)
        contracts.append([]); waiting.append([])
        contractsByTier.append(contentsOf: repeatElement([], count: Tier.allCases.count))
        inHouse.append(contentsOf: repeatElement(-1, count: Tier.allCases.count))
        reach.append(contentsOf: repeatElement(ReachBlock(), count: Tier.allCases.count))
        shockSize.append(0); shockUntil.append(-1); staffUsed.append(0); staffTime.append(0)
        inHouseShare.append(contentsOf: repeatElement(0, count: Tier.allCases.count))
        contractsLet.append(0); monthsLet.append(0); rollovers.append(0); breaks.append(0)
    }

    /// The providers council and tier `ck` (`c * 3 + k`) can reach: local first, then regional, then national.
    public func reachable(_ ck: Int) -> LazyMapCollection<ArraySlice<Int32>, Int> {
        reachPool[Int(reach[ck].start)..<Int(reach[ck].end)].lazy.map { Int($0) }
    }

    /// The in-house services of council `c`, one per tier.
    public func inHouseServices(_ c: Int) -> ArraySlice<Int> {
        inHouse[c * Tier.allCases.count..<(c + 1) * Tier.allCases.count]
    }
}

/// Where one council's reachable providers of one tier sit in ``Councils/reachPool``:
/// `start..<localEnd` local, `localEnd..<nearbyEnd` regional, `nearbyEnd..<end` national.
public struct ReachBlock: Sendable {
    public var start: Int32 = 0, localEnd: Int32 = 0, nearbyEnd: Int32 = 0, end: Int32 = 0
}
