import Foundation

/// The one on-disk form of a finished run, shared by sweep journals, `shard.bin` and comparison
/// journals: the run's monthly series (months × columns little-endian doubles) followed by the
/// 64-bit FNV-1a checksum of those bytes. A record whose checksum does not match is damaged and
/// is never decoded into results.
enum RunRecord {
    /// Size in bytes of the record of a run of `months` months with `cols` columns.
    static func bytes(months: Int, cols: Int) -> Int { months * cols * 8 + 8 }

    /// The record of `rows`.
    static func encode(_ rows: [[Double]]) -> [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(rows.count * (rows.first?.count ?? 0) * 8 + 8)
        for row in rows { for v in row { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } } }
        let sum = bytes.withUnsafeBytes { Fingerprint.hash($0) }
        withUnsafeBytes(of: sum.littleEndian) { bytes.append(contentsOf: $0) }
        return bytes
    }

    /// Whether the record at `offset` of `data` is complete and its checksum matches.
    static func isIntact(_ data: Data, offset: Int, months: Int, cols: Int) -> Bool {
        let payload = months * cols * 8
        guard offset >= 0, offset + payload + 8 <= data.count else { return false }
        return data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Bool in
            let body = UnsafeRawBufferPointer(rebasing: raw[(raw.startIndex + offset)..<(raw.startIndex + offset + payload)])
            return Fingerprint.hash(body) == UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset + payload, as: UInt64.self))
        }
    }

    /// The record at `offset` of `data`, or nil when it is incomplete or its checksum does not match.
    static func decode(_ data: Data, offset: Int, months: Int, cols: Int) -> [[Double]]? {
        guard isIntact(data, offset: offset, months: months, cols: cols) else { return nil }
        return data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> [[Double]] in
            (0..<months).map { m in
                (0..<cols).map { j in
                    Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset + (m * cols + j) * 8, as: UInt64.self)))
                }
            }
        }
    }
}

/// The identity of the running executable: the FNV-1a checksum of its file. Saved state (sweep
/// journals, shards, unfinished comparisons) records it, and a different build never resumes or
/// merges another build's runs — its model may differ even where version and columns agree.
public enum BuildIdentity {
    public static let current: String = {
        guard let data = FileManager.default.contents(atPath: "/proc/self/exe") ?? CommandLine.arguments.first.flatMap({ FileManager.default.contents(atPath: $0) }) else {
            return "unknown"
        }
        return Fingerprint.of(data)
    }()
}
