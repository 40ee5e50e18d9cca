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
        case .text(let s): return "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        case .list(let l): return "[" + l.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
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
