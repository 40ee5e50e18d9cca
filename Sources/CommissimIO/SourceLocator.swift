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

    /// Keys are recorded, and looked up, cut to this many dotted levels and this many bytes
    /// (UTF-8) (``bounded(_:)``): no scenario, study or calibration key comes near either (the
    /// deepest has 4 levels), and a hostile file of megabyte keys or thousands of levels is then
    /// read in time linear in its length, its keys still found on their lines.
    static let maxLevels = 16, maxKeyLength = 512

    /// `path` cut to ``maxKeyLength`` bytes and ``maxLevels`` levels.
    static func bounded(_ path: String) -> String {
        var p = path
        if p.utf8.count > maxKeyLength { p = String(decoding: p.utf8.prefix(maxKeyLength), as: UTF8.self) }
        var levels = 0
        for i in p.utf8.indices where p.utf8[i] == UInt8(ascii: ".") {
            levels += 1
            if levels == maxLevels { return String(p[..<i]) }
        }
        return p
    }

    init(text: String) {
        var table: [String] = []
        var tablePath = "" // table.joined(separator: "."), made once per header
        var arrayCounts: [String: Int] = [:]
        var depth = 0 // open brackets/braces of a multi-line value
        var open = Code.Open.none // a multi-line string still open at the end of the last line
        for (n, rawScalars) in Self.scalarLines(text).enumerated() {
            let lineNo = n + 1
            let raw = Self.lineText(rawScalars, first: n == 0)
            // A line that starts inside a multi-line string holds no key or header (what
            // follows the string's end only continues the value it belongs to).
            let inString = open != .none
            let code = Code(raw, from: open)
            open = code.open
            if inString {
                if depth > 0 { depth = max(0, depth + code.balance) }
                continue
            }
            let line = code.text.trimmingSpaces()
            if line.isEmpty { continue }
            if depth > 0 {
                depth = max(0, depth + code.balance)
                continue
            }
            if line.hasPrefix("[[") {
                let name = Self.clean(line.dropFirst(2).prefix { $0 != "]" })
                let i = arrayCounts[name, default: -1] + 1
                arrayCounts[name] = i
                table = [name + "[\(i)]"]
                tablePath = Self.bounded(table[0])
                headers.append((lineNo, name))
                record(tablePath, lineNo)
                record(Self.bounded(name), lineNo)
                continue
            }
            if line.hasPrefix("[") {
                let name = Self.clean(line.dropFirst().prefix { $0 != "]" })
                let parts = name.split(separator: ".", omittingEmptySubsequences: false).prefix(Self.maxLevels + 1).map(String.init)
                // [councils.policy] attaches to the last [[councils]] element.
                if let first = parts.first, let i = arrayCounts[first] {
                    table = [first + "[\(i)]"] + parts.dropFirst()
                } else {
                    table = parts
                }
                tablePath = Self.bounded(table.prefix(Self.maxLevels).joined(separator: "."))
                headers.append((lineNo, name))
                // [a.b] also defines a (where nothing wrote it before); the table itself is at
                // its latest header.
                var prefix = ""
                for part in tablePath.split(separator: ".", omittingEmptySubsequences: false).dropLast() {
                    prefix += (prefix.isEmpty ? "" : ".") + part
                    record(prefix, lineNo)
                }
                lines[tablePath] = lineNo
                continue
            }
            if let eq = code.equals {
                let value = code.text[code.text.index(after: eq)...]
                depth = max(0, code.balance)
                let key = Self.clean(code.text[..<eq])
                let path = Self.bounded(tablePath.isEmpty ? key : tablePath + "." + key)
                record(path, lineNo)
                // Keys of an inline table stand on the same line.
                if value.contains("{") {
                    for part in value.split(whereSeparator: { $0 == "{" || $0 == "," }) {
                        if let e = part.firstIndex(of: "=") {
                            let sub = Self.clean(part[..<e])
                            if !sub.isEmpty { record(Self.bounded(path + "." + sub), lineNo) }
                        }
                    }
                }
            }
        }
    }

    /// The lines of `text`, split on U+000A as a scalar: in Swift "\r\n" is one Character, which a
    /// split on "\n" would not find (CRLF files lost their line numbers).
    private static func scalarLines(_ text: String) -> [Substring.UnicodeScalarView] {
        text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// One line's text without its CR, and for the `first` line without a leading byte-order mark.
    private static func lineText(_ scalars: Substring.UnicodeScalarView, first: Bool) -> String {
        var raw = String(String.UnicodeScalarView(scalars))
        if raw.hasSuffix("\r") { raw.removeLast() }
        if first, raw.unicodeScalars.first == "\u{FEFF}" { raw.unicodeScalars.removeFirst() }
        return raw
    }

    /// Records the first line of `path` (already ``bounded(_:)``).
    private mutating func record(_ path: String, _ line: Int) {
        if lines[path] == nil { lines[path] = line }
    }

    /// The dotted name of the table in force on line `n` ("" before the first header).
    func table(atLine n: Int) -> String {
        let k = headersBefore(n + 1)
        return k > 0 ? headers[k - 1].path : ""
    }

    /// The key written on line `n` of `text` (the text this locator was made from), with the
    /// table in force there (`demand.trend`); nil for a line that writes no `key =`.
    func key(atLine n: Int, of text: String) -> String? {
        let rawLines = Self.scalarLines(text)
        guard n >= 1 && n <= rawLines.count else { return nil }
        let code = Code(Self.lineText(rawLines[n - 1], first: n == 1), from: .none)
        guard let eq = code.equals, !isHeader(line: n) else { return nil }
        let key = Self.clean(code.text[..<eq])
        guard !key.isEmpty else { return nil }
        let table = table(atLine: n)
        return table.isEmpty ? key : table + "." + key
    }

    /// Whether line `n` is a table header.
    func isHeader(line n: Int) -> Bool {
        let k = headersBefore(n)
        return k < headers.count && headers[k].line == n
    }

    /// The number of headers on lines before line `n` (binary search: headers are in file order).
    private func headersBefore(_ n: Int) -> Int {
        var lo = 0, hi = headers.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if headers[mid].line < n { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// The line of `path` (`demand.trend`, `councils[1].policy.payment`), or of its nearest
    /// enclosing table when the key itself is not written.
    func line(_ path: String) -> Int? {
        var p = Self.bounded(path) // as recorded
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
                parts.append(String(cur.trimmingSpaces())); cur = ""
            default:
                cur.unicodeScalars.append(c)
            }
        }
        parts.append(String(cur.trimmingSpaces()))
        return parts.joined(separator: ".")
    }
}

/// One line of TOML as the locator reads it: the text before any comment, where the first `=`
/// outside strings stands, and the brackets and braces it opens less those it closes outside
/// strings. Strings are TOML's four kinds: basic `"…"` (with `\` escapes), literal `'…'`, and
/// their multi-line forms `"""…"""` and `'''…'''`, which may run on over later lines (``open``).
struct Code {
    enum Open { case none, basic, literal }

    /// The line without its comment (from the end of a multi-line string it started inside, if any).
    let text: Substring
    /// The first `=` outside strings, in ``text``.
    let equals: String.Index?
    /// Opened less closed `[` `{` / `]` `}` outside strings.
    let balance: Int
    /// The multi-line string still open at the end of the line.
    let open: Open

    /// Reads `line`, which starts inside the multi-line string `from` (or outside any string).
    init(_ line: String, from: Open) {
        let s = line.unicodeScalars
        var i = s.startIndex
        var start = s.startIndex, equals: String.Index?, balance = 0
        /// Whether the three scalars from `j` are `q`.
        func triple(_ j: String.UnicodeScalarView.Index, _ q: Unicode.Scalar) -> Bool {
            var k = j
            for _ in 0..<3 {
                guard k < s.endIndex, s[k] == q else { return false }
                k = s.index(after: k)
            }
            return true
        }
        /// Moves `i` past the end of the multi-line string `q`; false when the line ends first.
        func closeMultiLine(_ q: Unicode.Scalar) -> Bool {
            while i < s.endIndex {
                if q == "\"" && s[i] == "\\" {
                    i = s.index(after: i)
                    if i < s.endIndex { i = s.index(after: i) }
                    continue
                }
                if triple(i, q) {
                    i = s.index(i, offsetBy: 3)
                    // Up to two more quotes belong to the string ("""a"""" ends in a quote).
                    for _ in 0..<2 where i < s.endIndex && s[i] == q { i = s.index(after: i) }
                    return true
                }
                i = s.index(after: i)
            }
            return false
        }
        var open = Open.none
        switch from {
        case .none: break
        case .basic, .literal:
            if !closeMultiLine(from == .basic ? "\"" : "'") {
                self.init(text: line[line.endIndex...], equals: nil, balance: 0, open: from)
                return
            }
            start = i
        }
        var end = s.endIndex
        scan: while i < s.endIndex {
            let ch = s[i]
            switch ch {
            case "#":
                end = i
                break scan
            case "\"", "'":
                if triple(i, ch) {
                    i = s.index(i, offsetBy: 3)
                    if !closeMultiLine(ch) { open = ch == "\"" ? .basic : .literal; break scan }
                    continue
                }
                i = s.index(after: i)
                while i < s.endIndex && s[i] != ch {
                    if ch == "\"" && s[i] == "\\" { i = s.index(after: i); if i == s.endIndex { break } }
                    i = s.index(after: i)
                }
                if i < s.endIndex { i = s.index(after: i) }
                continue
            case "=": if equals == nil { equals = i }
            case "[", "{": balance += 1
            case "]", "}": balance -= 1
            default: break
            }
            i = s.index(after: i)
        }
        self.init(text: line[start..<end], equals: equals, balance: balance, open: open)
    }

    private init(text: Substring, equals: String.Index?, balance: Int, open: Open) {
        self.text = text; self.equals = equals; self.balance = balance; self.open = open
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs — TOML's whitespace — scalar by scalar (no
    /// Foundation: read for every line of an input file).
    func trimmingSpaces() -> SubSequence {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }),
              let last = scalars.lastIndex(where: { $0 != " " && $0 != "\t" }) else { return self[endIndex...] }
        return self[first...last]
    }
}
