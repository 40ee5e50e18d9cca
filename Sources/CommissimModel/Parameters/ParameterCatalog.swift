/// Every scenario parameter with its default, unit, valid range and meaning.
///
/// The parser accepts exactly these keys, `commissim params` prints them, the manifest records
/// their resolved values, and ``ModelConfig`` reads them: one list, so they cannot drift apart.
/// The evidence behind each default is given in `docs/MODEL.md`; the defaults of the parameters
/// `scenarios/calibration.toml` fits are its fit (MODEL.md §3.15), as `scenarios/baseline.toml`
/// spells out (``CalibrationTests/testEveryScenarioInheritsTheFit``).
public enum ParameterCatalog {
    /// Name lists of the model's vocabulary, derived from its enums (``NamedCase``).
    public static let tiers = Tier.names
    public static let councilTypes = CouncilType.names
    public static let providerKinds = ProviderKind.independent.map(\.name)
    public static let reaches = Reach.names
    public static let paymentForms = PaymentForm.names
    public static let specifications = ["input", "outcome"]
    public static let strategies = Strategy.names
    public static let generators = ["mt19937", "taus2", "ranlxd1", "ranlxs0", "gfsr4"]

    /// Top-level sections (tables) other than the agent groups.
    public static let sections = ["simulation", "burn_in", "demand", "budget", "market", "trust", "investment",
                                  "delivery", "external", "investor"]
    /// Arrays of tables, one element per agent group.
    public static let groupSections = ["councils", "providers"]

    private static let p01: ClosedRange<Double> = 0...1

    /// Keys a scenario may still carry from an earlier version, with what replaced them: the
    /// parser names the replacement in its error instead of calling the key unknown.
    public static let retired: [String: String] = [
        "market.fixed_cost_share": "market.fixed_cost_share_fostering, market.fixed_cost_share_residential and market.fixed_cost_share_family_support (one share per tier since 4 December 2026; MODEL.md 3.8)",
    ]

    /// Parameters of the top-level sections.
    public static let global: [ParameterSpec] = [
        // simulation
        .init("simulation.months", .integer, .integer(240), unit: "months", range: 1...1200, "reported months of a run (monthly ticks, after the burn-in)").run(\.months),
        .init("simulation.seed", .integer, .integer(1), range: 0...9_007_199_254_740_991, "scenario seed; every random stream is derived from it").run(\.seed),
        .init("simulation.rng", .choice(generators), .text("taus2"), "GSL generator algorithm (taus2 is fastest; mt19937 about a tenth slower)").run(\.generator),
        .init("simulation.scale", .real, .real(1.0), range: 0.001...10, "multiplies every group's count (0.1 = a tenth-size market)").run(\.scale),
        .init("simulation.detail", .flag, .flag(false), "also write per-council and per-provider CSVs (large)").run(\.detail),
        .init("simulation.burn_in_months", .integer, .integer(480), unit: "months", range: 0...600, "months run before month 1 under the [burn_in] status quo and not reported (MODEL.md 3.1)").run(\.burnInMonths),
        // burn-in: the status-quo policy every council follows before month 1 (MODEL.md 3.1)
        .init("burn_in.contract_months", .integer, .integer(36), unit: "months", range: 1...600, "length of contracts let during the burn-in").run(\.burnIn.contractMonths),
        .init("burn_in.extension_months", .integer, .integer(0), unit: "months", range: 0...600, "extension option of contracts let during the burn-in").run(\.burnIn.extensionMonths),
        .init("burn_in.payment", .choice(paymentForms), .text("block"), "payment form of contracts let during the burn-in").run(\.burnIn.payment),
        .init("burn_in.specification", .choice(specifications), .text("input"), "specification of contracts let during the burn-in").run { $0.burnIn.outcomeSpecification = String(parameter: $1) == "outcome" },
        .init("burn_in.price_weight", .real, .real(0.5), range: p01, "tender price weight during the burn-in").run(\.burnIn.priceWeight),
        .init("burn_in.lot_size", .integer, .integer(6), unit: "places", range: 1...100_000, "places per lot during the burn-in").run(\.burnIn.lotSize),
        .init("burn_in.contracted_share", .real, .real(0.75), range: p01, "share of expected independent demand bought on contracts during the burn-in").run(\.burnIn.contractedShare),
        // demand
        .init("demand.referrals_per_10k", .real, .real(3.760), unit: "children/10k/month", range: 0...1000, "referrals needing a service per 10,000 children per month").market(\.referralsPer10k),
        .init("demand.share_family_support", .real, .real(0.566), range: p01, "share of referrals needing family support / early help").market(\.tierShare[Tier.familySupport.rawValue]),
        .init("demand.share_fostering", .real, .real(0.349), range: p01, "share of referrals needing foster care").market(\.tierShare[Tier.fostering.rawValue]),
        .init("demand.share_residential", .real, .real(0.08459), range: p01, "share of referrals needing residential care").market(\.tierShare[Tier.residential.rawValue]),
        .init("demand.duration_family_support", .real, .real(9), unit: "months", range: 1...240, "mean time in family support").market(\.duration[Tier.familySupport.rawValue]),
        .init("demand.duration_fostering", .real, .real(30), unit: "months", range: 1...240, "mean time in foster care").market(\.duration[Tier.fostering.rawValue]),
        .init("demand.duration_residential", .real, .real(20), unit: "months", range: 1...240, "mean time in residential care").market(\.duration[Tier.residential.rawValue]),
        .init("demand.trend", .real, .real(0.02), unit: "per year", range: -0.5...1, "growth of the referral rate per year").market(\.trend),
        .init("demand.shock_month", .integer, .integer(0), unit: "month", range: 0...1200, "month a demand shock starts (0 = none)").market(\.shockMonth),
        .init("demand.shock_size", .real, .real(0), range: -0.9...5, "relative change of referrals during the shock").market(\.shockSize),
        .init("demand.shock_months", .integer, .integer(12), unit: "months", range: 1...1200, "duration of the demand shock").market(\.shockMonths),
        .init("demand.random_shock_prob", .real, .real(0), unit: "per council-month", range: p01, "probability a council is hit by a random demand shock").market(\.randomShockProb),
        .init("demand.random_shock_size", .real, .real(0.2), range: 0...5, "relative size of a random demand shock (lasts 6 months)").market(\.randomShockSize),
        // budget
        .init("budget.headroom", .real, .real(0.02), range: -0.5...1, "first-year budget relative to the council's spend at month 1 (after the burn-in)").market(\.headroom),
        .init("budget.growth", .real, .real(0.0404), unit: "per year", range: -0.5...0.5, "nominal budget growth per year (default: demand trend 2% and inflation 2% compounded)").market(\.budgetGrowth),
        .init("budget.austerity_cut", .real, .real(0), range: 0...0.9, "total real cut of the budget over the austerity period (0.28 = 28%)").market(\.austerityCut),
        .init("budget.austerity_years", .integer, .integer(4), unit: "years", range: 1...50, "length of the austerity period").market(\.austerityYears),
        .init("budget.austerity_start_year", .integer, .integer(1), unit: "year", range: 0...100, "year the cuts start (0 = first year)").market(\.austerityStartYear),
        .init("budget.front_loading", .real, .real(0.6), range: p01, "0 = equal cuts each year, 1 = linearly front-loaded").market(\.frontLoading),
        .init("budget.inflation", .real, .real(0.02), unit: "per year", range: 0...0.5, "cost inflation of providers' inputs").market(\.inflation),
        .init("budget.rationing", .real, .real(0.25), range: 0...100, "share of family-support referrals screened out per unit of budget pressure over budget (looked-after children are always placed)").market(\.rationing),
        .init("budget.late_payment_prob", .real, .real(0.1), unit: "per month", range: p01, "chance a council over budget pays a provider late, per unit of pressure").market(\.latePaymentProb),
        // market
        .init("market.weekly_cost_family_support", .real, .real(250), unit: "£/week", range: 1...100_000, "base unit cost of a family-support case").market { $0.monthlyBaseCost[Tier.familySupport.rawValue] = Double(parameter: $1) * 52.0 / 12.0 },
        .init("market.weekly_cost_fostering", .real, .real(703.3), unit: "£/week", range: 1...100_000, "base unit cost of a fostering placement (CMA: £820 at 19% margin)").market { $0.monthlyBaseCost[Tier.fostering.rawValue] = Double(parameter: $1) * 52.0 / 12.0 },
        .init("market.weekly_cost_residential", .real, .real(3130), unit: "£/week", range: 1...100_000, "base unit cost of a children's home place (CMA: £3,830 at 23% margin)").market { $0.monthlyBaseCost[Tier.residential.rawValue] = Double(parameter: $1) * 52.0 / 12.0 },
        .init("market.in_house_cost_factor", .real, .real(0.9935), range: 0.1...5, "in-house unit cost relative to the independent base cost").market(\.inHouseCostFactor),
        .init("market.in_house_quality", .real, .real(0.55), range: p01, "quality of in-house services").market(\.inHouseQuality),
        .init("market.spot_premium", .real, .real(0.15), range: 0...5, "spot mark-up added to the provider's margin: spot price = unit cost × (1 + margin + risk premium × (1 − trust) + spot_premium)").market(\.spotPremium),
        .init("market.shortage_markup", .real, .real(0.3807), range: 0...5, "extra mark-up providers add when regional capacity is fully used").market(\.shortageMarkup),
        .init("market.fixed_cost_share_family_support", .real, .real(0.6), range: p01, "share of a family-support case's cost incurred whether or not it is filled").market(\.fixedCostShare[Tier.familySupport.rawValue]),
        .init("market.fixed_cost_share_fostering", .real, .real(0.35), range: p01, "share of a fostering place's cost incurred whether or not it is filled (carers are paid mostly per placement)").market(\.fixedCostShare[Tier.fostering.rawValue]),
        .init("market.fixed_cost_share_residential", .real, .real(0.6), range: p01, "share of a children's home place's cost incurred whether or not it is filled (a staffed rota)").market(\.fixedCostShare[Tier.residential.rawValue]),
        .init("market.bid_cost", .real, .real(4000), unit: "£", range: 0...10_000_000, "cost to a provider of preparing one bid").market(\.bidCost),
        .init("market.places_per_bid", .real, .real(15), unit: "places", range: 0...1_000_000, "registered places per bid a provider can prepare in a month (at least one bid); 0: no limit").market(\.placesPerBid),
        .init("market.staff_follow_demand", .flag, .flag(true), "councils' commissioning teams grow with the demand trend (the contracts to let grow with it); false keeps them at their month-1 size").market(\.staffFollowDemand),
        .init("market.fee_notices", .flag, .flag(true), "providers give notice on a contract or placement whose fee has fallen below their walk-away price (MODEL.md 3.8); false keeps every fee however low").market(\.feeNotices),
        .init("market.tender_staff_months", .real, .real(4), unit: "staff-months", range: 0...120, "council commissioning time one tender takes").market(\.tenderStaffMonths),
        .init("market.staff_cost", .real, .real(4500), unit: "£/staff-month", range: 0...1_000_000, "cost of a month of commissioning staff time").market(\.staffCost),
        .init("market.monitoring_cost", .real, .real(900), unit: "£/contract/month", range: 0...1_000_000, "monitoring cost of a contract with zero trust").market(\.monitoringCost),
        .init("market.regions", .integer, .integer(9), range: 1...1000, "number of regions councils are spread over").market(\.regions),
        .init("market.entry_rate", .real, .real(0.23), unit: "entrants/month per million children, per tier", range: 0...100, "entry intensity at 10 points of margin above the entry threshold, per million children living in the region (grows with demand)").market(\.entryRate),
        .init("market.entrant_staffed_share", .real, .real(0.25), range: p01, "share of its registered places a new provider staffs when it opens; it recruits for the rest as they fill").market(\.entrantStaffedShare),
        .init("market.entry_margin", .real, .real(0.12), range: -1...5, "expected margin above which new providers enter").market(\.entryMargin),
        .init("market.exit_patience", .integer, .integer(12), unit: "months", range: 1...240, "months of persistent loss before a provider exits").market(\.exitPatience),
        .init("market.interest_rate", .real, .real(0.07), unit: "per year", range: 0...1, "interest on private providers' debt").market(\.interestRate),
        .init("market.dividend_share", .real, .real(0.5), range: p01, "share of private profit extracted by owners when reserves are above target").market(\.dividendShare),
        .init("market.reserve_target_months", .real, .real(3), unit: "months", range: 0...120, "reserves private owners keep before extracting profit").market(\.reserveTargetMonths),
        .init("market.match_noise", .real, .real(0.5), range: 0...5, "spread (log sd) of how well a spot placement suits the child, as the council judges it, on the offer's value").market(\.matchNoise),
        .init("market.charity_reserve_months", .real, .real(12), unit: "months", range: 0...240, "reserves a charity keeps; a twelfth of any excess a month goes to its wider charitable work").market(\.charityReserveMonths),
        .init("market.spot_candidates", .integer, .integer(6), range: 1...1000, "providers a council contacts to find a spot placement").market(\.spotCandidates),
        // trust
        .init("trust.initial", .real, .real(0.5), range: p01, "trust between parties who have not yet dealt with each other").market(\.trustInitial),
        .init("trust.gain_rate", .real, .real(0.04), unit: "per month", range: p01, "rate at which trust moves towards a good signal").market(\.trustGain),
        .init("trust.loss_multiplier", .real, .real(3), range: 1...50, "how many times faster trust is lost than gained").market(\.trustLossMultiplier),
        .init("trust.event_rate", .real, .real(0.12), range: p01, "rate of a one-off event (fee cut, renewal, re-tender) before the loss multiplier").market(\.trustEventRate),
        .init("trust.observation_noise", .real, .real(0.15), range: 0...5, "noise of a council's monitoring of quality at reference staffing").market(\.observationNoise),
        .init("trust.reference_staff", .real, .real(10), unit: "FTE", range: 0.1...1000, "commissioning staff at which monitoring noise is the reference").market(\.referenceStaff),
        .init("trust.staff_turnover", .real, .real(0.02), unit: "per month", range: p01, "chance per month that people who held a relationship leave").market(\.staffTurnover),
        .init("trust.turnover_erosion", .real, .real(0.3), range: p01, "share of personal trust lost when they leave").market(\.turnoverErosion),
        .init("trust.extend_threshold", .real, .real(0.6), range: p01, "council trust needed to extend or vary instead of re-tendering").market(\.extendThreshold),
        .init("trust.codesign_threshold", .real, .real(0.6), range: p01, "mutual trust needed for a co-design partnership").market(\.codesignThreshold),
        .init("trust.good_incumbent", .real, .real(0.6), range: p01, "council trust above which an incumbent counts as good").market(\.goodIncumbent),
        .init("trust.incumbency_weight", .real, .real(0.15), range: 0...5, "tender score bonus per unit of trust in the incumbent").market(\.incumbencyWeight),
        .init("trust.bid_sensitivity", .real, .real(8), range: 0...100, "slope of a provider's willingness to bid in its trust of the council").market(\.bidSensitivity),
        .init("trust.risk_premium", .real, .real(0.25), range: 0...5, "mark-up a provider adds when it has no trust in the council (prices in expected fee cuts)").market(\.riskPremium),
        .init("trust.reputation_spill", .real, .real(0.3), range: p01, "share of a breach felt by other providers in the region").market(\.reputationSpill),
        .init("trust.monitoring_discount", .real, .real(0.6), range: p01, "share of monitoring cost saved at full trust").market(\.monitoringDiscount),
        // investment
        .init("investment.payback_months", .real, .real(48), unit: "months", range: 1...600, "horizon an investment in staff and innovation needs to pay back").market(\.paybackMonths),
        .init("investment.max_share", .real, .real(0.06), range: 0...1, "largest share of monthly revenue a provider invests").market(\.investMaxShare),
        .init("investment.depreciation", .real, .real(0.015), unit: "per month", range: p01, "decay of accumulated investment (staff leave, methods age)").market(\.depreciation),
        .init("investment.half_saturation", .real, .real(8000), unit: "£/place", range: 1...10_000_000, "investment per place giving half the maximum effect").market(\.halfSaturation),
        .init("investment.quality_gain", .real, .real(0.35), range: p01, "largest rise in quality from accumulated investment").market(\.qualityGain),
        .init("investment.cost_reduction", .real, .real(0.15), range: p01, "largest fall in unit cost from accumulated investment (innovation)").market(\.costReduction),
        .init("investment.experience_gain", .real, .real(0.05), range: p01, "quality gained from ten years of continuous delivery").market(\.experienceGain),
        .init("investment.min_reserve_months", .real, .real(1), unit: "months", range: 0...120, "reserves a provider keeps before it invests").market(\.minReserveMonths),
        .init("investment.shared_savings", .real, .real(0.5), range: p01, "share of innovation savings passed to the council under co-design").market(\.sharedSavings),
        // delivery
        .init("delivery.breakdown_rate", .real, .real(0.04565), unit: "per month", range: p01, "placement breakdown hazard at quality 0.5").market(\.breakdownRate),
        .init("delivery.quality_sensitivity", .real, .real(2.5), range: 0...20, "how strongly quality lowers the breakdown hazard").market(\.qualitySensitivity),
        .init("delivery.instability", .real, .real(0.4356), range: 0...20, "rise of the hazard per previous breakdown (up to four)").market(\.instability),
        .init("delivery.spot_breakdown_factor", .real, .real(1.4), range: 0...20, "hazard multiplier of emergency spot placements").market(\.spotBreakdownFactor),
        .init("delivery.breakdown_penalty", .real, .real(0.08), range: p01, "outcome lost per placement breakdown").market(\.breakdownPenalty),
        .init("delivery.waiting_penalty", .real, .real(0.03), unit: "per month", range: p01, "outcome lost per month waiting for a service").market(\.waitingPenalty),
        .init("delivery.outcome_noise", .real, .real(0.1), range: 0...5, "noise of a child's outcome around its expectation").market(\.outcomeNoise),
        .init("delivery.good_outcome", .real, .real(0.5), range: p01, "outcome score counted as a good outcome").market(\.goodOutcome),
        .init("delivery.unserved_outcome", .real, .real(0.25), range: p01, "outcome of a child screened out, or, less waiting_penalty × months waited, of one who leaves never served").market(\.unservedOutcome),
        .init("delivery.eligibility_screen", .real, .real(0.3), range: p01, "share of family-support referrals screened out when eligibility is tightened").market(\.eligibilityScreen),
        .init("delivery.outcome_lag_months", .integer, .integer(12), unit: "months", range: 0...240, "delay before an outcome is measured and paid for").market(\.outcomeLag),
        // external (silo) costs
        .init("external.justice_cost", .real, .real(87_178), unit: "£/year", range: 0...10_000_000, "yearly justice cost of a care leaver in the justice system (004)").market(\.justiceCost),
        .init("external.justice_prob", .real, .real(0.25), range: p01, "chance of justice involvement for a leaver with outcome 0").market(\.justiceProb),
        .init("external.welfare_cost", .real, .real(19_800), unit: "£/year", range: 0...10_000_000, "yearly welfare cost of a leaver out of work (004)").market(\.welfareCost),
        .init("external.welfare_prob", .real, .real(0.4), range: p01, "chance of welfare dependence for a leaver with outcome 0").market(\.welfareProb),
        .init("external.family_support_factor", .real, .real(0), range: p01, "external costs of a family-support leaver relative to a care leaver (004 counts care leavers only)").market(\.familySupportFactor),
        .init("external.years", .integer, .integer(10), unit: "years", range: 0...60, "years over which external costs fall").market(\.externalYears),
        .init("external.care_leaver_share", .real, .real(0.4), range: p01, "share of looked-after leavers who are care leavers in 004's sense (about 10,000 of about 24,700 a year)").market(\.careLeaverShare),
        .init("external.discount_rate", .real, .real(0.035), unit: "per year", range: 0...1, "discount rate of external_costs_pv (HM Treasury Green Book: 3.5%)").market(\.discountRate),
        // social investor
        .init("investor.enabled", .flag, .flag(false), "a social investor pre-finances outcome-based contracts").market(\.investorEnabled),
        .init("investor.capital", .real, .real(50_000_000), unit: "£", range: 0...1e12, "capital the investor can commit, at England scale (× simulation.scale)").market(\.investorCapital),
        .init("investor.required_return", .real, .real(0.06), unit: "per year", range: 0...1, "return the investor charges on capital advanced").market(\.investorReturn),
        .init("investor.outcome_target", .real, .real(0.55), range: p01, "outcome score at which the full outcome payment is due").market(\.outcomeTarget),
    ]

    /// Contract terms per service tier (`[councils.policy.fostering]`, … or `[policy.residential]`):
    /// each unset term is the group's policy (MODEL.md §3.5).
    static let tierTerms: [ParameterSpec] = Tier.allCases.flatMap { t -> [ParameterSpec] in
        let k = t.rawValue, at = "councils.policy.\(t.name)."
        return [
            .init(at + "contract_months", .integer, .integer(0), unit: "months", range: 0...600, "length of new \(t.name) contracts (0 = policy.contract_months)").council(\.policy.tierTerms[k].contractMonths),
            .init(at + "extension_months", .integer, .integer(-1), unit: "months", range: -1...600, "optional extension of \(t.name) contracts (−1 = policy.extension_months)").council(\.policy.tierTerms[k].extensionMonths),
            .init(at + "payment", .choice(paymentForms + ["policy"]), .text("policy"), "payment form of new \(t.name) contracts (\"policy\" = policy.payment)").council { $0.policy.tierTerms[k].payment = PaymentForm(name: String(parameter: $1)) },
            .init(at + "lot_size", .integer, .integer(0), unit: "places", range: 0...100_000, "places per tendered \(t.name) lot (0 = policy.lot_size)").council(\.policy.tierTerms[k].lotSize),
            .init(at + "break_months", .integer, .integer(-1), unit: "months", range: -1...600, "break point of \(t.name) contracts (−1 = policy.break_months, 0 = none)").council(\.policy.tierTerms[k].breakMonths),
        ]
    }

    /// Keys of each `[[councils]]` group (prefix `councils.`).
    public static let council: [ParameterSpec] = [
        .init("councils.name", .text, .text("councils"), "label of the group").council(\.name),
        .init("councils.count", .integer, .integer(1), range: 1...100_000, "number of councils in the group").council(\.count),
        .init("councils.type", .choice(councilTypes), .text("unitary"), "type of council (001 samples these four)").council { $0.type = (CouncilType(name: String(parameter: $1)) ?? .unitary).rawValue },
        .init("councils.children", .distribution, .distribution(.lognormal(mean: 45_000, sd: 15_000)), unit: "children", range: 100...5_000_000, "population aged 0-17").council(\.children),
        .init("councils.demand_factor", .distribution, .distribution(.fixed(1)), range: 0.05...20, "local multiplier of the referral rate (deprivation)").council(\.demandFactor),
        .init("councils.budget", .distribution, .distribution(.fixed(0)), unit: "£/year", range: 0...1e12, "first-year budget for placements and commissioning; 0 = spend at month 1 × (1 + budget.headroom)").council(\.budget),
        .init("councils.commissioning_staff", .distribution, .distribution(.gamma(mean: 8, sd: 3)), unit: "FTE", range: 0.2...1000, "commissioning capacity (staff time), when staff_per_10k is 0").council(\.staff),
        .init("councils.staff_per_10k", .distribution, .distribution(.fixed(0)), unit: "FTE per 10,000 children", range: 0...100, "commissioning staff in proportion to the council's children (0 = use commissioning_staff)").council(\.staffPer10k),
        .init("councils.in_house_family_support", .real, .real(0.5), range: p01, "share of family-support demand the council's own service covers").council(\.inHouseShare[Tier.familySupport.rawValue]),
        .init("councils.in_house_fostering", .real, .real(0.6569), range: p01, "share of fostering demand covered in-house (004: 40% of spend independent)").council(\.inHouseShare[Tier.fostering.rawValue]),
        .init("councils.in_house_residential", .real, .real(0.4680), range: p01, "share of residential demand covered in-house (004: 56% of spend independent)").council(\.inHouseShare[Tier.residential.rawValue]),
        .init("councils.austerity.cut", .real, .real(-1), range: -1...0.9, "this group's total real budget cut over its austerity years (−1 = budget.austerity_cut)").council(\.austerityCut),
        .init("councils.austerity.years", .integer, .integer(0), unit: "years", range: 0...50, "length of this group's austerity period (0 = budget.austerity_years)").council(\.austerityYears),
        .init("councils.austerity.start_year", .integer, .integer(-1), unit: "year", range: -1...100, "year this group's cuts start (−1 = budget.austerity_start_year)").council(\.austerityStartYear),
        .init("councils.austerity.front_loading", .real, .real(-1), range: -1...1, "front-loading of this group's cuts (−1 = budget.front_loading)").council(\.frontLoading),
        .init("councils.policy.contract_months", .integer, .integer(36), unit: "months", range: 1...600, "length of new contracts").council(\.policy.contractMonths),
        .init("councils.policy.extension_months", .integer, .integer(0), unit: "months", range: 0...600, "optional extension (60 + 24 = \"5+2\")").council(\.policy.extensionMonths),
        .init("councils.policy.payment", .choice(paymentForms), .text("block"), "payment form of new contracts").council(\.policy.payment),
        .init("councils.policy.specification", .choice(specifications), .text("input"), "input-prescriptive or outcome-based specification (004)").council { $0.policy.outcomeSpecification = String(parameter: $1) == "outcome" },
        .init("councils.policy.price_weight", .real, .real(0.5), range: p01, "weight of price (vs quality) in tender evaluation").council(\.policy.priceWeight),
        .init("councils.policy.uplift", .flag, .flag(true), "contract prices rise with inflation each year").council(\.policy.uplift),
        .init("councils.policy.lot_size", .integer, .integer(6), unit: "places", range: 1...100_000, "places per tendered lot").council(\.policy.lotSize),
        .init("councils.policy.contracted_share", .real, .real(0.75), range: p01, "share of expected independent demand bought on contracts (the rest spot)").council(\.policy.contractedShare),
        .init("councils.policy.strategies", .choices(strategies), .list([]), "cost-cutting strategies applied under budget pressure").council(\.policy.strategies),
        .init("councils.policy.trigger", .real, .real(0), range: -1...10, "budget pressure (spend/budget - 1) above which strategies apply; -1 = always").council(\.policy.trigger),
        .init("councils.policy.squeeze_rate", .real, .real(0.05), unit: "per year", range: 0...0.9, "price squeeze: fee cut imposed on existing contracts each year").council(\.policy.squeezeRate),
        .init("councils.policy.lowest_price_weight", .real, .real(0.85), range: p01, "lowest-price tendering: price weight used instead").council(\.policy.lowestPriceWeight),
        .init("councils.policy.consolidation_factor", .real, .real(4), range: 1...1000, "consolidation: lots are this many times larger").council(\.policy.consolidationFactor),
        .init("councils.policy.collaborative_discount", .real, .real(0.08), range: 0...0.9, "collaborative commissioning: bargaining cut in providers' mark-up").council(\.policy.collaborativeDiscount),
        .init("councils.policy.decommission_cut", .real, .real(0.15), range: 0...0.9, "decommissioning: share of contracted volume dropped").council(\.policy.decommissionCut),
        .init("councils.policy.alliance_members", .integer, .integer(3), range: 1...10, "alliance contracts: most providers holding one alliance (the best-scored bidders; MODEL.md §3.9a)").council(\.policy.allianceMembers),
        .init("councils.policy.alliance_share", .real, .real(0.1), range: 0...0.5, "alliance contracts: share of the price of the members' places at stake on outcomes against outcome_target, gain and pain (MODEL.md §3.9a)").council(\.policy.allianceShare),
        .init("councils.policy.outcome_upfront_share", .real, .real(0.5), range: p01, "outcome-based payment: share of the price paid up front").council(\.policy.outcomeUpfrontShare),
        .init("councils.policy.break_months", .integer, .integer(0), unit: "months", range: 0...600, "months into a term at which either side may end the contract (0 = no break clause; MODEL.md §3.5)").council(\.policy.breakMonths),
        .init("councils.policy.retender_good_incumbents", .flag, .flag(false), "re-tender at expiry even when the incumbent is trusted").council(\.policy.retenderGoodIncumbents),
    ] + tierTerms

    /// Keys of each `[[providers]]` group (prefix `providers.`).
    public static let provider: [ParameterSpec] = [
        .init("providers.name", .text, .text("providers"), "label of the group").provider(\.name),
        .init("providers.count", .integer, .integer(1), range: 1...1_000_000, "number of providers in the group").provider(\.count),
        .init("providers.kind", .choice(providerKinds), .text("small_charity"), "kind of provider").provider(\.kind),
        .init("providers.reach", .choice(reaches), .text("regional"), "councils served: home council, home region, or all").provider { $0.reach = (Reach(name: String(parameter: $1)) ?? .regional).rawValue },
        .init("providers.capacity", .distribution, .distribution(.lognormal(mean: 12, sd: 6)), unit: "places", range: 1...100_000, "places or caseload").provider(\.capacity),
        .init("providers.share_family_support", .real, .real(0.34), range: p01, "chance a provider of the group delivers family support").provider(\.tierShares[Tier.familySupport.rawValue]),
        .init("providers.share_fostering", .real, .real(0.33), range: p01, "chance it delivers fostering").provider(\.tierShares[Tier.fostering.rawValue]),
        .init("providers.share_residential", .real, .real(0.33), range: p01, "chance it runs children's homes").provider(\.tierShares[Tier.residential.rawValue]),
        .init("providers.reserves_months", .distribution, .distribution(.lognormal(mean: 4, sd: 2)), unit: "months of cost", range: 0...240, "initial reserves").provider(\.reservesMonths),
        .init("providers.quality", .distribution, .distribution(.beta(mean: 0.55, sd: 0.1)), range: p01, "initial quality of care").provider(\.quality),
        .init("providers.cost_factor", .distribution, .distribution(.normal(mean: 1, sd: 0.08)), range: 0.3...3, "unit cost relative to the market base cost").provider(\.costFactor),
        .init("providers.voluntary_income", .real, .real(0), unit: "share of cost", range: 0...2, "fundraised income (charities) as a share of running cost").provider(\.voluntaryIncome),
        .init("providers.target_margin", .real, .real(0.03), range: -0.5...2, "mark-up over cost a provider aims for when bidding").provider(\.targetMargin),
        .init("providers.required_margin", .real, .real(0), range: -1...2, "margin below which the owners exit (private) after exit_patience months").provider(\.requiredMargin),
        .init("providers.leverage", .real, .real(0), unit: "× annual revenue", range: 0...20, "debt carried (investor-backed providers)").provider(\.leverage),
        .init("providers.scale_up", .real, .real(0.5), range: 0...100, "largest growth of capacity to take on a new lot").provider(\.scaleUp),
        .init("providers.mission_tolerance", .real, .real(1), range: p01, "charities: tolerance of mission drift (price-led, prescriptive tenders); 1 = never refuses").provider(\.missionTolerance),
        .init("providers.cross_subsidy", .real, .real(0), range: 0...0.9, "charities: largest share below cost they bid, subsidised from reserves").provider(\.crossSubsidy),
    ]

    /// All specifications.
    public static var all: [ParameterSpec] { global + council + provider }

    /// The specification with the dotted path `path`, if any.
    public static func spec(_ path: String) -> ParameterSpec? { index[path] }

    private static let index: [String: ParameterSpec] = Dictionary(uniqueKeysWithValues: all.map { ($0.path, $0) })
}
