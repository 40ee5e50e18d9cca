import Foundation

/// Failures of the file system — a full disk, a missing permission, too many open files — said
/// the way input errors are: one line naming the file, what happened and the fix (exit 2).
public enum IOFailure {
    /// The POSIX error number behind `error`, where Foundation kept or implied one.
    static func code(of error: Error) -> Int32? {
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain { return Int32(ns.code) }
        if let u = ns.userInfo[NSUnderlyingErrorKey] as? NSError, u.domain == NSPOSIXErrorDomain { return Int32(u.code) }
        guard ns.domain == NSCocoaErrorDomain else { return nil }
        switch ns.code {
        case NSFileWriteOutOfSpaceError: return ENOSPC
        case NSFileWriteVolumeReadOnlyError: return EROFS
        case NSFileWriteNoPermissionError, NSFileReadNoPermissionError: return EACCES
        case NSFileNoSuchFileError, NSFileReadNoSuchFileError: return ENOENT
        case NSFileWriteFileExistsError: return EEXIST
        default: return nil
        }
    }

    /// What happened, in words ("No space left on device").
    public static func reason(_ error: Error) -> String {
        if let c = code(of: error) { return String(cString: strerror(c)) }
        let ns = error as NSError
        if let u = ns.userInfo[NSUnderlyingErrorKey] as? NSError { return u.localizedDescription }
        return ns.localizedDescription
    }

    /// What to do about it.
    static func fix(_ code: Int32?) -> String {
        switch code {
        case ENOSPC, EDQUOT: return "free disk space (or choose an --out on another disk), then run the same command again"
        case EFBIG: return "raise the file-size limit (ulimit -f) or choose an --out on a disk that allows larger files, then run the same command again"
        case EACCES, EPERM, EROFS: return "choose a folder you can write, or fix its permissions"
        case EMFILE, ENFILE: return "raise the open-file limit (ulimit -n) or use fewer --threads, then run the same command again"
        case ENOENT: return "check that the path exists and was not removed while commissim ran"
        case EIO: return "check the disk, then run the same command again"
        default: return "check the path and the disk, then run the same command again"
        }
    }

    /// The error for `error` met while reading or writing (the path from the error, else `path`).
    public static func error(_ error: Error, path: String) -> ScenarioError {
        let last = errno // Foundation's "unknown" file errors (256, 512) drop the errno they met
        let ns = error as NSError
        if code(of: error) == nil, ns.domain == NSCocoaErrorDomain, [NSFileReadUnknownError, NSFileWriteUnknownError].contains(ns.code), last > 0 {
            let file = (ns.userInfo[NSFilePathErrorKey] as? String) ?? path
            return ScenarioError(file: file, line: nil, key: nil, message: "cannot read or write the file: \(String(cString: strerror(last)))", fix: fix(last))
        }
        let file = (ns.userInfo[NSFilePathErrorKey] as? String) ?? (ns.userInfo[NSURLErrorKey] as? URL)?.path ?? path
        return ScenarioError(file: file, line: nil, key: nil, message: "cannot read or write the file: \(reason(error))", fix: fix(code(of: error)))
    }
}
