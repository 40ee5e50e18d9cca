/// A problem with user input, reported as one line naming the file, line and key, and the fix.
/// The CLI prints it and exits with status 2.
public struct ScenarioError: Error, CustomStringConvertible, Equatable {
    public let file: String
    /// 1-based line, or nil when the problem is with the file as a whole.
    public let line: Int?
    /// The dotted key, if the problem concerns one.
    public let key: String?
    public let message: String
    public let fix: String?

    public init(file: String, line: Int?, key: String?, message: String, fix: String? = nil) {
        self.file = file
        self.line = line
        self.key = key
        self.message = message
        self.fix = fix
    }

    public var description: String {
        var s = file
        if let l = line { s += ":\(l)" }
        s += ": "
        if let k = key { s += "key '\(k.count > 120 ? String(k.prefix(100)) + "… (\(k.count) characters)" : k)': " }
        s += message
        if let f = fix { s += " — fix: " + f }
        return s.replacingOccurrences(of: "\n", with: " ")
    }
}

/// Edit distance, used to suggest the nearest valid key for a misspelt one.
enum Suggest {
    static func nearest(_ word: String, in candidates: [String]) -> String? {
        var best: String?, bestD = Int.max
        let w = word.lowercased(), length = w.count
        for c in candidates {
            // The distance is at least the difference in length: a far longer word (a hostile
            // file's megabyte key) is not compared letter by letter.
            guard abs(length - c.count) <= max(2, c.count / 3) else { continue }
            let d = distance(w, c.lowercased())
            if d < bestD { bestD = d; best = c }
        }
        guard let b = best, bestD <= max(2, b.count / 3) else { return nil }
        return b
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count), cur = Array(repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[b.count]
    }
}
