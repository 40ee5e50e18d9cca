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

    public init(file: String, line: Int?, key: String?, message: String, fix: String?) {
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
        s += Self.bounded(message)
        if let f = fix { s += " — fix: " + Self.bounded(f) }
        return s.replacingOccurrences(of: "\n", with: " ")
    }

    /// `text` whole up to 600 characters; longer (a message quoting a 2 MB cell of a design
    /// file), its start and end with the middle left out, so the error stays one readable line.
    static func bounded(_ text: String) -> String {
        guard text.count > 600 else { return text }
        return String(text.prefix(400)) + " …(\(text.count - 550) characters left out)… " + String(text.suffix(150))
    }
}

/// Edit distance, used to suggest the nearest valid key for a misspelt one.
enum Suggest {
    /// The candidate nearest `word` (case ignored), if it is within a third of its length (at
    /// least 2 edits). Compared byte by byte (keys are ASCII): a file of thousands of misspelt
    /// keys, each against hundreds of parameter paths, is answered in a second or two.
    static func nearest(_ word: String, in candidates: [String]) -> String? {
        let w = folded(word)
        var best: String?, bestD = Int.max, bestLimit = 0
        var scratch = Scratch()
        for c in candidates {
            let b = folded(c)
            let limit = max(2, b.count / 3)
            // The distance is at least the difference in length: a far longer word (a hostile
            // file's megabyte key) is not compared letter by letter.
            guard abs(w.count - b.count) <= limit else { continue }
            let d = distance(w, b, &scratch)
            if d < bestD { bestD = d; best = c; bestLimit = limit }
        }
        guard let b = best, bestD <= bestLimit else { return nil }
        return b
    }

    /// The two rows of the dynamic programme, kept between candidates.
    struct Scratch { var prev: [Int] = [], cur: [Int] = [] }

    /// `s`'s UTF-8 bytes, ASCII letters lowercased.
    private static func folded(_ s: String) -> [UInt8] { s.utf8.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 } }

    /// Levenshtein distance between byte strings.
    private static func distance(_ a: [UInt8], _ b: [UInt8], _ rows: inout Scratch) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        // The rows' storage is reused from the last candidate (only their contents are reset).
        rows.prev.removeAll(keepingCapacity: true)
        rows.prev.append(contentsOf: 0...b.count)
        rows.cur.removeAll(keepingCapacity: true)
        rows.cur.append(contentsOf: repeatElement(0, count: b.count + 1))
        for i in 1...a.count {
            rows.cur[0] = i
            for j in 1...b.count {
                rows.cur[j] = min(rows.prev[j] + 1, rows.cur[j - 1] + 1, rows.prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&rows.prev, &rows.cur)
        }
        return rows.prev[b.count]
    }
}
