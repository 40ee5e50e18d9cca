import CommissimEngine

/// What a market holds, measured against the memory limit (``MemoryLimit``, CommissimEngine).
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
