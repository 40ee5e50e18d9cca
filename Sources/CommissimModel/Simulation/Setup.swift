import CommissimEngine

/// Initialisation: draws the councils and providers of each group, the councils' in-house
/// services, the contracts already running at month 0 (with staggered expiry), the children
/// already in service (the stationary stock), and the first-year budgets.
extension Market {
    func setUp() {
        func scaled(_ n: Int) -> Int { config.scaled(n) }
        // Councils, spread over regions in turn.
        for (gi, g) in config.councils.enumerated() {
            for _ in 0..<scaled(g.count) {
                let region = councils.count % p.regions
                let children = g.children.sample(rng, clampedTo: ParameterCatalog.spec("councils.children")!.range)
                let demand = g.demandFactor.sample(rng, clampedTo: ParameterCatalog.spec("councils.demand_factor")!.range)
                let staffRange = ParameterCatalog.spec("councils.commissioning_staff")!.range!
                var staff = g.staff.sample(rng, clampedTo: staffRange)
                // Staff in proportion to the council's size where the group says so (MODEL.md §3.5).
                let perTenK = g.staffPer10k.sample(rng, clampedTo: ParameterCatalog.spec("councils.staff_per_10k")!.range)
                if perTenK > 0 { staff = min(staffRange.upperBound, max(staffRange.lowerBound, perTenK * children / 10_000)) }
                councils.append(type: g.type, region: region, group: gi, children: children, demandFactor: demand, staff: staff)
                councils.staffTime[councils.count - 1] = 0.5 * staff
            }
        }
        let nc = councils.count
        // During the burn-in every council follows the status quo (MODEL.md §3.1).
        councilPolicies = (0..<nc).map { c in
            let own = config.councils[councils.group[c]].policy
            return burnIn > 0 ? config.burnInPolicy(from: own) : own
        }
        activeStrategies = Array(repeating: [], count: nc)
        councilSpend = Array(repeating: 0, count: nc)
        councilLeavers = AlignedArray(repeating: 0, count: nc)
        councilOutcomeSum = AlignedArray(repeating: 0, count: nc)
        // Each count its own block (AlignedArray copies share storage).
        book.freePlaces = AlignedArray(repeating: 0, count: nc * Tier.allCases.count)
        book.frameworks = AlignedArray(repeating: 0, count: nc * Tier.allCases.count)
        book.councilPlaced = AlignedArray(repeating: 0, count: nc)
        book.councilPlacedSquares = AlignedArray(repeating: 0, count: nc)
        book.councilFeeUnits = AlignedArray(repeating: 0, count: nc)
        tightened = Array(repeating: false, count: nc)
        priceIndex = AlignedArray(repeating: 0, count: p.regions * Tier.allCases.count)
        shortage = Array(repeating: 0, count: p.regions * Tier.allCases.count)
        externalDelta = Array(repeating: 0, count: burnIn + config.months + 12 * p.externalYears + 2)
        for rt in 0..<priceIndex.count { priceIndex[rt] = 0.15 }
        // In-house services: capacity for the council's in-house share of expected demand.
        for c in 0..<nc {
            let g = config.councils[councils.group[c]]
            for k in Tier.allCases.map(\.rawValue) {
                councils.inHouseShare[councilTier(c, k)] = g.inHouseShare[k]
                let cap = Int((g.inHouseShare[k] * expectedStock(c, k)).rounded())
                let id = providers.count
                providers.append(kind: .inHouse, group: -1, tier: k, reach: 0, home: c, region: councils.region[c], month: 0,
                                 capacity: cap, reserves: 0, quality: p.inHouseQuality, costFactor: p.inHouseCostFactor,
                                 voluntaryIncome: 0, targetMargin: 0, requiredMargin: -1, debt: 0, scaleUp: 0,
                                 missionTolerance: 1, crossSubsidy: 0, councils: nc, initialTrust: Float(p.trustInitial))
                councils.inHouse[councilTier(c, k)] = id
            }
        }
        // Independent providers, homed in councils in proportion to their children.
        for (gi, g) in config.providers.enumerated() {
            for _ in 0..<scaled(g.count) {
                let i = addProvider(group: gi, home: pick(councils.children), tier: nil)
                // Established providers: some years of experience and some accumulated investment.
                providers.entryMonth[i] = -rng.uniformInt(121)
                providers.capital[i] = p.halfSaturation * 0.5
                let w = providers.capital[i] / (providers.capital[i] + p.halfSaturation)
                let experience = min(1, Double(-providers.entryMonth[i]) / 120)
                providers.baseQuality[i] = max(0, providers.quality[i] - p.qualityGain * w - p.experienceGain * experience)
            }
        }
        // The social investor.
        investor.enabled = p.investorEnabled
        investor.available = p.investorCapital
        investor.requiredReturn = p.investorReturn
        // Trust and placement counts are all still at their initial values: lay the columns out
        // as councils search (tier, then local, regional, national reach, then region and home).
        providers.orderColumns()
        ensureRoom(Double(nc) * Double(providers.fittedStride) * Double(Providers.bytesPerPair), for: "the trust matrices")
        providers.fitRows(councils: nc, initialTrust: Float(p.trustInitial))
        rebuildReach()
        // Contracts already running: let by a tender "in the past", expiring evenly over their term.
        for c in 0..<nc {
            updateActiveStrategies(c)
            for k in Tier.allCases.map(\.rawValue) { planContracts(council: c, tier: k, initial: true) }
        }
        // Children already in service: the stationary stock at today's referral rate.
        quoteSpotPrices()
        for c in 0..<nc {
            for k in Tier.allCases.map(\.rawValue) {
                let n = rng.poisson(expectedStock(c, k))
                for _ in 0..<n {
                    let i = admit(council: c, tier: k)
                    children[i].placements = UInt16(min(2, rng.poisson(0.3)))
                    _ = place(i)
                    if children[i].provider < 0 {
                        councils.waiting[c].append(Int32(i))
                    } else {
                        // The placement began before month 0, so month 0 counts towards its end like
                        // any later month (stays and placements are memoryless): some of the stock
                        // leaves or moves in the first month, as in every month after.
                        children[i].exitMonth -= 1
                        if children[i].breakdownMonth != .max { children[i].breakdownMonth -= 1 }
                        book.endings.schedule(i, in: Int(min(children[i].exitMonth, children[i].breakdownMonth)))
                        // Time already served (memoryless stay), at the quality of the current placement.
                        let served = min(240, rng.geometric(p.stay[k]))
                        children[i].servedMonths = UInt16(served)
                        children[i].qualitySum = Float(Double(served) * providers.quality[Int(children[i].provider)])
                    }
                }
            }
        }
        // Established providers staff what they have: capacity matches their work plus a 10% margin.
        for i in 0..<providers.count where providers.kind[i] != .inHouse {
            let used = providers.committed[i] + providers.occupied[i] - providers.blockOccupied[i]
            providers.capacity[i] = max(1, used + max(1, used / 10))
        }
        // First-year budgets from initial spend.
        var spot = Array(repeating: 0.0, count: nc)
        for i in 0..<children.count where children[i].alive { spot[Int(children[i].council)] += children[i].price }
        for c in 0..<nc {
            let monthly = initialMonthlySpend(c, spot: spot[c])
            let given = config.councils[councils.group[c]].budget.sample(rng, clampedTo: ParameterCatalog.spec("councils.budget")!.range)
            councils.budgetBase[c] = given > 0 ? given : 12 * monthly * (1 + p.headroom)
            councils.budgetGiven[c] = given > 0
            councils.budget[c] = councils.budgetBase[c]
            councils.spendTrend[c] = monthly
        }
        bookEarlierLeavers()
    }

    /// Adds one independent provider drawn from group `gi` (set-up and market entry).
    @discardableResult
    func addProvider(group gi: Int, home: Int, tier forcedTier: Int?) -> Int {
        let g = config.providers[gi]
        let tier = forcedTier ?? pick(g.tierShares)
        let spec = { (name: String) in ParameterCatalog.spec("providers." + name)!.range }
        let cap = max(1, Int(g.capacity.sample(rng, clampedTo: spec("capacity")).rounded()))
        let cf = g.costFactor.sample(rng, clampedTo: spec("cost_factor"))
        let monthlyCost = p.monthlyBaseCost[tier] * cf * inflationIndex * Double(cap)
        let res = g.reservesMonths.sample(rng, clampedTo: spec("reserves_months")) * monthlyCost
        let q = g.quality.sample(rng, clampedTo: spec("quality"))
        let id = providers.count
        if let stride = providers.nextTrustStride {
            ensureRoom(Double(councils.count) * Double(stride) * Double(Providers.bytesPerPair), for: "the trust matrices")
        }
        providers.append(kind: g.kind, group: gi, tier: tier, reach: g.reach, home: home, region: councils.region[home],
                         month: month, capacity: cap, reserves: res, quality: q, costFactor: cf,
                         voluntaryIncome: g.kind.isCharity ? g.voluntaryIncome : 0, targetMargin: g.targetMargin,
                         requiredMargin: g.requiredMargin, debt: g.leverage * monthlyCost * 12 / inflationIndex, scaleUp: g.scaleUp,
                         missionTolerance: g.kind.isCharity ? g.missionTolerance : 1,
                         crossSubsidy: g.kind.isCharity ? g.crossSubsidy : 0, councils: councils.count,
                         initialTrust: Float(p.trustInitial))
        reachDirty = true
        return id
    }

    /// An index drawn with probability proportional to `weights` (uniform if they sum to 0).
    func pick(_ weights: [Double]) -> Int {
        let s = weights.reduce(0, +)
        guard s > 0 else { return rng.uniformInt(weights.count) }
        var u = rng.uniform() * s
        for (i, w) in weights.enumerated() {
            if u < w { return i }
            u -= w
        }
        return weights.count - 1
    }

    /// Rebuilds each council's list of reachable independent providers per tier: local and
    /// then regional, then national providers (the reach segments of ``reachSegment(_:)``).
    func rebuildReach() {
        let nc = councils.count
        if regionCouncils.isEmpty {
            regionCouncils = Array(repeating: [], count: p.regions)
            for c in 0..<nc { regionCouncils[councils.region[c]].append(c) }
        }
        providers.releaseColumns() // nothing refers to the providers that left once reach is rebuilt
        let tiers = Tier.allCases.count
        var segments: [[Int32]] = Array(repeating: [], count: reachSegments)
        for i in providers.trading where providers.kind[i] != .inHouse { segments[reachSegment(i)].append(Int32(i)) }
        var size = 0
        for c in 0..<nc {
            for k in 0..<tiers {
                let (local, regional, national) = reachSegments(council: c, tier: k)
                size += segments[local].count + segments[regional].count + segments[national].count
            }
        }
        ensureRoom(Double(size) * 4, for: "the councils' lists of providers they can reach")
        if size > Int(Int32.max) { // the lists are indexed by 32-bit offsets (ReachBlock)
            MemoryLimit.exceeded("the councils' lists of providers they can reach would hold \(size) entries, above the \(Int32.max) the model indexes")
        }
        var pool: [Int32] = []
        pool.reserveCapacity(size)
        for c in 0..<nc {
            for k in 0..<tiers {
                let (local, regional, national) = reachSegments(council: c, tier: k)
                var block = ReachBlock()
                block.start = Int32(pool.count)
                pool.append(contentsOf: segments[local])
                block.localEnd = Int32(pool.count)
                pool.append(contentsOf: segments[regional])
                block.nearbyEnd = Int32(pool.count)
                pool.append(contentsOf: segments[national])
                block.end = Int32(pool.count)
                councils.reach[councilTier(c, k)] = block
            }
        }
        councils.reachPool = pool
        reachDirty = false
    }
}

extension Market {
    /// The number of reach segments: each council's local providers, each region's regional
    /// ones and the national ones, per tier.
    var reachSegments: Int { (councils.count + p.regions + 1) * Tier.allCases.count }

    /// The reach segment of independent provider `i`: by its reach (0 local to its home council,
    /// 1 regional, otherwise national) and tier.
    @inline(__always) func reachSegment(_ i: Int) -> Int {
        let k = providers.tier[i]
        switch providers.reach[i] {
        case 0: return councilTier(providers.homeCouncil[i], k)
        case 1: return councilTier(councils.count, 0) + regionTier(providers.region[i], k)
        default: return councilTier(councils.count + p.regions, k)
        }
    }

    /// The local, regional and national reach segments of council `c` in tier `k`: the
    /// providers it can reach (``rebuildReach()``).
    @inline(__always) func reachSegments(council c: Int, tier k: Int) -> (local: Int, regional: Int, national: Int) {
        (councilTier(c, k), councilTier(councils.count, 0) + regionTier(councils.region[c], k), councilTier(councils.count + p.regions, k))
    }
}
