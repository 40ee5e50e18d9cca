import Foundation

/// Writes CSV text with a locale-independent, deterministic number format: whole numbers without a
/// fraction, others rounded to six decimals in Swift's shortest round-trip form.
public enum CSVFormat {
    /// The text of `v` as written into CSV.
    public static func number(_ v: Double) -> String {
        guard v.isFinite else { return "" }
        if v == v.rounded() && abs(v) < 1e15 { return String(Int64(v)) }
        let r = (v * 1e6).rounded() / 1e6
        if r == r.rounded() && abs(r) < 1e15 { return String(Int64(r)) }
        return "\(r)"
    }

    /// A field as RFC 4180 writes it: quoted, its quotes doubled, when it holds a comma, a quote or
    /// a line end (CR or LF, scalar by scalar: "\r\n" is one Character). Text from a scenario — a
    /// group's name — may hold any of them.
    public static func field(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A whole table as CSV text.
    public static func table(header: [String], rows: [[Double]]) -> String {
        var out = header.map(field).joined(separator: ",") + "\n"
        for r in rows { out += r.map(number).joined(separator: ",") + "\n" }
        return out
    }
}

/// A CSV file written row by row through a buffer (for large per-agent detail).
public final class CSVStream {
    private let handle: FileHandle
    private var buffer = ""

    /// Creates (truncates) `path` and writes the header.
    public init(path: String, header: [String]) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        buffer.reserveCapacity(1 << 20)
        buffer += header.map(CSVFormat.field).joined(separator: ",") + "\n"
    }

    /// Appends one row of fields (quoted where they need it, ``CSVFormat/field(_:)``).
    public func row(_ fields: [String]) throws {
        buffer += fields.map(CSVFormat.field).joined(separator: ",")
        buffer += "\n"
        if buffer.utf8.count > 1 << 20 { try flush() }
    }

    public func flush() throws {
        try handle.write(contentsOf: Data(buffer.utf8))
        buffer.removeAll(keepingCapacity: true)
    }

    public func close() throws {
        try flush()
        try handle.close()
    }
}
