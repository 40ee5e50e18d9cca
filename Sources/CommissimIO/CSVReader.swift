/// Reads CSV as RFC 4180 writes it, and as pandas, R's `write.csv` and spreadsheets export it:
/// fields separated by commas, any of them quoted (`"a, b"`, a quote inside doubled as `""`, line
/// ends inside allowed), records ended by LF or CRLF. Spaces around an unquoted field are not
/// part of it; blank lines are skipped; a leading byte-order mark is ignored.
enum CSVReader {
    /// One record and the line of the file it starts on (1-based).
    struct Record {
        let line: Int
        let fields: [String]
    }

    /// A record that cannot be read, with its line and what to do.
    struct Problem: Error {
        let line: Int
        let message: String
        let fix: String
    }

    /// The records of `text`, in order.
    static func records(_ text: String) throws(Problem) -> [Record] {
        let bytes = Array(text.utf8)
        let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\""), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
        var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var line = 1
        var records: [Record] = []
        var fields: [String] = []
        var recordLine = 1
        var blank = true // the record so far is one empty, unquoted field
        while true {
            // One field, from its first byte.
            while i < bytes.count && isSpace(bytes[i]) { i += 1 }
            var field: [UInt8] = []
            if i < bytes.count && bytes[i] == quote {
                blank = false
                let opened = line
                i += 1
                while true {
                    guard i < bytes.count else {
                        throw Problem(line: opened, message: "a quoted field is not closed",
                                      fix: "end the field with a quote, doubling any quote inside it (\"\")")
                    }
                    let b = bytes[i]
                    if b == quote {
                        if i + 1 < bytes.count && bytes[i + 1] == quote { field.append(quote); i += 2; continue }
                        i += 1
                        break
                    }
                    if b == lf { line += 1 }
                    field.append(b)
                    i += 1
                }
                while i < bytes.count && isSpace(bytes[i]) { i += 1 }
                if i < bytes.count && bytes[i] == cr && i + 1 < bytes.count && bytes[i + 1] == lf { i += 1 }
                guard i == bytes.count || bytes[i] == comma || bytes[i] == lf else {
                    throw Problem(line: line, message: "text after the closing quote of a field",
                                  fix: "quote the whole field, doubling any quote inside it (\"\")")
                }
            } else {
                let start = i
                while i < bytes.count && bytes[i] != comma && bytes[i] != lf { i += 1 }
                var end = i
                while end > start && (isSpace(bytes[end - 1]) || bytes[end - 1] == cr) { end -= 1 }
                field = Array(bytes[start..<end])
                if !field.isEmpty || (i < bytes.count && bytes[i] == comma) { blank = false }
            }
            fields.append(String(decoding: field, as: UTF8.self))
            if i < bytes.count && bytes[i] == comma {
                i += 1
                continue
            }
            // The record ends (a line end or the end of the text).
            if !blank { records.append(Record(line: recordLine, fields: fields)) }
            fields.removeAll(keepingCapacity: true)
            blank = true
            guard i < bytes.count else { return records }
            i += 1 // the line feed
            line += 1
            recordLine = line
        }
    }
}
