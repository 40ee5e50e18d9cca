/// A flat, typed snapshot of the top-level parameters, read once per run so the monthly loop
/// never looks anything up by name. Field names follow the scenario keys.
struct MarketParameters: Sendable {
    // demand
    var referralsPer10k: Double, tierShare: [Double], duration: [Double], trend: Double
    var shockMonth: Int, shockSize: Double, shockMonths: Int, randomShockProb: Double, randomShockSize: Double
    // budget
    var headroom: Double, budgetGrowth: Double, austerityCut: Double, austerityYears: Int, austerityStartYear: Int
    var frontLoading: Double, inflation: Double, latePaymentProb: Double, rationing: Double
    // market
    var monthlyBaseCost: [Double], inHouseCostFactor: Double, inHouseQuality: Double, spotPremium: Double
    var shortageMarkup: Double, fixedCostShare: Double, bidCost: Double, tenderStaffMonths: Double, staffCost: Double
    var monitoringCost: Double, regions: Int, entryRate: Double, entryMargin: Double, exitPatience: Int
    var interestRate: Double, dividendShare: Double, reserveTargetMonths: Double, spotCandidates: Int, matchNoise: Double, charityReserveMonths: Double
    // trust
    var trustInitial: Double, trustGain: Double, trustLossMultiplier: Double, trustEventRate: Double
    var observationNoise: Double, referenceStaff: Double, staffTurnover: Double, turnoverErosion: Double
    var extendThreshold: Double, codesignThreshold: Double, goodIncumbent: Double, incumbencyWeight: Double
    var bidSensitivity: Double, riskPremium: Double, reputationSpill: Double, monitoringDiscount: Double
    // investment
    var paybackMonths: Double, investMaxShare: Double, depreciation: Double, halfSaturation: Double
    var qualityGain: Double, costReduction: Double, experienceGain: Double, minReserveMonths: Double, sharedSavings: Double
    // delivery
    var breakdownRate: Double, instability: Double, qualitySensitivity: Double, spotBreakdownFactor: Double, breakdownPenalty: Double
    var waitingPenalty: Double, outcomeNoise: Double, goodOutcome: Double, unservedOutcome: Double
    var eligibilityScreen: Double, outcomeLag: Int
    // external
    var justiceCost: Double, justiceProb: Double, welfareCost: Double, welfareProb: Double, familySupportFactor: Double, externalYears: Int
    var careLeaverShare: Double, discountRate: Double
    // investor
    var investorEnabled: Bool, investorCapital: Double, investorReturn: Double, outcomeTarget: Double

    init(_ c: ModelConfig) {
        let tiers = ParameterCatalog.tiers
        referralsPer10k = c.real("demand.referrals_per_10k")
        let shares = tiers.map { c.real("demand.share_\($0)") }
        let total = shares.reduce(0, +)
        tierShare = shares.map { total > 0 ? $0 / total : 1.0 / Double(tiers.count) }
        duration = tiers.map { c.real("demand.duration_\($0)") }
        trend = c.real("demand.trend")
        shockMonth = c.int("demand.shock_month"); shockSize = c.real("demand.shock_size"); shockMonths = c.int("demand.shock_months")
        randomShockProb = c.real("demand.random_shock_prob"); randomShockSize = c.real("demand.random_shock_size")
        headroom = c.real("budget.headroom"); budgetGrowth = c.real("budget.growth"); austerityCut = c.real("budget.austerity_cut")
        austerityYears = c.int("budget.austerity_years"); austerityStartYear = c.int("budget.austerity_start_year")
        frontLoading = c.real("budget.front_loading"); inflation = c.real("budget.inflation"); latePaymentProb = c.real("budget.late_payment_prob")
        rationing = c.real("budget.rationing")
        monthlyBaseCost = tiers.map { c.real("market.weekly_cost_\($0)") * 52.0 / 12.0 }
        inHouseCostFactor = c.real("market.in_house_cost_factor"); inHouseQuality = c.real("market.in_house_quality")
        spotPremium = c.real("market.spot_premium"); shortageMarkup = c.real("market.shortage_markup")
        fixedCostShare = c.real("market.fixed_cost_share"); bidCost = c.real("market.bid_cost")
        tenderStaffMonths = c.real("market.tender_staff_months"); staffCost = c.real("market.staff_cost")
        monitoringCost = c.real("market.monitoring_cost"); regions = c.int("market.regions")
        entryRate = c.real("market.entry_rate"); entryMargin = c.real("market.entry_margin"); exitPatience = c.int("market.exit_patience")
        interestRate = c.real("market.interest_rate"); dividendShare = c.real("market.dividend_share")
        reserveTargetMonths = c.real("market.reserve_target_months"); spotCandidates = c.int("market.spot_candidates"); matchNoise = c.real("market.match_noise"); charityReserveMonths = c.real("market.charity_reserve_months")
        trustInitial = c.real("trust.initial"); trustGain = c.real("trust.gain_rate"); trustLossMultiplier = c.real("trust.loss_multiplier")
        trustEventRate = c.real("trust.event_rate"); observationNoise = c.real("trust.observation_noise")
        referenceStaff = c.real("trust.reference_staff"); staffTurnover = c.real("trust.staff_turnover")
        turnoverErosion = c.real("trust.turnover_erosion"); extendThreshold = c.real("trust.extend_threshold")
        codesignThreshold = c.real("trust.codesign_threshold"); goodIncumbent = c.real("trust.good_incumbent")
        incumbencyWeight = c.real("trust.incumbency_weight"); bidSensitivity = c.real("trust.bid_sensitivity"); riskPremium = c.real("trust.risk_premium")
        reputationSpill = c.real("trust.reputation_spill"); monitoringDiscount = c.real("trust.monitoring_discount")
        paybackMonths = c.real("investment.payback_months"); investMaxShare = c.real("investment.max_share")
        depreciation = c.real("investment.depreciation"); halfSaturation = c.real("investment.half_saturation")
        qualityGain = c.real("investment.quality_gain"); costReduction = c.real("investment.cost_reduction")
        experienceGain = c.real("investment.experience_gain"); minReserveMonths = c.real("investment.min_reserve_months")
        sharedSavings = c.real("investment.shared_savings")
        breakdownRate = c.real("delivery.breakdown_rate"); instability = c.real("delivery.instability"); qualitySensitivity = c.real("delivery.quality_sensitivity")
        spotBreakdownFactor = c.real("delivery.spot_breakdown_factor"); breakdownPenalty = c.real("delivery.breakdown_penalty")
        waitingPenalty = c.real("delivery.waiting_penalty"); outcomeNoise = c.real("delivery.outcome_noise")
        goodOutcome = c.real("delivery.good_outcome"); unservedOutcome = c.real("delivery.unserved_outcome")
        eligibilityScreen = c.real("delivery.eligibility_screen"); outcomeLag = c.int("delivery.outcome_lag_months")
        justiceCost = c.real("external.justice_cost"); justiceProb = c.real("external.justice_prob")
        welfareCost = c.real("external.welfare_cost"); welfareProb = c.real("external.welfare_prob"); externalYears = c.int("external.years"); familySupportFactor = c.real("external.family_support_factor")
        careLeaverShare = c.real("external.care_leaver_share"); discountRate = c.real("external.discount_rate")
        investorEnabled = c.flag("investor.enabled"); investorCapital = c.real("investor.capital") * c.scale
        investorReturn = c.real("investor.required_return"); outcomeTarget = c.real("investor.outcome_target")
    }
}
