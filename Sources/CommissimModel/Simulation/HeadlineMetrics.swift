/// Who a headline metric speaks for; reports lead with them in this order (children first).
public enum Concern: String, CaseIterable, Sendable {
    case children, councils, publicPurse = "public purse", market
}

/// The metrics a report leads with, in plain words: each column of ``MetricColumns`` named once
/// here with the measure a comparison reads it by ("total" over the run for a flow, "end" = the
/// mean of the last 12 months for a level), who it speaks for, and which way is better.
/// `commissim columns --json` carries them to the Python report (`commissim report`).
public struct HeadlineMetric: Sendable {
    public let name: String
    public let label: String
    public let concern: Concern
    /// +1 when more is better, −1 when less is.
    public let better: Int

    /// "total" for a flow (summed over the run), "end" for a level.
    public var measure: String { (MetricColumns.index[name].map { MetricColumns.all[$0].isFlow } ?? false) ? "total" : "end" }

    public static let all: [HeadlineMetric] = [
        HeadlineMetric(name: "outcome_mean", label: "Outcome score of leavers", concern: .children, better: 1),
        HeadlineMetric(name: "good_outcome_share", label: "Share of leavers with a good outcome", concern: .children, better: 1),
        HeadlineMetric(name: "breakdowns", label: "Placement breakdowns", concern: .children, better: -1),
        HeadlineMetric(name: "unmet_need", label: "Unmet need (children waiting or screened out)", concern: .children, better: -1),
        HeadlineMetric(name: "rationed", label: "Family-support referrals rationed over budget", concern: .children, better: -1),
        HeadlineMetric(name: "spend", label: "Council spend", concern: .councils, better: -1),
        HeadlineMetric(name: "transaction_costs", label: "Transaction costs (tendering, monitoring)", concern: .councils, better: -1),
        HeadlineMetric(name: "external_costs_committed", label: "Costs falling outside the council (justice, welfare), undiscounted", concern: .publicPurse, better: -1),
        HeadlineMetric(name: "external_costs_pv", label: "Costs outside the council falling in the run, discounted (Green Book)", concern: .publicPurse, better: -1),
        HeadlineMetric(name: "exits_small_charity", label: "Small-charity exits", concern: .market, better: -1),
        HeadlineMetric(name: "providers", label: "Independent providers trading", concern: .market, better: 1),
        HeadlineMetric(name: "hhi_local", label: "Local concentration (HHI)", concern: .market, better: -1),
        HeadlineMetric(name: "price_fostering", label: "Fostering price per week", concern: .market, better: -1),
        // Over every provider trading, entrants included: a regime that keeps more small providers
        // trading lowers it by who is counted (MODEL.md §5); the contract holders' trust beside it
        // is not diluted by entrants that hold no contract.
        HeadlineMetric(name: "trust_provider_all", label: "Providers' trust in their home councils (every provider)", concern: .market, better: 1),
        HeadlineMetric(name: "trust_provider", label: "Contract holders' trust in the councils they serve", concern: .market, better: 1),
        HeadlineMetric(name: "investment", label: "Providers' investment", concern: .market, better: 1),
    ]
}
