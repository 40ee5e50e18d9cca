/// One output column: its CSV name, unit and meaning (the column reference in docs/COLUMNS.md is
/// generated from this list by `commissim columns`).
public struct MetricColumn: Sendable {
    public let name: String
    public let unit: String
    public let meaning: String

    /// An amount per month (summed over a run when runs are compared), as opposed to a level at
    /// month end (compared by its mean over the last year).
    public var isFlow: Bool { unit.hasSuffix("/month") || meaning.contains("this month") }
}

/// The columns of the monthly CSV, in order.
public enum MetricColumns {
    static func col(_ n: String, _ u: String, _ m: String) -> MetricColumn { MetricColumn(name: n, unit: u, meaning: m) }

    public static let all: [MetricColumn] = {
        var c: [MetricColumn] = [
            col("month", "month", "month of the run, 1-based"),
            col("year", "year", "year of the run, 1-based"),
            col("budget", "£/month", "councils' budgets, all councils, per month"),
            col("spend", "£/month", "councils' total spend: contracts, spot, outcome payments, in-house, transaction costs"),
            col("spend_contracts", "£/month", "block and grant contract payments"),
            col("spend_spot", "£/month", "spot and framework fees"),
            col("spend_outcome", "£/month", "outcome-based contract payments (up-front and on outcomes) and alliances' net gain/pain"),
            col("spend_in_house", "£/month", "cost of councils' in-house services"),
            col("transaction_costs", "£/month", "tendering staff time plus contract monitoring"),
            col("tender_costs", "£/month", "commissioning staff time spent on tenders, extensions and variations"),
            col("monitoring_costs", "£/month", "contract monitoring (lower with trust)"),
            col("bid_costs", "£/month", "providers' costs of bidding"),
            col("budget_pressure", "ratio", "mean over councils of projected spend / budget − 1"),
            col("councils_cutting", "share", "share of councils applying cost-cutting strategies"),
            col("overspend", "£/month", "spend above budget this month, summed over the councils that overspend"),
        ]
        for t in ParameterCatalog.tiers {
            c.append(col("price_\(t)", "£/week", "mean weekly price paid per independent \(t) place"))
        }
        for t in ParameterCatalog.tiers {
            c.append(col("new_spot_price_\(t)", "£/week", "mean weekly fee of the month's new \(t) spot purchases, 0 in a month without one: what a new placement costs, where price_\(t) averages every fee paid"))
        }
        // Calibration moments by tier (MODEL.md §3.15): the evidence's quantities, one per tier.
        for t in ParameterCatalog.tiers {
            c += [
                col("children_\(t)", "children", "children in \(t) at month end, placed or waiting"),
                col("spend_\(t)", "£/month", "council spend on \(t) this month: payments to independent providers plus in-house cost (transaction costs aside)"),
                col("independent_spend_share_\(t)", "share", "independent providers' share of council spend on \(t) this month (the rest is in-house cost; 004; alliances' yearly gain/pain settlements aside)"),
                col("private_share_\(t)", "share", "share of the children placed in \(t) at month end who are with private providers, small or investor-backed (in-house placements counted; CMA 2021: 70% of children in England's children's homes are in private homes; MODEL.md §4.2)"),
                col("investor_fee_\(t)", "£/week", "investor-backed providers' revenue from councils per occupied \(t) place this month (CMA 2021's average weekly price; alliances' yearly gain/pain settlements aside)"),
                col("investor_margin_\(t)", "ratio", "investor-backed \(t) providers' operating margin before debt interest this month (CMA 2021's operating margin)"),
            ]
        }
        c.append(col("looked_after", "children", "looked-after children at month end (fostering and residential, placed or waiting)"))
        c += [
            col("unit_cost_mean", "£/week", "mean unit cost of independent providers (places-weighted)"),
            col("provider_margin", "ratio", "independent providers' operating surplus / revenue this month (all providers together)"),
            col("referrals", "children", "referrals this month"),
            col("screened_out", "children", "family-support referrals screened out this month (tightened eligibility and budget rationing)"),
            col("rationed", "children", "family-support referrals screened out this month because the council was over budget"),
            col("children_served", "children", "children in a placement at month end"),
            col("children_waiting", "children", "children waiting for a placement at month end"),
            col("children_in_house", "children", "children placed with in-house services"),
            col("children_spot", "children", "children on spot or framework placements"),
            col("unmet_need", "children", "children waiting at month end plus referrals screened out in the month"),
            col("new_spot_placements", "children", "spot purchases made this month"),
            col("new_spot_looked_after", "children", "spot purchases for looked-after children (fostering and residential) made this month"),
            col("breakdowns", "placements", "placement breakdowns this month, including moves forced by provider exit"),
            col("moves_from_exits", "placements", "placements ended because the provider exited this month"),
            col("two_placements_share", "share", "share of the looked-after children in care now who have had exactly two placements since January (at December: 004's year-end measure, 22%)"),
            col("three_plus_placements_share", "share", "share of the looked-after children in care now who have had three or more placements since January (at December: 004, 11%)"),
            col("leavers", "children", "children leaving services this month"),
            col("outcome_mean", "score 0-1", "mean outcome of leavers"),
            col("good_outcome_share", "share", "share of leavers with a good outcome"),
            col("external_costs", "£/month", "costs falling on other public budgets this month (justice, welfare)"),
            col("external_costs_pv", "£/month", "external_costs this month discounted to month 1 at external.discount_rate"),
            col("external_costs_committed", "£", "future external costs created by this month's leavers"),
            col("public_cost", "£/month", "the public purse's cost of the month: council spend plus the external costs committed by this month's leavers (undiscounted)"),
            col("providers", "providers", "independent providers trading"),
        ]
        for k in ProviderKind.independent {
            let n = k.name
            c += [
                col("n_\(n)", "providers", "\(n) providers trading"),
                col("share_\(n)", "share", "\(n) share of independent places filled"),
                col("entries_\(n)", "providers", "\(n) entries this month"),
                col("exits_\(n)", "providers", "\(n) exits this month"),
                col("survival_\(n)", "share", "share of the \(n) providers that entered before month 1 and traded at its start that still trade (entrants since are not counted)"),
                col("reserves_\(n)", "months of cost", "median reserves of \(n) providers"),
                col("capital_\(n)", "£/place", "mean accumulated investment per place of \(n) providers"),
            ]
        }
        c += [
            col("exits_insolvent", "providers", "exits this month because reserves ran out"),
            col("exits_losses", "providers", "exits this month after exit_patience months below the required margin"),
            col("exits_idle", "providers", "exits this month of services with no child and no contract for exit_patience months"),
            col("hhi_local", "0-10000", "mean over councils of the Herfindahl index of independent places"),
            col("hhi_national", "0-10000", "Herfindahl index of independent places, England-wide"),
            col("hhi_regional", "0-10000", "Herfindahl index of each regional market (region × service): providers' shares of the independent placements of the region's councils, weighted by the market's placements"),
            col("quality_mean", "score 0-1", "mean quality of care received (all placed children)"),
            col("independent_quality_mean", "score 0-1", "mean quality of independent providers (places-weighted)"),
            col("capital_per_place", "£/place", "mean accumulated investment of independent providers (places-weighted)"),
            col("investment", "£/month", "providers' investment in workforce and innovation"),
            col("trust_council", "score 0-1", "mean council trust in contracted providers"),
            col("trust_provider", "score 0-1", "mean contracted provider trust in councils"),
            col("trust_provider_all", "score 0-1", "mean trust of all independent providers in their home council"),
            col("contracts_active", "contracts", "contracts in force"),
            col("contract_months_left", "months", "mean months left on contracts in force"),
            col("tenders", "tenders", "tenders run this month"),
            col("bids_per_tender", "bids", "mean bids per tender run in the month"),
            col("unfilled_tenders", "tenders", "tenders that attracted no bid this month"),
            col("extensions", "contracts", "contracts extended this month"),
            col("variations", "contracts", "contracts varied (co-design) instead of re-tendered this month"),
            col("retenders", "contracts", "contracts re-tendered at expiry this month"),
            col("rollovers", "contracts", "contracts that reached their end this month and continue because the council lacked staff time to tender"),
            col("tenders_waiting", "contracts", "contracts past their end waiting for staff time to be tendered, at month end"),
            col("contracts_let", "contracts", "contracts let this month by tender, extension or variation"),
            col("contract_length_let", "months", "mean term of the contracts let this month (0 when none)"),
            col("terminations", "contracts", "contracts terminated early this month"),
            col("breaks", "contracts", "contracts ended at their break point this month, by the council or the provider (policy.break_months)"),
            col("alliance_settlements", "£/month", "net gain (+) or pain (−) on outcomes settled by councils with their alliances each January (in spend_outcome; MODEL.md §3.9a)"),
            col("alliance_member_exits", "providers", "alliance members that left the market this month; the others take on their places (MODEL.md §3.9a)"),
            col("fee_cuts", "contracts", "contracts whose fee was cut this month"),
            col("contracts_handed_back", "contracts", "contracts a provider handed back at the January price review because their fee fell below its walk-away price (MODEL.md §3.8)"),
            col("placements_repriced", "children", "placements off contract whose fee fell below the provider's walk-away price, continued at its spot quote at the January price review (MODEL.md §3.8)"),
            col("late_payments", "contracts", "contract payments made late this month"),
            col("council_payments", "£/month", "councils' payments to providers (contracts, spot, outcome)"),
            col("provider_council_revenue", "£/month", "providers' revenue from councils, summed over providers"),
            col("investor_outstanding", "£", "social investor capital advanced and not yet repaid"),
            col("outcome_payments_written_off", "£/month", "deferred outcome payments due this month to providers that have left, written off"),
            col("dividends", "£/month", "profit extracted by private owners"),
            col("charity_reserve_spend", "£/month", "charities' reserves above their reserve policy spent on wider charitable work"),
        ]
        return c
    }()

    /// Column names in order.
    public static let names: [String] = all.map(\.name)
    /// The clock columns (month, year): in every time series, but not metrics to summarise.
    public static let clock: Set<String> = ["month", "year"]
    /// Indices of the columns that are metrics (every column but the clock).
    public static let metricIndices: [Int] = names.indices.filter { !clock.contains(names[$0]) }
    /// Column index by name.
    public static let index: [String: Int] = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
}
