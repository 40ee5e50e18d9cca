import CommissimEngine

/// Charities, private providers and councils' in-house services, stored as parallel arrays.
///
/// The counts every placement writes (occupied, committed and block-occupied places, children
/// per council, fees, care delivered) are ``AlignedArray``s: written in place, without the
/// copy-on-write check a Swift array makes on each write through the market (MODEL.md §2). Copies
/// of `Providers` share them: the market keeps the one owner.
///
/// Each provider delivers one service tier. Trust is kept in two dense matrices with one row per
/// council and one column per provider (``column``): the council's trust in the provider and the
/// provider's trust in the council; they are ``AlignedArray``s too (large enough for huge pages).
public struct Providers: Sendable {
    public var count = 0
    public var kind: [ProviderKind] = []
    public var group: [Int] = []
    public var tier: [Int] = []
    /// 0 local (home council), 1 regional, 2 national.
    public var reach: [Int] = []
    public var homeCouncil: [Int] = []
    public var region: [Int] = []
    public private(set) var alive: [Bool] = []
    /// The ids of the providers trading now (`alive`), in id order: what the monthly passes over
    /// providers visit. Ids are never reused, so after decades of entry and exit most ids belong to
    /// providers that have left (about 10,000 ids for 1,100 trading at England's scale).
    public private(set) var trading: [Int] = []
    public var entryMonth: [Int] = []
    public var exitMonth: [Int] = []
    /// Places or caseload.
    public var capacity: [Int] = []
    /// Places the provider is set up (registered) for: the size drawn for it. Staffed capacity may
    /// fall below it when work is short and can be re-staffed up to it for a new contract.
    public var registered: [Int] = []
    /// Children placed (all routes).
    public var occupied = AlignedArray<Int>()
    /// Places reserved by block, grant and outcome contracts.
    public var committed = AlignedArray<Int>()
    /// Children placed on those reserved places.
    public var blockOccupied = AlignedArray<Int>()
    public var reserves: [Double] = []
    public var baseQuality: [Double] = []
    /// Current quality of care in [0, 1].
    public var quality: [Double] = []
    public var costFactor: [Double] = []
    /// Accumulated investment per place, at month-1 prices (MODEL.md §3.10).
    public var capital: [Double] = []
    public var voluntaryIncome: [Double] = []
    public var targetMargin: [Double] = []
    public var requiredMargin: [Double] = []
    public var debt: [Double] = []
    public var scaleUp: [Double] = []
    public var missionTolerance: [Double] = []
    public var crossSubsidy: [Double] = []
    /// Smoothed margin (profit / revenue), about a year's memory.
    public var marginTrend: [Double] = []
    /// Consecutive months with the margin below the requirement.
    public var lossMonths: [Int] = []
    /// Outcome contracts advanced by the social investor.
    public var investorBacked: [Bool] = []
    /// Month totals, reset each month.
    public var revenue = AlignedArray<Double>()
    /// Of which paid by councils (contracts, spot, outcome payments).
    public var councilRevenue = AlignedArray<Double>()
    public var bidCosts = AlignedArray<Double>()
    /// Bids prepared this month (for `market.places_per_bid`, MODEL.md §3.6).
    public var bidsMade = AlignedArray<Int32>()
    /// Quality delivered per place, summed over every month of care so far (ServiceDelivery.swift):
    /// what a child placed here from month s to month t received is the difference of two readings.
    public var careDelivered = AlignedArray<Double>()
    /// Monthly fees of the children placed here at a fee per child, in ``FixedPoint`` units
    /// (kept by ``Market/countFee(_:_:)``): paid each month of care.
    public var feeUnits = AlignedArray<Int64>()
    public var lastInvestment: [Double] = []
    public var lastCost: [Double] = []
    public var lowUseMonths: [Int] = []
    /// `councilTrust[c * trustStride + column[p]]`: council c's trust in provider p. Council-major,
    /// so a council's tender and spot search read one contiguous row (see ``column``).
    public var councilTrust = AlignedArray<Float>()
    /// `providerTrust[c * trustStride + column[p]]`: provider p's trust in council c.
    public var providerTrust = AlignedArray<Float>()
    /// `placedPairs[c * trustStride + column[p]]`: children of council c placed with independent
    /// provider p (kept up to date on every placement, for the local concentration index). 32
    /// bits: one council's children with one provider can pass 65,535 (a large lot at scale).
    public var placedPairs = AlignedArray<UInt32>()
    /// Row length of the trust matrices (≥ the columns in use; grown and re-laid out as needed).
    public var trustStride = 0
    /// Each provider's column in the council × provider matrices. Providers that have left the
    /// market give their column back (see ``releaseColumns()``) and an entrant takes it over, so
    /// the rows stay as short as the market is wide, not as long as its history. Column 0 is
    /// never a provider's: released providers point there.
    public var column: [Int32] = []
    /// Columns in use or given back so far (column 0 included).
    public private(set) var columns = 1
    /// Columns given back, with the neighbourhood (``columnNeighbourhood(_:)``) of the provider
    /// that gave each back: an entrant takes one from its own neighbourhood if there is one (so the
    /// providers a council searches stay in few runs of columns), else the last given back.
    public private(set) var freeColumns: [(column: Int32, neighbourhood: Int)] = []

    /// Providers searched together by a council: same tier, reach and region.
    func columnNeighbourhood(_ j: Int) -> Int { (tier[j] * 3 + reach[j]) * 1_000_000 + region[j] }
    /// Contract ids held by each provider.
    public var contracts: [[Int]] = []
    /// First and last child (−1 when none) of each provider's roster of children placed off
    /// contract (see ``Market/members(of:)``).
    public var firstOffContract = AlignedArray<Int32>()
    public var lastOffContract = AlignedArray<Int32>()

    mutating func append(kind k: ProviderKind, group g: Int, tier t: Int, reach r: Int, home: Int, region reg: Int,
                         month: Int, capacity cap: Int, reserves res: Double, quality q: Double, costFactor cf: Double,
                         voluntaryIncome vi: Double, targetMargin tm: Double, requiredMargin rm: Double, debt d: Double,
                         scaleUp su: Double, missionTolerance mt: Double, crossSubsidy cs: Double,
                         councils: Int, initialTrust: Float) {
        let newStride = nextTrustStride // decided before the column is taken (what ensureRoom was asked for)
        count += 1
        kind.append(k); group.append(g); tier.append(t); reach.append(r); homeCouncil.append(home); region.append(reg)
        alive.append(true); entryMonth.append(month); exitMonth.append(-1); trading.append(count - 1)
        capacity.append(cap); registered.append(cap); occupied.append(0); committed.append(0); blockOccupied.append(0)
        reserves.append(res); baseQuality.append(q); quality.append(q); costFactor.append(cf); capital.append(0)
        voluntaryIncome.append(vi); targetMargin.append(tm); requiredMargin.append(rm); debt.append(d)
        scaleUp.append(su); missionTolerance.append(mt); crossSubsidy.append(cs)
        marginTrend.append(tm); lossMonths.append(0); investorBacked.append(false)
        revenue.append(0); councilRevenue.append(0); bidCosts.append(0); bidsMade.append(0); careDelivered.append(0); feeUnits.append(0); lastInvestment.append(0); lastCost.append(0); lowUseMonths.append(0)
        let col: Int
        if !freeColumns.isEmpty {
            let near = columnNeighbourhood(count - 1)
            let at = freeColumns.lastIndex { $0.neighbourhood == near } ?? freeColumns.count - 1
            col = Int(freeColumns.remove(at: at).column)
            // A fresh start for the entrant: no trust built or lost, no children placed.
            for c in 0..<councils {
                councilTrust[c * trustStride + col] = initialTrust
                providerTrust[c * trustStride + col] = initialTrust
                placedPairs[c * trustStride + col] = 0
            }
        } else {
            col = columns
            columns += 1
        }
        column.append(Int32(col))
        if let stride = newStride { relay(stride: stride, councils: councils, initialTrust: initialTrust) }
        contracts.append([])
        firstOffContract.append(-1); lastOffContract.append(-1)
    }

    /// Re-lays the matrices with rows `stride` long (at least the columns taken): the columns in
    /// use stay at the start of each row, the rest is not read until a provider takes it. Each
    /// matrix is copied straight into its new block, one at a time, so the most held at once is the
    /// old matrices and one new one (`Market.ensureRoom` checks room for a growth first).
    private mutating func relay(stride: Int, councils: Int, initialTrust: Float) {
        precondition(stride >= columns, "rows shorter than the columns in use")
        let old = trustStride, kept = Swift.min(old, stride)
        func relaid<E>(_ m: AlignedArray<E>, fill: E) -> AlignedArray<E> {
            let out = AlignedArray(repeating: fill, count: stride * councils)
            out.withElements { to in
                m.withElements { from in
                    for c in 0..<councils {
                        for x in 0..<kept { to[c * stride + x] = from[c * old + x] }
                    }
                }
            }
            return out
        }
        councilTrust = relaid(councilTrust, fill: initialTrust)
        providerTrust = relaid(providerTrust, fill: initialTrust)
        placedPairs = relaid(placedPairs, fill: 0)
        trustStride = stride
    }

    /// Sets the rows to the columns in use and an eighth more, in whole cache lines (call once the
    /// initial market is drawn): room for the entrants of a market that grows a little as it
    /// settles, without rows that grew by half while it was drawn staying up to half as long
    /// again as the market is wide for the whole run. Entrants beyond that grow them again
    /// (``grownStride(_:)``).
    mutating func fitRows(councils: Int, initialTrust: Float) {
        if fittedStride != trustStride { relay(stride: fittedStride, councils: councils, initialTrust: initialTrust) }
    }
    /// The row length ``fitRows(councils:initialTrust:)`` sets.
    var fittedStride: Int { Self.lines(columns + columns / 8) }

    /// `n` rounded up to whole cache lines of matrix entries (16 four-byte entries a line).
    private static func lines(_ n: Int) -> Int { (n + 15) / 16 * 16 }

    /// Bytes per council–provider pair of the trust and placement matrices.
    static let bytesPerPair = 2 * MemoryLayout<Float>.stride + MemoryLayout<UInt32>.stride

    /// The row length the matrices will take when the next provider is appended, if it makes
    /// them grow (no column left free by a provider that has exited, and the rows full).
    var nextTrustStride: Int? { freeColumns.isEmpty && columns + 1 > trustStride ? Self.grownStride(trustStride) : nil }
    /// Rows grow by half when they are full (a growth re-lays the matrices: rare after set-up).
    static func grownStride(_ stride: Int) -> Int { max(64, lines(stride + stride / 2)) }

    /// Gives this copy blocks of its own for the counts kept in ``AlignedArray``s (which a plain
    /// copy shares with the original): for a market continued apart from the one it was copied from.
    mutating func ownStorage() {
        occupied = occupied.copy(); committed = committed.copy(); blockOccupied = blockOccupied.copy()
        revenue = revenue.copy(); councilRevenue = councilRevenue.copy(); bidCosts = bidCosts.copy(); bidsMade = bidsMade.copy()
        careDelivered = careDelivered.copy(); feeUnits = feeUnits.copy(); placedPairs = placedPairs.copy()
        firstOffContract = firstOffContract.copy(); lastOffContract = lastOffContract.copy()
        councilTrust = councilTrust.copy(); providerTrust = providerTrust.copy()
    }

    /// Provider `i` stops trading in `month` (call ``dropExited()`` once the month's exits are marked).
    mutating func markExited(_ i: Int, month: Int) {
        alive[i] = false
        exitMonth[i] = month
    }

    /// Takes the providers marked as exited off ``trading``.
    mutating func dropExited() { trading.removeAll { !alive[$0] } }

    /// Re-deals the columns by neighbourhood, then home council (call while every matrix entry
    /// still holds its initial value, so nothing has to move): providers a council searches
    /// together then sit in a few runs of neighbouring columns rather than all over its row.
    mutating func orderColumns() {
        precondition(freeColumns.isEmpty, "columns are ordered at set-up only")
        let keys = (0..<count).map { (columnNeighbourhood($0), homeCouncil[$0], $0) }
        let order = keys.sorted { $0 < $1 }.map(\.2)
        for (n, j) in order.enumerated() { column[j] = Int32(n + 1) }
    }

    /// Gives back the columns of the providers that have left the market (call once nothing
    /// refers to them any more: their contracts ended, their children moved, reach rebuilt).
    mutating func releaseColumns() {
        for i in 0..<count where !alive[i] && column[i] != 0 {
            freeColumns.append((column[i], columnNeighbourhood(i)))
            column[i] = 0
        }
    }
}
