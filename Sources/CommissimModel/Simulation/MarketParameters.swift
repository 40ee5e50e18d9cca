import CommissimEngine
import Foundation

/// A flat, typed snapshot of the top-level parameters, read once per run so the monthly loop
/// never looks anything up by name. Each field is filled through its parameter's binding in
/// ``ParameterCatalog`` (field names follow the scenario keys); nothing here names a key.
struct MarketParameters: Sendable {
    // demand
    /// Monthly growth of demand from the trend, (1 + trend)^(1/12) − 1 (derived).
    var monthlyTrend: Double = 0
    var referralsPer10k: Double = 0, tierShare: [Double] = Array(repeating: 0, count: Tier.allCases.count), duration: [Double] = Array(repeating: 0, count: Tier.allCases.count), trend: Double = 0
    var shockMonth: Int = 0, shockSize: Double = 0, shockMonths: Int = 0, randomShockProb: Double = 0, randomShockSize: Double = 0
    // budget
    var headroom: Double = 0, budgetGrowth: Double = 0, austerityCut: Double = 0, austerityYears: Int = 0, austerityStartYear: Int = 0
    var frontLoading: Double = 0, inflation: Double = 0, latePaymentProb: Double = 0, rationing: Double = 0
    // market
    var monthlyBaseCost: [Double] = Array(repeating: 0, count: Tier.allCases.count), inHouseCostFactor: Double = 0, inHouseQuality: Double = 0, spotPremium: Double = 0
    var shortageMarkup: Double = 0, fixedCostShare: [Double] = Array(repeating: 0, count: Tier.allCases.count), bidCost: Double = 0, placesPerBid: Double = 0, tenderStaffMonths: Double = 0, staffCost: Double = 0, staffFollowDemand: Bool = true, feeNotices: Bool = true
    var monitoringCost: Double = 0, regions: Int = 0, entryRate: Double = 0, entryMargin: Double = 0, entrantStaffedShare: Double = 0, exitPatience: Int = 0
    var interestRate: Double = 0, dividendShare: Double = 0, reserveTargetMonths: Double = 0, spotCandidates: Int = 0, matchNoise: Double = 0, charityReserveMonths: Double = 0
    // trust
    var trustInitial: Double = 0, trustGain: Double = 0, trustLossMultiplier: Double = 0, trustEventRate: Double = 0
    var observationNoise: Double = 0, referenceStaff: Double = 0, staffTurnover: Double = 0, turnoverErosion: Double = 0
    var extendThreshold: Double = 0, codesignThreshold: Double = 0, goodIncumbent: Double = 0, incumbencyWeight: Double = 0
    var bidSensitivity: Double = 0, riskPremium: Double = 0, reputationSpill: Double = 0, monitoringDiscount: Double = 0
    // investment
    var paybackMonths: Double = 0, investMaxShare: Double = 0, depreciation: Double = 0, halfSaturation: Double = 0
    var qualityGain: Double = 0, costReduction: Double = 0, experienceGain: Double = 0, minReserveMonths: Double = 0, sharedSavings: Double = 0
    // delivery
    var breakdownRate: Double = 0, instability: Double = 0, qualitySensitivity: Double = 0, spotBreakdownFactor: Double = 0, breakdownPenalty: Double = 0
    var waitingPenalty: Double = 0, outcomeNoise: Double = 0, goodOutcome: Double = 0, unservedOutcome: Double = 0
    var eligibilityScreen: Double = 0, outcomeLag: Int = 0
    // external
    var justiceCost: Double = 0, justiceProb: Double = 0, welfareCost: Double = 0, welfareProb: Double = 0, familySupportFactor: Double = 0, externalYears: Int = 0
    var careLeaverShare: Double = 0, discountRate: Double = 0
    // investor
    var investorEnabled: Bool = false, investorCapital: Double = 0, investorReturn: Double = 0, outcomeTarget: Double = 0
    /// Derived: each tier's geometric stay, leaving with probability 1 / duration a month (MODEL.md §3.12).
    var stay: [Geometric] = []

    init(_ c: ModelConfig) {
        for spec in ParameterCatalog.global {
            if case .market(let set) = spec.binding { set(&self, c.scenario.value(spec.path)) }
        }
        // Derived: tier shares normalised to 1, investor capital at the market's scale, the monthly trend.
        let total = tierShare.reduce(0, +)
        tierShare = tierShare.map { total > 0 ? $0 / total : 1.0 / Double(Tier.allCases.count) }
        investorCapital *= c.scale
        monthlyTrend = pow(1 + trend, 1.0 / 12) - 1
        stay = duration.map { Geometric(1 / $0) }
    }
}
