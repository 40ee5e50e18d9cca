import CommissimEngine
import Foundation

/// A probability distribution for a heterogeneous agent attribute, as written in a scenario:
/// a plain number (`4`) or an inline table (`{ dist = "lognormal", mean = 4, sd = 2 }`).
/// Draws use GSL and are clamped to the parameter's valid range.
public enum Distribution: Sendable, Equatable {
    case fixed(Double)
    case uniform(min: Double, max: Double)
    case normal(mean: Double, sd: Double)
    case lognormal(mean: Double, sd: Double)
    case gamma(mean: Double, sd: Double)
    case beta(mean: Double, sd: Double)

    /// The names accepted for `dist`.
    public static let names = ["fixed", "uniform", "normal", "lognormal", "gamma", "beta"]

    /// The distribution's mean.
    public var mean: Double {
        switch self {
        case .fixed(let v): return v
        case .uniform(let a, let b): return (a + b) / 2
        case .normal(let m, _), .lognormal(let m, _), .gamma(let m, _), .beta(let m, _): return m
        }
    }

    /// Draws one value, clamped to `range`.
    public func sample(_ rng: RandomStream, clampedTo range: ClosedRange<Double>?) -> Double {
        let x: Double
        switch self {
        case .fixed(let v): x = v
        case .uniform(let a, let b): x = a == b ? a : rng.flat(a, b)
        case .normal(let m, let s): x = m + rng.gaussian(sd: s)
        case .lognormal(let m, let s):
            // Parameterised by the mean and sd of the variable itself, not of its logarithm.
            let s2 = log(1 + (s * s) / (m * m))
            x = rng.lognormal(zeta: log(m) - s2 / 2, sigma: s2.squareRoot())
        case .gamma(let m, let s):
            let shape = (m * m) / (s * s)
            x = rng.gamma(shape: shape, scale: (s * s) / m)
        case .beta(let m, let s):
            let k = m * (1 - m) / (s * s) - 1
            x = rng.beta(m * k, (1 - m) * k)
        }
        // Validation keeps GSL's parameters sane; a draw that is still not finite takes the mean.
        let v = x.isFinite ? x : mean
        guard let r = range else { return v }
        return Swift.min(Swift.max(v, r.lowerBound), r.upperBound)
    }

    /// Checks the distribution's own parameters; returns a problem description or nil.
    public func problem(range: ClosedRange<Double>?) -> String? {
        func inRange(_ v: Double, _ what: String) -> String? {
            guard let r = range, !r.contains(v) else { return nil }
            return "\(what) \(Format.number(v)) is outside the valid range \(Format.range(r))"
        }
        switch self {
        case .fixed(let v): return inRange(v, "value")
        case .uniform(let a, let b):
            if a > b { return "uniform min \(Format.number(a)) is greater than max \(Format.number(b))" }
            return inRange(a, "min") ?? inRange(b, "max")
        case .normal(let m, let s):
            if !m.isFinite || !s.isFinite { return "mean and sd must be finite numbers" }
            if s < 0 { return "sd must not be negative" }
            if let r = range, s > 1e3 * max(1, r.upperBound - r.lowerBound) { return "sd \(Format.number(s)) is far wider than the valid range: draws would be meaningless" }
            return inRange(m, "mean")
        case .lognormal(let m, let s), .gamma(let m, let s):
            if !m.isFinite || !s.isFinite { return "mean and sd must be finite numbers" }
            if m <= 0 { return "mean must be positive for this distribution" }
            if s <= 0 { return "sd must be positive" }
            // What GSL is asked to sample must be finite and within what it samples reliably.
            if case .lognormal = self {
                let s2 = log(1 + (s * s) / (m * m)), zeta = log(m) - s2 / 2
                if !s2.isFinite || !zeta.isFinite || s2 > 100 || s2 < 1e-24 {
                    return "sd \(Format.number(s)) against mean \(Format.number(m)) gives a log-normal GSL cannot sample (keep sd/mean between 1e-12 and 1e21)"
                }
            } else {
                let shape = (m * m) / (s * s), scale = (s * s) / m
                if !shape.isFinite || !scale.isFinite || shape < 1e-3 || shape > 1e12 || scale <= 0 {
                    return "sd \(Format.number(s)) against mean \(Format.number(m)) gives a gamma GSL cannot sample (keep sd/mean between 1e-6 and 30)"
                }
            }
            return inRange(m, "mean")
        case .beta(let m, let s):
            if !m.isFinite || !s.isFinite { return "mean and sd must be finite numbers" }
            if !(m > 0 && m < 1) { return "beta mean must lie strictly between 0 and 1" }
            if s <= 0 || s * s >= m * (1 - m) { return "beta sd must be positive and below sqrt(mean*(1-mean)) = \(Format.number((m * (1 - m)).squareRoot()))" }
            let k = m * (1 - m) / (s * s) - 1
            if !k.isFinite || m * k < 1e-3 || (1 - m) * k < 1e-3 || k > 1e12 {
                return "beta sd \(Format.number(s)) against mean \(Format.number(m)) gives shape parameters GSL cannot sample (use a sd of at least 1e-6, or a fixed value)"
            }
            return inRange(m, "mean")
        }
    }

    /// The scenario-file spelling of this distribution.
    public var tomlText: String {
        switch self {
        case .fixed(let v): return Format.number(v)
        case .uniform(let a, let b): return "{ dist = \"uniform\", min = \(Format.number(a)), max = \(Format.number(b)) }"
        case .normal(let m, let s): return "{ dist = \"normal\", mean = \(Format.number(m)), sd = \(Format.number(s)) }"
        case .lognormal(let m, let s): return "{ dist = \"lognormal\", mean = \(Format.number(m)), sd = \(Format.number(s)) }"
        case .gamma(let m, let s): return "{ dist = \"gamma\", mean = \(Format.number(m)), sd = \(Format.number(s)) }"
        case .beta(let m, let s): return "{ dist = \"beta\", mean = \(Format.number(m)), sd = \(Format.number(s)) }"
        }
    }
}

/// Locale-independent number formatting shared by messages, manifests and TOML output.
public enum Format {
    /// `s` as a double-quoted string that TOML (a basic string) and JSON both read back as `s`:
    /// quotes and backslashes escaped, and every control character (a group's name may hold a line
    /// break) as its escape — the escapes the two formats share.
    public static func quoted(_ s: String) -> String { "\"" + escaped(s, inString: true) + "\"" }

    /// `s` for a `#` comment of a TOML file written here: every control character but tab as its
    /// escape (a path may hold a line break, which would end the comment and leave the rest as a
    /// line TOML cannot read).
    public static func comment(_ s: String) -> String { escaped(s, inString: false) }

    /// `s` with its control characters as escapes; `inString`: quotes, backslashes and tabs too.
    private static func escaped(_ s: String, inString: Bool) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "\"" where inString: out += "\\\""
            case "\\" where inString: out += "\\\\"
            case "\t" where inString: out += "\\t"
            case "\t": out.unicodeScalars.append(u)
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case _ where u.value < 0x20 || u.value == 0x7F: out += String(format: "\\u%04X", u.value)
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }

    /// Shortest round-tripping decimal text for `v` (integers without a fraction).
    public static func number(_ v: Double) -> String {
        if v.isFinite, v == v.rounded(), abs(v) <= 9_007_199_254_740_992 { return String(Int64(v)) }
        return "\(v)"
    }
    /// "a…b" for a range.
    public static func range(_ r: ClosedRange<Double>) -> String { "\(number(r.lowerBound))…\(number(r.upperBound))" }
}
