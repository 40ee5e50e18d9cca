import Foundation

/// The hidden `OUT/.partial/` folder of an unfinished sweep, shard or comparison: one writer at a
/// time (an exclusive lock on `.partial/lock`), and a `state` file of `name value` lines (the
/// identity of what is being computed, the shard, the build) that a resumed process must match
/// exactly. The journals inside hold ``RunRecord``s.
final class PartialState {
    let out: String
    var path: String { Self.path(in: out) }
    private var lock: Int32 = -1

    init(out: String) { self.out = out }

    static func path(in out: String) -> String { out + "/.partial" }

    /// What the state's first line (`commissim sweep`, …) says is unfinished.
    private static func kind(ofFirstLine line: Substring) -> Substring { line.dropFirst("commissim ".count) }

    /// Refuses to write a run's results into `out` while it holds the unfinished work of a sweep,
    /// comparison or calibration (one running, or one interrupted that resumes from it). A run
    /// takes no lock: written into a folder a sweep was writing, its timeseries.csv stayed beside
    /// the sweep's results when the sweep finished.
    static func refuseUnfinishedWork(in out: String) throws {
        let partial = path(in: OutputFolder.followingLinks(out).path)
        guard FileManager.default.fileExists(atPath: partial) else { return }
        let first = (try? String(contentsOfFile: partial + "/state", encoding: .utf8))?.split(separator: "\n").first
        let kind = first.map { String(Self.kind(ofFirstLine: $0)) } ?? "sweep, comparison or calibration"
        throw ScenarioErrors([ScenarioError(file: out, line: nil, key: "--out",
            message: "holds the unfinished work of a \(kind) (.partial), running or interrupted; a run's results would be mixed with its results",
            fix: "choose another --out, or let that command finish (or delete \(out)/.partial)")])
    }

    deinit { release() }

    /// Creates the folder, takes the lock and checks (or writes) the state. `fields` are the
    /// state's lines in order; `describe` names, for a field name, what differs when it does.
    /// `file` is the input named in errors, `kind` what is unfinished ("sweep", "comparison").
    /// `fresh` (`--fresh`, a merge): what the folder holds is discarded first — once the lock is
    /// held, so that a process still writing it is refused, not pulled from under.
    func acquire(file: String, kind: String, fields: [(String, String)], describe: [String: String], fresh: Bool = false) throws {
        let fm = FileManager.default
        try lock(file: file)
        if fresh { discardWork() }
        // `compare` has no --fresh: its journal is deleted by hand.
        let orFresh = kind == "comparison" ? "" : " (or run with --fresh)"
        let statePath = path + "/state"
        let state = "commissim \(kind)\n" + fields.map { "\($0.0) \($0.1)\n" }.joined()
        if let old = fm.contents(atPath: statePath).map({ String(decoding: $0, as: UTF8.self) }) {
            guard old != state else { return }
            // A state this program did not write whole (a damaged disk, an edit): not another study.
            guard old.hasPrefix("commissim "), old.hasSuffix("\n") else {
                throw ScenarioErrors([ScenarioError(file: file, line: nil, key: "--out",
                    message: "\(out) holds an unfinished \(kind) whose record (\(statePath)) is damaged, so it cannot be resumed",
                    fix: "delete \(path)\(orFresh) to start again, or choose another --out")])
            }
            let oldLines = old.split(separator: "\n"), newLines = state.split(separator: "\n")
            // Another kind of work (a sweep's where a calibration would go): named as what it is.
            if let first = oldLines.first, first != newLines.first {
                let other = Self.kind(ofFirstLine: first)
                throw ScenarioErrors([ScenarioError(file: file, line: nil, key: "--out",
                    message: "\(out) holds an unfinished \(other); a \(kind) will not be mixed with it",
                    fix: "finish it with its own command, or delete \(path)\(orFresh), or choose another --out")])
            }
            func value(_ lines: [Substring], _ k: String) -> Substring? { lines.first { $0.hasPrefix(k + " ") } }
            let oldShard = value(oldLines, "shard").map { " (\($0))" } ?? ""
            let differs = fields.map(\.0).filter { value(oldLines, $0) != value(newLines, $0) }.compactMap { describe[$0] }
            throw ScenarioErrors([ScenarioError(file: file, line: nil, key: "--out",
                message: "\(out) holds an unfinished \(kind)\(oldShard) of another \(differs.isEmpty ? "kind" : differs.joined(separator: " and ")); it will not be mixed with this one",
                fix: "resume it with the same command, or delete \(path)\(orFresh), or choose another --out")])
        }
        try FileWrite.write(state, to: statePath, atomically: true)
    }

    /// Creates the folder and takes its lock: one writer per folder (a second is refused).
    func lock(file: String) throws {
        let fm = FileManager.default
        guard !out.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ScenarioErrors([ScenarioError(file: file, line: nil, key: "--out", message: "the output folder is empty", fix: "give a folder, e.g. --out results/my-sweep")])
        }
        do {
            try fm.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw ScenarioErrors([ScenarioError(file: out, line: nil, key: "--out", message: "cannot write the output folder (\(IOFailure.reason(error)))",
                                                fix: "choose a folder you can write")])
        }
        if lock < 0 {
            let fd = open(path + "/lock", O_RDWR | O_CREAT, 0o644)
            guard fd >= 0 else {
                let code = errno
                throw ScenarioErrors([ScenarioError(file: out, line: nil, key: "--out", message: "cannot create the lock file (\(String(cString: strerror(code))))",
                                                    fix: IOFailure.fix(code))])
            }
            if flock(fd, LOCK_EX | LOCK_NB) != 0 {
                close(fd)
                throw ScenarioErrors([ScenarioError(file: out, line: nil, key: "--out",
                    message: "another commissim process is writing this output folder (or making its report)",
                    fix: "wait for it to finish (or stop it), or choose another --out")])
            }
            lock = fd
        }
    }

    /// Removes everything the folder holds but the lock (call holding it).
    func discardWork() {
        let fm = FileManager.default
        for name in (try? fm.contentsOfDirectory(atPath: path)) ?? [] where name != "lock" {
            try? fm.removeItem(atPath: path + "/" + name)
        }
    }

    /// Releases the lock (when the command returns).
    func release() {
        if lock >= 0 { close(lock) }
        lock = -1
    }

    /// Removes the folder (the work is complete), and then releases the lock: another process
    /// never takes the folder while it is being removed.
    func remove() throws {
        defer { release() }
        try FileManager.default.removeItem(atPath: path)
    }
}

/// An append-only file of ``RunRecord``s in run order: replayed on resume (a record cut short by
/// a kill is dropped; a damaged one is refused), appended to as runs finish.
final class RunJournal {
    let path: String
    private var handle: FileHandle?

    init(path: String) { self.path = path }

    /// Replays the complete records (record k has `months(k)` months) into `consume`, at most
    /// `limit`; truncates a torn tail, opens the journal for appending and returns the count.
    /// Without `consume` the records are only checked, not decoded. `describe(k)` names record
    /// k in errors, `fix` says what to do about a damaged one.
    @discardableResult
    func replay(cols: Int, limit: Int, months: (Int) -> Int, describe: (Int) -> String, fix: String,
                consume: (([[Double]]) -> Void)? = nil) throws -> Int {
        let fm = FileManager.default
        let data = fm.contents(atPath: path) ?? Data()
        var count = 0, offset = 0
        while count < limit {
            let size = RunRecord.bytes(months: months(count), cols: cols)
            if offset + size > data.count { break }
            let damaged = ScenarioErrors([ScenarioError(file: path, line: nil, key: "--out",
                message: "\(describe(count)) in the journal is damaged (its checksum does not match); it will not be used", fix: fix)])
            if let consume {
                guard let rows = RunRecord.decode(data, offset: offset, months: months(count), cols: cols) else { throw damaged }
                consume(rows)
            } else if !RunRecord.isIntact(data, offset: offset, months: months(count), cols: cols) {
                throw damaged
            }
            count += 1
            offset += size
        }
        if !fm.fileExists(atPath: path) { _ = fm.createFile(atPath: path, contents: nil) }
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try h.truncate(atOffset: UInt64(offset))
        try h.seekToEnd()
        handle = h
        return count
    }

    func append(_ rows: [[Double]]) throws { try handle?.write(contentsOf: RunRecord.encode(rows)) }

    func close() throws {
        try handle?.close()
        handle = nil
    }
}
