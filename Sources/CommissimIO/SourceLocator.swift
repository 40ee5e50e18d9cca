import Foundation

/// Finds the line on which a key was written in a TOML file, for error messages.
///
/// The TOML library parses values but does not report where keys stand, so this scans the text
/// for table headers (`[a.b]`, `[[councils]]`) and `key =` lines and records the line of each
/// dotted path (array-of-tables elements as `councils[2]`). It never interprets values.
struct SourceLocator {
    private var lines: [String: Int] = [:]
    /// Each table header's line and dotted name (without array indices), in file order.
    private var headers: [(line: Int, path: String)] = []

    init(text: String) {
        var table: [String] = []
        var arrayCounts: [String: Int] = [:]
        var depth = 0 // open brackets/braces of a multi-line value
        // Lines split on U+000A as a scalar: in Swift "\r\n" is one Character, which a split on
        // "\n" would not find (CRLF files lost their line numbers). A leading byte-order mark is not text.
        let scalarLines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
        for (n, rawScalars) in scalarLines.enumerated() {
            let lineNo = n + 1
            var raw = String(String.UnicodeScalarView(rawScalars))
            if raw.hasSuffix("\r") { raw.removeLast() }
            if n == 0, raw.unicodeScalars.first == "\u{FEFF}" { raw.unicodeScalars.removeFirst() }
            let line = Self.stripComment(raw).trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            if depth > 0 {
                depth += Self.balance(line)
                continue
            }
            if line.hasPrefix("[[") {
                let name = Self.clean(line.dropFirst(2).prefix { $0 != "]" })
                let i = arrayCounts[name, default: -1] + 1
                arrayCounts[name] = i
                table = [name + "[\(i)]"]
                headers.append((lineNo, name))
                lines[name + "[\(i)]"] = lineNo
                if lines[name] == nil { lines[name] = lineNo }
                continue
            }
            if line.hasPrefix("[") {
                let name = Self.clean(line.dropFirst().prefix { $0 != "]" })
                let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
                // [councils.policy] attaches to the last [[councils]] element.
                if let first = parts.first, let i = arrayCounts[first] {
                    table = [first + "[\(i)]"] + parts.dropFirst()
                } else {
                    table = parts
                }
                lines[table.joined(separator: "."), default: lineNo] = lineNo
                headers.append((lineNo, name))
                // [a.b] also defines a (where nothing wrote it before).
                for k in 1..<max(1, table.count) where lines[table.prefix(k).joined(separator: ".")] == nil {
                    lines[table.prefix(k).joined(separator: ".")] = lineNo
                }
                continue
            }
            if let eq = line.firstIndex(of: "=") {
                let key = Self.clean(line[..<eq])
                let path = (table + [key]).joined(separator: ".")
                if lines[path] == nil { lines[path] = lineNo }
                let value = String(line[line.index(after: eq)...])
                // Keys of an inline table stand on the same line.
                if value.contains("{") {
                    for part in value.split(whereSeparator: { $0 == "{" || $0 == "," }) {
                        if let e = part.firstIndex(of: "=") {
                            let sub = Self.clean(part[..<e])
                            if !sub.isEmpty && lines[path + "." + sub] == nil { lines[path + "." + sub] = lineNo }
                        }
                    }
                }
                depth = max(0, Self.balance(value))
            }
        }
    }

    /// The dotted name of the table in force on line `n` ("" before the first header).
    func table(atLine n: Int) -> String { headers.last { $0.line <= n }?.path ?? "" }

    /// Whether line `n` is a table header.
    func isHeader(line n: Int) -> Bool { headers.contains { $0.line == n } }

    /// The line of `path` (`demand.trend`, `councils[1].policy.payment`), or of its nearest
    /// enclosing table when the key itself is not written.
    func line(_ path: String) -> Int? {
        var p = path
        while true {
            if let l = lines[p] { return l }
            // `councils[1]` not written as a table (e.g. `councils = [1, 2]`): the key's own line.
            if p.hasSuffix("]"), let open = p.lastIndex(of: "["), let l = lines[String(p[..<open])] { return l }
            guard let dot = p.lastIndex(of: ".") else { return nil }
            p = String(p[..<dot])
        }
    }

    /// A key as TOML reads it: quoted parts unquoted with their escapes decoded (`"mo\u006eths"`
    /// is `months`), dotted parts joined by ".".
    static func clean<S: StringProtocol>(_ s: S) -> String {
        var parts: [String] = [], cur = ""
        var chars = Array(s.unicodeScalars)[...]
        while let c = chars.popFirst() {
            switch c {
            case "\"":
                while let d = chars.popFirst(), d != "\"" {
                    guard d == "\\", let e = chars.popFirst() else { cur.unicodeScalars.append(d); continue }
                    switch e {
                    case "n": cur += "\n"
                    case "t": cur += "\t"
                    case "r": cur += "\r"
                    case "b": cur += "\u{8}"
                    case "f": cur += "\u{C}"
                    case "u", "U":
                        let n = e == "u" ? 4 : 8
                        let hex = String(String.UnicodeScalarView(chars.prefix(n)))
                        chars = chars.dropFirst(n)
                        if let v = UInt32(hex, radix: 16), let u = Unicode.Scalar(v) { cur.unicodeScalars.append(u) }
                    default: cur.unicodeScalars.append(e)
                    }
                }
            case "'":
                while let d = chars.popFirst(), d != "'" { cur.unicodeScalars.append(d) }
            case ".":
                parts.append(cur.trimmingCharacters(in: .whitespaces)); cur = ""
            default:
                cur.unicodeScalars.append(c)
            }
        }
        parts.append(cur.trimmingCharacters(in: .whitespaces))
        return parts.joined(separator: ".")
    }

    private static func stripComment(_ s: String) -> String {
        var inString: Character?
        var out = ""
        for ch in s {
            if let q = inString {
                if ch == q { inString = nil }
            } else if ch == "\"" || ch == "'" {
                inString = ch
            } else if ch == "#" {
                break
            }
            out.append(ch)
        }
        return out
    }

    private static func balance(_ s: String) -> Int {
        var b = 0
        var inString: Character?
        for ch in s {
            if let q = inString { if ch == q { inString = nil }; continue }
            switch ch {
            case "\"", "'": inString = ch
            case "[", "{": b += 1
            case "]", "}": b -= 1
            default: break
            }
        }
        return b
    }
}
