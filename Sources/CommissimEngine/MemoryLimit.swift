import Foundation

/// The most memory one market may hold (README, "Limits"): 4 GiB — a laptop's, a CI runner's or a
/// cluster's usual memory per core, and room for ten Englands over a century (an estimate of 3.1
/// GB) — or `COMMISSIM_MEMORY_LIMIT_MB` megabytes. Scenarios whose market would need more at the
/// start are refused when they are read (`MemoryEstimate` in CommissimIO); a market that outgrows
/// the limit while it runs — entrants widening the trust matrices, demand filling the children's
/// records — stops before the allocation that would take it past the limit (`Market.ensureRoom`
/// in CommissimModel), so no input makes a run allocate without bound; and a block the system
/// refuses (a `ulimit`, an exhausted machine) stops the run the same way (``AlignedArray``).
public enum MemoryLimit {
    /// The limit in bytes.
    public static let bytes: Double = {
        if let text = setting, let mb = megabytes(text) { return mb * 1024 * 1024 }
        return 4 * 1024 * 1024 * 1024
    }()

    /// `COMMISSIM_MEMORY_LIMIT_MB` as set (nil when unset or empty).
    static let setting = ProcessInfo.processInfo.environment["COMMISSIM_MEMORY_LIMIT_MB"].flatMap {
        $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0
    }

    /// A number of megabytes from 1 to a billion (spaces around it allowed); nil for anything else.
    static func megabytes(_ text: String) -> Double? {
        guard let mb = Double(text.trimmingCharacters(in: .whitespaces)), mb.isFinite, mb >= 1, mb <= 1e9 else { return nil }
        return mb
    }

    /// The error for a `COMMISSIM_MEMORY_LIMIT_MB` that is not a number of megabytes (nil when it
    /// is, or is unset): the command line refuses to start rather than run under the default.
    public static var invalidSetting: (message: String, fix: String)? {
        guard let text = setting, megabytes(text) == nil else { return nil }
        return ("'\(text.count > 40 ? String(text.prefix(40)) + "…" : text)' is not a number of megabytes from 1 to 1,000,000,000",
                "set it to the megabytes a market may hold, e.g. COMMISSIM_MEMORY_LIMIT_MB=2000, or unset it for 4 GiB")
    }

    /// The limit in words: "4 GiB", or "N MB".
    public static var described: String {
        let gib = bytes / (1024 * 1024 * 1024)
        return gib >= 1 && gib == gib.rounded() ? "\(Int(gib)) GiB" : "\(Int((bytes / 1_048_576).rounded())) MB"
    }

    /// The fix every memory error names.
    public static let fix = "lower simulation.scale or the groups' counts (or raise COMMISSIM_MEMORY_LIMIT_MB)"

    /// What a process holds whatever the market (code, libraries, buffers), counted against the
    /// limit with the market.
    public static let processBase = 64.0 * 1024 * 1024

    /// Called with a one-line explanation when a market would outgrow the limit or the system
    /// refuses memory; never returns.
    /// The command line sets it to print the error against the scenario file and exit with status
    /// 2 (set it once, before any run starts); by default it is a fatal error.
    nonisolated(unsafe) public static var exceeded: (String) -> Never = { fatalError($0) }
}
