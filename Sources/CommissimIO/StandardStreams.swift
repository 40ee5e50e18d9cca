import Foundation

/// Standard output and error, written straight to their descriptors so that a stream that cannot
/// take the text never stops the command with a trap (Foundation's `FileHandle.write(_:)` traps on
/// a full disk or a closed pipe: `commissim run missing.toml 2>/dev/full` died with "Illegal
/// instruction"), and a standard output that lost text is known (``outputFailure``).
public enum StandardStreams {
    /// Writes `text` to standard output; a failure is kept for ``outputFailure`` (the command
    /// reports it when it ends: `params > /dev/full` is an error, not a short file and exit 0).
    public static func output(_ text: String) {
        if let code = FileWrite.write(text, to: STDOUT_FILENO) {
            lock.lock(); defer { lock.unlock() }
            if failure == nil { failure = code }
        }
    }

    /// Writes `text`, a note of what the command did ("wrote …", compare's table, also in
    /// summary.txt), to standard output. The results are in their files, so a note that cannot be
    /// written is passed over like ``error(_:)``: a run that wrote its results does not fail on it.
    public static func note(_ text: String) { _ = FileWrite.write(text, to: STDOUT_FILENO) }

    /// Writes `text` to standard error. A standard error that cannot be written (a full disk, a
    /// closed pipe) is passed over: there is nowhere left to say so, and the exit status still tells.
    public static func error(_ text: String) { _ = FileWrite.write(text, to: STDERR_FILENO) }

    /// The error number of the first text ``output(_:)`` could not write, if any.
    public static var outputFailure: Int32? {
        lock.lock(); defer { lock.unlock() }
        return failure
    }

    nonisolated(unsafe) private static var failure: Int32?
    private static let lock = NSLock()
}
