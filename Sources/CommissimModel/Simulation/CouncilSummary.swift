/// One council's month as councils.csv reports it (`--detail`; docs/COLUMNS.md): money per month,
/// prices per week, trust and scores 0–1.
public struct CouncilSummary: Sendable {
    public var name = "", type = "", region = 0
    public var budget = 0.0, spend = 0.0, pressure = 0.0
    /// The month's spend (the time series' `spend`, by council); `spend` is its smoothed trend.
    public var spendMonth = 0.0
    public var served = 0, waiting = 0, spot = 0, inHouse = 0
    public var leavers = 0, outcomeMean = 0.0, qualityReceived = 0.0
    public var contracts = 0
    /// Mean weekly price of the council's contracts in force, weighted by volume, per tier (0 without any).
    public var contractPrice = Array(repeating: 0.0, count: Tier.allCases.count)
    /// Places under the council's contracts in force, per tier (the weights of `contractPrice`).
    public var contractVolume = Array(repeating: 0.0, count: Tier.allCases.count)
    /// The council's mean trust in the providers it contracts with, and theirs in it.
    public var trustInProviders = 0.0, providersTrust = 0.0
    public var cutting = false
    public var staff = 0.0, staffTime = 0.0, contractsLet = 0, lengthLet = 0.0, rollovers = 0, tendersWaiting = 0, breaks = 0
}

extension Market {
    /// Every council's summary of the month (one pass over the children and the contracts).
    public func councilSummaries() -> [CouncilSummary] {
        let nc = councils.count
        var out = Array(repeating: CouncilSummary(), count: nc)
        var quality = Array(repeating: 0.0, count: nc)
        for i in 0..<children.count where children[i].alive {
            let ch = children[i], c = Int(ch.council)
            guard ch.provider >= 0 else { continue }
            let j = Int(ch.provider)
            out[c].served += 1
            quality[c] += providers.quality[j]
            if providers.kind[j] == .inHouse { out[c].inHouse += 1 } else if ch.spot { out[c].spot += 1 }
        }
        let tiers = Tier.allCases.count
        var priceSum = Array(repeating: 0.0, count: nc * tiers), volume = Array(repeating: 0.0, count: nc * tiers)
        var trustIn = Array(repeating: 0.0, count: nc), trustOf = Array(repeating: 0.0, count: nc)
        for k in activeContracts {
            let c = contracts[k].council, i = contracts[k].provider, v = Double(contracts[k].volume)
            priceSum[c * tiers + contracts[k].tier] += contracts[k].price * v
            volume[c * tiers + contracts[k].tier] += v
            trustIn[c] += Double(providers.councilTrust[pair(i, c)])
            trustOf[c] += Double(providers.providerTrust[pair(i, c)])
        }
        for c in 0..<nc {
            var s = out[c]
            s.name = config.councils[councils.group[c]].name
            s.type = CouncilType(rawValue: councils.type[c])?.name ?? ""
            s.region = councils.region[c]
            s.budget = councils.budget[c] / 12
            s.spend = councils.spendTrend[c]
            s.spendMonth = councilSpend[c]
            s.pressure = councils.pressure[c]
            s.waiting = councils.waiting[c].count
            s.leavers = councilLeavers[c]
            s.outcomeMean = councilLeavers[c] > 0 ? councilOutcomeSum[c] / Double(councilLeavers[c]) : 0
            s.qualityReceived = s.served > 0 ? quality[c] / Double(s.served) : 0
            s.contracts = councils.contracts[c].count
            for k in 0..<tiers where volume[c * tiers + k] > 0 {
                s.contractPrice[k] = priceSum[c * tiers + k] / volume[c * tiers + k] * 12 / 52
                s.contractVolume[k] = volume[c * tiers + k]
            }
            s.trustInProviders = s.contracts > 0 ? trustIn[c] / Double(s.contracts) : 0
            s.providersTrust = s.contracts > 0 ? trustOf[c] / Double(s.contracts) : 0
            s.cutting = councilIsCutting(c)
            s.staff = commissioningStaff(c)
            s.staffTime = councils.staffTime[c]
            s.contractsLet = councils.contractsLet[c]
            s.lengthLet = councils.contractsLet[c] > 0 ? Double(councils.monthsLet[c]) / Double(councils.contractsLet[c]) : 0
            s.rollovers = councils.rollovers[c]
            s.tendersWaiting = tendersWaiting(c)
            s.breaks = councils.breaks[c]
            out[c] = s
        }
        return out
    }
}
