/// The kinds of provider in the market. In-house services are providers owned by a council.
public enum ProviderKind: Int, Sendable, CaseIterable {
    case smallCharity, largeCharity, smallPrivate, investorPrivate, inHouse

    /// Scenario and CSV name.
    public var name: String {
        switch self {
        case .smallCharity: return "small_charity"
        case .largeCharity: return "large_charity"
        case .smallPrivate: return "small_private"
        case .investorPrivate: return "investor_private"
        case .inHouse: return "in_house"
        }
    }
    /// Charities draw voluntary income, may cross-subsidise and may refuse mission drift.
    public var isCharity: Bool { self == .smallCharity || self == .largeCharity }
    /// Private owners extract profit and exit when margins stay below their requirement.
    public var isPrivate: Bool { self == .smallPrivate || self == .investorPrivate }
    /// The four independent-sector kinds (everything but in-house).
    public static let independent: [ProviderKind] = [.smallCharity, .largeCharity, .smallPrivate, .investorPrivate]
}

/// Service tiers, from early help to residential care.
public enum Tier: Int, Sendable, CaseIterable {
    case familySupport, fostering, residential
    public var name: String { ParameterCatalog.tiers[rawValue] }
}
