import Foundation

/// An output folder written atomically: files go to a hidden staging folder beside it and are
/// renamed into place only when everything has been written, so an error or interruption never
/// leaves half-written results. The manifest is moved last.
///
/// A folder that already exists on another file system than its parent (a mount point: a
/// container's bind mount, a cluster's scratch volume) or whose parent cannot be written is staged
/// inside itself instead (`.commissim.partial-PID`): a rename cannot cross file systems, and the
/// folder itself cannot be renamed. So is the working directory or a folder holding it (`--out .`),
/// which must not be renamed away from under the user's shell. Each file still arrives whole, the
/// manifest last.
public final class OutputFolder {
    public let path: String
    public let staging: String
    /// Whether the staging folder is inside the output folder (see above).
    public let stagedInside: Bool
    private var committed = false

    /// Prepares `path` (creating its parents). Throws a ``ScenarioError`` naming `--out` if it
    /// cannot be written. `stageInside` overrides where the staging folder goes (for tests: nil
    /// decides as described above).
    public init(_ path: String, stageInside: Bool? = nil) throws {
        let fm = FileManager.default
        guard !path.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ScenarioErrors([ScenarioError(file: "commissim", line: nil, key: "--out", message: "the output folder is empty", fix: "give a folder, e.g. --out results/my-run")])
        }
        let url = Self.followingLinks(path)
        self.path = url.path
        if (try? fm.destinationOfSymbolicLink(atPath: self.path)) != nil {
            throw ScenarioErrors([ScenarioError(file: path, line: nil, key: "--out", message: "is a link that leads to no folder (a loop of links)", fix: "remove the link, or choose another --out")])
        }
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: self.path, isDirectory: &isDir), !isDir.boolValue {
            throw ScenarioErrors([ScenarioError(file: path, line: nil, key: "--out", message: "exists and is not a folder", fix: "choose another --out path")])
        }
        let parent = url.deletingLastPathComponent().path
        let pid = ProcessInfo.processInfo.processIdentifier
        stagedInside = stageInside ?? (isDir.boolValue && (Self.holdsWorkingDirectory(self.path) || Self.cannotStageBeside(self.path, parent: parent)))
        staging = stagedInside ? self.path + "/" + Self.insidePrefix + "\(pid)" : parent + "/." + url.lastPathComponent + ".partial-\(pid)"
        do {
            try fm.createDirectory(atPath: parent, withIntermediateDirectories: true)
            if stagedInside {
                Self.removeStaleStaging(in: self.path, prefixes: [Self.insidePrefix])
            } else {
                Self.removeStaleStaging(in: parent, prefixes: ["." + url.lastPathComponent + ".partial-", "." + url.lastPathComponent + ".replaced-"])
            }
            if fm.fileExists(atPath: staging) { try fm.removeItem(atPath: staging) }
            try fm.createDirectory(atPath: staging, withIntermediateDirectories: false)
        } catch {
            throw ScenarioErrors([ScenarioError(file: path, line: nil, key: "--out", message: "cannot write the output folder (\(IOFailure.reason(error)))",
                                                fix: "choose a folder you can write, e.g. --out results/my-run")])
        }
        Self.track(staging, open: true)
        guard fm.isWritableFile(atPath: staging) else {
            Self.track(staging, open: false)
            try? fm.removeItem(atPath: staging)
            throw ScenarioErrors([ScenarioError(file: path, line: nil, key: "--out", message: "the output folder is not writable",
                                                fix: "choose a folder you can write")])
        }
    }

    deinit { if !committed { abort() } }

    /// The staging folders of this process not yet committed or aborted, for ``abortAll()``.
    nonisolated(unsafe) private static var live: Set<String> = []
    private static let liveLock = NSLock()

    /// Held while a folder's files are moved into place, so that ``abortAll()`` waits for a
    /// commit under way to finish (the folder is then whole, and no longer open).
    private static let commitLock = NSLock()

    /// Removes every staging folder this process has open: for a command that must stop at once
    /// (a market outgrowing the memory limit, an interruption) and cannot unwind to each folder's owner.
    public static func abortAll() {
        commitLock.lock(); defer { commitLock.unlock() }
        liveLock.lock(); defer { liveLock.unlock() }
        for s in live { try? FileManager.default.removeItem(atPath: s) }
        live.removeAll()
    }

    /// Marks this folder committed or aborted: nothing of it is left for ``abortAll()``.
    private func finished() {
        committed = true
        Self.track(staging, open: false)
    }

    private static func track(_ staging: String, open: Bool) {
        liveLock.lock(); defer { liveLock.unlock() }
        if open { live.insert(staging) } else { live.remove(staging) }
    }

    /// Path of `name` inside the staging folder.
    public func stagedPath(_ name: String) -> String { staging + "/" + name }

    /// Writes `text` to `name` in the staging folder (an error names the file in the output
    /// folder, not the staging folder, which is gone by the time it is read).
    public func write(_ name: String, _ text: String) throws {
        do { try FileWrite.write(text, to: stagedPath(name)) } catch let e as NSError where e.domain == NSPOSIXErrorDomain {
            throw NSError(domain: e.domain, code: e.code, userInfo: [NSFilePathErrorKey: path + "/" + name])
        }
    }

    /// Replaces the whole output folder by the staging folder in one rename (the old folder, if
    /// any, is moved aside first and removed after), so `--out` never mixes two runs' files: used
    /// for a single run, whose folder holds nothing else.
    public func commitReplacing() throws {
        if stagedInside { return try replaceEntries() }
        Self.commitLock.lock(); defer { Self.commitLock.unlock() }
        let lock = try FolderLock(path)
        defer { lock.release() }
        let fm = FileManager.default
        let aside = staging.replacingOccurrences(of: ".partial-", with: ".replaced-")
        var movedAside = false
        if fm.fileExists(atPath: path) {
            if rename(path, aside) == 0 {
                movedAside = true
            } else if case let code = errno, code != ENOENT { // ENOENT: another process moved it aside first (see below)
                throw ScenarioErrors([ScenarioError(file: path, line: nil, key: "--out", message: "cannot replace the old output folder: \(String(cString: strerror(code)))",
                                                    fix: "check the folder's permissions, or choose another --out")])
            }
        }
        if rename(staging, path) != 0 {
            let code = errno
            if code == ENOTEMPTY || code == EEXIST {
                // Another process put its results there between the two renames: they stand whole,
                // and the folder this one moved aside is older than both.
                if movedAside { try? fm.removeItem(atPath: aside) }
                throw ScenarioErrors([ScenarioError(file: path, line: nil, key: "--out",
                    message: "another process wrote its results into the folder at the same moment; they are there whole, this run's are not",
                    fix: "run the command again, or give each process its own --out")])
            }
            if movedAside { _ = rename(aside, path) }
            throw ScenarioErrors([ScenarioError(file: path, line: nil, key: "--out", message: "cannot move the results into place: \(String(cString: strerror(code)))",
                                                fix: "check the folder's permissions, or choose another --out")])
        }
        finished()
        if movedAside { try? fm.removeItem(atPath: aside) }
    }

    /// ``commitReplacing()`` for a folder staged inside itself, which cannot be renamed: its old
    /// entries are removed, the manifest first (so no old manifest describes a folder half
    /// replaced), and the staged files moved in, the manifest last.
    private func replaceEntries() throws {
        Self.commitLock.lock(); defer { Self.commitLock.unlock() }
        let lock = try FolderLock(path)
        defer { lock.release() }
        let fm = FileManager.default
        let old = entries()
        for n in old.filter({ $0 == "manifest.json" }) + old.filter({ $0 != "manifest.json" }) {
            do { try fm.removeItem(atPath: path + "/" + n) } catch {
                throw ScenarioErrors([ScenarioError(file: path, line: nil, key: "--out", message: "cannot replace the old output folder's \(n): \(IOFailure.reason(error))",
                                                    fix: "check the folder's permissions, or choose another --out")])
            }
        }
        try moveIn(last: "manifest.json")
    }

    /// The kinds of results a command writes into its folder, each known by one file no other
    /// kind writes (the report reads a folder's kind from the same files).
    public enum ResultKind: String, CaseIterable, Sendable {
        case run, sweep, comparison, calibration
        var marker: String {
            switch self {
            case .run: return "timeseries.csv"
            case .sweep: return "summary.csv"
            case .comparison: return "comparison.csv"
            case .calibration: return "fit.csv"
            }
        }
        var article: String { self == .run ? "a run" : self == .sweep ? "a sweep" : self == .comparison ? "a comparison" : "a calibration" }
    }

    /// Refuses to write `kind`'s results (nil: a comparison study's, whose comparisons go in
    /// folders of their own) into `out` when it holds another kind's: the two sets of files were
    /// mixed under one manifest (a sweep into a comparison's folder kept comparison.csv beside the
    /// sweep's runs.csv, and the report read the folder as a comparison).
    public static func refuseOtherResults(in out: String, writing kind: ResultKind?) throws {
        let fm = FileManager.default
        for other in ResultKind.allCases where other != kind && fm.fileExists(atPath: followingLinks(out).path + "/" + other.marker) {
            throw ScenarioErrors([ScenarioError(file: out, line: nil, key: "--out",
                message: "holds the results of \(other.article) (\(other.marker)); \(kind.map { $0.article + "'s" } ?? "a comparison study's comparisons") would be mixed with them",
                fix: "choose another --out, or remove the results already there")])
        }
    }

    /// The report `commissim report` wrote into `folder`, as paths to remove: it is made from the
    /// results there, so a command that replaces them removes it (``commit(last:owned:)``) — a
    /// report left beside new results described results no longer there. Only files that carry
    /// the report's mark (python/commissim/report/document.py: REPORT.md's last line,
    /// report.html's head) and the PNG files of figures/ beside them; a file of that name without
    /// the mark is the user's.
    public static func markedReport(in folder: String) -> [String] {
        let fm = FileManager.default
        let marks = [("REPORT.md", "<!-- commissim report: "), ("report.html", "<meta name=\"generator\" content=\"commissim report\">")]
        let marked = marks.compactMap { name, mark -> String? in
            let path = folder + "/" + name
            guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
            defer { try? handle.close() }
            // The mark is in the head of the page and the tail of the Markdown: read both ends.
            let size = (try? handle.seekToEnd()) ?? 0
            try? handle.seek(toOffset: 0)
            var text = String(decoding: (try? handle.read(upToCount: 4096)) ?? Data(), as: UTF8.self)
            if size > 4096 { try? handle.seek(toOffset: size - 4096); text += String(decoding: (try? handle.read(upToCount: 4096)) ?? Data(), as: UTF8.self) }
            return text.contains(mark) ? path : nil
        }
        guard !marked.isEmpty else { return [] }
        let figures = folder + "/figures"
        let pngs = ((try? fm.contentsOfDirectory(atPath: figures)) ?? []).filter { $0.hasSuffix(".png") }.sorted().map { figures + "/" + $0 }
        return marked + pngs
    }

    /// Removes the report made from `folder`'s results (``markedReport(in:)``), and figures/ once empty.
    public static func removeReport(in folder: String) throws { try removeReport(markedReport(in: folder), in: folder) }

    /// Removes `paths`, `folder`'s report as ``markedReport(in:)`` found it, and figures/ once empty.
    private static func removeReport(_ paths: [String], in folder: String) throws {
        let fm = FileManager.default
        for p in paths { try fm.removeItem(atPath: p) }
        if !paths.isEmpty, (try? fm.contentsOfDirectory(atPath: folder + "/figures"))?.isEmpty == true { try? fm.removeItem(atPath: folder + "/figures") }
    }

    /// Moves every staged file into the output folder (`last` moved last) and removes the staging
    /// folder. `owned`: every file (or folder) the command can write there; those it did not write
    /// this time are removed, the old manifest first, and with them the report made from the old
    /// results (``removeReport(in:)``), so no file of earlier results (an optional output such as
    /// comparison_groups.csv or a sweep's runs/) is left beside the new manifest. A staged folder
    /// replaces the folder of that name whole.
    public func commit(last: String? = "manifest.json", owned: Set<String> = []) throws {
        Self.commitLock.lock(); defer { Self.commitLock.unlock() }
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let lock = try FolderLock(path)
        defer { lock.release() }
        try moveIn(last: last, owned: owned)
    }

    /// ``commit(last:owned:)``'s work, with ``commitLock`` and the folder's ``FolderLock`` held by the
    /// caller (an interruption waits for the whole replacement, old files removed and new ones in,
    /// not only its last step; a report does not move in between).
    private func moveIn(last: String?, owned: Set<String> = []) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: path, withIntermediateDirectories: true)
        var names = try fm.contentsOfDirectory(atPath: staging).sorted()
        var stale = owned.subtracting(names).filter { fm.fileExists(atPath: path + "/" + $0) }.sorted()
        // A Parquet copy of a CSV file (python/commissim/parquet.py) is that file's: it goes when
        // the CSV is written anew or removed, so no copy of earlier results stays beside new ones.
        stale += Set((names + stale).filter { $0.hasSuffix(".csv") }.map { String($0.dropLast(4)) + ".parquet" })
            .subtracting(names).filter { fm.fileExists(atPath: path + "/" + $0) }.sorted()
        let replacedFolders = names.filter { n in
            var staged: ObjCBool = false, old: ObjCBool = false
            return fm.fileExists(atPath: stagedPath(n), isDirectory: &staged) && staged.boolValue
                && fm.fileExists(atPath: path + "/" + n, isDirectory: &old) && old.boolValue
        }
        let report = owned.isEmpty ? [] : Self.markedReport(in: path)
        let manifest = (last.map { [$0] } ?? []).filter { !(stale.isEmpty && report.isEmpty) && fm.fileExists(atPath: path + "/" + $0) }
        do {
            for n in manifest + stale + replacedFolders { try fm.removeItem(atPath: path + "/" + n) }
            try Self.removeReport(report, in: path)
        } catch {
            throw ScenarioErrors([ScenarioError(file: path, line: nil, key: "--out", message: "cannot remove the earlier results: \(IOFailure.reason(error))",
                                                fix: "check the folder's permissions, or choose another --out")])
        }
        if let l = last, let i = names.firstIndex(of: l) { names.remove(at: i); names.append(l) }
        for n in names {
            let to = path + "/" + n
            if rename(stagedPath(n), to) != 0 {
                let code = errno
                throw ScenarioErrors([ScenarioError(file: path, line: nil, key: "--out", message: "cannot move \(n) into place: \(String(cString: strerror(code)))",
                                                    fix: IOFailure.fix(code))])
            }
        }
        try fm.removeItem(atPath: staging)
        finished()
    }

    /// Removes the staging folder and everything in it.
    public func abort() {
        try? FileManager.default.removeItem(atPath: staging)
        finished()
    }

    /// `path` with its links followed: a link to a folder (results -> /big/disk/results), even one
    /// whose folder does not exist yet, is written through, so the results go where it points and
    /// the link stays (renamed aside, it was replaced by a folder). A chain of links is followed
    /// 16 deep at most; one still a link then (a loop) is refused by ``init(_:stageInside:)``.
    static func followingLinks(_ path: String) -> URL {
        var url = URL(fileURLWithPath: path).standardizedFileURL
        for _ in 0..<16 {
            guard let dest = try? FileManager.default.destinationOfSymbolicLink(atPath: url.path) else { break }
            url = URL(fileURLWithPath: dest, relativeTo: url.deletingLastPathComponent()).standardizedFileURL
        }
        return url.resolvingSymlinksInPath()
    }

    /// The first of `names` that, written into the folder `out`, would replace one of `inputs`
    /// (the same file, through any link), with that input: a command does not write its results
    /// over the files it reads.
    public static func inputReplaced(by names: [String], in out: String, inputs: [String]) -> (name: String, input: String)? {
        for name in names {
            var a = stat()
            guard stat(out + "/" + name, &a) == 0 else { continue }
            for input in inputs {
                var b = stat()
                if stat(input, &b) == 0, a.st_dev == b.st_dev, a.st_ino == b.st_ino { return (name, input) }
            }
        }
        return nil
    }

    /// Refuses to write `text` as `name` into `out` where that file is `input`, a file the command
    /// reads, and holds other text: its results would go over the file they were run from.
    /// Writing the same text again (a run or sweep repeated from its own copies) is allowed.
    /// `writer` says who writes it, for the message ("the sweep writes its own study.toml").
    /// `text` is made only where `input` is that file (a resolved scenario is costly to write out).
    public static func refuseReplacing(_ input: String, with name: String, text: @autoclosure () -> String, in out: String, writer: String) throws {
        guard inputReplaced(by: [name], in: out, inputs: [input]) != nil,
              (try? String(contentsOfFile: out + "/" + name, encoding: .utf8)) != text() else { return }
        throw ScenarioErrors([ScenarioError(file: input, line: nil, key: "--out",
            message: "\(out) is where \(writer), which would replace this file with other text",
            fix: "choose another --out: results go beside the files they were run from, not over them")])
    }

    /// The name, less the process id, of a staging folder inside the output folder.
    static let insidePrefix = ".commissim.partial-"

    /// Whether the existing folder `path` cannot be staged beside, in `parent`: it is a mount
    /// point (another device than its parent's), or `parent` cannot be written.
    static func cannotStageBeside(_ path: String, parent: String) -> Bool {
        var a = stat(), b = stat()
        guard stat(path, &a) == 0, stat(parent, &b) == 0 else { return false }
        return a.st_dev != b.st_dev || access(parent, W_OK) != 0
    }

    /// Whether `path` is the working directory or holds it (`--out .`): renamed aside and
    /// replaced, it would leave the user's shell in a deleted folder.
    static func holdsWorkingDirectory(_ path: String) -> Bool {
        let cwd = followingLinks(FileManager.default.currentDirectoryPath).path
        return cwd == path || cwd.hasPrefix(path.hasSuffix("/") ? path : path + "/")
    }

    /// The folder's entries, less this process's staging folder (when it is inside).
    public func entries() -> [String] {
        let own = (staging as NSString).lastPathComponent
        return ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { !stagedInside || $0 != own }
    }

    /// Removes staging folders (names starting with one of `prefixes`, then a process id) left in
    /// `parent` by processes that are gone (killed mid-run).
    static func removeStaleStaging(in parent: String, prefixes: [String]) {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: parent) else { return }
        for prefix in prefixes {
            for e in entries where e.hasPrefix(prefix) {
                guard let pid = Int32(e.dropFirst(prefix.count)), pid > 0 else { continue }
                if kill(pid, 0) != 0 && errno == ESRCH { try? FileManager.default.removeItem(atPath: parent + "/" + e) }
            }
        }
    }
}

/// The lock on a results folder while results are moved into it: an exclusive `flock` on the
/// folder itself, taken by every command as it moves its files in (``OutputFolder``) and by a
/// report as it checks that the results it drew from are still the folder's and moves its own
/// files in (python/commissim/report/__init__.py, `_ResultsGuard`). Without it a run finishing into
/// a folder while its report was drawn left the report of the earlier run beside the new results.
/// Held for moments only; a folder that no longer exists, or a file system without `flock`, goes
/// unlocked (the same as before the lock existed).
struct FolderLock {
    private let fd: Int32
    /// How long a command waits for a report to finish moving in before it gives up.
    static let patience: TimeInterval = 10

    init(_ folder: String) throws {
        fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        let deadline = Date().addingTimeInterval(Self.patience)
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            guard code == EWOULDBLOCK || code == EINTR else { return } // no flock here: unlocked
            if Date() > deadline {
                close(fd)
                throw ScenarioErrors([ScenarioError(file: folder, line: nil, key: "--out",
                    message: "another process has held the folder's lock for \(Int(Self.patience)) s (a report moving its files in, stopped?)",
                    fix: "let that process finish or stop it, then run the command again")])
            }
            usleep(2_000)
        }
    }

    /// Releases the lock.
    func release() { if fd >= 0 { close(fd) } }
}
