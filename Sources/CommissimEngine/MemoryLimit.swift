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
        if let text = ProcessInfo.processInfo.environment["COMMISSIM_MEMORY_LIMIT_MB"], let mb = Double(text), mb.isFinite, mb > 0 {
            return mb * 1024 * 1024
        }
        return 4 * 1024 * 1024 * 1024
    }()

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
