import CommissimEngine

/// The model's vocabulary, each concept declared once: its cases, their scenario and CSV names.
/// The catalogue (``ParameterCatalog``), the parser, the docs and the output columns derive
/// their name lists from these enums, and names map to cases by name, never by position.
public protocol NamedCase: CaseIterable, Hashable, Sendable {
    /// The name used in scenario files and output columns.
    var name: String { get }
}

extension NamedCase {
    /// The case called `name`, if any.
    public init?(name: String) {
        guard let c = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = c
    }
    /// Every case's name, in declaration order.
    public static var names: [String] { allCases.map(\.name) }
}

/// The kinds of provider in the market. In-house services are providers owned by a council.
public enum ProviderKind: Int, NamedCase {
    case smallCharity, largeCharity, smallPrivate, investorPrivate, inHouse

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
    /// The independent-sector kinds (everything but in-house): the kinds a scenario's
    /// `[[providers]]` groups may name.
    public static let independent: [ProviderKind] = allCases.filter { $0 != .inHouse }
}

/// Service tiers, from early help to residential care.
public enum Tier: Int, NamedCase {
    case familySupport, fostering, residential
    public var name: String {
        switch self {
        case .familySupport: return "family_support"
        case .fostering: return "fostering"
        case .residential: return "residential"
        }
    }
}

extension InlineCounts {
    /// One value per tier, stored inline (counts written on every placement).
    static func perTier(_ value: Element) -> InlineCounts { InlineCounts(repeating: value, count: Tier.allCases.count) }
}

/// Contract payment forms (DOMAIN mechanism 3; MODEL.md §3.9, §3.9a).
public enum PaymentForm: Int, NamedCase, BitwiseCopyable {
    case block, spot, grant, outcome, alliance
    public var name: String {
        switch self {
        case .block: return "block"
        case .spot: return "spot"
        case .grant: return "grant"
        case .outcome: return "outcome"
        case .alliance: return "alliance"
        }
    }
}

/// Types of council (001 samples these four).
public enum CouncilType: Int, NamedCase {
    case county, metropolitan, unitary, londonBorough
    public var name: String {
        switch self {
        case .county: return "county"
        case .metropolitan: return "metropolitan"
        case .unitary: return "unitary"
        case .londonBorough: return "london_borough"
        }
    }
}

/// Which councils a provider serves: its home council, its home region, or all.
public enum Reach: Int, NamedCase {
    case local, regional, national
    public var name: String {
        switch self {
        case .local: return "local"
        case .regional: return "regional"
        case .national: return "national"
        }
    }
}
