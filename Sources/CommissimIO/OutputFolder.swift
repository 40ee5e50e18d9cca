import Foundation

/// An output folder written atomically: files go to a hidden staging folder beside it and are
/// renamed into place only when everything has been written, so an error or interruption never
/// leaves half-written results. The manifest is moved last.
public final class OutputFolder {
    public let path: String
    public let staging: String
    private var committed = false

    /// Prepares `path` (creating its parents). Throws a ``ScenarioError`` naming `--out` if it
    /// cannot be written.
    public init(_ path: String) throws {
        let fm = FileManager.default
        guard !path.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ScenarioErrors([ScenarioError(file: "commissim", line: nil, key: "--out", message: "the output folder is empty", fix: "give a folder, e.g. --out results/my-run")])
        }
        let url = URL(fileURLWithPath: path).standardizedFileURL
        self.path = url.path
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: self.path, isDirectory: &isDir), !isDir.boolValue {
            throw ScenarioErrors([ScenarioError(file: path, line: nil, key: "--out", message: "exists and is not a folder", fix: "choose another --out path")])
        }
        let parent = url.deletingLastPathComponent().path
        staging = parent + "/." + url.lastPathComponent + ".partial-\(ProcessInfo.processInfo.processIdentifier)"
        do {
            try fm.createDirectory(atPath: parent, withIntermediateDirectories: true)
            Self.removeStaleStaging(in: parent, for: url.lastPathComponent)
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

    /// Writes `text` to `name` in the staging folder.
    public func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: stagedPath(name)))
    }

    /// Replaces the whole output folder by the staging folder in one rename (the old folder, if
    /// any, is moved aside first and removed after), so `--out` never mixes two runs' files: used
    /// for a single run, whose folder holds nothing else.
    public func commitReplacing() throws {
        Self.commitLock.lock(); defer { Self.commitLock.unlock() }
        let fm = FileManager.default
        let aside = staging.replacingOccurrences(of: ".partial-", with: ".replaced-")
        var movedAside = false
        if fm.fileExists(atPath: path) {
            if rename(path, aside) != 0 {
                throw ScenarioErrors([ScenarioError(file: path, line: nil, key: "--out", message: "cannot replace the old output folder: \(String(cString: strerror(errno)))",
                                                    fix: "check the folder's permissions, or choose another --out")])
            }
            movedAside = true
        }
        if rename(staging, path) != 0 {
            let reason = String(cString: strerror(errno))
            if movedAside { _ = rename(aside, path) }
            throw ScenarioErrors([ScenarioError(file: path, line: nil, key: "--out", message: "cannot move the results into place: \(reason)",
                                                fix: "check the folder's permissions, or choose another --out")])
        }
        finished()
        if movedAside { try? fm.removeItem(atPath: aside) }
    }

    /// Moves every staged file into the output folder (`last` moved last) and removes the staging folder.
    public func commit(last: String? = "manifest.json") throws {
        Self.commitLock.lock(); defer { Self.commitLock.unlock() }
        let fm = FileManager.default
        try fm.createDirectory(atPath: path, withIntermediateDirectories: true)
        var names = try fm.contentsOfDirectory(atPath: staging).sorted()
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

    /// Removes staging folders of `name` left by processes that are gone (killed mid-run).
    static func removeStaleStaging(in parent: String, for name: String) {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: parent) else { return }
        for prefix in ["." + name + ".partial-", "." + name + ".replaced-"] {
            for e in entries where e.hasPrefix(prefix) {
                guard let pid = Int32(e.dropFirst(prefix.count)), pid > 0 else { continue }
                if kill(pid, 0) != 0 && errno == ESRCH { try? FileManager.default.removeItem(atPath: parent + "/" + e) }
            }
        }
    }
}
