import Foundation

/// The most memory one market may hold (README, "Limits"): 8 GiB, or `COMMISSIM_MEMORY_LIMIT_MB`
/// megabytes. Scenarios whose market would need more at the start are refused when they are read
/// (`MemoryEstimate` in CommissimIO); a market that outgrows the limit while it runs — entrants
/// widening the trust matrices, demand filling the children's records — stops before the
/// allocation that would take it past the limit (``Market/ensureRoom(_:for:)``), so no input
/// makes a run allocate without bound.
public enum MemoryLimit {
    /// The limit in bytes.
    public static let bytes: Double = {
        if let text = ProcessInfo.processInfo.environment["COMMISSIM_MEMORY_LIMIT_MB"], let mb = Double(text), mb.isFinite, mb > 0 {
            return mb * 1024 * 1024
        }
        return 8 * 1024 * 1024 * 1024
    }()

    /// The limit in words: "8 GiB", or "N MB".
    public static var described: String {
        let gib = bytes / (1024 * 1024 * 1024)
        return gib >= 1 && gib == gib.rounded() ? "\(Int(gib)) GiB" : "\(Int((bytes / 1_048_576).rounded())) MB"
    }

    /// What a process holds whatever the market (code, libraries, buffers), counted against the
    /// limit with the market.
    public static let processBase = 64.0 * 1024 * 1024

    /// Called with a one-line explanation when a market would outgrow the limit; never returns.
    /// The command line sets it to print the error against the scenario file and exit with status
    /// 2 (set it once, before any run starts); by default it is a fatal error.
    nonisolated(unsafe) public static var exceeded: (String) -> Never = { fatalError($0) }
}

extension Market {
    /// The bytes held by what grows with the market: the children's records, the trust and
    /// placement matrices, the councils' reach lists and the contract records.
    var footprint: Double {
        let records = Double(children.capacity * MemoryLayout<Child>.stride)
        let matrices = Double(councils.count) * Double(providers.trustStride * Providers.bytesPerPair)
        let reach = Double(councils.reachPool.capacity * MemoryLayout<Int32>.stride)
        let contractRecords = Double(contracts.capacity * MemoryLayout<Contract>.stride)
        return records + matrices + reach + contractRecords
    }

    /// Stops the run (``MemoryLimit/exceeded``) if the market, holding `bytes` more, would be
    /// above the limit; `what` says what was growing.
    func ensureRoom(_ bytes: Double, for what: String) {
        guard MemoryLimit.processBase + footprint + bytes > MemoryLimit.bytes else { return }
        let mb = { (x: Double) in Int((x / 1_048_576).rounded()) }
        let when = month < burnIn ? "in month \(month + 1) of the burn-in" : "in month \(month - burnIn + 1)"
        MemoryLimit.exceeded("\(when) the market (\(councils.count) councils, \(providers.trading.count) providers, "
            + "\(children.living) children) would need more than the memory limit of \(MemoryLimit.described) for \(what) "
            + "(it holds \(mb(MemoryLimit.processBase + footprint)) MB and needs \(mb(bytes)) MB more)")
    }
}
