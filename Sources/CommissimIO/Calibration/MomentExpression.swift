import CommissimModel

/// A calibration moment: arithmetic (+ − * / and parentheses) over metric names and numbers,
/// evaluated on the metrics' window means (MODEL.md §3.15). `looked_after` is a moment;
/// `12 * (spend_fostering + spend_residential)` is another.
public indirect enum MomentExpression: Sendable, Equatable {
    case metric(Int), number(Double)
    case binary(Character, MomentExpression, MomentExpression)
    case negate(MomentExpression)

    /// The metric columns the expression reads.
    public var metrics: [Int] {
        switch self {
        case .metric(let i): return [i]
        case .number: return []
        case .binary(_, let a, let b): return a.metrics + b.metrics
        case .negate(let a): return a.metrics
        }
    }

    /// The value given each metric's value; a division by zero gives NaN (reported, never a crash).
    public func value(_ metric: (Int) -> Double) -> Double {
        switch self {
        case .metric(let i): return metric(i)
        case .number(let x): return x
        case .negate(let a): return -a.value(metric)
        case .binary(let op, let a, let b):
            let x = a.value(metric), y = b.value(metric)
            switch op {
            case "+": return x + y
            case "-": return x - y
            case "*": return x * y
            default: return y == 0 ? .nan : x / y
            }
        }
    }

    /// Parses `text`; the error message says what was expected where.
    public static func parse(_ text: String) throws(ExpressionError) -> MomentExpression {
        var p = Parser(chars: Array(text))
        let e = try p.sum(depth: 0)
        p.skip()
        if p.i < p.chars.count { throw ExpressionError("unexpected \"\(p.chars[p.i])\" at character \(p.i + 1)") }
        return e
    }

    public struct ExpressionError: Error, Sendable {
        public let message: String
        init(_ m: String) { message = m }
    }

    private struct Parser {
        let chars: [Character]
        var i = 0
        static let maxDepth = 64

        mutating func skip() { while i < chars.count && chars[i].isWhitespace { i += 1 } }

        mutating func sum(depth: Int) throws(ExpressionError) -> MomentExpression {
            var e = try product(depth: depth)
            while true {
                skip()
                guard i < chars.count, chars[i] == "+" || chars[i] == "-" else { return e }
                let op = chars[i]; i += 1
                e = .binary(op, e, try product(depth: depth))
            }
        }

        mutating func product(depth: Int) throws(ExpressionError) -> MomentExpression {
            var e = try unary(depth: depth)
            while true {
                skip()
                guard i < chars.count, chars[i] == "*" || chars[i] == "/" else { return e }
                let op = chars[i]; i += 1
                e = .binary(op, e, try unary(depth: depth))
            }
        }

        mutating func unary(depth: Int) throws(ExpressionError) -> MomentExpression {
            guard depth < Self.maxDepth else { throw ExpressionError("nested more than \(Self.maxDepth) deep") }
            skip()
            guard i < chars.count else { throw ExpressionError("ends where a metric, number or \"(\" was expected") }
            let c = chars[i]
            if c == "-" { i += 1; return .negate(try unary(depth: depth + 1)) }
            if c == "(" {
                i += 1
                let e = try sum(depth: depth + 1)
                skip()
                guard i < chars.count, chars[i] == ")" else { throw ExpressionError("a \"(\" is not closed") }
                i += 1
                return e
            }
            if c.isNumber || c == "." {
                let start = i
                while i < chars.count && (chars[i].isNumber || chars[i] == "." || chars[i] == "e" || chars[i] == "E" || chars[i] == "_"
                                          || ((chars[i] == "-" || chars[i] == "+") && (chars[i - 1] == "e" || chars[i - 1] == "E"))) { i += 1 }
                let s = String(chars[start..<i]).replacingOccurrences(of: "_", with: "")
                guard let x = Double(s), x.isFinite else { throw ExpressionError("\"\(s)\" is not a number") }
                return .number(x)
            }
            if c.isLetter || c == "_" {
                let start = i
                while i < chars.count && (chars[i].isLetter || chars[i].isNumber || chars[i] == "_") { i += 1 }
                let name = String(chars[start..<i])
                if MetricColumns.clock.contains(name) { throw ExpressionError("\(name) is the clock, not a metric") }
                guard let j = MetricColumns.index[name] else {
                    throw ExpressionError("\"\(name)\" is not a metric" + (Suggest.nearest(name, in: MetricColumns.names).map { " (did you mean \"\($0)\"?)" } ?? ""))
                }
                return .metric(j)
            }
            throw ExpressionError("unexpected \"\(c)\" at character \(i + 1)")
        }
    }
}
