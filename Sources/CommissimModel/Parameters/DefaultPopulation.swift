/// The England-like population used when a scenario lists no `[[councils]]` or no `[[providers]]`
/// groups. It is parsed by the same parser as any scenario; `scenarios/baseline.toml` spells the
/// same groups out with comments and evidence.
public enum DefaultPopulation {
    /// About 150 councils of the four types (001), populations summing to about 11.7 million children.
    public static let councils = """
    [[councils]]
    name = "counties"
    count = 21
    type = "county"
    children = { dist = "lognormal", mean = 200000, sd = 60000 }
    staff_per_10k = { dist = "gamma", mean = 1.2, sd = 0.3 }

    [[councils]]
    name = "metropolitan"
    count = 36
    type = "metropolitan"
    children = { dist = "lognormal", mean = 75000, sd = 25000 }
    demand_factor = 1.1
    staff_per_10k = { dist = "gamma", mean = 1.2, sd = 0.3 }

    [[councils]]
    name = "unitary"
    count = 62
    type = "unitary"
    children = { dist = "lognormal", mean = 45000, sd = 15000 }
    staff_per_10k = { dist = "gamma", mean = 1.2, sd = 0.3 }

    [[councils]]
    name = "london"
    count = 33
    type = "london_borough"
    children = { dist = "lognormal", mean = 60000, sd = 15000 }
    demand_factor = 1.05
    staff_per_10k = { dist = "gamma", mean = 1.2, sd = 0.3 }
    """

    /// About 2,000 providers: small local charities, large national charities, small private
    /// providers and investor-backed private groups.
    public static let providers = """
    [[providers]]
    name = "small charities"
    count = 1000
    kind = "small_charity"
    reach = "local"
    capacity = { dist = "lognormal", mean = 9, sd = 4 }
    share_family_support = 0.6
    share_fostering = 0.3
    share_residential = 0.1
    reserves_months = { dist = "lognormal", mean = 3, sd = 2 }
    quality = { dist = "beta", mean = 0.58, sd = 0.1 }
    voluntary_income = 0.06
    target_margin = 0.02
    required_margin = -0.03
    scale_up = 0.3
    mission_tolerance = 0.45
    cross_subsidy = 0.05

    [[providers]]
    name = "large charities"
    count = 150
    kind = "large_charity"
    reach = "regional"
    capacity = { dist = "lognormal", mean = 60, sd = 30 }
    share_family_support = 0.5
    share_fostering = 0.35
    share_residential = 0.15
    reserves_months = { dist = "lognormal", mean = 6, sd = 3 }
    quality = { dist = "beta", mean = 0.6, sd = 0.08 }
    voluntary_income = 0.03
    target_margin = 0.03
    required_margin = -0.02
    scale_up = 1.0
    mission_tolerance = 0.65
    cross_subsidy = 0.05

    [[providers]]
    name = "small private"
    count = 700
    kind = "small_private"
    reach = "regional"
    capacity = { dist = "lognormal", mean = 10, sd = 5 }
    share_family_support = 0.15
    share_fostering = 0.6
    share_residential = 0.25
    reserves_months = { dist = "lognormal", mean = 3, sd = 1.5 }
    quality = { dist = "beta", mean = 0.52, sd = 0.1 }
    target_margin = 0.08
    required_margin = 0.0
    scale_up = 0.5

    [[providers]]
    name = "investor-backed private"
    count = 150
    kind = "investor_private"
    reach = "national"
    capacity = { dist = "lognormal", mean = 120, sd = 60 }
    share_family_support = 0.05
    share_fostering = 0.75
    share_residential = 0.2
    reserves_months = { dist = "lognormal", mean = 4, sd = 2 }
    quality = { dist = "beta", mean = 0.55, sd = 0.08 }
    cost_factor = { dist = "normal", mean = 0.95, sd = 0.05 }
    target_margin = 0.1014
    required_margin = 0.04
    leverage = 1.5
    scale_up = 3.0
    """
}
