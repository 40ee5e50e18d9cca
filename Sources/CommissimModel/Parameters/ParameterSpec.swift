/// A resolved value of one scenario parameter.
public enum ParamValue: Sendable, Equatable {
    case real(Double)
    case integer(Int)
    case flag(Bool)
    case text(String)
    case list([String])
    case distribution(Distribution)

    /// The value as it would be written in a scenario file.
    public var tomlText: String {
        switch self {
        case .real(let v): return Format.number(v).contains(where: { $0 == "." || $0 == "e" || $0 == "n" || $0 == "i" }) ? Format.number(v) : Format.number(v) + ".0"
        case .integer(let v): return String(v)
        case .flag(let b): return b ? "true" : "false"
        case .text(let s): return Format.quoted(s)
        case .list(let l): return "[" + l.map(Format.quoted).joined(separator: ", ") + "]"
        case .distribution(let d): return d.tomlText
        }
    }
}

/// What kind of value a parameter takes.
public enum ParamKind: Sendable, Equatable {
    /// A real number.
    case real
    /// A whole number (months, counts, seeds).
    case integer
    /// true / false.
    case flag
    /// Free text (names).
    case text
    /// One of the listed words.
    case choice([String])
    /// A list of the listed words (possibly empty).
    case choices([String])
    /// A number or a distribution drawn per agent.
    case distribution

    /// Human description used by `commissim params` and error messages.
    public var description: String {
        switch self {
        case .real: return "number"
        case .integer: return "whole number"
        case .flag: return "true/false"
        case .text: return "text"
        case .choice(let c): return "one of " + c.joined(separator: "|")
        case .choices(let c): return "list of " + c.joined(separator: "|")
        case .distribution: return "number or distribution"
        }
    }
}

/// The declaration of one scenario parameter: the single source of truth used by the parser,
/// by `commissim params`, by the manifest and by the model's defaults.
public struct ParameterSpec: Sendable {
    /// Dotted path: `demand.trend`, or for group keys `councils.policy.contract_months`.
    public let path: String
    public let kind: ParamKind
    public let defaultValue: ParamValue
    public let unit: String
    /// Valid range for numbers and distribution draws.
    public let range: ClosedRange<Double>?
    /// One-line meaning.
    public let summary: String
    /// Where the value is read into (``ParamBinding``).
    var binding: ParamBinding = .none

    public init(_ path: String, _ kind: ParamKind, _ def: ParamValue, unit: String = "", range: ClosedRange<Double>? = nil, _ summary: String) {
        self.path = path
        self.kind = kind
        self.defaultValue = def
        self.unit = unit
        self.range = range
        self.summary = summary
    }

    /// The last component of the path (the key as written in its table).
    public var key: String { String(path.split(separator: ".").last!) }
}

/// A type a parameter's value is read as (the typed side of a ``ParameterSpec``). The parser has
/// checked every value against its spec, so a mismatch is a programming error.
protocol ParamReadable { init(parameter v: ParamValue) }

extension Double: ParamReadable {
    init(parameter v: ParamValue) {
        switch v {
        case .real(let x): self = x
        case .integer(let i): self = Double(i)
        default: preconditionFailure("not a number: \(v)")
        }
    }
}
extension Int: ParamReadable {
    init(parameter v: ParamValue) {
        guard case .integer(let i) = v else { preconditionFailure("not a whole number: \(v)") }
        self = i
    }
}
extension UInt64: ParamReadable {
    init(parameter v: ParamValue) { self = UInt64(Int(parameter: v)) }
}
extension Bool: ParamReadable {
    init(parameter v: ParamValue) {
        guard case .flag(let b) = v else { preconditionFailure("not a flag: \(v)") }
        self = b
    }
}
extension String: ParamReadable {
    init(parameter v: ParamValue) {
        guard case .text(let s) = v else { preconditionFailure("not text: \(v)") }
        self = s
    }
}
extension Array: ParamReadable where Element == String {
    init(parameter v: ParamValue) {
        guard case .list(let l) = v else { preconditionFailure("not a list: \(v)") }
        self = l
    }
}
extension Distribution: ParamReadable {
    init(parameter v: ParamValue) {
        switch v {
        case .distribution(let d): self = d
        case .real(let x): self = .fixed(x)
        case .integer(let i): self = .fixed(Double(i))
        default: preconditionFailure("not a distribution: \(v)")
        }
    }
}
extension PaymentForm: ParamReadable {
    init(parameter v: ParamValue) { self = PaymentForm(name: String(parameter: v)) ?? .block }
}
extension ProviderKind: ParamReadable {
    init(parameter v: ParamValue) { self = ProviderKind(name: String(parameter: v)) ?? .smallCharity }
}
extension Strategies: ParamReadable {
    init(parameter v: ParamValue) { self = Strategies(names: [String](parameter: v)) }
}

/// Where a parameter's value lands in the typed configuration: a field of the run's settings
/// (``ModelConfig``), of the market's parameters, or of a council or provider group. Each
/// parameter is read through its spec's binding, so a parameter is written once — its spec in
/// ``ParameterCatalog`` names its field — and a misspelt field does not compile.
enum ParamBinding: Sendable {
    case none
    case run(@Sendable (inout ModelConfig, ParamValue) -> Void)
    case market(@Sendable (inout MarketParameters, ParamValue) -> Void)
    case council(@Sendable (inout ModelConfig.CouncilGroup, ParamValue) -> Void)
    case provider(@Sendable (inout ModelConfig.ProviderGroup, ParamValue) -> Void)
}

extension ParameterSpec {
    private func bound(_ b: ParamBinding) -> ParameterSpec { var s = self; s.binding = b; return s }

    /// Read into the run's settings, field `kp` (or by `set`, for a derived field).
    func run<V: ParamReadable>(_ kp: WritableKeyPath<ModelConfig, V> & Sendable) -> ParameterSpec { bound(.run { $0[keyPath: kp] = V(parameter: $1) }) }
    func run(_ set: @escaping @Sendable (inout ModelConfig, ParamValue) -> Void) -> ParameterSpec { bound(.run(set)) }
    /// Read into the market's parameters.
    func market<V: ParamReadable>(_ kp: WritableKeyPath<MarketParameters, V> & Sendable) -> ParameterSpec { bound(.market { $0[keyPath: kp] = V(parameter: $1) }) }
    func market(_ set: @escaping @Sendable (inout MarketParameters, ParamValue) -> Void) -> ParameterSpec { bound(.market(set)) }
    /// Read into a council group (its policy included).
    func council<V: ParamReadable>(_ kp: WritableKeyPath<ModelConfig.CouncilGroup, V> & Sendable) -> ParameterSpec { bound(.council { $0[keyPath: kp] = V(parameter: $1) }) }
    func council(_ set: @escaping @Sendable (inout ModelConfig.CouncilGroup, ParamValue) -> Void) -> ParameterSpec { bound(.council(set)) }
    /// Read into a provider group.
    func provider<V: ParamReadable>(_ kp: WritableKeyPath<ModelConfig.ProviderGroup, V> & Sendable) -> ParameterSpec { bound(.provider { $0[keyPath: kp] = V(parameter: $1) }) }
    func provider(_ set: @escaping @Sendable (inout ModelConfig.ProviderGroup, ParamValue) -> Void) -> ParameterSpec { bound(.provider(set)) }
}
