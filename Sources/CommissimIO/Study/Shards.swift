import CommissimEngine
import CommissimModel
import Foundation

/// Sharded sweeps for clusters: `commissim sweep --shard I/N` runs runs k ≡ I (mod N) — balanced
/// across points even when runs differ in length — and writes their monthly series to
/// `shard.bin` with `shard.json` (study fingerprint, shard, count). `commissim merge` replays all
/// shards' runs in global run order through the same streaming aggregation, so the merged files
/// are byte-identical to an unsharded sweep.
public enum Shards {
    /// Most shards of one study (what `shard.json` may record).
    public static let maxShards = 1_000_000

    /// Parses "I/N" (0 ≤ I < N ≤ ``maxShards``).
    public static func parse(_ text: String) -> (index: Int, count: Int)? {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), (1...maxShards).contains(n), i >= 0, i < n else { return nil }
        return (i, n)
    }

    /// The global run indices of shard `index` of `count`.
    public static func runs(total: Int, index: Int, count: Int) -> Runs { Runs(first: index, step: count, total: total) }

    /// The run numbers of one shard, `first`, `first + step`, … below `total`, computed rather than
    /// stored (a study of a billion runs in one shard held them in an 8 GB array).
    public struct Runs: RandomAccessCollection, Sendable {
        let first: Int, step: Int, total: Int
        public var startIndex: Int { 0 }
        public var endIndex: Int { first < total ? (total - first + step - 1) / step : 0 }
        public subscript(l: Int) -> Int { first + l * step }
    }

    /// Sorted shard numbers as a short list: consecutive ones as ranges ("0-3 7 9-63"), the first
    /// `limit` items only, then how many there are in all (a million-way split missing most of
    /// its shards is one line, not megabytes).
    static func list(_ numbers: [Int], limit: Int = 20) -> String {
        var items: [String] = [], i = 0
        while i < numbers.count {
            var j = i
            while j + 1 < numbers.count && numbers[j + 1] == numbers[j] + 1 { j += 1 }
            items.append(j > i ? "\(numbers[i])-\(numbers[j])" : "\(numbers[i])")
            i = j + 1
        }
        guard items.count > limit else { return items.joined(separator: " ") }
        return items.prefix(limit).joined(separator: " ") + " … (\(numbers.count) in all)"
    }

    struct Info: Equatable {
        var fingerprint: String, index: Int, count: Int, runs: Int, version: String, build: String
        /// FNV-1a of shard.bin: merge refuses a shard whose bytes changed after it was published.
        var checksum: String
    }

    static func write(_ info: Info, to dir: String) throws {
        let json = JSON.object([("tool", .string("commissim")), ("version", .string(info.version)),
                                ("study_fingerprint", .string(info.fingerprint)), ("shard", .int(info.index)),
                                ("shards", .int(info.count)), ("runs", .int(info.runs)), ("build", .string(info.build)),
                                ("checksum", .string(info.checksum))]).text() + "\n"
        try FileWrite.write(json, to: dir + "/shard.json", atomically: true)
    }

    static func read(_ dir: String) -> Info? {
        guard let data = FileManager.default.contents(atPath: dir + "/shard.json"),
              let o = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let f = o["study_fingerprint"] as? String, let i = o["shard"] as? Int, let n = o["shards"] as? Int,
              let r = o["runs"] as? Int, let v = o["version"] as? String, let c = o["checksum"] as? String,
              let b = o["build"] as? String else { return nil }
        // A damaged file (a count below 1, an index outside it) is no shard state at all.
        guard (1...maxShards).contains(n), (0..<n).contains(i), r >= 0 else { return nil }
        return Info(fingerprint: f, index: i, count: n, runs: r, version: v, build: b, checksum: c)
    }
}

extension SweepRunner {
    /// Runs this runner's shard into `out` (resumable), then publishes `shard.bin` and `shard.json`.
    func runShard(_ shard: (index: Int, count: Int)) throws -> Outcome {
        let fm = FileManager.default
        try prepare()
        let mine = Shards.runs(total: study.runCount, index: shard.index, count: shard.count)
        let journalPath = partial + "/shard.journal"
        if let info = Shards.read(out), info.fingerprint == study.fingerprint, info.index == shard.index, info.count == shard.count,
           info.build == BuildIdentity.current, fm.fileExists(atPath: out + "/shard.bin") {
            progress?.start(total: mine.count, done: mine.count)
            return .finished // already complete
        }
        // Resume: the complete records (record sizes depend on the point's months).
        let journal = RunJournal(path: journalPath)
        let done = try journal.replay(cols: MetricColumns.names.count, limit: mine.count, months: { self.monthsOf(mine[$0] / self.study.replications) },
                                      describe: { "run \(mine[$0])" }, fix: "delete \(partial) to run this shard again, or choose another --out")
        progress?.start(total: mine.count, done: done)
        let study = self.study
        let R = study.replications
        var failure: Error?
        let consumed = ParallelRunner(threads: threads).forEachOrdered(from: done, count: mine.count, job: { l in
            let k = mine[l]
            return Simulation(config: study.config(point: k / R), seed: study.runSeed(replication: k % R)).run().rows
        }, shouldStop: shouldStop, consume: { (l: Int, rows: [[Double]]) in
            guard failure == nil else { return }
            do {
                try journal.append(rows)
                self.progress?.update(done: l + 1)
            } catch { failure = error }
        })
        try journal.close()
        progress?.finish()
        if let f = failure { throw f }
        guard consumed == mine.count else { return .interrupted(done: consumed, total: mine.count) }
        if rename(journalPath, out + "/shard.bin") != 0 {
            let code = errno
            throw ScenarioErrors([ScenarioError(file: out, line: nil, key: "--out", message: "cannot publish shard.bin: \(String(cString: strerror(code)))",
                                                 fix: IOFailure.fix(code))])
        }
        let published = fm.contents(atPath: out + "/shard.bin") ?? Data()
        try Shards.write(.init(fingerprint: study.fingerprint, index: shard.index, count: shard.count, runs: mine.count,
                               version: CommissimVersion.string, build: BuildIdentity.current, checksum: Fingerprint.of(published)), to: out)
        try fm.removeItem(atPath: partial)
        return .finished
    }

    /// Merges shard folders into `out`: checks every shard, then replays their runs in global order.
    public func merge(shards dirs: [String], command: [String]) throws {
        defer { releaseLock() }
        fresh = true // the shards are read again from the start, whatever the folder held
        var infos: [Int: (String, Shards.Info)] = [:]
        var problems: [String] = []
        var count: Int?
        let fingerprint = study.fingerprint
        for d in dirs {
            guard let info = Shards.read(d) else { problems.append("\(d): no readable shard.json (the shard has not finished, or the file is damaged)"); continue }
            if info.fingerprint != fingerprint {
                throw ScenarioErrors([ScenarioError(file: d, line: nil, key: "shard.json",
                    message: "shard of a different study file, scenario or commissim version (\(info.version))",
                    fix: "merge only shards produced from \(study.file) with commissim \(CommissimVersion.string)")])
            }
            if info.build != BuildIdentity.current {
                throw ScenarioErrors([ScenarioError(file: d, line: nil, key: "shard.json",
                    message: "shard written by another build of commissim (build \(info.build), this is \(BuildIdentity.current)): its model may differ",
                    fix: "merge with the binary that ran the shards, or run the shards again with this one")])
            }
            if let n = count, n != info.count { problems.append("\(d): shard of a \(info.count)-way split, others are \(n)-way") }
            count = count ?? info.count
            infos[info.index] = (d, info)
        }
        let n = count ?? 0
        let missing = (0..<n).filter { infos[$0] == nil }
        let incomplete = infos.values.filter { d, info in
            let size = (try? FileManager.default.attributesOfItem(atPath: d + "/shard.bin")[.size] as? Int) ?? nil
            return size != Shards.runs(total: study.runCount, index: info.index, count: info.count).reduce(0) { $0 + recordBytes($1 / study.replications) }
        }.map(\.1.index).sorted()
        if n == 0 || !missing.isEmpty || !incomplete.isEmpty || !problems.isEmpty {
            var msg = problems
            if n == 0 { msg.append("no finished shard found") }
            if !missing.isEmpty { msg.append("missing shards: \(Shards.list(missing))") }
            if !incomplete.isEmpty { msg.append("incomplete shards: \(Shards.list(incomplete))") }
            throw ScenarioErrors([ScenarioError(file: out, line: nil, key: "merge", message: msg.joined(separator: "; "),
                                                fix: "resubmit those shards (same command with --shard I/\(max(n, 1))), then merge again")])
        }
        let readers = try (0..<n).map { try ShardReader(path: infos[$0]!.0 + "/shard.bin") }
        for (i, reader) in readers.enumerated() where reader.checksum != infos[i]!.1.checksum {
            throw ScenarioErrors([ScenarioError(file: infos[i]!.0, line: nil, key: "shard.bin",
                message: "shard \(i)'s shard.bin differs from what it published (checksum \(reader.checksum), expected \(infos[i]!.1.checksum)): it is damaged or from another run",
                fix: "run shard \(i) again (same command with --shard \(i)/\(n)), then merge again")])
        }
        let R = study.replications
        // Every record's own checksum, before anything is aggregated.
        for (i, reader) in readers.enumerated() {
            let sizes = Shards.runs(total: study.runCount, index: i, count: n).lazy.map { self.monthsOf($0 / R) }
            if let bad = reader.firstDamagedRecord(months: sizes, cols: MetricColumns.names.count) {
                throw ScenarioErrors([ScenarioError(file: infos[i]!.0, line: nil, key: "shard.bin",
                    message: "record \(bad) of shard \(i)'s shard.bin is damaged (its checksum does not match)",
                    fix: "run shard \(i) again (same command with --shard \(i)/\(n)), then merge again")])
            }
        }
        let source: (Int) -> [[Double]] = { k in readers[k % n].next(months: self.monthsOf(k / R), cols: MetricColumns.names.count) }
        _ = try run(command: command, source: source)
    }
}

/// Sequential reader of a shard's binary records.
final class ShardReader {
    private let data: Data
    private var offset = 0

    init(path: String) throws {
        guard let d = FileManager.default.contents(atPath: path) else {
            throw ScenarioErrors([ScenarioError(file: path, line: nil, key: nil, message: "cannot read the shard", fix: "check the path and its permissions, or run that shard again")])
        }
        data = d
    }

    /// FNV-1a of the whole file (``Shards/Info/checksum``).
    var checksum: String { Fingerprint.of(data) }

    /// The index of the first record whose checksum does not match, for records of `months` months.
    func firstDamagedRecord(months: some Sequence<Int>, cols: Int) -> Int? {
        var at = 0
        for (i, m) in months.enumerated() {
            if !RunRecord.isIntact(data, offset: at, months: m, cols: cols) { return i }
            at += RunRecord.bytes(months: m, cols: cols)
        }
        return nil
    }

    /// The next record (checked by ``firstDamagedRecord(months:cols:)`` before merging).
    func next(months: Int, cols: Int) -> [[Double]] {
        let rows = RunRecord.decode(data, offset: offset, months: months, cols: cols) ?? []
        offset += RunRecord.bytes(months: months, cols: cols)
        return rows
    }
}
