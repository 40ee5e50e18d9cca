import Foundation

/// Whole files written with the POSIX calls, so a failure keeps its error number for
/// ``IOFailure``: Foundation's `Data.write(to:)` reported a file outgrowing the size limit (EFBIG)
/// as "NSCocoaErrorDomain error 512", and written atomically as "No such file or directory".
enum FileWrite {
    /// Writes `text` to `path`, replacing it; `atomically`, through a hidden file beside it
    /// (`.NAME.writing-PID`, left only by a process killed while writing, and passed over by
    /// whatever lists the folder for results) renamed into place, so a reader never sees half of
    /// it. Throws an error in NSPOSIXErrorDomain naming `path`.
    static func write(_ text: String, to path: String, atomically: Bool = false) throws {
        let url = URL(fileURLWithPath: path)
        let target = atomically ? url.deletingLastPathComponent().path + "/." + url.lastPathComponent + ".writing-\(getpid())" : path
        let fd = open(target, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw failure(errno, path) }
        var code = write(text, to: fd)
        if close(fd) != 0 && code == nil { code = errno }
        if code == nil && atomically && rename(target, path) != 0 { code = errno }
        if let c = code {
            if atomically { unlink(target) }
            throw failure(c, path)
        }
    }

    /// Writes all of `text` to the open descriptor `fd` (again after an interrupted or partial
    /// write); returns the error number if it could not.
    static func write(_ text: String, to fd: Int32) -> Int32? {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return n < 0 ? errno : EIO }
            bytes = bytes.dropFirst(n)
        }
        return nil
    }

    private static func failure(_ code: Int32, _ path: String) -> NSError {
        NSError(domain: NSPOSIXErrorDomain, code: Int(code), userInfo: [NSFilePathErrorKey: path])
    }
}
